# Every target creates the virtual environment itself: a fresh clone needs only `make demo`
# or `make test`. uv is installed with pip when it is missing.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.synced
# uv from PATH, else the module pip installed (works whether or not pip's bin is on PATH).
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: demo test bench lint format clean

$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv
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
