# OpenBoB: two commands for a fresh machine, `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1:8000
DEMO_ENV := OPENBOB_DEMO=1 OPENBOB_DATA_DIR=$(CURDIR)/var/demo OPENBOB_SITE_URL=http://$(HOST)
PYTEST_ARGS ?= -n 2

.PHONY: install demo test lint typecheck unit bench lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Install, build a demo agency from generated files, serve portal + worker, print logins.
demo: install
	$(DEMO_ENV) $(BIN)/bob migrate --verbosity 0
	$(DEMO_ENV) $(BIN)/bob demo
	$(DEMO_ENV) $(BIN)/bob collectstatic --noinput --verbosity 0
	@echo "Serving http://$(HOST)/ (portal) and the task worker; Ctrl-C stops both."
	$(DEMO_ENV) $(BIN)/bob worker & \
	  trap 'kill %1 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(BIN)/bob runserver --insecure --noreload $(HOST)

## Install, lint, type-check and run the whole suite (SQLite, plus PostgreSQL when
## OPENBOB_TEST_DATABASE_URL is set).
test: install lint typecheck
	env -u OPENBOB_TEST_DATABASE_URL OPENBOB_DATA_DIR=$(CURDIR)/var/test \
	  $(BIN)/python -m pytest -q $(PYTEST_ARGS)
	@if [ -n "$$OPENBOB_TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL"; \
	  OPENBOB_DATA_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest -q -m "not browser" $(PYTEST_ARGS); \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	OPENBOB_DATA_DIR=$(CURDIR)/var/test $(BIN)/mypy openbob

## Benchmarks: writes docs/benchmarks.md (e.g. BENCH="--quick --only imports").
bench: install
	OPENBOB_DATA_DIR=$(CURDIR)/var/bench $(BIN)/python -m openbob.bench $(BENCH)

## Re-pin every dependency (with hashes) after editing requirements*.in.
lock:
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	  requirements.in requirements-dev.in -o requirements.lock

clean:
	rm -rf $(VENV) var
