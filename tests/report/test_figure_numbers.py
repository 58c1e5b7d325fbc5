"""report.html and the Figures sheet of results.xlsx ("the same figures as report.html, in the same
order") number the example's figures alike: Figure k is the same figure in both, and report.html's
numbers run 1, 2, 3, ... down the page."""

from __future__ import annotations

import html
import re

import openpyxl


def test_the_figures_sheet_numbers_the_figures_as_report_html_does(rrmm_report):
    folder, _ = rrmm_report
    page = (folder / "report.html").read_text(encoding="utf-8")
    shown = [(int(n), html.unescape(t)) for n, t in re.findall(r"<figcaption><b>Figure (\d+)\. (.*?)\.</b>", page)]
    first_shown = list(dict.fromkeys(shown))
    assert [n for n, _ in first_shown] == list(range(1, len(first_shown) + 1))
    assert len(first_shown) >= 15
    sheet = openpyxl.load_workbook(folder / "results.xlsx")["Figures"]
    listed = [
        (int(m[1]), m[2])
        for (value,) in sheet.iter_rows(min_col=1, max_col=1, values_only=True)
        if isinstance(value, str) and (m := re.fullmatch(r"Figure (\d+)\. (.*)", value))
    ]
    assert listed == first_shown
    survival = next(n for n, t in shown if t.startswith("Survival") or "survival" in t.lower())
    assert survival < 5  # a survival figure comes early in the report (issue 18: the sheet had it 4th, the page 2nd)
