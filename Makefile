# Beacon: `make run` to try it, `make test` to test it. Everything else here serves those two.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The test suite runs against real PostgreSQL and Redis; these are this machine's defaults.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/beacon
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# make test runs the suite on every core with pytest-xdist (TEST_WORKERS=0: one process, as before).
TEST_WORKERS ?= auto
# What make check runs: the fast checks, no database needed beyond makemigrations. `imports` (the layering
# contract, import-linter) joins the list once its target exists.
CHECKS ?= lint imports templates mypy migrations-check migrations-lint
# make run serves here; honcho gives the web process this port.
PORT ?= 8000

.PHONY: run test check install assets lint format mypy mypy-baseline templates migrations-check imports clean bench bench-large bench-audit bench-queue

## make run: install, migrate, load the demo data, and serve with a Celery worker and scheduler.
run: install assets
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py migrate --noinput
	@# Before the demo data: loading it sends notifications, whose emails queue on the filesystem broker.
	@mkdir -p $${BEACON_VAR_DIR:-var}/broker
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py load_demo_data
	@echo "Beacon is starting at http://127.0.0.1:$(PORT) (sign in as lead.sw; the README has the password). Ctrl-C stops it."
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DJANGO_SETTINGS_MODULE=config.settings.local \
		$(VENV)/bin/honcho -f Procfile.dev start -p $(PORT)

## make test: the whole suite, against real PostgreSQL and Redis, in parallel (TEST_WORKERS, default auto).
## Each worker has its own database (pytest-django's _gw0, _gw1, ...) and Redis db (config/settings/test.py);
## tests sharing something expensive, or starting processes, share an xdist_group (tests/conftest.py).
test: install assets
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## make check: the fast checks, in a minute or two: $(CHECKS).
check: $(CHECKS)

## make imports: the layering contract ([tool.importlinter] in pyproject.toml): apps/core imports no app,
## apps import only the apps beneath them, the demo data on top.
imports: install
	$(VENV)/bin/lint-imports

## make bench: the children list benchmark (bench/README.md), in its own database, dropped and made afresh.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/beacon_bench
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/children_list.py $(BENCH_ARGS)

## make bench-large: the access decision at a large authority's scale (issue 11), in its own database.
BENCH_LARGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/beacon_bench_large
bench-large: install
	BENCH_LARGE_DATABASE_URL=$(BENCH_LARGE_DATABASE_URL) $(PY) bench/large_authority.py $(BENCH_ARGS)

## make bench-audit: audited reads per second at 1, 4 and 8 clients, and a view during a long write (issue 12).
BENCH_AUDIT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/beacon_bench_audit
bench-audit: install
	BENCH_AUDIT_DATABASE_URL=$(BENCH_AUDIT_DATABASE_URL) $(PY) bench/audit_throughput.py $(BENCH_ARGS)

## make bench-queue: the triage queue page at 10, 1,000 and 10,000 open referrals (issue 14).
BENCH_QUEUE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/beacon_bench_queue
bench-queue: install
	BENCH_QUEUE_DATABASE_URL=$(BENCH_QUEUE_DATABASE_URL) $(PY) bench/triage_queue.py $(BENCH_ARGS)

## make migrations-lint: refuse a migration that the release still running would not survive (docs/releases.md).
## It reads each migration's SQL over a PostgreSQL connection and writes nothing, so any database will do.
MIGRATIONS_LINT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
.PHONY: migrations-lint
migrations-lint: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=$(MIGRATIONS_LINT_DATABASE_URL) \
		$(PY) manage.py lint_migrations

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## make assets: GOV.UK Frontend and htmx from npm (package-lock.json), built into static/vendor.
assets: static/vendor/.built

static/vendor/.built: package.json package-lock.json static/src/beacon.scss
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor
	mkdir -p static/vendor/govuk static/vendor/htmx static/vendor/axe
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js static/vendor/axe/
	node_modules/.bin/sass --no-source-map --quiet \
		--load-path=node_modules --style=compressed static/src/beacon.scss static/vendor/beacon.css
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## make migrations-check: the migrations match the models.
migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

## make mypy: type-check apps/ and config/; fails on any error not recorded in mypy-baseline.txt.
mypy: install
	$(PY) scripts/mypy_ratchet.py

## make mypy-baseline: rewrite mypy-baseline.txt from mypy's errors now (after fixing some, or after a merge).
mypy-baseline: install
	$(PY) scripts/mypy_ratchet.py --update

## make templates: lint the Django templates with djLint (its rules and ignores: pyproject.toml).
templates: install
	$(VENV)/bin/djlint templates --lint

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var db.sqlite3
