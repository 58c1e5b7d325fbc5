"""What would have to be true for annual CAR-T re-dosing to be cost-effective against one-time CAR-T
(docs/rrmm.md block ``redose_conditions``, beside the re-dosing headroom grid).

The headroom grid (``make run``'s ``--two-way`` over ``hr_redose`` x ``redose_price_share``) varies
a further course's efficacy and price; the assumptions that fix the outcome besides those are
removed here, one at a time and together:

- nobody stops re-dosing at an anniversary (``p_redose_eligible`` 0.8 -> 1);
- no death from a further course (``nrm_redose_course`` 0.05 -> 0);
- no procedure cost of a further course (``c_cart_procedure`` and ``c_apheresis`` -> 0: the
  first course has the same costs in both strategies, so only the further courses' change the
  increment);
- no caregiver time valued after a further course (``caregiver_hours_per_day`` 24 -> 0; likewise
  the first course's cancels).

Per row: incremental QALYs and costs (full price and price 0) of re-dosing versus one-time CAR-T, and the
highest price share of a further course (``redose_price_share``) at which re-dosing is
cost-effective at EUR 50,000 and 80,000 per QALY. Costs are linear in the price share (a further
course's drug cost is ``redose_price_share`` x the product price), so two runs (share 0 and 1)
give it exactly: s* = (λ ΔQ - ΔC(0)) / (ΔC(1) - ΔC(0)); "none" when ΔQ <= 0 or s* < 0.
"""

from __future__ import annotations

from typing import Any

from hecon.examples.rrmm.decision import HEADROOM
from hecon.examples.rrmm.strategies import CART, REDOSE
from hecon.model.spec import ModelSpec

#: Each assumption removed (in words -> parameter values).
REMOVED: dict[str, dict[str, float]] = {
    "nobody stops at an anniversary (p_redose_eligible 1)": {"p_redose_eligible": 1.0},
    "no death from a further course (nrm_redose_course 0)": {"nrm_redose_course": 0.0},
    "no procedure cost per further course (c_cart_procedure, c_apheresis 0)": {
        "c_cart_procedure": 0.0,
        "c_apheresis": 0.0,
    },
    "no caregiver time after a further course (caregiver_hours_per_day 0)": {"caregiver_hours_per_day": 0.0},
}
#: The most effective further course of the headroom grid (hr_redose's lower end).
BEST_HR = HEADROOM.x_range[0] if HEADROOM.x_range else 0.0
WTPS = (50_000.0, 80_000.0)


def _increment(spec: ModelSpec) -> tuple[float, float]:
    from hecon.engine.run import run_model

    r = run_model(spec).isel(sample=0)

    def v(name: str, s: str) -> float:
        return float(r[name].sel(strategy=s))

    return v("total_costs", REDOSE) - v("total_costs", CART), v("qalys", REDOSE) - v("qalys", CART)


def variation(spec: ModelSpec, values: dict[str, float]) -> dict[str, Any]:
    """Re-dosing versus one-time CAR-T with ``values`` set: d_qalys, d_costs at full price and at
    price 0 [EUR], and the highest price share at each WTP (None: none)."""
    full_c, d_q = _increment(spec.with_parameters({**values, "redose_price_share": 1.0}))
    free_c, _ = _increment(spec.with_parameters({**values, "redose_price_share": 0.0}))
    shares: dict[float, float | None] = {}
    for w in WTPS:
        s = (w * d_q - free_c) / (full_c - free_c)
        shares[w] = s if d_q > 0 and s >= 0 else None
    return {"d_qalys": d_q, "d_costs": full_c, "d_costs_free": free_c, "shares": shares}


#: All four assumptions removed at once.
ALL_REMOVED = {k: v for values in REMOVED.values() for k, v in values.items()}


def condition_rows(spec: ModelSpec) -> list[dict[str, Any]]:
    """One row per variation (base case, each assumption removed, all four, all four with
    ``hr_redose`` = :data:`BEST_HR`): label and :func:`variation`'s numbers."""
    variations: list[tuple[str, dict[str, float]]] = [("base case (hr_redose 0.7)", {})] + list(REMOVED.items())
    variations += [
        ("all four together", ALL_REMOVED),
        (f"all four, and hr_redose {BEST_HR}", {**ALL_REMOVED, "hr_redose": BEST_HR}),
    ]
    return [{"label": label, **variation(spec, values)} for label, values in variations]


def conditions_table(spec: ModelSpec) -> str:
    """:func:`condition_rows` as a markdown table."""
    lines = [
        "| Variation (from the base case) | Incremental QALYs vs one-time CAR-T | Incremental costs at full price (EUR) "
        "| Incremental costs at price 0 (EUR) | Highest price share, EUR 50,000 per QALY "
        "| Highest price share, EUR 80,000 per QALY |",
        "|---|---|---|---|---|---|",
    ]
    for r in condition_rows(spec):
        shares = [
            "none" if s is None else (f"{s:.2f} (cost-effective at full price)" if s >= 1 else f"{s:.2f}")
            for s in r["shares"].values()
        ]
        lines.append(
            f"| {r['label']} | {r['d_qalys']:+.3f} | {r['d_costs']:+,.0f} | {r['d_costs_free']:+,.0f} | "
            + " | ".join(shares)
            + " |"
        )
    return "\n".join(lines)
