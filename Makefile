# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= data/demo.sqlite3
PORT ?= 8000

.PHONY: demo test install install-dev lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Debian packages the app needs at run time: Pango and fonts for PDF reports (WeasyPrint).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
# ... and for the tests: Chromium for browser tests, poppler-utils to read PDFs back.
TEST_SYSTEM_PACKAGES := chromium poppler-utils
# ... and for the benchmarks: wrk drives the load test, Java runs Spark.
BENCH_SYSTEM_PACKAGES := wrk

$(VENV)/.installed: $(BIN)/python pyproject.toml
	bash scripts/ensure-debian-packages.sh $(SYSTEM_PACKAGES)
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
	bash scripts/ensure-debian-packages.sh $(TEST_SYSTEM_PACKAGES)
	bash scripts/ensure-java.sh
	$(BIN)/ruff check .
	bash scripts/test-both-databases.sh $(BIN)/python

bench: install-dev
	bash scripts/ensure-debian-packages.sh $(BENCH_SYSTEM_PACKAGES)
	bash scripts/ensure-java.sh
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) data build *.egg-info .pytest_cache
