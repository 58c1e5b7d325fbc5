"""One analysis result: every number a run's report shows, computed once.

:func:`summarise_run` turns a :class:`~hecon.analysis.run.RunResult` (the model's raw
outcomes) into :class:`Results`, an immutable tree of frozen dataclasses. summary.json is its
serialisation (:meth:`Results.to_json`, :mod:`hecon.analysis.serialise`); report.html and
results.xlsx only format it (:mod:`hecon.report`), so the three files cannot disagree and
scripts can reuse the numbers without the report.

Schema (summary.json keys in order; fields marked † are not in summary.json)::

    Results
      hecon_version, created [UTC, ISO 8601], seed, input (InputFile: path, sha256),
      title, currency, effect_unit ("QALY"), comparator,
      references             reference strategy -> its description (Strategies role "reference":
                               reported for information, outside the frontier, CEAC/CEAF, P(CE),
                               EVPI/EVPPI, the decision and the thresholds; absent without)
      conventions            units and the discounting rule, in words
      settings               the model's settings (+ cycle_length_years, n_cycles)
      scenarios              scenario name -> ScenarioSummary (hecon.analysis.summary)
                               description, overrides,
                               strategies: name -> StrategyResult (costs, qalys, lys and
                                 their _undiscounted twins, cost_breakdown, tfi)
                               incremental: FrontierRow per strategy (efficiency frontier)
                               versus_comparator: Comparison per other strategy
                               references: the reference strategies (absent without)
                               † optimal_at_headline
      subgroups              subgroup name -> ScenarioSummary (as scenarios, with the overrides'
                               sources; absent without subgroups)
      base_case              BaseCase: survival (hecon.analysis.model_survival.SurvivalSummary:
                               time_unit, per-strategy medians, landmarks beside the model)
                               † trace, † timeline (shares per treatment-burden category)
      net_benefit            NetBenefit (hecon.analysis.decision; absent without settings.wtp), with
                               curve: the base case's NMB on a dense WTP grid
      burden                 BurdenSummary (absent without utility norms)
      scenario_analysis      ScenarioAnalysis (absent with the base case only)
      thresholds             ThresholdResult per query (hecon.analysis.threshold; absent without)
      two_way                TwoWayResult per two-way threshold analysis (hecon.analysis.two_way; absent without)
      dsa                    DsaSummary (hecon.analysis.dsa_summary; absent unless run)
      psa                    PsaSummary (hecon.analysis.psa_summary; absent unless run), with
                               structural: results by alternative of discrete parameters
                               (hecon.analysis.psa_structural; absent without) and
                               evppi: partial EVPI per parameter and group (hecon.analysis.evppi;
                               absent below 500 samples)
      psa_cross_check        PsaSummary of the other structure (structure_check's model), same
                               samples count and seed, without EVPPI (absent unless both ran)
      structural_expectation StructuralExpectation (hecon.analysis.structural_expectation: the
                               deterministic results of each structural alternative, structure x
                               discrete parameters, and their weighted expectation; absent with one)
      psa_structures         StructureAverage (hecon.analysis.structure_average: the two structures'
                               PSA samples pooled with the stated weights, the decision's PSA
                               outputs of the shared strategies; absent unless both ran)
      perspectives           Perspectives (hecon.analysis.perspectives: the base case's costs, ICERs
                               and frontier from the healthcare and the societal perspective;
                               absent unless a cost category is tagged societal)
      budget_impact          BudgetImpact (hecon.analysis.budget_impact: yearly costs of the current
                               and new worlds, by category, drug costs apart, and the 'sluis'
                               check; absent without a BudgetImpact sheet)
      qtwist                 QTwist (hecon.analysis.qtwist: TOX, TWiST, REL and Q-TWiST per strategy,
                               threshold lines; absent without progression_free flags)
      treatment_free         TreatmentFreeSurvival (hecon.analysis.treatment_free: shares on treatment,
                               treatment-free and after progression, restricted means at 12-60 months,
                               time to the first treatment-free cycle; absent without on_ flags)
      burden_rates           BurdenRates (hecon.analysis.burden_rates: counts per life-year, per
                               progression-free year, in the first 12 and 24 months; terminal care
                               apart; patient time; absent without counts)
      structure_check        StructureCheck (hecon.analysis.structure: the base case beside the
                               other structure; absent unless the model defines both)
      warnings               what the reader must know about the base case (e.g. crossing
                               partitioned-survival curves; absent when none)
      timings                PhaseTimings (hecon.analysis.timings): note, wall time of each phase
                               [s], total; NOT a result: the one block (with ``created``) that
                               differs between two runs of the same workbook and seed
      † spec, † headline (Headline), † input_path, † started, † finished, † run_seconds

Units: costs and net monetary benefit in ``currency`` per patient over the horizon, QALYs
and life-years per patient, ICERs and willingness to pay in currency per QALY gained, times
in years unless a field says otherwise; a bare name is discounted and ``_undiscounted`` is
its twin. Numbers that are not finite are written to summary.json as null.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from hecon.analysis.budget_impact import BudgetImpact, budget_impact, costs_by_year
from hecon.analysis.burden_rates import BurdenRates
from hecon.analysis.decision import (
    BurdenSummary,
    NetBenefit,
    ScenarioAnalysis,
    burden_summary,
    net_benefit,
    scenario_analysis,
)
from hecon.analysis.dsa_summary import DsaSummary, summarise_dsa
from hecon.analysis.evppi import EvppiInput, evppi_inputs
from hecon.analysis.model_survival import SurvivalSummary, survival_summary
from hecon.analysis.perspectives import Perspectives, perspectives
from hecon.analysis.psa_summary import PsaSummary, summarise_psa
from hecon.analysis.qtwist import QTwist, qtwist
from hecon.analysis.run import RunResult, headline_warning
from hecon.analysis.serialise import NOT_IN_JSON, OMIT_IF_EMPTY, frozen, to_json
from hecon.analysis.source_curves import SourceCurve, source_curves
from hecon.analysis.structural_expectation import StructuralExpectation, structural_expectation
from hecon.analysis.structure import StructureCheck, crossing_warnings, structure_check
from hecon.analysis.structure_average import StructureAverage, pool_psa, structure_average, structure_weights
from hecon.analysis.summary import ScenarioSummary, scenario_summary
from hecon.analysis.threshold import ThresholdResult
from hecon.analysis.timeline import category_shares
from hecon.analysis.timings import PhaseTimings, Stopwatch
from hecon.analysis.treatment_free import TreatmentFreeSurvival
from hecon.analysis.two_way import TwoWayResult
from hecon.model.spec import OPTION, ModelSpec, Settings
from hecon.model.types import FloatArray

__all__ = ["CONVENTIONS", "BaseCase", "Headline", "InputFile", "Results", "settings_summary", "summarise_run"]

CONVENTIONS = {
    "discounting": "a bare name is discounted; the '_undiscounted' twin is not",
    "costs": "currency (see 'currency'), totals over the horizon",
    "qalys": "quality-adjusted life-years",
    "lys": "life-years",
    "tfi": "time in flagged states [years], hospital_days [days], counts [units]; "
    "discounted at the effects rate unless '_undiscounted'",
    "icer": "currency per QALY gained; null when not meaningful (see status)",
}


@dataclass(frozen=True)
class InputFile:
    """The input file as given by the user and the SHA-256 of its bytes [hex] (both None for
    a model built in Python)."""

    path: str | None
    sha256: str | None


@dataclass(frozen=True)
class BaseCase:
    """Figures and tables of the base case.

    survival : PFS and OS from the trace, medians and source landmarks
    trace    : the Markov trace (dims strategy, cycle, state; coordinate ``years``) [share 0-1]
    substate_trace : the same by tunnel sub-state (dims strategy, cycle, substate; coordinates
               ``substate_state`` and ``state_time``) [share 0-1]; sums to ``trace`` by state;
               None when the run did not keep it (:func:`hecon.engine.outcomes.keeps_substates`)
    timeline : per strategy, the share of the cohort in each treatment-burden category at every
               trace point (:func:`hecon.analysis.timeline.category_shares`)
    sources  : each published survival curve beside the model's curve of the same patients
               (:func:`hecon.analysis.source_curves.source_curves`; the numbers are in
               ``survival.landmarks``)
    """

    survival: SurvivalSummary
    trace: xr.DataArray = field(metadata=NOT_IN_JSON)
    timeline: Mapping[str, Mapping[str, FloatArray]] = field(metadata=NOT_IN_JSON)
    sources: tuple[SourceCurve, ...] = field(default=(), metadata=NOT_IN_JSON)
    substate_trace: xr.DataArray | None = field(default=None, metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class Headline:
    """The willingness to pay that headlines the report and the decision there.

    wtp                : [currency per QALY] (:attr:`hecon.analysis.run.RunResult.headline_wtp`)
    source             : where it comes from, in words
    optimal            : the strategy with the highest net monetary benefit at ``wtp`` in the
                         base case (None when ``wtp`` is not above 0 or there is one strategy)
    is_reference_value : whether ``wtp`` is the reference value of the disease burden
    warning            : why ``wtp`` is not a reference value derived from the disease burden
                         (:func:`hecon.analysis.run.headline_warning`); "" when it is
    """

    wtp: float
    source: str
    optimal: str | None
    is_reference_value: bool
    warning: str = ""


@dataclass(frozen=True)
class Results:
    """Everything a run's report shows (see the module docs for the schema)."""

    hecon_version: str
    created: str
    seed: int
    input: InputFile
    title: str
    currency: str
    effect_unit: str
    comparator: str
    references: Mapping[str, str] = field(metadata=OMIT_IF_EMPTY)
    conventions: Mapping[str, str]
    settings: Mapping[str, Any]
    scenarios: Mapping[str, ScenarioSummary]
    subgroups: Mapping[str, ScenarioSummary] = field(metadata=OMIT_IF_EMPTY)
    base_case: BaseCase
    net_benefit: NetBenefit | None = field(metadata=OMIT_IF_EMPTY)
    burden: BurdenSummary | None = field(metadata=OMIT_IF_EMPTY)
    scenario_analysis: ScenarioAnalysis | None = field(metadata=OMIT_IF_EMPTY)
    thresholds: tuple[ThresholdResult, ...] = field(metadata=OMIT_IF_EMPTY)
    two_way: tuple[TwoWayResult, ...] = field(metadata=OMIT_IF_EMPTY)
    dsa: DsaSummary | None = field(metadata=OMIT_IF_EMPTY)
    psa: PsaSummary | None = field(metadata=OMIT_IF_EMPTY)
    psa_cross_check: PsaSummary | None = field(metadata=OMIT_IF_EMPTY)
    psa_structures: StructureAverage | None = field(metadata=OMIT_IF_EMPTY)
    structural_expectation: StructuralExpectation | None = field(metadata=OMIT_IF_EMPTY)
    perspectives: Perspectives | None = field(metadata=OMIT_IF_EMPTY)
    budget_impact: BudgetImpact | None = field(metadata=OMIT_IF_EMPTY)
    qtwist: QTwist | None = field(metadata=OMIT_IF_EMPTY)
    treatment_free: TreatmentFreeSurvival | None = field(metadata=OMIT_IF_EMPTY)
    burden_rates: BurdenRates | None = field(metadata=OMIT_IF_EMPTY)
    structure_check: StructureCheck | None = field(metadata=OMIT_IF_EMPTY)
    warnings: tuple[str, ...] = field(metadata=OMIT_IF_EMPTY)
    timings: PhaseTimings
    spec: ModelSpec = field(metadata=NOT_IN_JSON)
    headline: Headline = field(metadata=NOT_IN_JSON)
    input_path: Path | None = field(metadata=NOT_IN_JSON)
    started: datetime = field(metadata=NOT_IN_JSON)
    finished: datetime = field(metadata=NOT_IN_JSON)
    run_seconds: float = field(metadata=NOT_IN_JSON)

    @property
    def base(self) -> ScenarioSummary:
        """The base case."""
        return next(iter(self.scenarios.values()))

    @property
    def strategies(self) -> tuple[str, ...]:
        """Strategy names in model order."""
        return tuple(s.name for s in self.spec.strategies)

    def to_json(self) -> dict[str, Any]:
        """The content of summary.json as plain, JSON-safe Python objects."""
        data: dict[str, Any] = to_json(self)  # a dataclass becomes a JSON object
        return data


