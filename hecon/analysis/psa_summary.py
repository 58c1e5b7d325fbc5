"""The probabilistic sensitivity analysis as reported (summary.json ``psa``): intervals,
increments versus the comparator, CE-plane quadrants, CEAC, CEAF, EVPI, convergence and the
results by alternative of discrete parameters (:mod:`hecon.analysis.psa_structural`), from
the per-sample outcomes of :func:`hecon.analysis.psa.run_psa`.

Costs, net monetary benefit (NMB) and EVPI are in the model's currency per patient (population
EVPI: for the whole population), QALYs and life-years per patient, willingness to pay (WTP)
and ICERs in currency per QALY; probabilities and shares in [0, 1]. Everything is discounted
unless the name says ``_undiscounted``. Summaries are computed from the samples in sample
order, so they are as reproducible as the samples.

References
----------
CEAC/CEAF: Fenwick E, Claxton K, Sculpher M. Representing uncertainty: the role of
    cost-effectiveness acceptability curves. Health Econ 2001;10:779-787.
EVPI: Briggs A, Claxton K, Sculpher M. Decision Modelling for Health Economic Evaluation.
    Oxford University Press; 2006, chapter 7.
Convergence: Hatswell AJ, Bullement A, Briggs A, Paulden M, Stevenson MD. Probabilistic
    sensitivity analysis in cost-effectiveness models: determining model convergence in
    cohort models. PharmacoEconomics 2018;36(12):1421-1426.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hecon.analysis.convergence import monte_carlo_se, running_mean, running_monte_carlo_se
from hecon.analysis.evppi import MINIMUM_SAMPLES as EVPPI_MINIMUM_SAMPLES
from hecon.analysis.evppi import EvppiInput, EvppiSummary, summarise_evppi
from hecon.analysis.incremental import IncrementalRow, describe_icer, incremental_analysis
from hecon.analysis.net_benefit import ceac, ceaf
from hecon.analysis.psa import ZIN_MINIMUM_SAMPLES
from hecon.analysis.psa_structural import StructuralAlternatives, structural_alternatives
from hecon.analysis.serialise import NOT_IN_JSON, OMIT_IF_EMPTY, frozen
from hecon.analysis.timings import Stopwatch, phase
from hecon.analysis.voi import discounted_population, evpi
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.types import FloatArray

__all__ = [
    "PSA_FILE",
    "SUMMARISED",
    "Interval",
    "PsaAtWtp",
    "PsaConvergence",
    "PsaCurves",
    "PsaIncrement",
    "PsaPopulation",
    "PsaStrategy",
    "PsaSummary",
    "StrategyConvergence",
    "WtpProbability",
    "summarise_psa",
    "wtp_grid",
]

PSA_FILE = "psa.nc"
"""The file of the report folder with every PSA sample, outcome and drawn input (netCDF)."""
SUMMARISED = (
    "total_costs",
    "total_costs_undiscounted",
    "qalys",
    "qalys_undiscounted",
    "lys",
    "lys_undiscounted",
    "parameters",
)
"""The per-sample variables of a PSA dataset that :func:`summarise_psa` reads (with its coordinates
and attributes)."""


@dataclass(frozen=True)
class Interval:
    """Mean, standard deviation (ddof=1; 0 for one sample) and 95% interval (2.5% and 97.5%
    percentiles) of an outcome over the samples [its unit]."""

    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class PsaStrategy:
    """One strategy's outcomes over the samples: costs [currency], QALYs, life-years."""

    costs: Interval
    costs_undiscounted: Interval
    qalys: Interval
    qalys_undiscounted: Interval
    lys: Interval
    lys_undiscounted: Interval


@dataclass(frozen=True)
class WtpProbability:
    """The probability [0-1] of being cost-effective versus the comparator at one WTP."""

    wtp: float
    probability: float


