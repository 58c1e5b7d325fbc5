"""Decision analysis: incremental cost-effectiveness, net benefit, acceptability, EVPI.

Pure functions on numbers and numpy arrays; nothing here knows about models, workbooks
or xarray. Costs are in currency units (hecon reports EUR), effects in QALYs (or any other
effect unit, e.g. life-years), willingness to pay (``wtp``) in currency per effect unit.

Array conventions
-----------------
* Deterministic (base-case) inputs: one value per strategy, shape ``(n_strategies,)``.
* Probabilistic (PSA) inputs: shape ``(n_samples, n_strategies)``; the strategy axis is
  always the **last** axis.
* A willingness-to-pay grid has shape ``(n_wtp,)``; results over the grid put the wtp axis
  before the strategy axis.

Contents
--------
* :func:`incremental_analysis` -- efficiency frontier with strong and extended dominance
  and sequential ICERs (the algorithm of dampack's ``calculate_icers``).
* :func:`versus_comparator`, :func:`describe_icer` -- pairwise comparison against one
  chosen comparator, and words for reports.
* :func:`net_monetary_benefit`, :func:`net_health_benefit`, :func:`ceac`, :func:`ceaf`,
  :func:`evpi`, :func:`population_evpi` -- PSA summaries and value of information.
* :func:`running_mean`, :func:`monte_carlo_se` -- PSA convergence.
* :func:`qaly_shortfall`, :func:`dutch_reference_value`,
  :func:`remaining_qalys_general_population` -- Dutch disease-burden (proportional
  shortfall) classes and their reference values per QALY.

References
----------
Drummond MF, Sculpher MJ, Claxton K, Stoddart GL, Torrance GW. Methods for the Economic
    Evaluation of Health Care Programmes. 4th ed. Oxford University Press; 2015.
Alarid-Escudero F, Enns EA, Knowlton G, et al. dampack: Decision-Analytic Modeling
    Package, R package (DARTH workgroup), function ``calculate_icers``
    (https://github.com/DARTH-git/dampack, file R/icers.R).
Fenwick E, Claxton K, Sculpher M. Representing uncertainty: the role of
    cost-effectiveness acceptability curves. Health Econ 2001;10(8):779-787.
Versteegh MM, Corro Ramos I, Buyukkaramikli NC, Ansaripour A, Reckers-Droog VT,
    Brouwer WBF. Severity-adjusted probability of being cost effective.
    PharmacoEconomics 2019;37(9):1155-1163. doi:10.1007/s40273-019-00810-8.
Zorginstituut Nederland. Kosteneffectiviteit in de praktijk (26 Jun 2015); Ziektelast in
    de praktijk (7 May 2018).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, NamedTuple, Sequence, Union

import numpy as np
from numpy.typing import ArrayLike

from hecon.errors import ModelError, Problem

__all__ = [
    "IncrementalRow",
    "incremental_analysis",
    "versus_comparator",
    "describe_icer",
    "net_monetary_benefit",
    "net_health_benefit",
    "ceac",
    "CEAF",
    "ceaf",
    "evpi",
    "discounted_population",
    "population_evpi",
    "running_mean",
    "monte_carlo_se",
    "QalyShortfall",
    "qaly_shortfall",
    "ReferenceValue",
    "DUTCH_REFERENCE_VALUES",
    "dutch_reference_value",
    "remaining_qalys_general_population",
]

#: Relative tolerance under which two ICERs along the frontier count as equal (collinear
#: strategies); guards the extended-dominance check against floating-point noise.
ICER_RTOL = 1e-9

#: Number of (sample x wtp x strategy) values held in memory at once by the PSA summaries.
_CHUNK_ELEMENTS = 1 << 22

STATUS_REFERENCE = "reference"
STATUS_NON_DOMINATED = "non-dominated"
STATUS_DOMINATED = "dominated"
STATUS_EXTENDEDLY_DOMINATED = "extendedly dominated"


# --------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------


def _float_array(values: ArrayLike, name: str, where: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelError(Problem(where, f"{name} is not numeric ({exc})", "numbers")) from None
    return arr


def _check_finite(arr: np.ndarray, name: str, where: str, problems: list[Problem]) -> None:
    if arr.size and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        index = tuple(int(i) for i in bad)
        value = arr[tuple(bad)]
        problems.append(
            Problem(where, f"{name}{list(index)} is {value}", "finite numbers (no NaN or inf)")
        )


def _deterministic_inputs(
    strategies: Sequence[str], costs: ArrayLike, effects: ArrayLike, where: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Check one cost and one effect per named strategy; return them as 1-D arrays."""
    names = [str(s) for s in strategies]
    c = _float_array(costs, "costs", where)
    e = _float_array(effects, "effects", where)
    problems: list[Problem] = []
    if not names:
        problems.append(Problem(where, "no strategies given", "at least one strategy"))
    if c.ndim != 1 or e.ndim != 1:
        problems.append(
            Problem(
                where,
                f"costs have shape {c.shape} and effects shape {e.shape}",
                "one value per strategy (1-D); summarise PSA samples first, e.g. by the mean",
            )
        )
    elif len(c) != len(names) or len(e) != len(names):
        problems.append(
            Problem(
                where,
                f"{len(names)} strategies but {len(c)} costs and {len(e)} effects",
                "one cost and one effect per strategy",
            )
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append(
            Problem(where, f"strategy names repeated: {', '.join(map(repr, duplicates))}",
                    "unique strategy names")
        )
    if not problems:
        _check_finite(c, "costs", where, problems)
        _check_finite(e, "effects", where, problems)
    if problems:
        raise ModelError(problems)
    return names, c, e


def _psa_inputs(
    costs: ArrayLike, effects: ArrayLike, where: str, *, two_d: bool
) -> tuple[np.ndarray, np.ndarray]:
    c = _float_array(costs, "costs", where)
    e = _float_array(effects, "effects", where)
    problems: list[Problem] = []
    if c.shape != e.shape:
        problems.append(
            Problem(where, f"costs have shape {c.shape} but effects shape {e.shape}",
                    "the same shape")
        )
    elif two_d and c.ndim != 2:
        problems.append(
            Problem(where, f"costs and effects have shape {c.shape}",
                    "shape (n_samples, n_strategies)")
        )
    elif c.ndim < 1 or c.shape[-1] < 1:
        problems.append(
            Problem(where, f"costs and effects have shape {c.shape}",
                    "at least one strategy on the last axis")
        )
    elif two_d and c.shape[0] < 1:
        problems.append(Problem(where, "no PSA samples", "at least one sample"))
    if not problems:
        _check_finite(c, "costs", where, problems)
        _check_finite(e, "effects", where, problems)
    if problems:
        raise ModelError(problems)
    return c, e


def _wtp_array(wtp: ArrayLike, where: str, *, positive: bool = False) -> np.ndarray:
    w = _float_array(wtp, "wtp", where)
    problems: list[Problem] = []
    if w.ndim > 1:
        problems.append(Problem(where, f"wtp has shape {w.shape}", "a number or a 1-D grid"))
    else:
        _check_finite(w, "wtp", where, problems)
    if not problems:
        if positive and np.any(w <= 0):
            problems.append(
                Problem(where, f"wtp {w[w <= 0].flat[0]} is not positive",
                        "willingness to pay > 0 [currency per effect unit]")
            )
        elif np.any(w < 0):
            problems.append(
                Problem(where, f"wtp {w[w < 0].flat[0]} is negative",
                        "willingness to pay >= 0 [currency per effect unit]")
            )
    if problems:
        raise ModelError(problems)
    return w


# --------------------------------------------------------------------------------------
# incremental analysis (efficiency frontier)
# --------------------------------------------------------------------------------------


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


def _sequential_icers(frontier: list[int], c: np.ndarray, e: np.ndarray) -> list[float]:
    """ICER of each frontier strategy after the first versus its predecessor."""
    return [
        (c[b] - c[a]) / (e[b] - e[a]) for a, b in zip(frontier[:-1], frontier[1:])
    ]


def incremental_analysis(
    strategies: Sequence[str], costs: ArrayLike, effects: ArrayLike
) -> list[IncrementalRow]:
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
    names, c, e = _deterministic_inputs(strategies, costs, effects, "incremental_analysis")
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
            if icers[k] > icers[k + 1] and not math.isclose(icers[k], icers[k + 1],
                                                             rel_tol=ICER_RTOL)
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
            rows.append(
                IncrementalRow(names[i], float(c[i]), float(e[i]), STATUS_EXTENDEDLY_DOMINATED)
            )
        elif i not in previous:
            rows.append(IncrementalRow(names[i], float(c[i]), float(e[i]), STATUS_REFERENCE))
        else:
            a = previous[i]
            d_cost = float(c[i] - c[a])
            d_effect = float(e[i] - e[a])
            rows.append(
                IncrementalRow(
                    names[i], float(c[i]), float(e[i]), STATUS_NON_DOMINATED,
                    comparator=names[a], incremental_cost=d_cost,
                    incremental_effect=d_effect, icer=d_cost / d_effect,
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
) -> list[dict]:
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
    names, c, e = _deterministic_inputs(strategies, costs, effects, "versus_comparator")
    if comparator not in names:
        raise ModelError(
            Problem("versus_comparator", f"comparator {comparator!r} is not a strategy",
                    "one of " + ", ".join(map(repr, names)))
        )
    j = names.index(comparator)
    out: list[dict] = []
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


def describe_icer(
    inc_cost: float, inc_effect: float, currency: str = "EUR", effect_unit: str = "QALY"
) -> str:
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
        if not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(
            value
        ):
            problems.append(Problem("describe_icer", f"{name} is {value!r}", "a finite number"))
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
    effect_words = (
        "more effective" if d_effect > 0 else "less effective" if d_effect < 0
        else "equally effective"
    )
    head = "Dominant" if status == QUADRANT_DOMINANT else "Dominated"
    return f"{head} ({cost_words}, {effect_words})"


# --------------------------------------------------------------------------------------
# net benefit, acceptability, EVPI
# --------------------------------------------------------------------------------------


def net_monetary_benefit(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> np.ndarray:
    """Net monetary benefit NMB = wtp * E - C [currency].

    Parameters
    ----------
    costs, effects : array-like, shape (..., n_strategies)
        Costs [currency] and effects [QALY]; any leading axes (e.g. PSA samples).
    wtp : float or array-like, shape (n_wtp,)
        Willingness to pay [currency per QALY], >= 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., n_wtp, n_strategies)`` for a 1-D ``wtp``: the wtp axis is inserted
        just before the strategy axis. For a scalar ``wtp`` the shape is that of
        ``costs``, ``(..., n_strategies)``.

    Notes
    -----
    Stinnett AA, Mullahy J. Net health benefits: a new framework for the analysis of
    uncertainty in cost-effectiveness analysis. Med Decis Making 1998;18(2 Suppl):S68-80.

    Examples
    --------
    >>> net_monetary_benefit([1000.0, 3000.0], [1.0, 1.1], 20000)
    array([19000., 19000.])
    """
    c, e = _psa_inputs(costs, effects, "net_monetary_benefit", two_d=False)
    w = _wtp_array(wtp, "net_monetary_benefit")
    if w.ndim == 0:
        return w * e - c
    return w[:, None] * e[..., None, :] - c[..., None, :]


def net_health_benefit(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> np.ndarray:
    """Net health benefit NHB = E - C / wtp [QALY].

    Parameters
    ----------
    costs, effects : array-like, shape (..., n_strategies)
        Costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness to pay [currency per QALY], > 0.

    Returns
    -------
    numpy.ndarray
        Same shape rules as :func:`net_monetary_benefit`: ``(..., n_wtp, n_strategies)``
        for a 1-D ``wtp``, ``(..., n_strategies)`` for a scalar. NHB = NMB / wtp.

    Notes
    -----
    Stinnett & Mullahy, Med Decis Making 1998;18(2 Suppl):S68-80.

    Examples
    --------
    >>> net_health_benefit([1000.0, 3000.0], [1.0, 1.1], 20000)
    array([0.95, 0.95])
    """
    c, e = _psa_inputs(costs, effects, "net_health_benefit", two_d=False)
    w = _wtp_array(wtp, "net_health_benefit", positive=True)
    if w.ndim == 0:
        return e - c / w
    return e[..., None, :] - c[..., None, :] / w[:, None]


def _nmb_chunks(
    c: np.ndarray, e: np.ndarray, w: np.ndarray
) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield (wtp slice, NMB of shape (n_wtp_chunk, n_strategies, n_samples)) in bounded memory.

    Samples are on the last, contiguous axis, so that every mean over samples is the same
    floating-point sum whatever the chunk size (results do not depend on chunking).
    """
    ct = np.ascontiguousarray(c.T)  # (n_strategies, n_samples)
    et = np.ascontiguousarray(e.T)
    step = max(1, _CHUNK_ELEMENTS // max(1, c.size))
    for start in range(0, len(w), step):
        sl = slice(start, min(start + step, len(w)))
        yield sl, w[sl, None, None] * et[None] - ct[None]


def ceac(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> np.ndarray:
    """Cost-effectiveness acceptability curves.

    Parameters
    ----------
    costs, effects : array-like, shape (n_samples, n_strategies)
        PSA samples of costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness-to-pay grid [currency per QALY], >= 0.

    Returns
    -------
    numpy.ndarray, shape (n_wtp, n_strategies)
        Probability that each strategy has the highest NMB, i.e. the share of PSA samples
        in which it is optimal. When several strategies tie for the highest NMB in a
        sample (exact equality), that sample counts 1/k for each of the k tied strategies,
        so every row sums to 1.

    Notes
    -----
    Fenwick, Claxton & Sculpher, Health Econ 2001;10:779-787; Drummond et al. 2015, ch. 11.
    """
    c, e = _psa_inputs(costs, effects, "ceac", two_d=True)
    w = np.atleast_1d(_wtp_array(wtp, "ceac"))
    out = np.empty((len(w), c.shape[1]))
    for sl, nmb in _nmb_chunks(c, e, w):
        is_max = nmb == nmb.max(axis=1, keepdims=True)
        share = is_max / is_max.sum(axis=1, keepdims=True)
        out[sl] = share.mean(axis=-1)
    return out


class CEAF(NamedTuple):
    """Cost-effectiveness acceptability frontier, one entry per willingness to pay.

    optimal     : the strategy with the highest *expected* NMB at each wtp; names when
                  ``strategies`` were given, else integer indices. Shape (n_wtp,).
    probability : that strategy's probability of being cost-effective (its CEAC value)
                  [0-1]. Shape (n_wtp,).
    """

    optimal: np.ndarray
    probability: np.ndarray


def ceaf(
    costs: ArrayLike,
    effects: ArrayLike,
    wtp: ArrayLike,
    strategies: Sequence[str] | None = None,
) -> CEAF:
    """Cost-effectiveness acceptability frontier (CEAF).

    Parameters
    ----------
    costs, effects : array-like, shape (n_samples, n_strategies)
        PSA samples of costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness-to-pay grid [currency per QALY], >= 0.
    strategies : sequence of str, optional
        Strategy names; when given, ``optimal`` holds names instead of indices.

    Returns
    -------
    CEAF
        ``(optimal, probability)``: the strategy with the highest expected NMB
        (mean over samples; ties go to the first strategy in input order) at each wtp,
        and its probability of being cost-effective from :func:`ceac`. The optimal
        strategy is not always the one with the highest CEAC value.

    Notes
    -----
    Fenwick, Claxton & Sculpher, Health Econ 2001;10:779-787.
    """
    c, e = _psa_inputs(costs, effects, "ceaf", two_d=True)
    w = np.atleast_1d(_wtp_array(wtp, "ceaf"))
    if strategies is not None and len(strategies) != c.shape[1]:
        raise ModelError(
            Problem("ceaf", f"{len(strategies)} strategy names for {c.shape[1]} strategies",
                    "one name per column of costs")
        )
    expected_nmb = w[:, None] * e.mean(axis=0) - c.mean(axis=0)
    best = np.argmax(expected_nmb, axis=1)
    probability = ceac(c, e, w)[np.arange(len(w)), best]
    optimal = best if strategies is None else np.asarray([str(s) for s in strategies])[best]
    return CEAF(optimal, probability)


def evpi(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> np.ndarray:
    """Per-patient expected value of perfect information [currency per patient].

    Parameters
    ----------
    costs, effects : array-like, shape (n_samples, n_strategies)
        PSA samples of costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness-to-pay grid [currency per QALY], >= 0.

    Returns
    -------
    numpy.ndarray, shape (n_wtp,)
        EVPI = E[max_s NMB_s] - max_s E[NMB_s].

    Notes
    -----
    Computed as the expected opportunity loss of the strategy with the highest expected
    NMB, s* (wtp * mean effect - mean cost; the first strategy on ties, as in :func:`ceaf`):
    EVPI = E[max_s NMB_s - NMB_s*]. This equals the formula above and each term is
    >= 0 in floating point, so EVPI is never negative and is exactly 0 when s* is optimal
    in every sample. Claxton K. The irrelevance of inference. J Health Econ
    1999;18:341-364; Briggs, Claxton & Sculpher, Decision Modelling for Health Economic
    Evaluation, OUP 2006, ch. 7.
    """
    c, e = _psa_inputs(costs, effects, "evpi", two_d=True)
    w = np.atleast_1d(_wtp_array(wtp, "evpi"))
    out = np.empty(len(w))
    # s*: highest expected NMB = wtp * E[E] - E[C] (first strategy on ties), as in ceaf
    best_all = np.argmax(w[:, None] * e.mean(axis=0) - c.mean(axis=0), axis=1)
    for sl, nmb in _nmb_chunks(c, e, w):
        best = best_all[sl]
        nmb_best = np.take_along_axis(nmb, best[:, None, None], axis=1)[:, 0, :]
        out[sl] = (nmb.max(axis=1) - nmb_best).mean(axis=-1)
    return out


def discounted_population(annual_population: float, years: int, discount_rate: float) -> float:
    """Discounted number of patients affected by the decision [persons].

    sum_{y=0}^{years-1} N / (1 + r)^y: ``annual_population`` (N) new patients per year over
    ``years`` years, the first year undiscounted, ``discount_rate`` (r) per year.

    Examples
    --------
    >>> discounted_population(1000, 2, 0.04)
    1961.5384615384614
    """
    problems: list[Problem] = []
    if not math.isfinite(annual_population) or annual_population < 0:
        problems.append(Problem("population_evpi", f"annual_population is {annual_population}",
                                "a number of patients per year >= 0"))
    if isinstance(years, bool) or int(years) != years or years < 1:
        problems.append(Problem("population_evpi", f"years is {years}",
                                "a whole number of years >= 1"))
    if not math.isfinite(discount_rate) or discount_rate < 0:
        problems.append(Problem("population_evpi", f"discount_rate is {discount_rate}",
                                "an annual rate >= 0, e.g. 0.015"))
    if problems:
        raise ModelError(problems)
    y = np.arange(int(years))
    return float(np.sum(annual_population / (1.0 + discount_rate) ** y))


def population_evpi(
    evpi_per_patient: ArrayLike, annual_population: float, years: int, discount_rate: float
) -> np.ndarray:
    """Population EVPI [currency] = per-patient EVPI x discounted population.

    Parameters
    ----------
    evpi_per_patient : float or array-like, e.g. shape (n_wtp,)
        Per-patient EVPI from :func:`evpi` [currency per patient].
    annual_population : float
        Patients affected by the decision each year (incidence) [persons per year].
    years : int
        Time horizon of the decision (technology lifetime) [years].
    discount_rate : float
        Annual discount rate [per year].

    Returns
    -------
    numpy.ndarray
        Same shape as ``evpi_per_patient``:
        EVPI x sum_{y=0}^{years-1} N / (1 + r)^y (see :func:`discounted_population`).
    """
    v = _float_array(evpi_per_patient, "evpi_per_patient", "population_evpi")
    problems: list[Problem] = []
    _check_finite(v, "evpi_per_patient", "population_evpi", problems)
    if problems:
        raise ModelError(problems)
    return v * discounted_population(annual_population, years, discount_rate)


# --------------------------------------------------------------------------------------
# PSA convergence
# --------------------------------------------------------------------------------------


def _samples(x: ArrayLike, where: str, minimum: int) -> np.ndarray:
    arr = _float_array(x, "x", where)
    problems: list[Problem] = []
    if arr.ndim < 1 or arr.shape[0] < minimum:
        problems.append(Problem(where, f"x has shape {arr.shape}",
                                f"at least {minimum} sample(s) along the first axis"))
    else:
        _check_finite(arr, "x", where, problems)
    if problems:
        raise ModelError(problems)
    return arr


def running_mean(x: ArrayLike) -> np.ndarray:
    """Running (cumulative) mean over PSA samples, for convergence plots.

    Parameters
    ----------
    x : array-like, shape (n_samples, ...)
        Sampled outcome, e.g. incremental NMB per sample; samples on the first axis.

    Returns
    -------
    numpy.ndarray, same shape
        Element k is the mean of samples 0..k.

    Notes
    -----
    Hatswell AJ, Bullement A, Briggs A, Paulden M, Stevenson MD. Probabilistic sensitivity
    analysis in cost-effectiveness models: determining model convergence in cohort models.
    PharmacoEconomics 2018;36(12):1421-1426.

    Examples
    --------
    >>> running_mean([1.0, 3.0, 5.0])
    array([1., 2., 3.])
    """
    arr = _samples(x, "running_mean", 1)
    n = np.arange(1, arr.shape[0] + 1).reshape((-1,) + (1,) * (arr.ndim - 1))
    return np.cumsum(arr, axis=0) / n


def monte_carlo_se(x: ArrayLike) -> np.ndarray | float:
    """Monte Carlo standard error of the PSA mean: sd / sqrt(n).

    Parameters
    ----------
    x : array-like, shape (n_samples, ...)
        Sampled outcome; samples on the first axis; n >= 2.

    Returns
    -------
    float or numpy.ndarray of shape x.shape[1:]
        Sample standard deviation (ddof=1) divided by sqrt(n_samples), in the units of x.

    Examples
    --------
    >>> monte_carlo_se([1.0, 3.0, 5.0, 7.0])  # sd = sqrt(20/3); / 2
    1.2909944487358056
    """
    arr = _samples(x, "monte_carlo_se", 2)
    se = np.std(arr, axis=0, ddof=1) / math.sqrt(arr.shape[0])
    return float(se) if np.ndim(se) == 0 else se


# --------------------------------------------------------------------------------------
# Dutch disease burden (proportional shortfall) and reference values
# --------------------------------------------------------------------------------------


class QalyShortfall(NamedTuple):
    """Absolute shortfall [QALY] and proportional shortfall [0-1]."""

    absolute: float
    proportional: float


def qaly_shortfall(
    expected_qalys_without_disease: float, expected_qalys_with_disease: float
) -> QalyShortfall:
    """Absolute and proportional QALY shortfall of patients with the disease.

    Parameters
    ----------
    expected_qalys_without_disease : float
        Remaining QALYs of the general population of the same age and sex mix, Qn
        [QALY]; see :func:`remaining_qalys_general_population`. > 0.
    expected_qalys_with_disease : float
        Remaining QALYs of the patients under current (standard) care, Qd [QALY]; in
        [0, Qn].

    Returns
    -------
    QalyShortfall
        ``absolute`` = Qn - Qd [QALY]; ``proportional`` = (Qn - Qd) / Qn [0-1].

    Notes
    -----
    Versteegh et al., PharmacoEconomics 2019;37:1155-1163 (Table 1); ZIN, Ziektelast in
    de praktijk (2018).

    Examples
    --------
    >>> qaly_shortfall(25.0, 15.0)   # Versteegh et al. 2019, Table 1, model run 1
    QalyShortfall(absolute=10.0, proportional=0.4)
    """
    qn, qd = expected_qalys_without_disease, expected_qalys_with_disease
    problems: list[Problem] = []
    if not isinstance(qn, (int, float, np.integer, np.floating)) or not math.isfinite(qn) \
            or qn <= 0:
        problems.append(Problem("qaly_shortfall",
                                f"expected_qalys_without_disease is {qn!r}", "a number > 0"))
    if not isinstance(qd, (int, float, np.integer, np.floating)) or not math.isfinite(qd) \
            or qd < 0:
        problems.append(Problem("qaly_shortfall",
                                f"expected_qalys_with_disease is {qd!r}", "a number >= 0"))
    if not problems and qd > qn:
        problems.append(
            Problem("qaly_shortfall",
                    f"expected_qalys_with_disease ({qd}) exceeds "
                    f"expected_qalys_without_disease ({qn})",
                    "patients' remaining QALYs no higher than the general population's")
        )
    if problems:
        raise ModelError(problems)
    absolute = float(qn) - float(qd)
    return QalyShortfall(absolute, absolute / float(qn))


class ReferenceValue(NamedTuple):
    """Dutch disease-burden class and its reference value [EUR per QALY] (None below 0.10)."""

    burden_class: str
    reference_value_eur_per_qaly: float | None


#: ZIN disease-burden classes: (upper bound of proportional shortfall, label, EUR per QALY).
#: Lower bounds are exclusive except for the first class, which starts at 0.10 inclusive.
DUTCH_REFERENCE_VALUES: tuple[tuple[float, str, float], ...] = (
    (0.40, "class 1 (proportional shortfall 0.10-0.40)", 20_000.0),
    (0.70, "class 2 (proportional shortfall 0.41-0.70)", 50_000.0),
    (1.00, "class 3 (proportional shortfall 0.71-1.00)", 80_000.0),
)
_BELOW_FIRST_CLASS = "below 0.10: no reference value"


def dutch_reference_value(proportional_shortfall: float) -> ReferenceValue:
    """Dutch reference value per QALY for a disease burden (proportional shortfall).

    Parameters
    ----------
    proportional_shortfall : float
        Proportional QALY shortfall [0-1], e.g. from :func:`qaly_shortfall`.

    Returns
    -------
    ReferenceValue
        ``(burden_class, reference_value_eur_per_qaly)``:

        ===========================  ==================  =============
        proportional shortfall (PS)  class               EUR per QALY
        ===========================  ==================  =============
        PS < 0.10                    below 0.10          None
        0.10 <= PS <= 0.40           class 1             20,000
        0.40 <  PS <= 0.70           class 2             50,000
        0.70 <  PS <= 1.00           class 3             80,000
        ===========================  ==================  =============

    Notes
    -----
    ZIN publishes the classes with two decimals (0.10-0.40, 0.41-0.70, 0.71-1.00), which
    leaves gaps such as 0.405. hecon closes them by making each class run up to and
    including its upper bound: anything above 0.40 (up to 0.70) is class 2, anything
    above 0.70 is class 3. The unrounded PS is compared (after rounding to 10 decimals to
    absorb floating-point noise such as 0.30000000000000004); round the PS yourself first
    if you want ZIN's two-decimal reading (e.g. 0.404 -> 0.40 -> class 1).

    ZIN gives no reference value for a PS below 0.10; the class is then
    ``"below 0.10: no reference value"`` and the value is None.

    Sources: Zorginstituut Nederland, Kosteneffectiviteit in de praktijk (26 Jun 2015) and
    Ziektelast in de praktijk (7 May 2018); Versteegh et al., PharmacoEconomics
    2019;37:1155-1163.

    Examples
    --------
    >>> dutch_reference_value(0.75).reference_value_eur_per_qaly
    80000.0
    """
    ps = proportional_shortfall
    if not isinstance(ps, (int, float, np.integer, np.floating)) or not math.isfinite(ps) \
            or not (0.0 <= round(float(ps), 10) <= 1.0):
        raise ModelError(
            Problem("dutch_reference_value", f"proportional_shortfall is {ps!r}",
                    "a proportion in [0, 1]")
        )
    ps = round(float(ps), 10)
    if ps < 0.10:
        return ReferenceValue(_BELOW_FIRST_CLASS, None)
    for upper, label, value in DUTCH_REFERENCE_VALUES:
        if ps <= upper:
            return ReferenceValue(label, value)
    raise AssertionError("unreachable: ps <= 1.0 was checked")  # pragma: no cover


UtilityInput = Union[Callable[[float], float], ArrayLike]


def _utilities(
    utility: UtilityInput, ages: np.ndarray, label: str, problems: list[Problem]
) -> np.ndarray | None:
    where = "remaining_qalys_general_population"
    if callable(utility):
        try:
            u = np.asarray([float(utility(float(a))) for a in ages])
        except (TypeError, ValueError) as exc:
            problems.append(Problem(where, f"{label}: calling it failed ({exc})",
                                    "a function of age returning a utility"))
            return None
    else:
        u = _float_array(utility, label, where)
        if u.shape != ages.shape:
            problems.append(Problem(where, f"{label} has shape {u.shape}",
                                    f"one utility per age, shape {ages.shape}"))
            return None
    _check_finite(u, label, where, problems)
    if np.any(u > 1):
        problems.append(Problem(where, f"{label} has a value {u.max()} above 1",
                                "utilities <= 1"))
    return u


def remaining_qalys_general_population(
    start_age: float,
    proportion_male: float,
    qx_male_by_age: ArrayLike,
    qx_female_by_age: ArrayLike,
    ages: ArrayLike,
    utility_by_age: UtilityInput | Mapping[str, UtilityInput],
    discount_rate: float = 0.0,
    open_ended_last_age: bool = True,
) -> float:
    """Expected remaining (discounted) QALYs of the general population from ``start_age``.

    The "QALYs without the disease" (Qn) of the proportional-shortfall calculation, as in
    the iMTA Disease Burden Calculator (Versteegh MM, iMTA 2016; Versteegh et al.,
    PharmacoEconomics 2019;37:1155-1163), which combines a life table with age-specific
    EQ-5D population norms.

    Parameters
    ----------
    start_age : float
        Age at which the patients' remaining QALYs are counted [years]; must be one of
        ``ages`` (whole years).
    proportion_male : float
        Share of men [0-1]; the result is the weighted mean of the men's and women's
        values.
    qx_male_by_age, qx_female_by_age : array-like, shape (n_ages,)
        One-year probability of dying at each age [0-1] (e.g. CBS 37360ned ``Sterftekans``).
    ages : array-like, shape (n_ages,)
        Consecutive whole ages [years], increasing by 1.
    utility_by_age : callable, array-like of shape (n_ages,), or mapping
        General-population utility [QALY weight per year] at each age: a function
        ``f(age) -> utility``, an array over ``ages``, or a mapping
        ``{"male": ..., "female": ...}`` of either for sex-specific norms.
    discount_rate : float
        Annual discount rate for effects [per year]; default 0 (undiscounted).
    open_ended_last_age : bool
        How the life table is closed at its last age (see Notes).

    Returns
    -------
    float
        Expected remaining QALYs per person [QALY].

    Notes
    -----
    Life-table method in annual steps, per sex. Of l_x persons alive at exact age x,
    d_x = l_x q_x die during the year; they are assumed to die mid-year (uniform deaths),
    so the person-years lived in the year are L_x = l_x - d_x / 2 (mid-year correction).
    With l_{start_age} = 1 and t = x - start_age,

        QALYs = sum_x L_x u_x / (1 + r)^t,

    i.e. discounting at the start of each year of age (year 0 undiscounted), as hecon's
    ``discount_timing="annual"``.

    Closing the table at its last age x_max (CBS single-year tables stop at 99):

    * ``open_ended_last_age=True`` (default): x_max is an open age group; its q and u are
      applied to every later year, adding the geometric tail
      l_{x_max} (1 - q/2) u v^t_max / (1 - (1 - q) v) with v = 1/(1 + r), which reduces
      to l (1 - q/2) u / q undiscounted. Requires q > 0 at x_max.
    * ``open_ended_last_age=False``: everyone alive at x_max dies during that year
      (q_{x_max} taken as 1), so they live half of it.

    Examples
    --------
    Constant q = 0.5, utility 1, undiscounted: l = 1, 0.5, 0.25, ...; each year contributes
    0.75 l, so QALYs = 0.75 * 2 = 1.5:

    >>> remaining_qalys_general_population(0, 0.5, [0.5, 0.5], [0.5, 0.5], [0, 1], [1, 1])
    1.5
    """
    where = "remaining_qalys_general_population"
    problems: list[Problem] = []
    a = _float_array(ages, "ages", where)
    qm = _float_array(qx_male_by_age, "qx_male_by_age", where)
    qf = _float_array(qx_female_by_age, "qx_female_by_age", where)

    if a.ndim != 1 or a.size == 0:
        raise ModelError(Problem(where, f"ages has shape {a.shape}", "a 1-D array of ages"))
    _check_finite(a, "ages", where, problems)
    if not problems and (np.any(a != np.round(a)) or np.any(np.diff(a) != 1)):
        problems.append(Problem(where, "ages are not consecutive whole years",
                                "ages increasing by exactly 1, e.g. 0, 1, ..., 99"))
    for name, q in (("qx_male_by_age", qm), ("qx_female_by_age", qf)):
        if q.shape != a.shape:
            problems.append(Problem(where, f"{name} has shape {q.shape}",
                                    f"one probability per age, shape {a.shape}"))
            continue
        _check_finite(q, name, where, problems)
        if np.any((q < 0) | (q > 1)):
            problems.append(Problem(where, f"{name} has a value outside [0, 1]",
                                    "one-year death probabilities in [0, 1]"))
    if not (isinstance(proportion_male, (int, float, np.integer, np.floating))
            and 0.0 <= proportion_male <= 1.0):
        problems.append(Problem(where, f"proportion_male is {proportion_male!r}",
                                "a share in [0, 1]"))
    if not (math.isfinite(discount_rate) and discount_rate >= 0):
        problems.append(Problem(where, f"discount_rate is {discount_rate!r}",
                                "an annual rate >= 0, e.g. 0.015"))
    if not (isinstance(start_age, (int, float, np.integer, np.floating))
            and math.isfinite(start_age) and start_age in set(a.tolist())):
        problems.append(Problem(where, f"start_age {start_age!r} is not in ages",
                                f"a whole age between {a[0]:g} and {a[-1]:g}"))
    if isinstance(utility_by_age, Mapping):
        missing = {"male", "female"} - set(utility_by_age)
        if missing:
            problems.append(Problem(where, f"utility_by_age lacks {sorted(missing)}",
                                    "keys 'male' and 'female'"))
            raise ModelError(problems)
        um = _utilities(utility_by_age["male"], a, "utility_by_age['male']", problems)
        uf = _utilities(utility_by_age["female"], a, "utility_by_age['female']", problems)
    else:
        um = uf = _utilities(utility_by_age, a, "utility_by_age", problems)
    if problems:
        raise ModelError(problems)

    k0 = int(np.flatnonzero(a == start_age)[0])
    v = 1.0 / (1.0 + discount_rate)

    def one_sex(q_all: np.ndarray, u_all: np.ndarray, label: str) -> float:
        q = q_all[k0:].copy()
        u = u_all[k0:]
        if not open_ended_last_age:
            q[-1] = 1.0
        elif q[-1] <= 0:
            raise ModelError(
                Problem(where, f"{label} is 0 at the last age {a[-1]:g}, so nobody ever dies",
                        "a death probability > 0 at the last age, or open_ended_last_age="
                        "False, or a life table extended to older ages")
            )
        alive = np.concatenate(([1.0], np.cumprod(1.0 - q)[:-1]))  # l_x, with l_start = 1
        person_years = alive * (1.0 - q / 2.0)  # L_x = l_x - d_x / 2
        t = np.arange(len(q))
        total = float(np.sum(person_years * u * v**t))
        if open_ended_last_age:
            # years after the last age, with the last age's q and u: geometric series
            tail_start = alive[-1] * (1.0 - q[-1]) * v ** len(q)  # l at x_max + 1, discounted
            total += float(tail_start * (1.0 - q[-1] / 2.0) * u[-1] / (1.0 - (1.0 - q[-1]) * v))
        return total

    male = one_sex(qm, um, "qx_male_by_age") if proportion_male > 0 else 0.0
    female = one_sex(qf, uf, "qx_female_by_age") if proportion_male < 1 else 0.0
    return float(proportion_male * male + (1.0 - proportion_male) * female)
