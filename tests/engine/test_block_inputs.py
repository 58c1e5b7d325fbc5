"""Block inputs computed once: general-population mortality per run, not per chunk and strategy."""

from __future__ import annotations

import numpy as np

from hecon.engine.context import cohort_mortality
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
