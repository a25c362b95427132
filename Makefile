# One command set for people, hooks and CI.
#   make run    a federated demo region: the hub on http://127.0.0.1:8000 and five agency nodes
#   make test   lint, type checks, the licence check and every test (SQLite, then PostgreSQL
#               if DATABASE_URL is set)

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := --quiet --disable-pip-version-check

# Licences a run-time npm package may have (docs/adr/0017-licence-and-dependency-licences.md).
NPM_ALLOWED := MIT;ISC;BSD-2-Clause;BSD-3-Clause;Apache-2.0;0BSD;Unlicense

.PHONY: run test lint typecheck licences pytest bench clean install install-production

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned Python packages into $(VENV) (a few minutes the first time)..."
	$(BIN)/pip install $(PIP_FLAGS) -r requirements-dev.txt -c constraints.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(BIN)/pip install $(PIP_FLAGS) --no-deps -e . 2>&1 | { grep -v "^WARNING: Location\|BuildBackendWarning\|^ *\(!!\|\*\*\*\|with strategy\|Please be careful\|name as your\)" || true; }
	$(BIN)/python -c "import django, fame" && touch $@

node_modules/.installed: package.json package-lock.json
	@echo "Installing GOV.UK Frontend and the browser-test assets from npm..."
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A hub or node host (docs/deploy.md): the run-time packages alone, no test or lint tools.
install-production:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) -r requirements.txt -c constraints.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(BIN)/pip install $(PIP_FLAGS) --no-deps -e . 2>&1 | { grep -v "^WARNING: Location\|BuildBackendWarning\|^ *\(!!\|\*\*\*\|with strategy\|Please be careful\|name as your\)" || true; }
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	$(BIN)/python -c "import django, fame"

run: install
	$(BIN)/fame demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy fame

licences: install
	$(BIN)/python tools/check_licences.py
	@echo "Run-time npm licences (dependencies in package.json and what they need):"
	node_modules/.bin/license-checker-rseidelsohn --production --excludePrivatePackages \
		--onlyAllow "$(NPM_ALLOWED)" --summary

pytest: install
	env -u DATABASE_URL FAME_ENV=test $(BIN)/pytest -n 2 --dist loadgroup
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== again against PostgreSQL ($$(echo $$DATABASE_URL | sed 's|//[^@]*@|//|'))"; \
		FAME_ENV=test $(BIN)/pytest -n 2 --dist loadgroup; \
	fi

test: lint typecheck licences pytest

bench: install
	@echo "Benchmarks print JSON; results go in benchmarks/BENCHMARKS.md."

clean:
	rm -rf $(VENV) node_modules var
