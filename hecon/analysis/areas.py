"""Restricted means: areas under piecewise-linear curves of the Markov trace.

A restricted mean of a share over time is the area under its curve from 0 to a horizon
tau [years]: the mean time spent in the share's states up to tau (Royston & Parmar, BMC Med
Res Methodol 2013;13:152, for restricted mean survival; Glasziou et al., Stat Med 1990;9:1259
and Regan et al., J Clin Oncol 2019;37:3350 for areas between curves). The trace is known at
its trace points; hecon joins them by straight lines (the trapezoid rule), so a horizon between
two points takes the linearly interpolated share there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["restricted_mean"]


def restricted_mean(years: npt.ArrayLike, share: npt.ArrayLike, horizon: float) -> float:
    """Area [years] under the piecewise-linear curve through (``years``, ``share``) from the
    first point (time 0) to ``horizon`` [years], at most the last point.

    Example: ``restricted_mean([0, 1, 2], [1, 0.5, 0], 1.5)`` is 0.75 + 0.1875 = 0.9375 (the
    trapezoid 1 -> 0.5 over [0, 1], then 0.5 -> 0.25 over [1, 1.5]).
    """
    t = np.asarray(years, dtype=float)
    y = np.asarray(share, dtype=float)
    if not 0.0 <= horizon <= t[-1] + 1e-9:
        raise ValueError(f"horizon {horizon} years is outside the trace [0, {t[-1]}]")
    inside = t < horizon
    t_cut = np.append(t[inside], horizon)
    y_cut = np.append(y[inside], np.interp(horizon, t, y))
    return float(np.sum(np.diff(t_cut) * (y_cut[1:] + y_cut[:-1]) / 2.0))
