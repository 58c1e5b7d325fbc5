"""Why teclistamab versus RWPC needs a far larger price cut in this model than ZIN's 2025 advice
(a cut of more than 40%): the increment decomposed by a run (docs/rrmm.md block
``tec_decomposition``, under "Face validity").

Per structure, the incremental costs of the weekly bispecific versus RWPC by cost category
(discounted, EUR per patient), the incremental life-years split into time progression-free and
after progression (undiscounted, from the trace) and the incremental QALYs and life-years
(discounted). The teclistamab product cost D is read off two runs, since costs are linear in the
price: D = (C_base - C_cut) / (1 - p_cut / p), with C_cut the bispecific's costs in the scenario
"Teclistamab price -40%" and p, p_cut the prices (``tec_price_per_mg``) of the two runs. At willingness to pay λ the price cut that makes the ICER λ is
x = (ΔC - λ ΔQ) / D, and a 40% cut suffices when ΔQ >= (ΔC - 0.4 D) / λ (formulas: ICER = ΔC /
ΔQ, linear in D).
"""

from __future__ import annotations

from typing import Any

from hecon.examples.rrmm.care_costs import CATEGORY_PERSPECTIVE
from hecon.examples.rrmm.outputs import STATE_GROUPS
from hecon.examples.rrmm.strategies import BSAB, RWPC
from hecon.model.spec import ModelSpec

#: ZIN 2025: reimbursement after a price decrease of more than 40%; ZIN's reference value for this
#: burden of disease [EUR per QALY]
ZIN_CUT, LAMBDA = 0.40, 80_000.0

#: The teclistamab price parameter [EUR per mg]
PRICE = "tec_price_per_mg"

Run = tuple[ModelSpec, Any]


def _v(results: Any, name: str, strategy: str) -> float:
    return float(results[name].sel(strategy=strategy).isel(sample=0))


def _years(spec: ModelSpec, results: Any, strategy: str, states: tuple[str, ...]) -> float:
    """Undiscounted years in ``states`` (trace points x cycle length; trapezoid-free sum)."""
    trace = results["trace"].sel(strategy=strategy)
    present = [s for s in states if s in trace["state"].values]
    return float(trace.sel(state=present).sum()) * spec.settings.cycle_length_years


def decomposition(base: Run, cut: Run) -> dict[str, Any]:
    """The numbers of one structure (see the module docs): increments by category, in LYs
    progression-free and after progression, QALYs, the product cost D and the cuts."""
    spec, r = base
    costs = r["costs"].isel(sample=0)
    by_category = {
        c: float(costs.sel(strategy=BSAB, category=c) - costs.sel(strategy=RWPC, category=c))
        for c in CATEGORY_PERSPECTIVE
    }
    d_cost = _v(r, "total_costs", BSAB) - _v(r, "total_costs", RWPC)
    d_qaly = _v(r, "qalys", BSAB) - _v(r, "qalys", RWPC)
    price = {p.name: p.value for p in spec.parameters}[PRICE]
    lower = {p.name: p.value for p in cut[0].parameters}[PRICE]
    product = (_v(r, "total_costs", BSAB) - _v(cut[1], "total_costs", BSAB)) / (1.0 - float(lower) / float(price))
    pf = {s: _years(spec, r, s, STATE_GROUPS[s]["pf"]) for s in (RWPC, BSAB)}
    alive = {s: _years(spec, r, s, STATE_GROUPS[s]["alive"]) for s in (RWPC, BSAB)}
    return {
        "by_category": by_category,
        "d_cost": d_cost,
        "d_qaly": d_qaly,
        "d_ly": _v(r, "lys", BSAB) - _v(r, "lys", RWPC),
        "d_pf_years": pf[BSAB] - pf[RWPC],
        "d_pd_years": (alive[BSAB] - pf[BSAB]) - (alive[RWPC] - pf[RWPC]),
        "product": product,
        "cut_needed": (d_cost - LAMBDA * d_qaly) / product,
        "qalys_for_zin_cut": (d_cost - ZIN_CUT * product) / LAMBDA,
    }


def decomposition_block(st: Run, st_cut: Run, ps: Run, ps_cut: Run) -> str:
    """The markdown table and the sentences of both structures."""
    parts = {"ST": decomposition(st, st_cut), "PS": decomposition(ps, ps_cut)}
    lines = [
        "| Component (weekly bispecific minus RWPC) | State transition | Partitioned survival |",
        "|---|---|---|",
    ]
    for c in CATEGORY_PERSPECTIVE:
        lines.append(
            f"| costs: {c} (EUR) | " + " | ".join(f"{p['by_category'][c]:+,.0f}" for p in parts.values()) + " |"
        )
    rows = (
        ("**costs: total (EUR)**", "d_cost", "{:+,.0f}"),
        ("of which the teclistamab product at the base-case price (EUR)", "product", "{:,.0f}"),
        ("years progression-free (undiscounted)", "d_pf_years", "{:+.2f}"),
        ("years after progression (undiscounted)", "d_pd_years", "{:+.2f}"),
        ("**life-years (discounted)**", "d_ly", "{:+.2f}"),
        ("**QALYs (discounted)**", "d_qaly", "{:+.2f}"),
        (f"price cut for an ICER of EUR {LAMBDA:,.0f} per QALY", "cut_needed", "{:.0%}"),
        (f"QALYs gained at which a {ZIN_CUT:.0%} cut gives EUR {LAMBDA:,.0f} per QALY", "qalys_for_zin_cut", "{:.2f}"),
    )
    for label, key, fmt in rows:
        lines.append(f"| {label} | " + " | ".join(fmt.format(p[key]) for p in parts.values()) + " |")
    st_p = parts["ST"]
    other = st_p["d_cost"] - st_p["product"]
    text = (
        f"In the state-transition version teclistamab gains {st_p['d_qaly']:.2f} QALYs over RWPC "
        f"({st_p['d_pf_years']:+.2f} years progression-free and {st_p['d_pd_years']:+.2f} after progression, "
        f"undiscounted), which at EUR {LAMBDA:,.0f} per QALY pays for EUR {LAMBDA * st_p['d_qaly']:,.0f}; the "
        f"increment besides the product is EUR {other:,.0f} and the product costs EUR {st_p['product']:,.0f} per "
        f"patient, so the price must fall by {st_p['cut_needed']:.0%}. A {ZIN_CUT:.0%} cut would give EUR "
        f"{LAMBDA:,.0f} per QALY with a gain of {st_p['qalys_for_zin_cut']:.2f} QALYs, "
        f"{st_p['qalys_for_zin_cut'] / st_p['d_qaly']:.1f} times the model's. The gap is the product cost, not "
        "the survival gain alone: weekly dosing until discontinuation (the MajesTEC-1 duration of treatment) makes "
        "the product cost per patient large against a QALY gain that the OS evidence (a non-significant OS hazard "
        "ratio versus RWPC in the state-transition version, MajesTEC-1's own OS in the partitioned one) keeps below "
        "one QALY; ZIN's >40% rests on the confidential Dutch list price and the company's model, which were not "
        "found (G), so the model's price (the Swiss list price in euros) and ZIN's "
        "cut apply to different prices."
    )
    return "\n".join(lines) + "\n\n" + text
