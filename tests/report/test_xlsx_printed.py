"""The shipped example's results.xlsx as `make run` writes it, printed by LibreOffice (issue 18: it
printed 1,165 pages, then 219).

LibreOffice prints the workbook to PDF with the file's own print settings (one bookmark per sheet,
pointing at the sheet's first page), and the pages of each sheet are counted from the PDF
(:func:`sheet_pages`, the PDF objects read with the standard library). A table sheet prints in at
most 2 pages plus one per :data:`ROWS_PER_PAGE` rows (fitted to the page width, no sheet spreads
sideways), a data sheet (a row per cycle, per sample, or per scenario and strategy) prints its
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
from hecon.report.excel import DATA_TAB_COLOUR
from tests.workbook.libreoffice import convert_to_pdf, needs_libreoffice

pytestmark = needs_libreoffice

ROWS_PER_PAGE = 20
"""Fewest table rows on a printed landscape A4 page (wrapped texts make rows taller)."""
PAGES_PER_FIGURE = 2
PRINTED_TABLE_PAGES = 70
"""Bound on the pages of the table sheets (not data, not figures) of `make run`'s workbook: 44 sheets
of a page or two (62 pages with LibreOffice 7.4; the bound leaves room for another version's row
heights). The whole workbook printed 219 pages before the per-scenario sheets were data."""
WHOLE_WORKBOOK_PAGES = 110
"""Bound on the whole printout (94 pages with LibreOffice 7.4; 1,165 before the print settings)."""
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


def test_table_sheets_print_in_pages_bounded_by_their_rows(printed, book):
    pages, total = printed
    tables = 0
    for ws in book.worksheets:
        if _is_data(ws) or ws.title == "Figures":
            continue
        bound = 2 + math.ceil(ws.max_row / ROWS_PER_PAGE)
        assert pages[ws.title] <= bound, (ws.title, ws.max_row, pages[ws.title])
        tables += pages[ws.title]
    assert tables <= PRINTED_TABLE_PAGES
    figures = sum(
        1 for row in book["Figures"].iter_rows(min_col=1, max_col=1) if str(row[0].value).startswith("Figure ")
    )
    assert pages["Figures"] <= PAGES_PER_FIGURE * figures
    assert total <= WHOLE_WORKBOOK_PAGES
    print(f"\nresults.xlsx of make run: {total} pages, {tables} of them table sheets")
