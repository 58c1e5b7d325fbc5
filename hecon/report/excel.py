"""results.xlsx: one worksheet per :class:`~hecon.report.tables.Table`, then the figures.

Every text value is stored as a string cell, never as a formula, even when it starts with
``=`` (a parameter description such as ``=HYPERLINK(...)`` stays inert text). Each sheet has
the table's title in row 1, its note in row 2 and the header in row 3, frozen; numbers carry
formats with thousands separators (the column kinds of :data:`hecon.report.tables.KINDS`),
columns get widths and an auto-filter.

Writer: XlsxWriter in its streaming mode (``constant_memory``: each row goes to disk when the
next begins), not openpyxl. A lifetime trace of weekly cycles has hundreds of thousands of
cells, and on it XlsxWriter takes about a third of the processor time of openpyxl's write-only
mode (``benchmarks/bench_xlsx.py``); it is kept up to date, writes files that Excel,
LibreOffice and openpyxl read, and only writes, which is all results.xlsx needs (openpyxl
still reads and writes the model workbooks). The writing is in three layers, each a function:
:func:`write_results_xlsx` (the workbook, its shared :class:`Formats` and the sheet order),
:func:`write_table` (one sheet: layout and cells) and :func:`write_figures`; settings that
concern a whole sheet (widths, frozen header, filter; print settings belong there too) are
made in :func:`_sheet_setup`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.image import Image
from xlsxwriter.worksheet import Worksheet

from hecon.report.tables import KINDS, Table

HEADER_ROW = 3
"""The header's row [1-based, as Excel numbers rows]; the title is row 1, the note row 2."""
FIGURES_SHEET = "Figures"
_FIGURE_WIDTH_PX = 900
"""Width of a figure on the Figures sheet [pixels at 100% zoom]."""
_ROW_HEIGHT_PX = 20
"""Excel's default row height [pixels]."""
_UNFORMATTED = ("@", "General")
"""Number formats that numbers are written without (Excel's default)."""


@dataclass(frozen=True)
class Formats:
    """The cell formats of one workbook, registered once (XlsxWriter shares them by object)."""

    title: Format
    note: Format
    header: Format
    wrap: Format
    numbers: dict[str, Format]

    @classmethod
    def of(cls, wb: xlsxwriter.Workbook) -> Formats:
        return cls(
            title=wb.add_format({"bold": True, "font_size": 12}),
            note=wb.add_format({"italic": True}),
            header=wb.add_format(
                {"bold": True, "bg_color": "#DDE4EE", "pattern": 1, "text_wrap": True, "valign": "top"}
            ),
            wrap=wb.add_format({"text_wrap": True, "valign": "top"}),
            numbers={
                number_format: wb.add_format({"num_format": number_format})
                for number_format, *_ in KINDS.values()
                if number_format not in _UNFORMATTED
            },
        )


def _cell_value(value: Any) -> Any:
    """A value Excel can store: finite numbers, text (control characters removed) or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalar
        return _cell_value(value.item())
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _sheet_setup(ws: Worksheet, table: Table) -> None:
    """Column widths, the frozen header and the auto-filter of ``table``'s sheet."""
    for j, col in enumerate(table.columns):
        ws.set_column(j, j, col.width or max(10, min(50, len(col.header) + 2)))
    ws.freeze_panes(HEADER_ROW, 0)
    if table.rows:
        ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + len(table.rows), len(table.columns) - 1)


def write_table(ws: Worksheet, table: Table, formats: Formats) -> None:
    """Title in row 1, note in row 2, header in row 3, data below; header frozen.

    Rows are written in order (the streaming writer keeps one row in memory)."""
    _sheet_setup(ws, table)
    ws.write_string(0, 0, _cell_value(table.title), formats.title)
    if table.note:
        ws.write_string(1, 0, _cell_value(table.note), formats.note)
    for j, col in enumerate(table.columns):
        ws.write_string(HEADER_ROW - 1, j, _cell_value(col.header), formats.header)
    column_formats = [formats.numbers.get(KINDS[c.kind][0]) for c in table.columns]
    write_string, write_number = ws.write_string, ws.write_number
    for i, row in enumerate(table.rows, start=HEADER_ROW):
        for j, v in enumerate(row):
            v = _cell_value(v)
            if isinstance(v, str):
                if v:  # an empty text is an empty cell
                    write_string(i, j, v)  # text, even when it starts with "=": never a formula
            elif v is not None:
                write_number(i, j, v, column_formats[j])


def write_figures(ws: Worksheet, figures: Sequence[Any], formats: Formats) -> None:
    """Every figure as a PNG image below its title and caption, one under the other, at most
    :data:`_FIGURE_WIDTH_PX` wide."""
    ws.set_column(0, 0, 130)
    ws.write_string(0, 0, "Figures of the report", formats.title)
    ws.write_string(1, 0, "The same figures as report.html, in the same order.", formats.note)
    row = 3  # 0-based: below a blank row
    for k, fig in enumerate(figures, start=1):
        ws.write_string(row, 0, _cell_value(f"Figure {k}. {fig.title}"), formats.header)
        ws.write_string(row + 1, 0, _cell_value(fig.caption), formats.wrap)
        w, h = fig.size
        scale = min(1.0, _FIGURE_WIDTH_PX / w) if w else 1.0
        image = Image(io.BytesIO(fig.png))
        # XlsxWriter shows an image of d dpi at 96/d of its pixels; undo that, then scale
        ws.insert_image(
            row + 2,
            0,
            image,
            {"x_scale": scale * image.x_dpi / 96.0, "y_scale": scale * image.y_dpi / 96.0, "object_position": 3},
        )
        row += 2 + math.ceil(h * scale / _ROW_HEIGHT_PX) + 1


def write_results_xlsx(tables: Sequence[Table], path: Path, figures: Sequence[Any] = ()) -> None:
    """Write ``tables`` to ``path``, one sheet each, in order (only their Excel columns), then
    the ``figures`` on a sheet of their own."""
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(str(path), options) as wb:
        formats = Formats.of(wb)
        for table in tables:
            write_table(wb.add_worksheet(table.sheet[:31]), table.for_excel(), formats)
        if figures:
            write_figures(wb.add_worksheet(FIGURES_SHEET), figures, formats)
