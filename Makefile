# Shangliang — every command a newcomer needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS= runs it in one process.
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(BIN)/.installed: requirements/dev.txt requirements/base.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

.PHONY: venv
venv: $(BIN)/.installed ## Create the virtual environment with the pinned dependencies

.PHONY: migrate
migrate: venv ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

.PHONY: demo
demo: migrate ## Load the demo district (idempotent)
	$(BIN)/python manage.py seed_demo

.PHONY: run
run: migrate ## Set up everything and serve the site with its background worker at http://127.0.0.1:8000
	SHANGLIANG_SITE_URL="$${SHANGLIANG_SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python manage.py seed_demo --quiet-logins
	SHANGLIANG_SITE_URL="$${SHANGLIANG_SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python scripts/run.py --host $(HOST) --port $(PORT)

.PHONY: test
test: venv ## Run the whole test suite (browser tests included)
	$(BIN)/pytest $(PYTEST_ARGS)

.PHONY: lint
lint: venv ## Lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: fmt
fmt: venv ## Format the code and apply safe lint fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: typecheck
typecheck: venv ## Type-check the package with mypy
	$(BIN)/mypy

.PHONY: migrations-check
migrations-check: venv ## Fail when a model change has no migration
	$(BIN)/python manage.py makemigrations --check --dry-run

.PHONY: bench
bench: venv ## Benchmark at BENCH_N concerns (default 100000) on SQLite, or PostgreSQL with BENCH_DATABASE_URL; one JSON line
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || \
		(echo "make bench needs wrk (Debian package wrk)"; exit 1)
	BENCH_N=$${BENCH_N:-100000} $(BIN)/python -m bench

.PHONY: loadtest
loadtest: venv ## 20 residents submitting with photos and tracking for 60 s on loopback (gunicorn, a fresh instance; DATABASE_URL for PostgreSQL); prints JSON
	$(BIN)/python scripts/loadtest.py

.PHONY: lighthouse
lighthouse: venv ## Lighthouse (mobile) on the home, intake, tracking and result pages of a fresh demo instance; JSON per page, fails under 95 accessibility or 90 performance
	$(BIN)/python scripts/lighthouse/run.py

.PHONY: audit-db
audit-db: venv ## Download the OSV advisory database for PyPI into var/audit/ (needs the network)
	$(BIN)/python scripts/audit.py fetch

.PHONY: audit
audit: venv ## Check every pinned dependency against the local advisory database (offline)
	$(BIN)/python scripts/audit.py check

.PHONY: bandit
bandit: venv ## Static security analysis of the code; fails on high-severity findings
	$(BIN)/bandit --quiet --recursive shangliang config scripts --exclude '*/tests/*,*/migrations/*' --severity-level high

.PHONY: requirements
requirements: venv ## Compile requirements/*.in into pinned, hash-checked requirements/*.txt
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-header --no-annotate \
		--strip-extras --no-emit-index-url --no-emit-find-links -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-header --no-annotate \
		--strip-extras --no-emit-index-url --no-emit-find-links -o dev.txt dev.in

.PHONY: ci
ci: ## What CI runs: lint, types, migrations, the suite on SQLite and on PostgreSQL
	bash .ci/run

.PHONY: clean
clean: ## Remove the local database, uploads and caches (keeps the virtual environment)
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
