"""``rfm_summary``: frequency, recency, age and spend per customer from transactions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjlib.errors import DataError
from cjlib.stats._checks import check_choice, numeric_values, require_columns, require_frame

__all__ = ["TIME_UNITS", "rfm_summary"]

#: Length of one model time unit in days.
TIME_UNITS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Y": 365.25}


def _timestamp(value: object, param: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{param} must be a date, got {value!r}") from exc
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    time_col: str = "timestamp",
    amount_col: str | None = "amount",
    freq: str = "W",
    calibration_end: object = None,
    observation_end: object = None,
) -> pd.DataFrame:
    """Summarise transactions into the (x, t_x, T, m) table of the CLV models.

    Purchases are counted per calendar day (several transactions on one day are one
    purchase, amounts summed), as in Fader, Hardie & Lee (2005).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction.
    customer_col, time_col, amount_col : str
        Columns of the customer id, the timestamp and the amount (``None``: no monetary value).
    freq : {"D", "W", "M", "Y"}
        Model time unit: day, week (7 days), month (365.25/12 days) or year.
    calibration_end : date-like, optional
        Last day of the calibration period (inclusive); default the last transaction day.
        Customers whose first purchase is later are left out.
    observation_end : date-like, optional
        Last day of the holdout period; when given, holdout columns are added.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``frequency`` (repeat purchases), ``recency`` (first to last
        purchase), ``T`` (first purchase to calibration end), ``monetary_value`` (mean
        amount of the repeat purchases, 0 without repeats) and, with ``observation_end``,
        ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjlib.stats import rfm_summary
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-08",
    ...                                                 "2024-01-15", "2024-01-08"]),
    ...                    "amount": [10.0, 20.0, 30.0, 5.0]})
    >>> rfm_summary(tx, calibration_end="2024-01-15").loc["a"].tolist()
    [2.0, 2.0, 2.0, 25.0]
    """
    require_frame(transactions, "transactions")
    check_choice(freq, "freq", list(TIME_UNITS))
    cols = {"customer_col": [customer_col], "time_col": [time_col]}
    if amount_col is not None:
        cols["amount_col"] = [amount_col]
    require_columns(transactions, cols, "transactions")
    times = pd.to_datetime(transactions[time_col], errors="coerce")
    if times.isna().any():
        bad = transactions.loc[times.isna(), time_col].head(3).tolist()
        raise DataError(f"time_col {time_col!r} has missing or unparsable dates, e.g. {bad!r}")
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    if transactions[customer_col].isna().any():
        raise DataError(f"customer_col {customer_col!r} has missing customer ids")
    frame = pd.DataFrame(
        {"customer": transactions[customer_col].to_numpy(), "day": times.dt.normalize().to_numpy()}
    )
    frame["amount"] = (
        numeric_values(transactions[amount_col], "amount_col") if amount_col is not None else 0.0
    )
    daily = frame.groupby(["customer", "day"], sort=True)["amount"].sum().reset_index()

    cal_end = (
        _timestamp(calibration_end, "calibration_end")
        if calibration_end is not None
        else daily["day"].max()
    )
    obs_end = (
        _timestamp(observation_end, "observation_end") if observation_end is not None else None
    )
    if obs_end is not None and obs_end < cal_end:
        raise DataError(
            f"observation_end ({obs_end.date()}) is before calibration_end ({cal_end.date()})"
        )
    unit = pd.Timedelta(days=TIME_UNITS[freq])
    first = daily.groupby("customer")["day"].min()
    first = first[first <= cal_end]
    if first.empty:
        raise DataError(f"no customer made a first purchase by calibration_end {cal_end.date()}")
    daily = daily[daily["customer"].isin(first.index)]
    cal = daily[daily["day"] <= cal_end]
    is_first = cal["day"].to_numpy() == first.reindex(cal["customer"]).to_numpy()
    repeats = cal[~is_first]
    grouped = cal.groupby("customer")
    out = pd.DataFrame(index=first.index)
    out["frequency"] = (grouped.size() - 1).astype(float)
    out["recency"] = (grouped["day"].max() - first) / unit
    out["T"] = (cal_end - first) / unit
    if amount_col is not None:
        out["monetary_value"] = (
            repeats.groupby("customer")["amount"].mean().reindex(out.index).fillna(0.0)
        )
    if obs_end is not None:
        hold = daily[(daily["day"] > cal_end) & (daily["day"] <= obs_end)].groupby("customer")
        out["frequency_holdout"] = hold.size().reindex(out.index).fillna(0).astype(float)
        if amount_col is not None:
            out["monetary_value_holdout"] = hold["amount"].mean().reindex(out.index).fillna(0.0)
        out["duration_holdout"] = (obs_end - cal_end) / unit
    out.index.name = customer_col
    return out.astype(float).replace({-0.0: 0.0}) if len(out) else out


def _as_float_array(value: object, name: str) -> np.ndarray:
    """Float array of a scalar or array argument (used by the CLV models)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numeric, got {value!r}") from exc
    if np.isnan(arr).any():
        raise DataError(f"{name} contains missing values")
    return arr
