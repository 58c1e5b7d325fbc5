"""results.xlsx: one worksheet per :class:`~hecon.report.tables.Table`, then the figures.

Every text value is stored as a string cell, never as a formula, even when it starts with
``=`` (a parameter description such as ``=HYPERLINK(...)`` stays inert text). Each sheet has
the table's title in row 1, its note in row 2 and the header in row 3, frozen; numbers carry
formats with thousands separators (the column kinds of :data:`hecon.report.numbers.KINDS`),
columns get widths and an auto-filter. The workbook is written in openpyxl's streaming
(write-only) mode: a lifetime trace of weekly cycles has hundreds of thousands of cells.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hecon.report.numbers import KINDS, number_text
from hecon.report.tables import Table

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_TITLE_FONT = Font(bold=True, size=12)
_NOTE_FONT = Font(italic=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ROW = 3
FIGURES_SHEET = "Figures"
_FIGURE_WIDTH_PX = 900
"""Width of a figure on the Figures sheet [pixels at 100% zoom]."""


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


def _cell(ws, value: Any, font: Font | None = None, number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=None)
    value = _cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    elif number_format is not None and value is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


#: Rows read to size a column to its content (the first rows stand for the rest).
WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH, MIN_WIDTH = 60, 8
DATA_TAB_COLOUR = "A6A6A6"
DATA_NOTE = "Data sheet (a row per cycle or per sample), not meant for printing. "


def column_widths(table: Table) -> list[float]:
    """Width of each column [characters] from its content: the longest value of the first
    :data:`WIDTH_SAMPLE_ROWS` rows as report.html writes it, and the longest word of the header
    (headers wrap, numbers never do), between :data:`MIN_WIDTH` and :data:`MAX_WIDTH` (a text
    column's own ``width``, where it has one, caps it: longer texts wrap)."""
    widths = []
    for j, col in enumerate(table.columns):
        longest_word = max((len(w) for w in col.header.split()), default=0)
        values = [len(number_text(r[j], col.kind)) for r in table.rows[:WIDTH_SAMPLE_ROWS]]
        cap = col.width if col.width and col.kind == "text" else MAX_WIDTH  # long texts wrap at the column's width
        widths.append(float(min(cap, max(MIN_WIDTH, longest_word + 2, max(values, default=0) + 2))))
    return widths


def _print_settings(ws, table: Table, n_columns: int) -> None:
    """Landscape A4, fitted to the page width, header rows repeated on every page; a data sheet
    is marked by a grey tab and prints only its title and note."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{HEADER_ROW}"
    if table.data:
        ws.sheet_properties.tabColor = DATA_TAB_COLOUR
        ws.print_area = f"A1:{get_column_letter(max(n_columns, 1))}2"


def write_table(ws, table: Table) -> None:
    """Title in row 1, note in row 2, header in row 3, data below; header frozen; print settings
    (:func:`_print_settings`); column widths from content (:func:`column_widths`)."""
    n = len(table.columns)
    for j, width in enumerate(column_widths(table), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _print_settings(ws, table, n)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if table.rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(n)}{HEADER_ROW + len(table.rows)}"
    ws.append([_cell(ws, table.title, _TITLE_FONT)])
    note = (DATA_NOTE if table.data else "") + table.note
    ws.append([_cell(ws, note, _NOTE_FONT)] if note else [])
    header = []
    for col in table.columns:
        cell = _cell(ws, col.header, _HEADER_FONT)
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        header.append(cell)
    ws.append(header)
    formats = [KINDS[c.kind][0] for c in table.columns]
    # one style per column, shared by its number cells (registering a format per cell is slow)
    styles = [_cell(ws, 0.0, number_format=f)._style if f not in ("@", "General") else None for f in formats]
    for row in table.rows:
        out = []
        for j, v in enumerate(row):
            v = _cell_value(v)
            if isinstance(v, str):
                cell = WriteOnlyCell(ws, value=None)
                cell.value = v
                cell.data_type = "s"  # never a formula
                out.append(cell)
            elif v is not None and styles[j] is not None:
                cell = WriteOnlyCell(ws, value=v)
                cell._style = styles[j]
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)


def write_figures(ws, figures: Sequence[Any]) -> None:
    """Every figure as a PNG image below its title and caption, one under the other."""
    from openpyxl.drawing.image import Image

    ws.column_dimensions["A"].width = 130
    ws.append([_cell(ws, "Figures of the report", _TITLE_FONT)])
    ws.append([_cell(ws, "The same figures as report.html, in the same order.", _NOTE_FONT)])
    ws.append([])
    row = 4
    for k, fig in enumerate(figures, start=1):
        ws.append([_cell(ws, f"Figure {k}. {fig.title}", _HEADER_FONT)])
        caption = _cell(ws, fig.caption)
        caption.alignment = _WRAP
        ws.append([caption])
        w, h = fig.size
        scale = min(1.0, _FIGURE_WIDTH_PX / w) if w else 1.0
        image = Image(io.BytesIO(fig.png))
        image.width, image.height = int(w * scale), int(h * scale)
        image.anchor = f"A{row + 2}"
        ws.add_image(image)
        blank = math.ceil(image.height / 20) + 1  # default row height: 20 pixels
        for _ in range(blank):
            ws.append([])
        row += 2 + blank


def write_results_xlsx(tables: Sequence[Table], path: Path, figures: Sequence[Any] = ()) -> None:
    """Write ``tables`` to ``path``, one sheet each, in order (only their Excel columns), then
    the ``figures`` on a sheet of their own."""
    wb = Workbook(write_only=True)
    for table in tables:
        write_table(wb.create_sheet(table.sheet[:31]), table.for_excel())
    if figures:
        write_figures(wb.create_sheet(FIGURES_SHEET), figures)
    wb.save(path)
