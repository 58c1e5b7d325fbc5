"""results.xlsx: one worksheet per :class:`~hecon.report.tables.Table`, then the figures.

Every text value is stored as a string cell, never as a formula, even when it starts with
``=`` (a parameter description such as ``=HYPERLINK(...)`` stays inert text). Each sheet has
the table's title in row 1, its note in row 2 and the header in row 3, frozen; numbers carry
formats with thousands separators (the column kinds of :data:`hecon.report.numbers.KINDS`; a
parameter value the decimals of its significant digits, as in report.html),
columns get widths from their content and an auto-filter; every sheet prints landscape on A4,
fitted to the page width, with the title, note and header repeated on each page, and a data sheet
(a row per cycle or per sample) is marked by a grey tab and prints only its title and note.

Writer: XlsxWriter in its streaming mode (``constant_memory``: each row goes to disk when the
next begins), not openpyxl. A lifetime trace of weekly cycles has hundreds of thousands of
cells, and on it XlsxWriter takes about a third of the processor time of openpyxl's write-only
mode (``benchmarks/bench_xlsx.py``); it is kept up to date, writes files that Excel,
LibreOffice and openpyxl read, and only writes, which is all results.xlsx needs (openpyxl
still reads and writes the model workbooks). The rows of the tables are rendered by
:class:`~hecon.report.xlsx_rows.RowStream` as the XML XlsxWriter's own methods would write, at a
fraction of their processor time. The writing is in three layers, each a function:
:func:`write_results_xlsx` (the workbook, its shared :class:`Formats` and the sheet order),
:func:`write_table` (one sheet: layout and cells) and :func:`write_figures`; settings that
concern a whole sheet (widths, frozen header, filter; print settings belong there too) are
made in :func:`_sheet_setup`.
"""

from __future__ import annotations

import functools
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

from hecon.report.numbers import KINDS, SIGNIFICANT_DIGITS, excel_format, number_text
from hecon.report.tables import Table
from hecon.report.xlsx_rows import RowStream

HEADER_ROW = 3
TITLE_SIZE = 12
"""Size of a sheet's title [points]; other text is Excel's default 11 points."""
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
    title_wrap: Format
    note_wrap: Format
    header: Format
    wrap: Format
    text: Format
    numbers: dict[str, Format]
    workbook: xlsxwriter.Workbook

    def significant(self, value: float, digits: int) -> Format:
        """The format that shows ``value`` with ``digits`` significant digits, as report.html
        does (:func:`~hecon.report.numbers.excel_format`; registered on first use)."""
        number_format = excel_format(value, digits)
        if number_format in _UNFORMATTED:
            return self.text
        if number_format not in self.numbers:
            self.numbers[number_format] = self.workbook.add_format({"num_format": number_format, "valign": "top"})
        return self.numbers[number_format]

    @classmethod
    def of(cls, wb: xlsxwriter.Workbook) -> Formats:
        return cls(
            title=wb.add_format({"bold": True, "font_size": TITLE_SIZE}),
            note=wb.add_format({"italic": True}),
            title_wrap=wb.add_format({"bold": True, "font_size": TITLE_SIZE, "text_wrap": True, "valign": "top"}),
            note_wrap=wb.add_format({"italic": True, "text_wrap": True, "valign": "top"}),
            header=wb.add_format(
                {"bold": True, "bg_color": "#DDE4EE", "pattern": 1, "text_wrap": True, "valign": "top"}
            ),
            wrap=wb.add_format({"text_wrap": True, "valign": "top"}),
            text=wb.add_format({"valign": "top"}),
            numbers={
                number_format: wb.add_format({"num_format": number_format, "valign": "top"})
                for number_format, *_ in KINDS.values()
                if number_format not in _UNFORMATTED
            },
            workbook=wb,
        )


def _cell_value(value: Any) -> Any:
    """A value Excel can store: finite numbers, text (control characters removed) or None."""
    if type(value) is float:  # the most frequent, first
        return value if math.isfinite(value) else None
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalar
        return _cell_value(value.item())
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