@dataclass(frozen=True)
class PsaIncrement:
    """A strategy versus the comparator over the samples.

    incremental_cost, incremental_qalys, incremental_lys : intervals of the increments
    icer        : ICER of the means [currency per QALY; None when the mean ΔQALY is 0]
    description : the means' increment in words
    quadrants   : share of samples in each quadrant of the cost-effectiveness plane
    probability_cost_effective : share of samples with INMB > 0 at each WTP
    d_cost, d_qalys : the increments of every sample, in sample order (the CE plane)
    """

    strategy: str
    comparator: str
    incremental_cost: Interval
    incremental_qalys: Interval
    incremental_lys: Interval
    icer: float | None
    description: str
    quadrants: Mapping[str, float]
    probability_cost_effective: tuple[WtpProbability, ...]
    d_cost: FloatArray = field(metadata=NOT_IN_JSON)
    d_qalys: FloatArray = field(metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class PsaAtWtp:
    """The decision at one WTP.

    expected_nmb, expected_nhb : of each strategy, from the means (NHB None at WTP 0)
    ceac       : probability that each strategy has the highest NMB
    optimal    : the strategy with the highest expected NMB; probability_optimal_cost_effective
                 its CEAC value (the CEAF)
    evpi_per_patient, evpi_population : expected value of perfect information [currency]
                 (population: None without ``population_size``)
    """

    wtp: float
    expected_nmb: Mapping[str, float]
    expected_nhb: Mapping[str, float] | None
    ceac: Mapping[str, float]
    optimal: str
    probability_optimal_cost_effective: float
    evpi_per_patient: float
    evpi_population: float | None


@dataclass(frozen=True)
class PsaPopulation:
    """The population the decision affects: patients per year (None: no population EVPI),
    years, annual discount rate, and the discounted number of patients."""

    patients_per_year: float | None
    years: float
    discount_rate: float
    discounted_patients: float | None


@dataclass(frozen=True)
class PsaCurves:
    """CEAC, CEAF and EVPI over the grid ``wtp`` (:func:`wtp_grid`), one value per grid point."""

    wtp: tuple[float, ...]
    ceac: Mapping[str, tuple[float, ...]]
    ceaf_optimal: tuple[str, ...]
    ceaf_probability: tuple[float, ...]
    evpi_per_patient: tuple[float, ...]
    evpi_population: tuple[float, ...] | None


@dataclass(frozen=True)
class StrategyConvergence:
    """Convergence of one strategy's incremental NMB versus the comparator.

    mean_incremental_nmb : over all samples [currency]; monte_carlo_se : its standard error
    stable_within_1pct_from_sample, stable_within_5pct_from_sample : the sample count after
        which the running mean stays within 1% (5%) of its final value (None when it is 0)
    running_mean : (n, running mean after n samples) at 20 checkpoints
    running, running_se : the running mean and its Monte Carlo SE after every sample
    """

    mean_incremental_nmb: float
    monte_carlo_se: float | None
    stable_within_1pct_from_sample: int | None
    stable_within_5pct_from_sample: int | None
    running_mean: tuple[tuple[int, float], ...]
    running: FloatArray = field(metadata=NOT_IN_JSON)
    running_se: FloatArray = field(metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class PsaConvergence:
    """Convergence of the incremental NMB at ``wtp`` versus ``comparator``, per strategy."""

    wtp: float
    comparator: str
    strategies: Mapping[str, StrategyConvergence]


@dataclass(frozen=True)
class PsaSummary:
    """The PSA (summary.json ``psa``).

    n_samples, seed, comparator; meets_zin_minimum : n_samples >= :data:`hecon.analysis.psa.ZIN_MINIMUM_SAMPLES`;
    sampled_parameters : the parameters drawn; strategies : per strategy; incremental : per
    strategy other than the comparator; frontier : incremental analysis of the means; at_wtp :
    at each reported WTP; population; curves; convergence;
    headline_wtp_source : where the headline WTP (of the convergence check) comes from;
    structural : results by alternative of each discrete parameter at the headline WTP
    (:mod:`hecon.analysis.psa_structural`; absent without discrete parameters);
    evppi : expected value of partial perfect information of each parameter and joint group
    (:mod:`hecon.analysis.evppi`; absent with fewer than
    :data:`hecon.analysis.evppi.MINIMUM_SAMPLES` samples or one strategy);
    samples_file : the report folder's file with every sample (:data:`PSA_FILE`);
    samples : the per-sample outcomes and drawn inputs (:func:`hecon.analysis.psa.run_psa`);
    references : the reference strategies: in ``strategies`` and ``incremental``, outside the
    frontier, the CEAC/CEAF, EVPI/EVPPI and the probabilities of being cost-effective
    """

    n_samples: int
    seed: int | None
    comparator: str
    meets_zin_minimum: bool
    sampled_parameters: tuple[str, ...]
    strategies: Mapping[str, PsaStrategy]
    incremental: tuple[PsaIncrement, ...]
    frontier: tuple[IncrementalRow, ...]
    at_wtp: tuple[PsaAtWtp, ...]
    population: PsaPopulation
    curves: PsaCurves
    convergence: PsaConvergence
    headline_wtp_source: str = ""
    structural: tuple[StructuralAlternatives, ...] = field(default=(), metadata=OMIT_IF_EMPTY)
    evppi: EvppiSummary | None = field(default=None, metadata=OMIT_IF_EMPTY)
    samples_file: str = PSA_FILE
    samples: xr.Dataset | None = field(default=None, metadata=NOT_IN_JSON)
    references: tuple[str, ...] = field(default=(), metadata=OMIT_IF_EMPTY)

    def at(self, wtp: float) -> PsaAtWtp | None:
        """The decision at ``wtp`` (None when it is not among the reported values)."""
        return next((a for a in self.at_wtp if a.wtp == wtp), None)


def wtp_grid(wtp: Sequence[float], points: int = 51) -> FloatArray:
    """Willingness-to-pay grid for CEAC, CEAF and EVPI [currency per QALY]: ``points`` values
    from 0 to twice the largest of ``wtp`` (100,000 without any), plus the ``wtp`` values."""
    top = 2.0 * max(wtp) if len(wtp) and max(wtp) > 0 else 100_000.0
    return np.unique(np.concatenate([np.linspace(0.0, top, points), np.asarray(wtp, dtype=float)]))


def _interval(x: FloatArray) -> Interval:
    """Mean, standard deviation and 95% interval (2.5% and 97.5% percentiles)."""
    low, high = np.quantile(x, [0.025, 0.975])
    return Interval(float(np.mean(x)), float(np.std(x, ddof=1)) if x.size > 1 else 0.0, float(low), float(high))


def _stable_from(running: FloatArray, tolerance: float) -> int | None:
    """First sample count n after which the running mean stays within ``tolerance`` x |final
    mean| of the final mean (None when the final mean is 0)."""
    final = running[-1]
    if final == 0 or not np.isfinite(final):
        return None
    off = np.abs(running - final) > tolerance * abs(final)
    outside = np.flatnonzero(off)
    return 1 if outside.size == 0 else int(outside[-1]) + 2


def _checkpoints(n: int, count: int = 20) -> list[int]:
    return sorted({max(1, int(round(n * k / count))) for k in range(1, count + 1)})


def _per_strategy(ds: xr.Dataset, s: str) -> PsaStrategy:
    def one(name: str) -> Interval:
        return _interval(ds[name].sel(strategy=s).values)

    return PsaStrategy(
        one("total_costs"),
        one("total_costs_undiscounted"),
        one("qalys"),
        one("qalys_undiscounted"),
        one("lys"),
        one("lys_undiscounted"),
    )


def _increment(
    s: str,
    comparator: str,
    d_cost: FloatArray,
    d_qaly: FloatArray,
    d_ly: FloatArray,
    wtp: Sequence[float],
    currency: str,
) -> PsaIncrement:
    mean_c, mean_e = float(d_cost.mean()), float(d_qaly.mean())
    quadrants = {
        "north-east (more costly, more effective)": float(np.mean((d_qaly > 0) & (d_cost > 0))),
        "south-east (less costly, more effective)": float(np.mean((d_qaly > 0) & (d_cost <= 0))),
        "north-west (more costly, less effective)": float(np.mean((d_qaly <= 0) & (d_cost > 0))),
        "south-west (less costly, less effective)": float(np.mean((d_qaly <= 0) & (d_cost <= 0))),
    }
    return PsaIncrement(
        s,
        comparator,
        _interval(d_cost),
        _interval(d_qaly),
        _interval(d_ly),
        mean_c / mean_e if mean_e != 0 else None,
        describe_icer(mean_c, mean_e, currency),
        frozen(quadrants),
        tuple(WtpProbability(w, float(np.mean(w * d_qaly - d_cost > 0))) for w in wtp),
        d_cost,
        d_qaly,
    )


def _drawn_columns(ds: xr.Dataset, used: Sequence[str], piece: int = 8192) -> dict[str, FloatArray]:
    """The drawn values of the parameters ``used`` (n_samples,) each, read ``piece`` samples at a
    time into one (parameter, sample) array: neither the whole ``parameters`` variable nor a copy
    of the columns used is held beside it (a file-backed dataset reads only the pieces)."""
    n = ds.sizes["sample"]
    columns = ds["parameters"].sel(parameter=list(used))
    out = np.empty((len(used), n))
    for start in range(0, n, piece):
        out[:, start : start + piece] = (
            columns.isel(sample=slice(start, start + piece)).transpose("parameter", "sample").values
        )
    return {p: out[k] for k, p in enumerate(used)}


def _convergence(inmb: FloatArray, points: Sequence[int]) -> StrategyConvergence:
    running = running_mean(inmb)
    return StrategyConvergence(
        float(running[-1]),
        float(monte_carlo_se(inmb)) if inmb.size > 1 else None,
        _stable_from(running, 0.01),
        _stable_from(running, 0.05),
        tuple((m, float(running[m - 1])) for m in points),
        running,
        running_monte_carlo_se(inmb),
    )


def summarise_psa(
    ds: xr.Dataset,
    comparator: str,
    wtp: Sequence[float],
    primary_wtp: float,
    *,
    population_size: float | None = None,
    population_years: float = 10.0,
    population_discount_rate: float = 0.0,
    currency: str = "EUR",
    primary_wtp_source: str = "",
    evppi_inputs: Sequence[EvppiInput] = (),
    stopwatch: Stopwatch | None = None,
    options: Sequence[str] | None = None,
) -> PsaSummary:
    """The numbers a PSA is reported with (see :class:`PsaSummary`).

    Parameters
    ----------
    ds                       : :func:`hecon.analysis.psa.run_psa` output
    comparator               : strategy the others are compared with
    wtp                      : willingness-to-pay values to report [currency per QALY]
    primary_wtp              : the one used for the convergence check and the results by
                               alternative of discrete parameters [currency per QALY]
    population_size          : patients per year affected by the decision (None: no population EVPI)
    population_years         : years the decision affects patients [whole years >= 1]
    population_discount_rate : annual rate for discounting future patients' EVPI
    currency                 : for the ICERs in words
    primary_wtp_source       : where ``primary_wtp`` comes from, in words
    evppi_inputs             : parameters and groups whose EVPPI is estimated at ``wtp``
                               (:func:`hecon.analysis.evppi.evppi_inputs`), ranked at ``primary_wtp``
                               (estimated only when ``primary_wtp`` is one of ``wtp``)
    stopwatch                : records the EVPPI's wall time as the phase "VOI/EVPPI"
    options                  : the strategies of the decision (default: all); the frontier,
                               CEAC, CEAF, EVPI, EVPPI and the probabilities of being
                               cost-effective are among them only; every strategy has its
                               intervals and its increments versus ``comparator``

    Raises :class:`~hecon.model.problems.ModelError` when ``comparator`` is not a strategy or
    not one of ``options``.
    """
    every = [str(s) for s in ds["strategy"].values]
    if comparator not in every:
        raise ModelError(
            Problem(topic(f"comparator '{comparator}'"), "no strategy of that name", "one of " + ", ".join(every))
        )
    strategies = [s for s in every if options is None or s in options]
    if comparator not in strategies:
        raise ModelError(
            Problem(topic(f"comparator '{comparator}'"), "is a reference strategy", "one of " + ", ".join(strategies))
        )
    n = ds.sizes["sample"]
    all_costs = ds["total_costs"].transpose("sample", "strategy").values
    all_qalys = ds["qalys"].transpose("sample", "strategy").values
    lys = ds["lys"].transpose("sample", "strategy").values
    wtp_values = [float(w) for w in wtp]
    j_all = every.index(comparator)
    incremental = tuple(
        _increment(
            every[k],
            comparator,
            all_costs[:, k] - all_costs[:, j_all],
            all_qalys[:, k] - all_qalys[:, j_all],
            lys[:, k] - lys[:, j_all],
            wtp_values,
            currency,
        )
        for k in range(len(every))
        if k != j_all
    )
    # the decision: among the options only
    chosen = [every.index(s) for s in strategies]
    costs, qalys = all_costs[:, chosen], all_qalys[:, chosen]
    j = strategies.index(comparator)
    others = [k for k in range(len(strategies)) if k != j]
    means_c, means_e = costs.mean(axis=0), qalys.mean(axis=0)
    frontier = tuple(incremental_analysis(strategies, means_c, means_e))

    grid = wtp_grid(wtp_values)
    curve = ceac(costs, qalys, grid)
    front = ceaf(costs, qalys, grid, strategies)
    evpi_grid = evpi(costs, qalys, grid)
    discounted_pop = None
    if population_size is not None:
        discounted_pop = discounted_population(
            float(population_size), int(round(population_years)), float(population_discount_rate)
        )
    at_wtp = []
    for w in wtp_values:
        g = int(np.flatnonzero(grid == w)[0])
        nmb = w * means_e - means_c
        at_wtp.append(
            PsaAtWtp(
                wtp=w,
                expected_nmb=frozen({s: float(nmb[k]) for k, s in enumerate(strategies)}),
                expected_nhb=(
                    frozen({s: float(means_e[k] - means_c[k] / w) for k, s in enumerate(strategies)}) if w > 0 else None
                ),
                ceac=frozen({s: float(curve[g, k]) for k, s in enumerate(strategies)}),
                optimal=str(front.optimal[g]),
                probability_optimal_cost_effective=float(front.probability[g]),
                evpi_per_patient=float(evpi_grid[g]),
                evpi_population=float(evpi_grid[g] * discounted_pop) if discounted_pop is not None else None,
            )
        )

    points = _checkpoints(n)
    convergence = PsaConvergence(
        float(primary_wtp),
        comparator,
        frozen(
            {
                strategies[k]: _convergence(
                    primary_wtp * (qalys[:, k] - qalys[:, j]) - (costs[:, k] - costs[:, j]), points
                )
                for k in others
            }
        ),
    )
    curves = PsaCurves(
        wtp=tuple(float(w) for w in grid),
        ceac=frozen({s: tuple(float(v) for v in curve[:, k]) for k, s in enumerate(strategies)}),
        ceaf_optimal=tuple(str(o) for o in front.optimal),
        ceaf_probability=tuple(float(p) for p in front.probability),
        evpi_per_patient=tuple(float(v) for v in evpi_grid),
        evpi_population=(tuple(float(v * discounted_pop) for v in evpi_grid) if discounted_pop is not None else None),
    )
    evppi_summary = None
    if evppi_inputs and n >= EVPPI_MINIMUM_SAMPLES and len(strategies) > 1 and float(primary_wtp) in wtp_values:
        sampled = {str(p) for p in ds["parameter"].values}
        used = [p for p in dict.fromkeys(p for item in evppi_inputs for p in item.parameters) if p in sampled]
        drawn = _drawn_columns(ds, used)
        with phase(stopwatch, "VOI/EVPPI"):
            evppi_summary = summarise_evppi(
                evppi_inputs,
                drawn,
                costs,
                qalys,
                j,
                strategies,
                grid,
                evpi_grid,
                wtp_values,
                float(primary_wtp),
                discounted_pop,
                seed=int(ds.attrs.get("seed") or 0),
            )
    return PsaSummary(
        n_samples=int(n),
        seed=ds.attrs.get("seed"),
        comparator=comparator,
        meets_zin_minimum=bool(n >= ZIN_MINIMUM_SAMPLES),
        sampled_parameters=tuple(str(p) for p in ds["parameter"].values) if "parameter" in ds.coords else (),
        strategies=frozen({s: _per_strategy(ds, s) for s in every}),
        incremental=incremental,
        frontier=frontier,
        at_wtp=tuple(at_wtp),
        population=PsaPopulation(population_size, population_years, population_discount_rate, discounted_pop),
        curves=curves,
        convergence=convergence,
        headline_wtp_source=primary_wtp_source,
        structural=structural_alternatives(ds, comparator, float(primary_wtp), currency, strategies),
        evppi=evppi_summary,
        samples=ds,
        references=tuple(s for s in every if s not in strategies),
    )
