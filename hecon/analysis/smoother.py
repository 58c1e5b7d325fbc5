"""Penalised regression splines for the EVPPI regressions (:mod:`hecon.analysis.evppi`).

The regression of a net benefit y (n samples) on the sampled values of one to four parameters
is a penalised least-squares fit, minimise ||y - X b||^2 + lambda b' S b, with X the values of
the basis functions at the samples and S the roughness penalty:

* one continuous parameter: 20 cubic B-splines on equally spaced knots over the sampled range
  with a second-order difference penalty on their coefficients (P-splines; Eilers PHC, Marx BD.
  Flexible smoothing with B-splines and penalties. Statist Sci 1996;11:89-121), the ``s`` term
  of Strong, Oakley & Brennan (Med Decis Making 2014;34:311-326);
* a group of k parameters: the tensor product of cubic B-spline bases of 5 functions per
  parameter (4 for k = 4) with the sum of the marginal difference penalties, each acting along
  its own parameter (Wood SN. Generalized Additive Models. 2nd ed. CRC 2017, section 5.6), the
  ``te`` term, one smoothing parameter for all directions;
* a discrete parameter: one indicator per value and no penalty (the ``f`` term): the fitted
  value is the mean of y among the samples with that value.

B-splines sum to one, so the constant is in the span of the basis and no intercept is added.

Every response fitted on the same parameters shares X and S, so the work that depends on them
alone is done once (:class:`Smoother`), a Demmler-Reinsch diagonalisation (Wood 2017, section
5.4.2): with B = X'X + eps I (eps, 1e-8 of the mean diagonal, keeps B invertible when a basis
function has few samples), B + mu S = L L' (Cholesky; mu = tr B / tr S, better conditioned than
B alone, whose condition number reaches 1e8 for a tensor product with sparsely sampled
corners) and the eigendecomposition L^-1 S L^-T = U diag(t) U' (t in [0, 1/mu)), B and S are
diagonal in the coefficients (L^-T U diag(1 - mu t)^-1/2): B becomes I and S diag(s) with
s = t / (1 - mu t). With A = X M, M = L^-T U diag(1 - mu t)^-1/2 (p, p), for every lambda, with
d_j = 1 / (1 + lambda s_j) and z = A'y = M'X'y,

    fitted = A diag(d) z,   edof = sum_j d_j (A'A)_jj,
    RSS = y'y - 2 z' diag(d) z + z' diag(d) A'A diag(d) z,

so choosing lambda costs O(p^2) per candidate instead of a new fit. lambda maximises the
restricted likelihood (REML; Wood, J R Stat Soc B 2011; see :meth:`Smoother.reml`) over a grid
of 10 per decade.

X (n, p) is never held whole: it is built :data:`PIECE` samples at a time from the sampled
values (row i depends only on the values of sample i and on each parameter's sampled range), and
every product with it is summed or written piece by piece, so memory does not grow with p x n
(a tensor product of 4 parameters has 256 columns: 205 MB at 100,000 samples).

The coefficients' approximate posterior is N(b_hat, (B + lambda S)^-1 sigma^2) (Wood 2017,
section 6.10), so fitted values drawn from it are ``fitted + sigma A diag(sqrt(d)) zeta``
with zeta standard normal (:class:`hecon.analysis.evppi.PosteriorDraws`), which is what the EVPPI's
standard error needs (Strong et al. 2014, section 2.4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from hecon.model.types import FloatArray

__all__ = ["PIECE", "Smoother", "bspline_basis", "difference_penalty", "discrete_smoother", "pieces", "spline_smoother"]

SPLINES_SINGLE = 20
"""B-splines for one continuous parameter."""
SPLINE_ORDER = 3
"""Cubic B-splines (:func:`bspline_basis`)."""
LOG10_LAMBDA = np.arange(-8.0, 8.01, 0.1)
"""Candidate smoothing parameters, as log10(lambda x the median positive eigenvalue s)."""
RIDGE = 1e-8
"""eps of B = X'X + eps I, relative to the mean of X'X's diagonal."""
PIECE = 4096
"""Samples whose rows of the basis X are held at once (8 MB for 256 basis functions)."""


def pieces(n: int) -> Iterator[slice]:
    """Samples 0..n-1 in consecutive slices of at most :data:`PIECE`."""
    for start in range(0, n, PIECE):
        yield slice(start, min(n, start + PIECE))


