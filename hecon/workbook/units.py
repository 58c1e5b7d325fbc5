"""Units of the States sheet's cost and count columns: declared in the unit row, converted to
the model's cycle.

The unit row (row 2) of a ``cost:<category>`` or ``count:<name>`` column says per what period
its values are given: ``currency per cycle`` (the default when the cell is blank), or per day,
week, month (365.25 / 12 days) or year (365.25 days), e.g. ``EUR per year``, ``per week``,
``visits/month``. hecon converts a value ``v`` given per period ``P`` [days] to the cycle as

    v × cycle_days / P

with ``cycle_days`` the expression variable of the cycle length (so a scenario that changes the
cycle length converts too). A unit row that names no period hecon knows is an error at its cell.

The ``utility`` column is not converted: a utility is a QALY weight per year (1 = a year in full
health; hecon multiplies it by the cycle length in years). Its unit row must be blank or name the
year (``QALY weight per year``); any other unit, ``QALY weight per cycle`` included, is an error
at its cell, so that a per-cycle weight is never taken as a weight per year.
"""

from __future__ import annotations

import re

from hecon.model.spec import Expr

#: Length of each period a unit may name [days] (None: the model's cycle, no conversion).
PERIOD_DAYS: dict[str, float | None] = {
    "cycle": None,
    "day": 1.0,
    "week": 7.0,
    "month": 365.25 / 12,
    "year": 365.25,
}
_PERIOD = re.compile(r"(?:\bper\s+|/\s*)(cycle|day|week|month|year)s?\s*$", re.IGNORECASE)
UTILITY_EXPECTED = (
    "'QALY weight per year' or a blank cell: utilities are QALY weights per year (1 = a year in full "
    "health), which hecon multiplies by the cycle length in years; give a per-cycle weight per year"
)
EXPECTED = "a unit that ends in 'per cycle', 'per day', 'per week', 'per month' or 'per year', e.g. 'EUR per year'"


def period_of(unit: str | None) -> str | None:
    """The period a unit text names: ``"EUR per year"`` -> ``"year"``; a blank unit -> ``"cycle"``;
    None when the text names no known period.

    >>> period_of("currency per cycle"), period_of("visits/Week"), period_of(None), period_of("EUR")
    ('cycle', 'week', 'cycle', None)
    """
    if unit is None or not str(unit).strip():
        return "cycle"
    m = _PERIOD.search(str(unit).strip())
    return m.group(1).lower() if m else None


def per_cycle(value: Expr, period: str) -> Expr:
    """``value`` given per ``period`` as an expression per cycle (unchanged per cycle).

    >>> per_cycle(1200.0, "year"), per_cycle("c_visit * 2", "week"), per_cycle("c", "cycle")
    ('1200.0 * (cycle_days / 365.25)', '(c_visit * 2) * (cycle_days / 7.0)', 'c')
    """
    days = PERIOD_DAYS[period]
    if days is None:
        return value
    factor = f"(cycle_days / {days!r})"
    if isinstance(value, (int, float)):
        return f"{float(value)!r} * {factor}"
    return f"({value}) * {factor}"


def stated_period(unit: str | None) -> str | None:
    """The period a parameter's unit text states (``"EUR per year"`` -> ``"year"``), None when it
    states none or states 'per cycle' (for the check that a per-year parameter is not used as a
    per-cycle cost as it is)."""
    if unit is None or not str(unit).strip():
        return None
    period = period_of(unit)
    return None if period == "cycle" else period


def cycle_period(cycle_length_days: float) -> str | None:
    """The period a cycle of ``cycle_length_days`` is (``7`` -> ``"week"``), None for another length."""
    for name, days in PERIOD_DAYS.items():
        if days is not None and abs(days - cycle_length_days) < 1e-9:
            return name
    return None


def as_declared(value: Expr) -> tuple[Expr, str]:
    """The inverse of :func:`per_cycle`: ``value`` as typed and the period its column declared,
    ``("cycle")`` when ``value`` is not a conversion made by :func:`per_cycle` (so that a
    workbook written back keeps its unit row).

    >>> as_declared("52000.0 * (cycle_days / 365.25)"), as_declared("(c * 52) * (cycle_days / 7.0)")
    ((52000.0, 'year'), ('c * 52', 'week'))
    >>> as_declared("c * 2"), as_declared(3.0)
    (('c * 2', 'cycle'), (3.0, 'cycle'))
    """
    if isinstance(value, str):
        for period, days in PERIOD_DAYS.items():
            suffix = f" * (cycle_days / {days!r})"
            if days is None or not value.endswith(suffix):
                continue
            inner = value[: -len(suffix)]
            candidates: list[Expr] = []
            try:
                candidates.append(float(inner))
            except ValueError:
                if inner.startswith("(") and inner.endswith(")"):
                    candidates.append(inner[1:-1])
            for typed in candidates:
                if per_cycle(typed, period) == value:  # exactly what the reader made of it
                    return typed, period
    return value, "cycle"


def declared_unit(unit: str, period: str) -> str:
    """A family's unit text (``currency per cycle``) declared per ``period`` (``currency per year``)."""
    return re.sub(r"cycle$", period, unit)
