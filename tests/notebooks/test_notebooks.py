"""Every curated notebook runs top to bottom, and is committed without outputs."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook
from strip_outputs import KERNELSPEC, strip

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell: generous for a loaded 2-core CI machine
STARTUP_TIMEOUT = 120


def _run(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    # kernel "python3": jupyter_client starts it with sys.executable (the interpreter running the
    # tests, i.e. the venv's), because the spec's argv[0] is the bare "python"
    client = NotebookClient(
        nb,
        kernel_name=KERNELSPEC["name"],
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    return client.execute()


def test_the_curated_notebooks_are_there():
    names = [path.name for path in NOTEBOOKS]
    assert "01_map_the_journey.ipynb" in names


def test_the_kernel_is_the_interpreter_running_the_tests():
    nb = new_notebook(
        cells=[new_code_cell("import os, sys; print(sys.executable); print(os.getcwd())")]
    )
    out = _run(nb).cells[0].outputs[0]["text"].splitlines()
    assert Path(out[0]).resolve() == Path(sys.executable).resolve()
    assert Path(out[1]).resolve() == NOTEBOOK_DIR.resolve()


def test_a_failing_cell_fails_the_run():
    nb = new_notebook(cells=[new_code_cell("1 / 0")])
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        _run(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec["name"] == "python3"
    with_output = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs]
    counted = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count]
    assert not with_output and not counted, (
        f"{path.name}: cells {sorted(set(with_output + counted))} hold outputs; "
        "run `python tests/notebooks/strip_outputs.py` before committing"
    )
    assert strip(nb) == nb, f"{path.name}: run `python tests/notebooks/strip_outputs.py`"


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    executed = _run(nb)  # raises CellExecutionError naming the cell and the traceback
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "not every code cell ran"
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert errors == []
