"""The ``cjlib`` command: subcommands, exit codes, one-line errors, tables read by suffix."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cjlib.cli import main
from cjlib.datasets import list_samples, load_map, simulate
from cjlib.map import write_map

CJLIB = [sys.executable, "-m", "cjlib.cli"]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A small simulated telco data set written as parquet, csv and csv.gz."""
    folder = tmp_path_factory.mktemp("cli")
    journey_map = load_map("telco")
    data = simulate(journey_map, 400, seed=11)
    out = {"map": write_map(journey_map, folder / "telco.yaml") or folder / "telco.yaml"}
    renamed = data.events.rename(
        columns={"customer_id": "cust", "timestamp": "ts", "event": "action"}
    )
    renamed.to_parquet(folder / "events.parquet")
    out["events"] = folder / "events.parquet"
    data.events.to_csv(folder / "events.csv.gz", index=False)
    out["events_csv"] = folder / "events.csv.gz"
    data.customers.to_csv(folder / "customers.csv", index=False)
    out["customers"] = folder / "customers.csv"
    data.surveys.to_parquet(folder / "surveys.parquet")
    out["surveys"] = folder / "surveys.parquet"
    data.transactions.to_csv(folder / "transactions.csv", index=False)
    out["transactions"] = folder / "transactions.csv"
    return out


def _one_line_error(captured: str) -> str:
    lines = captured.strip().splitlines()
    assert len(lines) == 1, captured
    assert "Traceback" not in captured
    assert lines[0].startswith("cjlib: error: ")
    return lines[0]


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("report", "validate", "samples"):
        assert command in out
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--map",
        "--events",
        "--customers",
        "--surveys",
        "--transactions",
        "--customer-col",
        "--time-col",
        "--event-col",
        "--sample",
        "--output",
        "--export-figures",
        ".parquet",
    ):
        assert option in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: cjlib" in capsys.readouterr().out


def test_samples_lists_the_bundled_samples(capsys):
    assert main(["samples"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == list(list_samples()["name"])


def test_validate_a_good_map(files, capsys):
    assert main(["validate", str(files["map"])]) == 0
    out = capsys.readouterr().out
    assert "valid (7 stages, 30 touchpoints, 2 personas)" in out
    # each objective's KPI binding is checked: the telco map has one free-text KPI
    assert "'obj_retention': KPI '12-month churn rate' is measured as churn at 12 months" in out
    assert "note: objective 'obj_first_contact': KPI 'First-contact resolution' binds to no" in out
    assert "'obj_csat_support': KPI 'CSAT of the call centre' is measured as CSAT of" in out


def test_validate_prints_every_problem_and_exits_1(files, tmp_path, capsys):
    text = files["map"].read_text(encoding="utf-8")
    broken = text.replace("severity: high", "severity: huge", 1).replace(
        "effort: S", "effort: XXL", 1
    )
    assert broken != text
    bad = tmp_path / "bad.yaml"
    bad.write_text(broken, encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    captured = capsys.readouterr()
    problems = captured.out.strip().splitlines()
    assert len(problems) == 2
    assert any("severity" in p and "huge" in p for p in problems)
    assert any("effort" in p and "XXL" in p for p in problems)
    assert "2 problem(s)" in captured.err


def test_report_from_files_with_column_mapping(files, tmp_path, capsys):
    out = tmp_path / "report.html"
    code = main(
        [
            "report",
            "--map",
            str(files["map"]),
            "--events",
            str(files["events"]),
            "--customer-col",
            "cust",
            "--time-col",
            "ts",
            "--event-col",
            "action",
            "--customers",
            str(files["customers"]),
            "--surveys",
            str(files["surveys"]),
            "--transactions",
            str(files["transactions"]),
            "-o",
            str(out),
            "--title",
            "CLI report",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out.resolve())
    html = out.read_text(encoding="utf-8")
    for anchor in ("kpis", "map", "emotion", "sankey", "funnel", "signals", "clv", "backlog"):
        assert f'id="{anchor}"' in html
    assert "<title>CLI report</title>" in html
    assert ">400<" in html  # customers in the events


def test_report_reads_gzipped_csv_events(files, tmp_path):
    out = tmp_path / "r.html"
    assert (
        main(
            [
                "report",
                "--map",
                str(files["map"]),
                "--events",
                str(files["events_csv"]),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert 'id="funnel"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["report", "--map", "missing.yaml", "--events", "e.parquet"],
            "file not found: missing.yaml",
        ),
        (
            ["report", "--map", "{map}", "--events", "events.xlsx"],
            "--events: cannot read 'events.xlsx'; allowed file types: .parquet, .csv, .csv.gz",
        ),
        (["report", "--map", "{map}", "--events", "nope.parquet"], "file not found: nope.parquet"),
        (["report", "--map", "{map}"], "give --map MAP and --events EVENTS, or --sample NAME"),
        (["report", "--sample", "telco", "--map", "{map}"], "--sample: give either --sample"),
        (["report", "--sample", "nope"], "available samples: ['shop', 'telco']"),
        (["report", "--map", "{map}", "--events", "{events}", "--event-col", "act"], "act"),
        (["report", "--sample", "telco", "-o", "report.pdf"], "--output: expected a .html file"),
        (["validate", "missing.yaml"], "file not found: missing.yaml"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(files, argv, expected, capsys):
    argv = [a.format(map=files["map"], events=files["events"]) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert expected in _one_line_error(captured.err)
    assert captured.out == ""


def test_a_schema_error_is_flattened_to_one_line(files, tmp_path, capsys):
    customers = pd.read_csv(files["customers"]).drop(columns=["start_date"])
    path = tmp_path / "customers.parquet"
    customers.to_parquet(path)
    argv = [
        "report",
        "--map",
        str(files["map"]),
        "--events",
        str(files["events_csv"]),
        "--customers",
        str(path),
        "-o",
        str(tmp_path / "r.html"),
    ]
    assert main(argv) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "customers.start_date: column is missing" in line


def test_subprocess_help_and_error(files):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([*CJLIB, "--help"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0
    assert "report" in done.stdout and "validate" in done.stdout and "samples" in done.stdout
    done = subprocess.run(
        [*CJLIB, "report", "--map", "missing.yaml", "--events", "x.csv"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert _one_line_error(done.stderr) == "cjlib: error: file not found: missing.yaml"
    version = subprocess.run(
        [*CJLIB, "--version"], capture_output=True, text=True, env=env, check=False
    )
    assert version.stdout.startswith("cjlib ")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="figure export needs chromium")
def test_report_exports_every_figure_for_slides(files, tmp_path, capsys):
    out = tmp_path / "r.html"
    argv = [
        "report",
        "--map",
        str(files["map"]),
        "--events",
        str(files["events_csv"]),
        "-o",
        str(out),
        "--export-figures",
        str(tmp_path / "figs"),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out.split()
    figures = ("emotion", "sankey", "funnel", "diff_canvas")  # diff_canvas: designed vs data
    names = set(figures)
    expected = [
        str((tmp_path / "figs" / f"{n}.{f}").resolve()) for n in figures for f in ("png", "svg")
    ]
    assert printed == [str(out.resolve()), *expected]
    assert {p.stem for p in (tmp_path / "figs").iterdir()} == names
    assert (tmp_path / "figs" / "sankey.png").read_bytes().startswith(b"\x89PNG")
