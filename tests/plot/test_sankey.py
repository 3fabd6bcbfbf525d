"""The step-flow Sankey and the transition heatmap."""

from __future__ import annotations

import pandas as pd
import pytest

from cjlib.errors import DataError
from cjlib.events import EventLog
from cjlib.plot import sankey
from cjlib.plot._export import export
from cjlib.plot._sankey import transition_heatmap


def _flows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": [0, 0, 0, 1, 1],
            "source": ["visit", "visit", "visit", "cart", "other"],
            "target": ["cart", "other", "(drop-off)", "buy", "(drop-off)"],
            "n": [5, 3, 2, 4, 3],
        }
    )


def test_sankey_nodes_links_and_drop_off():
    fig = sankey(_flows(), title="t")
    s = fig.data[0]
    labels = list(s.node.customdata)  # every node's label (also its hover text)
    assert labels[0] == "visit (10)"
    assert "drop-off (2)" in labels and "drop-off (3)" in labels
    assert list(s.link.value) == [5, 3, 2, 4, 3]
    # the drop-off node of step 2 is drawn grey and at the bottom of its column
    k = labels.index("drop-off (2)")
    same_x = [i for i, x in enumerate(s.node.x) if x == s.node.x[k]]
    assert s.node.y[k] == max(s.node.y[i] for i in same_x)
    assert s.node.color[k] == "#e0e0e0"
    # one colour per item across steps; "other" is grey
    assert s.node.color[labels.index("other (3)")] == "#bdbdbd"
    # the last column is labelled to the right of its nodes (plotly would draw its labels to
    # the left, over the column before): annotations at the nodes' heights, node labels empty
    last = [i for i, x in enumerate(s.node.x) if x == max(s.node.x)]
    assert [s.node.label[i] for i in last] == ["", ""]
    headers = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert headers == ["<b>step 1</b>", "<b>step 2</b>", "<b>step 3</b>"]
    beside = {a.text: a for a in fig.layout.annotations if not a.text.startswith("<b>")}
    assert set(beside) == {labels[i] for i in last} == {"buy (4)", "drop-off (3)"}
    for i in last:
        note = beside[labels[i]]
        assert note.xanchor == "left" and note.x > s.node.x[i]
        assert note.y == pytest.approx(1 - s.node.y[i])


def test_sankey_from_a_result_keeps_twelve_nodes_per_step_at_most():
    rows = []
    for c in range(400):
        rows.append((f"c{c}", pd.Timestamp("2024-01-01"), "start"))
        rows.append((f"c{c}", pd.Timestamp("2024-01-02"), f"e{c % 30}"))
    log = EventLog.from_pandas(pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"]))
    result = log.step_flows(max_steps=3, top_k=10)
    fig = result.plot()
    s = fig.data[0]
    per_column = pd.Series(s.node.x).value_counts()
    assert per_column.max() <= 12
    assert any(label.startswith("other") for label in s.node.customdata)


def test_sankey_rejects_bad_input():
    with pytest.raises(DataError, match="missing columns"):
        sankey(pd.DataFrame({"a": [1]}))
    with pytest.raises(DataError, match="empty"):
        sankey(_flows().iloc[:0])


def test_transition_heatmap_shares():
    table = pd.DataFrame(
        {
            "event": ["a", "a", "b"],
            "next_event": ["b", "a", "a"],
            "n": [3, 1, 2],
            "share": [0.75, 0.25, 1.0],
            "median_gap": pd.to_timedelta(["1h", "2h", "3h"]),
        }
    )
    fig = transition_heatmap(table)
    z = fig.data[0].z
    assert list(fig.data[0].x) == ["a", "b"]
    assert z[0][1] == 0.75 and z[1][0] == 1.0


def test_sankey_png_renders(tmp_path):
    fig = sankey(_flows())
    out = tmp_path / "s.png"
    export(fig, out, width=800, height=500)
    assert out.stat().st_size > 10_000


def test_sankey_shows_the_maps_names_and_spends_its_width_on_columns():
    from cjlib.datasets import load_map

    telco = load_map("telco")
    ids = [stage.id for stage in telco.stages[:3]]
    flows = pd.DataFrame(
        {
            "step": [0, 0, 1, 1],
            "source": [ids[0], ids[0], ids[1], ids[1]],
            "target": [ids[1], "(drop-off)", ids[2], "(drop-off)"],
            "n": [80, 20, 60, 20],
        }
    )
    fig = sankey(flows, names=telco, width=1000)
    s = fig.data[0]
    names = {stage.id: stage.name for stage in telco.stages}
    shown = " ".join(s.node.customdata)
    assert f"{names[ids[0]]} (100)" in shown and f"{names[ids[2]]} (60)" in shown
    assert f"{ids[0]} (" not in shown  # the id itself is never drawn
    last = [a.text for a in fig.layout.annotations if a.xanchor == "left"]
    assert sorted(last) == sorted([f"{names[ids[2]]} (60)", "drop-off (20)"])
    # the last column stands as far right as its short labels allow (was fixed at 0.78)
    assert max(s.node.x) > 0.85
    # a plain mapping names items too; unnamed items keep their value
    fig = sankey(_flows(), names={"visit": "Visit the shop"})
    assert fig.data[0].node.customdata[0] == "Visit the shop (10)"
    assert "cart (5)" in list(fig.data[0].node.customdata)
    with pytest.raises(DataError, match="names: expected a JourneyMap or a mapping"):
        sankey(_flows(), names=["visit"])


def test_inner_labels_are_shortened_only_when_the_next_column_stands_beside_them():
    long = "A very long stage name that cannot fit between two columns"
    flows = pd.DataFrame(
        {
            "step": [0, 1, 2, 3, 4, 5],
            "source": ["a", "b", "c", "d", "e", "f"],
            "target": ["b", "c", "d", "e", "f", "g"],
            "n": [10, 10, 10, 10, 10, 10],
        }
    )
    fig = sankey(flows, names={"b": long}, width=900)
    s = fig.data[0]
    drawn = list(s.node.label)
    full = list(s.node.customdata)
    i = full.index(f"{long} (10)")
    assert drawn[i].endswith("… (10)") and len(drawn[i]) < len(full[i])
    assert long.startswith(drawn[i].removesuffix("… (10)"))
    assert drawn[full.index("a (10)")] == "a (10)"
