# One venv, made on first use; `make run` and `make test` are the whole quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench migrate check clean browser

$(BIN)/partnerbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/partnerbot
	$(BIN)/partnerbot run

# One pytest worker per CPU (pytest-xdist); each test module runs whole on one worker, so a
# module's shared fixtures are built once and its checks of what the module covered hold.
test: $(BIN)/partnerbot browser
	$(BIN)/pytest -q -n auto --dist loadscope $(PYTEST_ARGS)

# The browser tests (tests/sandbox) drive Debian's Chromium through Playwright (which can't
# download its own here). Installed when missing and apt-get can (as root, as CI runs);
# otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& echo "make: installing Chromium for the browser tests (apt-get)" \
		&& apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } \
		|| echo "make: no Chromium, so the browser tests will skip (apt-get install chromium)"

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
