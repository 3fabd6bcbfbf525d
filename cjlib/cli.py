"""The ``cjlib`` command: build the HTML report, validate a map, list the samples.

Run ``cjlib --help`` for the commands and ``cjlib COMMAND --help`` for their options. Errors
are one line on stderr and exit code 2; ``cjlib validate`` exits 1 when the map has problems.

Examples
--------
>>> from cjlib.cli import main
>>> main(["samples"])  # doctest: +SKIP
telco  Mobile telecom provider: ...
0
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cjlib.errors import CjlibError, DataError, MapValidationError

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
TABLE_SUFFIXES = (".parquet", ".csv", ".csv.gz")
#: Date columns of the data contracts, parsed when a table is read from CSV.
DATE_COLUMNS = ("timestamp", "start_date", "churn_date", "end_date")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cjlib`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            code = int(args.run(args))
        _print_warnings(caught)
        return code
    except MapValidationError as exc:
        return _fail(
            f"{exc.problems[0]} "
            f"({len(exc.problems)} problem(s); run `cjlib validate` to list them all)"
            if exc.problems
            else str(exc)
        )
    except CjlibError as exc:
        return _fail(str(exc))
    except FileNotFoundError as exc:
        return _fail(f"file not found: {exc.filename or exc}")
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as exc:  # never a traceback for the user; CJLIB_TRACEBACK=1 shows it
        if os.environ.get("CJLIB_TRACEBACK"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return _fail(
            f"unexpected {type(exc).__name__}: {first[:300]} (this is a cjlib bug or an "
            "input it does not check yet; rerun with CJLIB_TRACEBACK=1 for the traceback)"
        )


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Each distinct warning as one line on stderr (the data problems the report also shows)."""
    ours = [w for w in caught if w.category.__module__.startswith("cjlib")]
    for message in dict.fromkeys(" ".join(str(w.message).split()) for w in ours):
        print(f"cjlib: warning: {message}", file=sys.stderr)


