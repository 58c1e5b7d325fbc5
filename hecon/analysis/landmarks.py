"""Source survival landmarks, shown on the report's survival figure beside the model's curves.

A model declares a landmark as an ordinary row of the Parameters sheet whose **unit** says
what the number is (the value, description and source columns keep their usual meaning, so
the landmark is listed with its source among the inputs):

=====================================  ==============================================
unit                                    value
=====================================  ==============================================
``PFS at 24 months for One-time CAR-T``  PFS of that strategy at 24 months [share 0-1]
``OS at 1 year``                         OS at 1 year, for every strategy [share 0-1]
``median PFS in months for RWPC``        median PFS of that strategy [months]
=====================================  ==============================================

Grammar (case-insensitive): ``<PFS|OS> at <number> <days|weeks|months|years>`` or
``median <PFS|OS> in <days|weeks|months|years>``, optionally followed by
``for <strategy name>``; without a strategy the landmark applies to every strategy. The
value may be a formula (it is evaluated like any parameter, in the landmark's strategy).
A parameter with any other unit is not a landmark; a landmark row naming an unknown
strategy or giving a share outside [0, 1] is listed with the reason it is not drawn.

Landmarks are published points (Kaplan–Meier landmarks, medians). The model's curves are
the whole cohort from model start, so a source that describes a sub-population (e.g.
infused patients, from infusion) is expected to differ; the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hecon.model.problems import ModelError
from hecon.model.spec import DAYS_PER_YEAR, TIME_UNITS, ModelSpec, Parameter

ENDPOINTS = ("PFS", "OS")
_UNIT = r"(days?|weeks?|months?|years?)"
_AT = re.compile(rf"^\s*(pfs|os)\s+at\s+(\d+(?:\.\d+)?)\s*{_UNIT}\s*(?:for\s+(.+?))?\s*$", re.IGNORECASE)
_MEDIAN = re.compile(rf"^\s*median\s+(pfs|os)\s+in\s+{_UNIT}\s*(?:for\s+(.+?))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Landmark:
    """One source point of a survival curve.

    parameter : the Parameters row that declares it
    strategy  : strategy it belongs to (None: every strategy)
    endpoint  : "PFS" or "OS"
    years     : time since model start [years]
    survival  : share surviving (event-free for PFS) at ``years`` [0-1]
    median    : True when the row gives a median (survival 0.5 at ``years``)
    label     : the time as the source states it, e.g. "24 months" or "median 4.6 months"
    source    : the row's source text
    problem   : why the landmark is not drawn ("" when it is)
    """

    parameter: str
    strategy: str | None
    endpoint: str
    years: float
    survival: float
    median: bool
    label: str
    source: str = ""
    problem: str = ""


def _unit_days(unit: str) -> float:
    unit = unit.lower()
    return TIME_UNITS[unit if unit.endswith("s") else unit + "s"]


def parse_unit(unit: str) -> tuple[str, float | None, str, str | None] | None:
    """``(endpoint, time or None for a median, time unit, strategy or None)`` of a landmark
    unit, or None when ``unit`` does not declare a landmark.

    >>> parse_unit("PFS at 24 months for One-time CAR-T")
    ('PFS', 24.0, 'months', 'One-time CAR-T')
    >>> parse_unit("median OS in months"), parse_unit("EUR per cycle")
    (('OS', None, 'months', None), None)
    """
    if not isinstance(unit, str):
        return None
    m = _AT.match(unit)
    if m:
        return m.group(1).upper(), float(m.group(2)), _plural(m.group(3)), m.group(4)
    m = _MEDIAN.match(unit)
    if m:
        return m.group(1).upper(), None, _plural(m.group(2)), m.group(3)
    return None


def _plural(unit: str) -> str:
    unit = unit.lower()
    return unit if unit.endswith("s") else unit + "s"


def _number(text: float) -> str:
    return f"{text:g}"


def landmarks(spec: ModelSpec) -> list[Landmark]:
    """Every landmark the model declares (see the module docs), in Parameters order."""
    strategies = [s.name for s in spec.strategies]
    lower = {s.lower(): s for s in strategies}
    found: list[tuple[Parameter, tuple[str, float | None, str, str | None]]] = []
    for p in spec.parameters:
        parsed = parse_unit(p.unit)
        if parsed is not None:
            found.append((p, parsed))
    out: list[Landmark] = []
    for p, (endpoint, time, unit, strategy_text) in found:
        strategy = None
        problem = ""
        if strategy_text is not None:
            strategy = lower.get(strategy_text.strip().lower())
            if strategy is None:
                problem = f"no strategy called '{strategy_text.strip()}'"
        value = _value(spec, p, strategy)
        if value is None:
            problem = problem or "its value could not be evaluated to one number"
            value = float("nan")
        days = _unit_days(unit)
        if time is None:  # a median: the value is the time
            years = value * days / DAYS_PER_YEAR
            survival = 0.5
            label = f"median {_number(value)} {unit}"
            if not problem and not value >= 0:
                problem = f"a median of {value:g} {unit} is negative"
        else:
            years = time * days / DAYS_PER_YEAR
            survival = value
            label = f"{_number(time)} {unit}"
            if not problem and not 0 <= value <= 1:
                problem = f"{value:g} is not a share between 0 and 1"
        out.append(
            Landmark(
                p.name,
                strategy if strategy is not None else (strategy_text if problem else None),
                endpoint,
                years,
                survival,
                time is None,
                label,
                p.source,
                problem,
            )
        )
    return out


def _value(spec: ModelSpec, p: Parameter, strategy: str | None) -> float | None:
    if strategy is None and not isinstance(p.value, bool):
        try:
            return float(p.value)
        except (TypeError, ValueError):
            pass
    from hecon.analysis.variations import base_values

    try:
        return base_values(spec, [p.name], strategy)[p.name]
    except (ModelError, KeyError, ValueError):
        return None


def applies_to(landmark: Landmark, strategy: str) -> bool:
    return not landmark.problem and (landmark.strategy is None or landmark.strategy == strategy)
