# leadwatch — every target creates .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pip says only what went wrong (its warnings, e.g. about an index it cannot reach, with
# `make install PIP_QUIET=-q`).
PIP_QUIET ?= -qq

.PHONY: install demo test lint format bench clean

$(PY):
	@echo "creating $(VENV) and installing leadwatch into it (the first time takes a minute)"
	@$(PYTHON) -m venv $(VENV)

# Re-installs only when pyproject.toml changed (idempotent; `make install` twice is a no-op).
$(STAMP): pyproject.toml | $(PY)
	@$(PY) -m pip install $(PIP_QUIET) --upgrade pip
	@$(PY) -m pip install $(PIP_QUIET) -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# The working directory becomes the demo instance (leadwatch.toml, sources.toml,
# taxonomy.toml, data/: ignored by git), so README's commands work right here.
demo: install
	@$(VENV)/bin/leadwatch demo

# One pytest worker per core; a module's tests stay on one worker (module fixtures), and
# modules start in collection order: the slowest first (tests/conftest.py SLOWEST_FIRST),
# not xdist's default of the most tests first.
test: install
	$(PY) -m pytest -n auto --dist loadfile --no-loadscope-reorder

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info