#: Rows read to size a number column to its content (the first rows stand for the rest).
WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH, MIN_WIDTH = 60, 8
MAX_TEXT_WIDTH = 40
"""Widest text column [characters] of a sheet whose columns fill the page: longer texts wrap, so
that a sheet fitted to the page width keeps a legible font (on a page with room left, a text
column may have its own width: :func:`_widened`)."""
PAGE_WIDTH = 130
"""Width of the columns a landscape A4 page holds at 100% [characters, widths of the digit 0]: 297 mm
less two margins of 0.7 inch (XlsxWriter's default) is 261 mm, 740 points; a character is 7 pixels,
5.25 points, plus the cells' padding."""
DATA_TAB_COLOUR = "A6A6A6"
DATA_NOTE = (
    "Data sheet (bulk rows: per cycle, per sample, or per scenario, strategy and metric), not meant for printing. "
)
_A4 = 9
"""XlsxWriter's paper code of A4."""
LINE_HEIGHT_PT = 15.0
"""Height of one line of text in a row [points]: Excel's default row height (11-point Calibri)."""


_GLYPH_WIDTHS = {
    **dict.fromkeys(" ijlI.,:;'|!", 0.5),
    **dict.fromkeys("frt()[]{}/-", 0.7),
    **dict.fromkeys("mw", 1.5),
    **dict.fromkeys("MW", 1.7),
}
"""Width of a character [widths of the digit 0, the unit of a column's width], rounded up from
Calibri's advance widths (a digit 1038/2048 em, a lower-case letter about 1000, i and l 470, a space
463, m 1636, W 1931); a character not listed: 1, an upper-case letter 1.2 (:func:`text_width`)."""
BOLD = 1.08
"""Bold text (the header) is this much wider [ratio]."""


@functools.lru_cache(maxsize=4096)  # a sheet's texts repeat: strategy names on every row
def text_width(text: str, bold: bool = False) -> float:
    """Printed width of ``text`` [widths of the digit 0] (:data:`_GLYPH_WIDTHS`).

    >>> text_width("2024"), text_width("Mill"), text_width("QALYs")
    (4.0, 3.2, 5.8)
    """
    width = sum(_GLYPH_WIDTHS.get(ch, 1.2 if ch.isupper() else 1.0) for ch in text)
    return width * BOLD if bold else width


def wrapped_lines(text: str, width: float, bold: bool = False) -> int:
    """Lines ``text`` takes when it wraps at spaces in a column ``width`` characters wide [widths of
    the digit 0]: one character of the width is the cell's padding; a word longer than a line is
    broken over as many lines as it needs.

    >>> wrapped_lines("Costs (EUR, 2024 prices)", 9.0)  # "Costs" / "(EUR," / "2024" / "prices)": 8 a line
    4
    >>> wrapped_lines("QALYs", 10.0), wrapped_lines("", 10.0), wrapped_lines("abcdefghijklmnopqrstuvw", 10.0)
    (1, 1, 3)
    """
    line_width = max(width - 1, 1.0)
    space = text_width(" ", bold)
    lines, used = 1, 0.0
    for word in text.split():
        w = text_width(word, bold)
        if used and used + space + w <= line_width:
            used += space + w
            continue
        if used:
            lines += 1
        lines += math.ceil(w / line_width) - 1  # a word longer than a line
        used = w - (math.ceil(w / line_width) - 1) * line_width
    return lines


def row_height(texts: Sequence[str | None], widths: Sequence[float], bold: bool = False) -> float | None:
    """The height [points] of a row whose cells hold ``texts`` in columns ``widths`` characters
    wide, :data:`LINE_HEIGHT_PT` per line of its longest wrapped text; None for a row of one line.
    Neither Excel nor LibreOffice sizes a written row to its wrapped text when it opens or prints
    the file, so without it a header wrapped over two lines runs into the numbers below it.

    >>> row_height(["Costs (EUR, 2024 prices)", "x"], [9.0, 8.0]), row_height(["short", None], [12.0, 8.0])
    (60.0, None)
    """
    lines = max((wrapped_lines(t, w, bold) for t, w in zip(texts, widths) if t), default=1)
    return LINE_HEIGHT_PT * lines if lines > 1 else None


