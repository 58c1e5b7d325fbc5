"""Q-TWiST: quality-adjusted time without symptoms of disease or toxicity of treatment.

Glasziou, Simes & Gelber, Stat Med 1990;9:1259-76; Gelber, Goldhirsch & Cole, Stat Med
1993;12:1281 (threshold utility analysis); Solem et al., Adv Ther 2018;35:1749 (relative gain).

Restricted mean survival up to a horizon tau is split into three health states:

* TOX   : progression-free time in a state that carries a toxicity flag (:data:`TOX_FLAGS`:
          ``tox`` for grade >= 3 adverse-event windows or step-up dosing, ``hospitalised`` for
          admissions, ``recovering`` for recovery after a course);
* TWiST : the rest of the progression-free time (flag ``progression_free`` without a toxicity flag);
* REL   : alive after progression (a living state without ``progression_free``).

Each is the restricted mean of its share of the Markov trace (:func:`hecon.analysis.areas.
restricted_mean`, undiscounted), so TOX + TWiST + REL is the restricted mean survival. Then

    Q-TWiST = u_TOX * TOX + TWiST + u_REL * REL,

with utilities u_TOX and u_REL in [0, 1]. The difference between strategies A and B is linear in
the utilities, dQ = u_TOX * dTOX + dTWiST + u_REL * dREL; the threshold utility analysis draws,
on the unit square of (u_TOX, u_REL), the line dQ = 0 where the preferred strategy changes. The
relative Q-TWiST gain is dQ divided by B's restricted mean survival (Solem et al. 2018; a gain
of 10% or more is read as clinically important, 15% as clearly important).

Q-TWiST needs a model that flags its progression-free states; it is not computed otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
import xarray as xr

from hecon.analysis.areas import restricted_mean
from hecon.analysis.serialise import frozen
from hecon.model.spec import ModelSpec

__all__ = [
    "PARTS",
    "REFERENCE_UTILITY",
    "TOX_FLAGS",
    "QTwist",
    "QTwistComparison",
    "QTwistPartition",
    "compare",
    "qtwist",
    "qtwist_parts",
    "zero_line",
]

#: Flags that make a progression-free state count as TOX.
TOX_FLAGS = ("tox", "hospitalised", "recovering")
#: The three health states of Q-TWiST, in order.
PARTS = ("TOX", "TWiST", "REL")
#: Utility of TOX and REL at which Q-TWiST is reported beside the threshold analysis (the
#: midpoint of the utility range, as in Gelber et al.'s reports).
REFERENCE_UTILITY = 0.5
#: Differences smaller than this share of the larger restricted mean survival are rounding noise
#: (sums of the same trace shares in another order) and are treated as 0 before signs are read.
RELATIVE_TOLERANCE = 1e-9

Point = tuple[float, float]


@dataclass(frozen=True)
class QTwistPartition:
    """One strategy's restricted mean survival split into TOX, TWiST and REL [years, undiscounted].

    rmst    : restricted mean survival (= tox + twist + rel)
    q_twist : Q-TWiST at the reference utilities of :class:`QTwist`
    """

    tox: float
    twist: float
    rel: float
    rmst: float
    q_twist: float


@dataclass(frozen=True)
class QTwistComparison:
    """Strategy minus comparator.

    d_tox, d_twist, d_rel, d_q_twist : differences [years] (d_q_twist at the reference utilities)
    relative_gain : d_q_twist / the comparator's restricted mean survival [share]
    zero_line     : the two ends ((u_TOX, u_REL), (u_TOX, u_REL)) of the line in the unit square on
                    which the difference is 0; None when its sign is the same everywhere
    better_where  : which strategy has the higher Q-TWiST where, in words
    """

    strategy: str
    comparator: str
    d_tox: float
    d_twist: float
    d_rel: float
    d_q_twist: float
    relative_gain: float
    zero_line: tuple[Point, Point] | None
    better_where: str

    def difference(self, u_tox: float, u_rel: float) -> float:
        """Q-TWiST difference [years] at the utilities (u_tox, u_rel)."""
        return u_tox * self.d_tox + self.d_twist + u_rel * self.d_rel


@dataclass(frozen=True)
class QTwist:
    """Q-TWiST of every strategy of the base case.

    horizon_years : tau, the horizon of the restricted means [years]
    u_tox, u_rel  : reference utilities of the reported Q-TWiST
    tox_flags     : flags that make a progression-free state TOX
    states        : state -> TOX, TWiST, REL or dead
    strategies    : strategy -> its partition
    comparisons   : each pair of strategies (the run's comparator, else the earlier one, as comparator)
    """

    horizon_years: float
    u_tox: float
    u_rel: float
    tox_flags: tuple[str, ...]
    states: Mapping[str, str]
    strategies: Mapping[str, QTwistPartition]
    comparisons: tuple[QTwistComparison, ...]


def qtwist_parts(spec: ModelSpec, tox_flags: tuple[str, ...] = TOX_FLAGS) -> dict[str, str] | None:
    """The Q-TWiST state (TOX, TWiST, REL, or ``dead``) of every state of ``spec``; None when no
    state is flagged ``progression_free``."""
    if not any("progression_free" in s.flags for s in spec.states):
        return None
    out = {}
    for s in spec.states:
        if s.is_dead:
            out[s.name] = "dead"
        elif "progression_free" not in s.flags:
            out[s.name] = "REL"
        else:
            out[s.name] = "TOX" if s.flags & set(tox_flags) else "TWiST"
    return out


def zero_line(d_tox: float, d_twist: float, d_rel: float, tol: float = 1e-12) -> tuple[Point, Point] | None:
    """Ends of the segment of {u_TOX * d_tox + d_twist + u_REL * d_rel = 0} inside the unit
    square [0, 1]^2 of (u_TOX, u_REL), or None when it does not cross the square's interior
    (a segment along an edge of the square, where the difference is 0 but never changes sign
    inside, is not a threshold line)."""
    points: list[Point] = []
    if abs(d_rel) > tol:
        for x in (0.0, 1.0):
            y = -(d_twist + d_tox * x) / d_rel
            if -tol <= y <= 1 + tol:
                points.append((x, min(max(y, 0.0), 1.0)))
    if abs(d_tox) > tol:
        for y in (0.0, 1.0):
            x = -(d_twist + d_rel * y) / d_tox
            if -tol <= x <= 1 + tol:
                points.append((min(max(x, 0.0), 1.0), y))
    unique = sorted({(round(x, 12), round(y, 12)) for x, y in points})
    if len(unique) < 2:
        return None
    (x0, y0), (x1, y1) = unique[0], unique[-1]
    if (x0 == x1 and x0 in (0.0, 1.0)) or (y0 == y1 and y0 in (0.0, 1.0)):
        return None
    return (x0, y0), (x1, y1)


def _better_where(c: QTwistComparison) -> str:
    corners = [c.difference(x, y) for x in (0.0, 1.0) for y in (0.0, 1.0)]
    if all(d == 0 for d in corners):
        return "neither: equal Q-TWiST at every pair of utilities"
    if all(d >= 0 for d in corners):
        edge = "" if all(d > 0 for d in corners) else " (equal only on an edge of the square)"
        return f"{c.strategy} at every pair of utilities{edge}"
    if all(d <= 0 for d in corners):
        edge = "" if all(d < 0 for d in corners) else " (equal only on an edge of the square)"
        return f"{c.comparator} at every pair of utilities{edge}"
    low = c.difference(0.0, 0.0)
    first = c.strategy if low > 0 else c.comparator
    second = c.comparator if low > 0 else c.strategy
    return f"{first} when TOX and REL are valued low, {second} when they are valued high (see the threshold line)"


def compare(strategy: str, comparator: str, p: QTwistPartition, q: QTwistPartition) -> QTwistComparison:
    """``strategy`` (partition ``p``) minus ``comparator`` (partition ``q``). Differences within
    :data:`RELATIVE_TOLERANCE` of the larger restricted mean survival count as 0, so rounding noise
    (e.g. -4.4e-16 years between identical progression-free curves) draws no threshold line."""
    tol = RELATIVE_TOLERANCE * max(p.rmst, q.rmst)

    def snap(x: float) -> float:
        return 0.0 if abs(x) <= tol else x

    d = (snap(p.tox - q.tox), snap(p.twist - q.twist), snap(p.rel - q.rel))
    d_q = snap(p.q_twist - q.q_twist)
    gain = d_q / q.rmst if q.rmst > 0 else float("nan")
    comparison = QTwistComparison(strategy, comparator, *d, d_q, gain, zero_line(*d), "")
    return replace(comparison, better_where=_better_where(comparison))


def _partition(
    trace: xr.DataArray, parts: Mapping[str, str], horizon: float, u_tox: float, u_rel: float
) -> QTwistPartition:
    years = np.asarray(trace["years"].values, dtype=float)
    area = {}
    for part in PARTS + ("alive",):
        states = [s for s, p in parts.items() if p == part or (part == "alive" and p != "dead")]
        share = trace.sel(state=states).sum("state").values if states else np.zeros(len(years))
        area[part] = restricted_mean(years, share, horizon)
    tox, twist, rel = area["TOX"], area["TWiST"], area["REL"]
    return QTwistPartition(tox, twist, rel, area["alive"], u_tox * tox + twist + u_rel * rel)


def qtwist(
    trace: xr.DataArray,
    spec: ModelSpec,
    comparator: str,
    horizon_years: float | None = None,
    *,
    u_tox: float = REFERENCE_UTILITY,
    u_rel: float = REFERENCE_UTILITY,
    tox_flags: tuple[str, ...] = TOX_FLAGS,
) -> QTwist | None:
    """Q-TWiST of every strategy of ``trace`` (dims strategy, cycle, state; coordinate ``years``)
    restricted to ``horizon_years`` (default: the model's horizon), with the threshold lines of
    every pair of strategies; None when the model flags no state ``progression_free``.

    Example: ``qtwist(run.base.results["trace"], run.spec, "SoC", 5.0).strategies["SoC"].twist``.
    """
    parts = qtwist_parts(spec, tox_flags)
    if parts is None:
        return None
    end = float(trace["years"].values[-1])
    horizon = end if horizon_years is None else float(horizon_years)
    strategies = [str(s) for s in trace["strategy"].values]
    partitions = {s: _partition(trace.sel(strategy=s), parts, horizon, u_tox, u_rel) for s in strategies}
    comparisons = []
    for a, b in combinations(strategies, 2):
        strategy, ref = (a, b) if b == comparator else (b, a)
        comparisons.append(compare(strategy, ref, partitions[strategy], partitions[ref]))
    return QTwist(horizon, u_tox, u_rel, tox_flags, frozen(parts), frozen(partitions), tuple(comparisons))
