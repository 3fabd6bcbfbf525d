"""The one module that talks to query engines: DuckDB (embedded default) and Apache Spark.

Everything else in :mod:`cjlib.events` is written as Ibis expressions over the table this
module hands out, and gets results back through :func:`execute`. Only this module imports
``duckdb`` or ``pyspark``, builds connections, registers data, or knows an engine-specific
function name.

Engine policy (see ``docs/adr/0004-query-engine.md``):

* DuckDB runs in-process with an explicit ``memory_limit`` (default: 60 % of RAM), an explicit
  ``temp_directory`` and ``max_temp_directory_size`` (default 20 GiB), ``TimeZone='UTC'`` and
  ``preserve_insertion_order=false``. Change them with :func:`configure_duckdb`.
* Out-of-memory and out-of-disk failures become :class:`cjlib.errors.EngineError` with advice.
* Spark sessions are used as given; timestamps are read in the session time zone, which should
  be UTC (cjlib checks and says so).

Examples
--------
>>> from cjlib.events import _engine
>>> backend = _engine.duckdb_backend()
>>> _engine.backend_name(backend)
'duckdb'
"""

from __future__ import annotations

import contextlib
import glob as _glob
import itertools
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from cjlib.errors import DataError, EngineError
from cjlib.events._readers import file_format_error

__all__ = [
    "DuckDBSettings",
    "backend_name",
    "backend_of",
    "configure_duckdb",
    "duckdb_backend",
    "epoch_micros",
    "execute",
    "materialized",
    "micros_to_time",
    "read_json_lines",
    "read_parquet",
    "register_pandas",
    "spark_backend",
    "stored",
    "table_from_spark",
    "text_to_utc",
]

_names = itertools.count()


def _fresh_name(prefix: str) -> str:
    return f"cjlib_{prefix}_{os.getpid()}_{next(_names)}"


def _total_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return None


def _default_memory_limit() -> str:
    total = _total_memory_bytes()
    if total is None:  # pragma: no cover - non-POSIX
        return "4GB"
    return f"{max(1, int(total * 0.6 / 2**20))}MB"


@dataclass
class DuckDBSettings:
    """Settings applied to cjlib's DuckDB connection.

    Parameters
    ----------
    memory_limit : str
        DuckDB ``memory_limit`` (e.g. ``"4GB"``). Default: 60 % of physical memory.
    temp_directory : str
        Where DuckDB spills when a computation exceeds the memory limit. Default: a
        ``cjlib-duckdb`` folder in the system temporary directory.
    max_temp_directory_size : str
        Upper bound on spilled data, so a runaway query fails clearly instead of filling
        the disk. Default ``"20GB"``.
    threads : int or None
        Worker threads; ``None`` lets DuckDB use every core.
    """

    memory_limit: str = field(default_factory=_default_memory_limit)
    temp_directory: str = field(
        default_factory=lambda: os.path.join(tempfile.gettempdir(), "cjlib-duckdb")
    )
    max_temp_directory_size: str = "20GB"
    threads: int | None = None


_settings = DuckDBSettings()
_duckdb: Any = None  # the shared ibis DuckDB backend, created on first use


def _apply_settings(raw: Any, settings: DuckDBSettings, only: set[str] | None = None) -> None:
    def wanted(key: str) -> bool:
        return only is None or key in only

    if wanted("temp_directory"):
        os.makedirs(settings.temp_directory, exist_ok=True)
        raw.execute(f"SET temp_directory = '{settings.temp_directory}'")
    if wanted("memory_limit"):
        raw.execute(f"SET memory_limit = '{settings.memory_limit}'")
    if wanted("max_temp_directory_size"):
        raw.execute(f"SET max_temp_directory_size = '{settings.max_temp_directory_size}'")
    if only is None:
        raw.execute("SET TimeZone = 'UTC'")
        # cjlib always orders explicitly (by time and input order), so DuckDB need not keep
        # insertion order; this lets it stream large scans with less memory.
        raw.execute("SET preserve_insertion_order = false")
    if settings.threads is not None and wanted("threads"):
        raw.execute(f"SET threads = {int(settings.threads)}")


