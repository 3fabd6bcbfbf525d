"""Snowplow atomic events (the ``atomic.events`` table or enriched JSON) to an :class:`EventLog`.

Schema: "Snowplow atomic event properties", https://docs.snowplow.io/docs/fundamentals/canonical-event/
and "Introduction to the atomic events table",
https://docs.snowplow.io/docs/fundamentals/warehouse-tables/. The table is wide and flat
(``app_id``, ``platform``, ``collector_tstamp``, ``derived_tstamp``, ``event``, ``event_id``,
``event_name``, ``user_id``, ``domain_userid``, ``network_userid``, ``domain_sessionid``,
``mkt_medium``, ``refr_medium``, ``se_category``, ``se_action``, ``se_value`` …) with entities
and self-describing events as extra nested columns
(``contexts_com_snowplowanalytics_snowplow_web_page_1`` arrays of records) on BigQuery,
Snowflake, Databricks and lake loaders. The Snowplow Analytics SDKs turn enriched events
into the same flat JSON, one object per line, which this loader reads too.

Choices:

* **time** = ``derived_tstamp`` (Snowplow's best estimate of when the event happened,
  corrected for device clock skew), else ``collector_tstamp``.
* **customer** = ``user_id``, else ``domain_userid`` (the first-party cookie) stitched to the
  first ``user_id`` it was seen with (see :mod:`._identity`); ``anonymous_col=
  "network_userid"`` uses the third-party cookie instead.
* **event** = ``se_action`` for structured events (``event == "struct"``, whose
  ``event_name`` is the generic ``"event"``), else ``event_name``, else ``event``.
* **session** = ``domain_sessionid`` (a UUID, unique on its own).
* **channel** = ``mkt_medium`` (campaign attribution), else ``refr_medium`` (the referrer's
  class: search, social, internal …); **value** = ``se_value``, else ``tr_total``.
* attributes kept: ``user_id``, ``anonymous_id``, ``event_id``, ``app_id``, ``platform``,
  ``page_url``, ``se_category``, ``se_label``, ``mkt_source``, ``mkt_campaign``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import ibis

from cjlib.errors import DataError
from cjlib.events._sources._shared import first_of, open_export, to_log

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["read_snowplow"]

_ANONYMOUS = ("domain_userid", "network_userid")


def read_snowplow(
    path: str | os.PathLike[str],
    *,
    anonymous_col: str = "domain_userid",
    stitch: bool = True,
    customer_col: str = "customer_id",
    id_dtype: str | None = None,
    format: str | None = None,
    dedupe: bool = False,
    validate: bool = True,
    engine: Any = "duckdb",
) -> EventLog:
    """Read Snowplow atomic events (Parquet or newline-delimited JSON) into an event log.

    Parameters
    ----------
    path : str or path-like
        A file or glob of atomic events.
    anonymous_col : {"domain_userid", "network_userid"}
        The anonymous id stitched to ``user_id``: the first-party cookie (default) or the
        collector's third-party cookie.
    stitch, customer_col, id_dtype, format, dedupe, validate, engine
        As in :func:`read_ga4`.

    Returns
    -------
    EventLog

    Examples
    --------
    >>> from cjlib.events import read_snowplow
    >>> log = read_snowplow("atomic_events/*.parquet")  # doctest: +SKIP
    """
    if anonymous_col not in _ANONYMOUS:
        raise DataError(f"anonymous_col must be one of {list(_ANONYMOUS)}; got {anonymous_col!r}")
    export = open_export(path, format=format, engine=engine, tool="Snowplow")
    export.require(["collector_tstamp", "event", "event_id", anonymous_col])
    f = export.field
    kind = f("event")
    event = ibis.ifelse(
        (kind == "struct") & f("se_action").notnull(),
        f("se_action"),
        first_of(f("event_name"), kind),
    )
    return to_log(
        export,
        user=f("user_id"),
        anonymous=f(anonymous_col),
        time=ibis.coalesce(export.time("derived_tstamp"), export.time("collector_tstamp")),
        event=event,
        channel=first_of(f("mkt_medium"), f("refr_medium")),
        session=f("domain_sessionid"),
        value=ibis.coalesce(f("se_value", "float64"), f("tr_total", "float64")),
        attributes={
            "user_id": f("user_id"),
            "anonymous_id": f(anonymous_col),
            "event_id": f("event_id"),
            "app_id": f("app_id"),
            "platform": f("platform"),
            "page_url": f("page_url"),
            "se_category": f("se_category"),
            "se_label": f("se_label"),
            "mkt_source": f("mkt_source"),
            "mkt_campaign": f("mkt_campaign"),
        },
        keep=None,
        id_fields=f"user_id/{anonymous_col}",
        stitch=stitch,
        customer_col=customer_col,
        id_dtype=id_dtype,
        dedupe=dedupe,
        validate=validate,
    )
