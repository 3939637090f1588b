# The two commands: `make run` (a fresh clone to a served demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench install install-dev worker clean lock audit messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Installs come from the lock files, every package pinned with its hashes; the project
# itself is installed on top without dependencies. `make lock` regenerates them from
# pyproject.toml (add LOCK_ARGS=--upgrade to move every pin to the newest allowed).
LOCK_FOR := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes $(LOCK_FOR) \
	--custom-compile-command "make lock" $(LOCK_ARGS)

$(VENV)/.installed: $(BIN)/activate requirements.lock pyproject.toml
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check  # a dependency in pyproject.toml but not in the lock: run `make lock`
	touch $@

$(VENV)/.installed-dev: $(BIN)/activate requirements-dev.lock pyproject.toml
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	mkdir -p "$${EVIDENCE_ROOT:-evidence}"  # evidence documents (outside the static files)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py runserver $(HOST)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerates the French and Spanish catalogues over the whole project, then compiles them
# (translate every new or fuzzy entry before committing: a test fails on any left).
messages: install-dev
	$(PY) -m coherence.messages

bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

# uv comes from the current dev lock (pip check may refuse the venv until the locks follow
# a changed pyproject.toml, so not through install-dev).
lock: $(BIN)/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

# A release step, not CI's: pip-audit asks PyPI's advisory database, so it needs the network.
audit: install-dev
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements-dev.lock

worker: install
	$(BIN)/celery -A coherence worker -Q celery,heavy --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
