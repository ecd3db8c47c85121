# Two commands for someone who clones the repo:
#   make demo   set up .venv and open JupyterLab on examples/
#   make test   install everything the tests need (Python, npm, Chromium) and run them all
# `make bench` prints the latency and throughput comparison, and the code generator's speed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
LINT_PATHS := ipycallback codegen testing tests $(wildcard benchmarks)
# Both distributions, editable: the runtime (with its test tools) and the code generator; and
# the test tooling (testing/: the browser harness and its pytest plugin).
INSTALL_BOTH := -e ".[test]" -e ./codegen -e ./testing
USER_ID ?= $(shell id -u)
SUDO := $(if $(filter 0,$(USER_ID)),,sudo)

.PHONY: demo dist test lint unit unit-oldest frontend-test browser-test rtc-venv voila-venv \
	marimo-venv screenshots bench bench-codegen build chromium clean

$(VENV)/.installed: pyproject.toml codegen/pyproject.toml codegen/hatch_build.py testing/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(INSTALL_BOTH)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# The runtime's bundle (ipycallback/static/tunnel.js) and the generator's Node helper
# (codegen/ipycallback_codegen/node/ajv_standalone.cjs); both are committed.
build: node_modules/.installed
	npm run build
	npm run build:codegen

# What a release uploads, into dist/: the runtime's and the generator's wheel and sdist (each
# wheel built from its sdist, so an sdist that misses a file fails here) and the npm tarball
# (npm pack builds build/npm/ first). Build tools come from the package index, as for any user.
dist: $(VENV)/.installed node_modules/.installed
	rm -rf dist
	$(PY) -m build --outdir dist .
	$(PY) -m build --outdir dist codegen
	npm pack --pack-destination dist
	@echo "Built:" && ls -1 dist

# JupyterLab refuses to run as root without --allow-root. Where there is no display (a server, a
# container, WSL without a desktop) no browser can be opened, so JupyterLab only prints the URL
# (instead of a warning that it found no browser). Its log shows warnings and errors only, so the
# URL to open stands out. DEMO_ARGS adds options, e.g. DEMO_ARGS=--port=8899.
DEMO_HEADLESS := $(and $(filter Linux,$(shell uname -s)),$(if $(DISPLAY)$(WAYLAND_DISPLAY),,yes))
DEMO_ARGS ?=

demo: $(VENV)/.installed
	@echo "Starting JupyterLab on examples/ (Ctrl-C stops it); open the URL it prints below."
	$(VENV)/bin/jupyter lab examples/ --ServerApp.log_level=WARN --LabApp.log_level=WARN \
	  $(if $(filter 0,$(USER_ID)),--allow-root) $(if $(DEMO_HEADLESS),--no-browser) $(DEMO_ARGS)

lint: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/mypy
	npm run typecheck
	npm run lint
	$(VENV)/bin/ipycallback codegen --check

frontend-test: node_modules/.installed
	npm test

# Two workers; a module's tests stay on one worker, so a module-scoped fixture (the hostile
# declarations' generated code, for one) is built once.
UNIT_WORKERS := -n 2 --dist loadscope --durations=10

unit: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -m "not browser" -q $(UNIT_WORKERS)

# A second venv with jupyter-collaboration (real-time collaboration) for the browser tests that
# need it: installed in .venv it would turn RTC on for every test. Pinned to the tested version.
RTC_VENV := .venv-rtc
JUPYTER_COLLABORATION := 5.0.4

$(RTC_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(RTC_VENV)
	$(RTC_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RTC_VENV)/bin/python -m pip install --quiet -e ".[test]" \
	  jupyter-collaboration==$(JUPYTER_COLLABORATION)
	touch $@

rtc-venv: $(RTC_VENV)/.installed

# One venv per other host, for the same reason: Voilà (run as a jupyter_server extension, and
# standalone) and marimo, each pinned to the version the host tests were written against. Only
# the runtime is installed there; the tests drive them from .venv.
VOILA_VENV := .venv-voila
VOILA := 0.5.13
MARIMO_VENV := .venv-marimo
MARIMO := 0.25.2

$(VOILA_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VOILA_VENV)
	$(VOILA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VOILA_VENV)/bin/python -m pip install --quiet -e . voila==$(VOILA) ipykernel
	touch $@

$(MARIMO_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(MARIMO_VENV)
	$(MARIMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MARIMO_VENV)/bin/python -m pip install --quiet -e . marimo==$(MARIMO)
	touch $@

voila-venv: $(VOILA_VENV)/.installed
marimo-venv: $(MARIMO_VENV)/.installed

HOST_VENVS := $(RTC_VENV)/.installed $(VOILA_VENV)/.installed $(MARIMO_VENV)/.installed

browser-test: $(VENV)/.installed $(HOST_VENVS) chromium
	$(PY) -m pytest -m browser -v --durations=15

# The README's pictures: the browser tests that run the examples save what each looks like.
SCREENSHOTS := docs/screenshots
screenshots: $(VENV)/.installed $(HOST_VENVS) chromium
	IPYCALLBACK_SCREENSHOTS=$(CURDIR)/$(SCREENSHOTS) $(PY) -m pytest -m screenshot -v

# The oldest Python that pyproject.toml allows, where this machine has it (pyenv's 3.10.x):
# the unit tests run there too, so that the `requires-python` promise is checked.
OLDEST_PYTHON ?= $(firstword $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.10.*/bin/python3.10))
OLDEST_VENV := .venv-oldest

$(OLDEST_VENV)/.installed: pyproject.toml codegen/pyproject.toml codegen/hatch_build.py testing/pyproject.toml
	$(OLDEST_PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST_VENV)/bin/python -m pip install --quiet $(INSTALL_BOTH)
	touch $@

unit-oldest: node_modules/.installed
ifeq ($(OLDEST_PYTHON),)
	@echo "unit-oldest: no Python 3.10 on this machine; set OLDEST_PYTHON=/path/to/python3.10 to run it"
else
	$(MAKE) $(OLDEST_VENV)/.installed
	$(OLDEST_VENV)/bin/python --version
	$(OLDEST_VENV)/bin/python -m pytest -m "not browser" -q -p no:cacheprovider $(UNIT_WORKERS)
endif

test: lint frontend-test unit unit-oldest browser-test

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,bench]" -e ./codegen -e ./testing
	touch $@

# The code generator's speed by message-set size; fails if 300 messages take 3 CPU s or more.
bench-codegen: $(VENV)/.installed
	$(PY) benchmarks/codegen_speed.py

bench: $(VENV)/.bench-installed node_modules/.installed chromium bench-codegen
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) $(OLDEST_VENV) $(RTC_VENV) $(VOILA_VENV) $(MARIMO_VENV) node_modules build
