"""Maximum-likelihood fits of parametric survival curves to individual patient data.

:func:`fit_survival` fits one distribution (optionally as a mixture cure model) to one arm;
:func:`fit_all` fits every requested distribution to every arm. The log-likelihood is that
of :mod:`hecon.evidence.likelihood` (right censoring, flexsurv's parameterisations); it is
maximised on flexsurv's internal scale by :func:`hecon.evidence.optimise.maximise` from
start values like flexsurv's (below), and the covariance is the inverse of the observed
information (minus the numerical Hessian) on the internal scale, R's ``vcov(fit)``.

Start values (internal scale; ``lt`` = log of the positive times, all times as flexsurv;
``rate0`` = events / total follow-up time, the exponential MLE):

* exp: rate0.
* weibull: shape 1.64 / var(lt), scale exp(mean(lt) + 0.572) (survreg's, as flexsurv for
  counting-process data); and the exponential (shape 1, scale 1 / rate0).
* weibullPH: the same two, converted (scale_PH = scale^-shape).
* gompertz: flexsurv's (0.001, 1 / mean(t)); the exponential (0, rate0); and
  shape +-1/max(t) with rate0, so that a plateau (shape < 0) is reachable.
* llogis: shape pi / (sqrt(3) sd(lt)) (matching the variance of log time), scale
  exp(mean(lt)); and (1, median(t)).
* lnorm: (mean(lt), sd(lt)).
* gamma: the method of moments (mean(t)^2 / var(t), mean(t) / var(t)); and (1, rate0).
* gengamma: flexsurv's (mean(lt), sd(lt), 0) (the log-normal), and its nested models at
  their maximum-likelihood estimates: the fitted log-normal (Q = 0), Weibull
  (mu = log scale, sigma = 1 / shape, Q = 1) and gamma (Q = sigma = 1/sqrt(shape),
  mu = log(shape / rate)).
* mixture cure: theta in {0.05, 0.25, 0.5} (on the logit scale) combined with the
  distribution's start values computed from the event times only (as flexsurvcure) and
  with its fitted non-cure estimates.

Every start is run and the best maximum kept, which guards against the local maxima that
generalised gamma and cure likelihoods can have.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from hecon.evidence.ipd import ArmData
from hecon.evidence.likelihood import CURE_PARAMETER, FITTED_DISTRIBUTIONS, Model, log_likelihood
from hecon.evidence.optimise import maximise
from hecon.methods import survival
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.spec import TIME_UNITS

__all__ = [
    "CURE_DISTRIBUTIONS",
    "FITTED_DISTRIBUTIONS",
    "SurvivalFit",
    "check_fit_input",
    "fit_all",
    "fit_survival",
]

#: Distributions fitted as mixture cure models by default.
CURE_DISTRIBUTIONS = ("weibull", "lnorm", "llogis")

_CURE_STARTS = (0.05, 0.25, 0.5)
#: A cure fraction estimated outside [CURE_BOUNDARY, 1 - CURE_BOUNDARY] is on the boundary of
#: the parameter space: no interior maximum, no covariance (the fit is not converged).
CURE_BOUNDARY = 1e-6


@dataclass(frozen=True, eq=False)
class SurvivalFit:
    """
    A parametric survival curve fitted by maximum likelihood to one arm.

    Attributes
    ----------
    arm : str
        Arm of the data.
    distribution : str
        flexsurv distribution name.
    cure : bool
        True for a mixture cure model, S(t) = theta + (1 - theta) S_u(t).
    time_unit : str
        Unit of the data's times, and so of the curve (days, weeks, months or years).
    parameters : tuple of str
        Parameter names in flexsurv's order; ``theta`` (the cure fraction) first for a cure
        model, as flexsurvcure.
    scales : tuple of str
        Internal scale of each parameter: ``"log"``, ``"identity"`` or ``"logit"``.
    estimates : dict
        Parameter -> estimate on the natural scale, as ``flexsurvreg()`` prints it (rates
        [1/time unit], scales [time unit], meanlog and mu [log time unit]).
    internal : dict
        Parameter -> estimate on the internal scale (``coef(fit)`` in flexsurv).
    covariance : numpy.ndarray
        Covariance of the internal-scale estimates (``vcov(fit)``): the inverse of the
        observed information, minus the numerical Hessian of the log-likelihood, rows and
        columns in ``parameters`` order. All nan when the fit did not converge.
    se : dict
        Parameter -> standard error on the natural scale by the delta method,
        |d natural / d internal| sqrt(var internal): estimate x se(log) for log-scale
        parameters, as flexsurvreg's ``se`` column. For a cure fraction flexsurvreg prints
        NA; here it is theta (1 - theta) se(logit theta).
    loglik : float
        Maximised log-likelihood of the times.
    aic : float
        Akaike's information criterion, -2 loglik + 2 k (k parameters).
    bic : float
        Bayesian information criterion, -2 loglik + k log(n) with n the number of
        *patients*, censored ones included (Schwarz, Ann Stat 1978;6:461-464): the default of
        flexsurv's ``BIC.flexsurvreg`` (``cens = TRUE``), which notes that there is no
        official sample size for censored data (Kass & Raftery, JASA 1995;90:773-795) and
        that with heavy censoring the number of events (Volinsky & Raftery, Biometrics
        2000;56:256-262) may represent the information better.
    n : int
        Number of patients.
    events : int
        Number of observed events.
    converged : bool
        True if the optimiser found a maximum with a negative-definite Hessian; check
        ``message`` otherwise (e.g. a cure fraction at its boundary 0).
    message : str
        Why the fit did not converge; empty when it did.
    source : str
        Where the data came from.
    """

    arm: str
    distribution: str
    cure: bool
    time_unit: str
    parameters: tuple[str, ...]
    scales: tuple[str, ...]
    estimates: Mapping[str, float]
    internal: Mapping[str, float]
    covariance: np.ndarray
    se: Mapping[str, float]
    loglik: float
    aic: float
    bic: float
    n: int
    events: int
    converged: bool
    message: str = ""
    source: str = field(default="", repr=False)

    @property
    def model(self) -> Model:
        return Model(self.distribution, self.cure)

    @property
    def label(self) -> str:
        """``"weibull"``, or ``"weibull cure"`` for the mixture cure model."""
        return self.model.label

    @property
    def curve_parameters(self) -> dict[str, float]:
        """The distribution's own parameters (without ``theta``), natural scale."""
        return {name: self.estimates[name] for name in survival.DISTRIBUTIONS[self.distribution]}

    @property
    def cure_fraction(self) -> float:
        """theta for a mixture cure model, else 0."""
        return self.estimates[CURE_PARAMETER] if self.cure else 0.0

    def survival(self, t: ArrayLike) -> np.ndarray:
        """S(t) of the fitted curve, t [time unit of the fit]."""
        return survival.adjusted_survival(self.distribution, self.curve_parameters, t, cure_fraction=self.cure_fraction)

    def hazard(self, t: ArrayLike) -> np.ndarray:
        """h(t) [1/time unit of the fit]; for a cure model (1 - theta) f_u(t) / S(t)."""
        h = survival.hazard(self.distribution, self.curve_parameters, t)
        if not self.cure:
            return h
        s_u = survival.survival(self.distribution, self.curve_parameters, t)
        theta = self.cure_fraction
        with np.errstate(invalid="ignore"):
            return np.asarray((1.0 - theta) * h * s_u / (theta + (1.0 - theta) * s_u), dtype=float)

    def cumulative_hazard(self, t: ArrayLike) -> np.ndarray:
        """H(t) = -log S(t) [dimensionless]."""
        if not self.cure:
            return survival.cumulative_hazard(self.distribution, self.curve_parameters, t)
        with np.errstate(divide="ignore"):
            return np.asarray(-np.log(self.survival(t)), dtype=float)


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def check_fit_input(
    data: Iterable[ArmData],
    distributions: Sequence[str] = FITTED_DISTRIBUTIONS,
    cure_distributions: Sequence[str] = CURE_DISTRIBUTIONS,
    time_unit: str = "years",
) -> list[Problem]:
    """Every reason why :func:`fit_all` cannot fit these data; empty if it can.

    Checks the distribution names, the time unit, that each arm has at least one event,
    and that no event is at time 0 (where every density here is 0 or infinite).
    """
    problems = []
    known = ", ".join(FITTED_DISTRIBUTIONS)
    for name in [*distributions, *cure_distributions]:
        if name not in FITTED_DISTRIBUTIONS:
            problems.append(Problem(topic("distributions"), f"cannot fit {name!r}", f"one of {known}"))
    if time_unit not in TIME_UNITS:
        problems.append(
            Problem(topic("time unit"), f"{time_unit!r} is not a time unit", "one of " + ", ".join(TIME_UNITS))
        )
    for arm in data:
        where = topic(f"arm {arm.arm!r}" + (f" ({arm.source})" if arm.source else ""))
        if arm.events == 0:
            problems.append(
                Problem(where, f"has no events ({arm.n} patients, all censored)", "at least one event to fit a curve")
            )
        at_zero = int(np.count_nonzero(arm.event & (arm.time == 0)))
        if at_zero:
            problems.append(
                Problem(
                    where,
                    f"{at_zero} event{'s' if at_zero > 1 else ''} at time 0, where parametric densities are 0 or infinite",
                    "event times > 0 (e.g. half a day for deaths on the day of randomisation)",
                )
            )
    return problems


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------


