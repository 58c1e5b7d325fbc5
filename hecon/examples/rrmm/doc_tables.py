"""The tables of docs/rrmm.md that come from a run: base-case results, the external survival
checks, the subgroups and the re-dosing headroom (``python -m hecon.examples.rrmm.doc_tables``
prints them; ``tests/examples/test_rrmm.py`` and ``tests/examples/test_rrmm_subgroups.py`` check
that docs/rrmm.md contains them as printed from a fresh run).

Sources: the model (:func:`hecon.examples.rrmm.rrmm_model`), :data:`.survival.EXTERNAL_CHECKS`,
:func:`.subgroups.subgroups` and :data:`.decision.HEADROOM`.
"""

from __future__ import annotations

import math
from typing import Any

from hecon.examples.rrmm.outputs import external_check_value, tfi_metrics
from hecon.examples.rrmm.strategies import BSAB, RWPC, STRATEGIES
from hecon.examples.rrmm.survival import EXTERNAL_CHECKS
from hecon.model.spec import ModelSpec


def _value(results: Any, name: str, strategy: str) -> float:
    return float(results[name].sel(strategy=strategy)[0])


def results_table(results: Any) -> str:
    """Base-case costs, QALYs, LYs (discounted), treatment burden (undiscounted) and each strategy
    versus the weekly bispecific (the primary comparison) and versus RWPC (the historical reference),
    in words (:func:`hecon.analysis.incremental.describe_icer`), as a markdown table."""
    from hecon.analysis.incremental import describe_icer

    lines = [
        "| Strategy | Costs (EUR) | QALYs | LYs | Years on treatment | TF years | Share of LYs TF | Hospital days "
        "| vs weekly bispecific (primary) | vs RWPC (historical reference) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def versus(reference: str, c: float, q: float) -> str:
        if s == reference:
            return "reference"
        return describe_icer(c - _value(results, "total_costs", reference), q - _value(results, "qalys", reference))

    for s in STRATEGIES:
        c, q, ly = _value(results, "total_costs", s), _value(results, "qalys", s), _value(results, "lys", s)
        m = tfi_metrics(results, s)
        lines.append(
            f"| {s} | {c:,.0f} | {q:.2f} | {ly:.2f} | {m['years_on_treatment']:.2f} | {m['treatment_free_years']:.2f} "
            f"| {m['share_treatment_free']:.0%} | {m['hospital_days']:.1f} | {versus(BSAB, c, q)} | {versus(RWPC, c, q)} |"
        )
    return "\n".join(lines)


def incremental_table(results: Any) -> str:
    """Full incremental analysis of the base case (efficiency frontier, dominance in words,
    sequential ICERs [EUR per QALY]) as a markdown table (:func:`hecon.analysis.incremental.incremental_analysis`)."""
    from hecon.analysis.incremental import incremental_analysis

    costs = [_value(results, "total_costs", s) for s in STRATEGIES]
    qalys = [_value(results, "qalys", s) for s in STRATEGIES]
    lines = [
        "| Strategy (by cost) | Status | Compared with | Incremental costs | Incremental QALYs | ICER (EUR/QALY) |"
    ]
    lines.append("|---|---|---|---|---|---|")
    for row in incremental_analysis(STRATEGIES, costs, qalys):
        if row.comparator is None:
            lines.append(f"| {row.strategy} | {row.status} | | | | |")
        else:
            lines.append(
                f"| {row.strategy} | {row.status} | {row.comparator} | {row.incremental_cost:,.0f} "
                f"| {row.incremental_effect:.2f} | {row.icer:,.0f} |"
            )
    return "\n".join(lines)


def external_checks_table(runs: dict[str | None, tuple[ModelSpec, Any]]) -> str:
    """The external survival checks: model vs source, as a markdown table. ``runs`` maps a scenario
    name (None: base case) to its spec and results."""
    lines = ["| Check | Source | Model | Difference | Why they differ |", "|---|---|---|---|---|"]
    for check in EXTERNAL_CHECKS:
        spec, results = runs[check.scenario]
        got = external_check_value(spec, results, check)
        fmt = "{:.1f} months" if check.month is None else "{:.1%}"
        diff = (got - check.source) / check.source
        lines.append(
            f"| {check.label} | {fmt.format(check.source)} | {fmt.format(got)} | {diff:+.0%} | "
            f"{check.reason or 'within ' + format(check.tolerance or math.nan, '.0%') + ' (tested)'} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Subgroups and the re-dosing headroom (issue 14)
# --------------------------------------------------------------------------------------


def subgroups_table(runs: dict[str, Any]) -> str:
    """Each subgroup (first: the whole population) with each strategy's discounted costs and QALYs
    and its comparison with the weekly bispecific in words, as a markdown table. ``runs`` maps a
    subgroup name to the model's results for it."""
    from hecon.analysis.incremental import describe_icer

    lines = [
        "| Subgroup | Strategy | Costs (EUR) | QALYs | LYs | vs weekly bispecific |",
        "|---|---|---|---|---|---|",
    ]
    for name, results in runs.items():
        ref_c, ref_q = _value(results, "total_costs", BSAB), _value(results, "qalys", BSAB)
        for s in STRATEGIES:
            c, q, ly = _value(results, "total_costs", s), _value(results, "qalys", s), _value(results, "lys", s)
            versus = "reference" if s == BSAB else describe_icer(c - ref_c, q - ref_q)
            lines.append(f"| {name} | {s} | {c:,.0f} | {q:.2f} | {ly:.2f} | {versus} |")
    return "\n".join(lines)


def headroom_table(result: Any) -> str:
    """The re-dosing headroom (:func:`hecon.analysis.two_way.two_way_threshold` of
    :data:`.decision.HEADROOM`): for each re-dosing efficacy of the grid up to the first at which
    re-dosing is cost-effective at no price share, the highest price share at which it is
    cost-effective against one-time CAR-T at each willingness to pay, as a markdown table."""
    wtps = [w for w in result.wtp if w >= 50_000]
    lines = [
        f"| {result.x} | " + " | ".join(f"highest {result.y}, EUR {w:,.0f} per QALY" for w in wtps) + " |",
        "|---|" + "---|" * len(wtps),
    ]
    for i, x in enumerate(result.x_values):
        shares = [result.boundary[w][i] for w in wtps]
        lines.append(f"| {x:.3f} | " + " | ".join("none" if v is None else f"{v:.3f}" for v in shares) + " |")
        if all(v is None for v in shares):
            break
    return "\n".join(lines)


def headroom_text(result: Any) -> str:
    """Where re-dosing becomes cost-effective, in a sentence per willingness to pay (>= 50,000)."""
    parts = []
    for w in (w for w in result.wtp if w >= 50_000):
        edge = [(x, v) for x, v in zip(result.x_values, result.boundary[w]) if v is not None]
        if not edge:
            parts.append(f"At EUR {w:,.0f} per QALY re-dosing is not cost-effective anywhere on the grid.")
            continue
        (x0, v0), (x1, v1) = edge[0], edge[-1]
        parts.append(
            f"At EUR {w:,.0f} per QALY re-dosing is cost-effective against one-time CAR-T only if a further course "
            f"costs at most {v0:.1%} of the product price at {result.x} = {x0:.2f} (its best efficacy on the grid), "
            f"falling to {v1:.1%} at {result.x} = {x1:.2f}; at {result.x} >= {result.x_values[len(edge)]:.2f} "
            f"not even a free further course is cost-effective (base case {result.x} = {result.base_x:g}, "
            f"{result.y} = {result.base_y:g})."
        )
    return " ".join(parts)


def subgroup_runs(spec: ModelSpec) -> dict[str, Any]:
    """The model's results for the whole population and each subgroup."""
    from hecon.engine.run import run_model
    from hecon.model.scenarios import apply_scenario

    runs: dict[str, Any] = {"Whole population": run_model(spec)}
    for sg in spec.subgroups:
        runs[sg.name] = run_model(apply_scenario(spec, sg))
    return runs


def main() -> None:
    """Print the tables from a fresh run."""
    from hecon.engine.run import run_model
    from hecon.examples.rrmm.model import rrmm_model
    from hecon.model.scenarios import apply_scenario

    spec = rrmm_model()
    runs: dict[str | None, tuple[ModelSpec, Any]] = {None: (spec, run_model(spec))}
    for sc in spec.scenarios:
        if sc.name in {c.scenario for c in EXTERNAL_CHECKS}:
            s = apply_scenario(spec, sc)
            runs[sc.name] = (s, run_model(s))
    print(results_table(runs[None][1]))
    print()
    print(incremental_table(runs[None][1]))
    print()
    print(external_checks_table(runs))
    print()
    from hecon.analysis.two_way import two_way_threshold
    from hecon.examples.rrmm.decision import HEADROOM

    print(subgroups_table(subgroup_runs(spec)))
    print()
    headroom = two_way_threshold(spec, HEADROOM, spec.settings.wtp)
    print(headroom_table(headroom))
    print()
    print(headroom_text(headroom))


if __name__ == "__main__":
    main()
