# Journey Lab: the two commands are `make run` and `make test`.
# Each builds the virtual environment it needs from the pinned requirements.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# The port: `make run PORT=8600`, or STREAMLIT_SERVER_PORT from the environment, else 8501.
PORT   ?= $(or $(STREAMLIT_SERVER_PORT),8501)

.PHONY: install run test test-fast lint format bench browser-deps system-deps clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## install: the runtime environment only (what `run`, `test` and the Dockerfile build on)
install: $(VENV)/.runtime system-deps

## run: serve the app on journey.db (or $$JOURNEY_DB), seeded with the samples when empty
run: $(VENV)/.runtime system-deps
	$(PY) -m streamlit run app.py --server.port $(PORT)

## test: the formatter's check, then the whole suite (unit, storage, page, CLI and browser tests)
test: $(VENV)/.dev system-deps browser-deps
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

## test-fast: everything but the browser tests
test-fast: $(VENV)/.dev system-deps
	$(PY) -m pytest -m "not browser"

## system-deps: the Debian libraries and fonts of the PDF report (installed when root, else explained)
system-deps:
	@bash scripts/install-system-deps.sh

## browser-deps: Debian's chromium for the browser tests (installed when root, else explained)
browser-deps:
	@bash scripts/install-chromium.sh

## lint: ruff's checks and its formatter's check (100 columns)
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## format: ruff's formatter, then the fixes ruff can make safely (import order, modern syntax)
format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: benchmarks print figures and ratios; they are not tests
bench: $(VENV)/.dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