def fit_survival(data: ArmData, distribution: str, *, cure: bool = False, time_unit: str) -> SurvivalFit:
    """
    Fit one parametric survival distribution to one arm by maximum likelihood.

    Parameters
    ----------
    data : ArmData
        Times [``time_unit``] and event indicators of one arm (:func:`hecon.evidence.ipd.read_ipd`).
    distribution : str
        One of ``FITTED_DISTRIBUTIONS`` (flexsurv names).
    cure : bool, default False
        Fit the mixture cure model with this distribution for the uncured.
    time_unit : str
        Unit of the data's times (days, weeks, months, years); recorded in the fit.

    Returns
    -------
    SurvivalFit
        Check ``converged`` before using the fit.

    Raises
    ------
    ModelError
        Problems of :func:`check_fit_input`.

    Examples
    --------
    >>> from hecon.evidence.ipd import arm_data
    >>> fit = fit_survival(arm_data([2.0, 3.0, 5.0], [1, 1, 0]), "exp", time_unit="months")
    >>> round(fit.estimates["rate"], 4)  # 2 events / 10 months
    0.2
    """
    return _fit(data, Model(distribution, cure), time_unit, {}, check=True)


def fit_all(
    data: Mapping[str, ArmData] | Iterable[ArmData],
    distributions: Sequence[str] = FITTED_DISTRIBUTIONS,
    cure_distributions: Sequence[str] = CURE_DISTRIBUTIONS,
    *,
    time_unit: str,
) -> tuple[SurvivalFit, ...]:
    """
    Fit every distribution, and every mixture cure model, to every arm.

    Parameters
    ----------
    data : mapping of arm -> ArmData, or ArmData objects
        As returned by :func:`hecon.evidence.ipd.read_ipd`.
    distributions : sequence of str
        Distributions to fit, default all of ``FITTED_DISTRIBUTIONS``.
    cure_distributions : sequence of str
        Distributions to fit as mixture cure models, default ``CURE_DISTRIBUTIONS``; ``()``
        for none.
    time_unit : str
        Unit of the data's times (days, weeks, months, years).

    Returns
    -------
    tuple of SurvivalFit
        Arm by arm, the distributions in the order given, then the cure models.

    Raises
    ------
    ModelError
        Every problem of :func:`check_fit_input`, before anything is fitted.
    """
    arms = list(data.values()) if isinstance(data, Mapping) else list(data)
    problems = check_fit_input(arms, distributions, cure_distributions, time_unit)
    if problems:
        raise ModelError(problems)
    fits = []
    for arm in arms:
        cache: dict[Model, SurvivalFit] = {}
        for model in [Model(d) for d in distributions] + [Model(d, cure=True) for d in cure_distributions]:
            fits.append(_fit(arm, model, time_unit, cache, check=False))
    return tuple(fits)


