"""Observed journeys: the event log held by a query engine (DuckDB by default, or Spark).

:class:`EventLog` wraps a table of events (customer, time, event, channel, session, value);
its computations are written once as Ibis expressions and run in the engine, returning small
pandas tables inside result objects: :meth:`~EventLog.transitions`,
:meth:`~EventLog.step_flows`, :meth:`~EventLog.funnel`, :meth:`~EventLog.sessions`,
:meth:`~EventLog.journeys`, :meth:`~EventLog.journey_kpis`, :meth:`~EventLog.signals`,
:meth:`~EventLog.paths`, :meth:`~EventLog.bind` and :meth:`~EventLog.conformance`.

The engine and Ibis load on first use of a name from this package.

Examples
--------
>>> import pandas as pd
>>> from cjlib.events import EventLog
>>> log = EventLog.from_pandas(pd.DataFrame({"customer_id": ["a", "a"],
...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:30"]),
...     "event": ["visit", "buy"]}))
>>> log.funnel(["visit", "buy"]).table["customers"].tolist()
[1, 1]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjlib._lazy import lazy_names

_LAZY: dict[str, str] = {
    "EventLog": "cjlib.events._log",
    "DuplicateEventsWarning": "cjlib.events._validate",
    "UnknownEventWarning": "cjlib.events._typos",
    "DuckDBSettings": "cjlib.events._engine",
    "configure_duckdb": "cjlib.events._engine",
    "Landmark": "cjlib.events._landmark",
    "landmark": "cjlib.events._landmark",
    "Signal": "cjlib.events._signals",
    "count": "cjlib.events._signals",
    "flag": "cjlib.events._signals",
    "first_time": "cjlib.events._signals",
    "last_time": "cjlib.events._signals",
    "time_between": "cjlib.events._signals",
    "repeat_within": "cjlib.events._signals",
    "channel_switches": "cjlib.events._signals",
    "path_length": "cjlib.events._signals",
    "followed_stage_order": "cjlib.events._signals",
    "TransitionsResult": "cjlib.events._results",
    "StepFlowsResult": "cjlib.events._results",
    "FunnelResult": "cjlib.events._results",
    "SessionsResult": "cjlib.events._results",
    "JourneysResult": "cjlib.events._results",
    "JourneyKPIResult": "cjlib.events._results",
    "SignalsResult": "cjlib.events._results",
    "ConformanceResult": "cjlib.events._results",
    "PathsResult": "cjlib.events._results",
    "read_ga4": "cjlib.events._sources._ga4",
    "read_segment": "cjlib.events._sources._segment",
    "read_snowplow": "cjlib.events._sources._snowplow",
    "read_amplitude": "cjlib.events._sources._amplitude",
    "read_mixpanel": "cjlib.events._sources._mixpanel",
    "stitch_identities": "cjlib.events._sources._identity",
}

__all__ = [
    "ConformanceResult",
    "DuckDBSettings",
    "DuplicateEventsWarning",
    "EventLog",
    "FunnelResult",
    "JourneyKPIResult",
    "JourneysResult",
    "Landmark",
    "PathsResult",
    "SessionsResult",
    "Signal",
    "SignalsResult",
    "StepFlowsResult",
    "TransitionsResult",
    "UnknownEventWarning",
    "channel_switches",
    "configure_duckdb",
    "count",
    "first_time",
    "flag",
    "followed_stage_order",
    "landmark",
    "last_time",
    "path_length",
    "read_amplitude",
    "read_ga4",
    "read_mixpanel",
    "read_segment",
    "read_snowplow",
    "repeat_within",
    "stitch_identities",
    "time_between",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._engine import DuckDBSettings, configure_duckdb
    from cjlib.events._landmark import Landmark, landmark
    from cjlib.events._log import EventLog
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
    from cjlib.events._signals import (
        Signal,
        channel_switches,
        count,
        first_time,
        flag,
        followed_stage_order,
        last_time,
        path_length,
        repeat_within,
        time_between,
    )
    from cjlib.events._sources._amplitude import read_amplitude
    from cjlib.events._sources._ga4 import read_ga4
    from cjlib.events._sources._identity import stitch_identities
    from cjlib.events._sources._mixpanel import read_mixpanel
    from cjlib.events._sources._segment import read_segment
    from cjlib.events._sources._snowplow import read_snowplow
    from cjlib.events._typos import UnknownEventWarning
    from cjlib.events._validate import DuplicateEventsWarning