def column_widths(table: Table) -> list[float]:
    """Width of each column [characters] from its content: the longest value as report.html
    writes it (of a text column every distinct text, since a long table's later rows may hold a
    longer name than its first, e.g. the strategies of the sheet Trace; of a number column the
    first :data:`WIDTH_SAMPLE_ROWS` rows), and the longest word of the header
    (headers wrap, numbers never do), between :data:`MIN_WIDTH` and :data:`MAX_WIDTH`; a text
    column at most :data:`MAX_TEXT_WIDTH` or its own ``width`` if narrower (longer texts wrap), or
    wider up to its own ``width`` when the page has room (:func:`_widened`)."""
    widths, wanted = [], []
    for j, col in enumerate(table.columns):
        longest_word = max((len(w) for w in col.header.split()), default=0)
        sample = table.rows if col.kind == "text" else table.rows[:WIDTH_SAMPLE_ROWS]
        values = [len(number_text(v, col.kind)) for v in {r[j] for r in sample}]
        content = max(MIN_WIDTH, longest_word + 2, max(values, default=0) + 2)
        cap = min(col.width or MAX_TEXT_WIDTH, MAX_TEXT_WIDTH) if col.kind == "text" else MAX_WIDTH
        widths.append(float(min(cap, content)))
        wanted.append(float(min(col.width or MAX_TEXT_WIDTH, content)) if col.kind == "text" else widths[-1])
    return _widened(widths, wanted)


def _widened(widths: list[float], wanted: list[float]) -> list[float]:
    """``widths`` with the text columns narrower than they want (``wanted``) widened into the room
    the page has left (:data:`PAGE_WIDTH`), in proportion to what each lacks, whole characters: a
    sheet of a few columns (the Assumptions sheet's texts) then wraps into fewer lines without
    being shrunk to fit the page.

    >>> _widened([18.0, 40.0], [18.0, 120.0]), _widened([30.0, 40.0, 40.0], [30.0, 50.0, 70.0])
    ([18.0, 112.0], [30.0, 45.0, 55.0])
    """
    lacking = [max(w - v, 0.0) for v, w in zip(widths, wanted)]
    room = PAGE_WIDTH - sum(widths)
    if room <= 0 or not any(lacking):
        return widths
    share = min(1.0, room / sum(lacking))
    return [v + math.floor(short * share) for v, short in zip(widths, lacking)]


NOTE_LINES = 3
"""Lines a title or note wraps into at most beside a narrow table, whose columns widen for it
(:func:`_room_for`), up to :data:`PAGE_WIDTH`."""


def _room_for(widths: list[float], texts: Sequence[tuple[str, float]]) -> list[float]:
    """``widths`` widened in proportion, whole characters, until each of ``texts`` (text, font size
    relative to the default) wraps in at most :data:`NOTE_LINES` lines across them, or the columns
    fill :data:`PAGE_WIDTH`: the title, note and header repeated on every printed page of a narrow
    table then leave room for its rows.

    >>> _room_for([10.0, 10.0], [("x" * 89, 1.0)]), _room_for([10.0, 10.0], [("short", 1.0)])
    ([15.0, 15.0], [10.0, 10.0])
    """
    width = sum(widths)
    wanted = min(PAGE_WIDTH, max((text_width(t) * size + 1) / NOTE_LINES for t, size in texts))
    if wanted <= width or not width:
        return widths
    return [float(math.ceil(w * wanted / width)) for w in widths]


def _note(table: Table) -> str:
    """The text of row 2 of ``table``'s sheet."""
    return (DATA_NOTE if table.data else "") + table.note