def settings_summary(settings: Settings) -> dict[str, Any]:
    """The settings as plain values, with the derived cycle length [years] and number of cycles."""
    out = dataclasses.asdict(settings)
    out["cycle_length_years"] = settings.cycle_length_years
    out["n_cycles"] = settings.n_cycles
    return out


def _base_case(run: RunResult) -> BaseCase:
    trace = run.base.results["trace"]
    strategies = run.base.strategies
    return BaseCase(
        survival_summary(trace, run.spec, strategies),
        trace,
        frozen({s: frozen(category_shares(trace, run.spec, s)) for s in strategies}),
        source_curves(trace, run.spec, strategies),
        run.base.results.get("substate_trace"),
    )


def _psa(run: RunResult, wtp: float, wtp_source: str, stopwatch: Stopwatch, cross: bool = False) -> PsaSummary | None:
    """The PSA of the run's structure, or with ``cross`` that of the other structure (the
    structural cross-check; without EVPPI)."""
    ds = run.cross_check_psa if cross else run.psa
    spec = run.cross_check.spec if cross and run.cross_check is not None else run.spec
    if ds is None:
        return None
    return _summarise_psa(
        run, ds, spec.options, wtp, wtp_source, evppi=() if cross else evppi_inputs(spec), stopwatch=stopwatch
    )