def configure_duckdb(
    *,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    max_temp_directory_size: str | None = None,
    threads: int | None = None,
) -> DuckDBSettings:
    """Change the settings of cjlib's shared DuckDB connection and return them.

    Parameters
    ----------
    memory_limit, temp_directory, max_temp_directory_size, threads
        See :class:`DuckDBSettings`; ``None`` keeps the current value.

    Returns
    -------
    DuckDBSettings
        The settings now in force.

    Examples
    --------
    >>> from cjlib.events import configure_duckdb
    >>> configure_duckdb(max_temp_directory_size="20GB").max_temp_directory_size
    '20GB'
    """
    pattern = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
    for name, value in (
        ("memory_limit", memory_limit),
        ("max_temp_directory_size", max_temp_directory_size),
    ):
        if value is not None and not pattern.match(value):
            raise DataError(f"{name} must be a size such as '4GB' or '512MB'; got {value!r}")
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise DataError(f"threads must be a positive integer or None; got {threads!r}")
    changes = {
        "memory_limit": memory_limit,
        "temp_directory": None if temp_directory is None else str(temp_directory),
        "max_temp_directory_size": max_temp_directory_size,
        "threads": threads,
    }
    changed = {k for k, v in changes.items() if v is not None and v != getattr(_settings, k)}
    if _duckdb is not None and changed:
        candidate = DuckDBSettings(**{**vars(_settings), **{k: changes[k] for k in changed}})
        try:
            _apply_settings(_duckdb.con, candidate, only=changed)
        except Exception as exc:
            hint = (
                " (the temporary directory can only be set before DuckDB first spills: set it "
                "at the start of the session)"
                if "temp_directory" in changed
                else ""
            )
            raise EngineError(
                f"cannot change DuckDB settings {sorted(changed)}: {str(exc).splitlines()[0]}{hint}"
            ) from exc
    for key in changed:
        setattr(_settings, key, changes[key])
    return DuckDBSettings(**vars(_settings))


def duckdb_backend() -> Any:
    """Return cjlib's shared in-process DuckDB backend (an Ibis backend), creating it once."""
    global _duckdb
    if _duckdb is None:
        backend = ibis.duckdb.connect()
        _apply_settings(backend.con, _settings)
        _duckdb = backend
    return _duckdb


