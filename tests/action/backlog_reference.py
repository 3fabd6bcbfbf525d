"""A small hand-checkable map and moments table for the prioritisation tests."""

from __future__ import annotations

import pandas as pd

from cjlib.map import JourneyMap, Opportunity, PainPoint, Stage, Touchpoint


def small_map() -> JourneyMap:
    bill = Touchpoint(
        id="bill", name="Bill", owner="billing",
        pain_points=(PainPoint(text="Unreadable <b>bill</b> | codes", severity="high",
                               id="pp_bill"),
                     PainPoint(text="Late", severity="low", id="pp_late")),
        opportunities=(
            Opportunity(text="Plain bill | explained", effort="S", owner="billing",
                        expected_effect=0.5, id="op_plain", addresses=("pp_bill",)),
            Opportunity(text="Rebuild <script>alert(1)</script> billing", effort="XL",
                        owner="it", expected_effect=0.8, id="op_rebuild",
                        addresses=("pp_bill", "pp_late")),
        ),
    )
    call = Touchpoint(
        id="call", name="Call", owner="care",
        opportunities=(Opportunity(text="Call-back", effort="M", owner="", id="op_callback"),),
    )
    app = Touchpoint(
        id="app", name="App", owner="digital",
        opportunities=(Opportunity(text="Dark mode", effort="S", owner="digital",
                                   id="op_dark"),),
    )
    return JourneyMap(
        id="small", name="Small", metadata={"currency": "EUR"},
        stages=(Stage(id="billing", name="Billing", touchpoints=(bill,)),
                Stage(id="support", name="Support", owner="care", touchpoints=(call, app))),
    )


def moments() -> pd.DataFrame:
    return pd.DataFrame({
        "touchpoint": ["bill", "bill", "call", "bill"],
        "stage": ["billing", "billing", "support", "billing"],
        "pain_point": ["pp_bill", "pp_late", None, "pp_bill"],
        "signal": ["bill_shock", "bill_shock", "repeat_call", "late_payment"],
        "owner": ["billing", "billing", "care", "billing"],
        "reach": [1000.0, 1000.0, 400.0, 200.0],
        "effect": [0.10, 0.10, 0.05, 0.02],
        "effect_ci_low": [0.08, 0.08, 0.0, -0.01],
        "effect_ci_high": [0.12, 0.12, 0.10, 0.05],
        "q": [0.001, 0.001, 0.03, 0.40],
        "value_per_customer": [200.0, 200.0, 200.0, 200.0],
        "value_at_risk": [20_000.0, 20_000.0, 4_000.0, 800.0],
        "value_at_risk_ci_low": [15_000.0, 15_000.0, 0.0, -400.0],
        "value_at_risk_ci_high": [25_000.0, 25_000.0, 8_000.0, 2_000.0],
    })
