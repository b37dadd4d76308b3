# Quick start: `make demo` and `make test` on a fresh machine with Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE ?= facts/organizations/bj-zhongguancun-platform.yaml

.PHONY: setup demo test coverage clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/regkb check $(SAMPLE)

test: $(STAMP)
	$(BIN)/python -m pytest -q

coverage: $(STAMP)
	$(BIN)/regkb coverage

clean:
	rm -rf $(VENV)
