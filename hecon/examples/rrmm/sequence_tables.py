"""The tables of docs/rrmm.md on the sequences and the cost categories, from a run
(``python -m hecon.examples.rrmm.doc_tables`` prints them and writes them into docs/rrmm.md; ``tests/examples/test_rrmm_sequences.py``
checks that docs/rrmm.md contains them as printed from a fresh base-case run).

Sources: the model (:func:`hecon.examples.rrmm.rrmm_model`) and
:data:`.care_costs.CATEGORY_PERSPECTIVE`.
"""

from __future__ import annotations

from typing import Any

from hecon.examples.rrmm.care_costs import CATEGORY_PERSPECTIVE
from hecon.examples.rrmm.strategies import BSAB, CART, SEQ_BSAB_CART, SEQ_CART_BSAB, STRATEGIES
from hecon.model.spec import ModelSpec

#: The primary pair and the sequences reported beside it.
COMPARED = (CART, BSAB, SEQ_CART_BSAB, SEQ_BSAB_CART)


def _value(results: Any, name: str, strategy: str) -> float:
    return float(results[name].sel(strategy=strategy)[0])


def versus_primary_table(results: Any) -> str:
    """Costs, QALYs and LYs (discounted) of the primary pair and the sequences, and each versus
    one-time CAR-T and versus the weekly bispecific in words
    (:func:`hecon.analysis.incremental.describe_icer`), as a markdown table."""
    from hecon.analysis.incremental import describe_icer

    lines = [
        "| Strategy | Costs (EUR) | QALYs | LYs | vs one-time CAR-T | vs weekly bispecific |",
        "|---|---|---|---|---|---|",
    ]
    for s in COMPARED:
        c, q, ly = (_value(results, name, s) for name in ("total_costs", "qalys", "lys"))
        cells = []
        for reference in (CART, BSAB):
            if s == reference:
                cells.append("reference")
            else:
                dc = c - _value(results, "total_costs", reference)
                cells.append(describe_icer(dc, q - _value(results, "qalys", reference)))
        lines.append(f"| {s} | {c:,.0f} | {q:.2f} | {ly:.2f} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def cost_table(results: Any) -> str:
    """Discounted costs by category and perspective for every strategy, with the healthcare
    subtotal and the societal total [EUR], as a markdown table."""
    lines = [
        "| Category | Perspective | " + " | ".join(STRATEGIES) + " |",
        "|---|---|" + "---|" * len(STRATEGIES),
    ]
    costs = results["costs"].isel(sample=0)
    totals = {"healthcare": [0.0] * len(STRATEGIES), "societal": [0.0] * len(STRATEGIES)}
    for category, perspective in CATEGORY_PERSPECTIVE.items():
        row = [float(costs.sel(strategy=s, category=category)) for s in STRATEGIES]
        for key in ("healthcare", "societal") if perspective == "healthcare" else ("societal",):
            totals[key] = [a + b for a, b in zip(totals[key], row)]
        lines.append(f"| {category} | {perspective} | " + " | ".join(f"{v:,.0f}" for v in row) + " |")
    for key, label in (("healthcare", "Healthcare perspective"), ("societal", "Societal perspective")):
        lines.append(f"| **{label}** | | " + " | ".join(f"**{v:,.0f}**" for v in totals[key]) + " |")
    return "\n".join(lines)


def difference_text(spec: ModelSpec) -> str:
    """How the sequence CAR-T then bispecific differs from one-time CAR-T, read off the spec: the
    strategy parameters whose values differ (Strategies sheet) and the resulting share of the
    relapses after CAR-T that start a bispecific (``q_bsab_after_cart``, whose formula picks
    ``p_bsab_after_cart`` in the sequence and ``w_bsab_after_cart_relapse`` otherwise)."""
    base = {p.name: p.value for p in spec.parameters}
    by_name = {s.name: s for s in spec.strategies}
    one, seq = by_name[CART].parameters, by_name[SEQ_CART_BSAB].parameters
    differ = [k for k in sorted(set(one) | set(seq)) if one.get(k, base.get(k)) != seq.get(k, base.get(k))]
    pair = (CART, SEQ_CART_BSAB)
    own = [t for t in spec.transitions if t.strategy in pair] + [
        r for r in spec.transition_rewards if r.strategy in pair
    ]
    rest = (
        "and in nothing else: their transitions and one-off rewards are those of every strategy"
        if not own
        else f"and in {len(own)} strategy-specific transitions or rewards"
    )

    def share(name: str) -> str:
        return f"{float(base[name]):.3f}"

    return (
        f"In the state-transition version {SEQ_CART_BSAB} and {CART} differ in the strategy parameter"
        f"{'s' if len(differ) != 1 else ''} "
        + ", ".join(f"`{k}` ({one.get(k, base.get(k))} vs {seq.get(k, base.get(k))})" for k in differ)
        + f" {rest}. That switch sets the share of relapses after CAR-T that start a bispecific "
        f"(`q_bsab_after_cart`): {share('w_bsab_after_cart_relapse')} in {CART} (`w_bsab_after_cart_relapse`, "
        f"the salvage share) and {share('p_bsab_after_cart')} in {SEQ_CART_BSAB} (`p_bsab_after_cart`, those fit "
        f"for it). So the sequence is one-time CAR-T with a policy of giving a bispecific at relapse to everyone "
        f"fit for it, and its increment over {CART} is that of the larger share."
    )
