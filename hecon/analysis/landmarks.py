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

__all__ = [
    "FITTED",
    "HELD_OUT",
    "LIKE_FOR_LIKE",
    "MODEL_POPULATION",
    "NOT_STATED",
    "NOT_STATED_FIT",
    "Landmark",
    "comparison_text",
    "fit_text",
    "landmarks",
]

MODEL_POPULATION = "the strategy's whole cohort from model start"
"""Who the model's PFS and OS curves describe, and from when."""
LIKE_FOR_LIKE = "like for like"
NOT_STATED = "not stated whether like for like"
FITTED, HELD_OUT, NOT_STATED_FIT = "fitted", "held out", "not stated whether fitted"


@dataclass(frozen=True)
class Landmark:
    """A published survival point or median, as published, to set beside the model.

    point      : its number among the model's survival points (1 = the first, at-risk rows counted)
    strategy   : the strategy whose model curve it is compared with
    endpoint   : "PFS" or "OS"
    median     : True for a median (drawn at survival 0.5 with a horizontal CI)
    time       : time of a survival point, or the median [``time_unit`` since the source's time zero]
    survival   : survival at ``time`` [share 0-1]; 0.5 for a median
    lower      : lower 95% limit: survival [0-1] of a survival point, time [``time_unit``] of a
                 median; None when not reported
    upper      : upper 95% limit, likewise; None when not reported (or not estimable)
    time_unit  : the source's unit of time (days, weeks, months, years)
    population : who the source describes and from when ("" when not stated)
    comparison : the comparison with the model in words (:func:`comparison_text`)
    source     : the citation
    problem    : why the point is not drawn ("" when it is)
    states     : the model states of the source's population (SurvivalPoint.states); empty:
                 the whole cohort from model start
    fit        : whether the model's curve was fitted to the point (:func:`fit_text`)
    """

    point: int
    strategy: str
    endpoint: str
    median: bool
    time: float
    survival: float
    lower: float | None
    upper: float | None
    time_unit: str
    population: str
    comparison: str
    source: str = ""
    problem: str = ""
    states: tuple[str, ...] = ()
    fit: str = NOT_STATED_FIT

    def in_unit(self, per_year: float) -> float:
        """How many of a unit with ``per_year`` units per year one ``time_unit`` is (12 for
        months per year): the factor from the source's times to that unit."""
        return TIME_UNITS.get(self.time_unit, float("nan")) / DAYS_PER_YEAR * per_year

    @property
    def years(self) -> float:
        """``time`` in years."""
        return self.time * self.in_unit(1.0)

    @property
    def label(self) -> str:
        """The time as the source states it, e.g. "24 months" ("" for a median)."""
        return "" if self.median else f"{self.time:g} {self.time_unit}"


def comparison_text(point: SurvivalPoint) -> str:
    """The comparison of ``point`` with the model's curve of its strategy, in words.

    >>> comparison_text(SurvivalPoint("CAR-T", "PFS", "median", None, 34.9,
    ...                               population="infused patients, from infusion", comparable=False))
    'not like for like: source is infused patients, from infusion'
    """
    if point.states:
        return f"{LIKE_FOR_LIKE}: the model's patients in {', '.join(point.states)}, from when they are first there"
    if point.comparable is None:
        return NOT_STATED
    if point.comparable:
        return LIKE_FOR_LIKE
    return f"not like for like: source is {point.population or 'another population or time zero'}"


def fit_text(point: SurvivalPoint, structure: str) -> str:
    """Whether the model's curve in ``structure`` was fitted to ``point`` (SurvivalPoint.fitted_in): "fitted",
    "held out" (agreement with it is a check of the model) or "not stated whether fitted".

    >>> fit_text(SurvivalPoint("CAR-T", "OS", "median", None, 60.7, fitted_in=("partitioned_survival",)),
    ...          "state_transition")
    'held out'
    """
    if point.fitted_in is None:
        return NOT_STATED_FIT
    return FITTED if structure in point.fitted_in else HELD_OUT


def landmarks(spec: ModelSpec) -> list[Landmark]:
    """The survival points and medians of ``spec`` (not the numbers at risk), in the model's order."""
    problems: dict[int, str] = {}
    for problem in check_survival_points(spec.survival_points, [s.name for s in spec.strategies]):
        if isinstance(problem.where, Element) and problem.where.index is not None:
            problems.setdefault(problem.where.index, problem.what)
    names = {s.name for s in spec.states}
    for i, p in enumerate(spec.survival_points):
        unknown = [s for s in p.states if s not in names]
        if unknown:
            problems.setdefault(i, f"unknown state(s) {', '.join(unknown)} in states")
    out = []
    for i, p in enumerate(spec.survival_points):
        if p.kind not in ("survival", "median"):
            continue
        median = p.kind == "median"
        out.append(
            Landmark(
                i + 1,
                p.strategy,
                p.endpoint,
                median,
                p.value if median else (p.time or 0.0),
                0.5 if median else p.value,
                p.lower,
                p.upper,
                p.time_unit,
                p.population,
                comparison_text(p),
                p.source,
                problems.get(i, ""),
                p.states,
                fit_text(p, spec.settings.structure),
            )
        )
    return out
