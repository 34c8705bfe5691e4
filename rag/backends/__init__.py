"""Chat-model backends (llama.cpp, transformers, OpenAI-compatible servers) and the catalogue of local models."""
