# tracker: the two commands of the README are `make run` and `make test`; the rest is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# 127.0.0.1: this computer only. 0.0.0.0: phones on the same Wi-Fi too (README: Running your event).
HOST   ?= 127.0.0.1
FLASK  := TRACKER_ENV=development $(BIN)/flask --app wsgi
MOS    := $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
# The PostgreSQL database the suite may wipe (never point this at real data).
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-pg install install-dev translations extract-messages lint format fuzz bench bench-readme clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.base translations
install-dev: $(VENV)/.dev translations

# Compiled catalogues are built, not committed.
translations: $(VENV)/.base $(MOS:.po=.mo)
tracker/translations/%/LC_MESSAGES/messages.mo: tracker/translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel -q compile --use-fuzzy -i $< -o $@

# After adding or changing user-facing strings: refresh the catalogue, then translate the new ones.
# Sorted and without source locations, so that two branches adding strings rarely touch the
# same lines of messages.po; the template is a by-product, not committed.
extract-messages: $(VENV)/.base
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --no-location --sort-output --omit-header \
		-o tracker/translations/messages.pot .
	$(BIN)/pybabel -q update -N --ignore-obsolete --ignore-pot-creation-date \
		-i tracker/translations/messages.pot -d tracker/translations

# The server and the job queue's worker (messages, certificates) together; Ctrl+C stops both.
# The worker runs in the background of this shell, which stops it when the server ends.
run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@address=$$($(BIN)/python -m tracker.lan $(HOST) $(PORT)); \
	export BASE_URL=$${BASE_URL:-$$address}; \
	echo "Serving on $$BASE_URL with the job worker (Ctrl+C stops both)"; \
	echo "Links and QR codes point at $$BASE_URL"; \
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker; exit 0' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT); \
	kill $$worker 2>/dev/null; wait $$worker

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install-dev
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

# ruff, and the layers contract in pyproject.toml (import-linter): each floor of tracker/
# imports only the floors below it.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The performance benchmark (bench/README.md): gunicorn on 127.0.0.1 against a fresh SQLite file,
# and a fresh PostgreSQL database too when DATABASE_URL=postgresql://... (dropped afterwards).
# About 4 minutes on SQLite (7-12 with PostgreSQL), QUICK=1 about one.
# Options: WORKERS=4, THREADS=8, WORKER_CLASS=sync.
bench: install
	$(BIN)/python -m bench $(if $(filter-out 0,$(QUICK)),--quick) \
		$(if $(WORKERS),--workers $(WORKERS)) $(if $(THREADS),--threads $(THREADS)) \
		$(if $(WORKER_CLASS),--worker-class $(WORKER_CLASS))

# The README's performance table from the latest run (bench/results/latest.json), or RUN=...
bench-readme: install
	$(BIN)/python -m bench.readme $(RUN)

# The long fuzzing run (the suite runs a few fixed examples of each; see tests/fuzz/profiles.py):
# schemathesis against /api/v1/openapi.json, Hypothesis against the importer and check-in.
# FUZZ_EXAMPLES per test (and per API operation), fresh randomness; add TEST_DATABASE_URL=... for
# PostgreSQL. About 20 minutes at 500 (SQLite, on a busy machine).
FUZZ_EXAMPLES ?= 500
fuzz: install-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
