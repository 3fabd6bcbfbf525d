"""Package-level guarantees: cheap import, explicit public surface, conda/pip in step."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import cjlib

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("plotly", "scipy", "statsmodels", "duckdb", "ibis", "pyspark", "ipywidgets", "pyarrow")
# pip name -> conda-forge name, where they differ
CONDA_NAMES = {"duckdb": "python-duckdb", "kaleido": "python-kaleido", "build": "python-build"}


def test_import_is_cheap_in_a_fresh_interpreter():
    code = "import sys, json, cjlib; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    eager = [m for m in HEAVY if m in loaded]
    assert eager == [], f"`import cjlib` loaded heavy modules eagerly: {eager}"


def test_every_public_name_resolves():
    for name in cjlib.__all__:
        assert getattr(cjlib, name) is not None, name


def test_unknown_attribute_is_a_clear_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        cjlib.nope  # noqa: B018


def test_errors_share_one_base():
    for name in ("DataError", "SchemaError", "MapValidationError", "EngineError", "NotFittedError"):
        assert issubclass(getattr(cjlib, name), cjlib.CjlibError)


def _split_requirement(req: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", req.strip())
    assert match, req
    return match.group(1).lower(), match.group(3).replace(" ", "")


def test_environment_yml_is_in_step_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted: dict[str, str] = {}
    for req in project["dependencies"]:
        name, spec = _split_requirement(req)
        wanted[name] = spec
    for extra in project["optional-dependencies"].values():
        for req in extra:
            name, spec = _split_requirement(req)
            wanted[name] = spec

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have: dict[str, str] = {}
    for dep in env["dependencies"]:
        reqs = dep["pip"] if isinstance(dep, dict) else [dep]
        for req in reqs:
            if req.startswith("-e") or req in ("pip",) or req.startswith(("python>", "openjdk")):
                continue
            name, spec = _split_requirement(req)
            have[name] = spec

    for name, spec in wanted.items():
        conda_name = CONDA_NAMES.get(name, name)
        assert conda_name in have, f"{name} is in pyproject.toml but not in environment.yml"
        assert have[conda_name] == spec, (
            f"{name}: pyproject.toml says {spec!r}, environment.yml says {have[conda_name]!r}"
        )
    reverse = {CONDA_NAMES.get(n, n) for n in wanted}
    extra_in_env = sorted(set(have) - reverse)
    assert extra_in_env == [], f"only in environment.yml: {extra_in_env}"


def test_py_typed_marker_ships():
    assert (ROOT / "cjlib" / "py.typed").exists()


def test_the_version_is_written_in_one_place():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cjlib.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?", cjlib.__version__)


def test_the_command_shows_the_version(capsys):
    from cjlib.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cjlib {cjlib.__version__}"
