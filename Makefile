# Quick start: `make demo` converts the bundled sample, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

demo: install
	$(BIN)/audiocast demo -o output

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf output/episodes output/*.xml output/*.html output/*.db output/cover.* build *.egg-info
