"""The report never contradicts itself: numbers read back from the page agree with the result
objects behind them and with each other, each headline says how it is counted, a person reads
names rather than ids, and the same inputs give the same bytes."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pandas as pd
import pytest

import cjlib
from cjlib.datasets import load_sample
from cjlib.report import build_report

README = Path(__file__).resolve().parents[2] / "README.md"


class _Page(html.parser.HTMLParser):
    """Cards (value, label, how) and tables (header, rows) per section, plus notes and header."""

    def __init__(self) -> None:
        super().__init__()
        self.section = ""
        self.cards: dict[str, list[dict[str, str]]] = {}
        self.tables: dict[str, list[tuple[list[str], list[list[str]]]]] = {}
        self.notes: dict[str, list[str]] = {}
        self.header: list[str] = []
        self.footer = ""
        self._stack: list[tuple[str, str]] = []
        self._text: list[str] = []
        self._row: list[str] | None = None
        self._in_header = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        cls = attrs.get("class") or ""
        if tag == "section" and "report-section" in cls:
            self.section = attrs.get("id", "")
        if tag == "header" and "report-header" in cls:
            self._in_header = True
        if tag == "div" and cls == "card":
            self.cards.setdefault(self.section, []).append({})
        if tag == "table":
            self.tables.setdefault(self.section, []).append(([], []))
        if tag == "tr":
            self._row = []
        self._stack.append((tag, cls))
        self._text = []

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        if not self._stack:
            return
        open_tag, cls = self._stack.pop()
        text = "".join(self._text).strip()
        if open_tag == "div" and cls in ("value", "label", "how"):
            self.cards[self.section][-1][cls] = text
        elif open_tag in ("th", "td") and self._row is not None:
            self._row.append(text)
        elif open_tag == "tr" and self._row is not None:
            head, rows = self.tables[self.section][-1]
            if not head:
                head.extend(self._row)
            else:
                rows.append(self._row)
            self._row = None
        elif open_tag == "p" and cls.startswith("note"):
            self.notes.setdefault(self.section, []).append(text)
        elif open_tag == "p" and self._in_header:
            self.header.append(text)
        elif open_tag == "header":
            self._in_header = False
        elif open_tag == "footer":
            self.footer = text
        self._text = []

    def card(self, section: str, label_starts: str) -> dict[str, str]:
        found = [c for c in self.cards[section] if c.get("label", "").startswith(label_starts)]
        assert len(found) == 1, f"{section}: no single card labelled {label_starts!r}"
        return found[0]

    def table(self, section: str, index: int = 0) -> pd.DataFrame:
        head, rows = self.tables[section][index]
        return pd.DataFrame(rows, columns=head)


def _percent(text: str) -> float:
    return float(text.rstrip("%")) / 100


def _count(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def page(report):
    parsed = _Page()
    parsed.feed(report.html)
    return parsed


def test_every_headline_card_says_how_it_is_counted(page):
    for section, cards in page.cards.items():
        for card in cards:
            assert card.get("how"), f"{section}: card {card.get('label')!r} has no definition"


def test_header_and_cards_count_the_same_customers(page, log):
    assert f"{log.n_customers:,} customers in the events" in page.header[-1]
    assert _count(page.card("kpis", "customers in the events")["value"]) == log.n_customers
    assert _count(page.card("kpis", "events")["value"]) == log.n_events


def test_last_stage_cards_name_their_definitions_and_match_funnel_and_stage_table(page, report):
    funnel = report.results["funnel"].table
    stages = report.results["measured"].stages
    in_order = page.card("kpis", "went through every stage in order to Renewal or churn")
    at_all = page.card("kpis", "reached Renewal or churn at all")
    assert in_order["value"] == f"{funnel['conversion_from_start'].iloc[-1]:.1%}"
    assert at_all["value"] == f"{stages['share'].iloc[-1]:.1%}"
    assert "funnel" in in_order["how"] and "any order" in at_all["how"]
    table = page.table("kpis").set_index("stage")
    assert table.loc["Renewal or churn", "share"] == at_all["value"]  # card and table agree
    # the funnel's last row is the in-order card, under the stage's name
    funnel_table = page.table("funnel").set_index("stage")
    assert funnel_table.loc["Renewal or churn", "from start"] == in_order["value"]
    # in map order is a stricter condition than reaching the stage at all
    assert _percent(in_order["value"]) <= _percent(at_all["value"])


def test_stage_table_shares_add_up_and_equal_measure(page, report):
    stages = report.results["measured"].stages.set_index("name")
    table = page.table("kpis").set_index("stage")
    assert list(table.index) == list(stages.index)  # names, in map order
    for name, row in table.iterrows():
        assert _count(row["customers"]) == stages.loc[name, "reach"]
        if row["to next"] == "–":
            assert name == table.index[-1]  # only the last stage has no next stage
            continue
        parts = [_percent(row[c]) for c in ("to next", "skipped next", "drop-off")]
        assert sum(parts) == pytest.approx(1.0, abs=0.0016), name  # three roundings of 0.05%
        assert parts[0] == pytest.approx(stages.loc[name, "conversion_next"], abs=0.0005)
        assert parts[2] == pytest.approx(stages.loc[name, "drop_off"], abs=0.0005)
    assert any("add up to 100%" in note for note in page.notes["kpis"])


def test_a_stage_reached_by_more_customers_than_the_one_before_is_explained(page, telco):
    # independent count from the raw events: event name -> stage through the map's bindings
    event_stage = {
        e: stage.id
        for stage in telco.journey_map.stages
        for tp in stage.touchpoints
        for e in tp.events
    }
    seen = telco.events.assign(stage=telco.events["event"].map(event_stage))
    seen = seen.dropna(subset=["stage"])
    by_stage = seen.groupby("stage")["customer_id"].agg(set)
    onboarding, usage = by_stage["onboarding"], by_stage["usage"]
    assert len(usage) > len(onboarding)  # the telco sample's planted skip
    skips = [n for n in page.notes["kpis"] if n.startswith("Usage is reached by more")]
    assert skips == [
        f"Usage is reached by more customers ({len(usage):,}) than Onboarding "
        f"({len(onboarding):,}): {len(usage - onboarding):,} of them have no Onboarding event "
        "at all (they skipped it)."
    ]


def test_churn_and_clv_cards_name_their_populations(page, report, telco):
    churn = page.card("kpis", "churned")
    assert churn["value"] == f"{telco.customers['churned'].mean():.1%}"
    assert f"{len(telco.customers):,} customers in the customers table" in churn["how"]
    buyers = telco.transactions["customer_id"].nunique()
    total = page.card("clv", "total over")
    assert total["label"] == f"total over {buyers:,} customers"
    assert report.results["clv_summary"]["customers"] == buyers
    assert "transactions table" in total["how"]


def test_tables_show_names_not_ids(page, telco):
    names = {tp.name for tp in telco.journey_map.touchpoints}
    ids = {tp.id for tp in telco.journey_map.touchpoints} - names
    for section in ("signals", "backlog"):
        shown = set(page.table(section)["touchpoint"])
        assert shown <= names, f"{section}: {sorted(shown - names)} are not touchpoint names"
        assert not shown & ids
    objectives = page.table("kpis", 1)
    assert "objective" not in objectives.columns  # ids; the kpi column names each objective


def test_backlog_table_and_readme_agree_with_the_backlog_result(page, report):
    backlog = report.results["backlog"].table
    table = page.table("backlog")
    assert list(table["opportunity"]) == list(backlog["opportunity"])
    first = backlog.iloc[0]
    assert first["opportunity_id"] == "op_family_linking"
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert "the report ranks self-service linking of family lines first" in readme


def test_the_report_is_byte_identical_when_built_twice():
    data = load_sample("shop")
    log = cjlib.EventLog.from_pandas(data.events.iloc[:20_000])
    first = build_report(data.journey_map, log).html
    second = build_report(data.journey_map, log).html
    assert first == second
    assert not re.search(r"\d{2}:\d{2} UTC", first)  # no clock time in the footer
