"""Checks of published survival points (:class:`~hecon.model.spec.SurvivalPoint`).

One check for every way a model is made: the workbook reader places its problems at the
cells of the SurvivalPoints sheet, and the report lists a point with a problem, with the
reason, instead of drawing it. A point is checked on its own (strategy, endpoint, kind, time
unit, time, value and 95% CI) and against the other points of its strategy, endpoint and
population (numbers at risk never increase over time).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence

from hecon.model.problems import Element, Location, Problem
from hecon.model.spec import STRUCTURES, SURVIVAL_ENDPOINTS, SURVIVAL_POINT_KINDS, TIME_UNITS, SurvivalPoint

__all__ = ["Where", "check_survival_points", "point_location"]

Where = Callable[[int, str], Location]
"""Location of point ``index`` (0-based), column ``part`` (a field of SurvivalPoint)."""


def point_location(index: int, part: str) -> Location:
    """The default location of a point's field: ``survival point 3, value``."""
    return Element("survival_point", index=index, part=part)


def _number(x: float) -> str:
    return f"{x:g}"


def _at(time: float | None, unit: str) -> str:
    """``'6 months'``, ``'1 year'``."""
    t = time or 0.0
    return f"{t:g} {unit[:-1] if t == 1 and unit.endswith('s') else unit}"


def _one_of(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]


def _suggestion(word: str, choices: Sequence[str]) -> str:
    by_folded = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(by_folded), n=1, cutoff=0.7)
    return f" (did you mean '{by_folded[close[0]]}'?)" if close else ""


def check_survival_points(
    points: Sequence[SurvivalPoint], strategies: Sequence[str], where: Where = point_location
) -> list[Problem]:
    """Every problem with ``points``, a model's survival points, each located by ``where``.

    Parameters
    ----------
    points : the points, in the model's order
    strategies : the model's strategy names
    where : location of a point's field (default :func:`point_location`; the workbook reader
        gives the cell)

    Returns
    -------
    list of Problem
        Empty when every point can be drawn and fitted. Per point: an unknown strategy,
        endpoint, kind, time unit or model structure (``fitted_in``); a time that is missing or negative (survival, at_risk) or
        given (a median has none); a survival outside [0, 1]; a negative median; a number at
        risk that is not a whole number >= 0; a CI limit outside the value's range, a CI that
        does not contain the value, or a CI on a number at risk. Across points: a number at
        risk above an earlier one of the same strategy, endpoint and population, or two at
        one time.
    """
    problems: list[Problem] = []
    for i, point in enumerate(points):
        problems += _point_problems(i, point, strategies, where)
    bad = {p.where for p in problems}
    problems += _at_risk_order(points, where, bad)
    return problems


def _point_problems(i: int, p: SurvivalPoint, strategies: Sequence[str], where: Where) -> list[Problem]:
    out: list[Problem] = []

    def add(part: str, what: str, expected: str) -> None:
        out.append(Problem(where(i, part), what, expected))

    if p.strategy not in strategies:
        add(
            "strategy",
            f"unknown strategy '{p.strategy}'{_suggestion(p.strategy, strategies)}",
            "one of " + (", ".join(strategies) or "(no strategies)"),
        )
    if p.endpoint not in SURVIVAL_ENDPOINTS:
        add("endpoint", f"unknown endpoint '{p.endpoint}'", _one_of(SURVIVAL_ENDPOINTS))
    if p.time_unit not in TIME_UNITS:
        add("time_unit", f"unknown time unit '{p.time_unit}'", _one_of(tuple(TIME_UNITS)))
    for structure in [s for s in p.fitted_in or () if s not in STRUCTURES]:
        add(
            "fitted_in",
            f"unknown model structure '{structure}'{_suggestion(structure, STRUCTURES)}",
            f"{_one_of(STRUCTURES)}, comma-separated, or none (held out of every fit)",
        )
    if p.kind not in SURVIVAL_POINT_KINDS:
        add("kind", f"unknown kind '{p.kind}'", _one_of(SURVIVAL_POINT_KINDS))
        return out
    if p.kind == "median":
        if p.time is not None:
            add("time", f"a median has no time (given {_number(p.time)})", "a blank time: the value is the median")
    elif p.time is None:
        add("time", f"a {p.kind} row needs the time it is at", f"the time since the source's time zero [{p.time_unit}]")
    elif not (math.isfinite(p.time) and p.time >= 0):
        add("time", f"time {_number(p.time)} is negative", "a time >= 0 since the source's time zero")
    out += _value_problems(i, p, where)
    return out


