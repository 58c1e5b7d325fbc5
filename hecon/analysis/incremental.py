"""Incremental cost-effectiveness: the efficiency frontier, pairwise comparisons, ICERs in words.

Deterministic inputs are one cost [currency] and one effect [QALY, or another effect unit]
per strategy, shape ``(n_strategies,)``.

* :func:`incremental_analysis` -- efficiency frontier with strong and extended dominance
  and sequential ICERs (the algorithm of dampack's ``calculate_icers``).
* :func:`versus_comparator`, :func:`describe_icer` -- pairwise comparison against one
  chosen comparator, and words for reports.

References
----------
Drummond MF, Sculpher MJ, Claxton K, Stoddart GL, Torrance GW. Methods for the Economic
    Evaluation of Health Care Programmes. 4th ed. Oxford University Press; 2015.
Alarid-Escudero F, Enns EA, Knowlton G, et al. dampack: Decision-Analytic Modeling
    Package, R package (DARTH workgroup), function ``calculate_icers``
    (https://github.com/DARTH-git/dampack, file R/icers.R).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
from numpy.typing import ArrayLike

from hecon.analysis.checks import deterministic_inputs
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.types import FloatArray

#: Relative tolerance under which two ICERs along the frontier count as equal (collinear
#: strategies); guards the extended-dominance check against floating-point noise.
ICER_RTOL = 1e-9


STATUS_REFERENCE = "reference"
STATUS_NON_DOMINATED = "non-dominated"
STATUS_DOMINATED = "dominated"
STATUS_EXTENDEDLY_DOMINATED = "extendedly dominated"


@dataclass(frozen=True)
class IncrementalRow:
    """One strategy in a full incremental analysis.

    strategy           : strategy name
    cost               : expected cost [currency]
    effect             : expected effect [QALY, or the effect unit used]
    status             : "reference" (cheapest strategy on the frontier), "non-dominated"
                         (on the efficiency frontier), "dominated" (strongly dominated) or
                         "extendedly dominated"
    comparator         : the previous strategy on the frontier, for non-dominated rows;
                         None for the reference and for (extendedly) dominated rows
    incremental_cost   : cost minus the comparator's cost [currency]; None without comparator
    incremental_effect : effect minus the comparator's effect [QALY]; None without comparator
    icer               : incremental_cost / incremental_effect [currency per QALY]; None
                         without comparator
    """

    strategy: str
    cost: float
    effect: float
    status: str
    comparator: str | None = None
    incremental_cost: float | None = None
    incremental_effect: float | None = None
    icer: float | None = None

    @property
    def on_frontier(self) -> bool:
        """True for the reference and non-dominated strategies."""
        return self.status in (STATUS_REFERENCE, STATUS_NON_DOMINATED)


class VersusComparatorRow(TypedDict):
    """One strategy against the comparator, a row of :func:`versus_comparator` (see there)."""

    strategy: str
    comparator: str
    cost: float
    effect: float
    incremental_cost: float
    incremental_effect: float
    icer: float | None
    status: str


def _sequential_icers(frontier: list[int], c: FloatArray, e: FloatArray) -> list[float]:
    """ICER of each frontier strategy after the first versus its predecessor."""
    return [(c[b] - c[a]) / (e[b] - e[a]) for a, b in zip(frontier[:-1], frontier[1:])]


def incremental_analysis(strategies: Sequence[str], costs: ArrayLike, effects: ArrayLike) -> list[IncrementalRow]:
    """Full incremental analysis: efficiency frontier, dominance and sequential ICERs.

    Parameters
    ----------
    strategies : sequence of str
        Unique strategy names.
    costs : array-like, shape (n_strategies,)
        Expected (e.g. discounted, PSA-mean) cost of each strategy [currency].
    effects : array-like, shape (n_strategies,)
        Expected effect of each strategy [QALY, or another effect unit].

    Returns
    -------
    list of IncrementalRow
        One row per strategy, in order of increasing cost (equal costs: the more effective
        first; then input order).

    Notes
    -----
    The algorithm of dampack's ``calculate_icers`` (Alarid-Escudero et al.), which
    implements the textbook procedure (Drummond et al. 2015, ch. 4):

    1. Sort by cost ascending, ties by effect descending, then by input order.
    2. **Strong dominance**: a strategy is *dominated* when an earlier strategy in this
       order is at least as effective, i.e. another strategy costs no more and is at least
       as effective. This covers the ties:

       * equal cost, different effect: the less effective one is dominated;
       * equal effect, different cost: the costlier one is dominated;
       * identical cost and effect: the first one **in input order** stays, the later
         duplicate(s) are reported as dominated (by their identical twin).

       After this step the remaining strategies have strictly increasing cost and effect.
    3. **Extended dominance**: compute the ICER of each remaining strategy versus the
       previous one; a strategy whose ICER is higher than the next strategy's ICER is
       *extendedly dominated* (a mix of its neighbours gives more effect for the same
       cost). All such strategies are removed at once and the step is repeated until the
       ICERs increase along the frontier. Strategies on a straight line (equal ICERs,
       within a relative tolerance ``ICER_RTOL``) are kept, as in dampack (strict ``>``).
    4. ICERs of the frontier strategies versus the previous frontier strategy. The
       cheapest frontier strategy is the ``"reference"``.

    As in dampack, dominated and extendedly dominated strategies get no comparator and no
    incremental values or ICER (None): an ICER against a strategy that dominates them has
    no decision meaning; their status says why they are off the frontier. Use
    :func:`versus_comparator` for increments of every strategy against one comparator.

    Examples
    --------
    The HERC example used in dampack's tests (costs in USD, effects in QALYs):

    >>> rows = incremental_analysis(["E", "D", "C", "B", "A", "UC"],
    ...                             [55000, 35000, 25000, 10000, 12000, 5000],
    ...                             [5, 4, 3, 2, 1.5, 1])
    >>> [(r.strategy, r.status, r.icer) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('UC', 'reference', None), ('B', 'non-dominated', 5000.0),
     ('A', 'dominated', None), ('C', 'extendedly dominated', None),
     ('D', 'non-dominated', 12500.0), ('E', 'non-dominated', 20000.0)]
    """
    names, c, e = deterministic_inputs(strategies, costs, effects, topic("incremental_analysis"))
    order = sorted(range(len(names)), key=lambda i: (c[i], -e[i], i))

    # 2. strong dominance: dominated if an earlier (cheaper or equally cheap) strategy is
    #    at least as effective
    dominated: set[int] = set()
    best_effect = -math.inf
    for i in order:
        if e[i] <= best_effect:
            dominated.add(i)
        best_effect = max(best_effect, e[i])

    # 3. extended dominance, repeated until ICERs increase along the frontier
    frontier = [i for i in order if i not in dominated]
    ext_dominated: set[int] = set()
    while len(frontier) > 2:
        icers = _sequential_icers(frontier, c, e)
        # icers[k] is the ICER of frontier[k + 1]; compare with the next strategy's ICER
        kinks = {
            frontier[k + 1]
            for k in range(len(icers) - 1)
            if icers[k] > icers[k + 1] and not math.isclose(icers[k], icers[k + 1], rel_tol=ICER_RTOL)
        }
        if not kinks:
            break
        ext_dominated |= kinks
        frontier = [i for i in frontier if i not in kinks]

    # 4. rows in cost order
    previous = {b: a for a, b in zip(frontier[:-1], frontier[1:])}
    rows: list[IncrementalRow] = []
    for i in order:
        if i in dominated:
            rows.append(IncrementalRow(names[i], float(c[i]), float(e[i]), STATUS_DOMINATED))
        elif i in ext_dominated:
            rows.append(IncrementalRow(names[i], float(c[i]), float(e[i]), STATUS_EXTENDEDLY_DOMINATED))
        elif i not in previous:
            rows.append(IncrementalRow(names[i], float(c[i]), float(e[i]), STATUS_REFERENCE))
        else:
            a = previous[i]
            d_cost = float(c[i] - c[a])
            d_effect = float(e[i] - e[a])
            rows.append(
                IncrementalRow(
                    names[i],
                    float(c[i]),
                    float(e[i]),
                    STATUS_NON_DOMINATED,
                    comparator=names[a],
                    incremental_cost=d_cost,
                    incremental_effect=d_effect,
                    icer=d_cost / d_effect,
                )
            )
    return rows


# --------------------------------------------------------------------------------------
# one comparator
# --------------------------------------------------------------------------------------

QUADRANT_DOMINANT = "dominant"
QUADRANT_DOMINATED = "dominated"
QUADRANT_SOUTH_WEST = "less costly, less effective"
QUADRANT_ICER = "ICER"
QUADRANT_EQUAL = "equal cost and effect"


def _quadrant(d_cost: float, d_effect: float) -> str:
    """Place an increment on the cost-effectiveness plane (see :func:`versus_comparator`)."""
    if d_effect > 0:
        return QUADRANT_ICER if d_cost > 0 else QUADRANT_DOMINANT
    if d_effect < 0:
        return QUADRANT_SOUTH_WEST if d_cost < 0 else QUADRANT_DOMINATED
    if d_cost < 0:
        return QUADRANT_DOMINANT
    if d_cost > 0:
        return QUADRANT_DOMINATED
    return QUADRANT_EQUAL


def versus_comparator(
    strategies: Sequence[str], costs: ArrayLike, effects: ArrayLike, comparator: str
) -> list[VersusComparatorRow]:
    """Incremental cost, effect and ICER of every strategy against one chosen comparator.

    Parameters
    ----------
    strategies : sequence of str
        Unique strategy names.
    costs, effects : array-like, shape (n_strategies,)
        Expected cost [currency] and effect [QALY] of each strategy.
    comparator : str
        Name of the comparator (e.g. standard of care); must be one of ``strategies``.

    Returns
    -------
    list of dict
        One dict per strategy other than the comparator, in input order, with keys
        ``strategy``, ``comparator``, ``cost``, ``effect``, ``incremental_cost``
        [currency], ``incremental_effect`` [QALY], ``icer`` [currency per QALY, or None]
        and ``status``:

        * ``"ICER"`` -- more costly, more effective (north-east); ``icer`` is the extra
          cost per QALY gained.
        * ``"dominant"`` -- not more costly and more effective, or less costly and equally
          effective (south-east); ``icer`` is None.
        * ``"dominated"`` -- not less costly and less effective, or more costly and
          equally effective (north-west); ``icer`` is None.
        * ``"less costly, less effective"`` (south-west) -- ``icer`` = ΔC/ΔE is positive
          and is the saving per QALY lost; it is acceptable when *above* the willingness
          to pay.
        * ``"equal cost and effect"`` -- both increments exactly 0; ``icer`` is None.

        Zero increments are compared exactly (no tolerance).

    Examples
    --------
    >>> row = versus_comparator(["SoC", "New"], [1000, 3000], [1.0, 1.5], "SoC")[0]
    >>> row["status"], row["icer"]
    ('ICER', 4000.0)
    """
    names, c, e = deterministic_inputs(strategies, costs, effects, topic("versus_comparator"))
    if comparator not in names:
        raise ModelError(
            Problem(
                topic("versus_comparator"),
                f"comparator {comparator!r} is not a strategy",
                "one of " + ", ".join(map(repr, names)),
            )
        )
    j = names.index(comparator)
    out: list[VersusComparatorRow] = []
    for i, name in enumerate(names):
        if i == j:
            continue
        d_cost = float(c[i] - c[j])
        d_effect = float(e[i] - e[j])
        status = _quadrant(d_cost, d_effect)
        icer = d_cost / d_effect if status in (QUADRANT_ICER, QUADRANT_SOUTH_WEST) else None
        out.append(
            {
                "strategy": name,
                "comparator": comparator,
                "cost": float(c[i]),
                "effect": float(e[i]),
                "incremental_cost": d_cost,
                "incremental_effect": d_effect,
                "icer": icer,
                "status": status,
            }
        )
    return out


def describe_icer(inc_cost: float, inc_effect: float, currency: str = "EUR", effect_unit: str = "QALY") -> str:
    """Words for a report describing an increment on the cost-effectiveness plane.

    Parameters
    ----------
    inc_cost : float
        Incremental cost [currency].
    inc_effect : float
        Incremental effect [effect_unit, default QALY].
    currency : str
        Currency label put before amounts.
    effect_unit : str
        Singular name of the effect unit.

    Returns
    -------
    str
        ``"Dominant (less costly, more effective)"``,
        ``"Dominated (more costly, less effective)"``, ``"EUR 45,123 per QALY gained"``
        (north-east), ``"EUR 12,000 saved per QALY lost"`` (south-west), with the
        boundary cases worded ``"Dominant (equal cost, more effective)"``,
        ``"Dominant (less costly, equally effective)"``,
        ``"Dominated (equal cost, less effective)"``,
        ``"Dominated (more costly, equally effective)"`` and ``"Equal cost and effect"``.
        Amounts are rounded to whole currency units with thousands separators.

    Examples
    --------
    >>> describe_icer(45123.4, 1.0)
    'EUR 45,123 per QALY gained'
    >>> describe_icer(-6000, -0.5)
    'EUR 12,000 saved per QALY lost'
    """
    problems: list[Problem] = []
    for name, value in (("inc_cost", inc_cost), ("inc_effect", inc_effect)):
        if not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(value):
            problems.append(Problem(topic("describe_icer"), f"{name} is {value!r}", "a finite number"))
    if problems:
        raise ModelError(problems)
    d_cost, d_effect = float(inc_cost), float(inc_effect)
    status = _quadrant(d_cost, d_effect)
    if status == QUADRANT_ICER:
        return f"{currency} {d_cost / d_effect:,.0f} per {effect_unit} gained"
    if status == QUADRANT_SOUTH_WEST:
        return f"{currency} {d_cost / d_effect:,.0f} saved per {effect_unit} lost"
    if status == QUADRANT_EQUAL:
        return "Equal cost and effect"
    cost_words = "less costly" if d_cost < 0 else "more costly" if d_cost > 0 else "equal cost"
    effect_words = "more effective" if d_effect > 0 else "less effective" if d_effect < 0 else "equally effective"
    head = "Dominant" if status == QUADRANT_DOMINANT else "Dominated"
    return f"{head} ({cost_words}, {effect_words})"
