"""Evaluations of the project's parts against gold data written before the code they measure."""
