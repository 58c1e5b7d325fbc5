"""One analysis run: the base case and the chosen scenarios of a model, ready to report.

:func:`run_analysis` wires a full run (as pvlib's ``ModelChain`` does) and returns a
:class:`RunResult`, which :func:`hecon.analysis.results.summarise_run` summarises for the
report writers (:mod:`hecon.report`). It knows nothing about workbooks or files other than the
input file's checksum.

Adding an analysis (PSA, DSA, threshold analysis, ...)
------------------------------------------------------
1. compute it in a function of its own, called from :func:`run_analysis` after the
   deterministic runs (switched on by an argument with a default that keeps it off);
2. store its result in a new field of :class:`RunResult` with default ``None``;
3. summarise it into a field of :class:`hecon.analysis.results.Results` (summary.json), and
   add a section builder to :data:`hecon.report.sections.SECTIONS` that formats it as
   tables and figures (it returns ``None`` when the field is ``None``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import xarray as xr

from hecon.analysis.progress import phase, progress_bar
from hecon.analysis.psa import check_psa_size
from hecon.analysis.structural_expectation import AlternativeSpec, alternative_specs
from hecon.analysis.structure import STRUCTURE_NAMES, other_structure
from hecon.analysis.structure_average import structure_weights
from hecon.analysis.timings import PhaseTimings, Stopwatch
from hecon.engine.incremental import compiled
from hecon.engine.run import run_model
from hecon.model.distributions import discrete_alternatives
from hecon.model.problems import Element, ModelError, Problem, topic
from hecon.model.scenarios import BASE_CASE, get_scenario, scenario_spec
from hecon.model.spec import MAX_SEED, ModelSpec, Scenario

if TYPE_CHECKING:
    from hecon.analysis.burden_rates import BurdenRates
    from hecon.analysis.disease_burden import DiseaseBurden
    from hecon.analysis.dsa import DsaResult
    from hecon.analysis.threshold import ThresholdResult
    from hecon.analysis.treatment_free import TreatmentFreeSurvival
    from hecon.analysis.two_way import TwoWayQuery, TwoWayResult

__all__ = ["BASE_CASE", "RunResult", "ScenarioResult", "file_sha256", "run_analysis"]


@dataclass(frozen=True)
class ScenarioResult:
    """The deterministic results of one scenario.

    name     : scenario name; ``"base case"`` for the model as specified
    spec     : the model with the scenario's overrides applied
    results  : :func:`hecon.engine.run.run_model` output (one sample: the deterministic run);
               variables are documented in :mod:`hecon.engine.results`
    scenario : the Scenario that was applied (None for the base case)
    """

    name: str
    spec: ModelSpec
    results: xr.Dataset
    scenario: Scenario | None = None

    @property
    def strategies(self) -> list[str]:
        return [s.name for s in self.spec.strategies]

    @property
    def description(self) -> str:
        return self.scenario.description if self.scenario else ""


@dataclass(frozen=True)
class RunResult:
    """Everything one ``hecon run`` computed, with what is needed to reproduce it.

    spec           : the model as read (base case)
    scenarios      : per-scenario results, the base case first
    comparator     : strategy that every other strategy is compared with
    seed           : seed for probabilistic analyses (recorded even when none ran)
    input_path     : the input file as given by the user (None for a model built in Python)
    input_sha256   : SHA-256 of the input file's bytes [hex] (None without an input file)
    started        : when the run started [UTC]
    finished       : when the run finished [UTC]
    hecon_version  : version of hecon that computed the results
    burden         : disease burden and Dutch reference value (None: the model has no utility norms)
    thresholds     : threshold (price) analyses of ``spec.thresholds``, in order
    dsa            : one-way sensitivity analysis of the base case (None: not run)
    psa            : per-sample PSA outcomes and drawn inputs (:func:`hecon.analysis.psa.run_psa`;
                     None: not run)
    cross_check    : the base case run as the other structure, for a model that defines both
                     transitions and partitions (:mod:`hecon.analysis.structure`; None otherwise)
    cross_check_psa : the PSA of the other structure, with the same samples count and seed as
                     ``psa`` (None unless both ran)
    alternatives   : the deterministic run of each structural alternative (structure x discrete
                     parameters' alternatives; :mod:`hecon.analysis.structural_expectation`) with
                     its costs, QALYs and life-years per strategy; empty with one alternative
    qtwist_horizon_years : horizon of the Q-TWiST restricted means [years] (None: the model's
                     horizon; :mod:`hecon.analysis.qtwist`)
    subgroups      : deterministic results of each subgroup of ``spec.subgroups`` (overrides applied
                     to the base case as a scenario's are)
    two_way        : two-way threshold analyses (:mod:`hecon.analysis.two_way`), in the order asked
    burden_rates   : counts per life-year, per progression-free year and in the first months, terminal
                     care apart, and patient time (:mod:`hecon.analysis.burden_rates`; None: no counts)
    treatment_free : treatment-free survival of the base case (:mod:`hecon.analysis.treatment_free`;
                     None: the model declares no ``on_`` therapy flag)
    timings        : wall time of each phase so far [s] (:mod:`hecon.analysis.timings`; not a result:
                     it differs between runs)
    """

    spec: ModelSpec
    scenarios: tuple[ScenarioResult, ...]
    comparator: str
    seed: int
    input_path: Path | None = None
    input_sha256: str | None = None
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime = field(default_factory=lambda: datetime.now(UTC))
    hecon_version: str = ""
    burden: DiseaseBurden | None = None
    thresholds: tuple[ThresholdResult, ...] = ()
    dsa: DsaResult | None = None
    psa: xr.Dataset | None = None
    cross_check: ScenarioResult | None = None
    cross_check_psa: xr.Dataset | None = None
    alternatives: tuple[tuple[AlternativeSpec, dict[str, tuple[float, float, float]]], ...] = ()
    qtwist_horizon_years: float | None = None
    treatment_free: TreatmentFreeSurvival | None = None
    burden_rates: BurdenRates | None = None
    two_way: tuple[TwoWayResult, ...] = ()
    subgroups: tuple[ScenarioResult, ...] = ()
    timings: PhaseTimings = field(default_factory=lambda: PhaseTimings.of({}))

    @property
    def headline_wtp(self) -> tuple[float, str]:
        """The willingness to pay that headlines the uncertainty analyses (tornado order, PSA
        convergence) [currency per QALY] and where it comes from: the reference value of the
        disease burden when there is one, else the first of ``settings.wtp``."""
        return headline_wtp(self.spec, self.burden)

    @property
    def base(self) -> ScenarioResult:
        """The base case."""
        return self.scenarios[0]

    def scenario(self, name: str) -> ScenarioResult:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)


def headline_warning(spec: ModelSpec, burden: DiseaseBurden | None) -> str:
    """Why the headline willingness to pay is not a reference value derived from the disease
    burden, loud enough for the first screen of the report and the command line; "" when it is.

    The Dutch reference value (EUR 20,000, 50,000 or 80,000 per QALY) follows from the
    proportional QALY shortfall, which needs general-population utility norms for every age of
    the cohort; the norms bundled with hecon (hecon/data) cover only ages 65-69 and 85+ (Mangen
    et al. 2017), too few to derive it, so they are never filled in silently.
    """
    if burden is not None and burden.reference_value is not None:
        return ""
    wtp, source = headline_wtp(spec, burden)
    if burden is None:
        why = (
            "the UtilityNorms sheet is empty, so the disease burden (proportional QALY shortfall) and the "
            "reference value that follows from it were not derived"
        )
    else:
        why = f"the disease burden ({burden.burden_class}) gives no reference value"
    return (
        f"the headline willingness to pay ({spec.settings.currency} {wtp:,.0f} per QALY) is {source}, not a "
        f"reference value: {why}; a wrong severity class can change the decision (add general-population "
        "utility norms by age and sex to the UtilityNorms sheet)"
    )


def headline_wtp(spec: ModelSpec, burden: DiseaseBurden | None) -> tuple[float, str]:
    """See :attr:`RunResult.headline_wtp`."""
    if burden is not None and burden.reference_value is not None:
        return burden.reference_value, f"reference value of the disease burden ({burden.burden_class})"
    if spec.settings.wtp:
        return float(spec.settings.wtp[0]), "the first willingness-to-pay value of the settings"
    return 0.0, "no willingness-to-pay value in the settings"


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits (read only, in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _select_scenarios(spec: ModelSpec, scenarios: Sequence[str] | Literal["all"] | None) -> list[Scenario]:
    if scenarios is None:
        return []
    if isinstance(scenarios, str):
        if scenarios != "all":
            raise ModelError(
                Problem(
                    topic("scenarios"),
                    f"'{scenarios}' is not a list of scenario names",
                    "a list of names, 'all' or None",
                )
            )
        return list(spec.scenarios)
    chosen: list[Scenario] = []
    problems: list[Problem] = []
    for name in dict.fromkeys(scenarios):  # each once, in the order given
        if name == BASE_CASE:
            continue  # always run
        try:
            chosen.append(get_scenario(spec, name))
        except ModelError as e:
            problems.extend(e.problems)
    if problems:
        raise ModelError(problems)
    return chosen


def run_analysis(
    spec: ModelSpec,
    scenarios: Sequence[str] | Literal["all"] | None = None,
    seed: int | None = None,
    *,
    comparator: str | None = None,
    input_path: str | Path | None = None,
    input_sha256: str | None = None,
    dsa: bool = False,
    psa_samples: int | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool | None = None,
    qtwist_horizon_years: float | None = None,
    two_way: Sequence[TwoWayQuery] = (),
    stopwatch: Stopwatch | None = None,
) -> RunResult:
    """Run the base case and the chosen scenarios of ``spec`` deterministically, then the
    decision analyses: disease burden (when the model has utility norms), threshold analyses
    (``spec.thresholds``), and on request one-way (DSA) and probabilistic (PSA) sensitivity
    analysis of the base case.

    spec         : the model
    scenarios    : names of scenarios to run besides the base case, ``"all"`` for every
                   scenario of the model, or None for the base case only
    seed         : seed for probabilistic analyses; default ``spec.settings.seed``
    comparator   : strategy the others are compared with; default ``settings.comparator``,
                   else the first decision option (role option)
    input_path   : the file the model was read from, recorded in the report
    input_sha256 : its SHA-256; computed from ``input_path`` when not given
    dsa          : run the one-way sensitivity analysis (:mod:`hecon.analysis.dsa`)
    psa_samples  : run a PSA with this many samples (:mod:`hecon.analysis.psa`); None: no PSA
    chunk_size   : PSA samples per chunk (memory bound; never changes results)
    workers      : run the PSA on a local Dask cluster of this many processes
    scheduler    : run the PSA on the dask.distributed scheduler at this address
    client       : run the PSA with this ``distributed.Client``
    progress     : progress bars for PSA and DSA (default: when stderr is a terminal)
    two_way      : two-way threshold analyses to run at each of ``settings.wtp``
                   (:mod:`hecon.analysis.two_way`)
    qtwist_horizon_years : horizon of the Q-TWiST restricted means [years],
                   above 0 and at most the model's horizon; None: the model's horizon
    stopwatch    : records the wall time of each phase (``RunResult.timings``); default: a new one

    Raises :class:`~hecon.model.problems.ModelError` listing every unknown scenario or comparator
    before anything runs, and the model's problems if a scenario cannot run.

    Example: ``run_analysis(textbook_model(), "all", comparator="SoC").base.results``.
    """
    started = datetime.now(UTC)
    from hecon.version import __version__

    sw = stopwatch if stopwatch is not None else Stopwatch()

    problems: list[Problem] = []
    strategies = [s.name for s in spec.strategies]
    if comparator is None:
        comparator = spec.settings.comparator or (spec.options[0] if spec.options else "")
        if comparator not in strategies and spec.options:
            problems.append(
                Problem(
                    Element("setting", "comparator"),
                    f"unknown strategy '{comparator}'",
                    "one of " + ", ".join(strategies),
                )
            )
    elif comparator not in strategies:
        problems.append(
            Problem(topic(f"comparator '{comparator}'"), "no strategy of that name", "one of " + ", ".join(strategies))
        )
    if spec.strategies and not spec.options:
        problems.append(
            Problem(
                Element("strategy", spec.strategies[0].name, part="role"),
                "no strategy is a decision option: every strategy is a reference",
                "role = option (or blank) for at least one strategy",
            )
        )
    if comparator in spec.references:
        where = Element("setting", "comparator") if comparator == spec.settings.comparator else topic("comparator")
        problems.append(
            Problem(
                where,
                f"'{comparator}' is a reference strategy (outside the decision)",
                "a decision option: one of " + ", ".join(spec.options),
            )
        )
    queries: list[tuple[Element, str, str | None]] = [
        (Element("threshold", q.parameter), q.strategy, q.comparator) for q in spec.thresholds
    ]
    queries += [(topic(f"two-way threshold {q.x} x {q.y}"), q.strategy, q.comparator) for q in two_way]
    for where, *named in queries:
        for name in named:
            if name is not None and name in spec.references:
                problems.append(
                    Problem(
                        where,
                        f"'{name}' is a reference strategy (outside the decision)",
                        "decision options: one of " + ", ".join(spec.options),
                    )
                )
    try:
        chosen = _select_scenarios(spec, scenarios)
    except ModelError as e:
        problems.extend(e.problems)
        chosen = []
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        problems.append(Problem(topic("seed"), f"{seed!r} is not a non-negative integer", "an integer >= 0"))
    elif seed is not None and seed > MAX_SEED:
        problems.append(Problem(topic("seed"), f"{seed} is more than 64 bits", f"an integer from 0 to {MAX_SEED}"))
    if dsa and not any(p.dsa for p in spec.parameters):
        problems.append(
            Problem(
                topic("DSA"),
                "no parameter is flagged for one-way sensitivity analysis",
                "dsa = yes on the Parameters sheet for the parameters to vary",
            )
        )
    if psa_samples is not None and (
        isinstance(psa_samples, bool) or not isinstance(psa_samples, int) or psa_samples < 1
    ):
        problems.append(Problem(topic("PSA"), f"{psa_samples!r} samples", "a whole number of samples >= 1"))
    elif psa_samples is not None:
        try:
            check_psa_size(spec, psa_samples)
        except ModelError as e:
            problems.extend(e.problems)
    horizon = spec.settings.n_cycles * spec.settings.cycle_length_years
    if qtwist_horizon_years is not None and not 0 < qtwist_horizon_years <= horizon + 1e-9:
        problems.append(
            Problem(
                topic("Q-TWiST horizon"),
                f"{qtwist_horizon_years!r} years",
                f"a number of years above 0 and at most the model's horizon ({horizon:g} years)",
            )
        )
    if problems:
        raise ModelError(problems)

    # apply every scenario first, so that all bad overrides are reported before any run
    specs: list[tuple[str, ModelSpec, Scenario | None]] = [(BASE_CASE, spec, None)]
    for scenario in chosen:
        try:
            specs.append((scenario.name, scenario_spec(spec, scenario), scenario))
        except ModelError as e:
            problems.extend(e.problems)
    if problems:
        raise ModelError(problems)

    # subgroups use the scenario machinery: named overrides of the base case
    subgroup_specs: list[tuple[str, ModelSpec, Scenario]] = []
    for subgroup in spec.subgroups:
        try:
            subgroup_specs.append((subgroup.name, scenario_spec(spec, subgroup), subgroup))
        except ModelError as e:
            problems.extend(
                Problem(Element("topic", f"subgroup '{subgroup.name}'", detail=str(p.where)), p.what, p.expected)
                for p in e.problems
            )
    if problems:
        raise ModelError(problems)

    results = []
    with progress_bar("Base case and scenarios", len(specs), progress) as advance:
        for name, s, sc in specs:
            try:
                with sw.phase("compile"):
                    model = compiled(s)
                with sw.phase("base case" if sc is None else "scenarios"):
                    results.append(ScenarioResult(name, s, run_model(model), sc))
            except ModelError as e:
                if sc is None:
                    raise
                raise ModelError(
                    [Problem(Element("scenario", name, detail=str(p.where)), p.what, p.expected) for p in e.problems]
                ) from None
            advance(1)

    subgroups = []
    with progress_bar("Subgroups", len(subgroup_specs), progress if subgroup_specs else False) as advance:
        for name, s, sc in subgroup_specs:
            try:
                with sw.phase("subgroups"):
                    subgroups.append(ScenarioResult(name, s, run_model(compiled(s)), sc))
            except ModelError as e:
                raise ModelError(
                    [
                        Problem(Element("topic", f"subgroup '{name}'", detail=str(p.where)), p.what, p.expected)
                        for p in e.problems
                    ]
                ) from None
            advance(1)

    other = other_structure(spec)
    cross_check = None
    if other is not None:
        name = f"{STRUCTURE_NAMES[other.settings.structure]} (structural cross-check)"
        try:
            with sw.phase("structural cross-check"), phase("Structural cross-check", progress):
                cross_check = ScenarioResult(name, other, run_model(compiled(other)))
        except ModelError as e:
            raise ModelError(
                [Problem(Element("scenario", name, detail=str(p.where)), p.what, p.expected) for p in e.problems]
            ) from None

    alternatives: tuple[tuple[AlternativeSpec, dict[str, tuple[float, float, float]]], ...] = ()
    if cross_check is not None or discrete_alternatives(spec.parameters):  # a phase only when there are any
        with sw.phase("structural alternatives"):
            alternatives = structural_alternative_runs(spec, cross_check.spec if cross_check is not None else None)

    cross_check_psa = None
    if cross_check is not None and psa_samples is not None:
        from hecon.analysis.psa import DEFAULT_CHUNK_SIZE, run_psa

        with sw.phase(psa_phase(cross_check.spec, cross_check=True)):
            cross_check_psa = run_psa(
                cross_check.spec,
                psa_samples,
                spec.settings.seed if seed is None else seed,
                chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
                workers=workers,
                scheduler=scheduler,
                client=client,
                progress=progress,
                label=psa_phase(cross_check.spec, cross_check=True),
            )

    analyses = _decision_analyses(
        spec,
        results[0],
        comparator,
        seed=spec.settings.seed if seed is None else seed,
        dsa=dsa,
        psa_samples=psa_samples,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        client=client,
        progress=progress,
        stopwatch=sw,
        psa_label=psa_phase(spec) if cross_check is not None else "PSA",
    )

    from hecon.analysis.burden_rates import burden_rates

    with sw.phase("treatment-free survival and burden rates"), phase("Treatment-free time and burden rates", progress):
        analyses["treatment_free"] = _treatment_free(results[0])
        analyses["burden_rates"] = burden_rates(results[0].results, spec)
    if two_way:
        from hecon.analysis.two_way import two_way_threshold

        wtps = [float(w) for w in spec.settings.wtp]
        found, problems = [], []
        with progress_bar("Two-way threshold analyses", len(two_way), progress) as advance:
            for query in two_way:
                try:
                    with sw.phase("two-way thresholds"):
                        found.append(two_way_threshold(spec, query, wtps, comparator))
                except ModelError as e:
                    problems.extend(e.problems)
                advance(1)
        if problems:
            raise ModelError(problems)
        analyses["two_way"] = tuple(found)

    if input_path is not None and input_sha256 is None:
        input_sha256 = file_sha256(input_path)
    return RunResult(
        **analyses,
        spec=spec,
        scenarios=tuple(results),
        subgroups=tuple(subgroups),
        cross_check=cross_check,
        cross_check_psa=cross_check_psa,
        alternatives=alternatives,
        comparator=comparator,
        seed=spec.settings.seed if seed is None else seed,
        input_path=Path(input_path) if input_path is not None else None,
        input_sha256=input_sha256,
        started=started,
        finished=datetime.now(UTC),
        hecon_version=__version__,
        qtwist_horizon_years=qtwist_horizon_years,
        timings=sw.timings(),
    )


def structural_alternative_runs(
    spec: ModelSpec, other: ModelSpec | None
) -> tuple[tuple[AlternativeSpec, dict[str, tuple[float, float, float]]], ...]:
    """The deterministic run of each structural alternative of ``spec`` and, when given, of
    ``other`` (the other structure's spec, :func:`hecon.analysis.structure.other_structure`),
    with the structure weights of the settings: per strategy the discounted costs [currency],
    QALYs and life-years (empty with one alternative)."""
    structures = {spec.settings.structure: (spec, 1.0)}
    if other is not None:
        weights = structure_weights(spec.settings)
        structures = {
            spec.settings.structure: (spec, weights[spec.settings.structure]),
            other.settings.structure: (other, weights[other.settings.structure]),
        }
    out = []
    for alt in alternative_specs(structures):
        ds = run_model(compiled(alt.spec)).isel(sample=0)
        totals: dict[str, tuple[float, float, float]] = {}
        for s in ds["strategy"].values:
            one = ds.sel(strategy=s)
            totals[str(s)] = (float(one["total_costs"]), float(one["qalys"]), float(one["lys"]))
        out.append((alt, totals))
    return tuple(out)


def _treatment_free(base: ScenarioResult) -> TreatmentFreeSurvival | None:
    """Treatment-free survival of the base case, with the first-passage run of each therapy flag."""
    from hecon.analysis.treatment_free import first_treatment_free_spec, treatment_flags, treatment_free_survival

    first = {}
    for flag in treatment_flags(base.spec):
        absorbing = first_treatment_free_spec(base.spec, flag)
        if absorbing is not None:
            first[flag] = run_model(compiled(absorbing))["trace"]
    return treatment_free_survival(base.results["trace"], base.spec, first)


def psa_phase(spec: ModelSpec, cross_check: bool = False) -> str:
    """The name of the PSA of ``spec``, one of a model's two structures, in its progress line and in
    summary.json's timings: ``PSA of the base case: state transition (Markov) version``, or for the
    other structure's ``PSA of the structural cross-check: partitioned survival version``, so that the
    two PSAs of a model with both structures are never both called "PSA"."""
    which = "structural cross-check" if cross_check else "base case"
    return f"PSA of the {which}: {STRUCTURE_NAMES[spec.settings.structure]} version"


def _decision_analyses(
    spec: ModelSpec,
    base: ScenarioResult,
    comparator: str,
    *,
    seed: int,
    dsa: bool,
    psa_samples: int | None,
    chunk_size: int | None,
    workers: int | None,
    scheduler: str | None,
    client: Any,
    progress: bool | None,
    stopwatch: Stopwatch,
    psa_label: str = "PSA",
) -> dict[str, Any]:
    """Disease burden, thresholds, DSA and PSA of the base case (each in its own module); the PSA's
    progress bar and phase are named ``psa_label`` (:func:`psa_phase`)."""
    from hecon.analysis.disease_burden import disease_burden

    out: dict[str, Any] = {}
    with stopwatch.phase("disease burden"), phase("Disease burden", progress):
        burden = disease_burden(spec, base.results, comparator) if spec.utility_norms else None
    out["burden"] = burden
    wtp, wtp_source = headline_wtp(spec, burden)
    if spec.thresholds:
        from hecon.analysis.threshold import find_threshold

        reference = burden.reference_value if burden is not None else None
        problems: list[Problem] = []
        found = []
        with progress_bar("Threshold analyses", len(spec.thresholds), progress) as advance:
            for query in spec.thresholds:
                try:
                    with stopwatch.phase("thresholds"):
                        found.append(
                            find_threshold(
                                spec,
                                query,
                                reference,
                                comparator=comparator,
                                wtp_source=(
                                    f"reference value of the disease burden ({burden.burden_class})" if burden else ""
                                ),
                            )
                        )
                except ModelError as e:
                    problems.extend(e.problems)
                advance(1)
        if problems:
            raise ModelError(problems)
        out["thresholds"] = tuple(found)
    if dsa:
        from hecon.analysis.dsa import run_dsa

        wtps = tuple(dict.fromkeys(tuple(float(w) for w in spec.settings.wtp) + (wtp,)))
        with stopwatch.phase("DSA"):
            out["dsa"] = run_dsa(spec, comparator, wtps, wtp, tornado_wtp_source=wtp_source, progress=progress)
    if psa_samples is not None:
        from hecon.analysis.psa import DEFAULT_CHUNK_SIZE, run_psa

        with stopwatch.phase(psa_label):
            out["psa"] = run_psa(
                spec,
                psa_samples,
                seed,
                chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
                workers=workers,
                scheduler=scheduler,
                client=client,
                progress=progress,
                label=psa_label,
            )
    return out