def _summarise_psa(
    run: RunResult,
    ds: xr.Dataset,
    options: Sequence[str],
    wtp: float,
    wtp_source: str,
    evppi: Sequence[EvppiInput] = (),
    stopwatch: Stopwatch | None = None,
) -> PsaSummary:
    """:func:`summarise_psa` of ``ds`` among ``options`` with the run's settings (WTP values,
    population, currency) and comparator (or the first option when the comparator is not one)."""
    settings = run.spec.settings
    comparator = run.comparator if run.comparator in options else options[0]
    return summarise_psa(
        ds,
        comparator,
        list(dict.fromkeys([float(w) for w in settings.wtp] + [wtp])),
        wtp,
        population_size=settings.population_size,
        population_years=settings.population_years,
        population_discount_rate=settings.discount_rate_costs,
        currency=settings.currency,
        primary_wtp_source=wtp_source,
        evppi_inputs=evppi,
        stopwatch=stopwatch,
        options=options,
    )


def _psa_structures(run: RunResult, wtp: float, wtp_source: str) -> StructureAverage | None:
    """The PSA of both structures pooled with the weights of the settings (None unless both ran)."""
    if run.psa is None or run.cross_check_psa is None or run.cross_check is None:
        return None
    settings = run.spec.settings
    weights = structure_weights(settings)
    datasets = {settings.structure: run.psa, run.cross_check.spec.settings.structure: run.cross_check_psa}
    pooled = pool_psa(datasets, weights)
    shared = {str(s) for s in pooled["strategy"].values}
    summary = _summarise_psa(run, pooled, [s for s in run.spec.options if s in shared], wtp, wtp_source)
    return structure_average(datasets, weights, summary, [s.name for s in run.spec.strategies])


