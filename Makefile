# Every target creates the virtual environment itself: a fresh clone needs only `make demo`
# or `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: demo test bench lint format clean

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/busywork demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/python -m pytest -q -s -o python_files='bench_*.py' tests/bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache
