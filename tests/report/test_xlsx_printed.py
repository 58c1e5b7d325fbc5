"""The shipped example's results.xlsx as `make run` writes it, printed by LibreOffice (issue 18: it
printed 1,165 pages, then 219).

LibreOffice prints the workbook to PDF with the file's own print settings (one bookmark per sheet,
pointing at the sheet's first page), and the pages of each sheet are counted from the PDF
(:func:`sheet_pages`, the PDF objects read with the standard library). A table sheet prints in at
most 2 pages plus those its printed lines fill (:func:`page_bound`: a row as high as its wrapped
text takes that many lines; fitted to the page width, no sheet spreads sideways), a data sheet (a row per cycle, per sample, or per scenario and strategy) prints its
title and note only: one page; the table sheets together print in at most
:data:`PRINTED_TABLE_PAGES` pages. The example is run with the options of `make run` (the Makefile's
RUN_OPTIONS: every scenario, the one-way analysis, the two-way analysis), except a PSA of
:data:`PSA_SAMPLES` samples instead of 1,000 (enough for the EVPPI sheets; the PSA samples sheet is a
data sheet, so more samples would not change the pages).

Needs LibreOffice: skipped without it unless HECON_REQUIRE_LIBREOFFICE=1 (tests/workbook/libreoffice.py).
"""

from __future__ import annotations

import math
import re
import shlex
from pathlib import Path

import openpyxl
import pytest

from hecon.analysis.evppi import MINIMUM_SAMPLES
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.cli import _two_way_query
from hecon.report import write_report
from hecon.report.excel import DATA_TAB_COLOUR, HEADER_ROW, LINE_HEIGHT_PT
from tests.workbook.libreoffice import convert_to_pdf, needs_libreoffice

pytestmark = needs_libreoffice

LINES_PER_PAGE = 28
"""Fewest lines of 15 points (LINE_HEIGHT_PT, a row of one line) on a printed page: landscape A4 is
595 points high, less two margins of 0.75 inch (108 points) and room for a page header and footer
(2 x 0.3 inch, 43 points) leaves 444 points, 29 lines, at 100%; fitting a sheet to the page width
only shrinks it, so more lines fit."""
PAGES_PER_FIGURE = 2
PRINTED_TABLE_PAGES = 100
"""Bound on the pages of the table sheets (not data, not figures) of `make run`'s workbook: 44 sheets,
most of a page or two, the Inputs sheet (331 parameters with their sources) 17 (89 pages with
LibreOffice 7.4; the bound leaves room for another version's fonts). The whole workbook printed 219
pages before the per-scenario sheets were data, and its table sheets 62 while rows were one line
high whatever their wrapped text (which then ran into the rows below: Inputs printed in 5 pages)."""
WHOLE_WORKBOOK_PAGES = 135
"""Bound on the whole printout (121 pages with LibreOffice 7.4; 1,165 before the print settings)."""
PSA_SAMPLES = MINIMUM_SAMPLES
MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def make_run_options() -> dict[str, object]:
    """run_analysis arguments of the Makefile's RUN_OPTIONS (what `make run` runs)."""
    text = re.search(r"^RUN_OPTIONS \?= ((?:.*\\\n)*.*)$", MAKEFILE.read_text(), re.MULTILINE)
    assert text is not None
    words = shlex.split(text[1].replace("\\\n", " "))
    options: dict[str, object] = {"scenarios": None, "dsa": False, "two_way": []}
    for i, word in enumerate(words):
        if word == "--all-scenarios":
            options["scenarios"] = "all"
        elif word == "--dsa":
            options["dsa"] = True
        elif word == "--seed":
            options["seed"] = int(words[i + 1])
        elif word == "--two-way":
            options["two_way"].append(_two_way_query(words[i + 1]))  # type: ignore[union-attr]
    return options


@pytest.fixture(scope="module")
def make_run_report(tmp_path_factory, rrmm_spec):
    """The example's report folder as `make run` writes it (a PSA of PSA_SAMPLES samples)."""
    options = make_run_options()
    assert options["scenarios"] == "all" and options["dsa"] and options["two_way"]
    scenarios = options.pop("scenarios")
    result = run_analysis(rrmm_spec, scenarios, psa_samples=PSA_SAMPLES, progress=False, **options)
    return write_report(summarise_run(result), tmp_path_factory.mktemp("make-run") / "report")


