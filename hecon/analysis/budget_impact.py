"""Budget impact analysis (summary.json ``budget_impact``) and the check against the Dutch
'sluis' for expensive medicines.

Method (Sullivan SD, Mauskopf JA, Augustovski F, et al. Budget impact analysis - principles
of good practice: report of the ISPOR 2012 Budget Impact Analysis Good Practice II Task Force.
Value Health 2014;17:5-14; the Zorginstituut asks for such an analysis beside the economic
evaluation of a medicine): two worlds are compared
over the budget years 1..Y, the *current* one without the new strategies and the *new* one
with them. In each year e, N_e eligible patients start treatment (the BudgetImpact sheet,
:class:`hecon.model.spec.BudgetItem`) and a share p_{w,s,e} of them receives strategy s in
world w. A patient who starts in year e costs, in budget year y >= e, what the model's cohort of
strategy s costs per patient in its year y - e + 1:

    B_w(y, category) = sum_{e <= y} N_e sum_s p_{w,s,e} c_s(y - e + 1, category)

Budget impact(y) = B_new(y) - B_current(y). Costs are undiscounted (a budget is paid in the
currency of each year) and come from the model's per-cycle results of the base case: each
cycle's cost, valued at its start (without the within-cycle correction the model's totals use),
counted in the model year in which the cycle starts. Drug costs are the categories listed as
drug categories, reported apart from the other costs.

The 'sluis' check, per strategy whose share rises in the new world: the drug costs per patient
in the first year of treatment against the threshold per patient per year, and the highest
yearly drug spending on the strategy in the new world against the yearly thresholds; the
thresholds are inputs with their source (the criteria change over time). The verdict combines
them as the Dutch criteria do (from 1 July 2023: expected total costs of EUR 20 million a year or
more, OR EUR 50,000 or more per patient per year AND a total of EUR 10 million a year or more):

    into the sluis = total >= sluis_total  OR  (per patient >= sluis_per_patient AND
                                                total >= sluis_total_with_per_patient)

A threshold that is not given does not count (without ``sluis_total_with_per_patient`` the
per-patient criterion stands alone); without any threshold there is no verdict.

Units: costs in the model's currency (per year, or per patient in a year), patients in persons
per year, shares in [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from hecon.analysis.serialise import frozen
from hecon.model.problems import Element, ModelError, Problem, topic
from hecon.model.spec import BUDGET_WORLDS, BudgetItem
from hecon.model.types import FloatArray

__all__ = ["BudgetImpact", "SluisCheck", "budget_impact", "check_budget", "costs_by_year"]

SHARE_TOLERANCE = 1e-6
"""How far a year's shares of one world may sum from 1."""
COST_PREFIX = "cost:"
"""Prefix of a cost category in the engine's per-cycle outcomes."""
SLUIS_ITEMS = ("sluis_per_patient", "sluis_total", "sluis_total_with_per_patient")
"""The BudgetImpact items that give a 'sluis' threshold."""


@dataclass(frozen=True)
class SluisCheck:
    """The 'sluis' check of one strategy whose share rises in the new world.

    drug_cost_per_patient_year : drug costs per patient in the first year of treatment [currency]
    threshold_per_patient      : the threshold [currency per patient per year; None: not given]
    highest_yearly_drug_spend  : the highest yearly drug spending on the strategy in the new world [currency]
    threshold_total            : the yearly threshold [currency per year; None: not given]
    above_per_patient, above_total : whether the threshold is reached (None: no threshold)
    threshold_total_with_per_patient : the yearly total the per-patient criterion also needs
                                 [currency per year; None: not given]
    above_total_with_per_patient : whether that total is reached (None: not given)
    into_sluis                 : the combined verdict (see the module docs; None: no threshold)
    why                        : the verdict in words
    """

    strategy: str
    drug_cost_per_patient_year: float
    threshold_per_patient: float | None
    above_per_patient: bool | None
    highest_yearly_drug_spend: float
    threshold_total: float | None
    above_total: bool | None
    threshold_total_with_per_patient: float | None = None
    above_total_with_per_patient: bool | None = None
    into_sluis: bool | None = None
    why: str = ""


