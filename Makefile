# Quick start: `make demo` and `make test` on a fresh machine with Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE ?= facts/organizations/bj-zhongguancun-platform.yaml

.PHONY: setup demo test coverage lab bench serve clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/regkb check $(SAMPLE)

# one pytest worker per core (pytest-xdist): the suite is CPU-bound, and each worker
# builds its own knowledge bases (pyDatalog's state is per process and thread)
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

coverage: $(STAMP)
	$(BIN)/regkb coverage

DEV_STAMP := $(VENV)/.installed-dev

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (regkb)"
	touch $(DEV_STAMP)

# JupyterLab on notebooks/, its kernel the project's .venv (as root: make lab LAB_ARGS=--allow-root)
lab: $(DEV_STAMP)
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ARGS)

# benchmarks (not part of make test): writes bench/results.md, bench/load.md and bench/diff_population.md
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/diff_population.py

# the pages and the HTTP API on http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/regkb serve

clean:
	rm -rf $(VENV)
