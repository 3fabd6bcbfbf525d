"""The ``cjlib discover`` command: draw a draft map from event data for the workshop.

Kept apart from :mod:`cjlib.cli` (which only registers it) so the command's options and
behaviour live in one small module.

Examples
--------
>>> from cjlib.cli import main
>>> main(["discover", "--sample", "telco", "-o", "draft_map.yaml"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cjlib.errors import DataError

__all__ = ["add_discover_command"]

MAP_SUFFIXES = (".yaml", ".yml", ".json")


def add_discover_command(commands: Any) -> None:
    """Register ``discover`` on the ``cjlib`` command's sub-parsers."""
    p = commands.add_parser(
        "discover",
        help="draw a draft journey map from event data (and compare it with a designed map)",
        description="Discover the customers' own journey map from their events: touchpoints "
        "above a reach threshold, stages in time order, personas, measured emotion from "
        "surveys, behavioural pain points linked to churn. Writes the draft map as YAML/JSON "
        "for the workshop; with --map also prints where the designed map disagrees.",
    )
    src = p.add_argument_group("input (either --sample, or --events)")
    src.add_argument("--sample", help="a bundled sample instead of files (see `cjlib samples`)")
    src.add_argument("--events", metavar="EVENTS", help="events table (.parquet/.csv/.csv.gz)")
    src.add_argument("--customers", metavar="FILE", help="customers table (persona, churn)")
    src.add_argument("--surveys", metavar="FILE", help="survey answers (CSAT)")
    src.add_argument("--map", dest="map_path", metavar="MAP", help="designed map to compare")
    cols = p.add_argument_group("columns")
    cols.add_argument("--customer-col", default="customer_id", help="default: customer_id")
    cols.add_argument("--time-col", default="timestamp", help="default: timestamp")
    cols.add_argument("--event-col", default="event", help="default: event")
    cols.add_argument("--channel-col", help="default: channel, when present")
    cols.add_argument("--session-col", help="default: session_id, when present")
    cols.add_argument("--value-col", help="default: value, when present")
    cols.add_argument("--persona-col", help="customers column giving the persona")
    cols.add_argument(
        "--outcome-col", help="customers column of the bad outcome (default: churned)"
    )
    opts = p.add_argument_group("discovery")
    opts.add_argument("--min-reach", type=float, default=0.02, help="default: 0.02")
    opts.add_argument("--stages", type=int, dest="n_stages", help="number of stages")
    opts.add_argument(
        "-o", "--output", default="draft_map.yaml", help="map file to write (.yaml/.json)"
    )
    opts.add_argument("--diff", metavar="CSV", help="also write the differences as CSV")
    p.set_defaults(run=run_discover)


def _inputs(args: argparse.Namespace) -> tuple[Any, Any, Any, Any]:
    import cjlib
    from cjlib.cli import _read_events, _read_table

    if args.sample:
        if args.events or args.customers or args.surveys:
            raise DataError("--sample: give either --sample or data files, not both")
        from cjlib.datasets import load_sample

        data = load_sample(args.sample)
        designed = cjlib.read_map(args.map_path) if args.map_path else data.journey_map
        log = cjlib.EventLog.from_pandas(data.events)
        return log, data.customers, data.surveys, designed
    if not args.events:
        raise DataError("discover: give --events EVENTS or --sample NAME (see `cjlib samples`)")
    log = _read_events(args)
    customers = _read_table(args.customers, "--customers") if args.customers else None
    surveys = _read_table(args.surveys, "--surveys") if args.surveys else None
    designed = cjlib.read_map(args.map_path) if args.map_path else None
    return log, customers, surveys, designed


def run_discover(args: argparse.Namespace) -> int:
    """Run ``cjlib discover``; print the summary and the file written."""
    from cjlib.discover import compare_maps, discover_map
    from cjlib.map import write_map

    output = Path(args.output)
    if output.suffix.lower() not in MAP_SUFFIXES:
        raise DataError(f"--output: expected a .yaml/.yml/.json file, got {str(output)!r}")
    if not output.parent.is_dir():
        raise DataError(f"--output: folder {str(output.parent)!r} does not exist")
    if args.diff and not args.diff.lower().endswith(".csv"):
        raise DataError(f"--diff: expected a .csv file, got {args.diff!r}")
    log, customers, surveys, designed = _inputs(args)
    persona_col = args.persona_col
    if persona_col is None and customers is not None and "persona" in customers.columns:
        persona_col = "persona"
    found = discover_map(
        log,
        customers=customers,
        surveys=surveys,
        customer_col=args.customer_col if customers is not None else "customer_id",
        persona_col=persona_col,
        outcome_col=args.outcome_col,
        designed=designed,
        min_reach=args.min_reach,
        n_stages=args.n_stages,
    )
    print(found.summary())
    if designed is not None:
        diff = compare_maps(designed, found)
        print()
        print(diff.summary())
        if args.diff:
            diff.table.to_csv(args.diff, index=False)
            print(Path(args.diff).resolve())
    elif args.diff:
        raise DataError("--diff needs --map (the designed map to compare with)")
    print(write_map(found.journey_map, output).resolve())
    return 0
