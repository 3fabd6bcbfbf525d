"""The built wheel and sdist work once installed, away from the repository.

Builds the sdist from the repository's files and the wheel from that sdist (as ``python -m
build`` does), installs each with ``pip --no-deps`` into a fresh virtual environment outside the
repository, and from another folder imports cjlib, loads the telco sample, measures it and
writes the report with the ``cjlib`` command. The fresh environments see this test
environment's site-packages through a ``.pth`` line, so the dependencies are not installed
again (no network); a plain path line does not run the editable install's hook, so ``import
cjlib`` there finds only the installed copy, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import cjlib
from cjlib.datasets._loaders import SAMPLE_FILES

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("installed_package")]

ROOT = Path(__file__).resolve().parents[1]
# a new user's first session: load, measure, print the numbers the parent compares
SCRIPT = """
import json, cjlib
from cjlib.datasets import load_sample
telco = load_sample("telco")
log = cjlib.EventLog.from_pandas(telco.events)
mm = cjlib.measure(telco.journey_map, log, surveys=telco.surveys, customers=telco.customers)
table = mm.table.set_index("touchpoint")
print(json.dumps({
    "file": cjlib.__file__,
    "version": cjlib.__version__,
    "customers": len(telco.customers),
    "hazard_ratio": telco.truth["hazard"]["signals"]["dispute_escalation"]["hazard_ratio"],
    "reach": table["reach"].astype(int).to_dict(),
    "csat": table["csat"].dropna().to_dict(),
}))
"""


def _repository_files() -> list[str]:
    """Tracked and new (not ignored) files: what a fresh clone plus the work in hand holds."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in out.split("\0") if name and (ROOT / name).is_file()]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """sdist and wheel built once for the module, from a copy of the repository's files."""
    base = tmp_path_factory.mktemp("dist")
    source = base / "source"
    for name in _repository_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = base / "out"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        check=True,
        env=_clean_env(),
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _fresh_venv(folder: Path) -> Path:
    """A venv without pip whose path ends with this environment's site-packages."""
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(folder)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "_cjlib_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def installed(request, dist, tmp_path_factory) -> dict:
    """Install one artefact, then run the new user's session from a folder outside the repo."""
    home = tmp_path_factory.mktemp(f"installed_{request.param}")
    python = _fresh_venv(home / "venv")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    offline = ["--no-deps", "--no-index", "--no-build-isolation"]
    subprocess.run(
        [*pip, *offline, str(dist[request.param])],
        capture_output=True,
        check=True,
        env=_clean_env(),
    )
    work = home / "elsewhere"
    work.mkdir()
    session = subprocess.run(
        [str(python), "-c", SCRIPT],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(),
    )
    command = python.parent / ("cjlib.exe" if os.name == "nt" else "cjlib")
    report = subprocess.run(
        [str(command), "report", "--sample", "telco", "-o", "r.html"],
        cwd=work,
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    version = subprocess.run(
        [str(command), "--version"], cwd=work, capture_output=True, text=True, env=_clean_env()
    )
    return {
        "venv": home / "venv",
        "work": work,
        "session": json.loads(session.stdout.strip().splitlines()[-1]),
        "report": report,
        "version": version,
    }


def test_the_wheel_carries_the_samples_and_stays_lean(dist):
    names = zipfile.ZipFile(dist["wheel"]).namelist()
    for sample in ("telco", "shop"):
        for file in SAMPLE_FILES:
            assert f"cjlib/datasets/samples/{sample}/{file}" in names
    assert not [n for n in names if n.endswith(".csv.gz")], "events.csv.gz repeats the parquet"
    assert not [n for n in names if n.startswith(("tests/", "data/", "notebooks/"))]
    assert dist["wheel"].stat().st_size < 8_000_000


def test_the_sdist_carries_the_samples(dist):
    with tarfile.open(dist["sdist"]) as archive:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in archive.getnames()}
    for sample in ("telco", "shop"):
        for file in SAMPLE_FILES:
            assert f"data/samples/{sample}/{file}" in names
    assert {"setup.py", "MANIFEST.in", "pyproject.toml", "LICENSE"} <= names


def test_the_installed_copy_is_imported_not_the_repository(installed):
    imported = Path(installed["session"]["file"]).resolve()
    assert imported.is_relative_to(installed["venv"].resolve()), imported
    assert not imported.is_relative_to(ROOT), imported


def test_the_installed_sample_is_the_committed_one(installed):
    session = installed["session"]
    assert session["customers"] == 5000
    # planted by the simulator (data/samples/telco/truth.json)
    assert session["hazard_ratio"] == pytest.approx(2.0)


@pytest.fixture(scope="module")
def measured_here() -> pd.DataFrame:
    from cjlib.datasets import load_sample

    telco = load_sample("telco")
    log = cjlib.EventLog.from_pandas(telco.events)
    mm = cjlib.measure(telco.journey_map, log, surveys=telco.surveys, customers=telco.customers)
    return mm.table.set_index("touchpoint")


def test_the_installed_measure_matches_the_repository(installed, measured_here):
    session = installed["session"]
    assert session["reach"] == measured_here["reach"].astype(int).to_dict()
    csat = measured_here["csat"].dropna()
    assert sorted(session["csat"]) == sorted(csat.index)
    for touchpoint, value in csat.items():
        assert session["csat"][touchpoint] == pytest.approx(value, rel=1e-9), touchpoint


def test_the_installed_command_writes_the_report(installed):
    report = installed["report"]
    assert report.returncode == 0, report.stderr
    page = (installed["work"] / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lstrip().lower().startswith("<!doctype")
    assert f"Generated by cjlib {cjlib.__version__}" in page


def test_the_installed_command_reports_the_one_version(installed):
    assert installed["version"].returncode == 0, installed["version"].stderr
    assert installed["version"].stdout.strip() == f"cjlib {cjlib.__version__}"
    assert installed["session"]["version"] == cjlib.__version__
