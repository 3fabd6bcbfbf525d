# The README's two commands: `make demo` and `make test`; `make docs` builds the site into build/docs/.
# Both create .venv on first use, install cjlib into it (editable, with the extras they need) and run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cjlib-installed
EXTRAS ?= test,spark,lab,docs

.PHONY: demo test docs lint lab samples bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m cjlib.demo --out build --notebooks notebooks

test: $(STAMP)
	$(BIN)/python -m ruff check cjlib tests benchmarks docs setup.py
	# the docstring examples run too (numeric tolerance: doctest_optionflags in pyproject.toml)
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25 tests cjlib --doctest-modules

# the documentation site, offline, warnings as errors (the notebooks are executed: minutes)
docs: $(STAMP)
	$(BIN)/python -m sphinx -b html -W --keep-going -d build/docs-doctrees docs build/docs
	@echo "site: build/docs/index.html"

lint: $(STAMP)
	$(BIN)/python -m ruff check cjlib tests benchmarks docs setup.py
	$(BIN)/python -m ruff format --check cjlib tests benchmarks docs setup.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

samples: $(STAMP)
	$(BIN)/python -m cjlib.datasets.build

clean:
	rm -rf $(VENV) build .pytest_cache docs/api docs/notebooks docs/_static/plotly.min.js
