# Two commands do all set-up: `make demo` and `make test`. Both create the
# virtualenv on first use and reinstall when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= var/demo

.PHONY: demo test check bench schema install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The simulated credit bureau runs beside the gateway and stops with it.
demo: install
	$(BIN)/credit-gateway demo-data --if-missing --out $(DATA)
	$(BIN)/credit-gateway bureau-sim --latency-ms 20 & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	$(BIN)/credit-gateway --data $(DATA) serve

test: install
	$(BIN)/pytest

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m benchmarks

schema: install
	$(BIN)/credit-gateway schema > schema.graphql

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
