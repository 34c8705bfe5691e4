"""Interfaces: the Gradio app and the ``roadmap`` CLI (thin: parse input, call kb/rag, render)."""
