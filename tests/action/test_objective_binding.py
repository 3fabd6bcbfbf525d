"""An objective whose KPI binds to no measured figure says how to bind it (issue 13)."""

from __future__ import annotations

import datetime as dt

from cjlib.action import objective_progress
from cjlib.action._objectives import kpi_binding
from cjlib.datasets import load_map
from cjlib.map import JourneyMap, Objective


def _map() -> JourneyMap:
    deadline = dt.date(2026, 12, 31)
    return JourneyMap(
        id="m",
        name="M",
        objectives=(
            Objective("fcr", "First-contact resolution", target=80, deadline=deadline),
            Objective("ret", "90-day retention", target=0.9, deadline=deadline),
        ),
    )


def test_free_text_kpi_gets_a_hint_naming_the_fix():
    res = objective_progress(_map(), as_of="2026-06-01")
    assert res.table.set_index("objective").loc["fcr", "status"] == "no data"
    fcr = next(w for w in res.warnings if w.startswith("objective 'fcr'"))
    assert "free text that binds to no measured figure" in fcr
    assert "values={'fcr': ...}" in fcr and "'90-day retention'" in fcr
    ret = next(w for w in res.warnings if w.startswith("objective 'ret'"))
    assert "binds to retention at 90 days" in ret and "does not hold" in ret


def test_supplied_values_need_no_hint():
    res = objective_progress(_map(), {"fcr": 70.0, "ret": 0.85}, as_of="2026-06-01")
    assert res.warnings == ()


def test_kpi_binding_reads_the_telco_objectives():
    jm = load_map("telco")
    got = {o.id: kpi_binding(jm, o.kpi) for o in jm.objectives}
    assert got == {
        "obj_retention": "churn at 12 months (customers table: tenure_days, churned)",
        "obj_first_contact": None,
        "obj_csat_support": "CSAT of touchpoint 'call_centre' (surveys)",
    }
