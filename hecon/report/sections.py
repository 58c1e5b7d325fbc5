"""Report sections: each formats part of the analysis result (:class:`~hecon.analysis.results.Results`)
as text, tables and figures for report.html and sheets for results.xlsx. Every number they show
is a field of the result (summary.json is that result serialised); sections compute layout and
wording only.

The sections follow the CHEERS 2022 reporting checklist (Husereau et al., Value Health
2022;25:3-9) where a model can fill them: key results, decision problem (population,
setting, comparators, perspective, time horizon, discounting, outcomes, currency), model
structure, inputs with sources, base-case results, incremental analysis, treatment burden,
disease burden, scenario, threshold, one-way and probabilistic sensitivity analysis, value
of information, assumptions and limitations, run information.

To add an analysis to the report, compute it into a field of :class:`~hecon.analysis.results.Results`
(see :mod:`hecon.analysis.run`), write a builder ``f(results) -> Section | None`` that returns
None when the run has no such analysis, and insert it into :data:`SECTIONS` (before
:func:`run_section`, which stays last).

Workbook conventions the report reads:

* an **assumption** (Assumptions sheet) that starts with ``Population:``, ``Setting:``,
  ``Perspective:``, ``Comparators:``, ``Time horizon:`` or ``Discounting:`` is shown under the
  decision problem; one starting with ``Limitation:`` under limitations; all others under
  assumptions;
* published **survival points** (SurvivalPoints sheet) are drawn on the survival figure and
  tabulated beside the model, with their population and whether it is like for like
  (:mod:`hecon.analysis.landmarks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hecon.analysis.landmarks import MODEL_POPULATION
from hecon.analysis.progress import progress_bar
from hecon.analysis.psa import ZIN_MINIMUM_SAMPLES
from hecon.analysis.results import Results
from hecon.analysis.source_curves import ONE_POINT
from hecon.analysis.timeline import state_categories
from hecon.methods.lifetable import life_table_title
from hecon.model.spec import OPTION, PARTITIONED_SURVIVAL
from hecon.report.decision import (
    budget_impact_section,
    burden_section,
    dsa_section,
    net_benefit_section,
    perspectives_section,
    psa_section,
    scenario_analysis_section,
    structure_check_section,
    thresholds_section,
    voi_section,
)
from hecon.report.diagram import GROUP_FROM_STATES, grouped_spec, state_diagram_png
from hecon.report.figures import (
    Figure,
    cost_breakdown_png,
    frontier_png,
    state_label,
    survival_png,
    survival_window,
    time_axis,
    timeline_png,
    timeline_window,
    trace_png,
)
from hecon.report.first_screen import (
    decision_sentence,
    driver_brief,
    driver_sentence,
    probability_sentence,
    reference_sentence,
    threshold_sentences,
)
from hecon.report.numbers import OUTSIDE_DECISION, count, fixed, money, percent, quantity, significant, versus_text
from hecon.report.parallel import build_each
from hecon.report.psa_structures import decision_basis_sentence, headline_sentence, structural_expectation_section
from hecon.report.section import Section, detail_section
from hecon.report.source_curve_figures import curve_title, source_curves_png
from hecon.report.sources import write_tags_in_words
from hecon.report.style import CATEGORIES
from hecon.report.subgroups import subgroups_section
from hecon.report.tables import (
    Column,
    Table,
    burden_table,
    burden_wide_table,
    cost_breakdown_table,
    costs_by_category_table,
    currency_label,
    incremental_table,
    inputs_table,
    key_results_table,
    lifetables_table,
    partitions_table,
    rewards_table,
    runinfo_table,
    schedules_table,
    states_table,
    strategy_values_table,
    substate_trace_table,
    survival_inputs_table,
    totals_table,
    trace_name,
    trace_table,
    transitions_table,
    versus_table,
)
from hecon.report.tfi import treatment_free_section
from hecon.report.two_way import two_way_section

#: Assumption labels shown under the decision problem: label -> topic.
DECISION_LABELS = {
    "population": "Population",
    "setting": "Setting",
    "population and setting": "Population",
    "perspective": "Perspective",
    "comparators": "Comparators",
    "comparator": "Comparators",
    "time horizon": "Time horizon",
    "horizon": "Time horizon",
    "discounting": "Discounting",
    "discount rates": "Discounting",
}
LIMITATION_LABELS = ("limitation", "limitations")
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z /-]{1,30}?)\s*:\s*(.+)$", re.DOTALL)
_PERSPECTIVE = re.compile(
    r"\b(societal|health[- ]?care(?: payer| system)?|payer|hospital|NHS(?: and PSS)?)"
    r"\s+perspective",
    re.IGNORECASE,
)


SectionBuilder = Callable[[Results], "Section | None"]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def colour_index(results: Results) -> dict[str, int]:
    """Strategy -> its position in the model: its colour in every figure."""
    return {s: i for i, s in enumerate(results.strategies)}


def labelled_assumptions(assumptions: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Split the workbook's assumptions into (decision-problem topic -> texts, limitations, others)."""
    topics: dict[str, list[str]] = {}
    limitations: list[str] = []
    others: list[str] = []
    for a in assumptions:
        m = _LABEL.match(a)
        label = m.group(1).strip().lower() if m else ""
        if label in DECISION_LABELS:
            topics.setdefault(DECISION_LABELS[label], []).append(m.group(2).strip())
        elif label in LIMITATION_LABELS:
            limitations.append(m.group(2).strip())
        else:
            others.append(a)
    return topics, limitations, others


