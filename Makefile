# MotCua developer commands. `make run` and `make test` are the quick start.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: system-packages install run run-prod test lint bench seed clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 and python3.11-venv"; exit 1; }
	test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# System packages (Chromium for the browser tests, Pango for PDFs, poppler for pdftotext,
# PostgreSQL for the second CI run) from .ci/apt-packages, when missing and run as root.
system-packages:
	@missing=$$(for p in $$(cat .ci/apt-packages); do dpkg -s "$$p" >/dev/null 2>&1 || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Missing system packages (install them as root): $$missing"; fi; \
	fi

install: $(STAMP) system-packages

run: install
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua setup_pki
	$(BIN)/motcua seed_demo --once
	$(BIN)/motcua setup_idp
	$(BIN)/motcua check_deadlines
	MOTCUA_DEBUG=1 $(BIN)/motcua runserver 127.0.0.1:8000

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

test: install
	$(BIN)/motcua makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
