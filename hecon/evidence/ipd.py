"""Individual patient data (IPD) for survival fitting, read from a CSV file or an Excel sheet.

Layout: a header row naming the columns, then one row per patient.

=====  ===================================================================================
time   time from the start of follow-up to the event or to censoring, >= 0 [the data's
       time unit: days, weeks, months or years; the fit is in that unit]
event  1 = the event (e.g. death, progression) happened at ``time``; 0 = censored at ``time``
arm    optional: the arm or treatment group; without this column every patient is in one
       arm called :data:`ALL`
=====  ===================================================================================

Column names are matched case-insensitively and may come in any order; other columns are
ignored, and so are rows that are entirely blank. A CSV file is UTF-8 (a byte-order mark, as
Excel writes, is fine) separated by commas, semicolons or tabs (recognised from the header
line); with semicolons or tabs a decimal comma (``12,5``) is read as a decimal point, as
Excel writes in Dutch and other locales. An Excel file (.xlsx, .xlsm) is read from its first
sheet or a named one, cached values of formulas included; the file is never modified.

Every problem is collected and reported together as a
:class:`~hecon.model.problems.ModelError`, located as ``file.csv:LINE`` (the physical line of
the file, header = line 1) or ``Sheet!B7`` (the cell).
"""

from __future__ import annotations

import csv
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from hecon.model.problems import Cell, Element, FileLine, Location, ModelError, Problem, topic

__all__ = ["ALL", "ArmData", "CSV_SUFFIXES", "EXCEL_SUFFIXES", "arm_data", "read_ipd"]

ALL = "all"
"""Arm name of the data when the file has no ``arm`` column."""
CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

_TIME, _EVENT, _ARM = "time", "event", "arm"
_COLUMNS_EXPECTED = "columns time, event and optionally arm, named in the first row (any order)"
_TIME_EXPECTED = "a time >= 0 in the data's time unit"
_EVENT_EXPECTED = "1 (event) or 0 (censored)"
_ARM_EXPECTED = "the arm's name on every row (or no arm column)"
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")


@dataclass(frozen=True, eq=False)
class ArmData:
    """Right-censored survival times of the patients of one arm.

    arm    : arm name (:data:`ALL` when the data have no arm column)
    time   : time to the event or censoring of each patient, >= 0 [the data's time unit]
    event  : True where the event was observed, False where the time is censored
    source : where the data came from (file, and sheet for Excel), for messages and outputs
    """

    arm: str
    time: np.ndarray
    event: np.ndarray
    source: str = ""

    @property
    def n(self) -> int:
        """Number of patients."""
        return int(self.time.size)

    @property
    def events(self) -> int:
        """Number of observed events."""
        return int(np.count_nonzero(self.event))


def arm_data(time: ArrayLike, event: ArrayLike, arm: str = ALL, source: str = "") -> ArmData:
    """An :class:`ArmData` from arrays (e.g. reconstructed from a published Kaplan–Meier curve).

    Parameters
    ----------
    time : array-like
        Time to the event or to censoring, >= 0 [the data's time unit].
    event : array-like
        1 (or True) for an observed event, 0 (or False) for a censored time.
    arm, source : str
        Arm name and where the data came from.

    Raises
    ------
    ModelError
        Times that are not finite or negative, events other than 0/1, different lengths, or
        no patients; each problem names the (0-based) index of the first offending value.
    """
    where = topic(f"arm {arm!r}")
    t = np.asarray(time, dtype=float).ravel()
    e = np.asarray(event, dtype=float).ravel()
    problems = []
    if t.size != e.size:
        problems.append(Problem(where, f"{t.size} times but {e.size} event indicators", "one of each per patient"))
    if t.size == 0:
        problems.append(Problem(where, "has no patients", "at least one patient"))
    bad_t = ~np.isfinite(t) | (t < 0)
    if bad_t.any():
        i = int(np.argmax(bad_t))
        problems.append(
            Problem(
                Element("entry", f"arm {arm!r}, time", index=int(i)),
                f"{t[i]:g} is not a finite time >= 0",
                _TIME_EXPECTED,
            )
        )
    bad_e = ~np.isin(e, (0.0, 1.0))
    if bad_e.any():
        i = int(np.argmax(bad_e))
        problems.append(
            Problem(Element("entry", f"arm {arm!r}, event", index=int(i)), f"{e[i]:g} is not 0 or 1", _EVENT_EXPECTED)
        )
    if problems:
        raise ModelError(problems)
    return _frozen(arm, t, e == 1.0, source)


