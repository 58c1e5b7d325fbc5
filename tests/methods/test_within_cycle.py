"""Within-cycle correction weights and discount factors against closed-form integrals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from hecon.methods.discounting import discount_factors
from hecon.methods.within_cycle import cycle_weights
from hecon.model.problems import ModelError


@pytest.mark.parametrize("T", [1, 2, 3, 4, 5, 7, 10, 11])
@pytest.mark.parametrize("method", ["none", "end", "half-cycle", "trapezoid", "simpson"])
def test_constant_integrated_exactly(method, T):
    assert cycle_weights(method, T).sum() == pytest.approx(T, rel=1e-14)


@pytest.mark.parametrize("T", [2, 3, 4, 5, 6, 9, 12, 13])
def test_simpson_exact_for_cubics_even_and_odd(T):
    """Simpson's 1/3 (and the 3/8 tail for odd T) integrate cubics exactly:
    ∫_0^T (t^3 - 2t^2 + t + 5) dt = T^4/4 - 2T^3/3 + T^2/2 + 5T."""
    t = np.arange(T + 1.0)
    f = t**3 - 2 * t**2 + t + 5
    exact = T**4 / 4 - 2 * T**3 / 3 + T**2 / 2 + 5 * T
    assert cycle_weights("simpson", T) @ f == pytest.approx(exact, rel=1e-13)


def test_simpson_even_matches_scipy():
    T = 20
    t = np.arange(T + 1.0)
    f = np.exp(-0.1 * t)
    assert cycle_weights("simpson", T) @ f == pytest.approx(integrate.simpson(f, x=t), rel=1e-14)


def test_trapezoid_matches_scipy_and_half_cycle():
    t = np.arange(8.0)
    f = np.exp(-0.3 * t)
    w = cycle_weights("trapezoid", 7)
    assert w @ f == pytest.approx(integrate.trapezoid(f, x=t), rel=1e-14)
    np.testing.assert_array_equal(w, cycle_weights("half-cycle", 7))


def test_none_and_end_count_start_and_end_of_cycles():
    np.testing.assert_array_equal(cycle_weights("none", 3), [1, 1, 1, 0])
    np.testing.assert_array_equal(cycle_weights("end", 3), [0, 1, 1, 1])


def test_custom_weights_and_errors():
    np.testing.assert_array_equal(cycle_weights("custom", 2, [0.2, 1, 0.8]), [0.2, 1, 0.8])
    with pytest.raises(ModelError, match="3 weights"):
        cycle_weights("custom", 2, [1, 1])
    with pytest.raises(ModelError, match="unknown method 'simpsons'"):
        cycle_weights("simpsons", 2)


def test_discount_factors():
    t = np.array([0.0, 0.5, 1.0, 2.0])
    np.testing.assert_allclose(discount_factors(0.03, t), [1, 1.03**-0.5, 1 / 1.03, 1.03**-2])
    np.testing.assert_allclose(discount_factors(0.03, t, "annual"), [1, 1, 1 / 1.03, 1.03**-2])
    np.testing.assert_array_equal(discount_factors(0.0, t), 1.0)
