"""Discount factors.

The factor for an amount at time t years is (1 + r)^-t with the annual rate r
(Drummond et al., Methods for the Economic Evaluation of Health Care Programmes, 4th ed.,
ch. 4). With ``timing="annual"`` the factor is constant within each model year,
(1 + r)^-floor(t), as in spreadsheet models that discount per year (year 1 undiscounted).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from hecon.model.types import FloatArray


def discount_factors(rate: float, times_years: ArrayLike, timing: str = "cycle") -> FloatArray:
    """Discount factors [-] for amounts at ``times_years`` [years] at annual ``rate`` [per year]."""
    t = np.asarray(times_years, dtype=float)
    if timing == "annual":
        # a small tolerance so that t = 1.0000000001 computed from 52 weekly cycles stays in year 1
        t = np.floor(t + 1e-9)
    factors: FloatArray = np.power(1.0 + rate, -t)
    return factors