def _sheet_setup(ws: Worksheet, table: Table) -> list[float]:
    """Column widths from content, the frozen header, the auto-filter and the print settings of
    ``table``'s sheet: landscape A4 fitted to the page width, rows 1 to the header repeated on
    every page; a data sheet gets a grey tab and a print area of its title and note only.
    Returns the column widths [characters]."""
    widths = _room_for(column_widths(table), [(table.title, TITLE_SIZE / 11), (_note(table), 1.0)])
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    ws.freeze_panes(HEADER_ROW, 0)
    if table.rows:
        ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + len(table.rows), len(table.columns) - 1)
    ws.set_landscape()
    ws.set_paper(_A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, HEADER_ROW - 1)
    if table.data:
        ws.set_tab_color(f"#{DATA_TAB_COLOUR}")
        ws.print_area(0, 0, 1, max(len(table.columns) - 1, 0))
    return widths


def write_table(ws: Worksheet, table: Table, formats: Formats) -> None:
    """Title in row 1, note in row 2, header in row 3, data below; header frozen.

    Rows are written in order (the streaming writer keeps one row in memory); a text longer than
    its column's width wraps."""
    widths = _sheet_setup(ws, table)
    _write_across(ws, 0, _cell_value(table.title), widths, formats.title, formats.title_wrap, TITLE_SIZE / 11)
    note = _note(table)
    if note:
        _write_across(ws, 1, _cell_value(note), widths, formats.note, formats.note_wrap)
    headers = [_cell_value(col.header) for col in table.columns]
    if (height := row_height(headers, widths, bold=True)) is not None:
        ws.set_row(HEADER_ROW - 1, height)
    for j, header in enumerate(headers):
        ws.write_string(HEADER_ROW - 1, j, header, formats.header)
    column_formats = [formats.numbers.get(KINDS[c.kind][0], formats.text) for c in table.columns]
    digits = [SIGNIFICANT_DIGITS.get(c.kind) for c in table.columns]
    stream = RowStream(ws)
    for i, row in enumerate(table.rows, start=HEADER_ROW):
        values, cell_formats, wrapped, wrapped_widths = [], [], [], []
        for j, value in enumerate(row):
            v = _cell_value(value)
            if type(v) is str:
                wraps = _wraps(v, widths[j])
                cell_formats.append(formats.wrap if wraps else formats.text)
                if wraps:
                    wrapped.append(v)
                    wrapped_widths.append(widths[j])
            else:
                n = digits[j]
                cell_formats.append(column_formats[j] if n is None or v is None else formats.significant(v, n))
            values.append(v)
        height = row_height(wrapped, wrapped_widths) if wrapped else None
        if not stream.write(i, values, cell_formats, height):
            _write_row(ws, i, values, cell_formats, height)


def _write_row(
    ws: Worksheet, row: int, values: Sequence[Any], cell_formats: Sequence[Format], height: float | None
) -> None:
    """One row through XlsxWriter's own methods (a row that :class:`RowStream` does not write)."""
    if height is not None:
        ws.set_row(row, height)
    for j, v in enumerate(values):
        if isinstance(v, str):
            if v:  # an empty text is an empty cell; text, even when it starts with "=": never a formula
                ws.write_string(row, j, v, cell_formats[j])
        elif v is not None:
            ws.write_number(row, j, v, cell_formats[j])


def _wraps(text: str, width: float) -> bool:
    """Whether ``text`` is wider than a column ``width`` characters wide less its padding
    (:func:`wrapped_lines`), so that it is written wrapped."""
    return text_width(text) > width - 1


def _write_across(
    ws: Worksheet, row: int, text: str, widths: Sequence[float], plain: Format, wrap: Format, size: float = 1.0
) -> None:
    """``text`` (a title or note, its font ``size`` times the default) in the first cell of ``row``;
    when it is wider than the table's columns (``widths``) it wraps in a cell merged across them,
    the row as high as its lines, so that a sheet fitted to the page width is scaled to its table,
    never to a long note."""
    width = sum(widths)
    if text_width(text) * size + 1 <= width:
        ws.write_string(row, 0, text, plain)
        return
    ws.set_row(row, LINE_HEIGHT_PT * size * wrapped_lines(text, width / size))
    if len(widths) > 1:
        ws.merge_range(row, 0, row, len(widths) - 1, text, wrap)
    else:
        ws.write_string(row, 0, text, wrap)


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
