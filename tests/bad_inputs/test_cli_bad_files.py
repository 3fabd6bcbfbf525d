"""The ``cjlib`` command on every bad file: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from cjlib.cli import main

from . import hostile_files as hf

SAMPLE_MAP = Path(__file__).parents[2] / "data" / "samples" / "telco" / "map.yaml"
GOOD_EVENTS = hf.HEADER + "a,2024-01-01,ad_click\nb,2024-01-02,ad_click\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli_bad")
    return {
        "bomb": hf.yaml_bomb_in_metadata(d),
        "deep_json": hf.deep_json(d),
        "huge_map": hf.huge_sparse(d, "huge.yaml", 11 * 2**20),
        "latin_map": hf.text_file(d, "latin.yaml", "id: m\nname: Caf\xe9\n".encode("latin-1")),
        "events": hf.text_file(d, "events.csv", GOOD_EVENTS),
        "unclosed": hf.text_file(d, "unclosed.csv", hf.HEADER + 'a,"2024-01-01,x\n'),
        "fields": hf.text_file(d, "fields.csv", GOOD_EVENTS + "c,2024-01-03,x,extra\n"),
        "latin_csv": hf.text_file(
            d, "latin.csv", (hf.HEADER + "a,2024-01-01,caf\xe9\n").encode("latin-1")
        ),
        "bad_gz": hf.text_file(d, "bad.csv.gz", b"not gzip"),
        "bad_parquet": hf.text_file(d, "bad.parquet", b"PAR1 nothing"),
        "empty_csv": hf.text_file(d, "empty.csv", ""),
        "bad_dates": hf.text_file(d, "customers.csv", "customer_id,start_date\na,someday\n"),
        "out": d / "report.html",
    }


def _report(files: dict[str, Path], **paths: str) -> list[str]:
    argv = ["report", "-o", str(files["out"])]
    for option, key in paths.items():
        argv += [f"--{option}", str(files[key]) if key in files else key]
    return argv


CASES = {
    "map-alias-bomb": ({"map": "bomb", "events": "events"}, ["bomb_metadata.yaml", "&a0"]),
    "map-deep-json": ({"map": "deep_json", "events": "events"}, ["deep.json", "nesting"]),
    "map-over-size": ({"map": "huge_map", "events": "events"}, ["huge.yaml", "limited to"]),
    "map-not-utf8": ({"map": "latin_map", "events": "events"}, ["latin.yaml", "UTF-8"]),
    "events-unclosed-quote": (
        {"map": str(SAMPLE_MAP), "events": "unclosed"},
        ["line 2", "never closed"],
    ),
    "events-extra-field": ({"map": str(SAMPLE_MAP), "events": "fields"}, ["line 4", "fields"]),
    "events-not-utf8": ({"map": str(SAMPLE_MAP), "events": "latin_csv"}, ["latin.csv", "UTF-8"]),
    "events-bad-gzip": ({"map": str(SAMPLE_MAP), "events": "bad_gz"}, ["bad.csv.gz", "gzip"]),
    "events-bad-parquet": (
        {"map": str(SAMPLE_MAP), "events": "bad_parquet"},
        ["bad.parquet", "Parquet"],
    ),
    "events-empty": ({"map": str(SAMPLE_MAP), "events": "empty_csv"}, ["empty.csv", "empty"]),
    "events-missing": ({"map": str(SAMPLE_MAP), "events": "absent.csv"}, ["absent.csv"]),
    "customers-bad-date": (
        {"map": str(SAMPLE_MAP), "events": "events", "customers": "bad_dates"},
        ["--customers", "'start_date'", "someday", "ISO dates"],
    ),
    "customers-empty": (
        {"map": str(SAMPLE_MAP), "events": "events", "customers": "empty_csv"},
        ["--customers", "empty"],
    ),
    "unknown-sample": ({"sample": "atlantis"}, ["atlantis", "telco"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_cli_prints_one_line_and_exits_2(name: str, files: dict[str, Path], capsys) -> None:
    paths, expected = CASES[name]
    code = main(_report(files, **paths))
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cjlib: error: "), err
    assert "Traceback" not in err
    for part in expected:
        assert part in lines[0], lines[0]


def test_cli_validate_refuses_the_bomb_with_exit_1(files: dict[str, Path], capsys) -> None:
    assert main(["validate", str(files["bomb"])]) == 1
    out = capsys.readouterr().out
    assert "anchors (&name) and aliases (*name) are refused" in out


def _limit_memory() -> None:
    cap = 1 << 30  # 1 GiB: the unguarded bomb needs far more
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def test_alias_bomb_fails_fast_under_a_memory_cap(files: dict[str, Path]) -> None:
    """A separate process under a 1 GiB cap: the bomb is refused before anything expands.

    Bounded in CPU seconds of the child (imports included), not wall time, so a loaded
    machine does not make it flaky; expanding the bomb would take far longer and hit the cap.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "cjlib.cli", *_report(files, map="bomb", events="events")],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert done.returncode == 2, done.stderr
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr
    assert "&a0" in done.stderr
    assert cpu < 15, f"took {cpu:.1f} CPU s"


def test_cli_prints_cjlib_warnings_as_one_line_each_and_hides_dependencies(capsys) -> None:
    import warnings

    from cjlib.cli import _print_warnings
    from cjlib.errors import DegenerateDataWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            warnings.warn(
                "link('churned'): x: no variation\nin the outcome",
                DegenerateDataWarning,
                stacklevel=1,
            )
        warnings.warn("fetch_arrow_table() is deprecated", DeprecationWarning, stacklevel=1)
    _print_warnings(caught)
    err = capsys.readouterr().err
    assert err.splitlines() == ["cjlib: warning: link('churned'): x: no variation in the outcome"]
