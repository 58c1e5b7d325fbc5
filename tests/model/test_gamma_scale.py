"""Gamma by shape and scale (R: rgamma(shape, scale = s)) besides shape and rate and mean and se."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from hecon.model.distributions import check_parameters, draw_parameters
from hecon.model.spec import Distribution, Parameter


def _param(**args: float) -> Parameter:
    return Parameter("c", 100.0, distribution=Distribution("gamma", args))


def test_scale_draws_as_rate_one_over_scale():
    by_scale = draw_parameters([_param(shape=4.0, scale=25.0)], 20_000, seed=1)["c"]
    by_rate = draw_parameters([_param(shape=4.0, rate=1 / 25.0)], 20_000, seed=1)["c"]
    np.testing.assert_array_equal(by_scale, by_rate)
    # against scipy's gamma with the same shape and scale (mean 100, variance 2,500)
    assert stats.kstest(by_scale, stats.gamma(4.0, scale=25.0).cdf).pvalue > 0.001


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"shape": 4.0, "rate": 0.04, "scale": 25.0}, "mix two parameterisations"),
        ({"shape": 4.0}, "missing argument rate"),
        ({"shape": 4.0, "scale": -1.0}, "scale"),
    ],
)
def test_bad_arguments(args, message):
    problems = check_parameters([_param(**args)])
    assert problems and message in str(problems[0])