def bspline_basis(x: FloatArray, n_splines: int, limits: tuple[float, float] | None = None) -> FloatArray:
    """Values (n, n_splines) at ``x`` (n,) of ``n_splines`` >= 4 cubic B-splines on equally
    spaced knots whose inner ones run from min(x) to max(x), or over ``limits`` (low, high) when
    given (Eilers & Marx 1996). Each row sums to 1 (for x within the limits).

    On equally spaced knots every cubic B-spline is a shift of one piecewise cubic (de Boor C.
    A Practical Guide to Splines. Springer 1978, chapter IX): at fraction f in [0, 1) of inner
    interval k, splines k..k+3 take (1 - f)^3 / 6, (3f^3 - 6f^2 + 4) / 6,
    (-3f^3 + 3f^2 + 3f + 1) / 6 and f^3 / 6, and the others 0.
    """
    x = np.asarray(x, dtype=float)
    intervals = n_splines - SPLINE_ORDER
    lo, hi = (float(np.min(x)), float(np.max(x))) if limits is None else limits
    width = (hi - lo) / intervals
    u = (x - lo) / width if width > 0 else np.zeros_like(x)
    k = np.clip(np.floor(u), 0, intervals - 1).astype(int)
    f = u - k
    values = ((1 - f) ** 3, 3 * f**3 - 6 * f**2 + 4, -3 * f**3 + 3 * f**2 + 3 * f + 1, f**3)
    out = np.zeros((len(x), n_splines))
    rows = np.arange(len(x))
    for j, v in enumerate(values):
        out[rows, k + j] = v / 6.0
    return out


def difference_penalty(n: int, order: int = 2) -> FloatArray:
    """D'D (n, n) with D the ``order``-th difference matrix: the sum of squared ``order``-th
    differences of n adjacent B-spline coefficients, b'D'Db (the P-spline penalty)."""
    d = np.diff(np.eye(n), n=order, axis=0)
    return np.asarray(d.T @ d)