def _fit(data: ArmData, model: Model, time_unit: str, cache: dict[Model, SurvivalFit], *, check: bool) -> SurvivalFit:
    """Fit ``model`` (fits of nested models it starts from are taken from or added to ``cache``)."""
    if model in cache:
        return cache[model]
    if check:
        cure = (model.distribution,) if model.cure else ()
        plain = () if model.cure else (model.distribution,)
        problems = check_fit_input([data], plain, cure, time_unit)
        if problems:
            raise ModelError(problems)
    time, event = data.time, data.event

    def loglik(x: np.ndarray) -> float:
        return log_likelihood(model, x, time, event)

    k = len(model.parameters)
    limits = np.array([[-np.inf, np.inf]] * k)
    if model.cure:
        limits[0] = [special.logit(CURE_BOUNDARY), -special.logit(CURE_BOUNDARY)]
    best = maximise(loglik, _starts(model, data, time_unit, cache), limits=limits)
    message = best.message
    if model.cure and not limits[0, 0] <= best.x[0] <= limits[0, 1]:
        theta = float(special.expit(best.x[0]))
        message = (
            f"the cure fraction's maximum-likelihood estimate is on its boundary (theta = {theta:.2g}): "
            f"the data show no plateau, and the model reduces to the {model.distribution} without cure"
            if theta < 0.5
            else f"the cure fraction's maximum-likelihood estimate is on its boundary (theta = {theta:.6g})"
        )
    covariance = np.full((k, k), np.nan)
    if best.converged:
        covariance = np.linalg.inv(-best.hessian)
        covariance = (covariance + covariance.T) / 2.0
    natural = model.natural(best.x)
    se = model.derivative(best.x) * np.sqrt(np.diag(covariance))
    result = SurvivalFit(
        arm=data.arm,
        distribution=model.distribution,
        cure=model.cure,
        time_unit=time_unit,
        parameters=model.parameters,
        scales=model.scales,
        estimates=dict(zip(model.parameters, map(float, natural))),
        internal=dict(zip(model.parameters, map(float, best.x))),
        covariance=covariance,
        se=dict(zip(model.parameters, map(float, se))),
        loglik=best.value,
        aic=-2.0 * best.value + 2.0 * k,
        bic=-2.0 * best.value + k * math.log(data.n),
        n=data.n,
        events=data.events,
        converged=best.converged,
        message=message,
        source=data.source,
    )
    cache[model] = result
    return result


