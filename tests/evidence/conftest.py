"""Shared fixtures of the evidence tests: the survival data sets and their fits.

The data sets are R ``survival`` package data written by ``reference/datasets.R``; the fits
of every distribution to each pooled data set are computed once per test session.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hecon.evidence.fit import FITTED_DISTRIBUTIONS, SurvivalFit, fit_all
from hecon.evidence.ipd import ArmData, arm_data, read_ipd

DATA = Path(__file__).parent / "data"
REFERENCE = Path(__file__).parent / "reference"
DATASETS = ("ovarian", "lung", "veteran", "colon")
#: Data sets whose Kaplan-Meier curve levels off, so that a cure fraction is identified.
CURE_DATASETS = ("ovarian", "colon")


def pooled(name: str) -> ArmData:
    """All patients of a data set as one arm ("all"), ignoring its arm column."""
    arms = read_ipd(DATA / f"{name}.csv").values()
    return arm_data(np.concatenate([a.time for a in arms]), np.concatenate([a.event for a in arms]))


@pytest.fixture(scope="session")
def fitted() -> dict[str, dict[tuple[str, bool], SurvivalFit]]:
    """Data set -> (distribution, cure) -> fit to the pooled data, times in days."""
    out = {}
    for name in DATASETS:
        fits = fit_all([pooled(name)], FITTED_DISTRIBUTIONS, ("weibull", "lnorm", "llogis"), time_unit="days")
        out[name] = {(f.distribution, f.cure): f for f in fits}
    return out
