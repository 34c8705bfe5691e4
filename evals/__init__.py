"""Evaluation of retrieval and answers, beside ``bench/``: question sets in ``evals/data``."""
