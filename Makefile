# Every target creates the virtual environment itself: a fresh clone needs only `make demo`
# or `make test`. uv is installed with pip when it is missing.
SHELL := /bin/bash
VENV := .venv
# `make test PYTHON=3.13` (a version uv finds, or an interpreter's path) runs on another Python,
# in an environment of its own (.venv-3.13); without it, .venv holds the first Python uv finds.
PYTHON ?=
ifneq ($(PYTHON),)
VENV := .venv-$(notdir $(PYTHON))
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)
endif
STAMP := $(VENV)/.synced
# uv from PATH, else the module pip installed (works whether or not pip's bin is on PATH).
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
# Prism (npm) for the replay conformance test; reinstalled only when its lockfile changes.
PRISM_DIR := tests/prism
PRISM_STAMP := $(PRISM_DIR)/node_modules/.installed

.PHONY: demo test test-slow bench lint format clean compile

# --compile-bytecode: processes (commands, simulation workers, the tests' subprocesses) start
# without compiling their imports, also where PYTHONDONTWRITEBYTECODE is set.
$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv
	$(UV) sync --frozen --all-groups --compile-bytecode
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/busywork demo

# `make test` leaves out the suites marked slow (under 5 minutes on 2 cores); `make test-slow`
# runs them, and CI (.ci/run) runs both. Two pytest workers a core: the tests spend much of
# their time waiting on servers and subprocesses (on 2 cores, 3:45 rather than 5:10).
TEST_WORKERS ?= $(shell python3 -c 'import os; print(2 * (os.cpu_count() or 1))')
test: $(STAMP) $(PRISM_STAMP) compile
	$(VENV)/bin/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not slow"

test-slow: $(STAMP) $(PRISM_STAMP) compile
	$(VENV)/bin/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m slow

# The simulation's hot modules compiled with mypyc (engine/compiled.py): same log, about 1.7×
# as fast. Rebuilt only when their source changed; without a C compiler busywork runs as pure Python.
COMPILE_LOG := $(VENV)/busywork-compile.log
compile: $(STAMP)
	@echo "compiling the engine's hot modules with mypyc (about a minute when their source changed)"
	@if BUSYWORK_PURE_PYTHON=1 $(VENV)/bin/python -c 'import engine.compiled as c; raise SystemExit(c.main(["build"]))' \
		>$(COMPILE_LOG) 2>&1; then tail -n 1 $(COMPILE_LOG); \
	else tail -n 5 $(COMPILE_LOG); echo "note: compiling failed (see $(COMPILE_LOG)); busywork runs as pure Python"; fi

# Without npm (or when the install fails) the Prism test skips, except under CI=true where it fails.
$(PRISM_STAMP): $(PRISM_DIR)/package.json $(PRISM_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		if npm ci --prefix $(PRISM_DIR) --ignore-scripts --no-audit --no-fund --loglevel=error; \
		then touch $@; else echo "note: npm ci in $(PRISM_DIR) failed; the Prism test skips (fails under CI=true)"; fi; \
	else echo "note: npm not found; the Prism test skips (fails under CI=true)"; fi

bench: $(STAMP) compile
	$(VENV)/bin/python -m pytest -q -s -o python_files='bench_*.py' tests/bench

# mypy checks the whole program; the engine's hot modules (engine/compiled.py HOT, which
# mypyc compiles) are among them.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy engine adapters cli.py

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf .venv .venv-* .pytest_cache
