# Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test setup setup-test kb models lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[llm]'
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[llm,test]'
	touch $@

setup: $(STAMP)

setup-test: $(TEST_STAMP)

models: setup
	$(VENV)/bin/roadmap models install

kb: setup
	$(VENV)/bin/roadmap ingest --if-missing

run: setup
	$(VENV)/bin/roadmap models install
	$(VENV)/bin/roadmap ingest --if-missing
	$(VENV)/bin/roadmap ui

test: setup-test
	$(VENV)/bin/roadmap models install
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
