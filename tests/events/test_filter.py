"""``EventLog.filter`` (events, customers, channels, time range) against plain pandas,
on DuckDB and Spark, and the binding of a filtered bound log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from events_reference import ordered, random_log

from cjlib.errors import DataError
from cjlib.map import JourneyMap, Persona, Stage, Touchpoint

pytestmark = pytest.mark.filterwarnings("ignore::cjlib.events.DuplicateEventsWarning")

KEYS = ["customer_id", "timestamp", "event", "channel"]


def _frame() -> pd.DataFrame:
    """random_log with some events that carry no channel."""
    df = random_log(50, seed=11)
    df.loc[df.index % 9 == 0, "channel"] = None
    return df


def _shop_map() -> JourneyMap:
    return JourneyMap(
        id="shop",
        name="Shop",
        personas=(Persona(id="p", name="P"),),
        stages=(
            Stage(
                id="explore",
                name="Explore",
                touchpoints=(
                    Touchpoint(id="site", name="Site", events=("visit", "search", "view")),
                ),
            ),
            Stage(
                id="purchase",
                name="Purchase",
                touchpoints=(Touchpoint(id="checkout", name="Checkout", events=("cart", "buy")),),
            ),
        ),
    )


def _same_events(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    want = ordered(expected)[KEYS].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got[KEYS].reset_index(drop=True), want, check_dtype=False, check_exact=True
    )


def test_channel_names(make_log):
    log = make_log(_frame())
    assert log.channel_names == ["app", "phone", "web"]  # events without a channel ignored


def test_filter_by_channels_matches_pandas(make_log):
    df = _frame()
    before = df.copy(deep=True)
    log = make_log(df)
    for channels, wanted in (("web", ["web"]), (["app", "phone"], ["app", "phone"])):
        got = log.filter(channels=channels).to_pandas()
        expected = df[df["channel"].isin(wanted)]
        assert 0 < len(expected) < len(df)
        _same_events(got, expected)
    assert log.n_events == len(df)  # the log itself is unchanged
    pd.testing.assert_frame_equal(df, before)  # and so is the user's frame


def test_filter_combines_channels_customers_and_time(make_log):
    df = _frame()
    log = make_log(df)
    ids = sorted(df["customer_id"].unique())[::2]
    start, end = pd.Timestamp("2024-03-02"), pd.Timestamp("2024-03-05 12:00")
    got = log.filter(
        events=["visit", "c*"], customers=ids, channels=["web", "app"], start=start, end=end
    ).to_pandas()
    ts = df["timestamp"]
    expected = df[
        df["event"].isin(["visit", "call", "cart"])
        & df["customer_id"].isin(ids)
        & df["channel"].isin(["web", "app"])
        & (ts >= start)
        & (ts < end)
    ]
    assert len(expected) > 5
    _same_events(got, expected)
    # a channel with no events in the other filters' range gives an empty log, not an error
    assert log.filter(channels="phone", start="2030-01-01").n_events == 0


def test_filter_single_customer_id_as_text(make_log):
    df = _frame()
    log = make_log(df)
    assert log.filter(customers="c007").n_events == int((df["customer_id"] == "c007").sum())


def test_unknown_channel_lists_the_allowed_names(make_log):
    log = make_log(_frame())
    allowed = r"allowed: \['app', 'phone', 'web'\]"
    with pytest.raises(DataError, match=r"channels \['fax'\] not found in the log; " + allowed):
        log.filter(channels=["web", "fax"])


def test_channel_filter_needs_channels(make_log):
    df = _frame()
    for log in (make_log(df.drop(columns="channel")), make_log(df, channel_col=None)):
        assert log.channel_names == []
        with pytest.raises(DataError, match="channels: the event log has no channel column"):
            log.filter(channels="web")


@pytest.mark.parametrize(
    ("channels", "message"),
    [
        ([], "channels is empty"),
        (["web", 3], r"non-empty channel names \(str\); got \[3\]"),
        (5, "channels must be a channel name or a list of names; got 5"),
    ],
)
def test_bad_channels_argument_is_named(channels, message):
    from cjlib.events import EventLog

    log = EventLog.from_pandas(_frame())
    with pytest.raises(DataError, match=message):
        log.filter(channels=channels)


def test_filtered_bound_log_stays_bound_and_counts_its_own_events(make_log):
    df = _frame()
    jm = _shop_map()
    bound = make_log(df).bind(jm)
    whole = bound.binding
    part = bound.filter(channels="web", start="2024-03-03")
    assert part.journey_map is jm
    kept = df[(df["channel"] == "web") & (df["timestamp"] >= pd.Timestamp("2024-03-03"))]
    binding = part.binding.set_index("event")
    assert binding["n"].to_dict() == kept["event"].value_counts().to_dict()
    assert binding.loc["buy", "touchpoint"] == "checkout"
    assert binding.loc["search", "stage"] == "explore"
    assert pd.isna(binding.loc["call", "touchpoint"])  # off-map stays off-map
    # the events keep their touchpoint labels
    out = part.to_pandas()
    expected_tp = out["event"].map({"visit": "site", "search": "site", "view": "site",
                                    "cart": "checkout", "buy": "checkout"})
    assert out["touchpoint"].tolist() == expected_tp.where(expected_tp.notna(), None).tolist()
    # the bound log's own binding is untouched
    pd.testing.assert_frame_equal(bound.binding, whole)
    assert int(whole["n"].sum()) == len(df)
    assert np.array_equal(
        part.conformance().off_map_events.set_index("event")["n"].sort_index(),
        kept[~kept["event"].isin(["visit", "search", "view", "cart", "buy"])]["event"]
        .value_counts()
        .sort_index(),
    )