def _budget_impact(run: RunResult) -> BudgetImpact | None:
    spec = run.spec
    if not spec.budget:
        return None
    years = max(1, int(np.ceil(spec.settings.horizon_years - 1e-9)))
    yearly = costs_by_year(run.base.results["per_cycle"], spec.settings.cycle_length_years, years)
    return budget_impact(spec.budget, yearly, spec.settings.horizon_years)


def _structure_check(run: RunResult, base: ScenarioSummary, wtp: float) -> StructureCheck | None:
    cross = run.cross_check
    if cross is None:
        return None
    same = run.comparator in cross.strategies
    comparator = run.comparator if same else cross.strategies[0]
    other = scenario_summary(
        cross.name,
        cross.results,
        cross.strategies,
        comparator,
        run.spec.settings.currency,
        headline_wtp=wtp,
        options=cross.spec.options,
    )
    warnings = crossing_warnings(cross.results, run.spec.settings.cycle_length_years)
    return structure_check(base, other, run.spec.settings.structure, cross.spec.settings.structure, warnings, same)


def summarise_run(run: RunResult, stopwatch: Stopwatch | None = None) -> Results:
    """Every number of the report of ``run``, computed once (see the module docs).

    ``stopwatch`` (default: one that starts from ``run.timings``) records the phases "summary"
    and "VOI/EVPPI"; ``Results.timings`` holds every phase recorded.

    Example: ``summarise_run(run_analysis(textbook_model(), "all")).base.versus_comparator[0].icer``.
    """
    sw = stopwatch if stopwatch is not None else Stopwatch(run.timings)
    with sw.phase("summary"):
        results = _summarise(run, sw)
    return dataclasses.replace(results, timings=sw.timings())


