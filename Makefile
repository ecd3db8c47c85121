# Two commands for someone who clones the repo:
#   make demo   set up .venv and open JupyterLab on examples/
#   make test   install everything the tests need (Python, npm, Chromium) and run them all
# `make bench` prints the latency and throughput comparison.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
LINT_PATHS := ipycallback tests $(wildcard benchmarks)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint unit frontend-test browser-test bench build chromium clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

build: node_modules/.installed
	npm run build

demo: $(VENV)/.installed
	$(VENV)/bin/jupyter lab examples/

lint: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/mypy
	npm run typecheck
	$(VENV)/bin/ipycallback codegen --check

frontend-test: node_modules/.installed
	npm test

unit: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -m "not browser" -q

browser-test: $(VENV)/.installed chromium
	$(PY) -m pytest -m browser -v

test: lint frontend-test unit browser-test

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $@

bench: $(VENV)/.bench-installed node_modules/.installed chromium
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) node_modules build
