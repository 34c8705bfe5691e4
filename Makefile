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
	$(PIP) install --quiet -e '.[llm,baseline]'
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[llm,baseline,test]'
	# Browser tests drive Debian's chromium (best effort: needs root; they skip, saying why, without it).
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk) || true
	touch $@

setup: $(STAMP)

setup-test: $(TEST_STAMP)

models: setup
	$(VENV)/bin/roadmap models install

kb: setup
	$(VENV)/bin/roadmap ingest --if-missing

run: setup
	HF_HUB_OFFLINE=1 $(VENV)/bin/roadmap models install
	HF_HUB_OFFLINE=1 $(VENV)/bin/roadmap ingest --if-missing
	HF_HUB_OFFLINE=1 $(VENV)/bin/roadmap ui

test: setup-test
	HF_HUB_OFFLINE=1 $(VENV)/bin/roadmap models install --quiet
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q -ra

bench: setup
	for b in bench/bench_*.py; do HF_HUB_OFFLINE=1 $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
