"""The main job of ``make demo``: run cjlib on the bundled sample data with the embedded engine.

Run it with ``python -m cjlib.demo [--out build]``. It renders each sample journey map as a
self-contained HTML canvas and an emotion-curve figure under ``build/``, builds the full
standalone report (:func:`cjlib.report.build_report`) on the telco sample as
``build/telco_report.html``, executes the curated notebooks (when a ``notebooks/`` folder is
given and nbclient/nbconvert are installed, as with ``make demo``) to HTML under
``build/notebooks/`` (offline pages sharing one local ``plotly.min.js``, widgets drawn as a
static snapshot), and prints the paths.

Examples
--------
>>> from cjlib.demo import run_demo
>>> paths = run_demo("build")  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["run_demo"]


def run_demo(out_dir: str | Path = "build", notebooks: str | Path | None = None) -> list[Path]:
    """Render every sample map and the telco report to ``out_dir``; return the paths written.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing).
    notebooks : str or Path, optional
        Folder of ``.ipynb`` notebooks to execute and export to HTML under ``out_dir/notebooks``.
    """
    import cjlib
    from cjlib.datasets import list_samples, load_map, load_sample
    from cjlib.plot import emotion_curve, render_map
    from cjlib.report import build_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in list_samples()["name"]:
        journey_map = load_map(name)
        canvas = out / f"{name}_map.html"
        canvas.write_text(render_map(journey_map), encoding="utf-8")
        curve = out / f"{name}_emotion_curve.html"
        emotion_curve(journey_map).write_html(curve, include_plotlyjs=True, full_html=True)
        written += [canvas, curve]
    telco = load_sample("telco")
    report = build_report(
        telco.journey_map,
        cjlib.EventLog.from_pandas(telco.events),
        customers=telco.customers,
        surveys=telco.surveys,
        transactions=telco.transactions,
        controls=["plan"],
    )
    written.append(report.save(out / "telco_report.html"))
    if notebooks is not None:
        written += _notebooks_to_html(Path(notebooks), out / "notebooks")
    return written


def _notebooks_to_html(folder: Path, out: Path) -> list[Path]:
    """Execute every notebook in ``folder`` (working directory = ``folder``) and export HTML.

    The pages work offline: their figures are drawn by one ``plotly.min.js`` written beside
    them and widgets show a static snapshot of their saved state (see ``cjlib._notebook_html``).
    """
    import nbformat
    from nbclient import NotebookClient

    from cjlib._notebook_html import notebook_to_html, write_plotly_js

    out.mkdir(parents=True, exist_ok=True)
    written = [write_plotly_js(out)]
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(folder)}}
        ).execute()
        target = out / f"{path.stem}.html"
        target.write_text(notebook_to_html(nb), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of the demo."""
    parser = argparse.ArgumentParser(description="Run the cjlib demo on the bundled samples.")
    parser.add_argument("--out", default="build", help="output folder (default: build)")
    parser.add_argument(
        "--notebooks", default=None, help="folder of notebooks to execute to HTML (optional)"
    )
    args = parser.parse_args(argv)
    for path in run_demo(args.out, notebooks=args.notebooks):
        print(path.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
