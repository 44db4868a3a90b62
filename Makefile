# MotCua developer commands. `make run` and `make test` are the quick start.
# Debian's own python3.11 when there is one: it is built with profile-guided and
# link-time optimisation, and serves a filing with about 10 % less CPU than an
# interpreter compiled without them (pyenv's default build; docs/DEPLOY.md §5).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
PYTHON_EXE := $(shell $(PYTHON) -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
# The stamp names the interpreter: another PYTHON makes a new virtualenv.
STAMP := $(VENV)/.installed$(subst /,-,$(PYTHON_EXE))
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: system-packages install run run-prod test lint bench seed clean

$(STAMP): pyproject.toml | system-packages
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 and python3.11-venv"; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11-venv >/dev/null || exit 1; \
		else echo "Install python3.11-venv, then run make again: sudo apt-get install -y python3.11-venv"; exit 1; fi; }
	test -x $(BIN)/pip && [ "$$($(BIN)/python -c 'import os, sys; print(os.path.realpath(sys._base_executable))')" = "$(PYTHON_EXE)" ] \
		|| { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# System packages (Chromium for the browser tests, Pango and DejaVu fonts for PDFs, poppler
# for pdftotext, PostgreSQL for the second CI run) from .ci/apt-packages: installed when
# missing and run as root; otherwise make stops and prints the one command to run.
system-packages:
	@missing=$$(for p in $$(cat .ci/apt-packages); do dpkg -s "$$p" >/dev/null 2>&1 || echo "$$p"; done); \
	missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages: $$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
		else \
			echo "Missing system packages. Install them, then run make again:"; \
			echo "  sudo apt-get install -y $$missing"; \
			exit 1; \
		fi; \
	fi

# axe-core for the browser tests' accessibility checks, from the npm registry (once, into
# var/npm; tests/browser/conftest.py uses it). Without npm, or offline, the tests use the
# copy bundled in axe-playwright-python.
AXE := var/npm/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-audit --no-fund --prefix var/npm axe-core@4 >/dev/null \
		|| echo "npm install axe-core failed: the browser tests use the bundled axe-core"; \
	else echo "npm not found: the browser tests use the axe-core bundled in axe-playwright-python"; fi

install: system-packages $(STAMP)

# `make run PORT=8123` serves on another port; MOTCUA_PUBLIC_URL (the identity provider,
# payment gateway, simulators and QR links all derive from it) follows the port. DEBUG is
# off, so a mistyped address gets the site's own 404 page (static files are served by
# runserver --insecure); `make run MOTCUA_DEBUG=1` gives developers Django's debug pages.
PORT ?= 8000
HOST ?= 127.0.0.1
MOTCUA_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: export MOTCUA_PUBLIC_URL := $(MOTCUA_PUBLIC_URL)
run: install
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua setup_pki
	$(BIN)/motcua seed_demo --once
	$(BIN)/motcua setup_idp
	$(BIN)/motcua check_deadlines
	MOTCUA_DEBUG="$${MOTCUA_DEBUG:-0}" $(BIN)/motcua runserver --insecure $(HOST):$(PORT)

# The production stack on this machine (docs/DEPLOY.md): PostgreSQL and Redis from the
# environment (local defaults below), gunicorn + a Celery worker + beat, plain HTTP on
# 127.0.0.1:8000 unless MOTCUA_HTTPS=1 (behind a TLS proxy). Ctrl+C stops all three.
run-prod: install
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/motcua}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
	CELERY_BROKER_URL="$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}" \
	MOTCUA_PRODUCTION="$${MOTCUA_PRODUCTION:-1}" \
	MOTCUA_HTTPS="$${MOTCUA_HTTPS:-0}" \
	MOTCUA_ALLOW_DEMO_SECRETS="$${MOTCUA_ALLOW_DEMO_SECRETS:-1}" \
	MOTCUA_NOTIFICATIONS_INLINE="$${MOTCUA_NOTIFICATIONS_INLINE:-0}" \
	MOTCUA_SETUP_COMMANDS="$${MOTCUA_SETUP_COMMANDS-seed_demo --once; setup_idp}" \
	$(BIN)/python deploy/run_stack.py --create-database

test: install $(AXE)
	$(BIN)/motcua makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
