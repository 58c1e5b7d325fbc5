"""What every topic module of the RRMM example uses: the Parameters-row builder :func:`P`,
shorthands for the PSA distributions, the exact binomial CI of a published share
(:func:`clopper_pearson`), and the source texts cited by more than one module.

Sources: :data:`LOCOMMOTION` (the comparator's PFS and OS, and the basis of the bispecifics'
curves) and :data:`CARTITUDE_LT` (CARTITUDE-1's long-term follow-up).
"""

from __future__ import annotations

from typing import Any

from hecon.model.spec import Distribution, Parameter

CARTITUDE_LT = "Jagannath et al., JCO 2025;43(25):2766 (CARTITUDE-1, mFU 61.3 mo)"
LOCOMMOTION = "Mateos et al., Leukemia 2024;38(12):2554 (LocoMMotion final analysis, n=248, mFU 26.4 mo)"


def _dist(kind: str, **args: float) -> Distribution:
    return Distribution(kind, dict(args))


def beta(alpha: float, beta_: float) -> Distribution:
    return _dist("beta", alpha=alpha, beta=beta_)


def beta_se(mean: float, se: float) -> Distribution:
    return _dist("beta", mean=mean, se=se)


def gamma_se(mean: float, se: float) -> Distribution:
    return _dist("gamma", mean=mean, se=se)


def lognormal(meanlog: float, sdlog: float) -> Distribution:
    return _dist("lognormal", meanlog=meanlog, sdlog=sdlog)


def lognormal_se(mean: float, se: float) -> Distribution:
    return _dist("lognormal", mean=mean, se=se)


def clopper_pearson(events: int, n: int) -> tuple[float, float]:
    """Exact (Clopper-Pearson) 95% CI of the share ``events`` / ``n``: the 2.5% quantile of
    Beta(events, n - events + 1) and the 97.5% quantile of Beta(events + 1, n - events), 0 and 1 at the ends
    (Clopper CJ, Pearson ES. Biometrika 1934;26:404-413)."""
    from scipy import stats

    low = 0.0 if events == 0 else float(stats.beta.ppf(0.025, events, n - events + 1))
    high = 1.0 if events == n else float(stats.beta.ppf(0.975, events + 1, n - events))
    return low, high


def P(
    name: str,
    value: Any,
    unit: str,
    description: str,
    source: str,
    dist: Distribution | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Parameter:
    """One parameter row: name | value | unit | description | source | PSA | DSA range.
    A parameter with a DSA range is flagged for the one-way sensitivity analysis."""
    return Parameter(name, value, unit, description, source, dist, low, high, dsa=low is not None and high is not None)
