"""``landmark``: signals from events before a landmark, outcome after it, among those at risk.

Linking a lifetime of signals to a churn flag rewards long-lived customers for collecting
signals (immortal-time bias). A landmark design fixes one time per customer: signals come
only from events before it, the outcome is counted after it, and only customers still at
risk at the landmark take part. The landmark is either ``days`` after each customer's start
or one calendar date ``at`` for everyone.

Examples
--------
>>> import pandas as pd
>>> from cjlib.events import EventLog, flag, landmark
>>> events = pd.DataFrame({"customer_id": ["a", "a", "b"],
...     "timestamp": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-01-10"]),
...     "event": ["call", "call", "call"]})
>>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"],
...     "start_date": pd.to_datetime(["2024-01-01"] * 3),
...     "tenure_days": [200.0, 20.0, 120.0], "churned": [True, True, False]})
>>> lm = landmark(EventLog.from_pandas(events), customers, days=30)
>>> lm.table["customer_id"].tolist()
['a', 'c']
>>> lm.signals([flag("call", name="early_call")])["early_call"].tolist()
[True, False]
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

from cjlib.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog
    from cjlib.events._signals import Signal

__all__ = ["Landmark", "landmark"]

_CUTOFF = "__cjlib_landmark"
_START = "__cjlib_start"
_ID = "__cjlib_id"


class Landmark:
    """A landmark design: the at-risk cohort (``.table``) and the log before the landmark.

    Attributes
    ----------
    log : EventLog
        Events of the cohort that happened before each customer's landmark (and not before
        the start, when a start column is used). Bound to the same map as the input log.
    table : pandas.DataFrame
        The customers at risk at the landmark (a copy of their rows) with a
        ``days_after_landmark`` column when durations are known.
    """

    def __init__(self, log: EventLog, table: pd.DataFrame, info: dict[str, Any]) -> None:
        self.log = log
        self._table = table
        self._info = info

    @property
    def table(self) -> pd.DataFrame:
        """The at-risk cohort, one row per customer (a copy)."""
        return self._table.copy()

    @property
    def info(self) -> dict[str, Any]:
        """How the landmark was set and how many customers it kept."""
        return dict(self._info)

    def signals(self, spec: Sequence[Signal] | Mapping[str, Signal]) -> pd.DataFrame:
        """The cohort with the signals of ``spec`` computed on the events before the landmark.

        Customers without any event before the landmark get 0 / False / NaT.
        """
        from cjlib.events._signals import _normalise

        items = _normalise(spec)
        clash = sorted({s.name for s in items} & (set(self._table.columns) - {"customer_id"}))
        if clash:
            raise DataError(
                f"signal names {clash} are already columns of the customers table; name the "
                "signals differently (flag(..., name=...))"
            )
        result = self.log.signals(items)
        sig, sig_key = result.table, getattr(result, "customer_col", "customer_id")
        key = self._info["customer_col"]
        cohort = self._table
        ids = cohort[key].astype(str)
        sig = sig.set_index(sig[sig_key].astype(str)).drop(columns=sig_key)
        out = cohort.copy()
        for s in items:
            col = sig[s.name].reindex(ids.to_numpy())
            if s.kind in ("count", "channel_switches", "path_length"):
                col = col.fillna(0).astype("int64")
            elif s.kind in ("flag", "repeat_within"):
                col = col.astype("boolean").fillna(False).astype(bool)
            elif s.kind == "followed_stage_order":
                col = col.astype("boolean").fillna(True).astype(bool)
            out[s.name] = col.to_numpy()
        return out

    def summary(self) -> str:
        """One paragraph stating the design."""
        i = self._info
        when = (
            f"{i['days']:g} days after each customer's {i['start_col']}"
            if i["days"] is not None
            else f"the date {i['at']}"
        )
        return (
            f"Landmark design: landmark at {when}; {i['n_at_risk']:,} of {i['n_customers']:,} "
            f"customers still at risk there. Signals come from events before the landmark; the "
            "outcome counts after it."
        )

    def to_dict(self) -> dict[str, Any]:
        """The design as plain Python data."""
        return {"info": {k: str(v) if k == "at" else v for k, v in self._info.items()}}

    def plot(self) -> Any:
        """Who the design keeps: customers at risk at the landmark against those left out.

        Landmarks are a design, not an estimate; plot the linked result for effects.
        """
        import plotly.graph_objects as go

        from cjlib.plot._style import apply_base_layout, color_for

        i = self._info
        kept, total = int(i["n_at_risk"]), int(i["n_customers"])
        rows = [
            ("at risk at the landmark", kept),
            ("left out (ended or not yet started)", total - kept),
        ]
        fig = go.Figure(
            go.Bar(
                x=[n for _, n in rows],
                y=[label for label, _ in rows],
                orientation="h",
                marker_color=[color_for(0), "#b0b0b0"],
                text=[f"{n:,} ({n / max(total, 1):.0%})" for _, n in rows],
                textposition="auto",
            )
        )
        fig.update_xaxes(title="Customers")
        fig.update_yaxes(autorange="reversed")
        return apply_base_layout(fig, title=self.summary().split(";")[0], height=260)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>" + self._table.head(10).to_html(border=0)

    def __repr__(self) -> str:
        return f"<Landmark: {self._info['n_at_risk']} customers at risk>"


def _column(customers: pd.DataFrame, name: str | None, param: str) -> pd.Series | None:
    if name is None:
        return None
    if name not in customers.columns:
        raise DataError(
            f"{param}={name!r} is not a column of customers; columns: {list(customers.columns)}"
        )
    return customers[name]


def landmark(
    log: EventLog,
    customers: pd.DataFrame,
    *,
    days: float | None = None,
    at: Any = None,
    customer_col: str = "customer_id",
    start_col: str = "start_date",
    tenure_col: str | None = "tenure_days",
    end_col: str | None = None,
) -> Landmark:
    """Build a landmark design from an event log and a customers table.

    Parameters
    ----------
    log : EventLog
        All events (a bound log stays bound).
    customers : pandas.DataFrame
        One row per customer with the id, the start and how long they stayed.
    days : float, optional
        The landmark is ``days`` after each customer's ``start_col``; events count from the
        start up to (not including) the landmark; customers whose tenure is longer than
        ``days`` are at risk.
    at : date-like, optional
        One calendar landmark for everyone instead: events before ``at``; at risk are
        customers who started before it and whose end (``end_col``, or start + tenure) is
        after it.
    customer_col, start_col : str
        Id and start-date columns of ``customers``.
    tenure_col : str or None
        Days from start to churn or end of observation.
    end_col : str, optional
        End of the customer's observation (used when ``tenure_col`` is None).

    Returns
    -------
    Landmark
        ``.table`` (the at-risk cohort, with ``days_after_landmark``), ``.log`` (events
        before the landmark), ``.signals(spec)`` (the cohort with the signals).

    Examples
    --------
    >>> from cjlib.datasets import load_sample
    >>> from cjlib.events import EventLog
    >>> data = load_sample("telco")
    >>> lm = landmark(EventLog.from_pandas(data.events), data.customers, days=90)
    >>> len(lm.table) < len(data.customers)
    True
    """
    if not isinstance(customers, pd.DataFrame):
        raise DataError(f"customers must be a pandas DataFrame; got {type(customers).__name__}")
    if (days is None) == (at is None):
        raise DataError("give exactly one of days= (after each start) or at= (a date)")
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int | float) or not days > 0
    ):
        raise DataError(f"days must be a positive number; got {days!r}")
    ids = _column(customers, customer_col, "customer_col")
    assert ids is not None
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated()].head(3).tolist()
        raise DataError(
            f"customers.{customer_col} must be unique and present; repeated/missing e.g. {dup}"
        )
    start = pd.to_datetime(_column(customers, start_col, "start_col"), errors="coerce")
    if start.isna().any():
        bad = customers.loc[start.isna(), customer_col].head(3).tolist()
        raise DataError(f"customers.{start_col} has missing or unreadable dates, e.g. for {bad}")
    tenure = _column(customers, tenure_col, "tenure_col")
    end = _column(customers, end_col, "end_col")
    if tenure is not None:
        tenure_days = pd.to_numeric(tenure, errors="coerce")
        if tenure_days.isna().any():
            raise DataError(f"customers.{tenure_col} must hold numbers of days (no missing)")
        end_time = start + pd.to_timedelta(tenure_days, unit="D")
    elif end is not None:
        end_time = pd.to_datetime(end, errors="coerce").fillna(pd.Timestamp.max)
    else:
        raise DataError("give tenure_col or end_col: who is still at risk needs an end")

    if days is not None:
        cutoff = start + pd.Timedelta(days=float(days))
        lower = start
        at_ts = None
    else:
        try:
            at_ts = pd.Timestamp(at)
        except (TypeError, ValueError):
            raise DataError(f"at must be a date; got {at!r}") from None
        if at_ts.tzinfo is not None:
            at_ts = at_ts.tz_convert("UTC").tz_localize(None)
        cutoff = pd.Series(at_ts, index=customers.index)
        lower = pd.Series(pd.Timestamp("1900-01-01"), index=customers.index)
    at_risk = (end_time > cutoff) & (start < cutoff)
    cohort = customers[at_risk.to_numpy()].copy().reset_index(drop=True)
    if tenure is not None or end is not None:
        remaining = (end_time[at_risk] - cutoff[at_risk]) / pd.Timedelta(days=1)
        cohort["days_after_landmark"] = remaining.to_numpy(dtype=float)

    windows = pd.DataFrame(
        {
            _ID: ids[at_risk].astype(str).to_numpy(),
            _START: lower[at_risk].dt.floor("us").to_numpy(dtype="datetime64[us]"),
            _CUTOFF: cutoff[at_risk].dt.floor("us").to_numpy(dtype="datetime64[us]"),
        }
    )
    t = log.to_ibis()
    w = ibis.memtable(windows).cast({_START: dt.Timestamp(scale=6), _CUTOFF: dt.Timestamp(scale=6)})
    j = t.inner_join(w, t.customer_id.cast("string") == w[_ID])
    j = j.filter((j.timestamp >= j[_START]) & (j.timestamp < j[_CUTOFF]))
    j = j.select(*t.columns)
    before = log._with_table(j, binding=None)
    info = {
        "days": None if days is None else float(days),
        "at": at_ts,
        "start_col": start_col,
        "customer_col": customer_col,
        "n_customers": len(customers),
        "n_at_risk": len(cohort),
    }
    return Landmark(before, cohort, info)
