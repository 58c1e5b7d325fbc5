"""The decision across scenarios: every scenario in one table, net benefit at each willingness
to pay, and the ICERs judged against the Dutch reference value of the disease burden.

Built from the per-scenario results (:mod:`hecon.analysis.summary`); summary.json keys
``scenario_analysis``, ``net_benefit`` and ``burden``. Costs and net monetary benefit (NMB) are
in the model's currency per patient, QALYs per patient, willingness to pay (WTP) and ICERs in
currency per QALY; all discounted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hecon.analysis.disease_burden import DiseaseBurden, judge_icers
from hecon.analysis.serialise import FLATTEN, NOT_IN_JSON, OMIT_IF_EMPTY, frozen
from hecon.analysis.summary import ScenarioSummary, highest_nmb

__all__ = [
    "BurdenSummary",
    "IcerRange",
    "Judgement",
    "NetBenefit",
    "NetBenefitCurve",
    "ScenarioAnalysis",
    "ScenarioNetBenefit",
    "ScenarioRow",
    "StrategyNetBenefit",
    "burden_summary",
    "net_benefit",
    "net_benefit_curve",
    "scenario_analysis",
]


# --------------------------------------------------------------------------------------
# scenario analysis
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRow:
    """One strategy in one scenario, versus the comparator in the same scenario and versus
    itself in the base case.

    costs, qalys, lys                 : the strategy's totals [currency], [QALY], [life-years]
    incremental_cost, incremental_qalys, incremental_lys, icer, status, description : versus
                                        the comparator (None, "comparator" and "" for the
                                        comparator itself)
    icer_base_case                    : the strategy's ICER versus the comparator in the base case
    change_in_costs, change_in_qalys  : minus the strategy's own base-case costs and QALYs
    """

    scenario: str
    strategy: str
    costs: float
    qalys: float
    lys: float
    incremental_cost: float | None
    incremental_qalys: float | None
    incremental_lys: float | None
    icer: float | None
    status: str
    description: str
    icer_base_case: float | None
    change_in_costs: float | None
    change_in_qalys: float | None


@dataclass(frozen=True)
class IcerRange:
    """The ICERs of one strategy versus the comparator across the scenarios other than the
    base case: lowest and highest [currency per QALY gained; None when no scenario has an
    ICER], and the number of scenarios with another result (dominant, dominated, ...)."""

    strategy: str
    lowest: float | None
    highest: float | None
    n_without_icer: int


@dataclass(frozen=True)
class ScenarioAnalysis:
    """Every scenario in one table (summary.json ``scenario_analysis``).

    comparator  : the strategy compared with
    rows        : per scenario (base case first), per strategy in model order
    icer_ranges : per strategy other than the comparator, its ICERs across the other scenarios
    """

    comparator: str
    rows: tuple[ScenarioRow, ...]
    icer_ranges: tuple[IcerRange, ...] = field(default=(), metadata=NOT_IN_JSON)


def _row(name: str, strategy: str, sc: ScenarioSummary, base: ScenarioSummary) -> ScenarioRow:
    v = sc.strategies[strategy]
    r = sc.versus(strategy)
    b = base.strategies.get(strategy)
    r_base = base.versus(strategy)
    return ScenarioRow(
        scenario=name,
        strategy=strategy,
        costs=v.costs,
        qalys=v.qalys,
        lys=v.lys,
        incremental_cost=r.incremental_cost if r else None,
        incremental_qalys=r.incremental_effect if r else None,
        incremental_lys=r.incremental_lys if r else None,
        icer=r.icer if r else None,
        status=r.status if r else "comparator",
        description=r.description if r else "",
        icer_base_case=r_base.icer if r_base else None,
        change_in_costs=v.costs - b.costs if b else None,
        change_in_qalys=v.qalys - b.qalys if b else None,
    )


def _icer_range(strategy: str, others: Sequence[ScenarioSummary]) -> IcerRange:
    icers: list[float] = []
    n_other = 0
    for sc in others:
        row = sc.versus(strategy)
        if row is None:
            continue
        if row.status == "ICER":
            assert row.icer is not None  # an "ICER" row has one
            icers.append(row.icer)
        else:
            n_other += 1
    return IcerRange(strategy, min(icers, default=None), max(icers, default=None), n_other)


def scenario_analysis(scenarios: Mapping[str, ScenarioSummary], comparator: str) -> ScenarioAnalysis | None:
    """All scenarios in one table (None with fewer than two scenarios); the first is the base case."""
    if len(scenarios) < 2:
        return None
    base, *others = scenarios.values()
    rows = tuple(_row(name, s, sc, base) for name, sc in scenarios.items() for s in sc.strategies)
    ranges = tuple(_icer_range(r.strategy, others) for r in base.versus_comparator)
    return ScenarioAnalysis(comparator, rows, ranges)


# --------------------------------------------------------------------------------------
# net benefit
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StrategyNetBenefit:
    """At each willingness to pay of :attr:`NetBenefit.wtp`: net monetary benefit
    NMB = WTP x QALYs − costs [currency] and net health benefit NHB = QALYs − costs / WTP
    [QALY; None at WTP 0]."""

    nmb: tuple[float, ...]
    nhb: tuple[float | None, ...]


@dataclass(frozen=True)
class ScenarioNetBenefit:
    """Net benefit of every strategy in one scenario; ``optimal``: the strategy with the
    highest NMB at each willingness to pay."""

    strategies: Mapping[str, StrategyNetBenefit]
    optimal: tuple[str, ...]


#: Number of equal steps of the net-benefit curve's grid from 0 to its upper end.
CURVE_STEPS = 120
#: The curve's upper end as a multiple of the largest frontier ICER it shows (a margin past the
#: last change of the optimal strategy).
CURVE_REACH = 1.5
#: The decision-relevant range of the curve: up to this multiple of the highest willingness to pay
#: of the settings (e.g. 2 x EUR 80,000, the highest Dutch reference value), and further to show a
#: frontier ICER up to :data:`RELEVANT_REACH` times that value with a margin.
DECISION_REACH = 2.0
#: Frontier ICERs above this multiple of the highest settings WTP (EUR 200,000 for EUR 80,000) lie
#: beyond any reference value a committee applies: the curve does not stretch to them (a curve to
#: EUR 1.26 million squeezes the EUR 0-100,000 that matter), and ``beyond`` lists them.
RELEVANT_REACH = 2.5


@dataclass(frozen=True)
class NetBenefitCurve:
    """NMB = WTP x QALYs − costs [currency] of every strategy of the base case on a grid of
    willingness-to-pay values ``wtp`` [currency per QALY]: :data:`CURVE_STEPS` equal steps from 0
    to the upper end, with the frontier ICERs inside it (``breakpoints``, where the optimal
    strategy changes) and the settings' values added. NMB is linear in WTP, so the values at the
    grid points are exact, not interpolated.

    The upper end is the decision-relevant range: the larger of :data:`DECISION_REACH` x the highest
    settings WTP and :data:`CURVE_REACH` x the largest frontier ICER up to :data:`RELEVANT_REACH` x
    that WTP; without a settings WTP, :data:`CURVE_REACH` x the largest frontier ICER.
    ``beyond``: strategy -> its frontier ICER when that lies past the upper end (not drawn)."""

    wtp: tuple[float, ...]
    nmb: Mapping[str, tuple[float, ...]]
    breakpoints: tuple[float, ...]
    beyond: Mapping[str, float] = field(default_factory=dict)


def net_benefit_curve(sc: ScenarioSummary, wtp: Sequence[float]) -> NetBenefitCurve:
    """The net-benefit curve of ``sc`` (:class:`NetBenefitCurve`); ``wtp``: the settings' values."""
    icers = {
        r.strategy: float(r.icer)
        for r in sc.incremental
        if r.on_frontier and r.icer is not None and math.isfinite(r.icer)
    }
    highest = max((float(w) for w in wtp), default=0.0)
    if highest > 0:
        shown = [v for v in icers.values() if v <= RELEVANT_REACH * highest]
        upper = max(DECISION_REACH * highest, CURVE_REACH * max(shown, default=0.0))
    else:
        upper = CURVE_REACH * max(icers.values(), default=0.0) or 1.0
    breakpoints = tuple(v for v in icers.values() if v <= upper)
    grid = sorted({upper * k / CURVE_STEPS for k in range(CURVE_STEPS + 1)} | set(breakpoints) | set(map(float, wtp)))
    grid = [w for w in grid if 0.0 <= w <= upper]
    nmb = {s: tuple(w * v.qalys - v.costs for w in grid) for s, v in sc.strategies.items()}
    beyond = {s: v for s, v in icers.items() if v > upper}
    return NetBenefitCurve(tuple(grid), frozen(nmb), breakpoints, frozen(beyond))


