"""The Draws sheet: the tables of joint draws of ``empirical`` PSA distributions.

Layout (as every data sheet: header row, unit row, description row, then data from row 4): one
column per parameter whose distribution on the Parameters sheet is ``empirical``, headed by the
parameter's name, one joint draw per row. The columns of one group (the Parameters sheet's
``group``) are one table: a sheet row holds a joint draw of the group wherever any of the group's
columns has a value there, and then every column of the group must have one (a blank cell is an
error, located at the cell); rows blank in all of a group's columns are skipped. Groups may have
different numbers of rows and sit side by side. How the PSA draws whole rows is described in
:mod:`hecon.model.distributions` ("Empirical joint distributions").

Problems are located at cells: a column that names no empirical parameter at its header, a bad
or blank draw at its cell; an empirical parameter without a column at its Parameters row. The
reader (:func:`hecon.workbook.reader.draw_columns`) collects the columns; this module checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hecon.model.problems import Cell, Problem, suggestion

SHEET = "Draws"
PREFIX = ""
"""The Draws sheet's column family: every header is a parameter's name."""


@dataclass(frozen=True)
class DrawColumn:
    """One column of the Draws sheet: its header cell, the sheet rows of its draws and their values
    (NaN for a cell that was reported as not a number)."""

    header: Cell
    rows: tuple[int, ...]
    values: tuple[float, ...]

    def cell(self, index: int | None) -> Cell:
        """The cell of draw ``index`` (0-based), or the header for the column as a whole."""
        if index is None or not 0 <= index < len(self.rows):
            return self.header
        return Cell(self.header.sheet, f"{self.header.column}{self.rows[index]}")


def sheet_problems(
    columns: Mapping[str, DrawColumn], kinds: Mapping[str, str], groups: Mapping[str, str | None]
) -> tuple[list[Problem], list[str]]:
    """Problems of the Draws sheet as a whole, and the groups whose tables are misaligned.

    columns : the sheet's columns that hold values (:func:`hecon.workbook.reader.draw_columns`)
    kinds   : parameter name -> its distribution kind ("" for none), every parameter of the Parameters sheet
    groups  : parameter name -> its group, for the parameters with a distribution

    A column naming no parameter, or a parameter whose distribution is not empirical, is reported at its
    header; a blank cell of a group in a row where another column of the group has a draw, at the cell.
    """
    problems: list[Problem] = []
    empirical = [n for n, k in kinds.items() if k == "empirical"]
    expected = "a column per parameter whose distribution is empirical, headed by its name (Parameters sheet)"
    for name, column in columns.items():
        if name not in kinds:
            what = f"the column '{name}' is not a parameter{suggestion(name, empirical or kinds)}"
            problems.append(Problem(column.header, what, expected))
        elif kinds[name] != "empirical":
            what = f"the column '{name}' holds draws, but the parameter's distribution is {kinds[name] or 'not given'}"
            problems.append(Problem(column.header, what, "distribution empirical for a parameter with draws"))
    members: dict[str, list[str]] = {}
    for name in empirical:
        group = groups.get(name)
        if group and name in columns:
            members.setdefault(group, []).append(name)
    misaligned: list[str] = []
    for group, names in members.items():
        rows = sorted({r for n in names for r in columns[n].rows})
        for name in names:
            have = set(columns[name].rows)
            for row in (r for r in rows if r not in have):
                other = next(n for n in names if row in columns[n].rows)
                where = Cell(columns[name].header.sheet, f"{columns[name].header.column}{row}")
                problems.append(
                    Problem(
                        where,
                        f"{name}: blank, but '{other}' of empirical group '{group}' has a draw in row {row}",
                        "a draw in every row of the group's table (row r of the group's columns is one joint draw)",
                    )
                )
                if group not in misaligned:
                    misaligned.append(group)
    return problems, misaligned
