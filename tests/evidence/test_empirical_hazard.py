"""Tests for hecon.evidence.empirical_hazard: the kernel-smoothed Nelson–Aalen hazard.

References: a loop written out from Ramlau-Hansen's formula (double programming), the
constant hazard of exponential data, and muhaz's pilot bandwidth formula.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from hecon.evidence.empirical_hazard import default_bandwidth, smoothed_hazard
from hecon.evidence.kaplan_meier import kaplan_meier
from tests.evidence.conftest import pooled


def test_equals_the_formula_written_out():
    data = pooled("veteran")  # ties, censoring
    km = kaplan_meier(data.time, data.event)
    b = 40.0
    times = np.array([45.0, 100.0, 250.0, 500.0])
    expected = []
    for t in times:
        total = 0.0
        for t_j in np.unique(data.time[data.event]):
            d_j = np.sum((data.time == t_j) & data.event)
            n_j = np.sum(data.time >= t_j)
            u = (t - t_j) / b
            if abs(u) <= 1:
                total += 0.75 * (1 - u * u) * d_j / n_j
        expected.append(total / b)
    result = smoothed_hazard(km, times, bandwidth=b)
    np.testing.assert_allclose(result.hazard, expected, rtol=1e-13)
    assert result.bandwidth == b


def test_default_bandwidth_is_muhaz_pilot():
    data = pooled("lung")
    km = kaplan_meier(data.time, data.event)
    assert default_bandwidth(km) == pytest.approx((1022 - 5) / (8 * 165**0.2), rel=1e-12)


def test_exponential_data_give_the_constant_hazard():
    rng = np.random.default_rng(7)
    rate = 0.05
    time = rng.exponential(1 / rate, 20_000)
    follow_up = np.minimum(time, 30.0)
    km = kaplan_meier(follow_up, time <= 30.0)
    result = smoothed_hazard(km, np.linspace(5, 25, 9), bandwidth=4.0)
    # ~12,000 events in [0, 30]: the kernel estimate's relative sd is about
    # sqrt(0.6 / (n_at_risk h b)) < 3%; allow 10%
    np.testing.assert_allclose(result.hazard, rate, rtol=0.1)


def test_times_within_a_bandwidth_of_the_ends_are_dropped():
    km = kaplan_meier([1.0, 2.0, 3.0, 10.0], [1, 1, 1, 0])
    result = smoothed_hazard(km, [1.5, 2.0, 5.0, 9.5], bandwidth=1.0)
    assert result.time.tolist() == [2.0, 5.0]
    assert math.isclose(result.hazard[1], 0.0)  # no event within a bandwidth of t = 5


def test_docstring_examples():
    from hecon.evidence import empirical_hazard

    assert doctest.testmod(empirical_hazard).failed == 0