def perspective(result: Results) -> tuple[str, str]:
    """(perspective, where it was found): a 'Perspective:' assumption, else the words
    '<...> perspective' in the model description or assumptions."""
    topics, _, _ = labelled_assumptions(result.spec.assumptions)
    if "Perspective" in topics:
        text = topics["Perspective"][0].strip().rstrip(".")
        return text[:1].upper() + text[1:], "Assumptions sheet"
    for text, where in [(result.spec.description, "model description")] + [
        (a, "assumptions") for a in result.spec.assumptions
    ]:
        m = _PERSPECTIVE.search(text or "")
        if m:
            return m.group(1)[:1].upper() + m.group(1)[1:], where
    return "", ""


def _plural(n: int, word: str) -> str:
    return f"{count(n)} {word}{'' if n == 1 else 's'}"


def _setting_value(result: Results, value: Any) -> float | None:
    """A setting that may name a parameter (``proportion_male = p_male``) as a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        p = result.spec.parameter(str(value).strip())
        return float(p.value)
    except (KeyError, TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------
# key results (built last, shown first)
# --------------------------------------------------------------------------------------


FIRST_SCREEN_CHARS = 2500
"""Longest first screen (the Key results section's text) [characters]: what a committee reads before
anything else; the rest of the headline results follow in :func:`results_overview_section`."""


def _setting_words(results: Results) -> str:
    s = results.settings
    persp, _ = perspective(results)
    return (
        f"{len(results.base.strategies)} strategies compared with {results.comparator}: "
        f"{significant(s['horizon_years'], 6)}-year horizon, "
        + (f"{persp.lower()} perspective, " if persp else "")
        + f"costs in {currency_label(results)}, discounted at {percent(s['discount_rate_costs'], None)} (costs) "
        f"and {percent(s['discount_rate_effects'], None)} (effects) per year."
    )


def _frontier_words(results: Results) -> str:
    base = results.base
    if len(base.strategies) < 2:
        return ""
    frontier = [r for r in base.incremental if r.on_frontier]
    steps = [frontier[0].strategy] + [
        f"{r.strategy} ({money(r.icer, results.currency)} per QALY gained)" for r in frontier[1:]
    ]
    text = "Efficiency frontier: " + " → ".join(steps)
    for status in ("dominated", "extendedly dominated"):
        names = [r.strategy for r in base.incremental if r.status == status]
        if names:
            text += f"; {status}: {', '.join(names)}"
    return text + "."


def _references_brief(results: Results) -> str:
    refs = [s.name for s in results.spec.strategies if s.role != OPTION]
    if not refs:
        return ""
    verb = "is a reference strategy" if len(refs) == 1 else "are reference strategies"
    return f"{' and '.join(refs)} {verb}, outside the decision (why: Results overview)."


def key_results_section(results: Results) -> Section:
    """The first screen, in plain sentences (at most :data:`FIRST_SCREEN_CHARS` characters for a model
    like the example): the decision at the headline willingness to pay with its derivation, the frontier's
    ICERs, the probability of being cost-effective, the prices at which strategies become cost-effective
    and the main driver; warnings first. The detail is in :func:`results_overview_section`."""
    bullets = [
        x
        for x in (
            decision_sentence(results),
            _frontier_words(results),
            _references_brief(results),
            probability_sentence(results),
        )
        if x
    ]
    bullets += [f"Warning: {w}." for w in results.warnings]
    bullets += threshold_sentences(results)
    driver = driver_brief(results)
    if driver:
        bullets.append(driver)
    head = results.headline
    warnings = [head.warning[:1].upper() + head.warning[1:] + "."] if head.warning else []
    return Section(
        "key_results", "Key results", paragraphs=[_setting_words(results)], warnings=warnings, bullets=bullets
    )


def results_overview_section(results: Results) -> Section:
    """What follows the first screen: each strategy against the comparator, the reference strategies,
    the structural alternatives and the PSA of each structure, the main driver of every strategy, the
    treatment burden, the range over the scenarios, and the key results table."""
    cur = results.currency
    base = results.base
    comparator = results.comparator
    table = key_results_table(results)
    bullets = []
    for r in base.versus_comparator:
        dc, de = r.incremental_cost, r.incremental_effect
        cost_words = (
            f"costs {money(abs(dc), cur)} more"
            if dc > 0
            else f"saves {money(abs(dc), cur)}"
            if dc < 0
            else "costs the same"
        )
        effect_words = (
            f"gains {fixed(de, 3)} QALYs"
            if de > 0
            else f"loses {fixed(-de, 3)} QALYs"
            if de < 0
            else "gives the same QALYs"
        )
        status = next((f.status for f in base.incremental if f.strategy == r.strategy), OUTSIDE_DECISION)
        bullets.append(
            f"{r.strategy} {cost_words} and {effect_words} versus {comparator}: {versus_text(r.description, status)}."
        )
    references = reference_sentence(results)
    if references:
        bullets.append(references)
    head = results.headline
    headline = headline_sentence(results)
    if headline:
        bullets.append(headline)
    pooled = results.psa_structures
    at_pooled = pooled.summary.at(head.wtp) if pooled is not None else None
    if pooled is not None and at_pooled is not None:
        probs = ", ".join(f"{name} {percent(p, 0)}" for name, p in at_pooled.ceac.items())
        bullets.append(
            f"{decision_basis_sentence(results)} Averaged PSA: probability of the highest net monetary benefit at "
            f"{money(head.wtp, cur)} per QALY: {probs}; {at_pooled.optimal} has the highest expected net "
            f"monetary benefit. Expected value of perfect information {money(at_pooled.evpi_per_patient, cur)} "
            "per patient."
        )
    psa = results.psa
    at = psa.at(head.wtp) if psa is not None else None
    if psa is not None and at is not None:
        probs = ", ".join(f"{name} {percent(p, 0)}" for name, p in at.ceac.items())
        version = (
            f" of the {results.structure_check.structures[0]} version alone"
            if pooled is not None and results.structure_check is not None
            else ""
        )
        bullets.append(
            f"PSA{version} ({count(psa.n_samples)} samples): probability of the highest net monetary benefit at "
            f"{money(head.wtp, cur)} per QALY: {probs}. Expected value of perfect information "
            f"{money(at.evpi_per_patient, cur)} per patient."
        )
    cross = results.psa_cross_check
    at_cross = cross.at(head.wtp) if cross is not None else None
    if cross is not None and at_cross is not None and results.structure_check is not None:
        probs = ", ".join(f"{name} {percent(p, 0)}" for name, p in at_cross.ceac.items())
        bullets.append(
            f"PSA of the {results.structure_check.structures[1]} version alone "
            f"({count(cross.n_samples)} samples): probability of the highest net monetary benefit at "
            f"{money(head.wtp, cur)} per QALY: {probs}."
        )
    driver = driver_sentence(results)
    if driver:
        bullets.append(driver)
    tfi_bullet = _burden_headline(results)
    if tfi_bullet:
        bullets.append(tfi_bullet)
    scen = _scenario_range(results)
    if scen:
        bullets.append(scen)
    return Section("results_overview", "Results overview", bullets=bullets, tables=[table], sheets=[table])


def _burden_headline(results: Results) -> str:
    strategies = results.base.strategies
    parts = []
    for key, label, decimals in (
        ("treatment_free_years_undiscounted", "treatment-free years", 2),
        ("years_on_treatment_undiscounted", "years on treatment", 2),
        ("hospital_days_undiscounted", "hospital days", 1),
    ):
        values = {s: v.tfi.metrics.get(key) for s, v in strategies.items()}
        if any(x is not None for x in values.values()):
            parts.append(
                f"{label}: " + ", ".join(f"{s} {fixed(x, decimals)}" for s, x in values.items() if x is not None)
            )
    return ("Treatment burden per patient (undiscounted) — " + "; ".join(parts) + ".") if parts else ""


def _off_frontier(results: Results, strategy: str) -> str:
    """How often ``strategy`` is off the efficiency frontier of the scenarios other than the base
    case, in words (empty when never), so that a range of its ICERs is never read alone."""
    others = list(results.scenarios.values())[1:]
    status = [{f.strategy: f.status for f in sc.incremental}.get(strategy, OUTSIDE_DECISION) for sc in others]
    if all(x == OUTSIDE_DECISION for x in status):
        return ", a reference strategy, outside the decision"
    off = [x for x in status if x in ("dominated", "extendedly dominated")]
    if not off:
        return ""
    kinds = " or ".join(sorted(set(off)))
    where = "in every scenario" if len(off) == len(others) else f"in {len(off)} of {len(others)} scenarios"
    return f", but {kinds} on the efficiency frontier {where}"


def _scenario_range(results: Results) -> str:
    analysis = results.scenario_analysis
    if analysis is None:
        return ""
    cur = results.currency
    out = []
    for r in analysis.icer_ranges:
        if r.lowest is not None:
            text = f"{r.strategy}: {money(r.lowest, cur)} to {money(r.highest, cur)} per QALY gained"
            if r.n_without_icer:
                n = r.n_without_icer
                text += f" ({n} scenario{'s' if n > 1 else ''} with another result, see the scenario table)"
            out.append(text + _off_frontier(results, r.strategy))
        elif r.n_without_icer:
            out.append(f"{r.strategy}: no ICER in any scenario (see the scenario table)")
    n_other = len(results.scenarios) - 1
    return (f"Across {n_other} scenarios, versus {results.comparator}: " + "; ".join(out) + ".") if out else ""


# --------------------------------------------------------------------------------------
# decision problem and model structure
# --------------------------------------------------------------------------------------


def decision_problem_section(results: Results) -> Section:
    spec = results.spec
    s = results.settings
    topics, _, _ = labelled_assumptions(spec.assumptions)
    persp, persp_where = perspective(results)
    male = _setting_value(results, s["proportion_male"])
    start_age = s["start_age"]
    end_age = start_age + s["horizon_years"]
    cycle = s["cycle_length_days"]
    cycle_words = {
        7.0: "weekly",
        1.0: "daily",
        365.25: "yearly",
        14.0: "two-weekly",
        28.0: "four-weekly",
        365.25 / 12: "monthly",
        365.25 / 4: "quarterly",
    }.get(cycle)
    analyses = ["deterministic base case"]
    if len(results.scenarios) > 1:
        analyses.append(_plural(len(results.scenarios) - 1, "scenario"))
    if results.thresholds:
        analyses.append(_plural(len(results.thresholds), "threshold analysis").replace("analysiss", "analyses"))
    if results.dsa is not None:
        analyses.append(f"one-way sensitivity analysis of {_plural(len(results.dsa.parameters), 'parameter')}")
    if results.psa is not None:
        analyses.append(
            f"probabilistic sensitivity analysis ({count(results.psa.n_samples)} samples, "
            f"seed {results.seed}) with value of information"
        )
    if results.burden is not None:
        analyses.append("disease burden (proportional shortfall) with the Dutch reference value")
    wtp = ", ".join(money(w, results.currency) for w in s["wtp"]) + " per QALY gained"
    if results.burden is not None and results.burden.burden.reference_value is not None:
        wtp += f"; reference value {money(results.burden.burden.reference_value, results.currency)} (disease burden)"
    outcomes = "Costs, QALYs and life-years (discounted and undiscounted); incremental cost-effectiveness ratios"
    if spec.flags or spec.count_names:
        outcomes += "; treatment burden (time in flagged states, counts per patient)"
    rows = [
        [
            "Population",
            f"Cohort starting at age {significant(start_age, 6)}"
            + (f", {percent(male, 0)} male" if male is not None else f", share male = {s['proportion_male']}"),
        ],
        ["Comparators", f"{', '.join(x.name for x in spec.strategies)} (reference: {results.comparator})"],
        [
            "Perspective",
            f"{persp} (from the {persp_where})"
            if persp
            else "Not stated in the workbook (add an assumption starting 'Perspective:')",
        ],
        ["Costs included", ", ".join(c.replace("_", " ") for c in spec.cost_categories) or "none"],
        [
            "Time horizon",
            f"{quantity(s['horizon_years'], 'years')} ({count(s['n_cycles'])} cycles), to age {significant(end_age, 6)}",
        ],
        ["Cycle length", quantity(cycle, "days") + (f" ({cycle_words} cycles)" if cycle_words else "")],
        [
            "Discount rates",
            f"costs {percent(s['discount_rate_costs'], None)}, effects {percent(s['discount_rate_effects'], None)} "
            f"per year ({'per cycle' if s['discount_timing'] == 'cycle' else 'per whole year'})",
        ],
        ["Within-cycle correction", s["within_cycle"]],
        ["Currency and price year", currency_label(results)],
        ["Outcomes", outcomes],
        ["Willingness to pay", wtp],
        ["Analyses", "; ".join(analyses)],
        [
            "Life table (background mortality)",
            life_table_title(s.get("life_table") or (spec.life_tables[0].name if spec.life_tables else "none")),
        ],
    ]
    table = Table(
        "DecisionProblem", "Decision problem and methods", [Column("Item", width=30), Column("Value", width=90)], rows
    )
    strategies = Table(
        "Strategies",
        "Strategies compared",
        [Column("Strategy", width=24), Column("Role", width=14), Column("Description", width=90)],
        [
            [
                x.name,
                "comparator"
                if x.name == results.comparator
                else "reference (outside the decision)"
                if x.role != OPTION
                else "intervention",
                x.description,
            ]
            for x in spec.strategies
        ],
    )
    paragraphs = [spec.description] if spec.description else []
    subsections = [
        Section(f"problem_{k.lower().replace(' ', '_')}", k, paragraphs=[t[:1].upper() + t[1:] for t in texts])
        for k, texts in topics.items()
    ]
    return Section(
        "decision_problem",
        "Decision problem",
        paragraphs=paragraphs,
        tables=[table, strategies],
        sheets=[table, strategies],
        subsections=subsections,
    )


def structure_section(results: Results) -> Section:
    spec = results.spec
    png, note = state_diagram_png(spec)
    n_pairs = len({(t.from_state, t.to_state) for t in spec.transitions if t.from_state != t.to_state})
    specific = sorted({t.strategy for t in spec.transitions if t.strategy})
    cycles = f"in cycles of {quantity(spec.settings.cycle_length_days, 'days')} with {spec.settings.within_cycle} within-cycle correction"
    if spec.settings.structure == PARTITIONED_SURVIVAL:
        partitioned = sorted({p.strategy for p in spec.partitions if p.strategy})
        paragraphs = [
            f"A partitioned-survival model with {_plural(len(spec.states), 'health state')}, {cycles}: the share "
            "of the cohort in each state is read off survival curves of model time (Partitions, in the appendix), "
            "not moved by transition probabilities; there is no structural link between progression and death "
            "(NICE DSU TSD 19). The strategies share the states and differ in parameter values"
            + (f" and in their curves ({', '.join(partitioned)} have their own rows)" if partitioned else "")
            + "."
        ]
    else:
        paragraphs = [
            f"A cohort state-transition (Markov) model with {_plural(len(spec.states), 'health state')} and "
            f"{_plural(n_pairs, 'possible move')} between states, {cycles}. The strategies share the states "
            "and differ in parameter values"
            + (f" and in transitions ({', '.join(specific)} have their own rows)" if specific else "")
            + "."
        ]
    figure = Figure(
        "State diagram",
        png,
        "Health states (boxes, coloured by treatment-burden category) and the transitions between them. "
        "Each box shows the state's short name; the appendix (Model definition, States) gives its description. " + note,
        f"Diagram of the {len(spec.states)} health states of the model and the transitions between them.",
    )
    paragraphs.append(
        "The health states with their utilities, costs and flags, the transition probabilities and the one-off "
        "rewards of every strategy are listed in the appendix (Model definition)."
    )
    if len(spec.states) < GROUP_FROM_STATES:
        return Section("structure", "Model structure", paragraphs=paragraphs, figures=[figure])
    grouped, members = grouped_spec(spec)
    grouped_png, grouped_note = state_diagram_png(grouped)
    summary = Figure(
        "State diagram, states grouped",
        grouped_png,
        "The health states grouped by treatment-burden category (the number of states in brackets): an arrow "
        "where a state of one group can move to a state of another. "
        + grouped_note
        + " Every state and transition: the full diagram in the appendix.",
        f"Diagram of the {len(members)} groups of the model's {len(spec.states)} health states and the moves "
        "between groups.",
    )
    return Section(
        "structure",
        "Model structure",
        paragraphs=paragraphs,
        figures=[summary, figure],
        content=[summary],
        detail=detail_section("structure", "Model structure", [], [figure]),
    )


def inputs_section(results: Results) -> Section:
    spec = results.spec
    full = inputs_table(spec)
    uncertain = {p.name for p in spec.parameters if p.distribution is not None or p.dsa}
    tables = [
        full.view(
            title="Parameters with uncertainty (PSA distribution or DSA range)",
            rows=[r for r in full.rows if r[0] in uncertain],
            note=full.note + " Parameters with a fixed value or a formula: appendix; every parameter: sheet Inputs.",
        )
        if uncertain and len(uncertain) < len(full.rows)
        else full
    ]
    if spec.survival_curves:
        tables.append(survival_inputs_table(spec))
    missing = [p.name for p in spec.parameters if not str(p.source).strip()]
    paragraphs = [
        f"{_plural(len(spec.parameters), 'parameter')}: "
        f"{count(sum(p.distribution is not None for p in spec.parameters))} with a PSA distribution, "
        f"{count(sum(bool(p.dsa) for p in spec.parameters))} varied in the one-way sensitivity analysis; "
        + (
            f"{count(len(missing))} without a source ({', '.join(missing[:12])}{', ...' if len(missing) > 12 else ''})."
            if missing
            else "every parameter has a source."
        )
        + " Parameters without uncertainty, strategy-specific values, schedules and life tables are in the "
        "appendix (Model definition)."
    ]
    if spec.survival_points:
        at_risk = sum(p.kind == "at_risk" for p in spec.survival_points)
        paragraphs.append(
            f"{_plural(len(spec.survival_points), 'published survival point')} (SurvivalPoints sheet): "
            f"{count(len(spec.survival_points) - at_risk)} landmarks and medians, drawn on the survival figure and "
            "compared with the model in the base case"
            + (f"; {count(at_risk)} numbers at risk, for fitting (not drawn)." if at_risk else ".")
        )
    return Section("inputs", "Inputs", paragraphs=paragraphs, tables=tables, sheets=[full] + tables[1:])


def definition_section(results: Results) -> Section:
    """Appendix: everything else that defines the model (transitions, one-off rewards,
    strategy-specific values, schedules, life tables)."""
    spec = results.spec
    full = inputs_table(spec)
    fixed = [r for r, p in zip(full.rows, spec.parameters) if p.distribution is None and not p.dsa]
    tables = [states_table(spec, state_categories(spec), {k: v[0] for k, v in CATEGORIES.items()})]
    if fixed and len(fixed) < len(full.rows):
        tables.append(
            full.view(
                title="Parameters with a fixed value or a formula",
                rows=fixed,
                note="Structural switches, unit conversions, derived values and inputs without a "
                "stated uncertainty. Every parameter: sheet Inputs.",
            )
        )
    if spec.transitions or spec.settings.structure != PARTITIONED_SURVIVAL:
        tables.append(transitions_table(spec))
    if spec.partitions:
        tables.append(partitions_table(spec))
    if spec.transition_rewards:
        tables.append(rewards_table(spec))
    if any(s.parameters for s in spec.strategies):
        tables.append(strategy_values_table(spec))
    if spec.schedules:
        tables.append(schedules_table(spec))
    if spec.life_tables:
        tables.append(lifetables_table(spec))
    return Section(
        "definition",
        "Appendix: model definition",
        tables=tables,
        sheets=[t for t in tables if t.sheet != "Inputs"],
        paragraphs=[
            "The rest of the model as read from the workbook, for review; the parameters are in the Inputs section."
        ],
    )


# --------------------------------------------------------------------------------------
# base case
# --------------------------------------------------------------------------------------


def _survival(results: Results) -> tuple[Figure, list[Table]]:
    """The survival figure, the model's medians and landmarks, and the landmark comparison."""
    surv = results.base_case.survival
    strategies = list(results.strategies)
    unit, per_year, has_pfs = surv.time_unit, surv.per_year, surv.has_pfs
    cols = [Column("Strategy", width=24)]
    if has_pfs:
        cols.append(Column(f"Median PFS ({unit})", "number", 12))
    cols.append(Column(f"Median OS ({unit})", "number", 12))
    for t in surv.points_years:
        if has_pfs:
            cols.append(Column(f"PFS at {significant(t, 6)} year{'s' if t > 1 else ''}", "share", 10))
        cols.append(Column(f"OS at {significant(t, 6)} year{'s' if t > 1 else ''}", "share", 10))
    rows = []
    for s in strategies:
        c = surv.strategies[s]
        row: list[Any] = [s]
        if has_pfs:
            row.append(c.median_pfs_years * per_year if c.median_pfs_years is not None else None)
        row.append(c.median_os_years * per_year if c.median_os_years is not None else None)
        for pfs, os in zip(c.pfs_at, c.os_at):
            row += [pfs, os] if has_pfs else [os]
        rows.append(row)
    table = Table(
        "ModelSurvival",
        "Survival in the model (base case)",
        cols,
        rows,
        f"From the {trace_name(results.spec)}, whole cohort from model start: PFS = share in the "
        "progression-free states, OS = share alive; medians by linear interpolation ('–': not reached within the "
        "horizon).",
    )
    tables = [table]
    if surv.landmarks:
        tables.append(
            Table(
                "Landmarks",
                "Published survival points and the model",
                [
                    Column("Strategy", width=24),
                    Column("Point", width=24),
                    Column("Source value", "number", 12),
                    Column("95% CI lower", "number", 12),
                    Column("95% CI upper", "number", 12),
                    Column("Model value", "number", 12),
                    Column("Source population", width=30),
                    Column("Like for like", width=36),
                    Column("Fitted or held out", width=16),
                    Column("Verdict", width=22),
                    Column("Source", width=60),
                    Column("Not drawn because", width=30),
                ],
                [
                    [
                        x.strategy,
                        x.what,
                        x.source,
                        x.lower,
                        x.upper,
                        x.model,
                        x.population or "not stated",
                        x.comparison,
                        x.fit,
                        x.verdict,
                        x.citation,
                        x.problem,
                    ]
                    for x in surv.landmarks
                ],
                f"Model value: {MODEL_POPULATION}, from the base-case trace, or, for a point that names the "
                "model states of its population, those states from when they are first occupied (like for like; "
                "drawn open on the figure, whose curves are the whole cohort's). Source values as published, with "
                "the population and time zero they describe; 'not like for like' marks a source that describes "
                "another population or time zero than the model (e.g. infused patients from infusion against "
                "a cohort from apheresis), so the two need not agree. 'fitted': the model's curve in this structure "
                "was fitted to the point, so agreement with it is no validation; 'held out': it was not, so "
                "agreement with it is a check of the model. Verdict: for a held-out point, whether the model value "
                "lies within the source's 95% CI (a limit not reported leaves that side open); a point without a CI "
                "or fitted to is no check, and says so.",
            )
        )
    caption = (
        "Progression-free survival (share in the progression-free states) and overall survival (share "
        "alive) of the whole cohort from model start, from the base-case trace."
        if has_pfs
        else "Overall survival (share alive) of the whole cohort from model start, from the base-case trace."
    )
    drawn = [lm for lm in surv.marks if not lm.problem]
    if drawn:
        caption += (
            " Markers: published survival points (circles, vertical bars: 95% CI) and medians (diamonds at "
            "50%, horizontal bars: 95% CI) of the SurvivalPoints sheet, in the colour of their strategy; filled "
            "when the source describes the model's population from model start (like for like), open when it "
            "does not or does not say."
        )
    else:
        caption += " No published survival points are given (the SurvivalPoints sheet would add them)."
    curves = {s: surv.strategies[s].curve for s in strategies}
    end = survival_window(curves, surv.years)
    png = survival_png(curves, surv.years, strategies, drawn, colour_index(results))
    figure = Figure(
        "Survival",
        png,
        caption,
        f"Line charts of {'progression-free and ' if has_pfs else ''}overall survival over "
        f"{significant(end * time_axis(end).per_year, 6)} {time_axis(end).unit} for {', '.join(strategies)}.",
    )
    return figure, tables


def _source_curves_figure(results: Results) -> list[Figure]:
    """One panel per published survival curve: the model's curve of the same patients, the published
    points and medians, and the Kaplan-Meier curve of the patients reconstructed from them, or the
    exponential through a single published median (none when the model has no published points)."""
    curves = results.base_case.sources
    if not curves:
        return []
    caption = (
        "Each published survival curve (SurvivalPoints sheet) beside the model's curve of the same patients, one "
        "panel per curve, in months since the source's start. The line is the base-case model: for a source that "
        "names the model states of its patients (e.g. infused patients from infusion), the share of the patients "
        "in those states from when they are first there; otherwise the whole cohort from model start. Markers: "
        "published survival points (circles, vertical bars: 95% CI) and medians (diamonds at 50%, horizontal bars: "
        "95% CI); filled when like for like. The grey step curve, where shown, is the Kaplan-Meier curve of the "
        "patients reconstructed from several published points and the number of patients (Guyot et al., BMC Med "
        "Res Methodol 2012): the data a curve fitted to these points sees, not a published Kaplan-Meier curve (it "
        "assumes a constant hazard between published points)."
        + (
            f" The grey dashed line ({one}) is the exponential curve through the single published value (a "
            "median or a point): a source with one value gives no curve to reconstruct, so it is not trial data."
            if (one := ", ".join(curve_title(c) for c in curves if c.km_basis == ONE_POINT))
            else ""
        )
        + " The numbers are in the table above. For time to treatment discontinuation the line is the share "
        "still on the first treatment (states flagged as on treatment and progression-free)."
    )
    # at most SOURCE_PANELS panels a figure, so that each prints on one page with its text at 7 points or more
    n = -(-len(curves) // SOURCE_PANELS)
    parts = [curves[k * len(curves) // n : (k + 1) * len(curves) // n] for k in range(n)]  # sizes differ by one at most
    title = "Modelled and published survival, per curve"
    return [
        Figure(
            title if n == 1 else f"{title} ({k} of {n})",
            source_curves_png(part, colour_index(results)),
            caption if k == 1 else f"Continued: further published survival curves, drawn as in '{title} (1 of {n})'.",
            f"{len(part)} line charts of survival against months, each the model's curve over the published points: "
            + "; ".join(
                f"{curve_title(c)} ({len(c.marks)} published value{'s' if len(c.marks) > 1 else ''})" for c in part
            )
            + ".",
        )
        for k, part in enumerate(parts, start=1)
    ]


SOURCE_PANELS = 6
"""Panels of the modelled-versus-published survival figure at most (three rows of two): 12.6 inches high
at 10 inches wide, 234 mm printed at the width of the A4 text column."""


def base_case_section(results: Results) -> Section:
    spec = results.spec
    totals = totals_table(results)
    costs = cost_breakdown_table(results)
    by_category = costs_by_category_table(results)
    figures = []
    if spec.cost_categories:
        figures.append(
            Figure(
                "Costs by category",
                cost_breakdown_png(results.base.strategies, results.currency, spec.settings.price_year),
                "Discounted costs per patient by category (largest categories first); the number is the total.",
                "Stacked horizontal bar chart of discounted costs by category for each strategy.",
            )
        )
    survival_figure, surv_tables = _survival(results)
    figures.append(survival_figure)
    horizon = results.settings["horizon_years"]
    figures.append(
        Figure(
            trace_name(spec).capitalize(),
            trace_png(results.base_case.trace, spec, results.strategies),
            f"Share of the cohort in each health state over the whole time horizon ({quantity(horizon, 'years')}), per "
            "strategy; the sub-states of a tunnel state are summed into their state, and states holding less "
            "than 0.5% of the cohort at all times are left out. The states of a panel have distinct colours; a "
            "colour used again in another panel has another line style. The trace of "
            "every cycle is in results.xlsx, sheet Trace"
            + (
                ", and the tunnel sub-states on the sheet TunnelTrace."
                if any(s.tunnel > 1 for s in spec.states)
                else "."
            ),
            "Line charts of the share of the cohort in each health state over time, one panel per strategy.",
        )
    )
    view = (
        totals.where("Scenario", results.base.name)
        .without("Scenario")
        .view(
            title="Total costs and effects per patient (base case)",
            note=f"Costs in {currency_label(results)}; discounted unless marked undiscounted. Every scenario: sheet "
            "Summary.",
        )
    )
    tables = [view, by_category] + surv_tables
    sources = _source_curves_figure(results)
    # in the appendix: the costs by category drawn (the table is in the main part) and the per-curve panels
    drawn_costs = figures[:1] if spec.cost_categories else []
    content = [view, by_category] + figures[len(drawn_costs) :]
    figures[-1:-1] = sources
    detail = surv_tables + drawn_costs + sources
    return Section(
        "base_case",
        "Base-case results",
        tables=tables,
        figures=figures,
        content=content,
        detail=detail_section("base_case", "Base-case results", [], detail) if detail else None,
        sheets=[totals, costs, by_category]
        + surv_tables
        + [t for t in (trace_table(results), substate_trace_table(results)) if t is not None],
    )


def incremental_section(results: Results) -> Section | None:
    if len(results.spec.strategies) < 2:
        return None
    base_name = results.base.name
    cur = results.currency
    inc = incremental_table(results)
    versus = versus_table(results)
    fig = Figure(
        "Cost-effectiveness frontier",
        frontier_png(results.base.incremental, cur, results.spec.settings.price_year, colour_index(results)),
        "Discounted costs and QALYs of each strategy; the line is the efficiency frontier (filled markers). "
        "Hollow markers: dominated or extendedly dominated strategies.",
        "Scatter plot of discounted costs against QALYs per strategy with the efficiency frontier.",
    )
    paragraphs = [
        f"Full incremental analysis: strategies in order of cost, dominated strategies (more costly and "
        f"less effective than another) and extendedly dominated ones (less efficient than a mix of two "
        f"others) removed, each remaining strategy compared with the next less costly one. Below it, every "
        f"strategy is compared with {results.comparator}. ICERs are in {cur} per QALY gained."
    ]
    references = reference_sentence(results)
    if references:
        paragraphs.append(references)
    return Section(
        "incremental",
        "Incremental analysis",
        paragraphs=paragraphs,
        tables=[
            inc.where("Scenario", base_name)
            .without("Scenario")
            .view(title="Efficiency frontier (base case)", note=inc.note + " Every scenario: sheet Incremental."),
            versus.where("Scenario", base_name)
            .without("Scenario")
            .view(
                title=f"Each strategy versus {results.comparator} (base case)",
                note="Every scenario: sheet VersusComparator.",
            ),
        ],
        figures=[fig],
        sheets=[inc, versus],
    )


def treatment_burden_section(results: Results) -> Section | None:
    spec = results.spec
    if not spec.flags and not spec.count_names:
        return None
    wide = burden_wide_table(results)
    long = burden_table(results)
    cats = state_categories(spec)
    cycles, axis = timeline_window(spec)
    span = cycles * spec.settings.cycle_length_years * axis.per_year
    figure = Figure(
        "Treatment timeline",
        timeline_png(results.base_case.timeline, results.base_case.survival.years, spec, results.strategies),
        f"What the first {significant(span, 6)} {axis.unit} look like for the cohort of each strategy: share "
        "hospitalised, recovering, on treatment, treatment-free, otherwise progression-free, progressed "
        "and dead at each cycle (base case). A state counts in the first of these categories whose flag "
        "it carries.",
        f"Stacked area charts per strategy of the share of the cohort in each treatment-burden category "
        f"over the first {significant(span, 6)} {axis.unit}.",
    )
    bullets = []
    for c, (label, _) in CATEGORIES.items():
        states = [s for s, cat in cats.items() if cat == c]
        if states:
            bullets.append(f"{label}: {'; '.join(state_label(spec.state(s)) for s in states)}.")
    paragraphs = [
        "Time in states marked as hospitalised, recovering, on treatment, treatment-free or progression-free "
        "(the States sheet's treatment-burden flags) and counts such as hospital days and administrations, per "
        "patient over the time horizon. States by category in the timeline (in the appendix):"
    ]
    return Section(
        "treatment_burden",
        "Treatment burden",
        paragraphs=paragraphs,
        bullets=bullets,
        tables=[wide],
        figures=[figure],
        content=[wide],
        sheets=[wide, long],
        detail=detail_section("treatment_burden", "Treatment burden", [], [figure]),
    )


# --------------------------------------------------------------------------------------
# assumptions and run information
# --------------------------------------------------------------------------------------


def assumptions_section(results: Results) -> Section:
    spec = results.spec
    topics, limitations, others = labelled_assumptions(spec.assumptions)
    auto = []
    if results.psa is not None:
        n = results.psa.n_samples
        if not results.psa.meets_zin_minimum:
            auto.append(
                f"The PSA has {count(n)} samples, fewer than the {count(ZIN_MINIMUM_SAMPLES)} that Zorginstituut "
                "Nederland asks for."
            )
    else:
        auto.append("No probabilistic sensitivity analysis was run (hecon run --psa N).")
    if results.dsa is None:
        auto.append("No one-way sensitivity analysis was run (hecon run --dsa).")
    missing = [p.name for p in spec.parameters if not str(p.source).strip()]
    if missing:
        auto.append(
            f"{count(len(missing))} parameters have no source: {', '.join(missing[:20])}"
            f"{', ...' if len(missing) > 20 else ''}."
        )
    if not perspective(results)[0]:
        auto.append("The perspective is not stated in the workbook.")
    if results.burden is not None:
        auto += [f"Disease burden: {w}." for w in results.burden.burden.warnings]
    rows = (
        [[k, t] for k, texts in topics.items() for t in texts]
        + [["Assumption", a] for a in others]
        + [["Limitation", t] for t in limitations]
        + [["Check by hecon", t] for t in auto]
    )
    table = Table(
        "Assumptions",
        "Assumptions and limitations",
        [Column("Kind", width=18), Column("Text", width=120)],
        rows,
        "From the Assumptions sheet of the workbook, and the checks hecon made.",
    )
    subsections = []
    if others:
        subsections.append(Section("assumptions_model", "Modelling assumptions (from the workbook)", bullets=others))
    if limitations or auto:
        subsections.append(Section("limitations", "Limitations", bullets=limitations + auto))
    paragraphs = []
    if topics:
        paragraphs.append("Assumptions on " + ", ".join(t.lower() for t in topics) + " are under Decision problem.")
    if not spec.assumptions:
        paragraphs.append("The workbook lists no assumptions (Assumptions sheet).")
    return Section(
        "assumptions", "Assumptions and limitations", paragraphs=paragraphs, subsections=subsections, sheets=[table]
    )


def run_section(results: Results) -> Section:
    table = runinfo_table(results)
    return Section(
        "run",
        "Run information",
        tables=[table],
        sheets=[table],
        paragraphs=[
            "Re-running the same input file (same SHA-256) with the same hecon version "
            "and seed reproduces these numbers."
        ],
    )


#: Builders in report order.
SECTIONS: list[SectionBuilder] = [
    key_results_section,
    results_overview_section,
    decision_problem_section,
    structure_section,
    inputs_section,
    base_case_section,
    incremental_section,
    net_benefit_section,
    treatment_free_section,
    treatment_burden_section,
    burden_section,
    scenario_analysis_section,
    subgroups_section,
    structure_check_section,
    structural_expectation_section,
    thresholds_section,
    two_way_section,
    dsa_section,
    psa_section,
    voi_section,
    perspectives_section,
    budget_impact_section,
    assumptions_section,
    definition_section,
    run_section,
]


#: Sections printed as appendices (each on a page of its own, after the main part): detail a
#: committee consults rather than reads.
APPENDIX_SECTIONS = frozenset(
    {
        "inputs",
        "treatment_free",
        "subgroups",
        "scenario_analysis",
        "structure_check",
        "structural_expectation",
        "thresholds",
        "two_way",
        "voi",
        "perspectives",
        "budget-impact",
        "assumptions",
        "definition",
        "run",
    }
)


def build_sections(
    results: Results, builders: list[SectionBuilder] | None = None, workers: int | None = None
) -> list[Section]:
    """Build the sections of ``results`` (those of analyses that did not run are left out): the main
    part in report order, then the appendices (the detail of main sections, then
    :data:`APPENDIX_SECTIONS`), so that the printed main part reads without interruption. The
    sections are built by ``workers`` processes (:func:`hecon.report.parallel.build_each`; default:
    one per core, 0: in this process), with the same result."""
    chosen = SECTIONS if builders is None else builders
    made = []
    with progress_bar("Drawing the figures and tables", len(chosen)) as advance:  # a minute for the example
        for s in build_each(chosen, results, workers):  # in worker processes where that helps
            if s is not None:
                made.append(s)
            advance(1)
    for s in made:
        s.appendix = s.appendix or s.key in APPENDIX_SECTIONS
    main = [s for s in made if not s.appendix]
    details = [s.detail for s in main if s.detail is not None]
    built = main + details + [s for s in made if s.appendix]
    keys = [s.key for s in built]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate report section keys: {keys}")
    write_tags_in_words(built)
    return built
