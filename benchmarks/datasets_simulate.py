"""Speed and memory of the journey simulator (issue 3).

Prints, for each size, wall time, events per second and peak resident memory of
``cjlib.datasets.simulate`` (in memory) and ``simulate_to_parquet`` (streaming).

Run: ``.venv/bin/python benchmarks/datasets_simulate.py [n_customers ...]``
(default: 5,000 and 20,000 in memory; 100,000 streamed in chunks of 50,000).
Each measurement runs in a fresh process so peak memory is per measurement.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

_CHILD = r"""
import json, resource, sys, tempfile, time
from cjlib.datasets import load_map, simulate, simulate_to_parquet
mode, n, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
jm = load_map("telco")
t0 = time.perf_counter()
if mode == "memory":
    events = len(simulate(jm, n, seed=1).events)
else:
    out = simulate_to_parquet(jm, n, tempfile.mkdtemp(), seed=1, chunk_customers=chunk)
    events = out["rows"]["events"]
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"mode": mode, "customers": n, "chunk": chunk, "events": events,
                  "seconds": seconds, "peak_mb": peak}))
"""


def measure(mode: str, n: int, chunk: int = 0) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(n), str(chunk)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]]
    runs = [("memory", n, 0) for n in sizes] or [
        ("memory", 5_000, 0),
        ("memory", 20_000, 0),
        ("parquet", 100_000, 50_000),
    ]
    print(
        f"{'mode':<8} {'customers':>10} {'chunk':>8} {'events':>11} {'seconds':>8} "
        f"{'events/s':>10} {'peak MB':>8}"
    )
    for mode, n, chunk in runs:
        r = measure(mode, n, chunk)
        print(
            f"{r['mode']:<8} {r['customers']:>10,} {r['chunk']:>8,} {r['events']:>11,} "
            f"{r['seconds']:>8.1f} {r['events'] / r['seconds']:>10,.0f} {r['peak_mb']:>8,.0f}"
        )


if __name__ == "__main__":
    main()
