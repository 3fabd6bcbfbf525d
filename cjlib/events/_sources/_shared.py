"""What every export loader shares: opening a file, reaching nested fields, building the log.

All of it is Ibis expressions over the table the engine layer hands out; no engine is
imported here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cjlib.errors import DataError, Problem, SchemaError
from cjlib.events import _engine
from cjlib.events._sources._identity import stitch_expr

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["Export", "first_of", "open_export", "to_log"]

SEQ = "__cjlib_seq"
_FORMATS = ("parquet", "json")


class Export:
    """An opened export: the Ibis table, its backend, its input-order column (or None)."""

    def __init__(self, table: ir.Table, backend: Any, seq: str | None, tool: str) -> None:
        self.table = table
        self.backend = backend
        self.seq = seq
        self.tool = tool

    def has(self, path: str) -> bool:
        """Whether a dotted field path (``"context.campaign.medium"``) exists."""
        return _walk(self.table, path) is not None

    def field(self, path: str, type_: str = "string") -> ir.Value:
        """The value at a dotted path cast to ``type_``, or a typed null when it is absent.

        Struct members, map keys and JSON keys are all reached the same way, so a key the
        export never filled (DuckDB infers no member for it) reads as missing, not an error.
        """
        value = _walk(self.table, path)
        if value is None:
            return ibis.null(type_)
        if value.type().is_json():  # a key whose values differ in type across records
            return value.str if dt.dtype(type_).is_string() else value.float.cast(type_)
        return value.cast(type_) if value.type() != dt.dtype(type_) else value

    def require(self, paths: Sequence[str]) -> None:
        """Refuse an export lacking a field the tool always writes, naming each one."""
        missing = [p for p in paths if not self.has(p)]
        if missing:
            raise SchemaError(
                [
                    Problem(
                        p,
                        f"field not found in the {self.tool} export; top-level fields: "
                        f"{[c for c in self.table.columns if c != SEQ][:30]}",
                        p,
                    )
                    for p in missing
                ],
                title=f"not a {self.tool} export",
            )

    def time(self, path: str) -> ir.TimestampValue:
        """A tz-naive UTC time from a timestamp, date or ISO-text field (offsets honoured)."""
        value = _walk(self.table, path)
        if value is None:
            return ibis.null("timestamp")
        kind = value.type()
        if kind.is_timestamp():
            return value.cast(dt.Timestamp()) if kind.timezone else value
        if kind.is_string():
            return _engine.text_to_utc(value, self.backend)
        if kind.is_date():
            return value.cast("timestamp")
        raise SchemaError(
            [Problem(path, f"expected a timestamp or ISO text field; got {kind}", str(kind))],
            title=f"unexpected {self.tool} export",
        )

    def epoch(self, path: str, unit: str) -> ir.TimestampValue:
        """A tz-naive UTC time from a number of seconds, milliseconds or microseconds."""
        factor = {"s": 1_000_000, "ms": 1_000, "us": 1}[unit]
        value = _walk(self.table, path)
        if value is None:
            return ibis.null("timestamp")
        if not value.type().is_numeric():
            raise SchemaError(
                [
                    Problem(
                        path,
                        f"expected a number of {unit} since 1970-01-01 UTC; got {value.type()}",
                        str(value.type()),
                    )
                ],
                title=f"unexpected {self.tool} export",
            )
        micros = (value.cast("float64") * factor).round().cast("int64") if factor > 1 else value
        return _engine.micros_to_time(micros, self.backend)


def _walk(table: ir.Table, path: str) -> ir.Value | None:
    head, *rest = path.split(".")
    if head not in table.columns:
        return None
    value: ir.Value = table[head]
    for part in rest:
        kind = value.type()
        if kind.is_struct():
            if part not in kind.names:
                return None
            value = value[part]
        elif kind.is_map():
            value = value.get(part)
        elif kind.is_json():
            value = value[part]
        else:
            return None
    return value


def first_of(*values: ir.Value) -> ir.Value:
    """The first non-missing, non-empty of several text values."""
    cleaned = [v.nullif("") if v.type().is_string() else v for v in values]
    return ibis.coalesce(*cleaned) if len(cleaned) > 1 else cleaned[0]


def open_export(
    path: str | os.PathLike[str], *, format: str | None, engine: Any, tool: str
) -> Export:
    """Open Parquet or newline-delimited JSON (chosen by ``format`` or the file name)."""
    if not isinstance(path, str | os.PathLike):
        raise DataError(f"path must be a file path or glob; got {type(path).__name__}")
    text = os.fspath(path).lower()
    if format is None:
        if text.endswith((".parquet", ".parq", ".pq")) or text.endswith("*.parquet"):
            format = "parquet"
        elif text.endswith((".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")):
            format = "json"
        else:
            raise DataError(
                f"format: cannot tell the format of {os.fspath(path)!r} from its name; pass "
                "format='parquet' or format='json' (newline-delimited JSON)"
            )
    if format not in _FORMATS:
        raise DataError(f"format must be one of {list(_FORMATS)} or None; got {format!r}")
    backend = _engine.resolve_backend(engine)
    if format == "parquet":
        table, seq = _engine.read_parquet(path, backend)
        return Export(table, backend, seq, tool)
    return Export(_engine.read_json_lines(path, backend), backend, None, tool)


def to_log(
    export: Export,
    *,
    user: ir.Value,
    anonymous: ir.Value,
    time: ir.Value,
    event: ir.Value,
    channel: ir.Value,
    session: ir.Value,
    value: ir.Value,
    attributes: Mapping[str, ir.Value],
    keep: ir.BooleanValue | None,
    id_fields: str,
    stitch: bool,
    dedupe: bool,
    validate: bool,
    customer_col: str = "customer_id",
    id_dtype: str | None = None,
) -> EventLog:
    """Select the contract columns, stitch identities, keep the event rows, wrap as a log.

    ``keep`` selects the rows that are events (e.g. Segment ``track`` calls); every row,
    kept or not, still links its anonymous id to its user id when stitching. ``id_fields``
    names the tool's id fields for the error on events that carry neither id.
    ``customer_col`` / ``id_dtype`` are the name and dtype per-customer results come back in.
    """
    from cjlib.events._log import EventLog

    t = export.table
    cols: dict[str, Any] = {
        "__cjlib_user": user.cast("string").nullif(""),
        "__cjlib_anon": anonymous.cast("string").nullif(""),
        "timestamp": time,
        "event": event.cast("string"),
        "channel": channel.cast("string"),
        "session_id": session.cast("string"),
        "value": value.cast("float64"),
        "__cjlib_keep": ibis.literal(True) if keep is None else keep.fill_null(False),
    }
    cols.update(attributes)
    if export.seq is not None:
        cols[SEQ] = t[export.seq]
    prepared = t.select(**cols)
    stitched = stitch_expr(
        prepared, user="__cjlib_user", anonymous="__cjlib_anon", time="timestamp", stitch=stitch
    )
    events = stitched.filter(stitched["__cjlib_keep"])
    front = ["customer_id", "timestamp", "event", "channel", "session_id", "value"]
    rest = [c for c in events.columns if c not in front and not c.startswith("__cjlib_")]
    order = [SEQ] if export.seq is not None else []
    out = _engine.stored(events.select(*front, *rest, *order), export.backend)
    if validate:
        missing = int(_engine.execute(out.customer_id.isnull().sum(), export.backend) or 0)
        if missing:
            raise SchemaError(
                [
                    Problem(
                        id_fields,
                        f"{missing} events carry neither a user id nor an anonymous id, so "
                        "they belong to no customer; drop them or fill one of the ids",
                    )
                ],
                title=f"unexpected {export.tool} export",
            )
    out = _user_key(out, export, customer_col, id_dtype)
    return EventLog.from_ibis(
        out,
        customer_col=customer_col,
        order_col=SEQ if export.seq is not None else None,
        dedupe=dedupe,
        validate=validate,
    )


_ID_DTYPES = (None, "int64")


def _user_key(out: ir.Table, export: Export, customer_col: str, id_dtype: str | None) -> ir.Table:
    """The stitched ids under the user's column name, as integers when ``id_dtype="int64"``.

    The log records this key, so signals, journeys and every per-customer table come back
    keyed ``customer_col`` in that dtype and merge into the user's own customer table.
    """
    if id_dtype not in _ID_DTYPES:
        raise DataError(f"id_dtype must be one of {list(_ID_DTYPES)}; got {id_dtype!r}")
    if not isinstance(customer_col, str) or not customer_col:
        raise DataError(f"customer_col must be a non-empty column name; got {customer_col!r}")
    taken = [c for c in out.columns if c != "customer_id" and not c.startswith("__cjlib_")]
    if customer_col in taken:
        raise DataError(
            f"customer_col={customer_col!r} is already a column the {export.tool} loader "
            f"writes ({taken}); choose another name"
        )
    if id_dtype == "int64":
        ids = out.customer_id.try_cast("int64")
        bad = out.filter(ids.isnull() & out.customer_id.notnull()).customer_id
        examples = _engine.execute(bad.name("id").as_table().distinct().limit(5), export.backend)
        if len(examples):
            n = int(_engine.execute(bad.nunique(), export.backend))
            raise DataError(
                f"id_dtype='int64': {n} customers of the {export.tool} export have ids that "
                f"are not integers, e.g. {sorted(examples['id'].astype(str))}; these are "
                "usually devices that never logged in. Keep text ids (id_dtype=None) or drop "
                "those events first"
            )
        out = out.mutate(customer_id=ids)
    if customer_col != "customer_id":
        out = out.rename({customer_col: "customer_id"})
    return out
