"""Survival curves as Excel formula text: every flexsurv family hecon supports, with the hazard
ratio, acceleration factor and cure fraction of :func:`hecon.methods.survival.adjusted_survival`.

Closed forms (t in the curve's time unit; flexsurv parameterisations, Jackson 2016, J Stat Softw
70(8), and the flexsurv reference manual):

* exp          S = exp(-rate t)
* weibull      S = exp(-(t / scale)^shape)                  (flexsurv's weibull, accelerated failure time)
* weibullPH    S = exp(-scale t^shape)
* gompertz     S = exp(-rate / shape (exp(shape t) - 1)); exp(-rate t) when shape = 0
* llogis       S = 1 / (1 + (t / scale)^shape)
* lnorm        S = Φ(-(ln t - meanlog) / sdlog)             (NORM.S.DIST)
* gamma        S = 1 - P(shape, rate t)                      (GAMMA.DIST, cumulative)
* gengamma     w = (ln t - mu) / sigma, a = Q^-2, u = a exp(Q w): S = 1 - P(a, u) for Q > 0,
               P(a, u) for Q < 0 (flexsurv's pgengamma). For |Q| < 0.01 hecon uses Temme's
               expansion (the direct formula loses accuracy as a = Q^-2 grows); Excel has no
               such function, so the cell shows #N/A (:data:`GENGAMMA_SMALL_Q_NOTE`).
* gengamma.orig S = 1 - P(k, (t / scale)^shape)

Adjusted: S_adj(t) = π + (1 - π) S(t / AF)^HR.

Functions newer than Excel 2007 are stored with the ``_xlfn.`` prefix that the file format
requires (Excel and LibreOffice show them without it).
"""

from __future__ import annotations

from collections.abc import Mapping

from hecon.methods.survival import GENGAMMA_Q_SERIES
from hecon.workbook.export.formulas import Unsupported, number

GENGAMMA_SMALL_Q_NOTE = (
    f"a generalised gamma (gengamma) curve with |Q| < {number(GENGAMMA_Q_SERIES)} cannot be computed accurately "
    "with Excel's functions (hecon uses Temme's series there); its cells show #N/A"
)


def _w(x: str) -> str:
    return x if x.replace("_", "").replace(".", "").replace("$", "").isalnum() else f"({x})"


def unadjusted_survival(distribution: str, p: Mapping[str, str], t: str) -> str:
    """Excel text of S(t) of ``distribution`` with parameters ``p`` (Excel text by flexsurv name)
    at time ``t`` (Excel text, in the curve's time unit)."""
    t = _w(t)
    q = {k: _w(v) for k, v in p.items()}
    if distribution == "exp":
        return f"EXP(-{q['rate']}*{t})"
    if distribution == "weibull":
        return f"EXP(-(({t}/{q['scale']})^{q['shape']}))"  # Excel's unary minus binds tighter than ^
    if distribution == "weibullPH":
        return f"EXP(-{q['scale']}*{t}^{q['shape']})"
    if distribution == "gompertz":
        shape, rate = q["shape"], q["rate"]
        return f"IF(ABS({shape})<1E-150,EXP(-{rate}*{t}),EXP(-{rate}*(EXP({shape}*{t})-1)/{shape}))"
    if distribution == "llogis":
        return f"1/(1+({t}/{q['scale']})^{q['shape']})"
    if distribution == "lnorm":
        return f"IF({t}<=0,1,_xlfn.NORM.S.DIST(-(LN({t})-{q['meanlog']})/{q['sdlog']},TRUE))"
    if distribution == "gamma":
        return f"IF({t}<=0,1,1-_xlfn.GAMMA.DIST({q['rate']}*{t},{q['shape']},1,TRUE))"
    if distribution == "gengamma":
        mu, sigma, Q = q["mu"], q["sigma"], q["Q"]
        u = f"EXP({Q}*(LN({t})-{mu})/{sigma})/{Q}^2"
        cdf = f"_xlfn.GAMMA.DIST({u},1/{Q}^2,1,TRUE)"
        small = number(GENGAMMA_Q_SERIES)
        return f"IF({t}<=0,1,IF(ABS({Q})<{small},NA(),IF({Q}>0,1-{cdf},{cdf})))"
    if distribution == "gengamma.orig":
        return f"IF({t}<=0,1,1-_xlfn.GAMMA.DIST(({t}/{q['scale']})^{q['shape']},{q['k']},1,TRUE))"
    raise Unsupported(f"the survival distribution '{distribution}' has no Excel translation")


def adjusted_survival(
    distribution: str, p: Mapping[str, str], t: str, hazard_ratio: str, acceleration_factor: str, cure_fraction: str
) -> str:
    """Excel text of π + (1 - π) S(t / AF)^HR, leaving out the adjustments that are the identity."""
    if acceleration_factor != "1":
        t = f"{_w(t)}/{_w(acceleration_factor)}"
    s = unadjusted_survival(distribution, p, t)
    if hazard_ratio != "1":
        s = f"({s})^{_w(hazard_ratio)}"
    if cure_fraction != "0":
        s = f"{_w(cure_fraction)}+(1-{_w(cure_fraction)})*{_w(s)}"
    return s