@dataclass(frozen=True)
class NetBenefit:
    """NMB and NHB per scenario (summary.json ``net_benefit``) at the willingness-to-pay values
    ``wtp`` of the settings [currency per QALY]; ``curve``: the base case's NMB on a dense grid
    (:class:`NetBenefitCurve`, for the figure)."""

    wtp: tuple[float, ...]
    scenarios: Mapping[str, ScenarioNetBenefit]
    curve: NetBenefitCurve


def _scenario_net_benefit(sc: ScenarioSummary, wtp: Sequence[float]) -> ScenarioNetBenefit:
    strategies = {}
    for s, v in sc.strategies.items():
        nmb = tuple(w * v.qalys - v.costs for w in wtp)
        strategies[s] = StrategyNetBenefit(nmb, tuple(x / w if w > 0 else None for x, w in zip(nmb, wtp)))
    return ScenarioNetBenefit(frozen(strategies), tuple(highest_nmb(sc.options, w) for w in wtp))


def net_benefit(scenarios: Mapping[str, ScenarioSummary], wtp: Sequence[float], base: str) -> NetBenefit | None:
    """Net benefit of every strategy of every scenario at each of ``wtp`` (None without any),
    with the curve of scenario ``base``."""
    if not wtp:
        return None
    values = tuple(float(w) for w in wtp)
    return NetBenefit(
        values,
        frozen({name: _scenario_net_benefit(sc, values) for name, sc in scenarios.items()}),
        net_benefit_curve(scenarios[base], values),
    )


