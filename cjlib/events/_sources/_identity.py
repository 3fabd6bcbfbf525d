"""Identity stitching: anonymous ids that later log in become the customer they logged in as.

The rule (the same for every loader and for :func:`stitch_identities`):

1. An event that carries a user id belongs to that user id.
2. An event without one belongs to the user id its anonymous id (device, cookie) was *first*
   seen with, by time (ties: the smaller user id), before or after the event. So the browsing
   before a login joins the customer who logged in, and a shared device's anonymous events
   all go to its first user. This is the rule of Mixpanel's ID merge, where a device id can
   be merged into one user only (https://docs.mixpanel.com/docs/tracking-methods/id-management).
3. An anonymous id never seen with a user id stays a customer of its own, named by the
   anonymous id.

One pass: the (anonymous id → first user id) table is a grouped window query joined back.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"anonymous_id": ["d1", "d1", "d2"], "user_id": [None, "u1", None],
...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:05", "2024-01-02 09:00"])})
>>> stitch_identities(df)["customer_id"].tolist()
['u1', 'u1', 'd2']
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from cjlib.errors import DataError, Problem, SchemaError
from cjlib.events import _engine

__all__ = ["stitch_expr", "stitch_identities"]


def stitch_expr(
    table: ir.Table, *, user: str, anonymous: str, time: str, stitch: bool = True
) -> ir.Table:
    """``table`` with a ``customer_id`` column following the module's rule.

    With ``stitch=False`` the customer is the user id, else the anonymous id (no linking).
    """
    if not stitch:
        return table.mutate(customer_id=ibis.coalesce(table[user], table[anonymous]))
    pairs = table.filter(table[user].notnull() & table[anonymous].notnull()).select(
        __cjlib_a=table[anonymous], __cjlib_u=table[user], __cjlib_t=table[time]
    )
    rank = ibis.row_number().over(
        ibis.window(group_by="__cjlib_a", order_by=["__cjlib_t", "__cjlib_u"])
    )
    first = (
        pairs.mutate(__cjlib_r=rank)
        .filter(lambda p: p.__cjlib_r == 0)
        .select(__cjlib_a="__cjlib_a", __cjlib_first="__cjlib_u")
    )
    joined = table.left_join(first, table[anonymous] == first["__cjlib_a"])
    joined = joined.select(
        *[joined[c] for c in table.columns],
        customer_id=ibis.coalesce(joined[user], joined["__cjlib_first"], joined[anonymous]),
    )
    return joined


def stitch_identities(
    df: pd.DataFrame,
    *,
    user_col: str = "user_id",
    anonymous_col: str = "anonymous_id",
    time_col: str = "timestamp",
    customer_col: str = "customer_id",
) -> pd.DataFrame:
    """Add a stitched customer column to a table of events (a copy; ``df`` is unchanged).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per event (or identify call), with a user id (missing before login), an
        anonymous id (device, cookie) and a time.
    user_col, anonymous_col, time_col : str
        The columns holding them. Times may be datetimes or ISO strings (aware ones are
        compared in UTC).
    customer_col : str
        The name of the column added (replaced when it exists).

    Returns
    -------
    pandas.DataFrame
        ``df``'s rows in their order with ``customer_col`` following the rule of
        :mod:`cjlib.events._sources._identity`: own user id, else the first user id the
        anonymous id was seen with, else the anonymous id. Ids come back as text.

    Raises
    ------
    SchemaError
        A named column is missing, or a row has neither a user id nor an anonymous id.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"device": ["d1", "d1", "d1"], "uid": [None, "u1", "u2"],
    ...     "ts": ["2024-01-01T10:00Z", "2024-01-01T10:05Z", "2024-01-03T09:00Z"]})
    >>> stitch_identities(df, user_col="uid", anonymous_col="device",
    ...                   time_col="ts")["customer_id"].tolist()
    ['u1', 'u1', 'u2']
    """
    from cjlib.events._validate import parse_times, suggest

    if not isinstance(df, pd.DataFrame):
        raise DataError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    columns = [str(c) for c in df.columns]
    problems = [
        Problem(
            param, f"column {col!r} not found;{suggest(col, columns)} available: {columns}", col
        )
        for param, col in (
            ("user_col", user_col),
            ("anonymous_col", anonymous_col),
            ("time_col", time_col),
        )
        if col not in df.columns
    ]
    if problems:
        raise SchemaError(problems, title="cannot stitch identities")
    times, problems = parse_times(df[time_col].reset_index(drop=True), time_col)
    user = _ids(df[user_col])
    anon = _ids(df[anonymous_col])
    neither = user.isna() & anon.isna()
    if neither.any():
        problems.append(
            Problem(
                f"{user_col}/{anonymous_col}",
                f"{int(neither.sum())} rows have neither a user id nor an anonymous id "
                f"(first rows {df.index[neither.to_numpy()][:5].tolist()})",
            )
        )
    if problems:
        raise SchemaError(problems, title="cannot stitch identities")
    frame = pd.DataFrame(
        {"u": user.to_numpy(), "a": anon.to_numpy(), "t": times.to_numpy(), "i": range(len(df))}
    )
    backend = _engine.duckdb_backend()
    table = _engine.register_pandas(frame, backend)
    out = stitch_expr(table, user="u", anonymous="a", time="t").select("i", "customer_id")
    result = _engine.execute(out, backend).sort_values("i")
    copy = df.copy()
    copy[customer_col] = result["customer_id"].to_numpy()
    return copy


def _ids(series: pd.Series) -> pd.Series:
    """Ids as text, with missing and blank values as None.

    Whole floats print as integers: an integer id column with a missing value arrives as
    float64 in pandas (42 -> 42.0), and "42.0" would not match the user's id 42.
    """
    values = series.reset_index(drop=True).astype(object)

    def text(v: object) -> str | None:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        out = str(v)
        return None if out.strip() == "" else out

    return values.map(text)
