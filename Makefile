# Two commands: `make run` serves the demo province; `make test` passes the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-browser test-postgres lint check install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run — install, migrate, load the demo province, serve http://127.0.0.1:$${PORT:-8000} + worker
run: install
	$(BIN)/tinhso run

## make test — install test dependencies and run the whole suite on SQLite
test: install-test
	$(BIN)/pytest

## make test-browser — the Playwright tests (needs Debian's chromium)
test-browser: install-test
	$(BIN)/pytest -m browser

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports pyproject.toml --no-cache
	$(BIN)/mypy
	$(BIN)/ruff format --check src tests benchmarks

check: install-test
	$(BIN)/tinhso manage makemigrations --check --dry-run

## make bench — the quick figures (see docs/performance.md for intake.py and staff_pages.py)
bench: install
	taskset -c 0 $(BIN)/python benchmarks/locate_points.py
	taskset -c 0 $(BIN)/python benchmarks/text_engine.py

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
