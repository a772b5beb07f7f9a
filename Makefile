# Padwijzer: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_CLIENTS ?= 1000
PORT ?= 8000
# the suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process
TEST_WORKERS ?= auto

.PHONY: install run serve smoke test lint system-deps browser-deps messages bench clean

system-deps:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv; }
	@# WeasyPrint (PDF letters) needs Pango and fonts from the system
	@{ ldconfig -p | grep -q libpango-1.0 && ldconfig -p | grep -q libpangoft2-1.0; } || { $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core; }

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "uv>=0.9,<1"
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

run: install
	mkdir -p var/static
	DEBUG=true $(BIN)/padwijzer migrate --noinput -v0
	DEBUG=true $(BIN)/padwijzer createcachetable
	DEBUG=true $(BIN)/padwijzer load_region regions/oostende.json
	DEBUG=true $(BIN)/padwijzer seed_demo --clients $(DEMO_CLIENTS) --seed 1
	@echo "Padwijzer: http://127.0.0.1:$(PORT)/ (log in with a demo login above; Ctrl+C stops server and worker)"
	@DEBUG=true $(BIN)/padwijzer db_worker --interval 2 & WORKER=$$!; \
	  ( while true; do DEBUG=true $(BIN)/padwijzer escalate_referrals >/dev/null; sleep 3600; done ) & TIMER=$$!; \
	  trap "kill $$WORKER $$TIMER 2>/dev/null" EXIT INT TERM; \
	  DEBUG=true $(BIN)/padwijzer runserver 127.0.0.1:$(PORT)

# The production configuration (DEBUG off, gunicorn, worker, scheduled jobs) against DATABASE_URL;
# see docs/deploy.md. Needs SECRET_KEY; BIND, WEB_WORKERS, WEB_THREADS from the environment.
serve: install
	scripts/serve.sh

smoke: install
	scripts/smoke.sh

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@# the ESF+ report tests read the PDF back as text and as an image (pdftotext, pdftoppm)
	@command -v pdftotext >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q poppler-utils; }

test: install browser-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/padwijzer makemigrations --check --dry-run
	PADWIJZER_TESTING=1 $(BIN)/mypy .

messages: install
	DEBUG=true $(BIN)/padwijzer makemessages -l nl --no-obsolete --ignore=".venv/*" --ignore="bench/*" --ignore="var/*" --ignore="tests/*" --ignore="*/tests/*"
	DEBUG=true $(BIN)/padwijzer compilemessages --ignore=".venv/*"

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
