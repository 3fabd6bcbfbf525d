"""A Spark Connect session is accepted as an engine (checked without a Connect server)."""

from __future__ import annotations

import pytest

from cjlib.errors import DataError, EngineError
from cjlib.events import _engine

pytest.importorskip("pyspark")


class _Conf:
    def __init__(self, tz: str) -> None:
        self.tz = tz

    def get(self, key: str) -> str:
        assert key == "spark.sql.session.timeZone"
        return self.tz


def _connect_session(tz: str) -> object:
    # stands in for pyspark.sql.connect.session.SparkSession, whose import needs grpc
    kind = type("SparkSession", (), {"__module__": "pyspark.sql.connect.session"})
    session = kind()
    session.conf = _Conf(tz)  # type: ignore[attr-defined]
    return session


def test_a_spark_connect_session_passes_the_type_check_and_gets_the_time_zone_check():
    with pytest.raises(EngineError, match=r"time zone must be UTC.*'Europe/Paris'"):
        _engine.spark_backend(_connect_session("Europe/Paris"))


def test_other_objects_are_refused_naming_what_is_allowed():
    with pytest.raises(DataError, match=r"classic or Spark Connect.*got dict"):
        _engine.spark_backend({})
