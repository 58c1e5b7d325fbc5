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
s = t / (1 - mu t). With A = X L^-T U diag(1 - mu t)^-1/2, for every lambda, with
d_j = 1 / (1 + lambda s_j) and z = A'y,

    fitted = A diag(d) z,   edof = sum_j d_j (A'A)_jj,
    RSS = y'y - 2 z' diag(d) z + z' diag(d) A'A diag(d) z,

so choosing lambda costs O(p^2) per candidate instead of a new fit. lambda minimises the
generalised cross-validation score n RSS / (n - edof)^2 (Craven & Wahba 1979; mgcv's default
criterion, as used by Strong et al.) over a grid of 10 per decade.

The coefficients' approximate posterior is N(b_hat, (B + lambda S)^-1 sigma^2) (Wood 2017,
section 6.10), so fitted values drawn from it are ``fitted + sigma A diag(sqrt(d)) zeta``
with zeta standard normal (:meth:`Smoother.loadings`), which is what the EVPPI's standard error
needs (Strong et al. 2014, section 2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hecon.model.types import FloatArray

__all__ = ["Smoother", "bspline_basis", "difference_penalty", "discrete_smoother", "spline_smoother"]

SPLINES_SINGLE = 20
"""B-splines for one continuous parameter."""
SPLINE_ORDER = 3
"""Cubic B-splines (:func:`bspline_basis`)."""
LOG10_LAMBDA = np.arange(-8.0, 8.01, 0.1)
"""Candidate smoothing parameters, as log10(lambda x the median positive eigenvalue s)."""
RIDGE = 1e-8
"""eps of B = X'X + eps I, relative to the mean of X'X's diagonal."""


def bspline_basis(x: FloatArray, n_splines: int) -> FloatArray:
    """Values (n, n_splines) at ``x`` (n,) of ``n_splines`` >= 4 cubic B-splines on equally
    spaced knots whose inner ones run from min(x) to max(x) (Eilers & Marx 1996). Each row sums
    to 1.

    On equally spaced knots every cubic B-spline is a shift of one piecewise cubic (de Boor C.
    A Practical Guide to Splines. Springer 1978, chapter IX): at fraction f in [0, 1) of inner
    interval k, splines k..k+3 take (1 - f)^3 / 6, (3f^3 - 6f^2 + 4) / 6,
    (-3f^3 + 3f^2 + 3f + 1) / 6 and f^3 / 6, and the others 0.
    """
    x = np.asarray(x, dtype=float)
    intervals = n_splines - SPLINE_ORDER
    lo, width = float(np.min(x)), float(np.ptp(x)) / intervals
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

    a : A (n, p); s : the penalty's eigenvalues s (p,), >= 0, exactly 0 in its null space;
    gram : A'A (p, p)
    """

    a: FloatArray
    s: FloatArray
    gram: FloatArray

    @classmethod
    def of(cls, x: FloatArray, penalty: FloatArray) -> Smoother:
        """Decompose the basis ``x`` (n, p) and penalty (p, p)."""
        from scipy.linalg import cholesky, eigh, solve_triangular

        b = x.T @ x
        b[np.diag_indices_from(b)] += RIDGE * float(np.mean(np.diag(b)))
        trace = float(np.trace(penalty))
        mu = float(np.trace(b)) / trace if trace > 0 else 0.0
        lower = cholesky(b + mu * penalty, lower=True)  # better conditioned than b alone
        half = solve_triangular(lower, penalty, lower=True)
        m = solve_triangular(lower, half.T, lower=True)  # L0^-1 S L0^-T, eigenvalues t in [0, 1/mu)
        t, u = eigh((m + m.T) / 2)
        t = np.where(t > 1e-9 * max(float(t.max()), 0.0), t, 0.0)  # the penalty's null space: exactly 0
        keep = np.clip(1.0 - mu * t, np.finfo(float).tiny, None)
        a = (solve_triangular(lower, x.T, lower=True).T @ u) / np.sqrt(keep)
        return cls(np.asarray(a), t / keep, np.asarray(a.T @ a))

    @property
    def n_coefficients(self) -> int:
        """p, the number of basis functions."""
        return int(self.a.shape[1])

    def shrinkage(self, lam: float) -> FloatArray:
        """d_j = 1 / (1 + lambda s_j) (p,)."""
        return np.asarray(1.0 / (1.0 + lam * self.s))

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
        n = self.a.shape[0]
        z2 = (self.a.T @ y) ** 2
        d = 1.0 / (1.0 + lams[:, None] * self.s[None, :])  # (n_lambda, p)
        penalised_rss = np.maximum(float(y @ y) - d @ z2, 1e-300)
        m = n - (self.a.shape[1] - r)
        return np.asarray(
            m * np.log(penalised_rss / m)
            + np.log1p(lams[:, None] * self.s[None, positive]).sum(axis=1)
            - r * np.log(lams)
        )

    def fitted(self, y: FloatArray, lam: float) -> FloatArray:
        """Fitted values (n, m) of the responses ``y`` (n, m) at smoothing ``lam``."""
        return np.asarray(self.a @ (self.shrinkage(lam)[:, None] * (self.a.T @ y)))

    def edof(self, lam: float) -> float:
        """Effective degrees of freedom, the trace of the smoother matrix, at ``lam``."""
        return float(self.shrinkage(lam) @ np.diag(self.gram))

    def loadings(self, lam: float) -> FloatArray:
        """A diag(sqrt(d)) (n, p): times standard normal zeta (p, n_draws), draws of the fitted
        values' deviation from the fit per unit residual standard deviation."""
        return np.asarray(self.a * np.sqrt(self.shrinkage(lam)))


def spline_smoother(x: FloatArray) -> Smoother:
    """The smoother of one continuous parameter (k = 1) or a tensor product of k <= 4
    (x: (n, k); see the module docs)."""
    k = x.shape[1]
    q = SPLINES_SINGLE if k == 1 else (5 if k <= 3 else 4)
    margins = [bspline_basis(x[:, j], q) for j in range(k)]
    basis = margins[0]
    for m in margins[1:]:
        basis = (basis[:, :, None] * m[:, None, :]).reshape(len(x), -1)
    marginal = difference_penalty(q)
    penalty = np.zeros((q**k, q**k))
    for j in range(k):
        # the marginal penalty along parameter j, identity along the others (row-major order of basis)
        penalty += np.kron(np.kron(np.eye(q**j), marginal), np.eye(q ** (k - 1 - j)))
    return Smoother.of(basis, penalty)


def discrete_smoother(x: FloatArray) -> Smoother:
    """The smoother of a discrete parameter's values ``x`` (n,): one indicator per distinct value,
    no penalty (fitted values are the group means)."""
    basis = (x[:, None] == np.unique(x)[None, :]).astype(float)
    return Smoother.of(basis, np.zeros((basis.shape[1], basis.shape[1])))
