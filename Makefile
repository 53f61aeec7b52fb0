# Kakehashi: `make run` serves the demo, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint catalogs translations-update bench faults cluster clean browser checkers wrk

install: $(STAMP) catalogs

$(STAMP): pyproject.toml
	@echo "==> Python environment in $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled catalogs are build output (.mo files are not committed).
catalogs: $(STAMP)
	$(BIN)/pybabel compile -d translations -D messages --statistics 2>&1 | tail -n 2

# Re-extract UI strings after changing templates or code, then translate the new entries.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching --ignore-obsolete

# Debian's Chromium for the browser tests (Playwright drives it; no browser download), a
# Japanese font so screenshots of Japanese pages show glyphs, not boxes, and OmegaT, the CAT tool
# tests/functional/test_omegat.py runs headless, and nginx, which tests/functional/test_static_site.py
# runs in front of the app as a private instance (deploy/nginx.conf).
browser:
	@{ command -v chromium >/dev/null && test -d /usr/share/fonts/opentype/noto && \
	   test -f /usr/share/omegat/OmegaT.jar && test -x /usr/sbin/nginx; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk omegat nginx >/dev/null; }

# The page checkers of the accessibility and HTML tests, pinned, from the npm registry into a
# git-ignored folder: axe-core (run inside Chromium) and the Nu HTML checker (vnu.jar, run by the
# machine's Java; --ignore-scripts skips its Java download). Fetched once, then offline.
AXE_VERSION := 4.14.1
VNU_VERSION := 26.9.27
CHECKERS := .cache/checkers
CHECKERS_STAMP := $(CHECKERS)/.axe-$(AXE_VERSION)-vnu-$(VNU_VERSION)-xliff-xsd

checkers: $(CHECKERS_STAMP)

$(CHECKERS_STAMP):
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	rm -rf $(CHECKERS) && mkdir -p $(CHECKERS)
	npm install --no-save --no-audit --no-fund --ignore-scripts --prefix $(CHECKERS) \
	  axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION)
	# The OASIS XLIFF 1.2 and 2.0 schemas, as Debian ships them (php-symfony-translation), for the
	# XLIFF export tests; unpacked here, not installed.
	cd $(CHECKERS) && { apt-get download php-symfony-translation 2>/dev/null || \
	  { apt-get update -qq && apt-get download php-symfony-translation; }; } && \
	  dpkg-deb -x php-symfony-translation_*.deb xliff && rm php-symfony-translation_*.deb
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty --url http://$(HOST):$(PORT)
	@# One try at the package index (ARGOS_INDEX_URL) when a pair has no model; offline, the
	@# command prints the offline route and the desk is served anyway.
	-$(FLASK) mt fetch --if-missing --timeout 5 en-ja ja-en
	$(FLASK) mt list
	@echo "==> Serving on http://$(HOST):$(PORT)/ with a worker beside it (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(FLASK) worker & \
	  $(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Every test on SQLite, then again on PostgreSQL in a database of its own (tests/run_both.py).
test: install browser checkers
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python tests/run_both.py
	$(BIN)/python bench/faults.py

# The fault suite alone (bench/faults.py): the app, two workers and a load while a worker is
# SIGKILLed, PostgreSQL restarts, the photo disk fills and the database is locked; it fails when
# any answer is a 5xx other than 503/507, a connection drops, or a job is lost or done twice.
faults: install
	$(BIN)/python bench/faults.py

# Several machines on this one (bench/cluster.py, as root): two web hosts, two worker hosts,
# PostgreSQL, Redis and nginx, each in a network namespace of its own; a mixed load through nginx
# while a web host and a worker host are SIGKILLed and restarted. Not part of `make test`.
# CLUSTER_ARGS="--seconds 60" to change the run. Needs nginx (`make browser`) and redis-server.
cluster: install
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
	@test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
	$(BIN)/python bench/cluster.py $(CLUSTER_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# wrk (Debian package) loads the reader-page benchmark; a Python load generator stands in without it.
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || true

bench: install wrk
	$(BIN)/python bench/mt_batch.py
	$(BIN)/python bench/edit_one_sentence.py
	$(BIN)/python bench/split_sentences.py
	$(BIN)/python bench/queue.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/reader_pages.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/scale.py --postgres
	$(BIN)/python bench/fuzzy_memory.py

clean:
	rm -rf $(VENV) instance build *.egg-info
