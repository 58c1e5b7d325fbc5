"""Expected value of partial perfect information (EVPPI) by nonparametric regression
(summary.json ``psa.evppi``).

Method (Strong M, Oakley JE, Brennan A. Estimating multiparameter partial expected value of
perfect information from a probabilistic sensitivity analysis sample: a nonparametric
regression approach. Med Decis Making 2014;34:311-326): the incremental net benefit of each
strategy d versus the comparator in every PSA sample, INB_d = w x dQALY_d - dCost_d, is
regressed on the sampled values of the parameter(s) of interest phi; the fitted values g_d(phi)
estimate E[INB_d | phi], and

    EVPPI(phi) = mean_i max(0, max_d g_d(phi_i)) - max(0, max_d mean_i g_d(phi_i))

(the comparator's INB is 0). The regression is a generalised additive model
(:mod:`hecon.analysis.smoother`): a penalised regression spline ``s`` of one continuous
parameter, a factor ``f`` of a discrete (structural) parameter, a tensor-product spline ``te``
of a group of up to :data:`MAX_GROUP_SIZE` parameters (e.g. the correlated coefficients of one
survival curve, an ``mvnormal`` or ``empirical`` group), as in Strong et al. section 3 (mgcv's ``s`` and ``te``).

Across willingness to pay: the smoothing parameter of each strategy's regression is chosen
once, by restricted maximum likelihood (REML, mgcv's recommended criterion; Wood 2011) for
the INB at the headline WTP; with it fixed the fit is a linear smoother, so the fitted INB at
any w is w x (fit of dQALY) - (fit of dCost) exactly, and one fit of costs and one of QALYs
give the EVPPI over the whole WTP grid (as in BCEA's ``evppi``: Baio G, Berardi A, Heath A.
Bayesian Cost-Effectiveness Analysis with the R package BCEA. Springer 2017, chapter 4). The
basis depends only on the parameters, so it is decomposed once per parameter or group and
shared by every strategy's costs, QALYs and INB.

Standard error (Strong et al. 2014, section 2.4): the regression coefficients of INB_d at w
are drawn from their approximate posterior N(beta_hat, (X'X + lambda S)^-1 sigma^2(w)), with
sigma^2(w) the residual variance of INB_d at w over (n - edof); each draw gives fitted values
and an EVPPI; the standard error is the standard deviation of those EVPPIs. The strategies'
draws are independent (an approximation when there are more than two strategies). Samples
where no draw can change the best strategy are summed rather than drawn one by one
(:class:`PosteriorDraws`; the same result).

Fit quality: for each strategy versus the comparator, R^2 (explained deviance) and effective
degrees of freedom of the headline-WTP fit. An estimate above the EVPI (regression error; the
EVPPI cannot exceed it) is reported as the EVPI and flagged ``capped``. Regression estimates are
biased upward with few samples; Strong et al. used 1,000 or more, hence :data:`MINIMUM_SAMPLES`.

Units: EVPPI in the model's currency per patient (population: for the discounted population of
:func:`hecon.analysis.voi.discounted_population`), WTP in currency per QALY.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hecon.analysis.progress import progress_bar
from hecon.analysis.serialise import frozen
from hecon.analysis.smoother import Smoother, discrete_smoother, pieces, spline_smoother
from hecon.model.distributions import JOINT_KINDS
from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import ModelSpec
from hecon.model.types import FloatArray

__all__ = [
    "MAX_GROUP_SIZE",
    "MINIMUM_SAMPLES",
    "EvppiAtWtp",
    "EvppiEstimate",
    "EvppiFit",
    "EvppiInput",
    "EvppiSummary",
    "PosteriorDraws",
    "RegressionEvppi",
    "check_evppi_groups",
    "evppi_inputs",
    "regression_evppi",
    "summarise_evppi",
]

MINIMUM_SAMPLES = 500
"""PSA samples below which no EVPPI is estimated (the regression needs many samples)."""
MAX_GROUP_SIZE = 4
"""Largest group of parameters a tensor-product GAM is fitted to (Strong et al. 2014: above
this a Gaussian process is needed)."""
N_DRAWS = 500
"""Draws of the regression coefficients for the standard error."""
METHOD = (
    "Regression of incremental net benefit on the parameters (Strong, Oakley & Brennan, Med Decis "
    "Making 2014): generalised additive model (penalised regression splines: spline s, factor f for a "
    "discrete parameter, tensor product te for a group), smoothing chosen by REML at the headline WTP; "
    "standard error from coefficient draws."
)


@dataclass(frozen=True)
class EvppiFit:
    """What the regression of one strategy's INB versus the comparator at the headline WTP fitted.

    r_squared : explained deviance [0-1]; edof : effective degrees of freedom; n_coefficients :
    basis functions (incl. the intercept); pairwise_evppi : the EVPPI at the headline WTP of the
    choice between this strategy and the comparator alone [currency per patient], the weight of
    this regression in the decision
    """

    strategy: str
    r_squared: float
    edof: float
    n_coefficients: int
    pairwise_evppi: float


@dataclass(frozen=True)
class EvppiAtWtp:
    """The EVPPI at one reported WTP [currency per patient; population: for the population]
    with its standard error, and its share of the EVPI (None when the EVPI is 0)."""

    wtp: float
    per_patient: float
    se: float
    population: float | None
    share_of_evpi: float | None


@dataclass(frozen=True)
class EvppiEstimate:
    """The EVPPI of one parameter or group.

    name : the parameter's or group's name; parameters : its members; kind : "parameter",
    "discrete parameter" or "group"; term : the GAM term ("s", "f" or "te");
    at_wtp : at each reported WTP; curve_per_patient : over the PSA's WTP grid
    (:attr:`hecon.analysis.psa_summary.PsaCurves.wtp`); fits : the fit quality;
    capped : some estimate was above the EVPI and is reported as the EVPI
    """

    name: str
    parameters: tuple[str, ...]
    kind: str
    term: str
    at_wtp: tuple[EvppiAtWtp, ...]
    curve_per_patient: tuple[float, ...]
    fits: tuple[EvppiFit, ...]
    capped: bool

    @property
    def decisive_fit(self) -> EvppiFit:
        """The fit whose strategy-versus-comparator choice has the largest EVPPI at the headline
        WTP: the regression whose quality matters most for this estimate."""
        return max(self.fits, key=lambda f: f.pairwise_evppi)


@dataclass(frozen=True)
class EvppiSummary:
    """EVPPI of every sampled parameter and joint group, ranked by the EVPPI at the headline WTP.

    method : in words; headline_wtp : the ranking's WTP; estimates : ranked; not_estimated :
    name -> why not (e.g. a group larger than :data:`MAX_GROUP_SIZE`, a constant parameter)
    """

    method: str
    headline_wtp: float
    estimates: tuple[EvppiEstimate, ...]
    not_estimated: Mapping[str, str]


@dataclass(frozen=True)
class RegressionEvppi:
    """:func:`regression_evppi` output: per patient over ``wtp`` (n_wtp,), standard errors at
    ``se_wtp`` (n_se,), and the fit quality per strategy (in the order of the columns) with the
    EVPPI at the headline WTP of each strategy-versus-comparator choice alone (``pairwise``)."""

    per_patient: FloatArray
    se: FloatArray
    r_squared: tuple[float, ...]
    edof: tuple[float, ...]
    n_coefficients: int
    pairwise: tuple[float, ...]


def _evppi(fitted: FloatArray) -> FloatArray:
    """EVPPI from fitted INB, shape (..., n_samples, n_strategies - 1)."""
    best = np.maximum(fitted.max(axis=-1), 0.0).mean(axis=-1)
    return np.asarray(best - np.maximum(fitted.mean(axis=-2).max(axis=-1), 0.0))


@dataclass(frozen=True)
class PosteriorDraws:
    """Draws of every strategy's fitted INB from its coefficients' posterior, for the EVPPI's
    standard error (Strong et al. 2014, section 2.4).

    Draw j of strategy d's fitted INB at sample i is G_jid = fitted_id + sigma_d (L_d zeta_d)_ij,
    with L_d = A diag(sqrt(d_d)) = X M diag(sqrt(d_d)) (n, p) the loadings at strategy d's
    smoothing (X, M and d: :class:`hecon.analysis.smoother.Smoother`, whose basis rows come piece
    by piece, never whole) and zeta_d (p, n_draws) standard normal.

    smoother : X and M; maps : M diag(sqrt(d_d)) zeta_d (p, n_draws) per strategy, so that
    L_d zeta_d = X maps_d; mean_row : the mean of the rows of X (p,); reach : (n, m),
    ||row i of L_d|| x max_j ||zeta_dj||, by Cauchy-Schwarz the largest |(L_d zeta_d)_ij| of any draw
    """

    smoother: Smoother
    maps: tuple[FloatArray, ...]
    mean_row: FloatArray
    reach: FloatArray

    @classmethod
    def of(cls, smoother: Smoother, shrinkages: Sequence[FloatArray], zetas: Sequence[FloatArray]) -> PosteriorDraws:
        """The draws of strategies with shrinkages d_d (p,) (:meth:`~hecon.analysis.smoother.Smoother.shrinkage`
        at their smoothing) and standard normal zeta_d (p, n_draws)."""
        scales = [np.sqrt(d) for d in shrinkages]
        reach = np.empty((smoother.n, len(scales)))
        total = np.zeros(smoother.n_coefficients)
        for sl in pieces(smoother.n):
            x = smoother.basis(sl.start, sl.stop)
            total += x.sum(axis=0)
            a = x @ smoother.transform
            for d, scale in enumerate(scales):
                reach[sl, d] = np.sqrt(np.sum((a * scale) ** 2, axis=1))
        reach *= np.array([float(np.sqrt(np.sum(z**2, axis=0)).max()) for z in zetas])
        maps = tuple(np.asarray(smoother.transform @ (scale[:, None] * z)) for scale, z in zip(scales, zetas))
        return cls(smoother, maps, total / smoother.n, reach)

    def evppi(self, fitted: FloatArray, sigma: FloatArray) -> FloatArray:
        """The EVPPI of each draw (n_draws,), mean_i max(0, max_d G_jid) - max(0, max_d mean_i G_jid),
        for the fitted INB ``fitted`` (n, m) and residual standard deviations ``sigma`` (m,).

        Only the samples where the draws can change which strategy is best are drawn one by
        one: no draw moves G_jid from fitted_id by more than b_id = sigma_d reach_id, so where
        the best strategy's fitted value minus its b beats every other's (and the comparator's
        0) plus its b, that strategy is best in every draw, and those samples enter through the
        sum of their rows of X alone; elsewhere a strategy whose fitted value plus its b stays
        below the largest fitted value minus b is never best and is not drawn. The result is the
        same as drawing every strategy at every sample. The samples are visited
        :data:`hecon.analysis.smoother.PIECE` at a time, so no (samples, draws) array is larger
        than a piece.
        """
        n, m = fitted.shape
        n_draws = self.maps[0].shape[1]
        value = np.c_[np.zeros(n), fitted]  # the comparator's INB is 0 in every draw
        slack = np.c_[np.zeros(n), self.reach * sigma]
        floor = np.max(value - slack, axis=1)  # >= 0: no draw's best INB is below it
        running = value + slack >= floor[:, None]  # strategies that can be best at a sample
        contested = running.sum(axis=1) > 1
        best = np.argmax(value, axis=1)
        won_rows = np.zeros((m, self.maps[0].shape[0]))  # per strategy: its rows of X where it always wins
        total = np.zeros(n_draws)
        for sl in pieces(n):
            x = self.smoother.basis(sl.start, sl.stop)
            for d in range(m):
                won = ~contested[sl] & (best[sl] == d + 1)
                if won.any():
                    won_rows[d] += x[won].sum(axis=0)
            where = np.flatnonzero(contested[sl])
            top = np.zeros((len(where), n_draws))  # the comparator's 0
            for d in range(m):
                rows = np.flatnonzero(running[sl][where, d + 1])
                if rows.size:
                    at = where[rows]
                    drawn = fitted[sl][at, d][:, None] + sigma[d] * (x[at] @ self.maps[d])
                    top[rows] = np.maximum(top[rows], drawn)
            total += top.sum(axis=0)
        for d in range(m):
            won = ~contested & (best == d + 1)
            if won.any():
                total += fitted[won, d].sum() + sigma[d] * (won_rows[d] @ self.maps[d])
        means = [fitted[:, d].mean() + sigma[d] * (self.mean_row @ self.maps[d]) for d in range(m)]
        return np.asarray(total / n - np.maximum(np.max(means, axis=0), 0.0))


def regression_evppi(
    inc_costs: FloatArray,
    inc_effects: FloatArray,
    x: FloatArray,
    wtp: Sequence[float] | FloatArray,
    headline_wtp: float,
    *,
    se_wtp: Sequence[float] = (),
    discrete: bool = False,
    n_draws: int = N_DRAWS,
    seed: int = 0,
) -> RegressionEvppi:
    """Per-patient EVPPI of the inputs ``x`` by GAM regression (see the module docs).

    Parameters
    ----------
    inc_costs, inc_effects : shape (n_samples, n_strategies - 1)
        Costs [currency] and QALYs of each strategy minus the comparator's, per PSA sample.
    x : shape (n_samples, k)
        The sampled values of the k parameters of interest (k <= :data:`MAX_GROUP_SIZE`;
        k = 1 and ``discrete``: positions of a discrete parameter).
    wtp : willingness-to-pay values [currency per QALY] of the EVPPI curve
    headline_wtp : the WTP at which the smoothing is chosen
    se_wtp : WTP values at which to compute the standard error
    n_draws, seed : coefficient draws for the standard error and their random seed
    """
    dc = np.atleast_2d(np.asarray(inc_costs, dtype=float).T).T
    de = np.atleast_2d(np.asarray(inc_effects, dtype=float).T).T
    x = np.asarray(x, dtype=float).reshape(len(dc), -1)
    n, m = dc.shape
    smoother = discrete_smoother(x[:, 0]) if discrete else spline_smoother(x)
    inb = headline_wtp * de - dc
    lams = [smoother.choose_lambda(inb[:, d]) for d in range(m)]
    fit_c = np.empty_like(dc)
    fit_e = np.empty_like(de)
    for d, lam in enumerate(lams):
        fit_c[:, d], fit_e[:, d] = smoother.fitted(np.c_[dc[:, d], de[:, d]], lam).T
    edofs = tuple(smoother.edof(lam) for lam in lams)
    curve = np.array([_evppi(w * fit_e - fit_c) for w in np.asarray(wtp, dtype=float)])  # (n, m) at a time
    at_head = headline_wtp * fit_e - fit_c
    pairwise = tuple(float(_evppi(at_head[:, [d]])) for d in range(m))
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant response explains nothing
        explained = 1.0 - np.sum((inb - at_head) ** 2, axis=0) / np.sum((inb - inb.mean(axis=0)) ** 2, axis=0)
    r2 = tuple(float(v) for v in np.nan_to_num(explained))

    rng = np.random.default_rng(seed)
    draws = PosteriorDraws.of(
        smoother,
        [smoother.shrinkage(lam) for lam in lams],
        [rng.standard_normal((smoother.n_coefficients, n_draws)) for _ in lams],
    )
    se = np.empty(len(se_wtp))
    for j, ws in enumerate(se_wtp):
        resid = ws * (de - fit_e) - (dc - fit_c)
        sigma = np.sqrt(np.sum(resid**2, axis=0) / np.maximum(n - np.asarray(edofs), 1.0))
        se[j] = float(np.std(draws.evppi(ws * fit_e - fit_c, sigma), ddof=1))
    return RegressionEvppi(curve, se, r2, edofs, smoother.n_coefficients, pairwise)


@dataclass(frozen=True)
class EvppiInput:
    """One parameter or group whose EVPPI is estimated: name, members, kind (see
    :class:`EvppiEstimate`), or why it is not estimated (``skip``)."""

    name: str
    parameters: tuple[str, ...]
    kind: str
    skip: str = ""


def check_evppi_groups(spec: ModelSpec) -> None:
    """Raise :class:`~hecon.model.problems.ModelError` with every member of a named EVPPI group
    (:attr:`hecon.model.spec.ModelSpec.evppi_groups`) that is not a parameter drawn in the PSA, and
    every group of a discrete parameter with others (Element kind "evppi_group")."""
    drawn = {p.name: p.distribution.kind for p in spec.parameters if p.distribution is not None}
    problems = []
    for group, members in spec.evppi_groups.items():
        for i, name in enumerate(members):
            kind = drawn.get(name)
            if kind is None or kind == "fixed":
                problems.append(
                    Problem(
                        Element("evppi_group", group, index=i, part="parameter"),
                        f"'{name}' is not a parameter drawn in the PSA",
                        "a parameter with a distribution (not fixed)",
                    )
                )
            elif kind == "discrete" and len(members) > 1:
                problems.append(
                    Problem(
                        Element("evppi_group", group, index=i, part="parameter"),
                        f"discrete parameter '{name}' in a group",
                        "a discrete parameter on its own (its EVPPI is always estimated)",
                    )
                )
    if problems:
        raise ModelError(problems)


def evppi_inputs(spec: ModelSpec) -> tuple[EvppiInput, ...]:
    """The parameters and groups of ``spec`` whose EVPPI is estimated: every parameter with a
    distribution other than ``fixed`` on its own (discrete ones as factors), every joint group of two or more
    (``mvnormal``, ``dirichlet``, ``empirical``; a Dirichlet group without its last member, whose value the others
    fix) and every
    named group of :attr:`hecon.model.spec.ModelSpec.evppi_groups` (checked by :func:`check_evppi_groups`)."""
    check_evppi_groups(spec)
    out: list[EvppiInput] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    for p in spec.parameters:
        dist = p.distribution
        if dist is None or dist.kind == "fixed":
            continue
        kind = "discrete parameter" if dist.kind == "discrete" else "parameter"
        out.append(EvppiInput(p.name, (p.name,), kind))
        group = dist.group.strip() if isinstance(dist.group, str) else ""
        if group and dist.kind in JOINT_KINDS:
            groups.setdefault(group, []).append((p.name, dist.kind))
    for group, members in groups.items():
        names = tuple(m for m, _ in members)
        if members[0][1] == "dirichlet":
            names = names[:-1]
        if len(names) < 2:
            continue
        skip = (
            f"{len(names)} parameters: a tensor-product GAM takes at most {MAX_GROUP_SIZE} (a Gaussian process "
            "would be needed)"
            if len(names) > MAX_GROUP_SIZE
            else ""
        )
        out.append(EvppiInput(group, names, "group", skip))
    for group, listed in spec.evppi_groups.items():
        names = tuple(dict.fromkeys(listed))
        skip = (
            f"{len(names)} parameters: a tensor-product GAM takes at most {MAX_GROUP_SIZE} (a Gaussian process "
            "would be needed)"
            if len(names) > MAX_GROUP_SIZE
            else ""
        )
        out.append(EvppiInput(group, names, "parameter" if len(names) == 1 else "group", skip))
    return tuple(out)


def summarise_evppi(
    inputs: Sequence[EvppiInput],
    drawn: Mapping[str, FloatArray],
    costs: FloatArray,
    qalys: FloatArray,
    comparator_index: int,
    strategies: Sequence[str],
    grid: Sequence[float] | FloatArray,
    evpi_grid: FloatArray,
    reported_wtp: Sequence[float],
    headline_wtp: float,
    discounted_patients: float | None,
    seed: int = 0,
) -> EvppiSummary:
    """EVPPI of each of ``inputs`` over the WTP ``grid`` (which contains ``reported_wtp`` and
    ``headline_wtp``), capped at the EVPI ``evpi_grid``, ranked at the headline WTP.

    drawn : parameter name -> its PSA samples (n_samples,); costs, qalys : (n_samples,
    n_strategies) [currency, QALY]; discounted_patients : for the population EVPPI (None: none)
    """
    j = comparator_index
    others = [k for k in range(costs.shape[1]) if k != j]
    dc = costs[:, others] - costs[:, [j]]
    de = qalys[:, others] - qalys[:, [j]]
    g = np.asarray(grid, dtype=float)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # small matrices: one BLAS thread (many threads spin on a busy machine)
        estimates, skipped = _estimates(
            inputs,
            drawn,
            dc,
            de,
            strategies,
            others,
            g,
            evpi_grid,
            reported_wtp,
            headline_wtp,
            discounted_patients,
            seed,
        )
    h = int(np.flatnonzero(g == headline_wtp)[0])
    estimates.sort(key=lambda e: -e.curve_per_patient[h])
    return EvppiSummary(METHOD, float(headline_wtp), tuple(estimates), frozen(skipped))


def _estimates(
    inputs: Sequence[EvppiInput],
    drawn: Mapping[str, FloatArray],
    dc: FloatArray,
    de: FloatArray,
    strategies: Sequence[str],
    others: Sequence[int],
    g: FloatArray,
    evpi_grid: FloatArray,
    reported_wtp: Sequence[float],
    headline_wtp: float,
    discounted_patients: float | None,
    seed: int,
) -> tuple[list[EvppiEstimate], dict[str, str]]:
    at_index = [int(np.flatnonzero(g == w)[0]) for w in reported_wtp]
    estimates: list[EvppiEstimate] = []
    skipped: dict[str, str] = {}
    with progress_bar(f"EVPPI ({len(inputs)} parameters and groups)", len(inputs)) as advance:
        for item in _stepped(inputs, advance):
            if item.skip:
                skipped[item.name] = item.skip
                continue
            missing = [p for p in item.parameters if p not in drawn]
            if missing:
                skipped[item.name] = "not drawn in the PSA: " + ", ".join(missing)
                continue
            x = np.column_stack([np.asarray(drawn[p], dtype=float) for p in item.parameters])
            if np.all(np.ptp(x, axis=0) == 0):
                skipped[item.name] = "its sampled values do not vary"
                continue
            discrete = item.kind == "discrete parameter"
            try:
                fit = regression_evppi(dc, de, x, g, headline_wtp, se_wtp=reported_wtp, discrete=discrete, seed=seed)
            except (ValueError, np.linalg.LinAlgError) as e:  # e.g. too few distinct values for the splines
                skipped[item.name] = f"the regression could not be fitted ({e})"
                continue
            raw = np.maximum(fit.per_patient, 0.0)
            curve = np.minimum(raw, evpi_grid)
            at = tuple(
                EvppiAtWtp(
                    float(w),
                    float(curve[i]),
                    float(fit.se[m]),
                    float(curve[i] * discounted_patients) if discounted_patients is not None else None,
                    float(curve[i] / evpi_grid[i]) if evpi_grid[i] > 0 else None,
                )
                for m, (w, i) in enumerate(zip(reported_wtp, at_index))
            )
            estimates.append(
                EvppiEstimate(
                    item.name,
                    item.parameters,
                    item.kind,
                    "f" if discrete else ("s" if len(item.parameters) == 1 else "te"),
                    at,
                    tuple(float(v) for v in curve),
                    tuple(
                        EvppiFit(strategies[k], r, e, fit.n_coefficients, pw)
                        for k, r, e, pw in zip(others, fit.r_squared, fit.edof, fit.pairwise)
                    ),
                    bool(np.any(raw > evpi_grid)),
                )
            )
    return estimates, skipped


def _stepped(items: Sequence[EvppiInput], advance: Callable[[int], None]) -> Iterator[EvppiInput]:
    """``items`` one by one, calling ``advance(1)`` when the loop has done with each."""
    for item in items:
        yield item
        advance(1)
