"""Retrieval: embedders, FAISS index, BM25, topic linking, snippets and the hybrid graph-aware search."""
