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
from datetime import UTC, datetime, timedelta, timezone
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
    "ga4_records_for",
    "segment_records_for",
    "write_amplitude",
    "write_ga4",
    "write_ga4_events",
    "write_mixpanel",
    "write_segment",
    "write_segment_events",
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
    "anon-1",
    "anon-1",
    "u1",
    "u1",
    "anon-2",
    "u1",
    "anon-3",
    "anon-3",
    "anon-4",
    "u2",
    "u3",
    "anon-4",
    "u3",
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
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _paris_iso(text: str) -> str:
    """The UTC time written as Europe/Paris local time with its offset (+01:00 / +02:00)."""
    moment = _utc(text)
    zone = _PARIS_SUMMER if moment >= _utc("2024-03-31 01:00:00") else _PARIS_WINTER
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def _micros(text: str) -> int:
    return int(_utc(text).timestamp()) * 1_000_000


def _inferred_schema(records: list[dict[str, Any]]) -> pa.Schema:
    """One schema for all records (a key absent from the first record is not lost)."""
    schemas = [pa.Table.from_pylist([r]).schema for r in records]
    return pa.unify_schemas(schemas, promote_options="permissive")


def _write(records: list[dict[str, Any]], schema: pa.Schema | None, path: Path, fmt: str) -> Path:
    path = Path(path)
    if fmt == "parquet":
        schema = schema or _inferred_schema(records)
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
                "user_properties": []
                if user is None
                else [
                    {
                        "key": "plan",
                        "value": {
                            "string_value": "free",
                            "int_value": None,
                            "float_value": None,
                            "double_value": None,
                            "set_timestamp_micros": _micros(t),
                        },
                    }
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
                "traffic_source": {
                    "name": "(organic)",
                    "medium": first_medium[anon],
                    "source": "google",
                },
                "collected_traffic_source": {
                    "manual_campaign_name": "spring",
                    "manual_source": "newsletter",
                    "manual_medium": medium,
                    "gclid": None,
                },
                "stream_id": "1234567890",
                "platform": "WEB",
                "ecommerce": None
                if value is None
                else {"purchase_revenue": value, "transaction_id": f"T{i}"},
                "items": []
                if value is None
                else [{"item_id": "sku-1", "item_name": "Mug", "price": value}],
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


# ---------------------------------------------------------------- Segment / RudderStack
def segment_records(flavour: str = "segment") -> list[dict[str, Any]]:
    """The scenario as Segment (or RudderStack) messages: identify + track calls.

    Times are written in Europe/Paris local time with their offsets, crossing the
    2024-03-31 summer-time change (https://segment.com/docs/connections/spec/common/).
    """
    messages = []
    for i, (anon, user, t, event, medium, session, value) in enumerate(SCENARIO):
        context: dict[str, Any] = {
            "ip": "203.0.113.9",
            "library": {"name": "analytics.js", "version": "4.1.0"},
            "locale": "fr-FR",
            "page": {
                "path": f"/{event}",
                "referrer": "",
                "title": event,
                "url": f"https://shop.example/{event}",
            },
            "campaign": {"name": "spring", "source": "newsletter", "medium": medium},
            "userAgent": "Mozilla/5.0",
        }
        if flavour == "rudderstack":
            context["sessionId"] = SESSION_START[session] * 1000
            context["library"] = {"name": "RudderLabs JavaScript SDK", "version": "3.0.0"}
        base = {
            "anonymousId": anon,
            "context": context,
            "integrations": {"All": True},
            "messageId": f"msg-{i}",
            "originalTimestamp": _paris_iso(t),
            "receivedAt": _paris_iso(t),
            "sentAt": _paris_iso(t),
            "timestamp": _paris_iso(t),
            "version": 2,
        }
        if flavour == "rudderstack":
            base["channel"] = "web"
            base["rudderId"] = f"rid-{anon}"
        if user is not None:
            base["userId"] = user
        if event == "login":  # the identify call the login triggers, just before the track
            messages.append(
                {
                    **base,
                    "type": "identify",
                    "messageId": f"id-{i}",
                    "traits": {"email": f"{user}@example.com"},
                }
            )
        properties: dict[str, Any] = {"path": f"/{event}"}
        if value is not None:
            properties.update({"revenue": value, "currency": "EUR", "order_id": f"o{i}"})
        messages.append({**base, "type": "track", "event": event, "properties": properties})
    return messages


def write_segment(path: Path, fmt: str = "json", flavour: str = "segment") -> Path:
    """Write the scenario as Segment/RudderStack messages (NDJSON, or Parquet)."""
    records = segment_records(flavour)
    return _write(records, None, path, fmt)


# ---------------------------------------------------------------- Snowplow
_SNOWPLOW_TS = pa.timestamp("us", tz="UTC")
SNOWPLOW_SCHEMA = pa.schema(
    [
        ("app_id", pa.string()),
        ("platform", pa.string()),
        ("etl_tstamp", _SNOWPLOW_TS),
        ("collector_tstamp", _SNOWPLOW_TS),
        ("dvce_created_tstamp", _SNOWPLOW_TS),
        ("event", pa.string()),
        ("event_id", pa.string()),
        ("name_tracker", pa.string()),
        ("v_tracker", pa.string()),
        ("user_id", pa.string()),
        ("user_ipaddress", pa.string()),
        ("domain_userid", pa.string()),
        ("domain_sessionidx", pa.int32()),
        ("network_userid", pa.string()),
        ("geo_country", pa.string()),
        ("page_url", pa.string()),
        ("page_title", pa.string()),
        ("page_referrer", pa.string()),
        ("refr_medium", pa.string()),
        ("refr_source", pa.string()),
        ("mkt_medium", pa.string()),
        ("mkt_source", pa.string()),
        ("mkt_campaign", pa.string()),
        ("se_category", pa.string()),
        ("se_action", pa.string()),
        ("se_label", pa.string()),
        ("se_property", pa.string()),
        ("se_value", pa.float64()),
        ("tr_total", pa.float64()),
        ("useragent", pa.string()),
        ("domain_sessionid", pa.string()),
        ("derived_tstamp", _SNOWPLOW_TS),
        ("event_vendor", pa.string()),
        ("event_name", pa.string()),
        ("event_format", pa.string()),
        ("event_version", pa.string()),
        ("event_fingerprint", pa.string()),
        ("load_tstamp", _SNOWPLOW_TS),
        (
            "contexts_com_snowplowanalytics_snowplow_web_page_1",
            pa.list_(pa.struct([("id", pa.string())])),
        ),
    ]
)


def snowplow_records(fmt: str = "parquet") -> list[dict[str, Any]]:
    """The scenario as Snowplow atomic events (https://docs.snowplow.io/docs/fundamentals/canonical-event/).

    Page views are ``page_view`` events; the rest are structured events (``event`` =
    ``"struct"``, ``event_name`` = ``"event"``, the action in ``se_action``). Times are
    timestamps in Parquet and ISO text with ``Z`` in JSON (as the Analytics SDKs write them).
    """
    rows = []
    for i, (anon, user, t, event, medium, session, value) in enumerate(SCENARIO):
        moment = _utc(t)
        stamp: Any = moment if fmt == "parquet" else moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        later: Any = (
            moment + timedelta(seconds=2)
            if fmt == "parquet"
            else (moment + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        )
        struct = event != "page_view"
        rows.append(
            {
                "app_id": "shop",
                "platform": "web",
                "etl_tstamp": later,
                # the collector saw the event 2 s late; derived_tstamp is the event time
                "collector_tstamp": later,
                "dvce_created_tstamp": stamp,
                "event": "struct" if struct else "page_view",
                "event_id": f"00000000-0000-4000-8000-{i:012d}",
                "name_tracker": "sp",
                "v_tracker": "js-3.23.0",
                "user_id": user,
                "user_ipaddress": "203.0.113.9",
                "domain_userid": anon,
                "domain_sessionidx": 1,
                "network_userid": f"nuid-{anon}",
                "geo_country": "FR",
                "page_url": f"https://shop.example/{event}",
                "page_title": event,
                "page_referrer": None,
                "refr_medium": "internal",
                "refr_source": None,
                "mkt_medium": medium,
                "mkt_source": "newsletter",
                "mkt_campaign": "spring",
                "se_category": ("ecommerce" if event != "login" else "account") if struct else None,
                "se_action": event if struct else None,
                "se_label": None,
                "se_property": None,
                "se_value": value,
                "tr_total": None,
                "useragent": "Mozilla/5.0",
                "domain_sessionid": f"sess-{session}",
                "derived_tstamp": stamp,
                "event_vendor": "com.google.analytics"
                if struct
                else "com.snowplowanalytics.snowplow",
                "event_name": "event" if struct else "page_view",
                "event_format": "jsonschema",
                "event_version": "1-0-0",
                "event_fingerprint": f"fp{i}",
                "load_tstamp": later,
                "contexts_com_snowplowanalytics_snowplow_web_page_1": [{"id": f"page-{i}"}],
            }
        )
    return rows


def write_snowplow(path: Path, fmt: str = "parquet") -> Path:
    """Write the scenario as Snowplow atomic events (Parquet or enriched NDJSON)."""
    return _write(snowplow_records(fmt), SNOWPLOW_SCHEMA, path, fmt)


# ---------------------------------------------------------------- Amplitude
def amplitude_records(fmt: str = "json") -> list[dict[str, Any]]:
    """The scenario as Amplitude Export API events (https://amplitude.com/docs/apis/analytics/export)."""
    amplitude_ids = {"u1": 501, "u2": 502, "u3": 503, "anon-3": 504, "anon-4": 505}
    rows = []
    for i, (anon, user, t, event, medium, session, value) in enumerate(SCENARIO):
        moment = _utc(t)
        text = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        event_properties: dict[str, Any] = {"path": f"/{event}"}
        if value is not None:
            event_properties.update({"$revenue": value, "$price": value, "$quantity": 1})
        rows.append(
            {
                "$insert_id": f"ins-{i}",
                "amplitude_id": amplitude_ids.get(user or anon, 500),
                "app": 123456,
                "city": "Paris",
                "client_event_time": text,
                "client_upload_time": text,
                "country": "France",
                "data": {"path": "/2/httpapi"},
                "device_id": anon,
                "event_id": i,
                "event_properties": event_properties,
                "event_time": moment.replace(tzinfo=None) if fmt == "parquet" else text,
                "event_type": event,
                "groups": {"company": "acme"},
                "language": "French",
                "library": "amplitude-ts/2.0.0",
                "os_name": "Firefox",
                "platform": "Web",
                "processed_time": text,
                "server_received_time": text,
                "server_upload_time": text,
                "session_id": SESSION_START[session] * 1000,
                "user_id": user,
                "user_properties": {
                    "utm_medium": medium,
                    "utm_source": "newsletter",
                    "initial_utm_medium": medium,
                },
                "uuid": f"uuid-{i}",
            }
        )
    return rows


def write_amplitude(path: Path, fmt: str = "json") -> Path:
    """Write the scenario as an Amplitude export (NDJSON, or Parquet)."""
    records = amplitude_records(fmt)
    return _write(records, None, path, fmt)


def amplitude_session(anon: str, session: str) -> str:
    """The session id cjlib builds for Amplitude: device_id + '.' + session_id (ms)."""
    return f"{anon}.{SESSION_START[session] * 1000}"


# ---------------------------------------------------------------- Mixpanel
def mixpanel_records() -> list[dict[str, Any]]:
    """The scenario as Mixpanel raw export lines (https://docs.mixpanel.com/docs/export-methods).

    Before login ``distinct_id`` is ``$device:<device id>``; after it, the user id, with
    ``$user_id`` and ``$device_id`` both set (Simplified ID Merge).
    """
    rows = []
    for i, (anon, user, t, event, medium, _session, value) in enumerate(SCENARIO):
        properties: dict[str, Any] = {
            "time": int(_utc(t).timestamp()),
            "distinct_id": user if user is not None else f"$device:{anon}",
            "$device_id": anon,
            "$insert_id": f"ins{i:04d}",
            "mp_processing_time_ms": int(_utc(t).timestamp()) * 1000 + 250,
            "mp_lib": "web",
            "$os": "Linux",
            "$browser": "Firefox",
            "$current_url": f"https://shop.example/{event}",
            "utm_medium": medium,
            "utm_source": "newsletter",
            "utm_campaign": "spring",
        }
        if user is not None:
            properties["$user_id"] = user
        if value is not None:
            properties["Amount"] = value
        rows.append({"event": event, "properties": properties})
    return rows


def write_mixpanel(path: Path, fmt: str = "json") -> Path:
    """Write the scenario as a Mixpanel raw export (NDJSON, or Parquet)."""
    records = mixpanel_records()
    return _write(records, None, path, fmt)


# ---------------------------------------------------------------- a simulated population
def _people(events: pd.DataFrame) -> tuple[dict[str, str], pd.Series]:
    """Each person's device id, and which events are sent before the person logs in.

    A person browses anonymously on one device until the first event, then logs in: every
    later event carries the user id (people with a single event never log in). Stitching
    must give back the simulator's customer of every event.
    """
    people = sorted(events["customer_id"].unique())
    devices = {c: f"dev-{k + 1:06d}" for k, c in enumerate(people)}
    order = events.sort_values(["customer_id", "timestamp"], kind="stable")
    first = ~order.duplicated("customer_id")
    single = order.groupby("customer_id")["customer_id"].transform("size") == 1
    anonymous = (first & ~single).reindex(events.index)
    return devices, anonymous


def ga4_records_for(events: pd.DataFrame) -> list[dict[str, Any]]:
    """Simulated events (contract columns, naive UTC times) as GA4 BigQuery export rows.

    Same schema as :func:`ga4_records`: the channel is the ``medium`` event parameter, the
    value ``event_value_in_usd``, the session ``ga_session_id`` (the session's first second).
    """
    devices, anonymous = _people(events)
    micros = events["timestamp"].astype("datetime64[us]").astype("int64")
    session_start = (micros // 1_000_000).groupby(events["session_id"]).transform("min")
    dates = events["timestamp"].dt.strftime("%Y%m%d")
    rows = []
    for cust, event, channel, value, stamp, start, date, anon in zip(
        events["customer_id"],
        events["event"],
        events["channel"],
        events["value"].astype(object).where(events["value"].notna(), None),
        micros.tolist(),
        session_start.tolist(),
        dates,
        anonymous.tolist(),
        strict=True,
    ):
        params = [
            _kv("ga_session_id", i=start),
            _kv("medium", s=channel),
            _kv("page_location", s=f"https://telco.example/{event}"),
        ]
        if value is not None:
            params += [_kv("value", d=value), _kv("currency", s="USD")]
        rows.append(
            {
                "event_date": date,
                "event_timestamp": stamp,
                "event_name": event,
                "event_params": params,
                "event_value_in_usd": value,
                "user_id": None if anon else cust,
                "user_pseudo_id": devices[cust],
                "user_properties": [],
                "device": {"category": "desktop", "operating_system": "Linux"},
                "traffic_source": {"name": "(direct)", "medium": "(none)", "source": "(direct)"},
                "collected_traffic_source": None,
                "platform": "WEB",
                "items": [],
            }
        )
    return rows


def write_ga4_events(events: pd.DataFrame, path: Path, fmt: str = "parquet") -> Path:
    """Write simulated events as a GA4 export table (see :func:`ga4_records_for`)."""
    return _write(ga4_records_for(events), GA4_SCHEMA, path, fmt)


def segment_records_for(events: pd.DataFrame) -> list[dict[str, Any]]:
    """Simulated events as Segment messages: an ``identify`` at login, then ``track`` calls.

    Times are Europe/Paris local time with their offsets (``+01:00`` / ``+02:00``);
    ``context.campaign.medium`` is the channel and ``properties.revenue`` the value.
    """
    devices, anonymous = _people(events)
    local = events["timestamp"].dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    offsets = local.dt.strftime("%z").str.replace(r"(\d\d)$", r":\1", regex=True)
    stamps = (local.dt.strftime("%Y-%m-%dT%H:%M:%S.000") + offsets).tolist()
    anonymous = anonymous.tolist()
    messages: list[dict[str, Any]] = []
    identified: set[str] = set()
    for i, (cust, event, channel, value) in enumerate(
        zip(events["customer_id"], events["event"], events["channel"], events["value"], strict=True)
    ):
        base: dict[str, Any] = {
            "anonymousId": devices[cust],
            "context": {
                "campaign": {"medium": channel, "source": "telco", "name": "always-on"},
                "library": {"name": "analytics.js", "version": "4.1.0"},
                "page": {"url": f"https://telco.example/{event}"},
            },
            "messageId": f"msg-{i}",
            "timestamp": stamps[i],
            "version": 2,
        }
        if not anonymous[i]:
            base["userId"] = cust
            if cust not in identified:
                identified.add(cust)
                messages.append({**base, "type": "identify", "messageId": f"id-{i}"})
        properties: dict[str, Any] = {}
        if not pd.isna(value):
            properties = {"revenue": float(value), "currency": "USD"}
        messages.append({**base, "type": "track", "event": event, "properties": properties})
    return messages


def write_segment_events(events: pd.DataFrame, path: Path, fmt: str = "json") -> Path:
    """Write simulated events as Segment messages (see :func:`segment_records_for`)."""
    return _write(segment_records_for(events), None, path, fmt)
