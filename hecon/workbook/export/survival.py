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

Hazards h(t) = f(t) / S(t) (:func:`hecon.methods.survival.hazard`): closed forms for exp
(rate), weibull ((shape / scale)(t / scale)^(shape - 1)), weibullPH (shape scale t^(shape - 1)),
gompertz (rate exp(shape t)) and llogis ((shape / scale) z^(shape - 1) / (1 + z^shape),
z = t / scale); otherwise the density over S: lnorm φ(z) / (sdlog t Φ(-z)); gamma
rate g(rate t; shape) / S; gengamma |Q| u g(u; a) / (sigma t S) with u = a exp(Q w) (the
density of u = a exp(Q w) is Gamma(a, 1)); gengamma.orig shape x g(x; k) / (t S) with
x = (t / scale)^shape; g the gamma density (GAMMA.DIST(..., FALSE)). At t = 0 the limit of a
density that behaves as t^(order - 1): 0 for order > 1, the given value for order = 1 and
#N/A for order < 1, where hecon's value is infinite (Excel has no infinity).
Adjusted (:meth:`hecon.engine.context.ModelContext.curve_hazard`): with s_u = S(t / AF)^HR and
h_u = HR h(t / AF) / AF, h_adj = (1 - π) s_u h_u / (π + (1 - π) s_u) (h_u once that is 0).

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


def _at_zero(t: str, order: str, value_if_one: str, formula: str) -> str:
    """``formula`` for t > 0; at t = 0 the hazard of a density that behaves as t^(order - 1)."""
    return f"IF({t}<=0,IF({order}>1,0,IF({order}=1,{value_if_one},NA())),{formula})"


def unadjusted_hazard(distribution: str, p: Mapping[str, str], t: str) -> str:
    """Excel text of the hazard h(t) [1 / curve time unit] of ``distribution`` with parameters
    ``p`` (Excel text by flexsurv name) at time ``t`` (Excel text, in the curve's time unit)."""
    t = _w(t)
    q = {k: _w(v) for k, v in p.items()}
    if distribution == "exp":
        return q["rate"]
    if distribution == "weibull":
        shape, scale = q["shape"], q["scale"]
        return _at_zero(t, shape, f"1/{scale}", f"({shape}/{scale})*({t}/{scale})^({shape}-1)")
    if distribution == "weibullPH":
        shape, scale = q["shape"], q["scale"]
        return _at_zero(t, shape, scale, f"{shape}*{scale}*{t}^({shape}-1)")
    if distribution == "gompertz":
        return f"{q['rate']}*EXP({q['shape']}*{t})"
    if distribution == "llogis":
        shape, scale = q["shape"], q["scale"]
        z = f"({t}/{scale})"
        return _at_zero(t, shape, f"1/{scale}", f"({shape}/{scale})*{z}^({shape}-1)/(1+{z}^{shape})")
    s = _w(unadjusted_survival(distribution, p, t))
    if distribution == "lnorm":
        z = f"(LN({t})-{q['meanlog']})/{q['sdlog']}"
        density = f"_xlfn.NORM.S.DIST({z},FALSE)/({q['sdlog']}*{t})"
        return f"IF({t}<=0,0,{density}/{s})"
    if distribution == "gamma":
        shape, rate = q["shape"], q["rate"]
        density = f"{rate}*_xlfn.GAMMA.DIST({rate}*{t},{shape},1,FALSE)"
        return _at_zero(t, shape, rate, f"{density}/{s}")
    if distribution == "gengamma":
        mu, sigma, Q = q["mu"], q["sigma"], q["Q"]
        u = f"(EXP({Q}*(LN({t})-{mu})/{sigma})/{Q}^2)"
        density = f"ABS({Q})*{u}*_xlfn.GAMMA.DIST({u},1/{Q}^2,1,FALSE)/({sigma}*{t})"
        a = f"(1/{Q}^2)"
        one = f"EXP(({a}-1)*LN({a})-GAMMALN({a})-{mu})"
        small = number(GENGAMMA_Q_SERIES)
        inner = _at_zero(t, f"IF({Q}>0,1/({Q}*{sigma}),2)", one, f"{density}/{s}")
        return f"IF(ABS({Q})<{small},NA(),{inner})"
    if distribution == "gengamma.orig":
        shape, scale, k = q["shape"], q["scale"], q["k"]
        x = f"({t}/{scale})^{shape}"
        density = f"{shape}*{x}*_xlfn.GAMMA.DIST({x},{k},1,FALSE)/{t}"
        one = f"EXP(LN({shape}/{scale})-GAMMALN({k}))"
        return _at_zero(t, f"({shape}*{k})", one, f"{density}/{s}")
    raise Unsupported(f"the survival distribution '{distribution}' has no Excel translation")


def adjusted_hazard(
    distribution: str, p: Mapping[str, str], t: str, hazard_ratio: str, acceleration_factor: str, cure_fraction: str
) -> str:
    """Excel text of the hazard [1 / curve time unit] of π + (1 - π) S(t / AF)^HR at ``t``,
    leaving out the adjustments that are the identity."""
    scaled = f"{_w(t)}/{_w(acceleration_factor)}" if acceleration_factor != "1" else t
    h = unadjusted_hazard(distribution, p, scaled)
    if hazard_ratio != "1":
        h = f"{_w(hazard_ratio)}*{_w(h)}"
    if acceleration_factor != "1":
        h = f"{_w(h)}/{_w(acceleration_factor)}"
    if cure_fraction == "0":
        return h
    pi = _w(cure_fraction)
    s_u = _w(adjusted_survival(distribution, p, t, hazard_ratio, acceleration_factor, "0"))  # the uncured part
    return f"IF({pi}+(1-{pi})*{s_u}>0,(1-{pi})*{s_u}*{_w(h)}/({pi}+(1-{pi})*{s_u}),{_w(h)})"


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
