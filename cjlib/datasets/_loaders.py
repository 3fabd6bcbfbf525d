"""Loaders of the sample data sets.

In the repository they live in ``data/samples/<name>/``; an installed wheel carries them as
``cjlib/datasets/samples/<name>/`` (copied there by setup.py), found through
``importlib.resources``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd

from cjlib.datasets._simulate import SimulatedData
from cjlib.errors import DataError
from cjlib.map import JourneyMap

__all__ = ["SAMPLES", "list_samples", "load_map", "load_sample", "samples_dir"]

#: name -> one-line description of each sample data set.
SAMPLES: dict[str, str] = {
    "telco": (
        "Mobile telecom provider: 5,000 contract customers, two personas, monthly bills, "
        "add-on purchases, billing disputes, churn with planted hazard ratios."
    ),
    "shop": (
        "Online fashion and home shop: 5,000 customers, two personas, orders, deliveries, "
        "returns, repeat orders (BG/NBD), churn with planted hazard ratios."
    ),
}
#: name -> (seed, n_customers, start, end) used by ``python -m cjlib.datasets.build``.
BUILD_SETTINGS: dict[str, tuple[int, int, str, str]] = {
    "telco": (20240101, 5000, "2024-01-01", "2025-06-30"),
    "shop": (20240102, 5000, "2024-01-01", "2025-06-30"),
}


#: files every sample folder holds (``events.csv.gz`` is a repository-only extra)
SAMPLE_FILES = (
    "map.yaml",
    "customers.parquet",
    "events.parquet",
    "surveys.parquet",
    "transactions.parquet",
    "truth.json",
)
_REPOSITORY_SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _packaged_samples() -> Path | None:
    packaged = resources.files("cjlib.datasets") / "samples"
    return Path(str(packaged)) if packaged.is_dir() else None


def samples_dir() -> Path:
    """Directory holding the sample data sets.

    Returns
    -------
    pathlib.Path
        ``cjlib/datasets/samples`` inside an installed package, else ``data/samples`` of the
        repository checkout (an editable install).

    Examples
    --------
    >>> from cjlib.datasets._loaders import samples_dir
    >>> sorted(p.name for p in samples_dir().iterdir() if p.is_dir())
    ['shop', 'telco']
    """
    return _packaged_samples() or _REPOSITORY_SAMPLES


def _check_name(name: object) -> str:
    if not isinstance(name, str) or name not in SAMPLES:
        raise DataError(f"name: got {name!r}; available samples: {sorted(SAMPLES)}")
    return name


def _folder(name: str) -> Path:
    folder = samples_dir() / name
    missing = [file for file in SAMPLE_FILES if not (folder / file).is_file()]
    if not missing:
        return folder
    if _packaged_samples() is not None or not (folder / "map.yaml").is_file():
        advice = "reinstall cjlib (its wheel and sdist carry the samples)"
    else:
        advice = "regenerate them with `python -m cjlib.datasets.build`"
    raise DataError(f"sample {name!r}: {', '.join(missing)} missing from {folder}; {advice}")


def load_map(name: str) -> JourneyMap:
    """Load the journey map of a sample data set.

    Parameters
    ----------
    name : {"telco", "shop"}
        Name of the sample (see :func:`list_samples`).

    Returns
    -------
    JourneyMap
        Validated map read from ``<name>/map.yaml`` of :func:`samples_dir`.

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> telco = load_map("telco")
    >>> [stage.id for stage in telco.stages][:3]
    ['awareness', 'purchase', 'onboarding']
    """
    from cjlib.map import read_map

    return read_map(_folder(_check_name(name)) / "map.yaml")


def list_samples() -> pd.DataFrame:
    """List the sample data sets with a one-line description each.

    Returns
    -------
    pandas.DataFrame
        Columns ``name`` and ``description``.

    Examples
    --------
    >>> from cjlib.datasets import list_samples
    >>> list(list_samples()["name"])
    ['telco', 'shop']
    """
    return pd.DataFrame({"name": list(SAMPLES), "description": list(SAMPLES.values())})


def load_sample(name: str) -> SimulatedData:
    """Load a committed sample data set as a :class:`SimulatedData` bundle.

    Parameters
    ----------
    name : {"telco", "shop"}
        Name of the sample (see :func:`list_samples`).

    Returns
    -------
    SimulatedData
        With these tables (one row per ...):

        ``customers`` (customer): ``customer_id`` (str), ``persona`` (str, persona id of the
        map), ``segment`` (str, the persona's segment value), ``acquisition_channel`` (str, id
        of the first touchpoint the customer visited), ``plan`` (str, tier), ``region`` (str),
        ``age`` (int64, years), ``start_date`` (datetime64[ns], conversion time),
        ``churned`` (bool), ``churn_date`` (datetime64[ns], NaT if not churned), ``end_date``
        (datetime64[ns], churn or censoring time), ``tenure_days`` (float64, end - start in
        days), ``monthly_fee`` (float64), ``revenue`` (float64, fees plus purchases).

        ``events`` (event, customers ``C...`` and prospects ``P...``): ``customer_id`` (str),
        ``timestamp`` (datetime64[ns], tz-naive UTC), ``event`` (str), ``channel`` (str),
        ``session_id`` (str), ``value`` (float64, amount of purchases and bills, else NaN).

        ``surveys`` (answer): ``customer_id`` (str), ``timestamp`` (datetime64[ns]),
        ``touchpoint`` (str, touchpoint id), ``event`` (str, the triggering event),
        ``kind`` (str, "csat" or "nps"), ``score`` (int64, CSAT 1-5 / NPS 0-10),
        ``comment`` (str or None).

        ``transactions`` (purchase): ``customer_id`` (str), ``timestamp`` (datetime64[ns]),
        ``amount`` (float64).

        ``truth`` (dict): every planted parameter (see ``truth.json``).

    Examples
    --------
    >>> from cjlib.datasets import load_sample
    >>> data = load_sample("telco")
    >>> len(data.customers)
    5000
    >>> data.truth["hazard"]["signals"]["dispute_escalation"]["hazard_ratio"]
    2.0
    """
    folder = _folder(_check_name(name))
    surveys = pd.read_parquet(folder / "surveys.parquet")
    surveys["comment"] = surveys["comment"].astype(object).where(surveys["comment"].notna(), None)
    return SimulatedData(
        customers=pd.read_parquet(folder / "customers.parquet"),
        events=pd.read_parquet(folder / "events.parquet"),
        surveys=surveys,
        transactions=pd.read_parquet(folder / "transactions.parquet"),
        truth=json.loads((folder / "truth.json").read_text(encoding="utf-8")),
        journey_map=load_map(name),
    )
