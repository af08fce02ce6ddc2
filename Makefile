# Two commands for a fresh machine:
#   make run    sets up, creates the database, loads the plan and serves http://127.0.0.1:5000
#   make test   sets up and runs every test (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLAN_FILE ?= data/plan-ilo-2019-2022.txt
# Its municipality in INEI's register: the Provincial Municipality of Ilo.
PLAN_UBIGEO ?= 180301
FLASK := $(BIN)/flask --app app
CHROMIUM ?= /usr/bin/chromium
HAPROXY ?= /usr/sbin/haproxy
# Headless Chromium and the fonts pages are drawn with; no desktop recommends (printing,
# power management). Wait for another install to finish instead of failing on its lock.
BROWSER_PACKAGES := chromium fonts-dejavu-core fonts-liberation
APT_OPTIONS := -o DPkg::Lock::Timeout=600

.PHONY: run test setup setup-dev database translations browser balancer screenshots bench bench-national faults soak clean

# Ilo alone, as the portal has always served it; `make run MUNICIPALITY=` serves every
# municipality loaded, with the national pages.
MUNICIPALITY ?= ilo
run: setup database
	MUNICIPALITY=$(MUNICIPALITY) $(FLASK) run --host 127.0.0.1 --port 5000

test: setup-dev translations browser balancer node_modules/.package-lock.json
	$(BIN)/python -m pytest

setup: $(VENV)/.installed translations

setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(FLASK) translate compile

database: setup
	$(FLASK) db upgrade
	$(FLASK) municipalities seed
	$(FLASK) plan import $(PLAN_FILE) --ubigeo $(PLAN_UBIGEO)
	$(FLASK) committees seed
	$(FLASK) places seed

# axe-core, injected into pages by the accessibility tests.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Debian's Chromium for the browser tests; installed when missing and we may (root).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get $(APT_OPTIONS) update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get $(APT_OPTIONS) install -y -qq --no-install-recommends $(BROWSER_PACKAGES); \
	  else \
	    echo "Chromium is missing: 'sudo apt-get install chromium' runs the browser tests too."; \
	  fi; \
	fi

# Debian's HAProxy, the load balancer in front of the two app servers of tests/cluster.py.
balancer:
	@if [ ! -x $(HAPROXY) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get $(APT_OPTIONS) update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get $(APT_OPTIONS) install -y -qq --no-install-recommends haproxy; \
	  else \
	    echo "HAProxy is missing: 'sudo apt-get install haproxy' runs the two-server tests too."; \
	  fi; \
	fi

screenshots: setup-dev translations browser node_modules/.package-lock.json
	SCREENSHOT_DIR=portal/static/img $(BIN)/python -m pytest -q tests/e2e -k screenshots

# The load benchmark (bench/README.md): gunicorn, PostgreSQL and Redis on 127.0.0.1, wrk.
bench: setup-dev translations browser bench/node_modules/.package-lock.json
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get $(APT_OPTIONS) install -y -qq --no-install-recommends wrk; }
	@# The national run runs whatever the first found; the target fails if either did.
	$(BIN)/python bench/run.py; first=$$?; $(BIN)/python bench/national.py && exit $$first

# The national run alone: one municipality's pages with every municipality loaded.
bench-national: setup-dev translations
	$(BIN)/python bench/national.py

# The portal under faults (bench/faults.py): two app servers behind HAProxy, PostgreSQL, Redis
# and the SMTP server taken away in turn under load; prints what was answered and kept.
faults: setup-dev translations balancer
	$(BIN)/python bench/faults.py

# The mixed load for SOAK_SECONDS (600) on the same set-up: no error answers, memory steady,
# the database's connections within the pools (bench/soak.py).
soak: setup-dev translations balancer
	$(BIN)/python bench/soak.py

# Lighthouse, for the benchmark only.
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund

clean:
	rm -rf $(VENV) node_modules bench/node_modules
