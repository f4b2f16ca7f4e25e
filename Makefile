# The two commands of the README. Everything else is called from these.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test install install-dev clean

$(BIN)/egide: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/egide

install: $(BIN)/egide

install-dev: install
	$(BIN)/pip install --quiet -e '.[dev]'

## make run: install, migrate, compile translations, load demo data, serve on 127.0.0.1:8000
## with a background-job worker beside the server (stopped with it)
run: install
	DJANGO_SETTINGS_MODULE=egide.settings.dev $(BIN)/egide i18n_compile
	DJANGO_SETTINGS_MODULE=egide.settings.dev $(BIN)/egide run

## make test: lint, types, migrations check, the whole suite on SQLite and PostgreSQL, browser tests.
## System packages first (installed when run as root, else named): a fresh machine fails early.
test:
	bash scripts/system-deps.sh || [ "$$EGIDE_ALLOW_MISSING_SYSTEM_PACKAGES" = "1" ]
	$(MAKE) install-dev
	VENV=$(VENV) bash scripts/test.sh

clean:
	rm -rf $(VENV) var/egide.sqlite3
