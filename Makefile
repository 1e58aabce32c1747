# Two commands on a fresh machine: `make run` and `make test` (see README.md).
# Each step leaves a stamp, so a second run installs nothing that is already there.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test lint typecheck bench screenshots package clean system-packages

run: $(APP_STAMP)
	$(BIN)/python -m desktop.launch_demo

test: $(DEV_STAMP) system-packages
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy desktop sync_server shared

bench: $(DEV_STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

screenshots: $(DEV_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py

# The desktop bundle and the .deb, each self-tested (see packaging/README.md).
package: $(DEV_STAMP) system-packages
	packaging/package.sh $(BIN)/python

system-packages:
	@scripts/ensure-system-packages

$(BIN)/python:
	@$(PYTHON) scripts/check_python.py
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(APP_STAMP)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .demo
