"""Mixpanel raw event export to an :class:`EventLog`.

Schema: "Export Methods" / Raw Event Export API, https://docs.mixpanel.com/docs/export-methods
and https://developer.mixpanel.com/reference/raw-event-export: newline-delimited JSON, one
``{"event": ..., "properties": {...}}`` object per line; ``properties.time`` is in seconds
since the epoch (milliseconds with ``time_in_ms=true``), ``properties.distinct_id`` the
identity as sent, ``$device_id`` / ``$user_id`` the ids of Simplified ID Merge
(https://docs.mixpanel.com/docs/tracking-methods/id-management), ``$insert_id`` the
deduplication key; every other property is free. Parquet with the same nesting (e.g. a
data-pipeline export) is read the same way.

Choices:

* **time** = ``properties.time`` in ``time_unit`` (``"s"`` by default, ``"ms"`` for
  ``time_in_ms`` exports), UTC.
* **customer** = ``$user_id``, else ``$device_id`` stitched to the first ``$user_id`` it was
  seen with (see :mod:`._identity`; Mixpanel's own rule merges a device into one user
  only). Events with neither take ``distinct_id`` (without a ``$device:`` prefix).
* **event** = ``event``; **channel** = ``properties.utm_medium``; **session**: none (Mixpanel
  computes sessions at query time; use ``log.sessions()``); **value** = the property named
  by ``value_property`` (Mixpanel has no standard amount), else none.
* attributes kept: ``user_id``, ``anonymous_id`` (= ``$device_id``), ``distinct_id``,
  ``insert_id``, ``os``, ``current_url``, ``utm_source``, ``utm_campaign``.

Raw exports are not deduplicated by Mixpanel; pass ``dedupe=True`` to drop identical events.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import ibis

from cjlib.errors import DataError
from cjlib.events._sources._shared import first_of, open_export, to_log

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["read_mixpanel"]

_UNITS = ("s", "ms")


def read_mixpanel(
    path: str | os.PathLike[str],
    *,
    time_unit: str = "s",
    value_property: str | None = None,
    stitch: bool = True,
    customer_col: str = "customer_id",
    id_dtype: str | None = None,
    format: str | None = None,
    dedupe: bool = False,
    validate: bool = True,
    engine: Any = "duckdb",
) -> EventLog:
    """Read a Mixpanel raw export (newline-delimited JSON or Parquet) into an event log.

    Parameters
    ----------
    path : str or path-like
        A file or glob of exported events.
    time_unit : {"s", "ms"}
        The unit of ``properties.time``: seconds (the export's default) or milliseconds
        (exports made with ``time_in_ms=true``).
    value_property : str, optional
        The event property holding an amount (e.g. ``"Amount"``), read as the value.
    stitch, customer_col, id_dtype, format, dedupe, validate, engine
        As in :func:`read_ga4`.

    Returns
    -------
    EventLog

    Examples
    --------
    >>> from cjlib.events import read_mixpanel
    >>> log = read_mixpanel("export.jsonl", value_property="Amount")  # doctest: +SKIP
    """
    if time_unit not in _UNITS:
        raise DataError(f"time_unit must be one of {list(_UNITS)}; got {time_unit!r}")
    export = open_export(path, format=format, engine=engine, tool="Mixpanel")
    export.require(["event", "properties.time"])
    if value_property is not None and not export.has(f"properties.{value_property}"):
        raise DataError(
            f"value_property: no event has a property {value_property!r} in {os.fspath(path)!r}"
        )
    f = export.field
    distinct = f("properties.distinct_id")
    device_from_distinct = ibis.ifelse(
        distinct.startswith("$device:"), distinct.substr(len("$device:")), ibis.null("string")
    )
    user_from_distinct = ibis.ifelse(distinct.startswith("$device:"), ibis.null("string"), distinct)
    device = first_of(f("properties.$device_id"), device_from_distinct)
    user = ibis.ifelse(
        f("properties.$user_id").notnull() | device.notnull(),
        f("properties.$user_id"),
        user_from_distinct,
    )
    value = (
        f(f"properties.{value_property}", "float64")
        if value_property is not None
        else ibis.null("float64")
    )
    return to_log(
        export,
        user=user,
        anonymous=device,
        time=export.epoch("properties.time", time_unit),
        event=f("event"),
        channel=f("properties.utm_medium"),
        session=ibis.null("string"),
        value=value,
        attributes={
            "user_id": f("properties.$user_id"),
            "anonymous_id": device,
            "distinct_id": distinct,
            "insert_id": f("properties.$insert_id"),
            "os": f("properties.$os"),
            "current_url": f("properties.$current_url"),
            "utm_source": f("properties.utm_source"),
            "utm_campaign": f("properties.utm_campaign"),
        },
        keep=None,
        id_fields="properties.$user_id/$device_id/distinct_id",
        stitch=stitch,
        customer_col=customer_col,
        id_dtype=id_dtype,
        dedupe=dedupe,
        validate=validate,
    )