@dataclass(frozen=True)
class BudgetImpact:
    """The budget impact analysis (see the module docs).

    years : 1..Y; eligible : patients starting treatment per year; treated : world -> strategy ->
    patients starting it per year; drug_categories, other_categories : the cost categories;
    current, new : world's costs per year by category; current_total, new_total : their sums;
    incremental_total, incremental_drug, incremental_other : new minus current per year;
    per_patient_year : strategy -> category -> cost per patient in each year of treatment
    (the c_s of the module docs); sluis : the checks; sources : each distinct source of the
    eligible and share inputs once, after the inputs it gives ("eligible, share new X: source");
    thresholds_source : where the 'sluis' thresholds come from
    """

    years: tuple[int, ...]
    eligible: tuple[float, ...]
    treated: Mapping[str, Mapping[str, tuple[float, ...]]]
    drug_categories: tuple[str, ...]
    other_categories: tuple[str, ...]
    current: Mapping[str, tuple[float, ...]]
    new: Mapping[str, tuple[float, ...]]
    current_total: tuple[float, ...]
    new_total: tuple[float, ...]
    incremental_total: tuple[float, ...]
    incremental_drug: tuple[float, ...]
    incremental_other: tuple[float, ...]
    per_patient_year: Mapping[str, Mapping[str, tuple[float, ...]]]
    sluis: tuple[SluisCheck, ...]
    sources: tuple[str, ...]
    thresholds_source: str


def costs_by_year(per_cycle: xr.DataArray, cycle_length_years: float, years: int) -> xr.DataArray:
    """Undiscounted costs per patient by year of treatment [currency per patient per year].

    per_cycle : the base case's ``per_cycle`` (strategy, cycle, outcome) of
    :func:`hecon.engine.results.label`; cycle t (t < the last point) is counted in year
    floor(t x ``cycle_length_years``) + 1. Returns (strategy, year, category), years 1..``years``.
    """
    labels = [str(o) for o in per_cycle["outcome"].values]
    cats = [o for o in labels if o.startswith(COST_PREFIX)]
    values = per_cycle.sel(outcome=cats).transpose("strategy", "cycle", "outcome").values[:, :-1, :]
    start = np.arange(values.shape[1]) * cycle_length_years
    year = np.floor(start + 1e-9).astype(int)
    out = np.zeros((values.shape[0], years, len(cats)))
    for k in range(years):
        out[:, k, :] = values[:, year == k, :].sum(axis=1)
    return xr.DataArray(
        out,
        dims=("strategy", "year", "category"),
        coords={
            "strategy": per_cycle["strategy"].values,
            "year": np.arange(1, years + 1),
            "category": [c[len(COST_PREFIX) :] for c in cats],
        },
    )


def _where(i: int, part: str) -> Element:
    return Element("budget", "budget impact", index=i, part=part)


