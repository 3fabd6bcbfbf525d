"""Measured-map benchmark: wall time of ``cjlib.measure`` and ``moments_that_matter``.

Simulates the telco sample map at a few sizes, builds the event log, then times (median of
``--repeats`` runs, in one process, after one warm-up run) ``cjlib.measure`` with surveys and
customers, the emotion-curve figure with the measured overlay, and ``moments_that_matter`` on
a three-signal link result. Prints one line per size: customers, events, seconds per step.

Run::

    .venv/bin/python benchmarks/action_measure.py                  # 2k and 20k customers
    .venv/bin/python benchmarks/action_measure.py --sizes 2000 --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import cjlib
from cjlib.action import moments_that_matter
from cjlib.datasets import load_map, simulate
from cjlib.events import flag, repeat_within
from cjlib.plot import emotion_curve
from cjlib.stats import link


def _timed(fn, repeats: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _run(jm, n: int, repeats: int) -> str:
    data = simulate(jm, n, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = cjlib.EventLog.from_pandas(data.events)
    t_measure, mm = _timed(
        lambda: cjlib.measure(jm, log, surveys=data.surveys, customers=data.customers), repeats
    )
    t_figure, _ = _timed(lambda: emotion_curve(jm, measured=mm), repeats)
    spec = [
        repeat_within("support_call", after="billing_dispute", window="14D",
                      name="dispute_escalation"),
        flag("coverage_issue", name="coverage_problem"),
        flag("onboarding_complete", name="onboarding_completed"),
    ]
    signals = log.signals(spec)
    table = data.customers.merge(signals.table, on="customer_id")
    res = link(table, outcome="churned", signals=[s.name for s in spec], higher_is_worse=True)
    t_moments, _ = _timed(lambda: moments_that_matter(mm, res, signals=signals), repeats)
    return (f"{n:>10,} {len(data.events):>10,} {t_measure:>10.2f} {t_figure:>9.2f} "
            f"{t_moments:>10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    jm = load_map("telco")
    print(f"{'customers':>10} {'events':>10} {'measure s':>10} {'figure s':>9} {'moments s':>10}")
    for n in args.sizes:
        print(_run(jm, n, args.repeats))


if __name__ == "__main__":
    main()
