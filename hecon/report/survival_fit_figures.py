"""Figures that judge fitted survival curves against the data (NICE DSU TSD 14, Latimer 2011).

For each arm, four PNGs in the report style (:mod:`hecon.report.style`):

* ``survival``: the Kaplan–Meier curve with its 95% confidence band (survfit's "log"
  interval) and censoring marks, and every fitted curve, over the observed follow-up;
* ``extrapolation``: the same curves to a horizon, where they part ways;
* ``hazard``: the kernel-smoothed empirical hazard
  (:func:`hecon.evidence.empirical_hazard.smoothed_hazard`) and the fitted hazards;
* ``log_cumulative_hazard``: log H(t) against log t, the Kaplan–Meier H = -log S as points and
  the fitted curves as lines: a Weibull is a straight line, and proportional hazards between
  arms show as parallel curves.

Only converged fits are drawn, in order of AIC (the legend gives each AIC). The time axis is
in the fit's time unit. Nothing here fits or reads files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from hecon.evidence.empirical_hazard import smoothed_hazard
from hecon.evidence.fit import SurvivalFit
from hecon.evidence.ipd import ALL, ArmData
from hecon.evidence.kaplan_meier import KaplanMeier, kaplan_meier
from hecon.evidence.outputs import usable_name
from hecon.report.numbers import fixed, significant
from hecon.report.style import STRATEGY_COLOURS, new_figure, plain, png, strategy_dash, style

__all__ = [
    "extrapolation_figure",
    "fit_figures",
    "hazard_figure",
    "log_cumulative_hazard_figure",
    "survival_figure",
]

#: Default extrapolation horizon, in multiples of the last observed time.
HORIZON_FACTOR = 5.0
_WIDTH, _HEIGHT = 8.0, 4.6
_KM_COLOUR, _BAND_COLOUR = "#000000", "#BBBBBB"
_POINTS = 400


def _drawn(fits: Sequence[SurvivalFit]) -> list[SurvivalFit]:
    return sorted((f for f in fits if f.converged), key=lambda f: f.aic)


def _title(arm: ArmData, what: str) -> str:
    return plain(what if arm.arm == ALL else f"{what}: {arm.arm}")


def _time_label(fits: Sequence[SurvivalFit]) -> str:
    units = {f.time_unit for f in fits}
    return f"Time [{units.pop()}]" if len(units) == 1 else "Time"


#: Curve colours: the report's strategy palette without black (the Kaplan–Meier curve's) and
#: yellow (too pale for thin lines); dashes separate curves beyond these six.
_COLOURS = tuple(c for c in STRATEGY_COLOURS if c not in ("#000000", "#F0E442"))


def _curve_style(i: int) -> dict[str, Any]:
    return {"color": _COLOURS[i % len(_COLOURS)], "linestyle": strategy_dash(i // len(_COLOURS)), "linewidth": 1.4}


def _legend(ax: Axes) -> None:
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def _km_step(ax: Axes, km: KaplanMeier) -> None:
    t = np.concatenate(([0.0], km.time))
    s = np.concatenate(([1.0], km.survival))
    lower = np.concatenate(([1.0], km.lower))
    upper = np.concatenate(([1.0], km.upper))
    ax.fill_between(t, lower, upper, step="post", color=_BAND_COLOUR, alpha=0.45, linewidth=0, label="95% CI")
    ax.step(t, s, where="post", color=_KM_COLOUR, linewidth=1.6, label="Kaplan–Meier")
    censored = km.n_censor > 0
    ax.plot(km.time[censored], km.survival[censored], "|", color=_KM_COLOUR, markersize=5, label="censored")


def _survival_axes(arm: ArmData, fits: Sequence[SurvivalFit], end: float, what: str) -> MplFigure:
    km = kaplan_meier(arm.time, arm.event)
    fig = new_figure(_WIDTH, _HEIGHT)
    ax = fig.add_subplot()
    _km_step(ax, km)
    t = np.linspace(0.0, end, _POINTS)
    for i, fit in enumerate(_drawn(fits)):
        ax.plot(t, fit.survival(t), label=plain(f"{fit.label} (AIC {fixed(fit.aic, 1)})"), **_curve_style(i))
    ax.set_xlim(0.0, end)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel(_time_label(fits))
    ax.set_ylabel("Survival S(t)")
    ax.set_title(_title(arm, what))
    _legend(ax)
    fig.tight_layout()
    return fig


def survival_figure(arm: ArmData, fits: Sequence[SurvivalFit]) -> MplFigure:
    """Kaplan–Meier with 95% CI and every fitted curve over the observed follow-up."""
    return _survival_axes(arm, fits, float(arm.time.max()), "Kaplan–Meier and fitted curves")


def extrapolation_figure(arm: ArmData, fits: Sequence[SurvivalFit], horizon: float | None = None) -> MplFigure:
    """The fitted curves to ``horizon`` [time unit of the fit; default 5 x the last observed
    time], with the Kaplan–Meier curve where there are data."""
    end = HORIZON_FACTOR * float(arm.time.max()) if horizon is None else float(horizon)
    fig = _survival_axes(arm, fits, end, "Extrapolation")
    ax = fig.axes[0]
    ax.axvline(float(arm.time.max()), color="#777777", linewidth=0.8, linestyle=":")
    return fig


def hazard_figure(arm: ArmData, fits: Sequence[SurvivalFit]) -> MplFigure:
    """Smoothed empirical hazard and the fitted hazards over the observed follow-up."""
    km = kaplan_meier(arm.time, arm.event)
    smooth = smoothed_hazard(km)
    fig = new_figure(_WIDTH, _HEIGHT)
    ax = fig.add_subplot()
    end = float(arm.time.max())
    t = np.linspace(end / _POINTS, end, _POINTS)
    top = 0.0
    if smooth.time.size:
        ax.plot(smooth.time, smooth.hazard, color=_KM_COLOUR, linewidth=2.0, label="smoothed empirical")
        top = float(smooth.hazard.max())
    for i, fit in enumerate(_drawn(fits)):
        with np.errstate(all="ignore"):
            h = fit.hazard(t)
        ax.plot(t, h, label=plain(f"{fit.label} (AIC {fixed(fit.aic, 1)})"), **_curve_style(i))
        inside = h[(t >= smooth.time[0]) & (t <= smooth.time[-1])] if smooth.time.size else h[np.isfinite(h)]
        top = max(top, float(np.nanmax(inside)) if inside.size else 0.0)
    ax.set_xlim(0.0, end)
    ax.set_ylim(0.0, 1.5 * top if top > 0 else 1.0)
    ax.set_xlabel(_time_label(fits))
    unit = {f.time_unit for f in fits}
    ax.set_ylabel(f"Hazard [per {unit.pop().rstrip('s')}]" if len(unit) == 1 else "Hazard")
    ax.set_title(_title(arm, f"Hazard (empirical: Epanechnikov kernel, bandwidth {significant(smooth.bandwidth, 3)})"))
    _legend(ax)
    fig.tight_layout()
    return fig


def log_cumulative_hazard_figure(arm: ArmData, fits: Sequence[SurvivalFit]) -> MplFigure:
    """log H(t) against log t: Kaplan–Meier points and fitted curves (log-log axes)."""
    km = kaplan_meier(arm.time, arm.event)
    keep = (km.n_event > 0) & (km.survival > 0) & (km.time > 0)
    fig = new_figure(_WIDTH, _HEIGHT)
    ax = fig.add_subplot()
    ax.plot(km.time[keep], -np.log(km.survival[keep]), "o", color=_KM_COLOUR, markersize=3, label="Kaplan–Meier")
    start, end = float(km.time[keep][0]), float(arm.time.max())
    t = np.geomspace(start, end, _POINTS)
    for i, fit in enumerate(_drawn(fits)):
        ax.plot(t, fit.cumulative_hazard(t), label=plain(f"{fit.label} (AIC {fixed(fit.aic, 1)})"), **_curve_style(i))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(_time_label(fits) + " (log scale)")
    ax.set_ylabel("Cumulative hazard H(t) = -log S(t) (log scale)")
    ax.set_title(_title(arm, "Log cumulative hazard"))
    _legend(ax)
    fig.tight_layout()
    return fig


def fit_figures(
    data: Mapping[str, ArmData], fits: Sequence[SurvivalFit], *, horizon: float | None = None
) -> dict[str, bytes]:
    """
    Every figure of every arm as PNG bytes.

    Parameters
    ----------
    data : mapping of arm -> ArmData
        The patient data the curves were fitted to.
    fits : sequence of SurvivalFit
        The fits (:func:`hecon.evidence.fit.fit_all`); each arm's figures show its own fits.
    horizon : float, optional
        End of the extrapolation figure [time unit of the fit].

    Returns
    -------
    dict
        ``figures/<arm>_<figure>.png`` -> PNG bytes (``figures/<figure>.png`` without arms),
        ready for :func:`hecon.evidence.outputs.write_fit_outputs`'s ``files``.
    """
    out = {}
    with style():
        for arm_name, arm in data.items():
            own = [f for f in fits if f.arm == arm_name]
            stem = "figures/" + ("" if arm_name == ALL else f"{usable_name(arm_name)}_")
            out[f"{stem}survival.png"] = png(survival_figure(arm, own))
            out[f"{stem}extrapolation.png"] = png(extrapolation_figure(arm, own, horizon))
            out[f"{stem}hazard.png"] = png(hazard_figure(arm, own))
            out[f"{stem}log_cumulative_hazard.png"] = png(log_cumulative_hazard_figure(arm, own))
    return out
