# One venv, made on first use; `make run` and `make test` are the whole quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench migrate check clean

$(BIN)/partnerbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/partnerbot
	$(BIN)/partnerbot run

test: $(BIN)/partnerbot
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: $(BIN)/partnerbot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot storage handlers

bench: $(BIN)/partnerbot
	$(BIN)/python -m benchmarks

migrate: $(BIN)/partnerbot
	$(BIN)/partnerbot migrate

check: $(BIN)/partnerbot
	$(BIN)/partnerbot check

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
