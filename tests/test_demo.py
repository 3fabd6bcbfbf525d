"""`make demo`'s job: sample maps, the telco report and executed notebooks under one folder."""

from __future__ import annotations

import html.parser

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cjlib.demo import main


class _Titles(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_title = False
        self.titles: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.in_title = tag == "title"

    def handle_data(self, data):
        if self.in_title:
            self.titles.append(data.strip())
            self.in_title = False


def test_demo_writes_maps_report_and_notebooks(tmp_path, capsys):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    nb = new_notebook(
        cells=[new_markdown_cell("# Tiny"), new_code_cell("print(6 * 7)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(nb, notebooks / "tiny.ipynb")

    assert main(["--out", str(tmp_path / "build"), "--notebooks", str(notebooks)]) == 0
    printed = capsys.readouterr().out.split()
    names = sorted(p.rsplit("/", 1)[-1] for p in printed)
    assert names == sorted(
        [
            "shop_map.html",
            "shop_emotion_curve.html",
            "telco_map.html",
            "telco_emotion_curve.html",
            "telco_report.html",
            "tiny.html",
            "plotly.min.js",
        ]
    )
    exported = (tmp_path / "build" / "notebooks" / "tiny.html").read_text()
    assert "42" in exported  # the cell ran: its output is in the HTML
    parser = _Titles()
    parser.feed((tmp_path / "build" / "telco_map.html").read_text())
    assert parser.titles and "Northwind" in parser.titles[0]

