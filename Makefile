# The README's two commands: `make demo` and `make test`.
# Both create .venv on first use, install cjlib into it (editable, with the extras they need) and run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cjlib-installed
EXTRAS ?= test,spark,lab

.PHONY: demo test lint lab samples bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m cjlib.demo --out build --notebooks notebooks

test: $(STAMP)
	$(BIN)/python -m ruff check cjlib tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/python -m ruff check cjlib tests benchmarks
	$(BIN)/python -m ruff format --check cjlib tests benchmarks

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

samples: $(STAMP)
	$(BIN)/python -m cjlib.datasets.build

clean:
	rm -rf $(VENV) build .pytest_cache
