"""The PSA of both model structures side by side (a model that defines transitions and partitions:
the run's structure and the structural cross-check, same number of samples and seed).

Every number is a field of :class:`~hecon.analysis.results.Results` (``psa`` and
``psa_cross_check``, :class:`~hecon.analysis.psa_summary.PsaSummary`); this module only lays
them out.
"""

from __future__ import annotations

from typing import Any

from hecon.analysis.psa_summary import PsaSummary
from hecon.analysis.results import Results
from hecon.analysis.structure import STRUCTURE_NAMES
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION
from hecon.report.section import Section
from hecon.report.tables import Column, Table, currency_label


def _rows(label: str, data: PsaSummary, wtps: list[float]) -> list[list[Any]]:
    """One row per strategy other than the comparator: increments, the means' ICER in words, the
    probability of the highest net monetary benefit among the options and of a positive
    incremental net monetary benefit versus the comparator, at each of ``wtps``."""
    rows = []
    for inc in data.incremental:
        highest = [at.ceac.get(inc.strategy) if (at := data.at(w)) is not None else None for w in wtps]
        pairwise = {p.wtp: p.probability for p in inc.probability_cost_effective}
        rows.append(
            [
                label,
                inc.strategy,
                inc.incremental_cost.mean,
                inc.incremental_qalys.mean,
                inc.icer,
                inc.description,
                *highest,
                *[pairwise.get(w) for w in wtps],
            ]
        )
    return rows


def psa_structures_section(results: Results) -> Section | None:
    """Both structures' PSA results versus the comparator (None unless both ran)."""
    data, other = results.psa, results.psa_cross_check
    if data is None or other is None:
        return None
    cur = results.currency
    money = currency_label(results)
    comparator = data.comparator
    wtps = [float(w) for w in results.spec.settings.wtp]
    this = results.spec.settings.structure
    that = PARTITIONED_SURVIVAL if this == STATE_TRANSITION else STATE_TRANSITION
    cols = [
        Column("Structure", width=24),
        Column("Strategy", width=24),
        Column(f"Mean incremental costs ({money})", "money", 14),
        Column("Mean incremental QALYs", "qaly", 11),
        Column(f"ICER of the means ({cur}/QALY)", "money", 13, html=False),
        Column(f"Versus {comparator} (means)", width=34),
        *[Column(f"P(highest NMB) at {cur} {w:,.0f}", "percent", 11) for w in wtps],
        *[Column(f"P(INMB > 0 vs {comparator}) at {cur} {w:,.0f}", "percent", 11) for w in wtps],
    ]
    rows = _rows(STRUCTURE_NAMES[this] + " (base case)", data, wtps) + _rows(STRUCTURE_NAMES[that], other, wtps)
    table = Table(
        "PSAStructures",
        f"Probabilistic results of both model structures versus {comparator}",
        cols,
        rows,
        f"{data.n_samples:,} samples of each structure, seed {data.seed}. P(highest NMB): the share of samples in "
        "which the strategy has the highest net monetary benefit among the decision's options (the CEAC); "
        f"P(INMB > 0): the share in which it has a higher net monetary benefit than {comparator} (pairwise).",
        css="small",
    )
    paragraphs = [
        f"The model defines both structures, so the PSA is run for each, with the same {data.n_samples:,} "
        f"samples count and seed: the {STRUCTURE_NAMES[this]} version (the base case, above) and the "
        f"{STRUCTURE_NAMES[that]} version (the structural cross-check). The "
        f"{STRUCTURE_NAMES[that]} version has no value-of-information analysis."
    ]
    if other.references:
        paragraphs.append(f"Outside the decision in both: {', '.join(other.references)} (reference).")
    missing = [s for s in data.strategies if s not in other.strategies]
    if missing:
        paragraphs.append(
            f"Run in the {STRUCTURE_NAMES[this]} version only (no {STRUCTURE_NAMES[that]} rows): "
            + ", ".join(missing)
            + f"; the {STRUCTURE_NAMES[that]} probabilities are among its own strategies."
        )
    return Section(
        "psa_structures", "PSA of both model structures", paragraphs=paragraphs, tables=[table], sheets=[table]
    )
