"""Loaders for the event exports of common analytics tools, each to an :class:`EventLog`.

One module per tool: :mod:`._ga4` (Google Analytics 4 BigQuery export), :mod:`._segment`
(Segment / RudderStack track calls), :mod:`._snowplow` (Snowplow atomic events),
:mod:`._amplitude` (Amplitude Export API) and :mod:`._mixpanel` (Mixpanel raw export).
Each reads Parquet or newline-delimited JSON through the engine layer, maps the tool's
fields onto the event contract with the choices its docstring lists, and stitches anonymous
ids to the user ids they later log in as (:mod:`._identity`).
"""
