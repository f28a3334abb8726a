# The two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app walkapp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast browser-deps bench messages language vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: export WALKAPP_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(FLASK) db upgrade
	@$(FLASK) assets
	@$(FLASK) demo --show-logins
	@echo "Staff log in at $(WALKAPP_PUBLIC_URL)/login"
	WALKAPP_SESSION_COOKIE_SECURE=0 WALKAPP_REMEMBER_COOKIE_SECURE=0 $(FLASK) run --host $(HOST) --port $(PORT)

# The browser tests drive Chromium: Debian's package where we can install it, else Playwright's download.
browser-deps: $(VENV)/.installed-test
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		$(BIN)/python -m playwright install chromium; \
	fi

test: browser-deps
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser"

bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/photos.py
	$(BIN)/python benchmarks/clustering.py
	$(BIN)/python benchmarks/maps.py
	$(BIN)/python benchmarks/dashboard.py
	$(BIN)/python benchmarks/planner_pages.py
	$(BIN)/python benchmarks/api.py
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/lighthouse.py

messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k plurals:1,2 -o walkapp/translations/messages.pot .
	$(BIN)/pybabel update -i walkapp/translations/messages.pot -d walkapp/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d walkapp/translations

# Start a new language: `make language CODE=xx`, translate its messages.po, add xx to LANGUAGES.
language: $(VENV)/.installed
	@test -n "$(CODE)" || (echo "usage: make language CODE=xx"; exit 1)
	$(BIN)/pybabel init -i walkapp/translations/messages.pot -d walkapp/translations -l $(CODE)

clean:
	rm -rf $(VENV) .pytest_cache

# The phone's Leaflet (static/vendor/leaflet-phone/, committed) from Leaflet's npm sources: only after
# changing static/vendor/build/. Needs Node.js and the npm registry; nothing else does.
vendor:
	cd static/vendor/build && npm ci --no-audit --no-fund && node build.mjs
