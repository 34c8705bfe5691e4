"""Answering: the assistant, the answer stream and its events, prompts, citations and graph facts."""
