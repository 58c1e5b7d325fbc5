"""The PSA of both model structures and their weighted average as ``make run`` reports it
(docs/rrmm.md block ``psa_decision``): the same number of iterations and seed as the Makefile's
run, summarised by the code that writes the report (:func:`hecon.analysis.psa.run_psa`,
:func:`hecon.analysis.structure_average.pool_psa`, :func:`hecon.analysis.psa_summary.summarise_psa`
with the decision's options), so the page, report.html and summary.json show the same numbers.

Per structure, and for the two structures' samples pooled with the weights of the settings
(``partitioned_survival_weight``; the decision's PSA), each strategy versus the weekly
bispecific: mean incremental costs [EUR] and QALYs, the ICER of the means in words, the
probability of the highest net monetary benefit among the decision's options (the report's
P(CE); RWPC, the historical reference, is outside it) and the pairwise probability of a positive
incremental net monetary benefit versus the weekly bispecific, at EUR 50,000 and 80,000 per
QALY; on the comparator's row the EVPI per patient [EUR] at both.
"""

from __future__ import annotations

from typing import Any

from hecon.examples.rrmm.strategies import BSAB
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION, ModelSpec
from hecon.report.numbers import OUTSIDE_DECISION, versus_text

#: Iterations and seed of the PSA of ``make run`` (Makefile RUN_OPTIONS; tested against it)
MAKE_RUN_PSA = 1000
MAKE_RUN_SEED = 20241126
#: The willingness-to-pay values of the table [EUR per QALY]
WTPS = (50_000.0, 80_000.0)
_LABELS = {STATE_TRANSITION: "ST", PARTITIONED_SURVIVAL: "PS"}


def _pct(p: float | None) -> str:
    return "outside the decision" if p is None else f"{p:.0%}"


def decision_psa(
    st_spec: ModelSpec, ps_spec: ModelSpec, n: int = MAKE_RUN_PSA, seed: int = MAKE_RUN_SEED
) -> dict[str, Any]:
    """The PSA summaries by label: "ST", "PS" and the pooled one, labelled with its weights."""
    from hecon.analysis.psa import run_psa
    from hecon.analysis.psa_summary import summarise_psa
    from hecon.analysis.structure_average import pool_psa, structure_weights

    def summary(ds: Any, options: list[str]) -> Any:
        return summarise_psa(ds, BSAB, list(WTPS), WTPS[-1], options=options)

    datasets = {STATE_TRANSITION: run_psa(st_spec, n, seed), PARTITIONED_SURVIVAL: run_psa(ps_spec, n, seed)}
    weights = structure_weights(st_spec.settings)
    pooled = pool_psa(datasets, weights)
    shared = {str(s) for s in pooled["strategy"].values}
    label = "Averaged (" + ", ".join(f"{_LABELS[s]} {w:.0%}" for s, w in weights.items()) + ")"
    return {
        "ST": summary(datasets[STATE_TRANSITION], list(st_spec.options)),
        "PS": summary(datasets[PARTITIONED_SURVIVAL], list(ps_spec.options)),
        label: summary(pooled, [s for s in st_spec.options if s in shared]),
    }


def _rows(label: str, summary: Any) -> list[str]:
    at = [summary.at(w) for w in WTPS]
    rows = [
        f"| {label} | {BSAB} (comparator) | | | | "
        + " / ".join(_pct(a.ceac.get(BSAB)) for a in at if a is not None)
        + " | | "
        + " / ".join(f"{a.evpi_per_patient:,.0f}" for a in at if a is not None)
        + " |"
    ]
    status = {r.strategy: r.status for r in summary.frontier}  # the frontier of the sample means
    for inc in summary.incremental:
        pairwise = {p.wtp: p.probability for p in inc.probability_cost_effective}
        highest = " / ".join(_pct(a.ceac.get(inc.strategy)) for a in at if a is not None)
        if inc.strategy in summary.references:
            highest = "outside the decision (reference)"
        rows.append(
            f"| {label} | {inc.strategy} | {inc.incremental_cost.mean:,.0f} | {inc.incremental_qalys.mean:.2f} "
            f"| {versus_text(inc.description, status.get(inc.strategy, OUTSIDE_DECISION))} | {highest} | "
            + " / ".join(f"{pairwise[w]:.0%}" for w in WTPS)
            + " | |"
        )
    return rows


def decision_psa_table(st_spec: ModelSpec, ps_spec: ModelSpec, n: int = MAKE_RUN_PSA, seed: int = MAKE_RUN_SEED) -> str:
    """The markdown table of both structures' PSA and their average (see the module docs)."""
    lines = [
        "| Structure | Strategy vs weekly bispecific | Mean incremental costs (EUR) | Mean incremental QALYs "
        "| ICER of the means | P(highest NMB among the options) at EUR 50,000 / 80,000 "
        "| P(INMB > 0 vs weekly bispecific) at EUR 50,000 / 80,000 | EVPI per patient (EUR) at EUR 50,000 / 80,000 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, summary in decision_psa(st_spec, ps_spec, n, seed).items():
        lines += _rows(label, summary)
    return "\n".join(lines)
