"""The log-likelihood of right-censored survival times under a flexsurv distribution.

A *model* is a flexsurv distribution, optionally as a mixture cure model. Its parameters are
estimated on flexsurv's *internal* (unconstrained) scale and reported on the *natural* scale
that ``flexsurvreg()`` prints:

==============  =====================  ==========================================
distribution    parameters             internal scale
==============  =====================  ==========================================
exp             rate                   log
weibull         shape, scale           log, log
weibullPH       shape, scale           log, log
gompertz        shape, rate            identity (shape may be < 0), log
llogis          shape, scale           log, log
lnorm           meanlog, sdlog         identity, log
gamma           shape, rate            log, log
gengamma        mu, sigma, Q           identity, log, identity
==============  =====================  ==========================================

as in flexsurv's ``flexsurv.dists`` table [1]_. A mixture cure model (flexsurvcure [2]_,
``mixture = TRUE``, logistic link) adds the cure fraction ``theta`` in front, on the logit
scale:

.. math::

    S(t) = \\theta + (1 - \\theta) S_u(t), \\qquad f(t) = (1 - \\theta) f_u(t)

With right censoring, patient i with time t_i contributes log f(t_i) if the event was
observed and log S(t_i) if censored; log f = log h - H with the hazard h and cumulative
hazard H of :mod:`hecon.methods.survival` (the same functions that evaluate the curves in
a model, so a fit and its use cannot disagree about a parameterisation). This is the full
log-likelihood of the times (not of log time), the value ``flexsurvreg`` and ``survreg``
report.

References
----------
.. [1] Jackson C (2016). flexsurv: A Platform for Parametric Survival Modeling in R.
   J Stat Softw 70(8):1-33. doi:10.18637/jss.v070.i08
.. [2] Amdahl J. flexsurvcure: Flexible Parametric Cure Models. R package,
   https://github.com/jrdnmdhl/flexsurvcure
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from hecon.methods import survival
from hecon.model.problems import ModelError

__all__ = [
    "CURE_PARAMETER",
    "FITTED_DISTRIBUTIONS",
    "INTERNAL_SCALES",
    "Model",
    "log_likelihood",
]

#: Internal scale of each parameter, in flexsurv's parameter order.
INTERNAL_SCALES: dict[str, tuple[str, ...]] = {
    "exp": ("log",),
    "weibull": ("log", "log"),
    "weibullPH": ("log", "log"),
    "gompertz": ("identity", "log"),
    "llogis": ("log", "log"),
    "lnorm": ("identity", "log"),
    "gamma": ("log", "log"),
    "gengamma": ("identity", "log", "identity"),
}

#: Distributions that can be fitted, in the order of NICE DSU TSD 14's list.
FITTED_DISTRIBUTIONS = tuple(INTERNAL_SCALES)

#: Name of the cure fraction of a mixture cure model (flexsurvcure's).
CURE_PARAMETER = "theta"


@dataclass(frozen=True)
class Model:
    """A flexsurv distribution, optionally as a mixture cure model (cure fraction ``theta``)."""

    distribution: str
    cure: bool = False

    @property
    def parameters(self) -> tuple[str, ...]:
        """Parameter names, flexsurv's order (``theta`` first for a cure model)."""
        own = survival.DISTRIBUTIONS[self.distribution]
        return (CURE_PARAMETER, *own) if self.cure else own

    @property
    def scales(self) -> tuple[str, ...]:
        """Internal scale of each parameter: ``"log"``, ``"identity"`` or ``"logit"``."""
        own = INTERNAL_SCALES[self.distribution]
        return ("logit", *own) if self.cure else own

    @property
    def label(self) -> str:
        """``"weibull"``, or ``"weibull cure"`` for the mixture cure model."""
        return f"{self.distribution} cure" if self.cure else self.distribution

    def natural(self, internal: np.ndarray) -> np.ndarray:
        """Parameters on the natural scale from the internal scale."""
        out = np.array(internal, dtype=float)
        for i, scale in enumerate(self.scales):
            if scale == "log":
                out[i] = np.exp(out[i])
            elif scale == "logit":
                out[i] = special.expit(out[i])
        return out

    def internal(self, natural: np.ndarray) -> np.ndarray:
        """Parameters on the internal scale from the natural scale."""
        out = np.array(natural, dtype=float)
        for i, scale in enumerate(self.scales):
            if scale == "log":
                out[i] = np.log(out[i])
            elif scale == "logit":
                out[i] = special.logit(out[i])
        return out

    def derivative(self, internal: np.ndarray) -> np.ndarray:
        """d natural / d internal of each parameter (the delta method's factors)."""
        natural = self.natural(internal)
        factors = np.ones_like(natural)
        for i, scale in enumerate(self.scales):
            if scale == "log":
                factors[i] = natural[i]
            elif scale == "logit":
                factors[i] = natural[i] * (1.0 - natural[i])
        return factors


def log_likelihood(model: Model, internal: np.ndarray, time: np.ndarray, event: np.ndarray) -> float:
    """
    Log-likelihood of right-censored times at internal-scale parameters.

    Parameters
    ----------
    model : Model
        Distribution and whether it is a mixture cure model.
    internal : numpy.ndarray
        Parameters on the internal scale, in ``model.parameters`` order.
    time : numpy.ndarray
        Event or censoring times, >= 0 [time unit of the data].
    event : numpy.ndarray of bool
        True where the event was observed.

    Returns
    -------
    float
        sum over events of log f(t) + sum over censored times of log S(t); ``-inf`` where the
        parameters are outside the distribution's domain on the natural scale (e.g. a rate
        that overflowed) or the likelihood is zero.
    """
    with np.errstate(over="ignore"):
        natural = model.natural(internal)
    offset = 1 if model.cure else 0
    params = dict(zip(survival.DISTRIBUTIONS[model.distribution], natural[offset:]))
    try:
        cumulative = survival.cumulative_hazard(model.distribution, params, time)
        hazard = survival.hazard(model.distribution, params, time[event])
    except ModelError:  # a parameter overflowed to inf or underflowed to 0
        return -np.inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_hazard = np.log(hazard)
        if model.cure:
            log_cured, log_uncured = special.log_expit(internal[0]), special.log_expit(-internal[0])
            log_s = np.logaddexp(log_cured, log_uncured - cumulative[~event])
            total = float(np.sum(log_uncured + log_hazard - cumulative[event]) + np.sum(log_s))
        else:
            total = float(np.sum(log_hazard) - np.sum(cumulative))
    return total if np.isfinite(total) else -np.inf