def spark_backend(session: Any) -> Any:
    """Return an Ibis backend over a ``pyspark.sql.SparkSession`` (classic or Spark Connect)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is an optional extra
        raise EngineError(
            "the Spark engine needs pyspark; install it with `pip install cjlib[spark]`"
        ) from exc
    if not (isinstance(session, SparkSession) or _is_spark_connect_session(session)):
        raise DataError(
            "engine must be 'duckdb' or a pyspark.sql.SparkSession (classic or Spark Connect); "
            f"got {type(session).__name__}"
        )
    tz = session.conf.get("spark.sql.session.timeZone")
    if tz not in ("UTC", "Etc/UTC", "GMT", "Z", "+00:00"):
        raise EngineError(
            "the Spark session time zone must be UTC so event times are not shifted; got "
            f"{tz!r}. Set it with spark.conf.set('spark.sql.session.timeZone', 'UTC')"
        )
    return ibis.pyspark.connect(session)


def _is_spark_connect_session(session: Any) -> bool:
    """A Spark Connect client session, recognised without importing the Connect client
    (importing it exits the interpreter when its grpc dependencies are missing)."""
    kind = type(session)
    return kind.__name__ == "SparkSession" and kind.__module__.startswith("pyspark.sql.connect")


def backend_of(table: ir.Table) -> Any:
    """Return the Ibis backend that holds ``table``."""
    try:
        return table._find_backend()
    except Exception as exc:
        raise EngineError(f"the Ibis table is not bound to a backend: {exc}") from exc


def backend_name(backend: Any) -> str:
    """``'duckdb'`` or ``'pyspark'`` (the Ibis backend name)."""
    return str(backend.name)


def resolve_backend(engine: Any) -> Any:
    """Turn an ``engine=`` argument ("duckdb", a SparkSession, an Ibis backend) into a backend."""
    if engine is None or (isinstance(engine, str) and engine == "duckdb"):
        return duckdb_backend()
    if isinstance(engine, str):
        raise DataError(
            "engine must be 'duckdb', a pyspark.sql.SparkSession or an Ibis backend; "
            f"got {engine!r}"
        )
    if getattr(engine, "name", None) in ("duckdb", "pyspark") and hasattr(engine, "table"):
        return engine
    return spark_backend(engine)


def register_pandas(df: pd.DataFrame, backend: Any) -> ir.Table:
    """Copy a pandas frame into the engine and return it as an Ibis table."""
    name = _fresh_name("events")
    if backend_name(backend) == "duckdb":
        raw = backend.con
        view = name + "_view"
        raw.register(view, df)
        try:
            raw.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM "{view}"')
        except Exception as exc:
            raise _translate(exc) from exc
        finally:
            raw.unregister(view)
        return table_of(backend, name)
    if backend_name(backend) == "pyspark":
        session = backend._session
        sdf = session.createDataFrame(df)
        sdf.createOrReplaceTempView(name)
        return table_of(backend, name)
    raise EngineError(f"unsupported backend {backend_name(backend)!r}")  # pragma: no cover


def table_from_spark(spark_df: Any) -> tuple[ir.Table, Any]:
    """Register a Spark DataFrame as a temp view and return (Ibis table, backend)."""
    backend = spark_backend(spark_df.sparkSession)
    name = _fresh_name("spark")
    spark_df.createOrReplaceTempView(name)
    return table_of(backend, name), backend


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _is_glob(path: str) -> bool:
    return any(ch in path for ch in "*?[")


def read_parquet(path: str | os.PathLike[str], backend: Any) -> tuple[ir.Table, str]:
    """Lazily open Parquet file(s) and return (table, name of the input-order column).

    On DuckDB the input order is kept as ``(filename, file_row_number)`` so ties in time keep
    the order rows have in the files, without reading anything now.
    """
    path = os.fspath(path)
    if backend_name(backend) == "duckdb":
        files = sorted(_glob.glob(path, recursive=True)) if _is_glob(path) else [path]
        if not files:
            raise DataError(f"path: the pattern {path!r} matches no file")
        if not os.path.exists(files[0]):
            raise DataError(f"path: no such file {path!r}")
        name = _fresh_name("parquet")
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        ranks = ", ".join("('" + f.replace("'", "''") + f"', {i})" for i, f in enumerate(files))
        # input order = (file rank, row number in file), packed in one integer without a sort
        sql = (
            f'CREATE TEMP VIEW "{name}" AS SELECT r.* EXCLUDE (filename, file_row_number), '
            f"f.rank * {2**40} + r.file_row_number AS __cjlib_seq "
            f"FROM read_parquet([{listed}], filename = true, file_row_number = true) r "
            f"JOIN (VALUES {ranks}) f(fname, rank) ON r.filename = f.fname"
            if len(files) > 1
            else f'CREATE TEMP VIEW "{name}" AS SELECT * EXCLUDE (file_row_number), '
            f"file_row_number AS __cjlib_seq "
            f"FROM read_parquet([{listed}], file_row_number = true)"
        )
        try:
            backend.con.execute(sql)
        except Exception as exc:
            translated = _translate(exc, what=f"reading Parquet {path!r}")
            if type(translated) is EngineError and "InvalidInput" in type(exc).__name__:
                raise file_format_error(
                    path, exc, kind="Parquet", what="path", allowed="Parquet file(s)"
                ) from None
            raise translated from exc
        return table_of(backend, name), "__cjlib_seq"

    from pyspark.sql import functions as sf

    session = backend._session
    if _URI.match(path):  # s3a://, hdfs://, file://...: Spark lists and globs them itself
        files = [path]
    else:
        files = sorted(_glob.glob(path, recursive=True)) if _is_glob(path) else [path]
    if not files:
        raise DataError(f"path: the pattern {path!r} matches no file")
    try:
        sdf = session.read.parquet(*files)
        # input order = (rank of the file in name order, row index inside the file)
        names = [r[0] for r in sdf.select("_metadata.file_path").distinct().collect()]
        ranks = sf.create_map(
            *[x for i, f in enumerate(sorted(names)) for x in (sf.lit(f), sf.lit(i))]
        )
        seq = ranks[sf.col("_metadata.file_path")].cast("long") * sf.lit(2**40) + sf.col(
            "_metadata.row_index"
        )
        sdf = sdf.withColumn("__cjlib_seq", seq)
    except Exception as exc:
        raise _translate(exc, what=f"reading Parquet {path!r}") from exc
    name = _fresh_name("parquet")
    sdf.createOrReplaceTempView(name)
    return table_of(backend, name), "__cjlib_seq"


@ibis.udf.scalar.builtin(name="epoch_us")
def _duckdb_epoch_us(t: dt.timestamp) -> dt.int64:  # type: ignore[empty-body]
    """DuckDB ``epoch_us``: microseconds since the Unix epoch."""


@ibis.udf.scalar.builtin(name="unix_micros")
def _spark_unix_micros(t: dt.timestamp) -> dt.int64:  # type: ignore[empty-body]
    """Spark ``unix_micros``: microseconds since the Unix epoch."""


def epoch_micros(column: ir.TimestampValue, backend: Any) -> ir.IntegerValue:
    """Microseconds since the Unix epoch, exactly, on every engine.

    The one place cjlib turns times into numbers. Ibis's ``epoch_seconds()`` is not used: on
    DuckDB it is typed as an integer but returns fractions, and on Spark it truncates to
    whole seconds; both engines have an exact microsecond function, picked here.
    """
    if backend_name(backend) == "duckdb":
        return _duckdb_epoch_us(column)
    return _spark_unix_micros(column)


@ibis.udf.scalar.builtin(name="make_timestamp")
def _duckdb_make_timestamp(us: dt.int64) -> dt.timestamp:  # type: ignore[empty-body]
    """DuckDB ``make_timestamp(bigint)``: a timestamp from microseconds since the epoch."""


@ibis.udf.scalar.builtin(name="timestamp_micros")
def _spark_timestamp_micros(us: dt.int64) -> dt.timestamp:  # type: ignore[empty-body]
    """Spark ``timestamp_micros``: a timestamp from microseconds since the epoch."""


def micros_to_time(column: ir.IntegerValue, backend: Any) -> ir.TimestampValue:
    """A tz-naive UTC timestamp from whole microseconds since the Unix epoch, exactly.

    The inverse of :func:`epoch_micros`; Ibis's ``as_timestamp("us")`` is not supported on
    DuckDB, so both engines' own functions are picked here.
    """
    if backend_name(backend) == "duckdb":
        return _duckdb_make_timestamp(column.cast("int64"))
    return _spark_timestamp_micros(column.cast("int64"))


def text_to_utc(column: ir.StringValue, backend: Any) -> ir.TimestampValue:
    """ISO text to tz-naive UTC times: offsets honoured, naive text read as UTC, bad -> null.

    DuckDB's cast of text to ``TIMESTAMP`` drops an offset silently ('03:30+02:00' becomes
    03:30), so on DuckDB the text goes through ``TIMESTAMPTZ`` in the session zone (UTC).
    Spark's cast to its timestamp type honours offsets already.
    """
    if backend_name(backend) == "duckdb":
        return column.try_cast(dt.Timestamp(timezone="UTC")).cast(dt.Timestamp())
    return column.try_cast("timestamp")


def read_json_lines(path: str | os.PathLike[str], backend: Any) -> ir.Table:
    """Lazily open newline-delimited JSON file(s) (``.gz`` too) as an Ibis table.

    Nested objects become structs and arrays lists. The whole input is sampled to infer the
    schema, so a key that first appears late in a file is not lost. JSON lines have no row
    numbers in DuckDB, so no input order is returned: ties in time are broken by content.
    """
    path = os.fspath(path)
    if _URI.match(path):
        files = [path]
    else:
        files = sorted(_glob.glob(path, recursive=True)) if _is_glob(path) else [path]
        if not files:
            raise DataError(f"path: the pattern {path!r} matches no file")
        if not os.path.exists(files[0]):
            raise DataError(f"path: no such file {path!r}")
    name = _fresh_name("json")
    if backend_name(backend) == "duckdb":
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        sql = (
            f'CREATE TEMP VIEW "{name}" AS SELECT * FROM read_json([{listed}], '
            "format = 'newline_delimited', sample_size = -1)"
        )
        try:
            backend.con.execute(sql)
        except Exception as exc:
            raise _translate(exc, what=f"reading JSON lines {path!r}") from exc
        return backend.table(name)
    try:
        sdf = backend._session.read.json(files)
    except Exception as exc:
        raise _translate(exc, what=f"reading JSON lines {path!r}") from exc
    sdf.createOrReplaceTempView(name)
    return backend.table(name)


@contextlib.contextmanager
def materialized(expr: ir.Table, backend: Any) -> Iterator[ir.Table]:
    """Compute ``expr`` once into an engine-side temporary table, dropped on exit.

    Used before an exact median over a window function's output: DuckDB 2.0 otherwise
    spills gigabytes to disk even on 10M-event logs and runs 3-4x slower (see ADR 0004).
    On Spark the plan is used unchanged.

    Examples
    --------
    >>> import ibis
    >>> backend = duckdb_backend()
    >>> with materialized(ibis.memtable({"x": [1, 2]}), backend) as t:
    ...     int(execute(t.x.sum(), backend))
    3
    """
    if backend_name(backend) != "duckdb":
        yield expr
        return
    name = _fresh_name("tmp")
    try:
        # create_table (not raw SQL) so in-memory tables the expression uses get registered
        with quiet_dependencies():
            table = backend.create_table(name, obj=expr, temp=True)
    except Exception as exc:
        raise _translate(exc) from exc
    try:
        yield table
    finally:
        backend.con.execute(f'DROP TABLE IF EXISTS "{name}"')


def stored(expr: ir.Table, backend: Any) -> ir.Table:
    """Compute ``expr`` once into a session-lifetime temporary table (DuckDB) and return it.

    Used by the export loaders: unnesting records and stitching identities would otherwise be
    recomputed by every query on the log. On Spark the plan is returned unchanged.
    """
    if backend_name(backend) != "duckdb":
        return expr
    name = _fresh_name("stored")
    try:
        with quiet_dependencies():
            return backend.create_table(name, obj=expr, temp=True)
    except Exception as exc:
        raise _translate(exc, what="reading the export") from exc


@contextlib.contextmanager
def quiet_dependencies() -> Iterator[None]:
    """Hide deprecation warnings raised inside Ibis/DuckDB by their calls to each other.

    Ibis 12 calls ``fetch_arrow_table``/``fetch_record_batch``, which DuckDB 2.0 deprecates.
    Nothing cjlib or its user can change; such a warning must not reach the user. Only these
    two messages are hidden, and only while cjlib is inside an engine call.
    """
    with warnings.catch_warnings():
        for method in ("fetch_arrow_table", "fetch_record_batch"):
            warnings.filterwarnings(
                "ignore", message=rf"{method}\(\) is deprecated", category=DeprecationWarning
            )
        yield


def table_of(backend: Any, name: str) -> ir.Table:
    """``backend.table(name)`` (its schema query goes through a deprecated DuckDB method)."""
    with quiet_dependencies():
        return backend.table(name)


def execute(expr: ir.Expr, backend: Any | None = None) -> Any:
    """Run an expression and return pandas, turning engine failures into cjlib errors."""
    try:
        with quiet_dependencies():
            if backend is None:
                return expr.execute()
            return backend.execute(expr)
    except (DataError, EngineError):
        raise
    except Exception as exc:
        raise _translate(exc) from exc


def _translate(exc: BaseException, *, what: str = "running the query") -> Exception:
    text = str(exc)
    low = text.lower()
    if "out of memory" in low or "outofmemory" in low or "java heap space" in low:
        return EngineError(
            f"the engine ran out of memory while {what} (memory_limit="
            f"{_settings.memory_limit}). Raise it with cjlib.events.configure_duckdb("
            "memory_limit=...) or use Spark for this log. Engine said: " + text.splitlines()[0]
        )
    if (
        "no space left" in low
        or "max_temp_directory_size" in low
        or "maximum temp directory size" in low
    ):
        return EngineError(
            f"the engine ran out of temporary disk space while {what} (temp_directory="
            f"{_settings.temp_directory!r}, max_temp_directory_size="
            f"{_settings.max_temp_directory_size}). Free space or raise the limit with "
            "cjlib.events.configure_duckdb(...). Engine said: " + text.splitlines()[0]
        )
    if "no files found" in low or "no such file" in low or "path does not exist" in low:
        return DataError(f"{what}: {text.splitlines()[0]}")
    first = text.strip().splitlines()[0] if text.strip() else ""
    return EngineError(f"the query engine failed while {what}: {type(exc).__name__}: {first[:500]}")


def call_engine(fn: Callable[[], Any], *, what: str) -> Any:
    """Call ``fn`` and translate engine failures into cjlib errors."""
    try:
        return fn()
    except (DataError, EngineError):
        raise
    except Exception as exc:
        raise _translate(exc, what=what) from exc