def sheet_pages(pdf: bytes) -> tuple[dict[str, int], int]:
    """(sheet -> its number of pages, total pages) of a LibreOffice PDF of a workbook, from its
    page tree and its bookmarks (one per sheet: a UTF-16 title and a destination page)."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.DOTALL)}
    is_tree = re.compile(rb"/Type\s*/Pages\b")
    root = next(body for body in objects.values() if is_tree.search(body) and b"/Parent" not in body)
    order: list[int] = []

    def walk(body: bytes) -> None:
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
        assert kids is not None
        for ref in re.findall(rb"(\d+) 0 R", kids[1]):
            child = objects[int(ref)]
            if is_tree.search(child):
                walk(child)
            else:
                order.append(int(ref))

    walk(root)
    first_page = {obj: i for i, obj in enumerate(order)}
    marks = []
    for body in objects.values():
        title = re.search(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", body)
        dest = re.search(rb"/Dest\s*\[\s*(\d+) 0 R", body)
        if title and dest:
            marks.append((first_page[int(dest[1])], bytes.fromhex(title[1].decode()).decode("utf-16-be")))
    marks.sort()
    ends = [start for start, _ in marks[1:]] + [len(order)]
    return {name: end - start for (start, name), end in zip(marks, ends)}, len(order)


@pytest.fixture(scope="module")
def printed(make_run_report, tmp_path_factory):
    pdf = convert_to_pdf(make_run_report / "results.xlsx", tmp_path_factory.mktemp("printed"))
    return sheet_pages(pdf.read_bytes())


@pytest.fixture(scope="module")
def book(make_run_report):
    return openpyxl.load_workbook(make_run_report / "results.xlsx", read_only=False)


def row_lines(ws, row: int) -> int:
    """Lines of text ``row`` of ``ws`` is high: its height over LINE_HEIGHT_PT (1 without a height)."""
    height = ws.row_dimensions[row].height
    return 1 if height is None else math.ceil(height / LINE_HEIGHT_PT)


def page_bound(ws) -> int:
    """Most pages a table sheet may print in: its body's rows laid on pages of LINES_PER_PAGE lines
    less the rows repeated on every page (title, note and header, each as high as its lines), in
    order, a row that does not fit on the page's remaining lines starting the next page (a row
    taller than a page takes as many pages as it fills), plus one page of slack for another
    version's font metrics."""
    per_page = LINES_PER_PAGE - sum(row_lines(ws, r) for r in range(1, HEADER_ROW + 1))
    assert per_page >= 10, ws.title
    pages, used = 1, 0
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        lines = row_lines(ws, r)
        if used and used + lines > per_page:
            pages, used = pages + 1, 0
        pages += (used + lines - 1) // per_page
        used = (used + lines - 1) % per_page + 1
    return pages + 1


def _is_data(ws) -> bool:
    colour = ws.sheet_properties.tabColor
    return colour is not None and str(colour.rgb).endswith(DATA_TAB_COLOUR)


def test_every_sheet_is_in_the_printout(printed, book):
    pages, total = printed
    assert list(pages) == book.sheetnames
    assert sum(pages.values()) == total


def test_data_sheets_print_their_title_and_note_only(printed, book):
    pages, _ = printed
    data = [ws.title for ws in book.worksheets if _is_data(ws)]
    # per cycle, per sample, and per scenario and strategy (with every scenario of the example)
    assert {"Trace", "PSASamples", "Summary", "CostBreakdown", "NetBenefit", "EVPPI"} <= set(data)
    assert book["Trace"].max_row > 10_000  # a row per cycle: hundreds of pages if printed
    assert book["NetBenefit"].max_row > 300  # a row per scenario, strategy and willingness to pay
    for name in data:
        assert pages[name] == 1, name


def test_table_sheets_print_in_pages_bounded_by_their_lines(printed, book):
    pages, total = printed
    tables = 0
    for ws in book.worksheets:
        if _is_data(ws) or ws.title == "Figures":
            continue
        assert pages[ws.title] <= page_bound(ws), (ws.title, ws.max_row, pages[ws.title])
        tables += pages[ws.title]
    assert tables <= PRINTED_TABLE_PAGES
    figures = sum(
        1 for row in book["Figures"].iter_rows(min_col=1, max_col=1) if str(row[0].value).startswith("Figure ")
    )
    assert pages["Figures"] <= PAGES_PER_FIGURE * figures
    assert total <= WHOLE_WORKBOOK_PAGES
    print(f"\nresults.xlsx of make run: {total} pages, {tables} of them table sheets")
