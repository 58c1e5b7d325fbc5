"""The PSA of both model structures as ``make run`` reports it (docs/rrmm.md block ``psa_decision``):
the same number of iterations and seed as the Makefile's run, summarised by the code that writes
the report (:func:`hecon.analysis.psa.run_psa`, :func:`hecon.analysis.psa_summary.summarise_psa`
with the decision's options), so the page, report.html and summary.json show the same numbers.

Per structure and strategy versus the weekly bispecific: mean incremental costs [EUR] and QALYs,
the ICER of the means in words, the probability of the highest net monetary benefit among the
decision's options (the report's P(CE); RWPC, the historical reference, is outside it) and the
pairwise probability of a positive incremental net monetary benefit versus the weekly bispecific,
at EUR 50,000 and 80,000 per QALY.
"""

from __future__ import annotations

from hecon.examples.rrmm.strategies import BSAB
from hecon.model.spec import ModelSpec

#: Iterations and seed of the PSA of ``make run`` (Makefile RUN_OPTIONS; tested against it)
MAKE_RUN_PSA = 1000
MAKE_RUN_SEED = 20241126
#: The willingness-to-pay values of the table [EUR per QALY]
WTPS = (50_000.0, 80_000.0)


def _pct(p: float | None) -> str:
    return "outside the decision" if p is None else f"{p:.0%}"


def _rows(label: str, spec: ModelSpec, n: int, seed: int) -> list[str]:
    from hecon.analysis.psa import run_psa
    from hecon.analysis.psa_summary import summarise_psa

    summary = summarise_psa(run_psa(spec, n, seed), BSAB, list(WTPS), WTPS[-1], options=spec.options)
    at = [summary.at(w) for w in WTPS]
    rows = [
        f"| {label} | {BSAB} (comparator) | | | | "
        + " / ".join(_pct(a.ceac.get(BSAB)) for a in at if a is not None)
        + " | |"
    ]
    for inc in summary.incremental:
        pairwise = {p.wtp: p.probability for p in inc.probability_cost_effective}
        highest = " / ".join(_pct(a.ceac.get(inc.strategy)) for a in at if a is not None)
        if inc.strategy in summary.references:
            highest = "outside the decision (reference)"
        rows.append(
            f"| {label} | {inc.strategy} | {inc.incremental_cost.mean:,.0f} | {inc.incremental_qalys.mean:.2f} "
            f"| {inc.description} | {highest} | " + " / ".join(f"{pairwise[w]:.0%}" for w in WTPS) + " |"
        )
    return rows


def decision_psa_table(st_spec: ModelSpec, ps_spec: ModelSpec, n: int = MAKE_RUN_PSA, seed: int = MAKE_RUN_SEED) -> str:
    """The markdown table of both structures' PSA (see the module docs)."""
    lines = [
        "| Structure | Strategy vs weekly bispecific | Mean incremental costs (EUR) | Mean incremental QALYs "
        "| ICER of the means | P(highest NMB among the options) at EUR 50,000 / 80,000 "
        "| P(INMB > 0 vs weekly bispecific) at EUR 50,000 / 80,000 |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, spec in (("ST", st_spec), ("PS", ps_spec)):
        lines += _rows(label, spec, n, seed)
    return "\n".join(lines)
