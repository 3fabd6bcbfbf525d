"""Regenerate the committed sample data sets: ``python -m cjlib.datasets.build``.

Writes ``customers``, ``events``, ``surveys`` and ``transactions`` as zstd Parquet, the events
also as gzip CSV, and ``truth.json`` into ``data/samples/<name>/`` (next to ``map.yaml``).
Output is exactly reproducible from the seeds in ``cjlib.datasets._loaders.BUILD_SETTINGS``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cjlib.datasets._loaders import BUILD_SETTINGS, load_map, samples_dir
from cjlib.datasets._simulate import SimulatedData, simulate

__all__ = ["build_sample", "main"]


def build_sample(name: str, folder: Path | None = None, *, write_csv: bool = True) -> SimulatedData:
    """Simulate sample ``name`` with its fixed settings and write its files to ``folder``.

    Parameters
    ----------
    name : {"telco", "shop"}
        Which sample to build.
    folder : Path, optional
        Output directory; default ``data/samples/<name>``.
    write_csv : bool, default True
        Also write ``events.csv.gz`` (the slow part).
    """
    seed, n, start, end = BUILD_SETTINGS[name]
    data = simulate(load_map(name), n, seed=seed, start=start, end=end)
    out = folder or samples_dir() / name
    out.mkdir(parents=True, exist_ok=True)
    for table in ("customers", "events", "surveys", "transactions"):
        getattr(data, table).to_parquet(out / f"{table}.parquet", compression="zstd", index=False)
    if write_csv:
        data.events.to_csv(out / "events.csv.gz", index=False, compression="gzip")
    (out / "truth.json").write_text(json.dumps(data.truth, indent=1), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(BUILD_SETTINGS))
    args = parser.parse_args(argv)
    for name in args.names:
        data = build_sample(name)
        print(f"{name}: {data!r} -> {samples_dir() / name}")


if __name__ == "__main__":
    main()
