"""Plain rows of a results.xlsx sheet streamed as XML, the bytes XlsxWriter would write for them.

XlsxWriter spends about 5 µs of processor time on each cell (its ``write_*`` methods check and
store the cell, then render it one attribute at a time), so the example's Markov trace of 300,000
cells took 1.5 s of a 2.6 s results.xlsx. :class:`RowStream` renders a row in one pass, with one
string format per cell, and appends it to the sheet's row file in XlsxWriter's streaming mode
(``constant_memory``), where the rows written through XlsxWriter's own methods go too, in the same
order. The XML is XlsxWriter's, character for character (``tests/report/test_xlsx_rows.py``
writes the same tables both ways and compares the files): numbers with 16 significant digits (XlsxWriter's ``.16G``), texts as inline
strings with XlsxWriter's escapes, each cell with its format's index and its reference.

The stream uses internals of XlsxWriter's streaming worksheet, pinned by that test and by the
version range in pyproject.toml: the row file (``fh``), the row held back (``previous_row``,
``table``, ``row_info``; flushed with ``_write_single_row``), the used range
(``_check_dimensions``), the default row heights, XlsxWriter's escapes and the format index
(``Format._get_xf_index``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_MAX_TEXT = 32767 // 2
"""Texts longer than this [characters] may pass Excel's limit of 32,767 UTF-16 units, which
XlsxWriter's own method truncates to: they are left to it."""


class RowStream:
    """Appends plain rows to a streaming (``constant_memory``) XlsxWriter worksheet."""

    def __init__(self, ws: Worksheet) -> None:
        if not ws.constant_memory:
            raise ValueError("RowStream needs a worksheet in XlsxWriter's constant_memory mode")
        self._ws = ws
        self._columns: list[str] = []
        self._styles: dict[int, str] = {}
        self._texts: dict[str, str | None] = {}

    def _references(self, n: int) -> list[str]:
        """The first ``n`` column letters, each with the start of its cell element."""
        while len(self._columns) < n:
            self._columns.append(f'<c r="{xl_col_to_name(len(self._columns))}')
        return self._columns

    def _style(self, cell_format: Format) -> str:
        key = id(cell_format)
        if key not in self._styles:
            self._styles[key] = f'" s="{cell_format._get_xf_index()}"'
        return self._styles[key]

    def _height(self, height: float | None) -> str:
        """The attributes of a row ``height`` points high, as ``Worksheet.set_row`` gives them:
        rounded to whole pixels of 0.75 point; none for the default height."""
        if height is None:
            return ""
        pixels = int(height * 4.0 / 3.0 + 0.5)
        ws = self._ws
        if pixels == ws.original_row_height == ws.default_row_height:
            return ""
        return f' ht="{pixels * 0.75:.16g}" customHeight="1"'

    def _text(self, text: str) -> str | None:
        """The inline-string element of ``text`` after its cell reference and style, or None for a
        text that may pass Excel's limit (left to XlsxWriter, which truncates it); kept for the
        text's next cell. Unlike XlsxWriter's ``write_string``, which writes a text that starts
        with ``<r>`` and ends with ``</r>`` unescaped, as the XML of a rich string, every text is
        escaped: a name in a model is text, never markup."""
        if len(text) > _MAX_TEXT:
            element = None
        else:
            escaped = Worksheet._escape_control_characters(text)
            space = ' xml:space="preserve"' if _preserve_whitespace(escaped) else ""
            element = f' t="inlineStr"><is><t{space}>{self._ws._escape_data(escaped)}</t></is></c>'
        self._texts[text] = element
        return element

    def write(self, row: int, values: Sequence[Any], formats: Sequence[Format], height: float | None = None) -> bool:
        """Write ``values`` (finite numbers, texts; None or an empty text for an empty cell) with
        ``formats`` to ``row`` (0-based), ``height`` points high (None: the default), as XlsxWriter's
        ``set_row``, ``write_number`` and ``write_string`` would; a row with no value is left empty.
        Returns False, having written nothing, when XlsxWriter already holds something of the row
        or it has a text longer than :data:`_MAX_TEXT`."""
        ws = self._ws
        if row in ws.row_info or row < ws.previous_row or ws.table.get(row):
            return False
        ws._write_single_row(row)  # first the row XlsxWriter holds back, if any: its formats' indices come first
        r = str(row + 1)
        references, styles, texts = self._references(len(values)), self._styles, self._texts
        cells, first, last = [], -1, -1
        for j, value in enumerate(values):
            if value is None or value == "":
                continue
            cell_format = formats[j]
            style = styles.get(id(cell_format)) or self._style(cell_format)
            if type(value) is str:
                tail = texts[value] if value in texts else self._text(value)
                if tail is None:
                    return False
                cells.append(f"{references[j]}{r}{style}{tail}")
            else:
                cells.append(f"{references[j]}{r}{style}><v>{value:.16G}</v></c>")
            if first < 0:
                first = j
            last = j
        if first < 0:
            return True
        if ws._check_dimensions(row, first) or ws._check_dimensions(row, last):
            return False  # beyond the sheet's last row or column
        ws.fh.write(f'<row r="{r}"{self._height(height)}>{"".join(cells)}</row>')
        return True