def check_budget(
    items: Sequence[BudgetItem], strategies: Sequence[str], categories: Sequence[str], horizon_years: float
) -> tuple[dict[int, float], dict[tuple[str, int, str], float]]:
    """The eligible patients by year and the shares by (world, year, strategy) of ``items``; raises
    :class:`~hecon.model.problems.ModelError` with every problem, each at its item (Element
    kind "budget", index = position in ``items``, part = the column).

    strategies, categories : the model's strategies and cost categories; horizon_years : its horizon.
    """
    problems: list[Problem] = []
    eligible: dict[int, float] = {}
    shares: dict[tuple[str, int, str], float] = {}
    first_share: dict[tuple[str, int], int] = {}
    seen_sluis: set[str] = set()
    for i, b in enumerate(items):
        if b.item != "drug_category" and not b.source.strip():
            problems.append(Problem(_where(i, "source"), "no source", "where the value comes from (or G: a gap)"))
        if b.item in ("eligible", "share", *SLUIS_ITEMS) and (
            b.value is None or not np.isfinite(b.value) or b.value < 0
        ):
            problems.append(Problem(_where(i, "value"), f"value is {b.value}", "a number >= 0"))
            continue
        if b.item in ("eligible", "share") and (b.year is None or b.year < 1):
            problems.append(Problem(_where(i, "year"), f"year is {b.year}", "a budget year 1, 2, ..."))
            continue
        if b.item == "eligible":
            assert b.year is not None and b.value is not None
            if b.year in eligible:
                problems.append(Problem(_where(i, "year"), f"year {b.year} is given twice", "one eligible row a year"))
            eligible[b.year] = float(b.value)
        elif b.item == "share":
            assert b.year is not None and b.value is not None
            if b.strategy is None or b.strategy not in strategies:
                problems.append(
                    Problem(_where(i, "strategy"), f"strategy '{b.strategy}' is not known", ", ".join(strategies))
                )
                continue
            if b.world is None or b.world not in BUDGET_WORLDS:
                problems.append(Problem(_where(i, "world"), f"world '{b.world}'", " or ".join(BUDGET_WORLDS)))
                continue
            if b.value > 1:
                problems.append(Problem(_where(i, "value"), f"share {b.value:g} is above 1", "a share in [0, 1]"))
            key = (b.world, b.year, b.strategy)
            if key in shares:
                problems.append(
                    Problem(_where(i, "strategy"), f"{b.strategy} in year {b.year} ({b.world}) is given twice", "once")
                )
            shares[key] = float(b.value)
            first_share.setdefault((b.world, b.year), i)
        elif b.item == "drug_category":
            if b.category not in categories:
                problems.append(
                    Problem(
                        _where(i, "category"),
                        f"cost category '{b.category}' is not in the model",
                        ", ".join(categories) or "a cost category of the States sheet",
                    )
                )
        elif b.item in SLUIS_ITEMS:
            if b.item in seen_sluis:
                problems.append(Problem(_where(i, "item"), f"{b.item} is given twice", "one row"))
            seen_sluis.add(b.item)
        else:
            problems.append(Problem(_where(i, "item"), f"item '{b.item}'", "eligible, share, drug_category or sluis_*"))
    years = sorted(eligible)
    if eligible and years != list(range(1, len(years) + 1)):
        problems.append(
            Problem(topic("budget impact"), f"eligible patients are given for years {years}", "years 1, 2, ... Y")
        )
    if eligible and len(years) > horizon_years + 1e-9:
        problems.append(
            Problem(
                topic("budget impact"),
                f"{len(years)} budget years exceed the model's horizon of {horizon_years:g} years",
                "at most as many budget years as the horizon (3 to 5 in a Dutch budget impact analysis)",
            )
        )
    for world in BUDGET_WORLDS:
        for y in years:
            total = sum(v for (w, yy, _), v in shares.items() if w == world and yy == y)
            if abs(total - 1.0) > SHARE_TOLERANCE:
                where: Element = (
                    _where(first_share[(world, y)], "value") if (world, y) in first_share else topic("budget impact")
                )
                problems.append(
                    Problem(
                        where, f"the shares of year {y} in the {world} world sum to {total:g}", "shares summing to 1"
                    )
                )
    if problems:
        raise ModelError(problems)
    return eligible, shares


def _verdict(above_pp: bool | None, above_tot: bool | None, above_with: bool | None) -> tuple[bool | None, str]:
    """The combined 'sluis' verdict and why, in words (see the module docs)."""
    if above_pp is None and above_tot is None:
        return None, "no sluis thresholds given"
    if above_tot:
        return True, "yes: the yearly drug spending reaches the yearly threshold"
    below_total = "" if above_tot is None else "; the yearly drug spending is below the yearly threshold"
    if above_pp is None:
        return False, "no" + below_total
    if not above_pp:
        return False, "no: the drug costs per patient per year are below the per-patient threshold" + below_total
    if above_with is None:
        return True, "yes: the drug costs per patient per year reach the per-patient threshold"
    if above_with:
        return True, (
            "yes: the drug costs per patient per year reach the per-patient threshold and the yearly "
            "drug spending reaches the total that criterion needs"
        )
    return False, (
        "no: the drug costs per patient per year reach the per-patient threshold, but the yearly drug "
        "spending is below the total that criterion needs" + below_total
    )


