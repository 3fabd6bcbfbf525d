"""``cjlib discover``: a draft map file from event files, the diff with a designed map."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cjlib.cli import main
from cjlib.datasets import load_map, simulate
from cjlib.map import read_map, write_map


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli_discover")
    jm = load_map("telco")
    data = simulate(jm, 300, seed=21)
    data.events.rename(columns={"customer_id": "cust", "event": "action"}).to_parquet(
        folder / "events.parquet"
    )
    data.customers.rename(columns={"customer_id": "cust"}).to_csv(
        folder / "customers.csv", index=False
    )
    data.surveys.to_parquet(folder / "surveys.parquet")
    return {
        "folder": folder,
        "map": write_map(jm, folder / "telco.yaml"),
        "events": folder / "events.parquet",
        "customers": folder / "customers.csv",
        "surveys": folder / "surveys.parquet",
        "n_events": data.events["event"].nunique(),
    }


def test_discover_writes_a_readable_draft_and_diff(files, capsys):
    out = files["folder"] / "draft_map.yaml"
    diff = files["folder"] / "diff.csv"
    code = main(
        [
            "discover",
            "--events",
            str(files["events"]),
            "--customer-col",
            "cust",
            "--event-col",
            "action",
            "--customers",
            str(files["customers"]),
            "--surveys",
            str(files["surveys"]),
            "--map",
            str(files["map"]),
            "--min-reach",
            "0",
            "-o",
            str(out),
            "--diff",
            str(diff),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Discovered map" in printed and "Designed map 'telco'" in printed
    draft = read_map(out)
    assert len(draft.touchpoints) == files["n_events"]
    assert {p.id for p in draft.personas} == {"young_pro", "family"}
    table = pd.read_csv(diff)
    assert "password_reset" in set(table.loc[table["kind"] == "not_in_map", "item"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["discover"], "--events"),
        (["discover", "--sample", "telco", "-o", "draft.txt"], "--output"),
        (["discover", "--sample", "telco", "-o", "/no/such/dir/d.yaml"], "does not exist"),
        (["discover", "--sample", "telco", "--diff", "d.txt"], "--diff"),
    ],
)
def test_bad_arguments_one_line_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("cjlib: error: ") and message in err[0]
