"""Published survival points as the report sets them beside the model's curves.

A model lists its published points on the SurvivalPoints sheet
(:class:`~hecon.model.spec.SurvivalPoint`): Kaplan–Meier landmarks (survival at a time, with
its 95% CI), medians (with their 95% CI) and numbers at risk. The landmarks and medians are
drawn on the survival figure and tabulated beside the model's value
(:mod:`hecon.analysis.model_survival`); numbers at risk are for fitting
(:mod:`hecon.evidence.published_points`) and are not drawn.

The model's curve of a strategy is its whole cohort from model start
(:data:`MODEL_POPULATION`). Each point says who the source describes and from when
(``population``) and whether that is the model's population (``comparable``); the report
states the comparison in words (:func:`comparison_text`), so that, for example, a CAR-T
strategy modelled from apheresis is not silently compared with infused patients from
infusion. A point with a problem (:func:`hecon.model.survival_points.check_survival_points`)
is listed with the reason instead of being drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from hecon.model.problems import Element
from hecon.model.spec import DAYS_PER_YEAR, TIME_UNITS, ModelSpec, SurvivalPoint
from hecon.model.survival_points import check_survival_points

__all__ = ["LIKE_FOR_LIKE", "MODEL_POPULATION", "NOT_STATED", "Landmark", "comparison_text", "landmarks"]

MODEL_POPULATION = "the strategy's whole cohort from model start"
"""Who the model's PFS and OS curves describe, and from when."""
LIKE_FOR_LIKE = "like for like"
NOT_STATED = "not stated whether like for like"


@dataclass(frozen=True)
class Landmark:
    """A published survival point or median, in years, to set beside the model.

    point      : its number among the model's survival points (1 = the first, at-risk rows counted)
    strategy   : the strategy whose model curve it is compared with
    endpoint   : "PFS" or "OS"
    median     : True for a median (drawn at survival 0.5 with a horizontal CI)
    years      : time of a survival point, or the median [years since the source's time zero]
    survival   : survival at ``years`` [share 0-1]; 0.5 for a median
    lower      : lower 95% limit: survival [0-1] of a survival point, years of a median; None
                 when not reported
    upper      : upper 95% limit, likewise; None when not reported (or not estimable)
    label      : the time as the source states it, e.g. "24 months" ("" for a median)
    population : who the source describes and from when ("" when not stated)
    comparison : the comparison with the model in words (:func:`comparison_text`)
    source     : the citation
    problem    : why the point is not drawn ("" when it is)
    """

    point: int
    strategy: str
    endpoint: str
    median: bool
    years: float
    survival: float
    lower: float | None
    upper: float | None
    label: str
    population: str
    comparison: str
    source: str = ""
    problem: str = ""


def comparison_text(point: SurvivalPoint) -> str:
    """The comparison of ``point`` with the model's curve of its strategy, in words.

    >>> comparison_text(SurvivalPoint("CAR-T", "PFS", "median", None, 34.9,
    ...                               population="infused patients, from infusion", comparable=False))
    'not like for like: source is infused patients, from infusion'
    """
    if point.comparable is None:
        return NOT_STATED
    if point.comparable:
        return LIKE_FOR_LIKE
    return f"not like for like: source is {point.population or 'another population or time zero'}"


def landmarks(spec: ModelSpec) -> list[Landmark]:
    """The survival points and medians of ``spec`` (not the numbers at risk), in the model's order."""
    problems: dict[int, str] = {}
    for problem in check_survival_points(spec.survival_points, [s.name for s in spec.strategies]):
        if isinstance(problem.where, Element) and problem.where.index is not None:
            problems.setdefault(problem.where.index, problem.what)
    out = []
    for i, p in enumerate(spec.survival_points):
        if p.kind not in ("survival", "median"):
            continue
        per_unit = TIME_UNITS.get(p.time_unit, float("nan")) / DAYS_PER_YEAR
        median = p.kind == "median"
        if median:
            years, survival, label = p.value * per_unit, 0.5, ""
            lower = p.lower * per_unit if p.lower is not None else None
            upper = p.upper * per_unit if p.upper is not None else None
        else:
            years, survival, lower, upper = (p.time or 0.0) * per_unit, p.value, p.lower, p.upper
            label = f"{p.time or 0.0:g} {p.time_unit}"
        out.append(
            Landmark(
                i + 1,
                p.strategy,
                p.endpoint,
                median,
                years,
                survival,
                lower,
                upper,
                label,
                p.population,
                comparison_text(p),
                p.source,
                problems.get(i, ""),
            )
        )
    return out
