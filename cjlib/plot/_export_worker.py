"""Child process of :func:`cjlib.plot.export`: render one job file of figures with kaleido.

Run as ``python -m cjlib.plot._export_worker JOB.json``; the parent kills it when it hangs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(job_path: str) -> int:
    """Render the figures described in ``job_path``; exit 0 on success."""
    import plotly.graph_objects as go
    import plotly.io as pio

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    pio.write_images(
        [go.Figure(fig) for fig in job["figures"]],
        job["paths"],
        format=job["formats"],
        scale=job["scale"],
        width=job["widths"],
        height=job["heights"],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
