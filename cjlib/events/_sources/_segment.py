"""Segment / RudderStack track calls (raw JSON messages) to an :class:`EventLog`.

Schema: the Segment Spec, "Common fields" https://segment.com/docs/connections/spec/common/
and "Track" https://segment.com/docs/connections/spec/track/ (now under
https://www.twilio.com/docs/segment/connections/spec/). RudderStack follows the same spec
(https://www.rudderstack.com/docs/event-spec/standard-events/track/) and adds
``context.sessionId``. Each line of an S3 / data-lake archive is one message: ``type``,
``event``, ``userId``, ``anonymousId``, ``timestamp`` (ISO 8601 with its offset),
``context`` (``campaign``, ``page``, ``device``, ``library`` …) and ``properties``.

Choices:

* **events** = the ``track`` calls; ``identify``, ``page``, ``screen``, ``alias`` and
  ``group`` calls are not events but still link ``anonymousId`` to ``userId``.
* **time** = ``timestamp`` (Segment's event time, corrected for device clock skew), else
  ``originalTimestamp``. Offsets are honoured and every time converted to UTC, so a log
  written in Europe/Paris local time across a summer-time change keeps its order.
* **customer** = ``userId``, else ``anonymousId`` stitched to the first ``userId`` it was seen
  with in any call (see :mod:`._identity`).
* **event** = ``event``; **channel** = ``context.campaign.medium`` (the UTM medium);
  **session** = ``anonymousId`` + ``"."`` + ``context.sessionId`` when present (RudderStack);
  **value** = ``properties.revenue``, else ``properties.value`` (the spec's two amounts).
* attributes kept: ``user_id``, ``anonymous_id``, ``message_id``, ``page_url``,
  ``campaign_source``, ``campaign_name``, ``library``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import ibis

from cjlib.events._sources._shared import open_export, to_log

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._log import EventLog

__all__ = ["read_segment"]


def read_segment(
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
    """Read Segment or RudderStack messages (newline-delimited JSON or Parquet) into a log.

    Parameters
    ----------
    path : str or path-like
        A file or glob of messages, one JSON object per line (``.json``, ``.jsonl``,
        ``.gz``), or Parquet with the same nested fields.
    stitch : bool
        Join anonymous events to the user id the ``anonymousId`` later identified as
        (default). False keeps ``anonymousId`` as the customer when ``userId`` is missing.
    customer_col, id_dtype, format, dedupe, validate, engine
        As in :func:`read_ga4`.

    Returns
    -------
    EventLog

    Examples
    --------
    >>> from cjlib.events import read_segment
    >>> log = read_segment("segment-archive/*.json.gz")  # doctest: +SKIP
    """
    export = open_export(path, format=format, engine=engine, tool="Segment")
    export.require(["type", "event", "timestamp"])
    f = export.field
    anonymous = f("anonymousId")
    session_number = f("context.sessionId")
    session = ibis.ifelse(
        session_number.isnull() | anonymous.isnull(),
        ibis.null("string"),
        anonymous + "." + session_number,
    )
    time = ibis.coalesce(export.time("timestamp"), export.time("originalTimestamp"))
    return to_log(
        export,
        user=f("userId"),
        anonymous=anonymous,
        time=time,
        event=f("event"),
        channel=f("context.campaign.medium"),
        session=session,
        value=ibis.coalesce(f("properties.revenue", "float64"), f("properties.value", "float64")),
        attributes={
            "user_id": f("userId"),
            "anonymous_id": anonymous,
            "message_id": f("messageId"),
            "page_url": f("context.page.url"),
            "campaign_source": f("context.campaign.source"),
            "campaign_name": f("context.campaign.name"),
            "library": f("context.library.name"),
        },
        keep=f("type") == "track",
        id_fields="userId/anonymousId",
        stitch=stitch,
        customer_col=customer_col,
        id_dtype=id_dtype,
        dedupe=dedupe,
        validate=validate,
    )
