"""Penalised regression splines (hecon.analysis.smoother) against independent calculations:
scipy's B-splines, penalised least squares solved directly, and the restricted likelihood
computed with determinants rather than the eigendecomposition."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import BSpline

from hecon.analysis import smoother
from hecon.analysis.smoother import (
    bspline_basis,
    difference_penalty,
    discrete_smoother,
    spline_smoother,
)

RNG = np.random.default_rng(20241207)


@pytest.mark.parametrize("n_splines", [4, 5, 20])
def test_basis_is_scipys_cubic_bspline_on_equally_spaced_knots(n_splines):
    x = RNG.lognormal(size=400)
    lo, hi = x.min(), x.max()
    inner = np.linspace(lo, hi, n_splines - 2)
    step = inner[1] - inner[0]
    knots = np.r_[lo - step * np.arange(3, 0, -1), inner, hi + step * np.arange(1, 4)]
    expected = BSpline.design_matrix(x, knots, 3).toarray()
    np.testing.assert_allclose(bspline_basis(x, n_splines), expected, atol=1e-14)
    np.testing.assert_allclose(bspline_basis(x, n_splines).sum(axis=1), 1.0, atol=1e-14)


def test_difference_penalty_is_the_sum_of_squared_second_differences():
    b = RNG.standard_normal(9)
    assert b @ difference_penalty(9) @ b == pytest.approx(np.sum(np.diff(b, n=2) ** 2))


def _direct(x: np.ndarray, penalty: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """Penalised least squares solved directly: fitted values and the trace of the hat matrix."""
    b = x.T @ x
    b[np.diag_indices_from(b)] += 1e-8 * np.mean(np.diag(x.T @ x))
    hat = x @ np.linalg.solve(b + lam * penalty, x.T)
    return hat @ y, float(np.trace(hat))


@pytest.mark.parametrize("k", [1, 2, 3])
def test_fit_and_degrees_of_freedom_equal_the_direct_solution(k):
    x = RNG.standard_normal((300, k))
    y = np.sin(2 * x[:, 0]) + RNG.standard_normal(300)
    sm = spline_smoother(x)
    q = 20 if k == 1 else 5
    basis = bspline_basis(x[:, 0], q)
    for j in range(1, k):
        basis = (basis[:, :, None] * bspline_basis(x[:, j], q)[:, None, :]).reshape(300, -1)
    penalty = sum(_kron([difference_penalty(q) if i == j else np.eye(q) for i in range(k)]) for j in range(k))
    for lam in (1e-3, 1.0, 1e3):
        fitted, edof = _direct(basis, penalty, y, lam)
        # X'X + lambda S has a condition number up to 1e8 here: the direct solution's rounding ~1e-10
        np.testing.assert_allclose(sm.fitted(y[:, None], lam)[:, 0], fitted, rtol=0, atol=1e-8)
        assert sm.edof(lam) == pytest.approx(edof, rel=1e-7)


def _kron(factors: list[np.ndarray]) -> np.ndarray:
    out = factors[0]
    for f in factors[1:]:
        out = np.kron(out, f)
    return out


def test_restricted_likelihood_differences_equal_the_determinant_formula():
    """-2 log REML (variance profiled out; Wood 2011 eq. 4 with the penalty's pseudo-determinant),
    computed with slogdet, differs between two lambdas by what Smoother.reml says."""
    n = 250
    x = RNG.uniform(size=(n, 1))
    y = np.exp(2 * x[:, 0]) + 0.5 * RNG.standard_normal(n)
    basis, penalty = bspline_basis(x[:, 0], 20), difference_penalty(20)
    b = basis.T @ basis
    b[np.diag_indices_from(b)] += 1e-8 * np.mean(np.diag(basis.T @ basis))
    rank = 18  # second differences of 20 coefficients

    def minus_two_reml(lam: float) -> float:
        coef = np.linalg.solve(b + lam * penalty, basis.T @ y)
        pen_rss = (
            np.sum((y - basis @ coef) ** 2)
            + lam * coef @ penalty @ coef
            + 1e-8 * np.mean(np.diag(basis.T @ basis)) * coef @ coef
        )
        m = n - (20 - rank)
        return m * np.log(pen_rss / m) + np.linalg.slogdet(b + lam * penalty)[1] - rank * np.log(lam)

    lams = np.array([0.01, 1.0, 100.0])
    got = spline_smoother(x).reml(y, lams)
    want = np.array([minus_two_reml(v) for v in lams])
    np.testing.assert_allclose(np.diff(got), np.diff(want), rtol=1e-6, atol=1e-6)


def test_a_straight_line_is_not_penalised():
    """Second differences of the coefficients of a straight line are 0: the fit reproduces it at
    any smoothing, and the smoothing chosen for it leaves 2 degrees of freedom."""
    x = RNG.uniform(size=(200, 1))
    y = 3.0 - 2.0 * x[:, 0]
    sm = spline_smoother(x)
    np.testing.assert_allclose(sm.fitted(y[:, None], 1e6)[:, 0], y, atol=1e-6)
    y_noisy = y + 0.1 * RNG.standard_normal(200)
    assert sm.edof(sm.choose_lambda(y_noisy)) == pytest.approx(2.0, abs=0.2)


def test_discrete_fit_is_the_group_means():
    x = RNG.integers(0, 3, 300).astype(float)
    y = RNG.standard_normal(300) + x
    sm = discrete_smoother(x)
    means = np.array([y[x == v].mean() for v in range(3)])
    np.testing.assert_allclose(sm.fitted(y[:, None], sm.choose_lambda(y))[:, 0], means[x.astype(int)], rtol=1e-6)
    assert sm.edof(0.0) == pytest.approx(3.0, rel=1e-6)


def test_loadings_give_the_posterior_covariance_of_the_fitted_values():
    """With A = X M, A diag(d) A' = X (X'X + eps I + lambda S)^-1 X' (Wood 2017, section 6.10)."""
    x = RNG.standard_normal((150, 1))
    sm = spline_smoother(x)
    basis, penalty = bspline_basis(x[:, 0], 20), difference_penalty(20)
    b = basis.T @ basis
    b[np.diag_indices_from(b)] += 1e-8 * np.mean(np.diag(basis.T @ basis))
    load = basis @ sm.transform * np.sqrt(sm.shrinkage(2.0))
    np.testing.assert_allclose(load @ load.T, basis @ np.linalg.solve(b + 2.0 * penalty, basis.T), atol=1e-9)