def _moment_starts(distribution: str, time: np.ndarray, events: int) -> list[np.ndarray]:
    """Natural-scale start values from the times (see the module docstring)."""
    positive = time[time > 0]
    lt = np.log(positive)
    m = float(np.mean(lt))
    s = float(np.std(lt, ddof=1)) if lt.size > 1 and np.std(lt) > 0 else 1.0
    rate0 = max(events, 1) / float(np.sum(time))
    shape0 = 1.64 / s**2
    scale0 = math.exp(m + 0.572)
    if distribution == "exp":
        return [np.array([rate0])]
    if distribution == "weibull":
        return [np.array([shape0, scale0]), np.array([1.0, 1.0 / rate0])]
    if distribution == "weibullPH":
        return [np.array([shape0, scale0**-shape0]), np.array([1.0, rate0])]
    if distribution == "gompertz":
        mean, longest = float(np.mean(time)), float(np.max(time))
        return [
            np.array([0.001, 1.0 / mean]),
            np.array([0.0, rate0]),
            np.array([1 / longest, rate0]),
            np.array([-1 / longest, rate0]),
        ]
    if distribution == "llogis":
        return [np.array([math.pi / (math.sqrt(3.0) * s), math.exp(m)]), np.array([1.0, float(np.median(positive))])]
    if distribution == "lnorm":
        return [np.array([m, s])]
    if distribution == "gamma":
        mean, var = float(np.mean(time)), float(np.var(time, ddof=1)) if time.size > 1 else 1.0
        var = var if var > 0 else mean**2
        return [np.array([mean**2 / var, mean / var]), np.array([1.0, rate0])]
    return [np.array([m, s, 0.0])]  # gengamma: flexsurv's start, the log-normal


def _starts(model: Model, data: ArmData, time_unit: str, cache: dict[Model, SurvivalFit]) -> list[np.ndarray]:
    """Internal-scale start values for ``model`` (module docstring)."""
    distribution = model.distribution
    if not model.cure:
        natural = _moment_starts(distribution, data.time, data.events)
        if distribution == "gengamma":
            natural += _gengamma_from_nested(data, time_unit, cache)
        return [model.internal(x) for x in natural]
    base = Model(distribution)
    event_times = data.time[data.event]
    natural = _moment_starts(distribution, event_times, event_times.size)
    fitted = _fit(data, base, time_unit, cache, check=False)
    if fitted.converged:
        natural.append(np.array([fitted.estimates[p] for p in base.parameters]))
    return [model.internal(np.array([theta, *x])) for x in natural for theta in _CURE_STARTS]


def _gengamma_from_nested(data: ArmData, time_unit: str, cache: dict[Model, SurvivalFit]) -> list[np.ndarray]:
    """gengamma (mu, sigma, Q) at the fitted log-normal, Weibull and gamma, which it nests."""
    out = []
    lnorm = _fit(data, Model("lnorm"), time_unit, cache, check=False)
    if lnorm.converged:
        out.append(np.array([lnorm.estimates["meanlog"], lnorm.estimates["sdlog"], 0.0]))
    weibull = _fit(data, Model("weibull"), time_unit, cache, check=False)
    if weibull.converged:
        out.append(np.array([math.log(weibull.estimates["scale"]), 1.0 / weibull.estimates["shape"], 1.0]))
    gamma = _fit(data, Model("gamma"), time_unit, cache, check=False)
    if gamma.converged:
        shape, rate = gamma.estimates["shape"], gamma.estimates["rate"]
        out.append(np.array([math.log(shape / rate), 1.0 / math.sqrt(shape), 1.0 / math.sqrt(shape)]))
    return out
