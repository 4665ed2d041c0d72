# One way to do each thing; .ci/run calls `make test`, the README's quick start calls
# `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint typecheck unit bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## The main job on the embedded default (SQLite in your user data directory).
demo: setup
	$(BIN)/exportguard lists import --demo
	$(BIN)/exportguard screen "NSO Group"
	$(BIN)/exportguard screen "Позитив Текнолоджиз" --country RU
	$(BIN)/exportguard screen "קנדירו"

lint: setup
	$(BIN)/ruff check exportguard tests bench

typecheck: setup
	$(BIN)/mypy --strict exportguard

unit: setup
	$(BIN)/pytest

test: lint typecheck unit