@dataclass(frozen=True)
class Smoother:
    """The decomposition of a basis X (n, p) and penalty S (p, p) shared by every response
    fitted on them (see the module docs).

    basis : rows [start, stop) of X, (stop - start, p); n : samples; transform : M (p, p), with
    A = X M; s : the penalty's eigenvalues s (p,), >= 0, exactly 0 in its null space;
    gram : A'A (p, p)
    """

    basis: Callable[[int, int], FloatArray]
    n: int
    transform: FloatArray
    s: FloatArray
    gram: FloatArray

    @classmethod
    def of(cls, basis: Callable[[int, int], FloatArray], n: int, penalty: FloatArray) -> Smoother:
        """Decompose the basis whose rows [start, stop) ``basis`` gives (n rows) and the penalty (p, p)."""
        from scipy.linalg import cholesky, eigh, solve_triangular

        p = penalty.shape[0]
        xtx = np.zeros((p, p))
        for sl in pieces(n):
            x = basis(sl.start, sl.stop)
            xtx += x.T @ x
        b = xtx.copy()
        b[np.diag_indices_from(b)] += RIDGE * float(np.mean(np.diag(b)))
        trace = float(np.trace(penalty))
        mu = float(np.trace(b)) / trace if trace > 0 else 0.0
        lower = cholesky(b + mu * penalty, lower=True)  # better conditioned than b alone
        half = solve_triangular(lower, penalty, lower=True)
        m = solve_triangular(lower, half.T, lower=True)  # L0^-1 S L0^-T, eigenvalues t in [0, 1/mu)
        t, u = eigh((m + m.T) / 2)
        t = np.where(t > 1e-9 * max(float(t.max()), 0.0), t, 0.0)  # the penalty's null space: exactly 0
        keep = np.clip(1.0 - mu * t, np.finfo(float).tiny, None)
        transform = solve_triangular(lower, u, lower=True, trans="T") / np.sqrt(keep)  # L0^-T U diag(keep)^-1/2
        return cls(basis, n, np.asarray(transform), t / keep, np.asarray(transform.T @ xtx @ transform))

    @property
    def n_coefficients(self) -> int:
        """p, the number of basis functions."""
        return int(self.transform.shape[1])

    def shrinkage(self, lam: float) -> FloatArray:
        """d_j = 1 / (1 + lambda s_j) (p,)."""
        return np.asarray(1.0 / (1.0 + lam * self.s))

    def project(self, y: FloatArray) -> FloatArray:
        """z = A'y (p,) or (p, m) for responses ``y`` (n,) or (n, m), piece by piece."""
        xty = np.zeros((self.n_coefficients,) + y.shape[1:])
        for sl in pieces(self.n):
            xty += self.basis(sl.start, sl.stop).T @ y[sl]
        return np.asarray(self.transform.T @ xty)

    def choose_lambda(self, y: FloatArray) -> float:
        """The lambda maximising the restricted likelihood of ``y`` (n,) over the candidates
        (:data:`LOG10_LAMBDA`; 0 when there is no penalty); see :meth:`reml`."""
        positive = self.s > 0
        if not positive.any():
            return 0.0
        lams = 10.0**LOG10_LAMBDA / float(np.median(self.s[positive]))
        return float(lams[int(np.argmin(self.reml(y, lams)))])

    def reml(self, y: FloatArray, lams: FloatArray) -> FloatArray:
        """-2 x the restricted log likelihood of ``y`` (n,) at each lambda of ``lams``, up to a
        constant, with the variance profiled out (Wood SN. Fast stable restricted maximum
        likelihood and marginal likelihood estimation of semiparametric generalized linear
        models. J R Stat Soc B 2011;73:3-36, section 2):

            (n - M) log((y'y - z' diag(d) z) / (n - M)) + sum_j log(1 + lambda s_j) - r log lambda

        with r the number of positive s_j (the rank of the penalty), M = p - r the dimension of
        its null space (unpenalised functions: constant and linear in each parameter), and
        y'y - z' diag(d) z the penalised residual sum of squares at the fit."""
        positive = self.s > 0
        r = int(positive.sum())
        z2 = self.project(y) ** 2
        d = 1.0 / (1.0 + lams[:, None] * self.s[None, :])  # (n_lambda, p)
        penalised_rss = np.maximum(float(y @ y) - d @ z2, 1e-300)
        m = self.n - (self.n_coefficients - r)
        return np.asarray(
            m * np.log(penalised_rss / m)
            + np.log1p(lams[:, None] * self.s[None, positive]).sum(axis=1)
            - r * np.log(lams)
        )

    def fitted(self, y: FloatArray, lam: float) -> FloatArray:
        """Fitted values (n, m) of the responses ``y`` (n, m) at smoothing ``lam``: X M diag(d) z."""
        coefficients = self.transform @ (self.shrinkage(lam)[:, None] * self.project(y))
        out = np.empty((self.n, y.shape[1]))
        for sl in pieces(self.n):
            out[sl] = self.basis(sl.start, sl.stop) @ coefficients
        return out

    def edof(self, lam: float) -> float:
        """Effective degrees of freedom, the trace of the smoother matrix, at ``lam``."""
        return float(self.shrinkage(lam) @ np.diag(self.gram))


def spline_smoother(x: FloatArray) -> Smoother:
    """The smoother of one continuous parameter (k = 1) or a tensor product of k <= 4
    (x: (n, k); see the module docs)."""
    n, k = x.shape
    q = SPLINES_SINGLE if k == 1 else (5 if k <= 3 else 4)
    limits = [(float(np.min(x[:, j])), float(np.max(x[:, j]))) for j in range(k)]

    def basis(start: int, stop: int) -> FloatArray:
        rows = bspline_basis(x[start:stop, 0], q, limits[0])
        for j in range(1, k):
            margin = bspline_basis(x[start:stop, j], q, limits[j])
            rows = (rows[:, :, None] * margin[:, None, :]).reshape(stop - start, -1)
        return rows

    marginal = difference_penalty(q)
    penalty = np.zeros((q**k, q**k))
    for j in range(k):
        # the marginal penalty along parameter j, identity along the others (row-major order of basis)
        penalty += np.kron(np.kron(np.eye(q**j), marginal), np.eye(q ** (k - 1 - j)))
    return Smoother.of(basis, n, penalty)


def discrete_smoother(x: FloatArray) -> Smoother:
    """The smoother of a discrete parameter's values ``x`` (n,): one indicator per distinct value,
    no penalty (fitted values are the group means)."""
    values = np.unique(x)

    def basis(start: int, stop: int) -> FloatArray:
        return np.asarray(x[start:stop, None] == values[None, :], dtype=float)

    return Smoother.of(basis, len(x), np.zeros((len(values), len(values))))