def _value_problems(i: int, p: SurvivalPoint, where: Where) -> list[Problem]:
    """The value, and the CI limits in the value's range and around it."""
    if p.kind == "at_risk":
        out = []
        if not (math.isfinite(p.value) and p.value >= 0 and p.value == round(p.value)):
            out.append(
                Problem(
                    where(i, "value"),
                    f"number at risk {_number(p.value)} is not a whole number >= 0",
                    "a count of patients",
                )
            )
        for part, limit in (("lower", p.lower), ("upper", p.upper)):
            if limit is not None:
                out.append(Problem(where(i, part), "a number at risk has no confidence interval", "a blank cell"))
        return out
    survival = p.kind == "survival"
    name = "survival" if survival else "median"
    outside = "is outside [0, 1]" if survival else "is negative"
    expected = "a share between 0 and 1 (divide percentages by 100)" if survival else f"a time >= 0 [{p.time_unit}]"

    def ok(x: float) -> bool:
        return math.isfinite(x) and x >= 0 and (x <= 1 or not survival)

    if not ok(p.value):
        return [Problem(where(i, "value"), f"{name} {_number(p.value)} {outside}", expected)]
    out = []
    for part, limit in (("lower", p.lower), ("upper", p.upper)):
        if limit is None:
            continue
        if not ok(limit):
            out.append(Problem(where(i, part), f"{part} limit {_number(limit)} {outside}", expected))
        elif (part == "lower" and limit > p.value) or (part == "upper" and limit < p.value):
            side = "above" if part == "lower" else "below"
            out.append(
                Problem(
                    where(i, part),
                    f"the 95% CI does not contain the {name}: {part} limit {_number(limit)} is {side} "
                    f"{_number(p.value)}",
                    "lower <= value <= upper",
                )
            )
    return out


def _at_risk_order(points: Sequence[SurvivalPoint], where: Where, bad: set[Location]) -> list[Problem]:
    """Numbers at risk of one strategy, endpoint and population that rise over time or repeat a time."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, p in enumerate(points):
        if p.kind == "at_risk" and p.time is not None and not {where(i, "time"), where(i, "value")} & bad:
            groups.setdefault((p.strategy, p.endpoint, p.population.strip().lower()), []).append(i)
    out = []
    for members in groups.values():
        by_time = sorted(members, key=lambda i: _days(points[i]))
        for a, b in zip(by_time[:-1], by_time[1:]):
            pa, pb = points[a], points[b]
            if _days(pa) == _days(pb):
                out.append(
                    Problem(
                        where(b, "time"),
                        f"a number at risk at {_at(pb.time, pb.time_unit)} is already given ({where(a, 'value')})",
                        "one number at risk per time of a strategy, endpoint and population",
                    )
                )
            elif pb.value > pa.value:
                out.append(
                    Problem(
                        where(b, "value"),
                        f"number at risk {_number(pb.value)} at {_at(pb.time, pb.time_unit)} is more than "
                        f"{_number(pa.value)} at {_at(pa.time, pa.time_unit)} ({where(a, 'value')})",
                        "numbers at risk that never increase over time (same strategy, endpoint and population)",
                    )
                )
    return out


def _days(p: SurvivalPoint) -> float:
    """``p.time`` in days, to order points given in different units."""
    return (p.time or 0.0) * TIME_UNITS.get(p.time_unit, 1.0)
