# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint check bench serve worker backup restore pg-client loadtest jre pdf redis

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

# axe-core for the accessibility tests and vnu-jar (the Nu Html Checker) for tests/standards/
# (package-lock.json pins them; node_modules/ is untracked). --ignore-scripts: vnu-jar's own
# script would download a Java runtime; Debian's headless JRE (below) runs it instead.
# Without npm, `make run` still works; those tests then fail and say why.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: axe-core and vnu-jar are not installed (apt-get install npm)"; fi

# Java for the Nu Html Checker (tests/standards/test_html.py).
jre:
	@command -v java >/dev/null || { apt-get update -q && apt-get install -y -q default-jre-headless; }

# Certificates (certificates/pdf.py): WeasyPrint draws with Debian's Pango, in the PT Serif and PT
# Sans of fonts-paratype, referenced by path. poppler-utils and zbar-tools read the PDFs and their
# QR codes back in the tests.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-paratype poppler-utils zbar-tools
pdf:
	@[ "$$(dpkg-query -W -f='$${db:Status-Status}\n' $(PDF_PACKAGES) 2>/dev/null | grep -cx installed)" = 6 ] \
	|| { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	     -o DPkg::Lock::Timeout=600 $(PDF_PACKAGES); }

install: $(VENV)/.installed node_modules/.package-lock.json pdf

# The background worker (recounts, mail, documents) runs beside the development server and stops
# with it; the two share their cache in .cache/, so the figures the worker counts reach the pages.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --upcoming
	$(PY) manage.py ensure_admin
	$(PY) manage.py schedule_rounds
	rm -rf .cache  # pages and figures of an earlier run may predate its changes
	CACHE_DIR=$(CURDIR)/.cache $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	CACHE_DIR=$(CURDIR)/.cache $(PY) manage.py runserver $(HOST)

# redis-server for the tests of the cache outage (tests/core/test_cache_outage.py).
redis:
	@command -v redis-server >/dev/null || { apt-get update -q && apt-get install -y -q redis-server; }

test: install jre redis
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Load test against archives of 10k, 100k and 1M talks in PostgreSQL (docs/performance.md).
# BENCH_ARGS="--sizes 10k,100k" skips the million; "--smoke" is the one-minute CI pass.
bench: install
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(PY) bench/run.py $(BENCH_ARGS)
# Production settings: DEBUG off, so SECRET_KEY and ALLOWED_HOSTS must be in the environment
# (docs/deployment.md).
serve: install
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(VENV)/bin/gunicorn config.wsgi --config config/gunicorn.py

# The background worker of production (docs/deployment.md runs it as a systemd service).
worker: install
	DEBUG=0 $(PY) manage.py db_worker

# pg_dump and pg_restore (Debian's postgresql-client) for backups of a PostgreSQL database.
pg-client:
	@command -v pg_dump >/dev/null || { apt-get update -q && apt-get install -y -q postgresql-client; }

# The database in DATABASE_URL and MEDIA_ROOT into backups/metodkopilka-<date>-<time>.tar.gz
# (or BACKUP=path); `make restore BACKUP=path` replaces both with the archive's contents.
backup: install pg-client
	$(PY) manage.py backup $(if $(BACKUP),--output $(BACKUP))

restore: install pg-client
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/metodkopilka-….tar.gz"; exit 2; }
	$(PY) manage.py restore $(BACKUP)

# gunicorn with production settings on loopback against PostgreSQL (LOADTEST_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/metodkopilka_loadtest, made anew), demo plus generated data, driven by
# wrk at 64 connections for 30 s; prints requests/s, latency percentiles, errors and server memory.
loadtest: install
	@command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
	$(PY) manage.py loadtest