def budget_impact(items: Sequence[BudgetItem], yearly: xr.DataArray, horizon_years: float) -> BudgetImpact | None:
    """The budget impact of ``items`` (None without eligible patients).

    yearly : :func:`costs_by_year` (strategy, year, category) for at least the budget years;
    horizon_years : the model's horizon [years]. Raises
    :class:`~hecon.model.problems.ModelError` with every problem of the inputs, placed at their rows.
    """
    if not any(b.item == "eligible" for b in items):
        return None
    strategies = [str(s) for s in yearly["strategy"].values]
    categories = [str(c) for c in yearly["category"].values]
    eligible, shares = check_budget(items, strategies, categories, horizon_years)
    n_years = len(eligible)
    years = list(range(1, n_years + 1))
    n = np.array([eligible[y] for y in years])
    c = yearly.transpose("strategy", "year", "category").values[:, :n_years, :]  # (S, Y, K)

    def world_costs(world: str) -> tuple[FloatArray, FloatArray]:
        """(patients starting each strategy per year (S, Y), costs per year by category (Y, K))."""
        starting = np.array([[shares.get((world, y, s), 0.0) * eligible[y] for y in years] for s in strategies])
        out = np.zeros((n_years, len(categories)))
        for y in range(n_years):
            for e in range(y + 1):
                out[y] += starting[:, e] @ c[:, y - e, :]
        return starting, out

    treated_current, cost_current = world_costs("current")
    treated_new, cost_new = world_costs("new")
    drug = [
        k for k, cat in enumerate(categories) if any(b.item == "drug_category" and b.category == cat for b in items)
    ]
    other = [k for k in range(len(categories)) if k not in drug]
    diff = cost_new - cost_current
    sluis_pp = next((b for b in items if b.item == "sluis_per_patient"), None)
    sluis_tot = next((b for b in items if b.item == "sluis_total"), None)
    sluis_with = next((b for b in items if b.item == "sluis_total_with_per_patient"), None)
    checks = []
    for i, s in enumerate(strategies):
        if not np.any(treated_new[i] > treated_current[i]):
            continue
        per_patient = float(c[i, 0, drug].sum())
        spend = np.zeros(n_years)
        for y in range(n_years):
            for e in range(y + 1):
                spend[y] += treated_new[i, e] * c[i, y - e, drug].sum()
        highest = float(spend.max())
        pp = sluis_pp.value if sluis_pp is not None else None
        tot = sluis_tot.value if sluis_tot is not None else None
        with_pp = sluis_with.value if sluis_with is not None else None
        above_pp = per_patient >= pp if pp is not None else None
        above_tot = highest >= tot if tot is not None else None
        above_with = highest >= with_pp if with_pp is not None else None
        into, why = _verdict(above_pp, above_tot, above_with)
        checks.append(SluisCheck(s, per_patient, pp, above_pp, highest, tot, above_tot, with_pp, above_with, into, why))

    def by_category(costs: FloatArray) -> Mapping[str, tuple[float, ...]]:
        return frozen({cat: tuple(float(v) for v in costs[:, k]) for k, cat in enumerate(categories)})

    def row(x: FloatArray) -> tuple[float, ...]:
        return tuple(float(v) for v in x)

    inputs_of: dict[str, dict[str, None]] = {}  # each distinct source once, with the inputs it gives
    for b in items:
        if b.item in ("eligible", "share"):
            label = f"{b.item}{' ' + b.world if b.world else ''}{' ' + b.strategy if b.strategy else ''}"
            inputs_of.setdefault(b.source, {})[label] = None
    sources = tuple(f"{', '.join(labels)}: {source}" for source, labels in inputs_of.items())
    thresholds_source = "; ".join(b.source for b in (sluis_pp, sluis_tot, sluis_with) if b is not None)
    return BudgetImpact(
        years=tuple(years),
        eligible=row(n),
        treated=frozen(
            {
                "current": frozen({s: row(treated_current[i]) for i, s in enumerate(strategies)}),
                "new": frozen({s: row(treated_new[i]) for i, s in enumerate(strategies)}),
            }
        ),
        drug_categories=tuple(categories[k] for k in drug),
        other_categories=tuple(categories[k] for k in other),
        current=by_category(cost_current),
        new=by_category(cost_new),
        current_total=row(cost_current.sum(axis=1)),
        new_total=row(cost_new.sum(axis=1)),
        incremental_total=row(diff.sum(axis=1)),
        incremental_drug=row(diff[:, drug].sum(axis=1)),
        incremental_other=row(diff[:, other].sum(axis=1)),
        per_patient_year=frozen(
            {s: frozen({cat: row(c[i, :, k]) for k, cat in enumerate(categories)}) for i, s in enumerate(strategies)}
        ),
        sluis=tuple(checks),
        sources=sources,
        thresholds_source=thresholds_source,
    )
