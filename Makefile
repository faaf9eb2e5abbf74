# Civico — two commands: `make run` serves the demo, `make test` passes the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check -q

.PHONY: run test lint bench carico clean messages

run: $(VENV)/.runtime
	$(BIN)/civico migrate --noinput
	$(BIN)/civico demo
	$(BIN)/civico otp_demo
	$(BIN)/civico genera_vapid --var
	@echo "Preparing static files (hashed and compressed, as in production; about a minute the first time)…"
	CIVICO_STATICI_COMPILATI=1 $(BIN)/civico collectstatic --noinput -v 0
	CIVICO_STATICI_COMPILATI=1 $(BIN)/civico run

test: $(VENV)/.dev .venv-spid-sp-test/.installato
	@bash scripts/test.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check civico tests bench
	$(BIN)/lint-imports --no-cache --no-logo

# Load and fault test (about 4 minutes, loopback only, its own PostgreSQL cluster): see docs/deploy.md.
carico: $(VENV)/.dev
	$(BIN)/python bench/carico/carico.py

# Seeds the PostgreSQL database civico_bench once (1,000,000 reports, 187 enti), then reuses it.
bench: $(VENV)/.dev
	$(BIN)/python bench/bench_tutto.py

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Civico needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	@touch $@

# The lock files list every package with its hashes, so pip installs them as listed (--no-deps)
# and `pip check` proves nothing is missing: resolving again let the pip of a new virtualenv
# (23.2) pick an unpinned newer release for a dependency asked with extras and refuse the lock.
$(VENV)/.runtime: requirements.lock pyproject.toml | $(VENV)/.python
	@echo "Installing Civico's dependencies from requirements.lock…"
	$(PIP) install --no-deps --require-hashes -r requirements.lock
	$(PIP) install --no-deps -e .
	$(BIN)/pip --disable-pip-version-check check
	@touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml $(VENV)/.runtime
	@echo "Installing the test tools from requirements-dev.lock…"
	$(PIP) install --no-deps --require-hashes -r requirements-dev.lock
	$(BIN)/pip --disable-pip-version-check check
	@touch $@

# AgID's spid-sp-test, run by tests/accounts/test_spid_sp_test.py: its own virtualenv (pins that
# the dev tools cannot share, see requirements-spid-sp-test.in).
.venv-spid-sp-test/.installato: requirements-spid-sp-test.lock | $(VENV)/.python
	$(PYTHON) -m venv .venv-spid-sp-test
	.venv-spid-sp-test/bin/pip --disable-pip-version-check -q install --no-deps --require-hashes -r requirements-spid-sp-test.lock
	@touch $@

clean:
	rm -rf $(VENV) .venv-spid-sp-test var .pytest_cache .ruff_cache

messages: $(VENV)/.dev
	cd civico && ../$(BIN)/civico makemessages -l en --no-obsolete && ../$(BIN)/civico compilemessages -l en
