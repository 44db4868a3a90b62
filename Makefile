# MotCua developer commands. `make run` and `make test` are the quick start.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint bench seed clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 and python3.11-venv"; exit 1; }
	test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua seed_demo --once
	$(BIN)/motcua setup_idp
	MOTCUA_DEBUG=1 $(BIN)/motcua runserver 127.0.0.1:8000

test: install
	$(BIN)/motcua makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var
