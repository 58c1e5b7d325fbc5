"""The tables of docs/rrmm.md that come from a run: base-case results and the external survival
checks (``python -m hecon.examples.rrmm.doc_tables`` prints them; ``tests/examples/test_rrmm.py``
checks that docs/rrmm.md contains them as printed from a fresh run).

Sources: the model (:func:`hecon.examples.rrmm.rrmm_model`) and :data:`.survival.EXTERNAL_CHECKS`.
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


if __name__ == "__main__":
    main()