def _summarise(run: RunResult, sw: Stopwatch) -> Results:
    spec = run.spec
    currency = spec.settings.currency
    wtp, wtp_source = run.headline_wtp

    def summaries(items: Any, with_sources: bool) -> Any:
        """The summary of each scenario (or subgroup) run, by name; a subgroup's with its sources."""
        return frozen(
            {
                r.name: scenario_summary(
                    r.name,
                    r.results,
                    r.strategies,
                    run.comparator,
                    currency,
                    description=r.description,
                    overrides=r.scenario.overrides if r.scenario else None,
                    headline_wtp=wtp,
                    sources=r.scenario.sources if with_sources and r.scenario else None,
                    options=r.spec.options,
                )
                for r in items
            }
        )

    scenarios = summaries(run.scenarios, with_sources=False)
    subgroups = summaries(run.subgroups, with_sources=True)
    base = scenarios[run.base.name]
    burden = run.burden
    return Results(
        hecon_version=run.hecon_version,
        created=run.finished.isoformat(timespec="seconds"),
        seed=run.seed,
        input=InputFile(str(run.input_path) if run.input_path is not None else None, run.input_sha256),
        title=spec.title,
        currency=currency,
        effect_unit="QALY",
        comparator=run.comparator,
        references=frozen({x.name: x.description for x in spec.strategies if x.role != OPTION}),
        conventions=frozen(CONVENTIONS),
        settings=frozen(settings_summary(spec.settings)),
        scenarios=scenarios,
        subgroups=subgroups,
        base_case=_base_case(run),
        net_benefit=net_benefit(scenarios, spec.settings.wtp, run.base.name),
        burden=burden_summary(burden, scenarios, currency),
        scenario_analysis=scenario_analysis(scenarios, run.comparator),
        thresholds=tuple(run.thresholds),
        two_way=run.two_way,
        dsa=summarise_dsa(run.dsa, currency) if run.dsa is not None else None,
        psa=_psa(run, wtp, wtp_source, sw),
        psa_cross_check=_psa(run, wtp, wtp_source, sw, cross=True),
        psa_structures=_psa_structures(run, wtp, wtp_source),
        structural_expectation=structural_expectation(run.alternatives, run.comparator, currency, spec.options),
        perspectives=perspectives(base, spec.cost_perspectives, spec.cost_categories, run.comparator, currency),
        budget_impact=_budget_impact(run),
        qtwist=qtwist(run.base.results["trace"], spec, run.comparator, run.qtwist_horizon_years),
        treatment_free=run.treatment_free,
        burden_rates=run.burden_rates,
        structure_check=_structure_check(run, base, wtp),
        warnings=crossing_warnings(run.base.results, spec.settings.cycle_length_years),
        timings=run.timings,  # replaced by every phase's when the summary is done
        spec=spec,
        headline=Headline(
            wtp,
            wtp_source,
            base.optimal_at_headline if len(base.strategies) > 1 else None,
            burden is not None and burden.reference_value == wtp,
            headline_warning(spec, run.burden),
        ),
        input_path=run.input_path,
        started=run.started,
        finished=run.finished,
        run_seconds=(run.finished - run.started).total_seconds(),
    )