def test_basis_rows_over_the_whole_range_are_those_of_the_whole_basis():
    """A piece of the samples with the whole sample's range gives the same rows, bit for bit."""
    x = RNG.lognormal(size=500)
    whole = bspline_basis(x, 20)
    for start, stop in ((0, 37), (37, 300), (300, 500)):
        part = bspline_basis(x[start:stop], 20, (float(x.min()), float(x.max())))
        np.testing.assert_array_equal(part, whole[start:stop])


@pytest.mark.parametrize("k", [1, 2, 4, "discrete"])
def test_pieces_give_the_whole_basis_results(monkeypatch, k):
    """Built 61 samples at a time, the smoother's fit, degrees of freedom and restricted
    likelihood equal those of the basis in one piece (the whole-array computation) up to the
    rounding of sums over samples added piece by piece."""
    n = 700
    x = RNG.integers(1, 4, (n, 1)).astype(float) if k == "discrete" else RNG.standard_normal((n, k))
    y = np.c_[np.sin(2 * x[:, 0]) + RNG.standard_normal(n), x[:, -1] ** 2]
    make = (lambda: discrete_smoother(x[:, 0])) if k == "discrete" else (lambda: spline_smoother(x))
    lams = np.array([1e-3, 1.0, 1e3])
    monkeypatch.setattr(smoother, "PIECE", n)
    whole = make()
    expected = (whole.fitted(y, 1.0), whole.edof(1.0), whole.reml(y[:, 0], lams), whole.choose_lambda(y[:, 0]))
    monkeypatch.setattr(smoother, "PIECE", 61)
    pieced = make()
    got = (pieced.fitted(y, 1.0), pieced.edof(1.0), pieced.reml(y[:, 0], lams), pieced.choose_lambda(y[:, 0]))
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-10, atol=1e-10)
    assert got[1] == pytest.approx(expected[1], rel=1e-10)
    np.testing.assert_allclose(got[2], expected[2], rtol=1e-10)
    assert got[3] == pytest.approx(expected[3], rel=1e-10)  # the same candidate of the grid
