"""Event exports of five analytics tools in their real shapes, for tests to import.

Every tool's file describes the same hand-made scenario (:data:`SCENARIO`) of four people,
so each loader must give back the same journeys (:data:`EXPECTED`):

* person A browses anonymously on device ``anon-1``, logs in as ``u1``, buys for 30.00
  across the Europe/Paris summer-time change (2024-03-31 01:00 UTC), then logs in again
  from a second device ``anon-2``;
* person B browses on ``anon-3`` and never logs in;
* a shared device ``anon-4`` logs in as ``u2`` and later as ``u3``; its one anonymous event
  after ``u3``'s login still belongs to ``u2``, the device's first user (the stitching rule).

The records follow each tool's public schema (links in each writer), nested as the tool
exports them: GA4 ``event_params`` repeated key/value records, Segment ``context``
objects, Snowplow context arrays, Amplitude ``event_properties`` / ``user_properties``,
Mixpanel ``properties``. Writers produce Parquet (via pyarrow with the documented types)
or newline-delimited JSON.

Examples
--------
>>> len(SCENARIO), len(EXPECTED), sorted(set(EXPECTED["customer_id"]))
(13, 13, ['anon-3', 'u1', 'u2', 'u3'])
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "EXPECTED",
    "EXPECTED_UNSTITCHED",
    "SCENARIO",
    "SESSION_START",
    "write_amplitude",
    "write_ga4",
    "write_mixpanel",
    "write_segment",
    "write_snowplow",
]

# (anonymous id, user id, UTC time, event, medium, session key, value)
SCENARIO: list[tuple[str, str | None, str, str, str, str, float | None]] = [
    ("anon-1", None, "2024-03-30 23:50:00", "page_view", "email", "s1", None),
    ("anon-1", None, "2024-03-31 00:10:00", "view_item", "email", "s1", None),
    ("anon-1", "u1", "2024-03-31 01:30:00", "login", "email", "s1", None),
    ("anon-1", "u1", "2024-03-31 01:45:00", "purchase", "email", "s1", 30.0),
    ("anon-2", None, "2024-04-02 09:00:00", "page_view", "cpc", "s2", None),
    ("anon-2", "u1", "2024-04-02 09:05:00", "login", "cpc", "s2", None),
    ("anon-3", None, "2024-04-01 12:00:00", "page_view", "organic", "s3", None),
    ("anon-3", None, "2024-04-01 12:01:00", "view_item", "organic", "s3", None),
    ("anon-4", None, "2024-04-03 08:00:00", "page_view", "cpc", "s4", None),
    ("anon-4", "u2", "2024-04-03 08:02:00", "login", "cpc", "s4", None),
    ("anon-4", "u3", "2024-04-05 18:00:00", "login", "email", "s5", None),
    ("anon-4", None, "2024-04-05 18:10:00", "view_item", "email", "s5", None),
    ("anon-4", "u3", "2024-04-05 18:20:00", "purchase", "email", "s5", 12.5),
]

# epoch seconds of each session's start (GA4 ga_session_id, Amplitude session_id / 1000)
SESSION_START = {
    "s1": 1711842600,  # 2024-03-30 23:50:00 UTC
    "s2": 1712048400,  # 2024-04-02 09:00:00 UTC
    "s3": 1711972800,  # 2024-04-01 12:00:00 UTC
    "s4": 1712131200,  # 2024-04-03 08:00:00 UTC
    "s5": 1712340000,  # 2024-04-05 18:00:00 UTC
}

# the customer of each scenario row, worked out by hand from the rule in the docstring
_CUSTOMER = ["u1", "u1", "u1", "u1", "u1", "u1", "anon-3", "anon-3", "u2", "u2", "u3", "u2", "u3"]
# without stitching: the user id when present, else the anonymous id
_UNSTITCHED = [
    "anon-1", "anon-1", "u1", "u1", "anon-2", "u1", "anon-3", "anon-3",
    "anon-4", "u2", "u3", "anon-4", "u3",
]

EXPECTED = pd.DataFrame(
    {
        "customer_id": _CUSTOMER,
        "timestamp": pd.to_datetime([r[2] for r in SCENARIO]),
        "event": [r[3] for r in SCENARIO],
        "channel": [r[4] for r in SCENARIO],
        "value": [float("nan") if r[6] is None else r[6] for r in SCENARIO],
    }
)
EXPECTED_UNSTITCHED = EXPECTED.assign(customer_id=_UNSTITCHED)

_PARIS_WINTER = timezone(timedelta(hours=1))
_PARIS_SUMMER = timezone(timedelta(hours=2))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _paris_iso(text: str) -> str:
    """The UTC time written as Europe/Paris local time with its offset (+01:00 / +02:00)."""
    moment = _utc(text)
    zone = _PARIS_SUMMER if moment >= _utc("2024-03-31 01:00:00") else _PARIS_WINTER
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def _micros(text: str) -> int:
    return int(_utc(text).timestamp()) * 1_000_000


def _write(records: list[dict[str, Any]], schema: pa.Schema | None, path: Path, fmt: str) -> Path:
    path = Path(path)
    if fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(records, schema=schema), path)
    elif fmt == "json":
        with open(path, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record) + "\n")
    else:  # pragma: no cover - a test-writing mistake
        raise ValueError(fmt)
    return path


# ---------------------------------------------------------------- GA4
_GA4_VALUE = pa.struct(
    [
        ("string_value", pa.string()),
        ("int_value", pa.int64()),
        ("float_value", pa.float64()),
        ("double_value", pa.float64()),
    ]
)
_GA4_KV = pa.list_(pa.struct([("key", pa.string()), ("value", _GA4_VALUE)]))
_GA4_USER_VALUE = pa.struct(
    [
        ("string_value", pa.string()),
        ("int_value", pa.int64()),
        ("float_value", pa.float64()),
        ("double_value", pa.float64()),
        ("set_timestamp_micros", pa.int64()),
    ]
)
GA4_SCHEMA = pa.schema(
    [
        ("event_date", pa.string()),
        ("event_timestamp", pa.int64()),
        ("event_name", pa.string()),
        ("event_params", _GA4_KV),
        ("event_previous_timestamp", pa.int64()),
        ("event_value_in_usd", pa.float64()),
        ("event_bundle_sequence_id", pa.int64()),
        ("event_server_timestamp_offset", pa.int64()),
        ("user_id", pa.string()),
        ("user_pseudo_id", pa.string()),
        (
            "user_properties",
            pa.list_(pa.struct([("key", pa.string()), ("value", _GA4_USER_VALUE)])),
        ),
        ("user_first_touch_timestamp", pa.int64()),
        ("user_ltv", pa.struct([("revenue", pa.float64()), ("currency", pa.string())])),
        (
            "device",
            pa.struct(
                [
                    ("category", pa.string()),
                    ("mobile_brand_name", pa.string()),
                    ("operating_system", pa.string()),
                    ("language", pa.string()),
                    ("web_info", pa.struct([("browser", pa.string()), ("hostname", pa.string())])),
                ]
            ),
        ),
        ("geo", pa.struct([("country", pa.string()), ("city", pa.string())])),
        (
            "traffic_source",
            pa.struct([("name", pa.string()), ("medium", pa.string()), ("source", pa.string())]),
        ),
        (
            "collected_traffic_source",
            pa.struct(
                [
                    ("manual_campaign_name", pa.string()),
                    ("manual_source", pa.string()),
                    ("manual_medium", pa.string()),
                    ("gclid", pa.string()),
                ]
            ),
        ),
        ("stream_id", pa.string()),
        ("platform", pa.string()),
        (
            "ecommerce",
            pa.struct([("purchase_revenue", pa.float64()), ("transaction_id", pa.string())]),
        ),
        (
            "items",
            pa.list_(
                pa.struct(
                    [("item_id", pa.string()), ("item_name", pa.string()), ("price", pa.float64())]
                )
            ),
        ),
        ("is_active_user", pa.bool_()),
        ("batch_event_index", pa.int64()),
    ]
)


def _kv(key: str, *, s: str | None = None, i: int | None = None, d: float | None = None) -> dict:
    return {
        "key": key,
        "value": {"string_value": s, "int_value": i, "float_value": None, "double_value": d},
    }


def ga4_records() -> list[dict[str, Any]]:
    """The scenario as GA4 BigQuery export rows (https://support.google.com/analytics/answer/7029846)."""
    first_medium = {}
    for anon, _user, _t, _e, medium, _s, _v in SCENARIO:
        first_medium.setdefault(anon, medium)
    rows = []
    for i, (anon, user, t, event, medium, session, value) in enumerate(SCENARIO):
        params = [
            _kv("ga_session_id", i=SESSION_START[session]),
            _kv("ga_session_number", i=1),
            _kv("page_location", s=f"https://shop.example/{event}"),
            _kv("engagement_time_msec", i=1200),
        ]
        if event == "page_view":  # the per-event traffic parameters GA4 sets on landing hits
            params += [_kv("medium", s=medium), _kv("source", s="newsletter")]
        if value is not None:
            params += [_kv("value", d=value), _kv("currency", s="USD")]
        rows.append(
            {
                "event_date": t[:10].replace("-", ""),
                "event_timestamp": _micros(t) + 123,  # microsecond precision must survive
                "event_name": event,
                "event_params": params,
                "event_previous_timestamp": None,
                "event_value_in_usd": value,
                "event_bundle_sequence_id": 1000 + i,
                "event_server_timestamp_offset": 512,
                "user_id": user,
                "user_pseudo_id": anon,
                "user_properties": [] if user is None else [
                    {"key": "plan", "value": {"string_value": "free", "int_value": None,
                                              "float_value": None, "double_value": None,
                                              "set_timestamp_micros": _micros(t)}}
                ],
                "user_first_touch_timestamp": _micros("2024-03-30 23:50:00"),
                "user_ltv": {"revenue": 0.0, "currency": "USD"},
                "device": {
                    "category": "mobile" if anon == "anon-2" else "desktop",
                    "mobile_brand_name": None,
                    "operating_system": "Linux",
                    "language": "fr-fr",
                    "web_info": {"browser": "Firefox", "hostname": "shop.example"},
                },
                "geo": {"country": "France", "city": "Paris"},
                "traffic_source": {"name": "(organic)", "medium": first_medium[anon],
                                   "source": "google"},
                "collected_traffic_source": {
                    "manual_campaign_name": "spring",
                    "manual_source": "newsletter",
                    "manual_medium": medium,
                    "gclid": None,
                },
                "stream_id": "1234567890",
                "platform": "WEB",
                "ecommerce": None if value is None else {"purchase_revenue": value,
                                                         "transaction_id": f"T{i}"},
                "items": [] if value is None else [
                    {"item_id": "sku-1", "item_name": "Mug", "price": value}
                ],
                "is_active_user": True,
                "batch_event_index": 0,
            }
        )
    return rows


def write_ga4(path: Path, fmt: str = "parquet") -> Path:
    """Write the scenario as a GA4 export table (``fmt``: ``"parquet"`` or ``"json"``)."""
    return _write(ga4_records(), GA4_SCHEMA, path, fmt)


def ga4_session(anon: str, session: str) -> str:
    """The session id cjlib builds for GA4: user_pseudo_id + '.' + ga_session_id."""
    return f"{anon}.{SESSION_START[session]}"
