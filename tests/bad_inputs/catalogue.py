"""The bad-input catalogue: one row per hostile or careless input to a public entry point.

Each case is ``Case(id, run, error, contains)``: ``run(ctx)`` must raise ``error`` with every
string of ``contains`` in its message (the field, the bad value and what is allowed). A case
with ``error=None`` documents a result instead: ``run`` must return it while raising the
``warns`` warning whose message holds every string of ``contains``, and ``check(result)``
asserts the documented result.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import cjlib
from cjlib import action, stats
from cjlib.datasets import load_sample, simulate
from cjlib.errors import (
    DataError,
    DataWarning,
    DegenerateDataWarning,
    FileFormatError,
    MapValidationError,
    NotFittedError,
    SchemaError,
)
from cjlib.map import MapSyntaxError

from . import hostile_files as hf

SQL = "x'); DROP TABLE events; --"
RTL_EMOJI = "שלום 🚀 مرحبا"


@dataclass
class Ctx:
    """What the cases share: a scratch folder and a small simulated telco data set."""

    folder: Path
    data: Any
    log: cjlib.EventLog

    @property
    def map(self) -> cjlib.JourneyMap:
        return self.data.journey_map

    def map_dict(self) -> dict:
        return copy.deepcopy(self.map.to_dict(include_defaults=False))

    def events(self) -> pd.DataFrame:
        return self.data.events.copy()

    def customers(self) -> pd.DataFrame:
        return self.data.customers.copy()


def make_ctx(folder: Path) -> Ctx:
    sample = load_sample("telco")
    data = simulate(sample.journey_map, 150, seed=3)
    return Ctx(folder, data, cjlib.EventLog.from_pandas(data.events))


@dataclass
class Case:
    id: str
    run: Callable[[Ctx], Any]
    error: type[BaseException] | None
    contains: tuple[str, ...] = ()
    warns: type[Warning] | None = None
    check: Callable[[Any], None] | None = None


def _map_with(ctx: Ctx, edit: Callable[[dict], None]) -> cjlib.JourneyMap:
    data = ctx.map_dict()
    edit(data)
    return cjlib.JourneyMap.from_dict(data)


def _tp(data: dict, i: int = 0, j: int = 0) -> dict:
    return data["stages"][i]["touchpoints"][j]


def _csv(ctx: Ctx, name: str, text: str | bytes, **kw: Any) -> cjlib.EventLog:
    return cjlib.EventLog.read_csv(hf.text_file(ctx.folder, name, text), **kw)


def _frame(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame(columns)


def _churn_table(y: Any, x: Any = None, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    signal = rng.random(n) < 0.3 if x is None else x
    outcome = np.resize(np.asarray(y), n) if np.ndim(y) else np.full(n, y)
    return pd.DataFrame({"called": signal, "churned": outcome, "age": rng.normal(40, 9, n)})


def _weekly(value: Any = None, n: int = 20) -> pd.DataFrame:
    weeks = pd.date_range("2025-01-06", periods=n, freq="W-MON")
    rng = np.random.default_rng(2)
    metric = rng.normal(30, 1, n) if value is None else np.full(n, float(value))
    return pd.DataFrame({"week": weeks, "nps": metric})


def _survival_one(result: Any) -> None:
    table = result.table
    assert len(table) == 1
    assert table["time"].iloc[0] == 0
    assert abs(table["survival"].iloc[0] - 1.0) < 1e-12
    assert any("no events" in w for w in result.warnings)
    assert "no events" in result.summary()


def _nan_effect(result: Any) -> None:
    assert np.isnan(result.table["effect"].iloc[0])
    assert "no variation" in result.summary()


def _same_names(names: set[str]) -> Callable[[Any], None]:
    def check(log: Any) -> None:
        assert names <= set(log.event_names), log.event_names

    return check


MAP_CASES = [
    Case(
        "map-yaml-alias-bomb-metadata",
        lambda c: cjlib.read_map(hf.yaml_bomb_in_metadata(c.folder)),
        MapSyntaxError,
        ("bomb_metadata.yaml", "line", "&a0", "anchors (&name) and aliases (*name) are refused"),
    ),
    Case(
        "map-yaml-alias-bomb-actions",
        lambda c: cjlib.read_map(hf.yaml_bomb_in_actions(c.folder)),
        MapSyntaxError,
        ("line 11", "&a0", "write each value out in full"),
    ),
    Case(
        "map-yaml-undefined-alias",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "alias.yaml", "id: *nothing\n")),
        MapSyntaxError,
        ("alias.yaml", "line 1", "*nothing", "not allowed"),
    ),
    Case(
        "map-yaml-merge-key",
        lambda c: cjlib.read_map(
            hf.text_file(
                c.folder, "merge.yaml", "base: &b {owner: marketing}\nid: m\nother:\n  <<: *b\n"
            )
        ),
        MapSyntaxError,
        ("line 1", "&b", "not allowed"),
    ),
    Case(
        "map-json-5000-deep",
        lambda c: cjlib.read_map(hf.deep_json(c.folder)),
        MapSyntaxError,
        ("deep.json", "line 1", "nesting deeper than 64", "MAX_MAP_DEPTH"),
    ),
    Case(
        "map-yaml-100-deep-block",
        lambda c: cjlib.read_map(hf.deep_yaml_block(c.folder)),
        MapSyntaxError,
        ("deep_block.yaml", "line 66", "nesting deeper than 64", "got 65"),
    ),
    Case(
        "map-yaml-100-deep-flow",
        lambda c: cjlib.read_map(
            hf.text_file(c.folder, "flow.yaml", "id: " + "[" * 100 + "]" * 100)
        ),
        MapSyntaxError,
        ("flow.yaml", "line 1", "nesting deeper than 64"),
    ),
    Case(
        "map-file-over-size-limit",
        lambda c: cjlib.read_map(hf.huge_sparse(c.folder, "huge.yaml", 11 * 2**20)),
        MapSyntaxError,
        ("huge.yaml", "11,534,336 bytes", "limited to 10,485,760 bytes"),
    ),
    Case(
        "map-json-over-size-limit",
        lambda c: cjlib.read_map(hf.huge_sparse(c.folder, "huge.json", 2**30)),
        MapSyntaxError,
        ("huge.json", "1,073,741,824 bytes", "limited to"),
    ),
    Case(
        "map-too-many-values",
        lambda c: cjlib.read_map(hf.many_values_yaml(c.folder, 500_001)),
        MapSyntaxError,
        ("many_values.yaml", "more than 500,000 values", "MAX_MAP_NODES"),
    ),
    Case(
        "map-not-utf8",
        lambda c: cjlib.read_map(
            hf.text_file(c.folder, "latin1.yaml", "id: m\nname: Caf\xe9\n".encode("latin-1"))
        ),
        MapSyntaxError,
        ("latin1.yaml", "line 2", "b'\\xe9'", "must be UTF-8"),
    ),
    Case(
        "map-yaml-duplicate-key",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "dup.yaml", "id: a\nname: A\nid: b\n")),
        MapSyntaxError,
        ("dup.yaml", "line 3", "duplicate key 'id'", "first at line 1"),
    ),
    Case(
        "map-yaml-python-tag",
        lambda c: cjlib.read_map(
            hf.text_file(c.folder, "tag.yaml", "id: !!python/object/apply:os.system ['echo hi']\n")
        ),
        MapSyntaxError,
        ("tag.yaml", "line 1", "python/object/apply:os.system"),
    ),
    Case(
        "map-yaml-tab-indent",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "tab.yaml", "id: m\nstages:\n\t- id: s\n")),
        MapSyntaxError,
        ("tab.yaml", "line 3", "tab"),
    ),
    Case(
        "map-json-unclosed",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "open.json", '{"id": "m",\n "name": ')),
        MapSyntaxError,
        ("open.json", "line 2", "Expecting value"),
    ),
    Case(
        "map-empty-file",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "empty.yaml", "")),
        MapValidationError,
        ("empty.yaml", "the file is empty"),
    ),
    Case(
        "map-top-level-list",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "list.yaml", "- id: m\n")),
        MapValidationError,
        ("list.yaml", "mapping", "list"),
    ),
    Case(
        "map-wrong-suffix",
        lambda c: cjlib.read_map(hf.text_file(c.folder, "map.txt", "id: m\n")),
        DataError,
        ("path", "'.txt'", "allowed suffixes: .yaml, .yml, .json"),
    ),
    Case(
        "map-missing-file",
        lambda c: cjlib.read_map(c.folder / "nope.yaml"),
        FileNotFoundError,
        ("nope.yaml",),
    ),
    Case(
        "map-emotion-out-of-range",
        lambda c: _map_with(c, lambda d: _tp(d)["emotion"].update(young_pro=7)),
        MapValidationError,
        ("stages[0].touchpoints[0].emotion.young_pro", "7", "-2..+2"),
    ),
    Case(
        "map-unknown-field",
        lambda c: _map_with(c, lambda d: d.update(colour="red")),
        MapValidationError,
        ("colour", "unknown field", "allowed: id, name, description"),
    ),
    Case(
        "map-id-with-sql",
        lambda c: _map_with(c, lambda d: d["stages"][0].update(id=SQL)),
        MapValidationError,
        ("stages[0].id", "must be one word", "DROP TABLE"),
    ),
    Case(
        "map-bad-severity",
        lambda c: _map_with(
            c, lambda d: _tp(d, 0, 1)["pain_points"][0].update(severity="apocalyptic")
        ),
        MapValidationError,
        ("severity", "'apocalyptic'", "'low', 'medium', 'high', 'critical'"),
    ),
    Case(
        "map-duplicate-touchpoint-id",
        lambda c: _map_with(c, lambda d: _tp(d, 0, 1).update(id=_tp(d)["id"])),
        MapValidationError,
        ("stages[0].touchpoints[1].id", "ads"),
    ),
    Case(
        "map-emotion-for-unknown-persona",
        lambda c: _map_with(c, lambda d: _tp(d)["emotion"].update(martian=1)),
        MapValidationError,
        ("emotion.martian", "persona", "young_pro"),
    ),
    Case(
        "map-emotion-text",
        lambda c: _map_with(c, lambda d: _tp(d)["emotion"].update(young_pro="happy")),
        MapValidationError,
        ("emotion.young_pro", "'happy'", "-2..+2"),
    ),
    Case(
        "write-map-not-a-map",
        lambda c: cjlib.write_map({"id": "m"}, c.folder / "m.yaml"),
        DataError,
        ("journey_map", "expected a JourneyMap", "dict"),
    ),
    Case(
        "map-unicode-rtl-emoji-names",
        lambda c: _roundtrip_names(c),
        None,
        check=lambda names: _assert_equal(names, (RTL_EMOJI, "Ünïcödé ⟨stage⟩", "\u202etxt.exe")),
    ),
]


def _assert_equal(got: Any, want: Any) -> None:
    assert got == want, (got, want)


def _roundtrip_names(ctx: Ctx) -> tuple[str, ...]:
    def edit(d: dict) -> None:
        d["personas"][0]["name"] = RTL_EMOJI
        d["stages"][0]["name"] = "Ünïcödé ⟨stage⟩"
        _tp(d)["name"] = "\u202etxt.exe"

    jm = _map_with(ctx, edit)
    out = []
    for suffix in ("yaml", "json"):
        back = cjlib.read_map(cjlib.write_map(jm, ctx.folder / f"unicode.{suffix}"))
        assert back == jm
        out = [back.personas[0].name, back.stages[0].name, back.stages[0].touchpoints[0].name]
    return tuple(out)


EVENT_CASES = [
    Case(
        "csv-unclosed-quote",
        lambda c: _csv(
            c, "unclosed.csv", hf.HEADER + 'a,2024-01-01,x\nb,"2024-01-02,y\nc,2024-01-03,z\n'
        ),
        FileFormatError,
        (
            "unclosed.csv (line 3)",
            "a quoted field opened on line 3 is never closed",
            "expected a UTF-8 CSV file",
        ),
    ),
    Case(
        "csv-too-many-fields",
        lambda c: _csv(c, "fields.csv", hf.HEADER + "a,2024-01-01,x\nb,2024-01-02,y,extra\n"),
        FileFormatError,
        ("fields.csv (line 3)", "Expected 3 fields in line 3, saw 4", "header row"),
    ),
    Case(
        "csv-empty",
        lambda c: _csv(c, "empty.csv", ""),
        FileFormatError,
        ("empty.csv", "the file is empty", "header row"),
    ),
    Case(
        "csv-not-utf8",
        lambda c: _csv(c, "latin.csv", (hf.HEADER + "a,2024-01-01,caf\xe9\n").encode("latin-1")),
        FileFormatError,
        ("latin.csv (line 2)", "b'\\xe9' is not UTF-8", "encoding="),
    ),
    Case(
        "csv-gz-corrupt",
        lambda c: _csv(c, "bad.csv.gz", b"not gzip at all"),
        FileFormatError,
        ("bad.csv.gz", "Not a gzipped file", "expected a UTF-8 CSV"),
    ),
    Case(
        "csv-missing-file",
        lambda c: cjlib.EventLog.read_csv(c.folder / "absent.csv"),
        DataError,
        ("path", "no such file", "absent.csv"),
    ),
    Case(
        "csv-missing-columns",
        lambda c: _csv(c, "cols.csv", "who,when,what\na,2024-01-01,x\n"),
        SchemaError,
        ("customer_col", "'customer_id' not found", "available columns: ['who', 'when', 'what']"),
    ),
    Case(
        "csv-unparsable-time",
        lambda c: _csv(c, "time.csv", hf.HEADER + "a,yesterday,x\nb,2024-01-01,y\n"),
        SchemaError,
        ("timestamp", "yesterday"),
    ),
    Case(
        "parquet-garbage",
        lambda c: cjlib.EventLog.read_parquet(
            hf.text_file(c.folder, "bad.parquet", b"PAR1 no footer")
        ),
        FileFormatError,
        ("bad.parquet", "Parquet", "expected Parquet file(s)"),
    ),
    Case(
        "parquet-glob-matches-nothing",
        lambda c: cjlib.EventLog.read_parquet(str(c.folder / "none_*.parquet")),
        DataError,
        ("path", "matches no file", "none_*.parquet"),
    ),
    Case(
        "parquet-missing-columns",
        lambda c: cjlib.EventLog.read_parquet(_parquet(c, _frame(x=[1]))),
        SchemaError,
        ("customer_col", "'customer_id' not found", "available columns: ['x']"),
    ),
    Case(
        "pandas-not-a-frame",
        lambda c: cjlib.EventLog.from_pandas([("a", "2024-01-01", "x")]),
        DataError,
        ("DataFrame", "list"),
    ),
    Case(
        "pandas-null-customer",
        lambda c: cjlib.EventLog.from_pandas(
            _frame(
                customer_id=["a", None],
                timestamp=pd.to_datetime(["2024-01-01"] * 2),
                event=["x", "y"],
            )
        ),
        SchemaError,
        ("customer_id", "missing"),
    ),
    Case(
        "pandas-wrong-column-name",
        lambda c: cjlib.EventLog.from_pandas(c.events(), event_col="action"),
        SchemaError,
        ("event_col", "'action' not found", "available columns"),
    ),
    Case(
        "eventlog-direct-construction",
        lambda c: cjlib.EventLog(),
        TypeError,
        ("EventLog.from_pandas", "read_parquet"),
    ),
    Case(
        "filter-unknown-channel",
        lambda c: c.log.filter(channels="carrier pigeon"),
        DataError,
        ("channels", "'carrier pigeon'", "web"),
    ),
    Case(
        "sessions-bad-gap", lambda c: c.log.sessions(gap="banana"), DataError, ("gap", "'banana'")
    ),
    Case("funnel-no-steps", lambda c: c.log.funnel([]), DataError, ("steps",)),
    Case(
        "sql-metacharacters-in-names",
        lambda c: _sql_log(c),
        None,
        check=_same_names({SQL, 'a"b', "c;d", "e\\f"}),
    ),
    Case(
        "unicode-rtl-emoji-event-names",
        lambda c: _unicode_log(c),
        None,
        check=_same_names({RTL_EMOJI, "\u202eevil", "ｆｕｌｌｗｉｄｔｈ"}),
    ),
]


def _parquet(ctx: Ctx, frame: pd.DataFrame) -> Path:
    path = ctx.folder / f"t{len(list(ctx.folder.iterdir()))}.parquet"
    frame.to_parquet(path)
    return path


def _names_log(ctx: Ctx, names: list[str]) -> cjlib.EventLog:
    frame = _frame(
        customer_id=[f"c{i % 3}" for i in range(len(names))] + [SQL],
        timestamp=pd.date_range("2024-01-01", periods=len(names) + 1, freq="h"),
        event=[*names, names[0]],
        channel=["web"] * (len(names) + 1),
    )
    log = cjlib.EventLog.from_pandas(frame)
    assert log.n_events == len(frame)
    assert log.transitions().table["n"].sum() == len(frame) - log.n_customers
    back = cjlib.EventLog.read_parquet(_parquet(ctx, frame))
    assert back.n_customers == log.n_customers == 4
    return back


def _sql_log(ctx: Ctx) -> cjlib.EventLog:
    return _names_log(ctx, [SQL, 'a"b', "c;d", "e\\f"])


def _unicode_log(ctx: Ctx) -> cjlib.EventLog:
    return _names_log(ctx, [RTL_EMOJI, "\u202eevil", "ｆｕｌｌｗｉｄｔｈ"])


STATS_CASES = [
    Case(
        "link-outcome-not-a-column",
        lambda c: stats.link(_churn_table(0), outcome="churn", signals="called"),
        DataError,
        ("outcome", "'churn'", "churned"),
    ),
    Case(
        "link-no-signals",
        lambda c: stats.link(_churn_table(0), outcome="churned", signals=[]),
        DataError,
        ("signals", "empty", "at least one"),
    ),
    Case(
        "link-alpha-above-one",
        lambda c: stats.link(_churn_table([0, 1]), outcome="churned", signals="called", alpha=1.5),
        DataError,
        ("alpha", "1.5"),
    ),
    Case(
        "link-few-bootstrap",
        lambda c: stats.link(_churn_table([0, 1]), outcome="churned", signals="called", n_boot=5),
        DataError,
        ("n_boot", ">= 100", "5"),
    ),
    Case(
        "link-signal-is-outcome",
        lambda c: stats.link(_churn_table([0, 1]), outcome="churned", signals="churned"),
        DataError,
        ("outcome/control and signal", "churned"),
    ),
    Case(
        "link-bad-kind",
        lambda c: stats.link(
            _churn_table([0, 1]), outcome="churned", signals="called", kind="binaryish"
        ),
        DataError,
        ("kind", "'binaryish'", "continuous"),
    ),
    Case(
        "link-all-churned",
        lambda c: stats.link(_churn_table(1), outcome="churned", signals="called"),
        None,
        ("called", "no variation in the outcome", "1 for all 200"),
        DegenerateDataWarning,
        _nan_effect,
    ),
    Case(
        "link-no-churn",
        lambda c: stats.link(_churn_table(0), outcome="churned", signals="called"),
        None,
        ("called", "no variation in the outcome", "0 for all 200"),
        DegenerateDataWarning,
        _nan_effect,
    ),
    Case(
        "link-constant-signal",
        lambda c: stats.link(
            _churn_table([0, 1], x=np.ones(200, bool)), outcome="churned", signals="called"
        ),
        None,
        ("called", "no variation in the signal", "all customers exposed"),
        DegenerateDataWarning,
        _nan_effect,
    ),
    Case(
        "link-perfect-separation",
        lambda c: _separated(),
        None,
        ("called", "separation"),
        DegenerateDataWarning,
        lambda r: _assert_in("separation", r.summary()),
    ),
    Case(
        "survival-one-censored",
        lambda c: stats.survival(
            _frame(days=[5.0], churned=[0]), duration_col="days", event_col="churned"
        ),
        None,
        ("group 'all' has no events", "1 censored"),
        DegenerateDataWarning,
        _survival_one,
    ),
    Case(
        "survival-negative-duration",
        lambda c: stats.survival(
            _frame(days=[5.0, -1.0], churned=[0, 1]), duration_col="days", event_col="churned"
        ),
        DataError,
        ("days", "-1", "non-negative"),
    ),
    Case(
        "survival-event-not-binary",
        lambda c: stats.survival(
            _frame(days=[5.0, 2.0], churned=[0, 2]), duration_col="days", event_col="churned"
        ),
        DataError,
        ("churned", "2", "0/1"),
    ),
    Case(
        "survival-missing-column",
        lambda c: stats.survival(_frame(days=[5.0]), duration_col="days", event_col="churned"),
        DataError,
        ("event_col", "'churned'", "days"),
    ),
    Case(
        "bgnbd-all-frequency-zero",
        lambda c: stats.BetaGeoModel().fit(
            _frame(frequency=[0] * 40, recency=[0.0] * 40, T=np.linspace(10, 50, 40))
        ),
        None,
        ("every customer has frequency 0", "not identifiable"),
        DegenerateDataWarning,
        lambda m: _assert_in("not identifiable", m.summary()),
    ),
    Case(
        "bgnbd-recency-after-T",
        lambda c: stats.BetaGeoModel().fit(
            _frame(frequency=[1, 2], recency=[9.0, 3.0], T=[5.0, 6.0])
        ),
        DataError,
        ("recency > T", "1 rows"),
    ),
    Case(
        "bgnbd-fractional-frequency",
        lambda c: stats.BetaGeoModel().fit(
            _frame(frequency=[1.5, 2], recency=[3.0, 3.0], T=[5.0, 6.0])
        ),
        DataError,
        ("frequency must hold whole numbers",),
    ),
    Case(
        "bgnbd-not-fitted",
        lambda c: stats.BetaGeoModel().probability_alive(frequency=1, recency=1, T=2),
        NotFittedError,
        ("BetaGeoModel", "fit"),
    ),
    Case(
        "gammagamma-negative-spend",
        lambda c: stats.GammaGammaModel().fit(_frame(frequency=[1, 2], monetary_value=[-5.0, 3.0])),
        DataError,
        ("monetary_value", "-5"),
    ),
    Case(
        "bh-qvalues-p-above-one",
        lambda c: stats.bh_qvalues([0.2, 1.7]),
        DataError,
        ("1.7", "0", "1"),
    ),
    Case(
        "rfm-missing-amount",
        lambda c: stats.rfm_summary(
            _frame(customer_id=["a"], timestamp=pd.to_datetime(["2024-01-01"]))
        ),
        DataError,
        ("amount", "'amount'"),
    ),
    Case(
        "cox-unknown-covariate",
        lambda c: stats.cox(
            _frame(days=[1.0, 2, 3], churned=[1, 0, 1]),
            duration_col="days",
            event_col="churned",
            covariates="plan",
        ),
        DataError,
        ("covariates", "'plan'", "days"),
    ),
    Case(
        "markov-bad-paths",
        lambda c: stats.markov_attribution(_frame(route=["a>b"], conversions=[1], nulls=[0])),
        DataError,
        ("path_col", "'path'", "route"),
    ),
    Case(
        "drivers-unknown-outcome",
        lambda c: stats.drivers(
            _frame(x=[1.0, 2, 3], w=[3.0, 1, 2], y=[1.0, 2, 4]), outcome="z", drivers=["x", "w"]
        ),
        DataError,
        ("outcome", "'z'", "x"),
    ),
]


def _assert_in(needle: str, text: str) -> None:
    assert needle in text, text[-500:]


def _separated() -> Any:
    x = np.arange(200) < 60
    return stats.link(
        _churn_table(x.astype(int), x=x), outcome="churned", signals="called", controls=["age"]
    )


def _unknown_personas(ctx: Ctx) -> Any:
    customers = ctx.customers().drop(columns="segment")
    customers.loc[:19, "persona"] = "martian"
    return action.measure(ctx.map, ctx.log, customers=customers)


def _check_unknown_personas(result: Any) -> None:
    assert any("20 customers" in w and "martian" in w for w in result.warnings)


def _with_nat() -> pd.DataFrame:
    frame = _weekly()
    frame.loc[4, "week"] = pd.NaT
    return frame


ACTION_CASES = [
    Case(
        "measure-unknown-persona",
        _unknown_personas,
        None,
        ("20 customers", "'persona'", "'martian'", "known ['family', 'young_pro']"),
        DataWarning,
        _check_unknown_personas,
    ),
    Case(
        "measure-not-a-map",
        lambda c: action.measure(c.map.to_dict(), c.log),
        DataError,
        ("journey_map", "JourneyMap", "dict"),
    ),
    Case(
        "measure-confidence-above-one",
        lambda c: action.measure(c.map, c.log, confidence=2.0),
        DataError,
        ("confidence", "2"),
    ),
    Case(
        "measure-customers-without-id",
        lambda c: action.measure(c.map, c.log, customers=_frame(who=["a"])),
        DataError,
        ("customers", "'customer_id'"),
    ),
    Case(
        "evaluate-nat-time",
        lambda c: action.evaluate_change(
            _with_nat(), metric_col="nps", time_col="week", change_date="2025-03-03"
        ),
        None,
        ("1 rows", "'week'", "NaT", "rows [4]"),
        DataWarning,
        lambda r: _assert_in("NaT", r.summary()),
    ),
    Case(
        "evaluate-constant-metric",
        lambda c: action.evaluate_change(
            _weekly(30), metric_col="nps", time_col="week", change_date="2025-03-03"
        ),
        None,
        ("'nps' is constant", "30 in all 20 rows", "meaningless"),
        DegenerateDataWarning,
        lambda r: _assert_in("constant", r.summary()),
    ),
    Case(
        "evaluate-bad-freq",
        lambda c: action.evaluate_change(
            _weekly(),
            metric_col="nps",
            time_col="week",
            change_date="2025-03-03",
            freq="fortnightly",
        ),
        DataError,
        ("freq", "'fortnightly'", "'D', 'W', 'M'"),
    ),
    Case(
        "evaluate-bad-change-date",
        lambda c: action.evaluate_change(
            _weekly(), metric_col="nps", time_col="week", change_date="banana"
        ),
        DataError,
        ("change_date", "'banana'", "2025-06-02"),
    ),
    Case(
        "evaluate-change-outside-data",
        lambda c: action.evaluate_change(
            _weekly(), metric_col="nps", time_col="week", change_date="2030-01-01"
        ),
        DataError,
        ("change_date", "0 from the change", "at least"),
    ),
    Case(
        "evaluate-text-metric",
        lambda c: action.evaluate_change(
            _weekly().assign(nps="high"),
            metric_col="nps",
            time_col="week",
            change_date="2025-03-03",
        ),
        DataError,
        ("metric_col", "'nps'", "expected numbers"),
    ),
    Case(
        "evaluate-bad-method",
        lambda c: action.evaluate_change(
            _weekly(), metric_col="nps", time_col="week", change_date="2025-03-03", method="rct"
        ),
        DataError,
        ("method", "'rct'", "its"),
    ),
    Case(
        "abtest-missing-variant",
        lambda c: action.ab_test(
            _frame(v=["a", "b"], y=[1, 0]), variant_col="variant", outcome_col="y"
        ),
        DataError,
        ("variant_col", "'variant'", "v"),
    ),
    Case(
        "abtest-one-variant",
        lambda c: action.ab_test(
            _frame(variant=["a"] * 10, y=[1, 0] * 5), variant_col="variant", outcome_col="y"
        ),
        DataError,
        ("variant_col", "'variant'", "['a']", "at least two"),
    ),
    Case(
        "power-alpha-zero",
        lambda c: action.power(n=100, mde=0.02, baseline=0.1, alpha=0.0),
        DataError,
        ("alpha", "0"),
    ),
    Case(
        "sample-size-zero-effect",
        lambda c: action.sample_size(mde=0.0, baseline=0.1),
        DataError,
        ("mde", "0"),
    ),
    Case(
        "sample-size-baseline-above-one",
        lambda c: action.sample_size(mde=0.01, baseline=1.5),
        DataError,
        ("baseline", "1.5"),
    ),
    Case(
        "mde-no-customers",
        lambda c: action.minimum_detectable_effect(n=0, baseline=0.1),
        DataError,
        ("n", "0"),
    ),
    Case(
        "prioritise-bad-method",
        lambda c: action.prioritise(c.map, None, method="vibes"),
        DataError,
        ("method", "'vibes'", "rice"),
    ),
    Case(
        "next-best-unknown-success",
        lambda c: action.next_best_touchpoint(c.log, success="nirvana"),
        DataError,
        ("success", "'nirvana'", "allowed: an event of the log", "ad_click"),
    ),
    Case(
        "what-if-unknown-transition",
        lambda c: action.what_if(
            c.log, change={("nowhere", "else"): 2.0}, success="contract_signed"
        ),
        DataError,
        ("change", "nowhere"),
    ),
    Case(
        "objective-progress-not-a-map",
        lambda c: action.objective_progress("telco"),
        DataError,
        ("journey_map", "JourneyMap", "str"),
    ),
]

REPORT_CASES = [
    Case(
        "report-not-a-map",
        lambda c: cjlib.report.build_report("map.yaml", c.log),
        DataError,
        ("journey_map", "expected a JourneyMap", "str"),
    ),
    Case(
        "report-not-a-log",
        lambda c: cjlib.report.build_report(c.map, c.events()),
        DataError,
        ("log", "EventLog", "DataFrame"),
    ),
    Case(
        "report-bad-landmark",
        lambda c: cjlib.report.build_report(c.map, c.log, landmark_days=-5),
        DataError,
        ("landmark_days", "-5"),
    ),
    Case(
        "load-sample-unknown",
        lambda c: cjlib.datasets.load_sample("atlantis"),
        DataError,
        ("'atlantis'", "telco", "shop"),
    ),
    Case(
        "simulate-negative-customers",
        lambda c: cjlib.datasets.simulate(c.map, -3, seed=1),
        DataError,
        ("n_customers", "-3"),
    ),
]

CASES: list[Case] = MAP_CASES + EVENT_CASES + STATS_CASES + ACTION_CASES + REPORT_CASES
