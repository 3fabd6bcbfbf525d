"""``EventLog``: an immutable event table held by a query engine (DuckDB or Spark).

Examples
--------
>>> import pandas as pd
>>> from cjlib.events import EventLog
>>> df = pd.DataFrame({
...     "customer_id": ["a", "a", "b"],
...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:05", "2024-01-02 09:00"]),
...     "event": ["visit", "signup", "visit"]})
>>> log = EventLog.from_pandas(df)
>>> log.n_events, log.n_customers
(3, 2)
>>> log.transitions().table[["event", "next_event", "n"]].to_dict("records")
[{'event': 'visit', 'next_event': 'signup', 'n': 1}]
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cjlib.errors import DataError, Problem, SchemaError
from cjlib.events import _engine
from cjlib.events._common import ORDER
from cjlib.events._ids import CustomerKey, mixed_id_problem
from cjlib.events._readers import read_csv_frame
from cjlib.events._validate import (
    DuplicateEventsWarning,
    check_columns,
    data_problems,
    parse_times,
)

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._results import (
        ConformanceResult,
        FunnelResult,
        JourneyKPIResult,
        JourneysResult,
        PathsResult,
        SessionsResult,
        SignalsResult,
        StepFlowsResult,
        TransitionsResult,
    )
    from cjlib.events._signals import Signal
    from cjlib.map import JourneyMap

__all__ = ["EventLog"]

CANONICAL = ("customer_id", "timestamp", "event", "channel", "session_id", "value")
_DEFAULT = object()  # "use the contract column if present"
_OPTIONAL = {"channel_col": "channel", "session_col": "session_id", "value_col": "value"}
RAW_TIME = "__cjlib_raw_time"


class EventLog:
    """An immutable log of customer events held by a query engine.

    Build one with :meth:`from_pandas`, :meth:`read_parquet`, :meth:`read_csv`,
    :meth:`from_ibis` or :meth:`from_spark`. Columns are mapped once onto the contract names
    ``customer_id``, ``timestamp`` (tz-naive UTC), ``event``, ``channel``, ``session_id`` and
    ``value``; other columns are kept as attributes. Ties in time are broken by input order.
    Every method returns a result object or a new ``EventLog``; nothing is changed in place.

    Attributes
    ----------
    n_duplicates : int or None
        Identical events found at construction (0 after ``dedupe=True``; None when the data
        checks were skipped with ``validate=False``).

    Examples
    --------
    >>> import pandas as pd
    >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a"],
    ...     "timestamp": [pd.Timestamp("2024-01-01")], "event": ["visit"]}))
    >>> log
    <EventLog: 1 events, 1 customers, 1 event types on duckdb>
    """

    __slots__ = (
        "_backend",
        "_binding",
        "_counts",
        "_event_table",
        "_journey_map",
        "_key",
        "_table",
        "n_duplicates",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            "build an EventLog with EventLog.from_pandas, read_parquet, read_csv, from_ibis "
            "or from_spark"
        )

    @classmethod
    def _make(
        cls,
        table: ir.Table,
        backend: Any,
        *,
        n_duplicates: int | None,
        counts: dict[str, int] | None = None,
        journey_map: JourneyMap | None = None,
        binding: pd.DataFrame | None = None,
        key: CustomerKey | None = None,
    ) -> EventLog:
        self = object.__new__(cls)
        object.__setattr__(self, "_key", key or CustomerKey())
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_backend", backend)
        object.__setattr__(self, "n_duplicates", n_duplicates)
        object.__setattr__(self, "_counts", counts)
        object.__setattr__(self, "_event_table", None)
        object.__setattr__(self, "_journey_map", journey_map)
        object.__setattr__(self, "_binding", binding)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("EventLog is immutable; its methods return new objects")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_pandas(
        cls,
        df: pd.DataFrame,
        *,
        customer_col: str = "customer_id",
        time_col: str = "timestamp",
        event_col: str = "event",
        channel_col: Any = _DEFAULT,
        session_col: Any = _DEFAULT,
        value_col: Any = _DEFAULT,
        dedupe: bool = False,
        engine: Any = "duckdb",
    ) -> EventLog:
        """Build a log from a pandas DataFrame (copied; ``df`` is never changed).

        Parameters
        ----------
        df : pandas.DataFrame
            One row per event.
        customer_col, time_col, event_col : str
            Columns holding the customer id, the time and the event name. Times may be
            datetimes (naive = UTC wall time; aware ones are converted to UTC) or ISO strings.
        channel_col, session_col, value_col : str or None
            Optional columns; by default ``channel``, ``session_id`` and ``value`` are used
            when present. ``None`` ignores them.
        dedupe : bool
            Drop identical events (same customer, time, event, channel, session and value),
            keeping the first. When False duplicates are kept, counted in ``n_duplicates``
            and reported with a :class:`DuplicateEventsWarning`.
        engine : "duckdb", pyspark.sql.SparkSession or Ibis backend
            Where the log lives and computations run.

        Returns
        -------
        EventLog

        Raises
        ------
        SchemaError
            Listing every problem: missing columns (with close-name suggestions),
            unparsable, missing or mixed-time-zone timestamps, missing customer ids or
            events, an empty log.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"user": ["a", "a"], "ts": ["2024-01-01T10:00Z",
        ...     "2024-01-01T11:00Z"], "action": ["visit", "buy"]})
        >>> EventLog.from_pandas(df, customer_col="user", time_col="ts",
        ...                      event_col="action").n_events
        2
        """
        if not isinstance(df, pd.DataFrame):
            raise DataError(f"df must be a pandas DataFrame; got {type(df).__name__}")
        mapping = _mapping(
            df.columns, customer_col, time_col, event_col, channel_col, session_col, value_col
        )
        problems = check_columns(
            {p: (c, True) for p, c in mapping.items()}, [str(c) for c in df.columns]
        )
        if problems:
            raise SchemaError(problems, title="event table does not follow the contract")
        out = pd.DataFrame(index=pd.RangeIndex(len(df)))
        out["customer_id"] = _as_text(df[customer_col])
        times, problems = parse_times(df[time_col].reset_index(drop=True), time_col)
        mixed = mixed_id_problem(df[customer_col], customer_col)
        problems += [mixed] if mixed else []
        out["timestamp"] = times.to_numpy()
        out["event"] = _as_text(df[event_col])
        for param, name in (("channel_col", "channel"), ("session_col", "session_id")):
            col = mapping.get(param)
            out[name] = _as_text(df[col]) if col else pd.Series(None, index=out.index, dtype=object)
        value_source = mapping.get("value_col")
        if value_source:
            values = pd.to_numeric(df[value_source].reset_index(drop=True), errors="coerce")
            bad = df[value_source].reset_index(drop=True).notna() & values.isna()
            if bad.any():
                problems.append(
                    nice_problem(
                        value_source,
                        f"{int(bad.sum())} values are not numbers",
                        df[value_source].reset_index(drop=True)[bad].head(5).tolist(),
                    )
                )
            out["value"] = values.astype("float64").to_numpy()
        else:
            out["value"] = np.full(len(df), np.nan)
        used = set(mapping.values())
        for col in df.columns:
            if col not in used and str(col) not in out.columns and str(col) != ORDER:
                out[str(col)] = df[col].to_numpy(copy=True)
        out[ORDER] = np.arange(len(df), dtype="int64")
        if len(df) == 0:
            problems.append(nice_problem("data", "the event log is empty (no rows)"))
        if problems:
            raise SchemaError(problems, title="event table does not follow the contract")
        backend = _engine.resolve_backend(engine)
        table = _engine.register_pandas(out, backend)
        names = {"customer_id": customer_col, "timestamp": time_col, "event": event_col}
        key = CustomerKey.of_series(customer_col, df[customer_col])
        return cls._finish(table, backend, names=names, raw_time=False, dedupe=dedupe, key=key)

    @classmethod
    def read_parquet(
        cls,
        path: str | os.PathLike[str],
        *,
        customer_col: str = "customer_id",
        time_col: str = "timestamp",
        event_col: str = "event",
        channel_col: Any = _DEFAULT,
        session_col: Any = _DEFAULT,
        value_col: Any = _DEFAULT,
        dedupe: bool = False,
        validate: bool = True,
        engine: Any = "duckdb",
    ) -> EventLog:
        """Open Parquet file(s) lazily: nothing is loaded into pandas.

        Parameters
        ----------
        path : str or path-like
            A file or a glob such as ``"events/*.parquet"`` (files are taken in name order).
        customer_col, time_col, event_col, channel_col, session_col, value_col, dedupe
            As in :meth:`from_pandas`.
        validate : bool
            Run the data checks (nulls, unparsable times, duplicates) now, in one engine
            pass. ``False`` checks only the columns (for very large files you trust).
        engine : "duckdb" or pyspark.sql.SparkSession
            Where the log lives. Spark reads microsecond Parquet timestamps (write with
            ``coerce_timestamps="us"``); nanosecond ones are a Spark limitation.

        Returns
        -------
        EventLog

        Examples
        --------
        >>> log = EventLog.read_parquet("events.parquet")  # doctest: +SKIP
        """
        backend = _engine.resolve_backend(engine)
        table, seq = _engine.read_parquet(path, backend)
        return cls._from_table(
            table,
            backend,
            seq,
            customer_col=customer_col,
            time_col=time_col,
            event_col=event_col,
            channel_col=channel_col,
            session_col=session_col,
            value_col=value_col,
            dedupe=dedupe,
            validate=validate,
        )

    @classmethod
    def read_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        customer_col: str = "customer_id",
        time_col: str = "timestamp",
        event_col: str = "event",
        channel_col: Any = _DEFAULT,
        session_col: Any = _DEFAULT,
        value_col: Any = _DEFAULT,
        dedupe: bool = False,
        engine: Any = "duckdb",
        **read_csv_kwargs: Any,
    ) -> EventLog:
        """Read a CSV file (through ``pandas.read_csv``, all columns as text) into a log.

        Parameters
        ----------
        path : str or path-like
            The CSV file (with a header row).
        customer_col, time_col, event_col, channel_col, session_col, value_col, dedupe, engine
            As in :meth:`from_pandas`.
        **read_csv_kwargs
            Passed to :func:`pandas.read_csv` (e.g. ``sep=";"``).

        Raises
        ------
        cjlib.errors.FileFormatError
            The file is not parsable CSV (an unclosed quote, a row with too many fields,
            bytes that are not UTF-8...); the message names the file and the line.

        Examples
        --------
        >>> log = EventLog.read_csv("events.csv")  # doctest: +SKIP
        """
        if not os.path.exists(path):
            raise DataError(f"path: no such file {os.fspath(path)!r}")
        read_csv_kwargs.setdefault("dtype", str)
        df = read_csv_frame(path, what="path", **read_csv_kwargs)
        return cls.from_pandas(
            df,
            customer_col=customer_col,
            time_col=time_col,
            event_col=event_col,
            channel_col=channel_col,
            session_col=session_col,
            value_col=value_col,
            dedupe=dedupe,
            engine=engine,
        )

    @classmethod
    def from_ibis(
        cls,
        table: ir.Table,
        *,
        customer_col: str = "customer_id",
        time_col: str = "timestamp",
        event_col: str = "event",
        channel_col: Any = _DEFAULT,
        session_col: Any = _DEFAULT,
        value_col: Any = _DEFAULT,
        order_col: str | None = None,
        dedupe: bool = False,
        validate: bool = True,
    ) -> EventLog:
        """Wrap an Ibis table on a DuckDB or PySpark backend.

        Parameters
        ----------
        table : ibis Table
            Events on a DuckDB or PySpark Ibis backend.
        order_col : str, optional
            A column giving the input order used to break ties in time. Without it ties are
            broken by event name (Ibis tables have no inherent row order).
        customer_col, time_col, event_col, channel_col, session_col, value_col, dedupe, validate
            As in :meth:`read_parquet`.

        Examples
        --------
        >>> import ibis
        >>> t = ibis.memtable({"customer_id": ["a"], "timestamp": ["2024-01-01"],
        ...                    "event": ["x"]})  # doctest: +SKIP
        """
        if not isinstance(table, ir.Table):
            raise DataError(f"table must be an Ibis table; got {type(table).__name__}")
        backend = _engine.backend_of(table)
        if _engine.backend_name(backend) not in ("duckdb", "pyspark"):
            raise DataError(
                "the Ibis table must live on the duckdb or pyspark backend; got "
                f"{_engine.backend_name(backend)!r}"
            )
        if order_col is not None and order_col not in table.columns:
            raise SchemaError(
                [nice_problem("order_col", f"column {order_col!r} not found", order_col)],
                title="event table does not follow the contract",
            )
        return cls._from_table(
            table,
            backend,
            order_col,
            customer_col=customer_col,
            time_col=time_col,
            event_col=event_col,
            channel_col=channel_col,
            session_col=session_col,
            value_col=value_col,
            dedupe=dedupe,
            validate=validate,
        )

    @classmethod
    def from_spark(
        cls,
        spark_df: Any,
        *,
        customer_col: str = "customer_id",
        time_col: str = "timestamp",
        event_col: str = "event",
        channel_col: Any = _DEFAULT,
        session_col: Any = _DEFAULT,
        value_col: Any = _DEFAULT,
        order_col: str | None = None,
        dedupe: bool = False,
        validate: bool = True,
    ) -> EventLog:
        """Wrap a Spark DataFrame; computations run on its SparkSession.

        Parameters
        ----------
        spark_df : pyspark.sql.DataFrame
            Events; the log runs on its SparkSession (time zone must be UTC).
        order_col : str, optional
            Input-order column for ties in time; by default the DataFrame's partition order
            (``monotonically_increasing_id``).
        customer_col, time_col, event_col, channel_col, session_col, value_col, dedupe, validate
            As in :meth:`read_parquet`.

        Examples
        --------
        >>> log = EventLog.from_spark(spark.read.parquet("events/"))  # doctest: +SKIP
        """
        if not hasattr(spark_df, "sparkSession"):
            raise DataError(f"spark_df must be a pyspark DataFrame; got {type(spark_df).__name__}")
        if order_col is None:
            from pyspark.sql import functions as sf

            spark_df = spark_df.withColumn("__cjlib_seq", sf.monotonically_increasing_id())
            order_col = "__cjlib_seq"
        table, backend = _engine.table_from_spark(spark_df)
        return cls._from_table(
            table,
            backend,
            order_col,
            customer_col=customer_col,
            time_col=time_col,
            event_col=event_col,
            channel_col=channel_col,
            session_col=session_col,
            value_col=value_col,
            dedupe=dedupe,
            validate=validate,
        )

    @classmethod
    def _from_table(
        cls,
        table: ir.Table,
        backend: Any,
        seq: str | None,
        *,
        customer_col: str,
        time_col: str,
        event_col: str,
        channel_col: Any,
        session_col: Any,
        value_col: Any,
        dedupe: bool,
        validate: bool,
    ) -> EventLog:
        visible = [c for c in table.columns if c != "__cjlib_seq"]
        mapping = _mapping(
            visible, customer_col, time_col, event_col, channel_col, session_col, value_col
        )
        problems = check_columns({p: (c, True) for p, c in mapping.items()}, visible)
        if problems:
            raise SchemaError(problems, title="event table does not follow the contract")
        schema = table.schema()
        raw_time = table[time_col]
        ttype = schema[time_col]
        if ttype.is_timestamp():
            time = raw_time.cast(dt.Timestamp(scale=ttype.scale)) if ttype.timezone else raw_time
            parsed_from_text = None
        elif ttype.is_date():
            time, parsed_from_text = raw_time.cast("timestamp"), None
        elif ttype.is_string():
            time, parsed_from_text = _engine.text_to_utc(raw_time, backend), raw_time
        else:
            raise SchemaError(
                [
                    nice_problem(
                        time_col,
                        f"timestamps must be a timestamp, date or ISO text column; got {ttype}",
                        str(ttype),
                    )
                ],
                title="event table does not follow the contract",
            )
        cols: dict[str, Any] = {
            "customer_id": table[customer_col].cast("string"),
            # the source's precision is kept: casting every row (e.g. ns -> us) before the
            # per-customer sort costs up to 2x on large logs; epoch_micros works on any scale
            "timestamp": time,
            "event": table[event_col].cast("string"),
        }
        for param, name in (("channel_col", "channel"), ("session_col", "session_id")):
            col = mapping.get(param)
            cols[name] = table[col].cast("string") if col else ibis.null("string")
        vcol = mapping.get("value_col")
        if vcol and not schema[vcol].is_numeric():
            raise SchemaError(
                [nice_problem(vcol, f"values must be numeric; got {schema[vcol]}", vcol)],
                title="event table does not follow the contract",
            )
        cols["value"] = table[vcol].cast("float64") if vcol else ibis.null("float64")
        if seq is not None:
            cols[ORDER] = table[seq].cast("int64")
        used = set(mapping.values()) | {seq, "__cjlib_seq"}
        extras = {c: table[c] for c in table.columns if c not in used and c not in CANONICAL}
        if parsed_from_text is not None:
            extras[RAW_TIME] = parsed_from_text
        out = table.select(**cols, **extras)
        if seq is None:
            out = out.mutate(
                **{
                    ORDER: ibis.row_number().over(
                        order_by=["customer_id", "timestamp", "event", "channel"]
                    ).cast("int64")
                }
            )
        names = {"customer_id": customer_col, "timestamp": time_col, "event": event_col}
        key = CustomerKey.of_ibis(customer_col, schema[customer_col])
        if not validate:
            return cls._make(
                out.drop(RAW_TIME) if RAW_TIME in out.columns else out,
                backend,
                n_duplicates=None,
                key=key,
            )
        return cls._finish(
            out,
            backend,
            names=names,
            raw_time=parsed_from_text is not None,
            dedupe=dedupe,
            key=key,
        )

    @classmethod
    def _finish(
        cls,
        table: ir.Table,
        backend: Any,
        *,
        names: dict[str, str],
        raw_time: bool,
        dedupe: bool,
        key: CustomerKey | None = None,
    ) -> EventLog:
        def run(expr: ir.Expr) -> Any:
            return _engine.execute(expr, backend)

        problems, n, n_dup = data_problems(
            table,
            names=names,
            raw_time=table[RAW_TIME] if raw_time else None,
            dup_keys=list(CANONICAL),
            execute=run,
        )
        if raw_time:
            table = table.drop(RAW_TIME)
        if problems:
            raise SchemaError(problems, title="event table does not follow the contract")
        if n_dup and dedupe:
            columns = table.columns
            keep = [c for c in columns if c != ORDER]
            table = table.group_by(keep).agg(**{ORDER: table[ORDER].min()})
            table = table.select(*columns)
            n -= n_dup
        elif n_dup:
            warnings.warn(
                f"the event log has {n_dup} duplicated events (same customer, time, event, "
                "channel, session and value); they are kept. Pass dedupe=True to drop them.",
                DuplicateEventsWarning,
                stacklevel=3,
            )
        return cls._make(
            table, backend, n_duplicates=0 if dedupe else n_dup, counts={"n": n}, key=key
        )

    # ------------------------------------------------------------------ basics
    @property
    def engine(self) -> str:
        """``'duckdb'`` or ``'pyspark'``."""
        return _engine.backend_name(self._backend)

    @property
    def columns(self) -> list[str]:
        """Column names (contract names first, then attributes)."""
        return [c for c in self._table.columns if c != ORDER]

    @property
    def n_events(self) -> int:
        """Number of events."""
        return self._stats()["n"]

    @property
    def n_customers(self) -> int:
        """Number of distinct customers."""
        return self._stats()["customers"]

    @property
    def event_names(self) -> list[str]:
        """Distinct event names, sorted."""
        return list(self._event_counts()["event"].sort_values())

    @property
    def channel_names(self) -> list[str]:
        """Distinct channel names, sorted (empty when the log has no channel column or no
        event carries a channel)."""
        t = self._table
        values = self._execute(t.select("channel").distinct())["channel"].dropna()
        return sorted(values.astype(str))

    @property
    def customer_col(self) -> str:
        """The name of the customer id column the log was built from (``"uid"``, ...):
        per-customer results (signals, sessions, journeys) carry it, in its dtype."""
        return self._key.name

    @property
    def journey_map(self) -> JourneyMap | None:
        """The map this log is bound to (see :meth:`bind`), or None."""
        return self._journey_map

    @property
    def binding(self) -> pd.DataFrame:
        """Per event name: ``event``, ``touchpoint``, ``stage``, ``n`` (off-map: touchpoint NaN).

        Only on a log returned by :meth:`bind`.
        """
        self._require_bound("binding")
        if self._binding is None:  # a filtered log: count its own events (lazily, once)
            from cjlib.events._binding import binding_of

            object.__setattr__(self, "_binding", binding_of(self))
        assert self._binding is not None
        return self._binding.copy()

    def _stats(self) -> dict[str, int]:
        counts = self._counts or {}
        if "customers" not in counts:
            t = self._table
            row = self._execute(
                t.aggregate(n=t.count(), customers=t.customer_id.nunique())
            ).iloc[0]
            counts = {"n": int(row["n"]), "customers": int(row["customers"])}
            object.__setattr__(self, "_counts", counts)
        return counts

    def _event_counts(self) -> pd.DataFrame:
        # computed once per log: logs are immutable, and several computations need the names
        if self._event_table is None:
            t = self._table
            object.__setattr__(
                self, "_event_table", self._execute(t.group_by("event").agg(n=t.count()))
            )
        return self._event_table.copy()

    def _execute(self, expr: ir.Expr) -> Any:
        return _engine.execute(expr, self._backend)

    def _micros(self, column: ir.TimestampValue) -> ir.IntegerValue:
        return _engine.epoch_micros(column, self._backend)

    def _count(self) -> int:
        counts = self._counts or {}
        if "n" not in counts:
            counts = {**counts, "n": int(self._execute(self._table.count()))}
            object.__setattr__(self, "_counts", counts)
        return counts["n"]

    def _materialized(self, expr: ir.Table) -> AbstractContextManager[ir.Table]:
        return _engine.materialized(expr, self._backend)

    def _require_bound(self, what: str) -> None:
        if self._journey_map is None:
            raise DataError(
                f"{what} needs a log bound to a journey map: call log.bind(journey_map) first"
            )

    def _with_table(self, table: ir.Table, **changes: Any) -> EventLog:
        kwargs = {
            "n_duplicates": self.n_duplicates,
            "counts": None,
            "journey_map": self._journey_map,
            "binding": self._binding,
            "key": self._key,
        }
        kwargs.update(changes)
        return EventLog._make(table, self._backend, **kwargs)

    def to_ibis(self) -> ir.Table:
        """The log as an Ibis table (contract columns, attributes, and ``_order``)."""
        return self._table

    def to_pandas(self) -> pd.DataFrame:
        """Load the whole log into pandas, ordered by customer, time and input order."""
        t = self._table.order_by(["customer_id", "timestamp", ORDER])
        df = self._execute(t).drop(columns=[ORDER]).reset_index(drop=True)
        df["timestamp"] = pd.to_datetime(df["timestamp"]).astype("datetime64[ns]")
        return df

    def filter(
        self,
        *,
        events: str | Iterable[str] | None = None,
        customers: Any = None,
        channels: str | Iterable[str] | None = None,
        start: Any = None,
        end: Any = None,
    ) -> EventLog:
        """A new log restricted to some events, customers, channels or a time range.

        Filters combine with AND; a filter left at None keeps everything. A log bound to a
        map stays bound to it, and its :attr:`binding` counts the events kept.

        Parameters
        ----------
        events : str or list of str, optional
            Event names or glob patterns (``"support_*"``) to keep; names the log does not
            have simply match nothing.
        customers : id or list of ids, optional
            Customer id(s) to keep, as in the log's customer column (``1`` or ``"c1"``).
        channels : str or list of str, optional
            Channel names to keep (events without a channel are dropped). Every name must be
            one of :attr:`channel_names`.
        start, end : date-like, optional
            Keep events in ``[start, end)``; time-zone-aware values are converted to UTC.

        Returns
        -------
        EventLog

        Raises
        ------
        cjlib.DataError
            A channel the log does not have (the allowed names are listed), a channel filter
            on a log without channels, or a ``start``/``end`` that is not a timestamp.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "b", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-02"]),
        ...     "event": ["x", "y", "x"], "channel": ["web", "app", "web"]}))
        >>> log.filter(start="2024-01-15").n_events
        2
        >>> log.filter(channels="web", customers=["b"]).to_pandas()["event"].tolist()
        ['x']
        """
        from cjlib.events._common import as_names, matches

        t = self._table
        if events is not None:
            t = t.filter(matches(t.event, as_names(events, "events"), self.event_names))
        if customers is not None:
            if isinstance(customers, str) or not isinstance(customers, Iterable):
                customers = [customers]
            ids = [self._key.to_text(c) for c in customers]
            t = t.filter(t.customer_id.isin(ids))
        if channels is not None:
            t = t.filter(t.channel.isin(self._known_channels(channels)))
        for param, value, op in (("start", start, "ge"), ("end", end, "lt")):
            if value is None:
                continue
            try:
                ts = pd.Timestamp(value)
            except (ValueError, TypeError) as exc:
                raise DataError(f"{param} must be a timestamp; got {value!r}") from exc
            if ts.tzinfo is not None:
                ts = ts.tz_convert("UTC").tz_localize(None)
            lit = ibis.literal(ts.to_pydatetime(), type=dt.Timestamp(scale=6))
            t = t.filter(t.timestamp >= lit if op == "ge" else t.timestamp < lit)
        return self._with_table(t, binding=None)

    def _known_channels(self, channels: str | Iterable[str]) -> list[str]:
        """``channels`` as a list, each checked against the log's channel names."""
        names = list(as_channel_names(channels))
        known = self.channel_names
        if not known:
            raise DataError(
                "channels: the event log has no channel column (or no event carries a "
                "channel), so it cannot be filtered by channel; build it with "
                "channel_col=<your channel column>"
            )
        unknown = [c for c in names if c not in known]
        if unknown:
            raise DataError(f"channels {unknown} not found in the log; allowed: {known}")
        return names

    def __repr__(self) -> str:
        s = self._stats()
        kinds = len(self._event_counts())
        bound = f", bound to map {self._journey_map.id!r}" if self._journey_map else ""
        return (
            f"<EventLog: {s['n']} events, {s['customers']} customers, {kinds} event types on "
            f"{self.engine}{bound}>"
        )

    def _repr_html_(self) -> str:
        import html

        head = self._execute(self._table.order_by(["customer_id", "timestamp", ORDER]).limit(10))
        head = head.drop(columns=[ORDER])
        return f"<div><p>{html.escape(repr(self))}</p>{head.to_html(index=False)}</div>"

    # ------------------------------------------------------------------ computations
    def transitions(
        self, *, per_channel: bool = False, include_end: bool = False
    ) -> TransitionsResult:
        """Event → next event counts, share of the source's transitions and median gap.

        Parameters
        ----------
        per_channel : bool
            Split by the channel of the source event (adds a ``channel`` column; shares are
            then within channel and source event).
        include_end : bool, default False
            Add the end of each customer's journey as an explicit next state ``"(end)"``:
            shares then include exits (``visit → (end)`` is the share of visits that were a
            customer's last event). False leaves exits out (shares of the moves only).

        Returns
        -------
        TransitionsResult
            ``.table`` columns ``event``, ``next_event``, ``n``, ``share``, ``median_gap``.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a"] * 3,
        ...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:10",
        ...                                  "2024-01-01 10:30"]),
        ...     "event": ["visit", "visit", "buy"]}))
        >>> log.transitions().table[["event", "next_event", "n", "share"]]
           event next_event  n  share
        0  visit        buy  1    0.5
        1  visit      visit  1    0.5
        >>> log.transitions(include_end=True).table[["event", "next_event", "n"]].values.tolist()
        [['buy', '(end)', 1], ['visit', 'buy', 1], ['visit', 'visit', 1]]
        """
        from cjlib.events._transitions import transitions

        if not isinstance(include_end, bool):
            raise DataError(f"include_end must be True or False; got {include_end!r}")
        return transitions(self, per_channel=per_channel, include_end=include_end)

    def step_flows(
        self,
        max_steps: int = 6,
        *,
        top_k: int = 10,
        anchor: str | None = None,
        level: str = "event",
    ) -> StepFlowsResult:
        """Flows from step ``i`` to step ``i+1`` of each customer's journey, for a Sankey.

        Parameters
        ----------
        max_steps : int
            Number of steps shown (after the anchor, and as many before it).
        top_k : int
            Per step, the ``top_k`` most frequent items keep their name; the rest become
            ``"other"`` so the figure stays readable.
        anchor : str, optional
            Align journeys on the customer's first ``anchor`` event (step 0); steps before
            it get negative numbers.
        level : {"event", "touchpoint", "stage"}
            Items to follow; touchpoint/stage need :meth:`bind`.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
        ...     "event": ["visit", "buy", "visit"]}))
        >>> log.step_flows(max_steps=2).table.values.tolist()
        [[0, 'visit', '(drop-off)', 1], [0, 'visit', 'buy', 1]]
        """
        from cjlib.events._flows import step_flows

        return step_flows(self, max_steps=max_steps, top_k=top_k, anchor=anchor, level=level)

    def funnel(
        self,
        steps: Sequence[str | Sequence[str]],
        *,
        within: Any = None,
        ordered: bool = True,
        level: str = "event",
        confidence: float = 0.95,
    ) -> FunnelResult:
        """Customers reaching each step, in one pass over the log.

        Parameters
        ----------
        steps : list
            Step names (events, or touchpoint/stage ids with ``level``); a step may be a
            list of alternatives or a glob pattern (``"support_*"``).
        within : str or timedelta, optional
            Conversion window measured from the customer's first step-1 event.
        ordered : bool
            Steps must happen in order (each after the previous one; ties in time follow
            input order). Unordered: a customer reaches step k having done steps 1..k in any
            order (within the window of their span).
        level : {"event", "touchpoint", "stage"}
            What a step names; touchpoint/stage need :meth:`bind`.
        confidence : float
            Level of the Wilson intervals.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
        ...     "event": ["visit", "buy", "visit"]}))
        >>> log.funnel(["visit", "buy"]).table["customers"].tolist()
        [2, 1]
        """
        from cjlib.events._funnel import funnel

        return funnel(
            self, steps, within=within, ordered=ordered, level=level, confidence=confidence
        )

    def sessions(self, gap: Any = "30min") -> SessionsResult:
        """Split each customer's events into sessions at inactivity gaps longer than ``gap``.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a"] * 3,
        ...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:20",
        ...                                  "2024-01-01 12:00"]), "event": ["x", "y", "z"]}))
        >>> log.sessions("30min").table["n_events"].tolist()
        [2, 1]
        """
        from cjlib.events._journeys import sessions

        return sessions(self, gap=gap)

    def journeys(
        self,
        *,
        start: str | Iterable[str],
        success: str | Iterable[str],
        failure: str | Iterable[str] | None = None,
        timeout: Any = None,
    ) -> JourneysResult:
        """Journey instances and their outcomes.

        A journey begins at the first ``start`` event after the customer's previous journey
        ended and ends at the next ``success`` or ``failure`` event (its outcome). With
        ``timeout``, an inactivity gap longer than ``timeout`` ends it as ``abandoned``; a
        journey not ended by the end of the log is ``open`` (``abandoned`` if the log ends
        more than ``timeout`` after its last event).

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
        ...     "event": ["visit", "buy", "visit"]}))
        >>> log.journeys(start="visit", success="buy").table["outcome"].tolist()
        ['success', 'open']
        """
        from cjlib.events._journeys import journeys

        return journeys(self, start=start, success=success, failure=failure, timeout=timeout)

    def journey_kpis(
        self,
        *,
        start: str | Iterable[str],
        success: str | Iterable[str],
        failure: str | Iterable[str] | None = None,
        timeout: Any = None,
        customers: pd.DataFrame | None = None,
        segment_col: str = "segment",
        surveys: pd.DataFrame | None = None,
        survey_window: Any = "7D",
        confidence: float = 0.95,
        customer_col: str | None = None,
    ) -> JourneyKPIResult:
        """Per journey and per segment: started, completion rate (Wilson CI), median and p90
        time to complete, top drop-off step, and with ``surveys`` CSAT and NPS with CIs.

        Parameters
        ----------
        start, success, failure, timeout
            Define journeys, as in :meth:`journeys`.
        customers : DataFrame, optional
            ``customer_id`` and ``segment_col``; adds one row per segment.
        segment_col : str
            Column of ``customers`` holding the segment.
        surveys : DataFrame, optional
            The surveys contract (``customer_id``, ``timestamp``, ``kind``, ``score``);
            responses given from a journey's start to ``survey_window`` after its end count.
        survey_window : str or timedelta
            How long after a journey's end a survey answer still belongs to it.
        confidence : float
            Level of the completion-rate, CSAT and NPS intervals.
        customer_col : str, optional
            The id column of ``customers`` and ``surveys``; by default the log's
            (:attr:`customer_col`, e.g. ``"uid"``) where the table has it, else ``customer_id``.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
        ...     "event": ["visit", "buy", "visit"]}))
        >>> log.journey_kpis(start="visit", success="buy").table["completion_rate"].tolist()
        [0.5]
        """
        from cjlib.events._kpis import journey_kpis

        return journey_kpis(
            self,
            start=start,
            success=success,
            failure=failure,
            timeout=timeout,
            customers=customers,
            segment_col=segment_col,
            surveys=surveys,
            survey_window=survey_window,
            confidence=confidence,
            customer_col=customer_col,
        )

    def signals(self, spec: Sequence[Signal] | Mapping[str, Signal]) -> SignalsResult:
        """The per-customer signal table declared by ``spec``.

        Parameters
        ----------
        spec : list of signals, or mapping name → signal
            Built with :func:`cjlib.events.count`, :func:`flag`, :func:`first_time`,
            :func:`last_time`, :func:`time_between`, :func:`repeat_within`,
            :func:`channel_switches`, :func:`path_length`, :func:`followed_stage_order`.

        Examples
        --------
        >>> import pandas as pd
        >>> from cjlib.events import count, flag
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
        ...     "event": ["call", "call", "visit"]}))
        >>> log.signals([count("call"), flag("visit")]).table.values.tolist()
        [['a', 2, False], ['b', 0, True]]
        """
        from cjlib.events._signals import compute_signals

        return compute_signals(self, spec)

    def paths(
        self,
        conversion_event: str,
        *,
        by: str = "event",
        journey_map: JourneyMap | None = None,
    ) -> PathsResult:
        """Each customer's path up to their first ``conversion_event``, counted by path.

        Parameters
        ----------
        conversion_event : str
            The event that counts as a conversion (its first occurrence ends the path).
        by : {"event", "channel", "touchpoint"}
            What a step is. ``"touchpoint"`` needs a bound log or ``journey_map``.
        journey_map : JourneyMap, optional
            Map to bind to first (for ``by="touchpoint"`` on an unbound log).

        Returns
        -------
        PathsResult
            ``.table`` columns ``path`` (steps joined by ``">"``), ``conversions`` (customers
            who converted after that path), ``nulls`` (customers whose whole path it is, who
            never converted). Customers who convert at their first event have an empty path
            and are counted in ``n_direct``.

        Examples
        --------
        >>> import pandas as pd
        >>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
        ...     "event": ["ad", "buy", "ad"]}))
        >>> log.paths("buy").table.to_dict("records")
        [{'path': 'ad', 'conversions': 1, 'nulls': 1}]
        """
        from cjlib.events._paths import paths

        return paths(self, conversion_event, by=by, journey_map=journey_map)

    def bind(self, journey_map: JourneyMap) -> EventLog:
        """A new log whose events carry the map's ``touchpoint`` and ``stage`` ids.

        Events the map does not name stay in the log as off-map (touchpoint and stage
        missing) and are counted in :attr:`binding`. An event matching several touchpoints
        goes to the first one in map order.

        Examples
        --------
        >>> bound = log.bind(journey_map)  # doctest: +SKIP
        >>> bound.binding.head()  # doctest: +SKIP
        """
        from cjlib.events._binding import bind

        return bind(self, journey_map)

    def conformance(self, journey_map: JourneyMap | None = None) -> ConformanceResult:
        """Designed versus observed stage order.

        Examples
        --------
        >>> log.conformance(journey_map).conforming_share  # doctest: +SKIP
        """
        from cjlib.events._binding import conformance

        return conformance(self, journey_map)


