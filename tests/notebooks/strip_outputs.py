"""Strip outputs from notebooks before committing them: ``python tests/notebooks/strip_outputs.py``.

With no arguments it strips every ``notebooks/*.ipynb``; otherwise the files given. Outputs,
execution counts, widget state and per-cell execution metadata are removed; the kernelspec is
set to ``python3`` so the notebook test runs it with the interpreter of the test run. Exit code 1
with ``--check`` when a file would change (for CI or a pre-commit hook).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
_VOLATILE_NOTEBOOK_KEYS = ("widgets", "papermill", "execution")
_VOLATILE_CELL_KEYS = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without outputs, execution counts and run-time metadata."""
    clean = nbformat.from_dict(nb)  # a deep copy
    for key in _VOLATILE_NOTEBOOK_KEYS:
        clean.metadata.pop(key, None)
    clean.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in clean.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return clean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="only report files that would change")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    dirty = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        clean = strip(nb)
        if clean != nb:
            dirty.append(path)
            if not args.check:
                nbformat.write(clean, path)
    verb = "would strip" if args.check else "stripped"
    for path in dirty:
        print(f"{verb} {path}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