def _frozen(arm: str, time: np.ndarray, event: np.ndarray, source: str) -> ArmData:
    time = np.array(time, dtype=float)
    event = np.array(event, dtype=bool)
    time.flags.writeable = False
    event.flags.writeable = False
    return ArmData(arm, time, event, source)


def read_ipd(path: str | Path, *, sheet: str | None = None) -> dict[str, ArmData]:
    """Read individual patient data from a CSV file or an Excel sheet, split by arm.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (or ``.txt``) file, or an ``.xlsx``/``.xlsm`` workbook; the layout is in the
        module docstring. The file is only read.
    sheet : str, optional
        Excel only: the sheet to read (case-insensitive); default the first sheet.

    Returns
    -------
    dict
        Arm name -> :class:`ArmData`, arms in the order they first appear; ``{"all": ...}``
        when there is no ``arm`` column.

    Raises
    ------
    ModelError
        Every problem found, e.g. ``data.csv:7: event '2' is not 0 or 1; expected 1 (event)
        or 0 (censored)`` or ``Patients!A12: time -3 is negative; expected a time >= 0 in the
        data's time unit``: a missing column, a blank, non-numeric, infinite or negative
        time, an event that is not 0 or 1, a blank arm, a file without data rows, an
        unreadable file or a missing sheet.

    Examples
    --------
    >>> data = read_ipd("tests/evidence/data/ovarian.csv")  # doctest: +SKIP
    >>> data["rx1"].n, data["rx1"].events  # doctest: +SKIP
    (13, 7)
    """
    path = Path(path)
    label = str(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES:
        raise ModelError(
            Problem(
                FileLine(label), f"has the suffix {path.suffix!r}", "a .csv file or an Excel workbook (.xlsx, .xlsm)"
            )
        )
    if suffix in CSV_SUFFIXES:
        if sheet is not None:
            raise ModelError(
                Problem(FileLine(label), f"is a CSV file, which has no sheet {sheet!r}", "a sheet only for Excel")
            )
        rows = _csv_rows(path, label)
    else:
        rows = _excel_rows(path, label, sheet)
    return _parse(rows)


# --------------------------------------------------------------------------------------
# Sources: each yields the header and the data rows, with the location of every cell
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One data row: its values and where each cell is (``file.csv:7`` or ``Sheet!B7``)."""

    values: list[object]
    locate: Callable[[int], Location]  # column position (0-based) -> location

    def cell(self, position: int) -> tuple[Location, object]:
        """Location and value of a cell; a short row has blank cells at its end."""
        return self.locate(position), self.values[position] if position < len(self.values) else None


@dataclass(frozen=True)
class _Table:
    """A table read from a file: the header row (None if the file has no rows) and data rows."""

    label: str  # file (and sheet), for problems with the whole table
    header: _Row | None
    rows: list[_Row]
    decimal_comma: bool = False


def _csv_rows(path: Path, label: str) -> _Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(
            Problem(
                FileLine(label), f"is not UTF-8 text (byte {exc.start} cannot be decoded)", "a CSV file saved as UTF-8"
            )
        ) from None
    except OSError as exc:
        raise ModelError(
            Problem(FileLine(label), f"cannot be read: {exc.strerror or exc}", "a readable CSV file")
        ) from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header: _Row | None = None
    rows = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        where = FileLine(label, reader.line_num)
        row = _Row(list(record), lambda _, where=where: where)  # type: ignore[misc]
        if header is None:
            header = row
        else:
            rows.append(row)
    return _Table(label, header, rows, decimal_comma=delimiter != ",")


def _excel_rows(path: Path, label: str, sheet: str | None) -> _Table:
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ModelError(
            Problem(FileLine(label), f"is not a readable Excel workbook ({exc})", "an .xlsx file saved by Excel")
        ) from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        else:
            titles = {title.strip().lower(): title for title in book.sheetnames}
            if sheet.strip().lower() not in titles:
                raise ModelError(
                    Problem(
                        FileLine(label), f"has no sheet {sheet!r}", "one of the sheets " + ", ".join(book.sheetnames)
                    )
                )
            ws = book[titles[sheet.strip().lower()]]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # the file's <dimension> may be wrong: read every row there is
        title = ws.title
        header: _Row | None = None
        rows = []
        for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            if all(_blank(v) for v in values):
                continue
            row = _Row(list(values), lambda p, n=number: Cell(title, f"{get_column_letter(p + 1)}{n}"))  # type: ignore[misc]
            if header is None:
                header = row
            else:
                rows.append(row)
        return _Table(f"{label}, sheet {title!r}", header, rows)
    finally:
        book.close()


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------


def _parse(table: _Table) -> dict[str, ArmData]:
    if table.header is None:
        raise ModelError(Problem(FileLine(table.label), "is empty", f"{_COLUMNS_EXPECTED}, then one row per patient"))
    columns, problems = _columns(table.header)
    if problems:
        raise ModelError(problems)
    if not table.rows:
        raise ModelError(Problem(FileLine(table.label), "has a header row but no patients", "one row per patient"))

    times: dict[str, list[float]] = {}
    events: dict[str, list[bool]] = {}
    for row in table.rows:
        time_where, time_raw = row.cell(columns[_TIME])
        event_where, event_raw = row.cell(columns[_EVENT])
        t = _time(time_raw, time_where, table.decimal_comma, problems)
        e = _event(event_raw, event_where, problems)
        arm = ALL
        if _ARM in columns:
            arm_where, arm_raw = row.cell(columns[_ARM])
            found = _arm(arm_raw, arm_where, problems)
            arm = found if found is not None else ALL
        if t is not None and e is not None:
            times.setdefault(arm, []).append(t)
            events.setdefault(arm, []).append(e)
    if problems:
        raise ModelError(problems)
    return {arm: _frozen(arm, np.array(times[arm]), np.array(events[arm]), table.label) for arm in times}


def _columns(header: _Row) -> tuple[dict[str, int], list[Problem]]:
    """Column name -> position; problems for missing or repeated columns."""
    found: dict[str, list[int]] = {}
    names = []
    for position, value in enumerate(header.values):
        name = "" if value is None else str(value).strip()
        names.append(name)
        if name.lower() in (_TIME, _EVENT, _ARM):
            found.setdefault(name.lower(), []).append(position)
    problems = []
    for name, positions in found.items():
        if len(positions) > 1:
            cells = [str(header.locate(p)) for p in positions]
            if len(set(cells)) < len(cells):  # CSV: one location per line; number the columns
                cells = [f"column {p + 1}" for p in positions]
            problems.append(
                Problem(
                    header.locate(positions[1]),
                    f"column {name!r} appears more than once ({', '.join(cells)})",
                    "each column once",
                )
            )
    missing = [name for name in (_TIME, _EVENT) if name not in found]
    if missing:
        shown = ", ".join(repr(n) for n in names if n) or "none"
        what = f"no column {' or '.join(repr(m) for m in missing)} in the header row (found {shown})"
        problems.append(Problem(header.locate(0), what, _COLUMNS_EXPECTED))
    return {name: positions[0] for name, positions in found.items()}, problems


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: object) -> str:
    return repr(value.strip()) if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)


def _number(value: object, decimal_comma: bool) -> float | None:
    """A float from a number or numeric text (not a date or a boolean), else None."""
    if isinstance(value, (bool, datetime, date, time)):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if decimal_comma and _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _time(value: object, where: Location, decimal_comma: bool, problems: list[Problem]) -> float | None:
    if _blank(value):
        problems.append(Problem(where, "time is blank", _TIME_EXPECTED))
        return None
    number = _number(value, decimal_comma)
    if number is None:
        kind = "a date" if isinstance(value, (datetime, date, time)) else "not a number"
        problems.append(Problem(where, f"time {_show(value)} is {kind}", _TIME_EXPECTED))
    elif not math.isfinite(number):
        problems.append(Problem(where, f"time {_show(value)} is not a finite number", _TIME_EXPECTED))
    elif number < 0:
        problems.append(Problem(where, f"time {number:g} is negative", _TIME_EXPECTED))
    else:
        return number
    return None


def _event(value: object, where: Location, problems: list[Problem]) -> bool | None:
    if _blank(value):
        problems.append(Problem(where, "event is blank", _EVENT_EXPECTED))
        return None
    number = _number(value, decimal_comma=False)
    if number in (0.0, 1.0):
        return number == 1.0
    shown = f"{number:g}" if number is not None else _show(value)
    problems.append(Problem(where, f"event {shown} is not 0 or 1", _EVENT_EXPECTED))
    return None


def _arm(value: object, where: Location, problems: list[Problem]) -> str | None:
    if _blank(value):
        problems.append(Problem(where, "arm is blank", _ARM_EXPECTED))
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
