"""The PSA of both model structures side by side and averaged (a model that defines transitions
and partitions: the run's structure and the other, same number of samples and seed, and their
samples pooled with the weights of the settings).

Every number is a field of :class:`~hecon.analysis.results.Results` (``psa``,
``psa_cross_check``, :class:`~hecon.analysis.psa_summary.PsaSummary`, and ``psa_structures``,
:class:`~hecon.analysis.structure_average.StructureAverage`); this module only lays them out.
"""

from __future__ import annotations

from typing import Any

from hecon.analysis.psa_summary import PsaSummary
from hecon.analysis.results import Results
from hecon.analysis.structure import STRUCTURE_NAMES
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION
from hecon.report.numbers import OUTSIDE_DECISION, count, money, percent, versus_text
from hecon.report.section import Section
from hecon.report.tables import Column, Table, currency_label


def _rows(label: str, data: PsaSummary, wtps: list[float]) -> list[list[Any]]:
    """The comparator's row (its probability of the highest net monetary benefit and the EVPI),
    then one row per other strategy: increments, the means' ICER in words, the probability of
    the highest net monetary benefit among the options and of a positive incremental net
    monetary benefit versus the comparator, at each of ``wtps``."""
    at = [data.at(w) for w in wtps]
    evpi = [a.evpi_per_patient if a is not None else None for a in at]
    rows: list[list[Any]] = [
        [
            label,
            f"{data.comparator} (comparator)",
            None,
            None,
            None,
            "",
            *[a.ceac.get(data.comparator) if a is not None else None for a in at],
            *[None for _ in wtps],
            *evpi,
        ]
    ]
    status = {f.strategy: f.status for f in data.frontier}  # the frontier of the samples' means
    for inc in data.incremental:
        highest = [a.ceac.get(inc.strategy) if a is not None else None for a in at]
        pairwise = {p.wtp: p.probability for p in inc.probability_cost_effective}
        rows.append(
            [
                label,
                inc.strategy,
                inc.incremental_cost.mean,
                inc.incremental_qalys.mean,
                inc.icer,
                versus_text(inc.description, status.get(inc.strategy, OUTSIDE_DECISION)),
                *highest,
                *[pairwise.get(w) for w in wtps],
                *[None for _ in wtps],
            ]
        )
    return rows


def psa_version(results: Results) -> str:
    """Which structure the PSA section's tables and figures (``results.psa``) show, for their titles and
    captions, when both structures ran ("state transition (Markov) version alone"); "" with one."""
    if results.psa_cross_check is None and results.psa_structures is None:
        return ""
    return f"{STRUCTURE_NAMES[results.spec.settings.structure]} version alone"


def psa_caption(results: Results, caption: str) -> str:
    """``caption`` led by :func:`psa_version` when both structures ran, so that a PSA figure or
    table is never read as the averaged result of the first screen."""
    version = psa_version(results)
    if not version:
        return caption
    return f"{version[0].upper()}{version[1:]} (the PSA averaged over both structures: table 'Probabilistic results of both model structures'). {caption}"


def pooled_caption(results: Results, caption: str) -> str:
    """``caption`` led by what a figure of both structures' pooled samples shows (the probabilities the
    first screen quotes) and which strategies it leaves out (those modelled in one structure only, shown in
    the appendix figures of the run's structure)."""
    pooled = results.psa_structures
    if pooled is None:
        return caption
    text = (
        f"Both model structures averaged ({weights_text(results)}; {count(pooled.n_samples)} pooled samples), the PSA "
        "the first screen's probabilities come from."
    )
    if pooled.only_in:
        names = ", ".join(pooled.only_in)
        text += (
            f" Not shown: {names}, modelled in one structure only (in the appendix figures of the "
            f"{STRUCTURE_NAMES[results.spec.settings.structure]} version alone)."
        )
    return f"{text} {caption}"


def psa_title(results: Results, title: str) -> str:
    """``title`` with :func:`psa_version` in brackets when both structures ran."""
    version = psa_version(results)
    return f"{title} ({version})" if version else title


def weights_text(results: Results) -> str:
    """The structures' weights in the averaged PSA, in words ("" without it)."""
    pooled = results.psa_structures
    if pooled is None:
        return ""
    return " and ".join(f"{STRUCTURE_NAMES[s]} {percent(w, 0)}" for s, w in pooled.weights.items())


def decision_basis_sentence(results: Results) -> str:
    """Which structure(s) the PSA's decision outputs rest on, with their weights ("" without a
    PSA of both structures)."""
    pooled = results.psa_structures
    if pooled is None:
        return ""
    text = (
        f"The probabilistic decision rests on both model structures, averaged with the weights {weights_text(results)} "
        f"({count(pooled.n_samples)} pooled samples)"
    )
    if pooled.only_in:
        by: dict[str, list[str]] = {}
        for strategy, structure in pooled.only_in.items():
            by.setdefault(STRUCTURE_NAMES[structure], []).append(strategy)
        text += "; " + "; ".join(
            f"{', '.join(names)} {'rests' if len(names) == 1 else 'rest'} on the {structure} version only "
            "(outside the averaged decision)"
            for structure, names in by.items()
        )
    return text + "."


