"""Dosing and visit schedules: how many administrations fall in a time window.

A :class:`~hecon.model.spec.Schedule` is a list of segments; segment ``(start_day, every_days,
end_day, amount)`` has administrations on days ``start_day + i * every_days`` (i = 0, 1, 2,
...) that are ``>= start_day`` and ``< end_day`` (no end if ``end_day`` is None), each
counting ``amount``. :func:`administrations` counts them per window in closed form,
vectorised over arrays of windows (e.g. every cycle x every tunnel position), which is what
``doses(schedule, clock)`` uses.

Conventions
-----------
* Times are in days [days] since the clock's origin (model start, or entry into a state).
* Windows are half-open, ``[window_start, window_end)``: an administration exactly on a
  boundary belongs to the window that starts there. "Exactly" allows a tolerance of
  :data:`BOUNDARY_TOLERANCE_DAYS`, so that window edges computed in floating point (e.g.
  ``k * 7.0`` or ``t_years * 365.25``) do not move a dose into the previous window.
"""

from __future__ import annotations

import math
from typing import TypeGuard

import numpy as np
from numpy.typing import ArrayLike

from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import Schedule
from hecon.model.types import FloatArray

__all__ = ["BOUNDARY_TOLERANCE_DAYS", "administrations", "check_schedule"]

#: An administration less than this far before a window boundary counts as on the boundary,
#: i.e. in the window that starts there [days] (1e-9 days is about 0.1 ms).
BOUNDARY_TOLERANCE_DAYS = 1e-9


def check_schedule(schedule: Schedule) -> list[Problem]:
    """Problems that make a schedule unusable (empty list if none).

    Checks: at least one segment; per segment ``start_day`` finite and >= 0, ``every_days``
    finite and > 0, ``end_day`` None or > ``start_day``, ``amount`` finite. Each problem is
    located at the schedule, its segment (``index``, 0-based) and the segment's column (``part``).

    Examples
    --------
    >>> from hecon.model.spec import Schedule, ScheduleSegment
    >>> [str(p) for p in check_schedule(Schedule("tec", (ScheduleSegment(0, 0),)))]
    ["schedule 'tec', segment 1: every_days 0 is not > 0; expected an interval in days > 0"]
    """
    problems: list[Problem] = []
    if not schedule.segments:
        problems.append(
            Problem(
                Element("schedule", schedule.name),
                "has no segments",
                "at least one segment (start_day, every_days, end_day, amount)",
            )
        )
    for i, seg in enumerate(schedule.segments):

        def at(column: str, index: int = i) -> Element:
            return Element("schedule", schedule.name, index=index, part=column)

        start, every, end, amount = seg.start_day, seg.every_days, seg.end_day, seg.amount
        if not _is_finite(start):
            problems.append(Problem(at("start_day"), f"start_day {start!r} is not a finite number", "a day >= 0"))
        elif start < 0:
            problems.append(Problem(at("start_day"), f"start_day {start:g} is negative", "a day >= 0"))
        if not _is_finite(every):
            problems.append(
                Problem(
                    at("every_days"),
                    f"every_days {every!r} is not a finite number",
                    "an interval in days > 0 (for a single administration use end_day = start_day + every_days)",
                )
            )
        elif every <= 0:
            problems.append(Problem(at("every_days"), f"every_days {every:g} is not > 0", "an interval in days > 0"))
        if end is not None:
            if not (_is_number(end) and not math.isnan(end)):
                problems.append(
                    Problem(at("end_day"), f"end_day {end!r} is not a number", "a day > start_day, or empty for no end")
                )
            elif _is_finite(start) and end <= start:
                problems.append(
                    Problem(
                        at("end_day"),
                        f"end_day {end:g} is not after start_day {start:g}",
                        "end_day > start_day, or empty for no end",
                    )
                )
        if not _is_finite(amount):
            problems.append(
                Problem(
                    at("amount"), f"amount {amount!r} is not a finite number", "a number, e.g. 1 per administration"
                )
            )
    return problems


def _is_number(x: object) -> TypeGuard[float | np.integer | np.floating]:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _is_finite(x: object) -> bool:
    return _is_number(x) and math.isfinite(x)


def _n_before(x: FloatArray, start: float, every: float) -> FloatArray:
    """Number of administration days start + i*every (i >= 0) before day x (less than x by
    more than the boundary tolerance)."""
    return np.maximum(0.0, np.ceil((x - start - BOUNDARY_TOLERANCE_DAYS) / every))


def administrations(schedule: Schedule, window_start_days: ArrayLike, window_end_days: ArrayLike) -> FloatArray:
    """Administrations of a schedule in each window ``[window_start, window_end)``.

    Parameters
    ----------
    schedule : Schedule
        Segments of regular administrations (see module docstring).
    window_start_days, window_end_days : array-like
        Window edges [days since the clock's origin]; broadcast against each other, e.g.
        both of shape (1, n_cycles, tunnel_length). A window with end <= start is empty.

    Returns
    -------
    numpy.ndarray
        Sum over segments of ``amount`` x (number of administration days in the window)
        [amount per window, e.g. doses], float, shape of the broadcast windows.

    Raises
    ------
    ModelError
        If :func:`check_schedule` finds problems.

    Notes
    -----
    With N(x) = max(0, ceil((x - s - ε) / e)) the number of administration days
    d = s + i·e (i >= 0) of a segment with start s and interval e before day x, the count in
    ``[a, b)`` for a segment ending at ``end`` is ``max(0, N(min(b, end)) - N(a))``.
    ε = :data:`BOUNDARY_TOLERANCE_DAYS` puts a dose within ε before a boundary onto it.

    Examples
    --------
    Weekly for 24 weeks (days 0, 7, ..., 161), then every 14 days from day 168:

    >>> from hecon.model.spec import Schedule, ScheduleSegment
    >>> tec = Schedule("tec", (ScheduleSegment(0, 7, 168), ScheduleSegment(168, 14)))
    >>> week = np.arange(22, 28)
    >>> administrations(tec, 7 * week, 7 * (week + 1)).tolist()
    [1.0, 1.0, 1.0, 0.0, 1.0, 0.0]
    >>> administrations(tec, 160, 190).item()   # days 161, 168, 182
    3.0
    """
    problems = check_schedule(schedule)
    if problems:
        raise ModelError(problems)
    a, b = np.broadcast_arrays(np.asarray(window_start_days, dtype=float), np.asarray(window_end_days, dtype=float))
    total = np.zeros(a.shape, dtype=float)
    for seg in schedule.segments:  # a handful of segments; windows are vectorised
        start, every = float(seg.start_day), float(seg.every_days)
        hi = b if seg.end_day is None else np.minimum(b, float(seg.end_day))
        count = np.maximum(0.0, _n_before(hi, start, every) - _n_before(a, start, every))
        total += seg.amount * count
    return total
