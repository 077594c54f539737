# Two commands for a new user: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# The zero-setup local server: debug on, SQLite unless DATABASE_URL says otherwise,
# tasks run in the web process unless a broker and worker are configured.
RUN_ENV := DEBUG=$${DEBUG:-1} CELERY_TASK_ALWAYS_EAGER=$${CELERY_TASK_ALWAYS_EAGER:-1}

.PHONY: run test lint typecheck migrations-check pytest bench bench-pages messages install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) load_catalogue
	$(RUN_ENV) $(MANAGE) load_demo
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	DEBUG=1 $(BIN)/mypy .

migrations-check: $(STAMP)
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

# Not part of `make test`: needs PostgreSQL (DATABASE_URL) and takes minutes.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The pages (list, queue, dashboard) over HTTP on 10 000 reviews; the same as
# `make bench BENCH_ARGS=pages`. Options: make bench-pages BENCH_ARGS="--requests 50".
bench-pages: $(STAMP)
	$(BIN)/python -m bench pages $(BENCH_ARGS)

# Refresh the translation catalogues after changing interface strings.
messages: $(STAMP)
	DEBUG=1 $(MANAGE) makemessages --locale zh_Hans --no-obsolete --no-location --ignore .venv --ignore staticfiles --ignore test-artifacts --ignore tests --ignore bench
	DEBUG=1 $(MANAGE) compilemessages --ignore .venv

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .hypothesis .schemathesis test-artifacts