def psa_structures_section(results: Results) -> Section | None:
    """Both structures' PSA results versus the comparator (None unless both ran)."""
    data, other = results.psa, results.psa_cross_check
    if data is None or other is None:
        return None
    cur = results.currency
    money_unit = currency_label(results)
    comparator = data.comparator
    wtps = [float(w) for w in results.spec.settings.wtp]
    this = results.spec.settings.structure
    that = PARTITIONED_SURVIVAL if this == STATE_TRANSITION else STATE_TRANSITION
    cols = [
        Column("Structure", width=24),
        Column("Strategy", width=24),
        Column(f"Mean incremental costs ({money_unit})", "money", 14),
        Column("Mean incremental QALYs", "qaly", 11),
        Column(f"ICER of the means ({cur}/QALY)", "money", 13, html=False),
        Column(f"Versus {comparator} (means)", width=34),
        *[Column(f"P(highest NMB) at {money(w, cur)}", "percent", 11) for w in wtps],
        *[Column(f"P(INMB > 0 vs {comparator}) at {money(w, cur)}", "percent", 11) for w in wtps],
        *[Column(f"EVPI per patient at {money(w, cur)} ({money_unit})", "money", 12) for w in wtps],
    ]
    rows = _rows(STRUCTURE_NAMES[this] + " (base case)", data, wtps) + _rows(STRUCTURE_NAMES[that], other, wtps)
    pooled = results.psa_structures
    if pooled is not None:
        rows += _rows(f"Both, averaged ({weights_text(results)})", pooled.summary, wtps)
    table = Table(
        "PSAStructures",
        f"Probabilistic results of both model structures and of their weighted average versus {comparator}",
        cols,
        rows,
        f"{count(data.n_samples)} samples of each structure, seed {data.seed}. P(highest NMB): the share of samples in "
        "which the strategy has the highest net monetary benefit among the decision's options (the CEAC); "
        f"P(INMB > 0): the share in which it has a higher net monetary benefit than {comparator} (pairwise). "
        "EVPI: expected value of perfect information among the options, per patient.",
        css="small",
    )
    paragraphs = [
        f"The model defines both structures, so the PSA is run for each, with the same {count(data.n_samples)} "
        f"samples count and seed: the {STRUCTURE_NAMES[this]} version (the base case, above) and the "
        f"{STRUCTURE_NAMES[that]} version."
    ]
    if pooled is not None:
        paragraphs.append(
            decision_basis_sentence(results)
            + " The rows 'Both, averaged' are the two structures' samples pooled, each structure holding its "
            "weight's share of the samples (setting partitioned_survival_weight; model averaging, Jackson et al. "
            "2009): their probabilities are the weighted averages of the structures' and their EVPI includes "
            "the value of knowing the structure. Partial EVPI (EVPPI) is of the base-case structure only."
        )
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
        "psa_structures",
        "PSA of both model structures and their average",
        paragraphs=paragraphs,
        tables=[table],
        sheets=[table],
    )


def headline_sentence(results: Results) -> str:
    """Which deterministic result is the headline, and the weighted expectation over the
    structural alternatives, in words ("" with one alternative)."""
    exp = results.structural_expectation
    if exp is None:
        return ""
    head = exp.headline
    which = (
        f"The deterministic base case is one of {len(exp.alternatives)} structural alternatives: {head.label} "
        f"(weight {percent(head.weight, 0)})"
        if head is not None
        else f"The deterministic base case has weight 0 among the {len(exp.alternatives)} structural alternatives"
    )
    status = exp.expected.frontier_status
    versus = "; ".join(
        f"{inc.strategy} {versus_text(inc.description, status.get(inc.strategy, OUTSIDE_DECISION))}"
        for inc in exp.expected.versus_comparator
    )
    return (
        f"{which}. Their weighted expectation, the deterministic counterpart of the averaged PSA, versus "
        f"{exp.comparator}: {versus}."
    )


def structural_expectation_section(results: Results) -> Section | None:
    """The deterministic results of each structural alternative and their weighted expectation."""
    exp = results.structural_expectation
    if exp is None:
        return None
    cur = results.currency
    money = currency_label(results)
    cols = [
        Column("Alternative", width=44),
        Column("Weight", "percent", 8),
        Column("Strategy", width=24),
        Column(f"Costs ({money})", "money", 14),
        Column("QALYs", "qaly", 10),
        Column("Life-years", "years", 10),
        Column(f"Versus {exp.comparator}", width=40),
    ]
    rows: list[list[Any]] = []
    for alt in (*exp.alternatives, exp.expected):
        versus = {
            inc.strategy: versus_text(inc.description, alt.frontier_status.get(inc.strategy, OUTSIDE_DECISION))
            for inc in alt.versus_comparator
        }
        label = "Weighted expectation" if alt is exp.expected else alt.label + (" (headline)" if alt.headline else "")
        for name, r in alt.strategies.items():
            rows.append(
                [
                    label,
                    alt.weight,
                    name,
                    r.costs,
                    r.qalys,
                    r.lys,
                    versus.get(name, "(comparator)" if name == exp.comparator else ""),
                ]
            )
    table = Table(
        "StructuralAlternatives",
        "Deterministic results of each structural alternative and their weighted expectation",
        cols,
        rows,
        f"Discounted, per patient ({cur}). Each alternative is run with every other parameter at its base value; "
        "the expectation is the weighted mean over the alternatives of the strategies every alternative models, "
        "and its increments are those of the expected costs and QALYs.",
        css="small",
    )
    return Section(
        "structural_expectation",
        "Deterministic results by structural alternative",
        paragraphs=[
            headline_sentence(results),
            "The PSA draws these alternatives with the same weights, so the weighted expectation, not the "
            "headline alternative alone, is the deterministic result that describes the model the PSA decides on.",
        ],
        tables=[table],
        sheets=[table],
    )
