# The two commands: `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test install migrate seed screenshots messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/flask --app booking db upgrade

seed: migrate
	$(BIN)/flask --app booking seed-demo

run: seed
	$(BIN)/flask --app booking run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

screenshots: install
	$(BIN)/python scripts/screenshots.py

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o booking/translations/messages.pot .
	$(BIN)/pybabel update -i booking/translations/messages.pot -d booking/translations
	$(BIN)/pybabel compile -d booking/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
