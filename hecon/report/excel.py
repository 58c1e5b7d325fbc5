"""results.xlsx: one worksheet per :class:`~hecon.report.tables.Table`.

Every text value is stored as a string cell, never as a formula, even when it starts with
``=`` (a parameter description such as ``=HYPERLINK(...)`` stays inert text). Headers are
bold and frozen, numbers carry formats with thousands separators, columns get widths.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hecon.report.tables import KINDS, Table

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_TITLE_FONT = Font(bold=True, size=12)


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


def _put(ws, row: int, col: int, value: Any):
    cell = ws.cell(row=row, column=col)
    value = _cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    return cell


def write_table(ws, table: Table) -> None:
    """Title in row 1, note in row 2, header in row 3, data below; header frozen."""
    _put(ws, 1, 1, table.title).font = _TITLE_FONT
    if table.note:
        _put(ws, 2, 1, table.note).font = Font(italic=True)
    header_row = 3
    for j, col in enumerate(table.columns, start=1):
        cell = _put(ws, header_row, j, col.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [KINDS[c.kind][0] for c in table.columns]
    for i, row in enumerate(table.rows, start=header_row + 1):
        for j, value in enumerate(row, start=1):
            cell = _put(ws, i, j, value)
            if isinstance(cell.value, (int, float)) and formats[j - 1] not in ("@", "General"):
                cell.number_format = formats[j - 1]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for j, col in enumerate(table.columns, start=1):
        width = col.width or max(10, min(50, len(col.header) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    if table.rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{header_row + len(table.rows)}"


def write_results_xlsx(tables: Sequence[Table], path: Path) -> None:
    """Write ``tables`` to ``path``, one sheet each, in order."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        write_table(wb.create_sheet(table.sheet[:31]), table)
    wb.save(path)
