# One way to do each thing; .ci/run calls `make test`, the README's quick start calls
# `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin


.PHONY: serve
.PHONY: setup demo test lint typecheck unit docs bench bench-accuracy bench-performance bench-decisions bench-api bench-audit bench-diff

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The web app's map geometry and TopoJSON reader, from the npm registry (served locally).
WEB_VENDOR := exportguard/web/vendor
$(WEB_VENDOR)/node_modules/.installed: $(WEB_VENDOR)/package.json $(WEB_VENDOR)/package-lock.json
	npm ci --prefix $(WEB_VENDOR) --no-audit --no-fund --silent
	touch $@

setup: $(BIN)/.installed $(WEB_VENDOR)/node_modules/.installed

## The main job on the embedded default (SQLite in your user data directory).
demo: setup
	$(BIN)/exportguard lists import --demo
	$(BIN)/exportguard screen "NSO Group"
	$(BIN)/exportguard screen "Позитив Текнолоджиз" --country RU
	$(BIN)/exportguard screen "קנדירו"
	$(BIN)/exportguard decide --item 4D004 --to MA --end-user "Moroccan national police" \
		--end-user-type law-enforcement --end-use law-enforcement --date 2021-12-01
	$(BIN)/exportguard serve --demo

## The service (API + web) on the embedded default, with demo data and accounts.
serve: setup
	$(BIN)/exportguard serve --demo

lint: setup
	$(BIN)/ruff check exportguard tests bench
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy --strict exportguard

unit: setup
	$(BIN)/pytest

test: lint typecheck unit

docs: setup
	$(BIN)/python docs/generate.py

## Benchmarks: bench/.venv adds nomenklatura (LogicV2 baseline) beside the package.
bench/.venv/.installed: pyproject.toml
	$(PYTHON) -m venv bench/.venv
	bench/.venv/bin/pip install --quiet --upgrade pip
	bench/.venv/bin/pip install --quiet -e '.[dev]' 'nomenklatura==4.17.4'
	touch $@

bench-accuracy: bench/.venv/.installed
	cd bench && .venv/bin/python accuracy.py

bench-performance: setup
	cd bench && ../$(BIN)/python performance.py

bench: bench-accuracy bench-performance bench-decisions bench-api bench-audit bench-diff

bench-decisions: setup
	cd bench && ../$(BIN)/python decisions.py

bench-api: setup
	cd bench && ../$(BIN)/python api_load.py

bench-audit: setup
	cd bench && ../$(BIN)/python audit.py --records 100000

bench-diff: setup
	cd bench && ../$(BIN)/python diff.py
