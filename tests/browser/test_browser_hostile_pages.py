"""HTML/JS payloads in user-supplied names, on every page cjlib writes, in one Chromium session.

The payloads go into the map's free text, event names, customer ids and the report title; the
pages are the report, the map canvas, every result object's ``_repr_html_`` (what Jupyter
shows), the backlog's HTML export and every report figure. No payload may run, fetch anything
or break the page, and the report shows them as text.
"""

from __future__ import annotations

import dataclasses
import html

import pytest

import cjlib
from cjlib.datasets import load_map, simulate
from cjlib.map import render_map
from cjlib.report import build_report

PAYLOAD = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    '<svg onload="window.__pwned = 3"></svg>"\'><iframe src="javascript:window.__pwned=4">'
)


def _hostile_map(event_rename: dict[str, str]) -> cjlib.JourneyMap:
    telco = load_map("telco")
    stages = []
    for i, stage in enumerate(telco.stages):
        touchpoints = []
        for j, tp in enumerate(stage.touchpoints):
            pains = tuple(
                dataclasses.replace(p, text=f"{p.text} {PAYLOAD}") for p in tp.pain_points
            )
            ideas = tuple(
                dataclasses.replace(o, text=f"{o.text} {PAYLOAD}") for o in tp.opportunities
            )
            touchpoints.append(
                dataclasses.replace(
                    tp,
                    name=f"{tp.name} {PAYLOAD}" if (i + j) % 2 == 0 else tp.name,
                    thoughts=(*tp.thoughts, PAYLOAD),
                    expectation=PAYLOAD,
                    pain_points=pains,
                    opportunities=ideas,
                    events=tuple(event_rename.get(e, e) for e in tp.events),
                )
            )
        stages.append(
            dataclasses.replace(
                stage, name=f"{stage.name} {PAYLOAD}", touchpoints=tuple(touchpoints)
            )
        )
    personas = tuple(dataclasses.replace(p, name=f"{p.name} {PAYLOAD}") for p in telco.personas)
    return dataclasses.replace(
        telco, name=f"Evil {PAYLOAD}", description=PAYLOAD, personas=personas, stages=tuple(stages)
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_pages")
    telco = load_map("telco")
    data = simulate(telco, 300, seed=7)
    rename = {name: f"{name}{PAYLOAD}" for name in ("ad_click", "support_call", "app_login")}
    evil = _hostile_map(rename)
    evil.validate()

    def hostile_ids(frame):
        frame = frame.copy()
        frame["customer_id"] = PAYLOAD + frame["customer_id"].astype(str)
        return frame

    events = hostile_ids(data.events)
    events["event"] = events["event"].replace(rename)
    log = cjlib.EventLog.from_pandas(events)
    report = build_report(
        evil,
        log,
        customers=hostile_ids(data.customers),
        surveys=hostile_ids(data.surveys),
        transactions=hostile_ids(data.transactions),
        title=f"Report {PAYLOAD}",
    )
    written = {"report": report.save(folder / "report.html")}
    canvas = folder / "canvas.html"
    canvas.write_text(render_map(evil), encoding="utf-8")
    written["canvas"] = canvas
    for name, result in report.results.items():
        if hasattr(result, "_repr_html_"):
            path = folder / f"repr_{name}.html"
            path.write_text(
                f"<!doctype html><meta charset=utf-8><body>{result._repr_html_()}</body>", "utf-8"
            )
            written[f"repr:{name}"] = path
    backlog = report.results.get("backlog")
    if backlog is not None:
        path = folder / "backlog.html"
        path.write_text(backlog.to_html(), "utf-8")
        written["backlog.to_html"] = path
    from plotly.offline import get_plotlyjs

    divs = "".join(
        f.to_html(full_html=False, include_plotlyjs=False) for f in report.figures.values()
    )
    figures = folder / "figures.html"
    figures.write_text(
        f"<!doctype html><meta charset=utf-8><script>{get_plotlyjs()}</script><body>{divs}</body>",
        "utf-8",
    )
    written["figures"] = figures
    return written, len(report.figures)


def test_no_payload_runs_on_any_page(page, pages):
    pg, log = page
    written, n_figures = pages
    assert {"report", "canvas", "figures", "repr:measured", "repr:link", "backlog.to_html"} <= set(
        written
    )
    problems = {}
    for name, path in written.items():
        before = (len(log.dialogs), len(log.page_errors), len(log.remote_requests))
        pg.goto(path.as_uri(), wait_until="load", timeout=180_000)  # 2 shared cores: be patient
        if name in ("report", "figures"):
            pg.wait_for_selector(".main-svg", state="attached", timeout=120_000)
        pg.wait_for_timeout(150)  # let onerror/onload handlers fire if any were parsed
        pwned = pg.evaluate("window.__pwned")
        after = (len(log.dialogs), len(log.page_errors), len(log.remote_requests))
        if pwned is not None or after != before:
            problems[name] = (
                pwned,
                log.dialogs[before[0] :],
                log.page_errors[before[1] :],
                log.remote_requests[before[2] :],
            )
        if name == "report":
            text = pg.locator("body").inner_text()
            assert "<script>window.__pwned = 1</script>" in text  # shown, not parsed
            assert pg.locator("iframe").count() == 0
        if name == "figures":
            assert pg.locator(".js-plotly-plot").count() == n_figures
    assert not problems, problems
    escaped = html.escape("<script>window.__pwned = 1</script>", quote=False)
    for name in ("report", "canvas", "repr:measured", "backlog.to_html"):
        assert escaped in written[name].read_text("utf-8"), f"{name} does not show the payload"
