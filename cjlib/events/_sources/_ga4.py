"""Google Analytics 4 BigQuery export (``events_YYYYMMDD`` tables) to an :class:`EventLog`.

Schema: "[GA4] BigQuery Export schema", https://support.google.com/analytics/answer/7029846
(also https://developers.google.com/analytics/bigquery/event-schema). One row per event;
``event_params`` and ``user_properties`` are repeated ``RECORD``s of ``key`` and a ``value``
record (``string_value``, ``int_value``, ``float_value``, ``double_value``); ``device``,
``geo``, ``traffic_source`` and ``collected_traffic_source`` are records. Export the tables
to Parquet (``bq extract --destination_format=PARQUET``) or newline-delimited JSON
(``--destination_format=NEWLINE_DELIMITED_JSON``); both keep the nesting.

Choices (documented here and in ``docs/coming-from.md``):

* **time** = ``event_timestamp``, microseconds since the epoch in UTC (exact to 1 µs).
* **customer** = ``user_id`` when set, else ``user_pseudo_id`` (the device/browser id)
  stitched to the first ``user_id`` it was seen with (see :mod:`._identity`).
* **event** = ``event_name``.
* **session** = ``user_pseudo_id`` + ``"."`` + the ``ga_session_id`` event parameter:
  ``ga_session_id`` is only unique per user, so Google's docs pair it with the user.
* **channel** (``channel=``): ``"medium"`` (default) the event's own ``medium`` parameter,
  else ``collected_traffic_source.manual_medium``; ``"first_medium"`` the user-scoped
  ``traffic_source.medium`` (how the user was *first* acquired, the same on every event);
  ``"device"`` ``device.category``; ``None`` none.
* **value** = ``event_value_in_usd`` (the ``value`` parameter converted to USD, so one
  currency across events).
* attributes kept: ``user_id``, ``anonymous_id`` (= ``user_pseudo_id``), ``event_date``,
  ``page_location``, ``medium``, ``source``, ``campaign`` (event parameters, else the
  collected traffic source), ``first_medium``, ``first_source``, ``device_category``,
  ``country``, ``platform``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from cjlib.errors import DataError
from cjlib.events._sources._shared import Export, first_of, open_export, to_log

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["read_ga4"]

_CHANNELS = ("medium", "first_medium", "device", None)


def _param(export: Export, key: str, kind: str) -> ir.Value:
    """One event parameter: its string (``kind="string"``) or numeric value, else null."""
    if not export.has("event_params"):
        return ibis.null("string" if kind == "string" else "float64")
    params = export.table["event_params"]
    hit = params.filter(lambda p: p.key == key)
    value_type = params.type().value_type["value"]

    def member(name: str, type_: str) -> ir.Value:
        if name not in value_type.names:
            return ibis.null(type_)
        return hit.map(lambda p: p.value[name])[0].cast(type_)

    if kind == "string":
        return first_of(
            member("string_value", "string"),
            member("int_value", "string"),
            member("double_value", "string"),
        )
    return ibis.coalesce(
        member("double_value", "float64"),
        member("float_value", "float64"),
        member("int_value", "float64"),
    )


def read_ga4(
    path: str | os.PathLike[str],
    *,
    channel: str | None = "medium",
    stitch: bool = True,
    customer_col: str = "customer_id",
    id_dtype: str | None = None,
    format: str | None = None,
    dedupe: bool = False,
    validate: bool = True,
    engine: Any = "duckdb",
) -> EventLog:
    """Read a GA4 BigQuery export (Parquet or newline-delimited JSON) into an event log.

    Parameters
    ----------
    path : str or path-like
        A file or a glob (``"events_2024*.parquet"``) of exported ``events_*`` tables.
    channel : {"medium", "first_medium", "device", None}
        Where the channel comes from (see the module notes): the event's medium parameter
        (default), the user's first-acquisition medium, the device category, or none.
    stitch : bool
        Join a browser's anonymous events to the user id it logged in as (default). False
        keeps ``user_pseudo_id`` as the customer of every event without a ``user_id``.
    customer_col : str
        The name of the customer column: signals, journeys and every per-customer table
        come back keyed by it, ready to merge into your own customer table.
    id_dtype : {None, "int64"}
        ``"int64"`` gives integer customer ids (user ids exported as text, ``"1042"``);
        refused, with examples, when a customer's id is not an integer (a device that never
        logged in). None (default) keeps text ids.
    format : {"parquet", "json", None}
        The file format; by default taken from the file name.
    dedupe, validate, engine
        As in :meth:`EventLog.read_parquet`.

    Returns
    -------
    EventLog

    Raises
    ------
    SchemaError
        The file lacks ``event_timestamp``, ``event_name`` or ``user_pseudo_id``.

    Examples
    --------
    >>> from cjlib.events import read_ga4
    >>> log = read_ga4("events_20240401.parquet")  # doctest: +SKIP
    >>> log.columns[:3]  # doctest: +SKIP
    ['customer_id', 'timestamp', 'event']
    """
    if channel not in _CHANNELS:
        raise DataError(f"channel must be one of {list(_CHANNELS)}; got {channel!r}")
    export = open_export(path, format=format, engine=engine, tool="GA4")
    export.require(["event_timestamp", "event_name", "user_pseudo_id"])
    f = export.field
    pseudo = f("user_pseudo_id")
    medium = first_of(
        _param(export, "medium", "string"), f("collected_traffic_source.manual_medium")
    )
    source = first_of(
        _param(export, "source", "string"), f("collected_traffic_source.manual_source")
    )
    campaign = first_of(
        _param(export, "campaign", "string"), f("collected_traffic_source.manual_campaign_name")
    )
    channels = {
        "medium": medium,
        "first_medium": f("traffic_source.medium"),
        "device": f("device.category"),
        None: ibis.null("string"),
    }
    session_number = _param(export, "ga_session_id", "string")
    session = ibis.ifelse(
        session_number.isnull(), ibis.null("string"), pseudo + "." + session_number
    )
    return to_log(
        export,
        user=f("user_id"),
        anonymous=pseudo,
        time=export.epoch("event_timestamp", "us"),
        event=f("event_name"),
        channel=channels[channel],
        session=session,
        value=f("event_value_in_usd", "float64"),
        attributes={
            "user_id": f("user_id"),
            "anonymous_id": pseudo,
            "event_date": f("event_date"),
            "page_location": _param(export, "page_location", "string"),
            "medium": medium,
            "source": source,
            "campaign": campaign,
            "first_medium": f("traffic_source.medium"),
            "first_source": f("traffic_source.source"),
            "device_category": f("device.category"),
            "country": f("geo.country"),
            "platform": f("platform"),
        },
        keep=None,
        id_fields="user_id/user_pseudo_id",
        stitch=stitch,
        customer_col=customer_col,
        id_dtype=id_dtype,
        dedupe=dedupe,
        validate=validate,
    )
