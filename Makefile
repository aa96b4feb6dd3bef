# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= data/demo.sqlite3
PORT ?= 8000

.PHONY: demo test install install-dev lint format check test-sqlite test-postgres test-browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make demo: build the synthetic demo database and serve the web app
demo: install
	$(BIN)/commissioning demo --db sqlite:///$(abspath $(DEMO_DB)) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make test: the whole suite, on SQLite and on PostgreSQL, with the browser tests
test: install-dev
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-java.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	DATABASE_URL=$$(bash scripts/ensure-postgres.sh) $(BIN)/python -m pytest -q -m "not browser" \
		tests/store tests/web tests/demo

bench: install-dev
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) data build *.egg-info .pytest_cache
