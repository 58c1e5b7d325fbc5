"""The shipped example's results.xlsx printed by LibreOffice (issue 18: it printed 1,165 pages).

LibreOffice prints the workbook to PDF with the file's own print settings (one bookmark per sheet,
pointing at the sheet's first page), and the pages of each sheet are counted from the PDF
(:func:`sheet_pages`, the PDF objects read with the standard library). A table sheet prints in at
most 2 pages plus one per :data:`ROWS_PER_PAGE` rows (fitted to the page width, no sheet spreads
sideways), a data sheet (a row per cycle or per sample) prints its title and note only: one page.
The example is the one a user runs (fixture rrmm_report: its one-way analysis and a 20-sample
PSA; the PSA samples sheet is a data sheet, so more samples would not change its pages).

Needs LibreOffice: skipped without it unless HECON_REQUIRE_LIBREOFFICE=1 (tests/workbook/libreoffice.py).
"""

from __future__ import annotations

import math
import re

import openpyxl
import pytest

from hecon.report.excel import DATA_TAB_COLOUR
from tests.workbook.libreoffice import convert_to_pdf, needs_libreoffice

pytestmark = needs_libreoffice

ROWS_PER_PAGE = 20
"""Fewest table rows on a printed landscape A4 page (wrapped texts make rows taller)."""
PAGES_PER_FIGURE = 2
WHOLE_WORKBOOK_PAGES = 150
"""Bound on the whole printout (the example printed 1,165 pages before the print settings)."""


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
def printed(rrmm_report, tmp_path_factory):
    folder, _ = rrmm_report
    pdf = convert_to_pdf(folder / "results.xlsx", tmp_path_factory.mktemp("printed"))
    return sheet_pages(pdf.read_bytes())


@pytest.fixture(scope="module")
def book(rrmm_report):
    folder, _ = rrmm_report
    return openpyxl.load_workbook(folder / "results.xlsx", read_only=False)


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
    assert {"Trace", "PSASamples"} <= set(data)
    assert book["Trace"].max_row > 10_000  # a row per cycle: hundreds of pages if printed
    for name in data:
        assert pages[name] == 1, name


def test_table_sheets_print_in_pages_bounded_by_their_rows(printed, book):
    pages, total = printed
    for ws in book.worksheets:
        if _is_data(ws) or ws.title == "Figures":
            continue
        bound = 2 + math.ceil(ws.max_row / ROWS_PER_PAGE)
        assert pages[ws.title] <= bound, (ws.title, ws.max_row, pages[ws.title])
    figures = sum(
        1 for row in book["Figures"].iter_rows(min_col=1, max_col=1) if str(row[0].value).startswith("Figure ")
    )
    assert pages["Figures"] <= PAGES_PER_FIGURE * figures
    assert total <= WHOLE_WORKBOOK_PAGES
