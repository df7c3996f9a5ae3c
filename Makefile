# The two commands: `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Exact versions with hashes (pip-tools); `make lock` regenerates them from pyproject.toml.
APP_LOCK := requirements/app.txt
TEST_LOCK := requirements/test.txt
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
COMPILE := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run test install install-test lock migrate seed screenshots messages bench clean

$(APP_STAMP): pyproject.toml $(APP_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(APP_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(APP_STAMP)

$(TEST_STAMP): $(APP_STAMP) $(TEST_LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK)
	touch $(TEST_STAMP)

install: $(APP_STAMP)

install-test: $(TEST_STAMP)

# After changing dependencies in pyproject.toml (or to take upgrades): commit both files.
lock:
	test -x .venv-tools/bin/pip-compile || ($(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install --quiet pip-tools)
	.venv-tools/bin/pip-compile $(COMPILE) $(UPGRADE) -o $(APP_LOCK) pyproject.toml
	.venv-tools/bin/pip-compile $(COMPILE) $(UPGRADE) --extra test -o $(TEST_LOCK) pyproject.toml

migrate: install
	$(BIN)/flask --app booking db upgrade

seed: migrate
	$(BIN)/flask --app booking seed-demo

# The web server and the worker (it delivers mail: without MAIL_URL into instance/mail/);
# Ctrl-C stops both.
run: seed
	PORT=$(PORT) $(BIN)/flask --app booking worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	PORT=$(PORT) $(BIN)/flask --app booking run --host 127.0.0.1 --port $(PORT)

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

screenshots: install-test
	$(BIN)/python scripts/screenshots.py

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o booking/translations/messages.pot .
	$(BIN)/pybabel update -i booking/translations/messages.pot -d booking/translations
	$(BIN)/pybabel compile -d booking/translations

clean:
	rm -rf $(VENV) .venv-tools instance .pytest_cache