def nice_problem(path: str, message: str, value: Any = None) -> Problem:
    """A :class:`cjlib.errors.Problem` (short alias used by the constructors)."""
    return Problem(path, message, value)


def as_channel_names(value: Any) -> tuple[str, ...]:
    """A channel name or a list of names as a non-empty tuple of strings."""
    if isinstance(value, str):
        items: tuple[Any, ...] = (value,)
    else:
        try:
            items = tuple(value)
        except TypeError as exc:
            raise DataError(
                f"channels must be a channel name or a list of names; got {value!r}"
            ) from exc
    if not items:
        raise DataError("channels is empty: name at least one channel, or pass None for all")
    bad = [item for item in items if not isinstance(item, str) or not item]
    if bad:
        raise DataError(f"channels must hold non-empty channel names (str); got {bad!r}")
    return items


def _as_text(series: pd.Series) -> pd.Series:
    """Values as str (None stays missing), without touching the caller's Series."""
    values = series.reset_index(drop=True)
    out = values.astype(object).where(values.notna(), None)
    return out.map(lambda v: v if v is None or isinstance(v, str) else str(v))


def _mapping(
    columns: Iterable[Any],
    customer_col: str,
    time_col: str,
    event_col: str,
    channel_col: Any,
    session_col: Any,
    value_col: Any,
) -> dict[str, str]:
    available = {str(c) for c in columns}
    mapping = {"customer_col": customer_col, "time_col": time_col, "event_col": event_col}
    for param, value in (
        ("channel_col", channel_col),
        ("session_col", session_col),
        ("value_col", value_col),
    ):
        if value is _DEFAULT:
            default = _OPTIONAL[param]
            if default in available:
                mapping[param] = default
        elif value is not None:
            mapping[param] = value
    for param, value in mapping.items():
        if not isinstance(value, str):
            raise DataError(f"{param} must be a column name (str); got {value!r}")
    return mapping
