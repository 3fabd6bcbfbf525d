"""The impact-effort matrix's labels do not overlap in the drawn layout (headless Chromium)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from figure_layout import overlapping, text_boxes

from cjlib.plot._matrix import impact_effort_matrix

NAN = math.nan
# The backlog of `cjlib report --sample telco` (rounded): the crowded S column where the
# old labels printed op_porting_sms under op_dispute_credit, two points "not measured".
TELCO_BACKLOG = pd.DataFrame(
    {
        "rank": list(range(1, 14)),
        "opportunity_id": [
            "op_family_linking",
            "op_dispute_credit",
            "op_alert_thresholds",
            "op_porting_sms",
            "op_callback",
            "op_bill_explainer",
            "op_wifi_calling",
            "op_contact_history",
            "op_delivery_slots",
            "op_bot_handover",
            "op_loyalty_price",
            "op_review_replies",
            "op_plan_advisor",
        ],
        "opportunity": [
            "Self-service linking of family lines in the welcome tour",
            "Instant provisional credit for disputes under 20 EUR",
            "Configurable alert thresholds per family line",
            "Proactive SMS with the exact switch-over time",
            "Offer a call-back instead of waiting on hold",
            'Plain-language bill with a "why is it different" box',
            "Switch on Wi-Fi calling by default for affected addresses",
            "Show the full contact history to every agent",
            "Let customers pick a delivery slot or a pick-up point",
            "Hand over to an agent after two failed bot answers",
            "Match the new-customer price at renewal",
            "Reply publicly to reviews and show fixed issues",
            "A three-question plan advisor that recommends one plan",
        ],
        "effort": ["L", "S", "S", "S", "S", "M", "M", "L", "M", "S", "M", "S", "M"],
        "expected_value": [
            21481.0,
            7288.0,
            9188.0,
            7196.0,
            5872.0,
            12711.0,
            7711.0,
            5831.0,
            658.0,
            162.0,
            202.0,
            NAN,
            NAN,
        ],
        "expected_value_ci_low": [
            15013.0,
            2257.0,
            206.0,
            1241.0,
            1075.0,
            -266.0,
            1574.0,
            1805.0,
            -3427.0,
            -7211.0,
            -863.0,
            NAN,
            NAN,
        ],
        "expected_value_ci_high": [
            28130.0,
            12599.0,
            17281.0,
            13121.0,
            10515.0,
            25115.0,
            13921.0,
            10079.0,
            4785.0,
            7137.0,
            1493.0,
            NAN,
            NAN,
        ],
        "confidence": [0.85, 0.51, 0.27, 0.29, 0.3, 0.25, 0.3, 0.51, 0.15, 0.15, 0.15, NAN, NAN],
        "quadrant": [
            "big bet",
            "quick win",
            "quick win",
            "quick win",
            "fill-in",
            "quick win",
            "quick win",
            "money pit",
            "fill-in",
            "fill-in",
            "fill-in",
            "not measured",
            "not measured",
        ],
    }
)


@pytest.mark.parametrize("numbered", [True, False], ids=["numbered", "titles"])
def test_no_two_labels_overlap_and_every_point_is_labelled(page, tmp_path, numbered):
    pg, log = page
    fig = impact_effort_matrix(TELCO_BACKLOG, numbered=numbered)
    boxes = text_boxes(pg, fig, tmp_path)
    assert log.page_errors == [] and log.remote_requests == []
    texts = [b for b in boxes if b.kind in ("annotation", "point text", "legend", "title")]
    assert overlapping(texts) == []
    point_labels = [b for b in boxes if b.kind in ("annotation", "point text")]
    drawn = " ".join(b.text for b in point_labels)
    if numbered:
        # one rank per point (the "not measured" ones too) and the key naming each title
        ranks = sorted(int(b.text) for b in point_labels if b.text.strip().isdigit())
        assert ranks == list(range(1, 14))
        assert "Self-service linking of family lines…" in drawn
    else:
        for title in TELCO_BACKLOG["opportunity"]:
            assert title.split()[0] in drawn
    assert "op_" not in drawn  # names, not ids
    # everything stays on the figure
    width, height = fig.layout.width, fig.layout.height
    assert all(b.x0 >= 0 and b.y0 >= 0 and b.x1 <= width and b.y1 <= height for b in texts)
