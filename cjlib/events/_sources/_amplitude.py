"""Amplitude Export API events to an :class:`EventLog`.

Schema: "Export API", https://amplitude.com/docs/apis/analytics/export (a zip of gzipped
newline-delimited JSON, one event per line, timestamps in UTC) and the event fields of the
HTTP V2 API, https://amplitude.com/docs/apis/analytics/http-v2: ``event_type``, ``user_id``,
``device_id``, ``amplitude_id``, ``event_time`` (``"YYYY-MM-DD HH:MM:SS.ffffff"`` UTC),
``session_id`` (the session's start in epoch milliseconds, -1 outside a session),
``event_properties`` and ``user_properties`` objects, ``platform``, ``country``,
``$insert_id``. Warehouse exports (S3, Snowflake, BigQuery) carry the same fields; their
Parquet files are read the same way.

Choices:

* **time** = ``event_time`` (text read as UTC, or a timestamp); an upload-API-shaped file
  with ``time`` in epoch milliseconds instead is read too.
* **customer** = ``user_id``, else ``device_id`` stitched to the first ``user_id`` it was seen
  with (see :mod:`._identity`). Amplitude's own merged ``amplitude_id`` is kept as an
  attribute (pass it as the customer with ``EventLog.from_ibis`` if you prefer its merge).
* **event** = ``event_type``.
* **session** = ``device_id`` + ``"."`` + ``session_id``; ``session_id`` -1 (outside a
  session) gives no session.
* **channel** = ``user_properties.utm_medium`` (the SDK's attribution tracking), else
  ``event_properties.utm_medium``; **value** = ``event_properties.$revenue``, else
  ``revenue`` (the revenue API's fields).
* attributes kept: ``user_id``, ``anonymous_id`` (= ``device_id``), ``amplitude_id``,
  ``insert_id``, ``platform``, ``country``, ``os_name``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import ibis

from cjlib.events._sources._shared import first_of, open_export, to_log

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["read_amplitude"]


def read_amplitude(
    path: str | os.PathLike[str],
    *,
    stitch: bool = True,
    customer_col: str = "customer_id",
    id_dtype: str | None = None,
    format: str | None = None,
    dedupe: bool = False,
    validate: bool = True,
    engine: Any = "duckdb",
) -> EventLog:
    """Read an Amplitude export (newline-delimited JSON or Parquet) into an event log.

    Parameters
    ----------
    path : str or path-like
        A file or glob of exported events (unzip the archive; ``.json.gz`` files are read
        as they are).
    stitch, customer_col, id_dtype, format, dedupe, validate, engine
        As in :func:`read_ga4`.

    Returns
    -------
    EventLog

    Examples
    --------
    >>> from cjlib.events import read_amplitude
    >>> log = read_amplitude("export/123456/*.json.gz")  # doctest: +SKIP
    """
    export = open_export(path, format=format, engine=engine, tool="Amplitude")
    export.require(["event_type", "device_id"])
    if not export.has("event_time"):
        export.require(["time"])
    f = export.field
    device = f("device_id")
    number = f("session_id", "int64")
    session = ibis.ifelse(
        number.isnull() | (number < 0) | device.isnull(),
        ibis.null("string"),
        device + "." + number.cast("string"),
    )
    time = export.time("event_time") if export.has("event_time") else export.epoch("time", "ms")
    return to_log(
        export,
        user=f("user_id"),
        anonymous=device,
        time=time,
        event=f("event_type"),
        channel=first_of(f("user_properties.utm_medium"), f("event_properties.utm_medium")),
        session=session,
        value=ibis.coalesce(f("event_properties.$revenue", "float64"), f("revenue", "float64")),
        attributes={
            "user_id": f("user_id"),
            "anonymous_id": device,
            "amplitude_id": f("amplitude_id"),
            "insert_id": f("$insert_id"),
            "platform": f("platform"),
            "country": f("country"),
            "os_name": f("os_name"),
        },
        keep=None,
        id_fields="user_id/device_id",
        stitch=stitch,
        customer_col=customer_col,
        id_dtype=id_dtype,
        dedupe=dedupe,
        validate=validate,
    )
