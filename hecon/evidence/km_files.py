"""Files for reconstructing patient data from published Kaplan–Meier figures.

Two CSV files go in, one comes out. Lines starting with ``#`` are comments (say which figure
of which paper, and who digitised it); blank lines are ignored; the first other line is the
header, whose columns may come in any order.

* **Coordinates** -- the digitised curve, one point per row::

      time,survival          (optionally a column arm)
      0,1
      1.2,0.98

  ``time`` is in the unit of the figure's axis (months, years), >= 0; ``survival`` is a
  proportion in [0, 1] (divide percentages by 100). Rows may come in any order; see
  :mod:`hecon.evidence.guyot` for the clean-up of digitisation jitter.
* **Numbers at risk** -- the table printed under the figure::

      time,n_risk            (optionally a column arm)
      0,206
      3,183

  The first time is 0 (``n_risk`` there is the number of patients); the numbers never
  increase; every time lies within the digitised curve.
* **Reconstructed data** (written) -- one row per patient::

      time,event             (and arm, when the inputs have arms)

  ``event`` is 1 for an event at ``time``, 0 for censored there.

With an ``arm`` column each arm is a curve of its own, and both files must have the same
arms. Every problem in both files is reported, each as ``file.csv:LINE: what is wrong;
expected ...``, and nothing is written when there is one.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from hecon.evidence.guyot import (
    TOTAL_EVENTS,
    DigitisedCurve,
    NumbersAtRisk,
    ReconstructedIPD,
    at_risk_problems,
    curve_problems,
    reconstruct_ipd,
)
from hecon.model.problems import FileLine, Location, ModelError, ProblemCollector, topic

__all__ = ["read_coordinates", "read_numbers_at_risk", "reconstruct_from_files", "write_ipd"]

#: An arm's name, or None when a file has no arm column (one curve).
Arm = str | None

_COORDINATES = ("time", "survival")
_AT_RISK = ("time", "n_risk")


def read_coordinates(path: str | Path) -> dict[Arm, DigitisedCurve]:
    """Digitised Kaplan–Meier coordinates, per arm (in the order the arms first appear).

    Raises
    ------
    ModelError
        With every problem in the file, located ``path:LINE``: an unreadable file, a header
        without ``time`` and ``survival`` or with other columns, a row with a wrong number of
        fields, a value that is not a number, an empty arm, and every problem of
        :func:`hecon.evidence.guyot.curve_problems` (negative times, survival outside [0, 1],
        a curve that rises).
    """
    problems = ProblemCollector()
    arms = _read_rows(Path(path), _COORDINATES, problems)
    curves = {arm: DigitisedCurve(rows[0], rows[1], rows[2]) for arm, rows in arms.items()}
    for curve in curves.values():
        problems.problems.extend(curve_problems(curve))
    problems.raise_if_any()
    return curves


def read_numbers_at_risk(path: str | Path) -> dict[Arm, NumbersAtRisk]:
    """Numbers at risk under a Kaplan–Meier figure, per arm.

    Raises
    ------
    ModelError
        With every problem in the file, located ``path:LINE``: as :func:`read_coordinates`,
        with the columns ``time`` and ``n_risk``, and every problem of
        :func:`hecon.evidence.guyot.at_risk_problems` (numbers that are not whole or that
        increase, no number at time 0).
    """
    problems = ProblemCollector()
    arms = _read_rows(Path(path), _AT_RISK, problems)
    tables = {arm: NumbersAtRisk(rows[0], rows[1], rows[2]) for arm, rows in arms.items()}
    for table in tables.values():
        problems.problems.extend(at_risk_problems(table))
    problems.raise_if_any()
    return tables


def reconstruct_from_files(
    coordinates: str | Path,
    at_risk: str | Path,
    total_events: Mapping[Arm, int] | None = None,
    *,
    spread: bool = False,
) -> dict[Arm, ReconstructedIPD]:
    """Read both files and reconstruct each arm's patient data (Guyot et al. 2012).

    Parameters
    ----------
    coordinates, at_risk : path
        The coordinates and numbers-at-risk CSV files (formats in the module notes).
    total_events : mapping, optional
        Reported total number of events per arm (key None for a file without arms); arms
        left out have no total.
    spread : bool
        Spread events between digitised points (:func:`hecon.evidence.guyot.reconstruct_ipd`).

    Raises
    ------
    ModelError
        With every problem in both files, arms in one file and not the other, totals for
        arms that do not exist, and at-risk times after the end of their curve.
    """
    problems = ProblemCollector()
    curves: dict[Arm, DigitisedCurve] = {}
    tables: dict[Arm, NumbersAtRisk] = {}
    try:
        curves = read_coordinates(coordinates)
    except ModelError as exc:
        problems.extend(exc)
    try:
        tables = read_numbers_at_risk(at_risk)
    except ModelError as exc:
        problems.extend(exc)
    problems.raise_if_any()
    for arm in [a for a in curves if a not in tables]:
        problems.add(
            curves[arm].where[0], f"{_name(arm)} has no numbers at risk in {at_risk}", "the same arms in both files"
        )
    for arm in [a for a in tables if a not in curves]:
        problems.add(
            tables[arm].where[0], f"{_name(arm)} has no coordinates in {coordinates}", "the same arms in both files"
        )
    totals = dict(total_events or {})
    for arm in [a for a in totals if a not in curves]:
        problems.add(TOTAL_EVENTS, f"{_name(arm)} is not in {coordinates}", f"one of {_arm_list(curves)}")
    problems.raise_if_any()
    result: dict[Arm, ReconstructedIPD] = {}
    for arm, curve in curves.items():
        try:
            result[arm] = reconstruct_ipd(curve, tables[arm], totals.get(arm), spread=spread)
        except ModelError as exc:
            for p in exc.problems:  # name the arm whose total is wrong
                named = arm is not None and p.where == TOTAL_EVENTS
                problems.problems.append(replace(p, where=topic(f"total events of {_name(arm)}")) if named else p)
    problems.raise_if_any()
    return result


def write_ipd(path: str | Path, ipd: Mapping[Arm, ReconstructedIPD]) -> None:
    """Write reconstructed patient data as CSV ``time,event[,arm]``, atomically.

    One row per patient, arm by arm in the mapping's order, by time within an arm. The
    ``arm`` column is written when the arms have names. The file appears whole or not at all
    (written to a temporary file beside it, then renamed); a missing folder is made.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    named = any(arm is not None for arm in ipd)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time", "event", "arm"] if named else ["time", "event"])
    for arm, data in ipd.items():
        order = np.argsort(data.time, kind="stable")
        for t, e in zip(data.time[order].tolist(), data.event[order].tolist()):
            writer.writerow([repr(t), e, arm] if named else [repr(t), e])
    handle, tmp = tempfile.mkstemp(prefix=f".~{path.name}-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(out.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------

_Rows = tuple[list[float], list[float], tuple[Location, ...]]


def _read_rows(path: Path, columns: tuple[str, str], problems: ProblemCollector) -> dict[Arm, _Rows]:
    """Rows of a two-number CSV with an optional arm column, grouped by arm.

    Each value is parsed; rows with a problem are left out (the problem is collected), so
    the checks on the curve run on the rest.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(FileLine(str(path)), f"cannot read the file ({exc})", "a readable UTF-8 CSV file")
        return {}
    expected = f"the columns {','.join(columns)} (and optionally arm)"
    header: list[str] | None = None
    arms: dict[Arm, tuple[list[float], list[float], list[Location]]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in next(csv.reader([line]))]
        where = FileLine(str(path), lineno)
        if header is None:
            header = [f.lower() for f in fields]
            unknown = [f for f in header if f not in (*columns, "arm")]
            missing = [c for c in columns if c not in header]
            wrong = [f"has no column {c!r}" for c in missing] + [f"has an unknown column {c!r}" for c in unknown]
            if len(set(header)) != len(header):
                wrong.append("repeats a column")
            if wrong:
                problems.add(where, f"header {line.strip()!r} " + " and ".join(wrong), expected)
                return {}
            continue
        if len(fields) != len(header):
            problems.add(where, f"{line.strip()!r} has {len(fields)} fields", f"{len(header)}: {','.join(header)}")
            continue
        row = dict(zip(header, fields))
        values = [_number(row[c], c, where, problems) for c in columns]
        arm = row.get("arm")
        if arm == "":
            problems.add(where, "arm is empty", "the name of the arm this row belongs to")
            continue
        if any(v is None for v in values):
            continue
        a, b = (float(v) for v in values if v is not None)
        rows = arms.setdefault(arm, ([], [], []))
        rows[0].append(a)
        rows[1].append(b)
        rows[2].append(where)
    if header is None:
        problems.add(FileLine(str(path)), "no header and no rows", f"a header with {expected}, then one row per line")
    elif not arms and not problems.problems:
        problems.add(FileLine(str(path)), "no rows after the header", "one row per line")
    return {arm: (a, b, tuple(w)) for arm, (a, b, w) in arms.items()}


def _number(text: str, column: str, where: Location, problems: ProblemCollector) -> float | None:
    try:
        value = float(text)
    except ValueError:
        problems.add(where, f"{column} {text!r} is not a number", _EXPECTED[column])
        return None
    if not math.isfinite(value):
        problems.add(where, f"{column} {text!r} is not a finite number", _EXPECTED[column])
        return None
    return value


_EXPECTED = {
    "time": "a time >= 0 in the unit of the figure's axis",
    "survival": "a survival proportion in [0, 1]",
    "n_risk": "a whole number of patients",
}


def _name(arm: Arm) -> str:
    return "the curve" if arm is None else f"arm {arm!r}"


def _arm_list(curves: Mapping[Arm, DigitisedCurve]) -> str:
    return ", ".join(repr(arm) for arm in curves if arm is not None) or "no arms (the file has no arm column)"
