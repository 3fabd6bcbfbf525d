"""Build hook: copy the sample data sets from ``data/samples/`` into the package.

``data/samples/`` stays the single source of truth in the repository (and in the sdist, see
MANIFEST.in); a built wheel carries them as ``cjlib/datasets/samples/<name>/`` so that
``importlib.resources`` finds them once installed. ``events.csv.gz`` repeats
``events.parquet`` and stays out of the wheel to keep it lean. All metadata lives in
pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
WHEEL_SUFFIXES = (".parquet", ".yaml", ".json")


class BuildPyWithSamples(build_py):
    """``build_py`` that also copies ``data/samples/*/*`` into ``cjlib/datasets/samples/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads data/samples/ in place
            return
        if not SAMPLES.is_dir():
            raise SystemExit(f"cannot build cjlib: {SAMPLES} is missing")
        target = Path(self.build_lib) / "cjlib" / "datasets" / "samples"
        for source in sorted(SAMPLES.glob("*/*")):
            if source.is_file() and source.name.endswith(WHEEL_SUFFIXES):
                destination = target / source.parent.name / source.name
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildPyWithSamples})