def _fail(message: str) -> int:
    print(f"cjlib: error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    from cjlib import __version__

    parser = argparse.ArgumentParser(
        prog="cjlib",
        description="Customer journeys: map them, measure them on data, link them to "
        "outcomes and prioritise action.",
    )
    parser.add_argument("--version", action="version", version=f"cjlib {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    report = commands.add_parser(
        "report",
        help="build a self-contained HTML report of a journey map measured on event data",
        description="Build one self-contained HTML report (works offline): the map canvas, "
        "emotion curves, Sankey, stage funnel, KPIs, touchpoint signals linked to churn, CLV "
        "and the prioritised backlog. Tables are read by suffix: .parquet, .csv, .csv.gz.",
    )
    source = report.add_argument_group("input (either --sample, or --map with --events)")
    source.add_argument("--sample", help="a bundled sample instead of files (see `cjlib samples`)")
    source.add_argument("--map", dest="map_path", metavar="MAP", help="journey map (.yaml/.json)")
    source.add_argument("--events", metavar="EVENTS", help="events table")
    source.add_argument("--customers", metavar="FILE", help="customers table (churn, revenue)")
    source.add_argument("--surveys", metavar="FILE", help="survey answers (CSAT/NPS)")
    source.add_argument("--transactions", metavar="FILE", help="transactions (for CLV)")
    columns = report.add_argument_group("event columns")
    columns.add_argument("--customer-col", default="customer_id", help="default: customer_id")
    columns.add_argument("--time-col", default="timestamp", help="default: timestamp")
    columns.add_argument("--event-col", default="event", help="default: event")
    columns.add_argument("--channel-col", help="default: channel, when present")
    columns.add_argument("--session-col", help="default: session_id, when present")
    columns.add_argument("--value-col", help="default: value, when present")
    options = report.add_argument_group("report")
    options.add_argument(
        "-o", "--output", default="report.html", help="HTML file to write (default: report.html)"
    )
    options.add_argument("--title", help="page title (default: from the map's name)")
    options.add_argument(
        "--landmark-days",
        type=int,
        default=90,
        help="landmark of the linked-signals design, in days (default: 90)",
    )
    options.add_argument(
        "--controls",
        default="",
        help="comma-separated customer columns to adjust for, e.g. plan,region",
    )
    options.add_argument(
        "--export-figures",
        metavar="DIR",
        help="also write every figure as PNG and SVG into DIR (for slides)",
    )
    report.set_defaults(run=_run_report)

    validate = commands.add_parser(
        "validate",
        help="check a journey map file and print every problem",
        description="Check a journey map file; print every problem and exit 1 when there are "
        "any, else print a one-line summary and exit 0.",
    )
    validate.add_argument("map_path", metavar="MAP", help="journey map (.yaml/.yml/.json)")
    validate.set_defaults(run=_run_validate)

    samples = commands.add_parser(
        "samples",
        help="list the bundled sample data sets",
        description="List the bundled sample data sets.",
    )
    samples.set_defaults(run=_run_samples)

    from cjlib._cli_discover import add_discover_command

    add_discover_command(commands)
    return parser


def _run_report(args: argparse.Namespace) -> int:
    from cjlib.report import build_report

    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise DataError(f"--output: expected a .html file, got {str(output)!r}")
    if not output.parent.is_dir():
        raise DataError(f"--output: folder {str(output.parent)!r} does not exist")
    journey_map, log, tables = _report_inputs(args)
    controls = [c.strip() for c in args.controls.split(",") if c.strip()]
    report = build_report(
        journey_map,
        log,
        title=args.title,
        landmark_days=args.landmark_days,
        controls=controls,
        **tables,
    )
    path = report.save(output)
    print(path.resolve())
    if args.export_figures:
        from cjlib.plot._export import export_all

        for written in export_all(report.figures, args.export_figures):
            print(written.resolve())
    return EXIT_OK


def _report_inputs(args: argparse.Namespace) -> tuple[Any, Any, dict[str, Any]]:
    import cjlib

    files = [args.map_path, args.events, args.customers, args.surveys, args.transactions]
    if args.sample:
        if any(files):
            raise DataError(
                "--sample: give either --sample or data files (--map, --events, ...), not both"
            )
        from cjlib.datasets import load_sample

        data = load_sample(args.sample)
        log = cjlib.EventLog.from_pandas(data.events)
        tables = {
            "customers": data.customers,
            "surveys": data.surveys,
            "transactions": data.transactions,
        }
        return data.journey_map, log, tables
    if not args.map_path or not args.events:
        raise DataError(
            "report: give --map MAP and --events EVENTS, or --sample NAME (see `cjlib samples`)"
        )
    journey_map = cjlib.read_map(args.map_path)
    log = _read_events(args)
    tables = {
        name: None if path is None else _read_table(path, f"--{name}")
        for name, path in (
            ("customers", args.customers),
            ("surveys", args.surveys),
            ("transactions", args.transactions),
        )
    }
    return journey_map, log, tables


def _suffix(path: str, option: str) -> str:
    lowered = path.lower()
    for suffix in TABLE_SUFFIXES:
        if lowered.endswith(suffix):
            if not Path(path).is_file():
                raise FileNotFoundError(2, "No such file", path)
            return suffix
    raise DataError(
        f"{option}: cannot read {path!r}; allowed file types: {', '.join(TABLE_SUFFIXES)}"
    )


def _read_events(args: argparse.Namespace) -> Any:
    import cjlib

    suffix = _suffix(args.events, "--events")
    columns: dict[str, Any] = {
        "customer_col": args.customer_col,
        "time_col": args.time_col,
        "event_col": args.event_col,
    }
    for name in ("channel_col", "session_col", "value_col"):
        if getattr(args, name):
            columns[name] = getattr(args, name)
    if suffix == ".parquet":
        return cjlib.EventLog.read_parquet(args.events, **columns)
    return cjlib.EventLog.read_csv(args.events, **columns)


def _read_table(path: str, option: str) -> Any:
    import pandas as pd

    from cjlib.events._readers import read_csv_frame, read_parquet_frame

    suffix = _suffix(path, option)
    if suffix == ".parquet":
        return read_parquet_frame(path, what=option)
    header = read_csv_frame(path, what=option, nrows=0).columns
    dates = [c for c in DATE_COLUMNS if c in header]
    table = read_csv_frame(path, what=option)
    for column in dates:  # parsed here, not by read_csv, so a bad date is named, not kept as text
        parsed = pd.to_datetime(table[column], errors="coerce", format="mixed")
        bad = table[column][parsed.isna() & table[column].notna()]
        if len(bad):
            raise DataError(
                f"{option}: column {column!r} of {path!r} has {len(bad)} value(s) that are not "
                f"dates, e.g. {bad.head(3).tolist()}; allowed: ISO dates such as 2024-01-31"
            )
        table[column] = parsed
    return table


def _run_validate(args: argparse.Namespace) -> int:
    from cjlib.map import read_map

    try:
        journey_map = read_map(args.map_path)
    except MapValidationError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{args.map_path}: {len(exc.problems)} problem(s)", file=sys.stderr)
        return EXIT_INVALID
    n_touchpoints = len(journey_map.touchpoints)
    print(
        f"{args.map_path}: valid ({len(journey_map.stages)} stages, {n_touchpoints} "
        f"touchpoints, {len(journey_map.personas)} personas)"
    )
    from cjlib.action._objectives import kpi_binding

    for objective in journey_map.objectives:  # free text is allowed, but says it is unmeasured
        bound = kpi_binding(journey_map, objective.kpi)
        if bound is None:
            print(
                f"note: objective {objective.id!r}: KPI {objective.kpi!r} binds to no measured "
                "figure, so its progress needs values=...; name one the data gives (e.g. "
                "'12-month churn rate', '90-day retention', 'CSAT of <touchpoint or stage>')"
            )
        else:
            print(f"objective {objective.id!r}: KPI {objective.kpi!r} is measured as {bound}")
    return EXIT_OK


def _run_samples(args: argparse.Namespace) -> int:
    from cjlib.datasets import list_samples

    table = list_samples()
    width = max(len(name) for name in table["name"])
    for name, description in zip(table["name"], table["description"], strict=True):
        print(f"{name:<{width}}  {description}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
