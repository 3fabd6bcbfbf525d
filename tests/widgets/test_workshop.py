"""Workshop, VoteTally and reveal: the headless logic and the widget driven from Python."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cjlib
from cjlib.datasets import load_map, simulate
from cjlib.errors import DataError
from cjlib.map import JourneyMap, PainPoint, Persona, Stage, Touchpoint
from cjlib.widgets import VoteTally, Workshop, reveal
from cjlib.widgets._display import PLOTLY_MIME


@pytest.fixture(scope="module")
def telco():
    return load_map("telco")


@pytest.fixture(scope="module")
def data(telco):
    return simulate(telco, 400, seed=3)


@pytest.fixture(scope="module")
def measured(telco, data):
    log = cjlib.EventLog.from_pandas(data.events)
    return cjlib.measure(telco, log, surveys=data.surveys, customers=data.customers)


def _emotion_reference(surveys: pd.DataFrame, touchpoint: str) -> tuple[float, float, float, int]:
    """Mean and Student-t 95% interval of the answers on the -2..+2 scale, by hand (scipy)."""
    s = surveys[surveys["touchpoint"] == touchpoint]
    e = np.where(s["kind"] == "csat", s["score"] - 3.0, (s["score"] - 5.0) / 2.5)
    n = len(e)
    half = stats.t.ppf(0.975, n - 1) * e.std(ddof=1) / np.sqrt(n)
    return e.mean(), e.mean() - half, e.mean() + half, n


# ---------------------------------------------------------------------- VoteTally
def test_vote_tally_counts_ranks_and_shares(telco):
    tally = VoteTally(telco, participants=3, dots=2)
    assert tally.capacity == 6
    assert len(tally.pain_points) == sum(len(tp.pain_points) for tp in telco.touchpoints)
    tally.vote("pp_dispute_slow", 3).vote("pp_store_upsell").vote("pp_bad_reviews")
    tally.unvote("pp_dispute_slow")
    assert (tally.used, tally.remaining) == (4, 2)
    frame = tally.frame()
    assert frame.columns.tolist() == [
        "rank",
        "pain_point",
        "stage",
        "touchpoint",
        "text",
        "severity",
        "votes",
        "share",
    ]
    top = frame.head(3)
    assert top["pain_point"].tolist() == ["pp_dispute_slow", "pp_bad_reviews", "pp_store_upsell"]
    assert top["votes"].tolist() == [2, 1, 1]
    assert top["rank"].tolist() == [1, 2, 2]  # ties share a rank, listed in map order
    assert top["share"].tolist() == [0.5, 0.25, 0.25]
    assert frame["share"].sum() == pytest.approx(1.0)
    row = frame.iloc[0]
    assert (row["stage"], row["touchpoint"], row["severity"]) == ("billing", "dispute", "critical")
    assert frame.loc[frame["votes"] == 0, "rank"].eq(4).all()


def test_vote_tally_refuses_what_the_room_cannot_do(telco):
    tally = VoteTally(telco, participants=2, dots=1)
    tally.vote("pp_dispute_slow", 2)
    with pytest.raises(DataError, match="only 0 of 2 dots are left; cannot place 1"):
        tally.vote("pp_store_upsell")
    with pytest.raises(DataError, match="'pp_store_upsell' has 0 votes: cannot remove 1"):
        tally.unvote("pp_store_upsell")
    with pytest.raises(DataError, match=r"pain_point 'nope' is not on the map; allowed: \["):
        tally.vote("nope")
    with pytest.raises(DataError, match="1 participants with 1 dots each have 1 dots, but 2"):
        tally.set_room(1)
    with pytest.raises(DataError, match="participants must be a positive integer; got 0"):
        VoteTally(telco, participants=0)
    assert tally.set_room(5).remaining == 3
    assert tally.clear().used == 0


def test_pain_points_without_id_are_keyed_by_touchpoint_and_position():
    jm = JourneyMap(
        id="m",
        name="M",
        personas=(Persona(id="p", name="P"),),
        stages=(
            Stage(
                id="s",
                name="S",
                touchpoints=(
                    Touchpoint(
                        id="t",
                        name="T",
                        channel="web",
                        pain_points=(
                            PainPoint(text="slow", severity="high"),
                            PainPoint(text="ugly", severity="low"),
                        ),
                    ),
                ),
            ),
        ),
    )
    assert VoteTally(jm).pain_points == ["t#1", "t#2"]


def test_votes_export_to_csv_and_read_back(telco, tmp_path):
    tally = VoteTally(telco, participants=4).vote("pp_store_upsell", 2)
    path = tally.to_csv(tmp_path / "votes.csv")
    back = pd.read_csv(path)
    pd.testing.assert_frame_equal(back, tally.frame(), check_dtype=False)
    with pytest.raises(DataError, match="does not exist"):
        tally.to_csv(tmp_path / "missing" / "votes.csv")


# ---------------------------------------------------------------------- reveal
def test_reveal_compares_guess_designed_and_measured(telco, measured, data):
    res = reveal(telco, measured, {"call_centre": -1.0, "chat": 0.5}, stage="support")
    t = res.table.set_index("touchpoint")
    assert t.index.tolist() == [tp.id for tp in telco.stage("support").touchpoints]
    mean, lo, hi, n = _emotion_reference(data.surveys, "call_centre")
    row = t.loc["call_centre"]
    assert row["measured"] == pytest.approx(mean)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(lo), pytest.approx(hi))
    assert row["n"] == n
    designed = np.mean(list(telco.touchpoint("call_centre").emotion.values()))
    assert row["designed"] == pytest.approx(designed)
    assert row["guess"] == -1.0
    assert row["guess_error"] == pytest.approx(-1.0 - mean)
    assert row["designed_error"] == pytest.approx(designed - mean)
    assert np.isnan(t.loc["forum", "guess"])
    err = res.mean_abs_error()
    assert err["guess"] == pytest.approx(np.nanmean(np.abs(t[["guess_error"]].to_numpy())))
    assert "mean absolute error: room" in res.summary()
    d = res.to_dict()
    assert d["stage"] == "support" and d["table"][0]["touchpoint"] == "help_centre"
    fig = res.plot()
    assert [tr.name for tr in fig.data] == ["measured (95% CI)", "room's guess", "designed"]
    assert "<table" in res._repr_html_()


@pytest.mark.parametrize(
    ("guesses", "kwargs", "message"),
    [
        ({"nope": 1.0}, {}, "guesses: touchpoint 'nope' is not on the map"),
        ({"chat": 3.0}, {}, r"guesses\['chat'\] must lie in -2\.\.\+2; got 3.0"),
        ({"chat": "bad"}, {}, r"guesses\['chat'\] must be a number; got 'bad'"),
        ({}, {"stage": "moon"}, "stage 'moon' is not on the map"),
    ],
)
def test_reveal_bad_input_is_named(telco, measured, guesses, kwargs, message):
    with pytest.raises(DataError, match=message):
        reveal(telco, measured, guesses, **kwargs)


def test_reveal_needs_a_measurement_of_this_map(telco):
    with pytest.raises(DataError, match=r"measured must be the MeasuredMap of cjlib\.measure"):
        reveal(telco, pd.DataFrame(), {})


# ---------------------------------------------------------------------- the widget
def test_workshop_steps_through_the_stages(telco):
    ws = Workshop(telco)
    assert ws.stage.id == "awareness" and ws.prev_button.disabled
    assert "Stage 1 of 7" in ws.header.value and "Awareness" in ws.header.value
    ws.next_button.click()
    assert ws.stage.id == "purchase"
    assert len(ws.guess_box.children) == len(telco.stage("purchase").touchpoints)
    ws.go_to("renewal")
    assert ws.next_button.disabled
    ws.next()  # stays on the last stage
    assert ws.stage.id == "renewal"
    ws.prev_button.click()
    assert ws.stage.id == "support"
    with pytest.raises(DataError, match="stage 'moon' is not on the map; allowed"):
        ws.go_to("moon")


def test_guess_then_reveal_shows_measured_vs_guess_vs_designed(telco, measured, data):
    ws = Workshop(telco, measured)
    ws.go_to("support")
    assert "then press <b>Reveal measured</b>" in ws.reveal_table.value
    assert ws.reveal_plot.outputs == ()
    ws.guess_sliders["call_centre"].value = -1.5
    assert ws.guesses == {"call_centre": -1.5}
    ws.reveal_button.click()
    assert "support" in ws.revealed
    t = ws.result.table.set_index("touchpoint")
    mean, *_ = _emotion_reference(data.surveys, "call_centre")
    assert t.loc["call_centre", "guess"] == -1.5
    assert t.loc["call_centre", "measured"] == pytest.approx(mean)
    assert f"{mean:+.1f}" in ws.reveal_table.value
    (out,) = ws.reveal_plot.outputs
    assert len(out["data"][PLOTLY_MIME]["data"]) == 3
    # a guess moved after the reveal updates it; another stage starts hidden again
    ws.guess_sliders["call_centre"].value = 0.0
    assert ws.result.table.set_index("touchpoint").loc["call_centre", "guess"] == 0.0
    ws.next()
    assert ws.result is None and "Reveal measured" in ws.reveal_table.value
    ws.set_guesses({"renewal_offer": 1.0})
    assert ws.guess_sliders["renewal_offer"].value == 1.0
    assert ws.guesses_frame().to_dict("records") == [
        {"stage": "support", "touchpoint": "call_centre", "guess": 0.0},
        {"stage": "renewal", "touchpoint": "renewal_offer", "guess": 1.0},
    ]


def test_without_measurement_there_is_nothing_to_reveal(telco):
    ws = Workshop(telco)
    assert ws.reveal_button.disabled
    assert "nothing to reveal" in ws.reveal_table.value
    with pytest.raises(DataError, match="nothing to reveal: pass measured="):
        ws.reveal()


def test_dot_votes_through_the_buttons_and_export(telco, tmp_path):
    before = copy.deepcopy(telco.to_dict())
    ws = Workshop(telco, participants=2, dots=2)
    ws.go_to("billing")
    shown = {row.key for row in ws.vote_rows.values() if row.box in ws.vote_box.children}
    assert shown == {"pp_bill_unreadable", "pp_dispute_slow"}
    row = ws.vote_rows["pp_dispute_slow"]
    assert row.minus.disabled
    row.plus.click()
    row.plus.click()
    ws.vote_rows["pp_bill_unreadable"].plus.click()
    assert "<b>1</b> of 4 dots left" in ws.budget.value
    assert "<b style='font-size:16px'>2</b>" in row.count.value
    ws.vote_rows["pp_bill_unreadable"].plus.click()
    assert all(r.plus.disabled for r in ws.vote_rows.values())  # the room has no dots left
    ws.participants.value = 1  # fewer dots than placed: refused, the count snaps back
    assert "remove votes first" in ws.message.value and ws.participants.value == 2
    ws.participants.value = 3
    assert ws.tally.capacity == 6 and not row.plus.disabled
    frame = ws.votes_frame()
    # a tie: both rank 1, in map order (the bill comes before the dispute)
    assert frame.head(2)[["rank", "pain_point", "votes"]].values.tolist() == [
        [1, "pp_bill_unreadable", 2],
        [1, "pp_dispute_slow", 2],
    ]
    bars = ws.votes_figure()
    assert list(bars.data[0].x) == [2, 2]
    (out,) = ws.results_plot.outputs
    assert PLOTLY_MIME in out["data"]
    # votes placed in code update the board like the buttons do; a refused vote raises
    ws.vote("pp_dispute_slow", -2)
    assert "<b style='font-size:16px'>0</b>" in row.count.value and row.minus.disabled
    ws.vote("pp_dispute_slow", 2)
    with pytest.raises(DataError, match="only 2 of 6 dots are left; cannot place 3"):
        ws.vote("pp_bill_unreadable", 3)
    ws.export_path.value = str(tmp_path / "room.csv")
    ws.export_button.click()
    assert "4 votes written to" in ws.message.value
    back = pd.read_csv(tmp_path / "room.csv")
    assert back.loc[back["votes"] > 0, "pain_point"].tolist() == [
        "pp_bill_unreadable",
        "pp_dispute_slow",
    ]
    assert ws.export_votes(tmp_path / "again.csv").exists()
    ws.export_path.value = str(tmp_path / "no" / "such" / "dir.csv")
    ws.export_button.click()
    assert "does not exist" in ws.message.value
    assert telco.to_dict() == before


def test_bad_arguments_are_named(telco):
    with pytest.raises(DataError, match="journey_map: expected a JourneyMap, got dict"):
        Workshop({})
    with pytest.raises(DataError, match="measured must be the MeasuredMap"):
        Workshop(telco, measured="numbers")
    with pytest.raises(DataError, match="dots must be a positive integer; got 0"):
        Workshop(telco, dots=0)
