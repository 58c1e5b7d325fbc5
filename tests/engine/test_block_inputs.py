"""Block inputs computed once: general-population mortality per run, a packed row's bounds in one pass."""

from __future__ import annotations

import numpy as np
import pytest

from hecon.engine.context import cohort_mortality
from hecon.engine.packing import _bounds
from hecon.methods.lifetable import bundled_lifetable, cohort_death_probability


def test_cohort_mortality_is_computed_once_and_laid_out_for_the_engine():
    table = bundled_lifetable("nl_cbs_2019")
    male = np.array([0.6])
    first = cohort_mortality(table, 60.0, male, 7 / 365.25, 100)
    again = cohort_mortality(table, 60.0, np.array([0.6]), 7 / 365.25, 100)
    assert again is first  # the same inputs give the same array, computed once
    assert first.shape == (100, 1, 1) and not first.flags.writeable
    expected = cohort_death_probability(table, 60.0, male, 7 / 365.25, 100)  # (1, 100)
    assert np.array_equal(first[:, 0, 0], expected[0])
    other = cohort_mortality(table, 60.0, np.array([0.4]), 7 / 365.25, 100)
    assert other is not first and not np.array_equal(other, first)
    sampled = cohort_mortality(table, 60.0, np.array([0.2, 0.9]), 7 / 365.25, 100)
    assert sampled.shape == (100, 1, 2)
    assert np.array_equal(sampled[:, 0, 1], cohort_death_probability(table, 60.0, 0.9, 7 / 365.25, 100))


@pytest.mark.parametrize(
    "values",
    [[0.5], [0.2, -1.0, 3.0], [1.0, np.inf, 0.0], [-np.inf, 2.0], [0.1, np.nan, 0.3], [np.nan]],
)
def test_bounds_are_numpys_minimum_and_maximum(values):
    a = np.array(values, dtype=float)
    lo, hi = _bounds(a)
    np.testing.assert_array_equal([lo, hi], [a.min(), a.max()])  # NaN anywhere: both NaN, as numpy
