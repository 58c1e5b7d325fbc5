"""Putting rows into a copy of a workbook: fitted curves and their PSA parameters into a model.

:func:`merge_rows` writes a new workbook (atomically; the model it starts from is never
modified) in which each given row replaces the row of the same ``name`` on its sheet, or is
added below the last row when the sheet has none of that name. Values are written by column
header, so the rows fit whatever column order and extra note columns the sheet has; formats,
notes, formulas and other sheets are kept as they are.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl

from hecon.model.problems import Cell, FileLine, ModelError, Problem
from hecon.workbook.files import open_book
from hecon.workbook.schema import FIRST_DATA_ROW, HEADER_ROW
from hecon.workbook.writer import put

__all__ = ["merge_rows"]

Row = Mapping[str, object]


def merge_rows(model: str | Path, rows: Mapping[str, Sequence[Row]]) -> tuple[bytes, dict[str, list[str]]]:
    """The workbook ``model`` with ``rows`` (sheet -> rows as column -> value, each with a
    ``name``) put in by name, as .xlsx bytes; and, per sheet, the names that replaced a row.

    Raises :class:`~hecon.model.problems.ModelError` when ``model`` cannot be read, a sheet is
    missing, or a row has a value for a column that the sheet lacks.
    """
    model = Path(model)
    open_book(model).close()  # the same file checks as reading a model (exists, is .xlsx, not encrypted, ...)
    wb = openpyxl.load_workbook(io.BytesIO(model.read_bytes()))  # formulas kept; the file is only read
    problems: list[Problem] = []
    replaced: dict[str, list[str]] = {}
    for sheet, sheet_rows in rows.items():
        if sheet not in wb.sheetnames:
            problems.append(
                Problem(FileLine(str(model)), f"has no sheet {sheet!r}", f"a hecon model with a {sheet} sheet")
            )
            continue
        replaced[sheet] = _merge_sheet(wb[sheet], sheet_rows, problems)
    if problems:
        raise ModelError(problems)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), replaced


def _merge_sheet(ws: object, sheet_rows: Sequence[Row], problems: list[Problem]) -> list[str]:
    header = {
        str(cell.value).strip().lower(): cell.column
        for cell in ws[HEADER_ROW]  # type: ignore[index]
        if cell.value is not None and str(cell.value).strip()
    }
    title = ws.title  # type: ignore[attr-defined]
    if "name" not in header:
        problems.append(Problem(Cell(title, f"A{HEADER_ROW}"), "no column 'name'", "a hecon sheet with a name column"))
        return []
    name_column = header["name"]
    by_name: dict[str, int] = {}
    last = FIRST_DATA_ROW - 1
    for row in range(FIRST_DATA_ROW, ws.max_row + 1):  # type: ignore[attr-defined]
        values = [ws.cell(row, c).value for c in header.values()]  # type: ignore[attr-defined]
        if any(v is not None and str(v).strip() for v in values):
            last = row
            name = ws.cell(row, name_column).value  # type: ignore[attr-defined]
            if name is not None:
                by_name.setdefault(str(name).strip(), row)
    replaced = []
    for new in sheet_rows:
        missing = [c for c, v in new.items() if c.lower() not in header and v not in (None, "")]
        if missing:
            problems.append(
                Problem(
                    Cell(title, f"A{HEADER_ROW}"),
                    f"no column {', '.join(repr(c) for c in missing)} for row {new['name']!r}",
                    "the columns of the hecon template (hecon template)",
                )
            )
            continue
        name = str(new["name"])
        if name in by_name:
            row = by_name[name]
            replaced.append(name)
        else:
            last += 1
            row = by_name[name] = last
        for column, index in header.items():
            if column in {c.lower() for c in new}:
                value = next(v for c, v in new.items() if c.lower() == column)
                ws.cell(row, index).value = None  # type: ignore[attr-defined]  # a replaced row's old value goes
                put(ws, row, index, value)  # type: ignore[arg-type]  # numbers exactly, text as text
    return replaced
