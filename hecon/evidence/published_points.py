"""Published survival points as the inputs of Guyot's reconstruction, so that they can be fitted.

A paper that gives no Kaplan–Meier figure to digitise often still gives survival at a few
times (landmarks), the median and the numbers at risk. :func:`guyot_inputs` turns those points
(:class:`~hecon.model.spec.SurvivalPoint`, the SurvivalPoints sheet) of one strategy, endpoint
and population into a :class:`~hecon.evidence.guyot.DigitisedCurve` and
:class:`~hecon.evidence.guyot.NumbersAtRisk`; :func:`~hecon.evidence.guyot.reconstruct_ipd`
then gives patients that :func:`~hecon.evidence.fit.fit_survival` can fit.

The curve
---------
The knots are (0, 1), every survival point (t, S(t)) and every median m as (m, 0.5). Between
two successive knots (t0, S0) and (t1, S1) the hazard is taken as constant (piecewise
exponential: log S linear in t), and the curve is given at :data:`GRID_STEPS` equally spaced
times of the interval::

    S(t0 + j h) = S0 (S1 / S0) ** (j / GRID_STEPS),   h = (t1 - t0) / GRID_STEPS, j = 1..GRID_STEPS

(linear in S where S1 = 0). Guyot's algorithm places events at these times, so the
reconstructed patients have events spread over each interval rather than lumped at the
published times. The curve ends at the last knot: nothing is known after it, and a number at
risk after it is an error.

The constant hazard between knots is an assumption: with knots far apart, or a hazard that
changes fast between them, the reconstruction is only as good as that assumption. More
published points (and numbers at risk) give a better reconstruction.

References
----------
.. [1] Guyot P, Ades AE, Ouwens MJNM, Welton NJ (2012). Enhanced secondary analysis of
   survival data: reconstructing the data from published Kaplan-Meier survival curves.
   BMC Medical Research Methodology 12:9.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hecon.evidence.guyot import DigitisedCurve, NumbersAtRisk
from hecon.model.problems import Location, ModelError, Problem, topic
from hecon.model.spec import TIME_UNITS, SurvivalPoint
from hecon.model.survival_points import Where, check_survival_points, point_location

__all__ = ["GRID_STEPS", "guyot_inputs", "select_points"]

GRID_STEPS = 50
"""Curve points per interval between published knots."""

_START = topic("curve start (time 0, survival 1)")


def select_points(
    points: Sequence[SurvivalPoint], strategy: str, endpoint: str, population: str | None = None
) -> list[int]:
    """Indices of the points of ``strategy`` and ``endpoint`` (and ``population``, matched
    case-insensitively, when given).

    Raises
    ------
    ModelError
        When there are none, or when they describe several populations and ``population`` is
        None (the message lists them).
    """
    chosen = [i for i, p in enumerate(points) if p.strategy == strategy and p.endpoint == endpoint]
    where = topic(f"survival points of strategy '{strategy}', {endpoint}")
    if not chosen:
        raise ModelError(
            Problem(where, "there are none", "rows of that strategy and endpoint on the SurvivalPoints sheet")
        )
    populations = list(dict.fromkeys(points[i].population for i in chosen))
    if population is None:
        if len(populations) > 1:
            shown = ", ".join(f"'{p}'" for p in populations)
            raise ModelError(
                Problem(where, f"they describe {len(populations)} populations: {shown}", "the population to fit")
            )
        return chosen
    matched = [i for i in chosen if points[i].population.strip().lower() == population.strip().lower()]
    if not matched:
        shown = ", ".join(f"'{p}'" for p in populations)
        raise ModelError(Problem(where, f"none describes the population '{population}'", f"one of {shown}"))
    return matched


def guyot_inputs(
    points: Sequence[SurvivalPoint],
    indices: Sequence[int],
    *,
    time_unit: str,
    where: Where = point_location,
) -> tuple[DigitisedCurve, NumbersAtRisk]:
    """The digitised curve and numbers at risk that the published ``points[i]``, ``i`` in
    ``indices`` (one strategy, endpoint and population: :func:`select_points`), stand for.

    Parameters
    ----------
    points : every survival point of the model, so that ``where`` locates them by index
    indices : the points to use: their survival points and medians make the curve (see the
        module notes), their numbers at risk the at-risk table (the first at time 0)
    time_unit : unit of the output times (days, weeks, months, years); points given in
        another unit are converted
    where : location of a point's field (default ``survival point 3, value``)

    Returns
    -------
    (DigitisedCurve, NumbersAtRisk)
        For :func:`hecon.evidence.guyot.reconstruct_ipd`, times in ``time_unit``.

    Raises
    ------
    ModelError
        Problems of the points (:func:`hecon.model.survival_points.check_survival_points`),
        no survival point or median, no number at risk, points that rise over time, an
        unknown ``time_unit``.

    Examples
    --------
    >>> pts = [SurvivalPoint("A", "OS", "median", None, 12.0), SurvivalPoint("A", "OS", "at_risk", 0.0, 100)]
    >>> curve, at_risk = guyot_inputs(pts, [0, 1], time_unit="months")
    >>> float(curve.time[-1]), float(curve.survival[-1]), at_risk.n_risk.tolist()
    (12.0, 0.5, [100.0])
    """
    if time_unit not in TIME_UNITS:
        raise ModelError(
            Problem(topic("time unit"), f"{time_unit!r} is not a time unit", "one of " + ", ".join(TIME_UNITS))
        )
    chosen = [points[i] for i in indices]
    problems = check_survival_points(chosen, [p.strategy for p in chosen], lambda k, part: where(indices[k], part))
    if problems:
        raise ModelError(problems)

    def in_unit(i: int, t: float) -> float:
        return t * TIME_UNITS[points[i].time_unit] / TIME_UNITS[time_unit]

    knots = sorted(
        [(in_unit(i, points[i].value), 0.5, i) for i in indices if points[i].kind == "median"]
        + [(in_unit(i, points[i].time or 0.0), points[i].value, i) for i in indices if points[i].kind == "survival"]
    )
    risk = sorted(
        (in_unit(i, points[i].time or 0.0), points[i].value, i) for i in indices if points[i].kind == "at_risk"
    )
    group = topic("survival points to fit")
    if not knots:
        problems.append(Problem(group, "no survival point or median", "survival points or a median to fit"))
    if not risk:
        problems.append(Problem(group, "no number at risk", "the number at risk at time 0 (the number of patients)"))
    problems += _rises(knots, points, where, time_unit)
    if problems:
        raise ModelError(problems)
    times, survival, located = _curve(knots, where)
    at_risk = NumbersAtRisk(
        [t for t, _, _ in risk], [n for _, n, _ in risk], tuple(where(i, "value") for *_, i in risk)
    )
    return DigitisedCurve(times, survival, located), at_risk


def _rises(
    knots: list[tuple[float, float, int]], points: Sequence[SurvivalPoint], where: Where, unit: str
) -> list[Problem]:
    """A knot above an earlier one: the points contradict each other."""
    out = []
    lowest = (0.0, 1.0, -1)
    for knot in knots:
        t, s, i = knot
        if s > lowest[1]:
            what = "the median (survival 0.5)" if points[i].kind == "median" else f"survival {s:g}"
            earlier = (
                "the start (survival 1)"
                if lowest[2] < 0
                else f"{lowest[1]:g} at {lowest[0]:g} {unit} ({where(lowest[2], 'value')})"
            )
            out.append(
                Problem(
                    where(i, "value"),
                    f"{what} at {t:g} {unit} is above {earlier}: the points rise over time",
                    "survival points and medians that never rise over time",
                )
            )
        else:
            lowest = knot
    return out


def _curve(
    knots: list[tuple[float, float, int]], where: Where
) -> tuple[list[float], list[float], tuple[Location, ...]]:
    """(0, 1) and the knots joined with constant hazard, :data:`GRID_STEPS` points per interval;
    a grid point is located at the knot that ends its interval."""
    times, survival = [0.0], [1.0]
    located: list[Location] = [_START]
    t0, s0 = 0.0, 1.0
    for t1, s1, i in knots:
        if t1 <= t0:  # a knot at time 0, or at the time of the previous one: its value, lower or equal
            survival[-1] = min(survival[-1], s1)
            located[-1] = where(i, "value")
            s0 = survival[-1]
            continue
        fractions = np.arange(1, GRID_STEPS + 1) / GRID_STEPS
        grid = s0 * (s1 / s0) ** fractions if s1 > 0 else s0 + (s1 - s0) * fractions
        times += (t0 + (t1 - t0) * fractions).tolist()
        survival += grid.tolist()
        located += [where(i, "value")] * GRID_STEPS
        t0, s0 = t1, s1
    return times, survival, tuple(located)