# --------------------------------------------------------------------------------------
# disease burden and reference value
# --------------------------------------------------------------------------------------


#: The verdict of a reference strategy's comparison (Strategies role "reference").
REFERENCE_VERDICT = "reference (outside the decision)"


@dataclass(frozen=True)
class Judgement:
    """One comparison with the comparator judged against the reference value
    (:func:`hecon.analysis.disease_burden.judge_icers`).

    icer [currency per QALY], status and the increments as in the comparison;
    reference_value [currency per QALY; None: the burden class has none];
    inmb : incremental NMB at the reference value [currency]; verdict : "cost-effective",
    "not cost-effective", "no reference value" or :data:`REFERENCE_VERDICT`; text : the verdict in a sentence (None
    without reference value); description : the increment in words
    """

    strategy: str
    comparator: str
    icer: float | None
    status: str
    incremental_cost: float
    incremental_effect: float
    reference_value: float | None
    inmb: float | None
    verdict: str
    text: str | None = field(default=None, metadata=OMIT_IF_EMPTY)
    description: str = field(default="", metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class BurdenSummary:
    """The disease burden (summary.json ``burden``: the fields of
    :class:`~hecon.analysis.disease_burden.DiseaseBurden`, then these).

    judgements                 : per scenario, every comparison judged against the reference value
    optimal_at_reference_value : per scenario, the strategy with the highest NMB at the reference
                                 value (empty without reference value)
    method                     : how the burden was computed, in words
    same_optimum               : scenarios other than the base case with the base case's optimum
    other_optimum              : the other scenarios, with their optimum
    """

    burden: DiseaseBurden = field(metadata=FLATTEN)
    judgements: Mapping[str, tuple[Judgement, ...]]
    optimal_at_reference_value: Mapping[str, str]
    method: str
    same_optimum: tuple[str, ...] = field(default=(), metadata=NOT_IN_JSON)
    other_optimum: Mapping[str, str] = field(default_factory=frozen, metadata=NOT_IN_JSON)


def _judgements(sc: ScenarioSummary, reference_value: float | None, currency: str) -> tuple[Judgement, ...]:
    rows = [dataclasses.asdict(c) for c in sc.versus_comparator]
    judged = [
        Judgement(**entry, description=c.description)
        for entry, c in zip(judge_icers(rows, reference_value, currency), sc.versus_comparator)
    ]
    # a reference strategy keeps its ICER (information) but is not judged: it is no option
    return tuple(
        dataclasses.replace(j, verdict=REFERENCE_VERDICT, text=None) if j.strategy in sc.references else j
        for j in judged
    )


def burden_summary(
    burden: DiseaseBurden | None, scenarios: Mapping[str, ScenarioSummary], currency: str
) -> BurdenSummary | None:
    """The disease burden with every scenario's ICERs judged against its reference value
    (None without a burden: the model has no utility norms)."""
    if burden is None:
        return None
    ref = burden.reference_value
    judgements = {name: _judgements(sc, ref, currency) for name, sc in scenarios.items()}
    optimal = {name: highest_nmb(sc.options, ref) for name, sc in scenarios.items()} if ref is not None else {}
    base_name = next(iter(scenarios))
    best = optimal.get(base_name)
    others = {name: x for name, x in optimal.items() if name != base_name}
    method = (
        "Proportional shortfall (Qn − Qd) / Qn from undiscounted QALYs; Qn from the life table and "
        "general-population utility norms (iMTA Disease Burden Calculator method), Qd the "
        f"comparator's ({burden.comparator}) QALYs in the base case."
    )
    return BurdenSummary(
        burden,
        frozen(judgements),
        frozen(optimal),
        method,
        tuple(n for n, x in others.items() if x == best),
        frozen({n: x for n, x in others.items() if x != best}),
    )
