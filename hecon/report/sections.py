"""Report sections: each turns part of a :class:`~hecon.analysis.run.RunResult` into text, tables and
figures for report.html, sheets for results.xlsx and, optionally, an entry of summary.json.

The sections follow the CHEERS 2022 reporting checklist (Husereau et al., Value Health
2022;25:3-9) where a model can fill them: key results, decision problem (population,
setting, comparators, perspective, time horizon, discounting, outcomes, currency), model
structure, inputs with sources, base-case results, incremental analysis, treatment burden,
disease burden, scenario, threshold, one-way and probabilistic sensitivity analysis, value
of information, assumptions and limitations, run information.

To add an analysis to the report, write a builder ``f(result, summary) -> Section | None``
that returns None when the run has no such analysis, and insert it into :data:`SECTIONS`
(before :func:`run_section`, which stays last). A section with ``json`` set is written to
``summary.json`` under its ``key``, and is visible to the builders after it in
``summary[key]``. A builder with the attribute ``build_last = True`` (the key results) is
built after all others but shown at its place.

Besides the keys of :mod:`hecon.report.decision`, summary.json gains ``base_case.survival``:
the model's median PFS and OS per strategy [years] and every source landmark beside the
model's value.

Workbook conventions the report reads:

* an **assumption** (Assumptions sheet) that starts with ``Population:``, ``Setting:``,
  ``Perspective:``, ``Comparators:``, ``Time horizon:`` or ``Discounting:`` is shown under the
  decision problem; one starting with ``Limitation:`` under limitations; all others under
  assumptions;
* a **parameter** whose unit declares a survival landmark (``PFS at 24 months for <strategy>``,
  ``median OS in months``) is drawn on the survival figure (:mod:`hecon.report.landmarks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from hecon.analysis.run import RunResult
from hecon.report.decision import (
    burden_section,
    dsa_section,
    net_benefit_section,
    psa_section,
    scenario_analysis_section,
    thresholds_section,
    voi_section,
)
from hecon.report.diagram import state_categories, state_diagram_png
from hecon.report.figures import (
    Figure,
    cost_breakdown_png,
    crossing,
    frontier_png,
    survival_curves,
    survival_png,
    survival_window,
    time_axis,
    timeline_png,
    timeline_window,
    trace_png,
)
from hecon.report.landmarks import applies_to, landmarks
from hecon.report.section import Section
from hecon.report.style import CATEGORIES
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
    money_text,
    rewards_table,
    runinfo_table,
    schedules_table,
    states_table,
    strategy_values_table,
    survival_inputs_table,
    totals_table,
    trace_table,
    transitions_table,
    versus_table,
)

#: Keys of summary.json written by :func:`hecon.report.summary.build_summary`; sections
#: cannot use them.
RESERVED_KEYS = frozenset(
    {
        "hecon_version",
        "created",
        "seed",
        "input",
        "title",
        "currency",
        "effect_unit",
        "comparator",
        "conventions",
        "settings",
        "scenarios",
    }
)

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


SectionBuilder = Callable[[RunResult, dict], "Section | None"]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def colour_index(result: RunResult) -> dict[str, int]:
    """Strategy -> its position in the model: its colour in every figure."""
    return {s.name: i for i, s in enumerate(result.spec.strategies)}


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


def perspective(result: RunResult) -> tuple[str, str]:
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


def _pct(rate: float) -> str:
    return f"{100 * rate:g}%"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _setting_value(result: RunResult, value: Any) -> float | None:
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


def _base(summary: dict, result: RunResult) -> dict:
    return summary["scenarios"][result.base.name]


def _qaly(v: float) -> str:
    return f"{v:,.3f}"


# --------------------------------------------------------------------------------------
# key results (built last, shown first)
# --------------------------------------------------------------------------------------


def key_results_section(result: RunResult, summary: dict) -> Section:
    cur = summary["currency"]
    base = _base(summary, result)
    comparator = summary["comparator"]
    table = key_results_table(summary, result.base.name)
    s = summary["settings"]
    persp, _ = perspective(result)
    paragraphs = [
        f"{len(base['strategies'])} strategies compared with {comparator}: "
        f"{s['horizon_years']:g}-year horizon, "
        + (f"{persp.lower()} perspective, " if persp else "")
        + f"costs in {currency_label(summary)}, discounted at {_pct(s['discount_rate_costs'])} (costs) "
        f"and {_pct(s['discount_rate_effects'])} (effects) per year."
    ]
    bullets = []
    for r in base["versus_comparator"]:
        dc, de = r["incremental_cost"], r["incremental_effect"]
        cost_words = (
            f"costs {money_text(cur, abs(dc))} more"
            if dc > 0
            else f"saves {money_text(cur, abs(dc))}"
            if dc < 0
            else "costs the same"
        )
        effect_words = (
            f"gains {_qaly(de)} QALYs" if de > 0 else f"loses {_qaly(-de)} QALYs" if de < 0 else "gives the same QALYs"
        )
        bullets.append(f"{r['strategy']} {cost_words} and {effect_words} versus {comparator}: {r['description']}.")
    frontier = [r for r in base["incremental"] if r["status"] in ("reference", "non-dominated")]
    if len(base["strategies"]) > 1:
        steps = [frontier[0]["strategy"]] + [
            f"{r['strategy']} ({money_text(cur, r['icer'])} per QALY gained)" for r in frontier[1:]
        ]
        text = "Efficiency frontier: " + " → ".join(steps)
        for status in ("dominated", "extendedly dominated"):
            names = [r["strategy"] for r in base["incremental"] if r["status"] == status]
            if names:
                text += f"; {status}: {', '.join(names)}"
        bullets.append(text + ".")
    wtp, wtp_source = result.headline_wtp
    if wtp > 0 and len(base["strategies"]) > 1:
        nmb = {name: wtp * v["qalys"] - v["costs"] for name, v in base["strategies"].items()}
        best = max(nmb, key=nmb.get)  # type: ignore[arg-type]
        where = (
            f", the reference value for this disease burden ({_class_words(result.burden.burden_class)}),"
            if result.burden is not None and result.burden.reference_value == wtp
            else ""
        )
        bullets.append(f"At {money_text(cur, wtp)} per QALY{where} {best} has the highest net monetary benefit.")
    psa = summary.get("psa")
    if psa:
        at = next((a for a in psa["at_wtp"] if a["wtp"] == wtp), None)
        if at is not None:
            probs = ", ".join(f"{name} {100 * p:.0f}%" for name, p in at["ceac"].items())
            bullets.append(
                f"PSA ({psa['n_samples']:,} samples): probability of the highest net monetary benefit at "
                f"{money_text(cur, wtp)} per QALY: {probs}. Expected value of perfect information "
                f"{money_text(cur, at['evpi_per_patient'])} per patient."
            )
    tfi_bullet = _burden_headline(base)
    if tfi_bullet:
        bullets.append(tfi_bullet)
    scen = _scenario_range(summary, result)
    if scen:
        bullets.append(scen)
    return Section("key_results", "Key results", paragraphs=paragraphs, bullets=bullets, tables=[table], sheets=[table])


key_results_section.build_last = True  # type: ignore[attr-defined]


def _class_words(burden_class: str) -> str:
    """'class 3 (proportional shortfall 0.71-1.00)' -> 'class 3: proportional shortfall 0.71-1.00'."""
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", burden_class or "")
    return f"{m.group(1)}: {m.group(2)}" if m else burden_class


def _burden_headline(base: dict) -> str:
    parts = []
    for key, label, fmt in (
        ("treatment_free_years_undiscounted", "treatment-free years", "{:.2f}"),
        ("years_on_treatment_undiscounted", "years on treatment", "{:.2f}"),
        ("hospital_days_undiscounted", "hospital days", "{:.1f}"),
    ):
        values = {s: v["tfi"].get(key) for s, v in base["strategies"].items()}
        if any(x is not None for x in values.values()):
            parts.append(f"{label}: " + ", ".join(f"{s} {fmt.format(x)}" for s, x in values.items() if x is not None))
    return ("Treatment burden per patient (undiscounted) — " + "; ".join(parts) + ".") if parts else ""


def _scenario_range(summary: dict, result: RunResult) -> str:
    if len(summary["scenarios"]) < 2:
        return ""
    cur = summary["currency"]
    out = []
    names = [n for n in summary["scenarios"] if n != result.base.name]
    for r in _base(summary, result)["versus_comparator"]:
        icers, other = [], 0
        for n in names:
            row = next(
                (x for x in summary["scenarios"][n]["versus_comparator"] if x["strategy"] == r["strategy"]), None
            )
            if row is None:
                continue
            if row["status"] == "ICER":
                icers.append(row["icer"])
            else:
                other += 1
        if icers:
            text = f"{r['strategy']}: {money_text(cur, min(icers))} to {money_text(cur, max(icers))} per QALY gained"
            if other:
                text += f" ({other} scenario{'s' if other > 1 else ''} with another result, see the scenario table)"
            out.append(text)
        elif other:
            out.append(f"{r['strategy']}: no ICER in any scenario (see the scenario table)")
    return (f"Across {len(names)} scenarios, versus {summary['comparator']}: " + "; ".join(out) + ".") if out else ""


# --------------------------------------------------------------------------------------
# decision problem and model structure
# --------------------------------------------------------------------------------------


def decision_problem_section(result: RunResult, summary: dict) -> Section:
    spec = result.spec
    s = summary["settings"]
    topics, _, _ = labelled_assumptions(spec.assumptions)
    persp, persp_where = perspective(result)
    male = _setting_value(result, s["proportion_male"])
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
    if len(result.scenarios) > 1:
        analyses.append(_plural(len(result.scenarios) - 1, "scenario"))
    if result.thresholds:
        analyses.append(_plural(len(result.thresholds), "threshold analysis").replace("analysiss", "analyses"))
    if result.dsa is not None:
        analyses.append(f"one-way sensitivity analysis of {_plural(len(result.dsa.parameters), 'parameter')}")
    if result.psa is not None:
        analyses.append(
            f"probabilistic sensitivity analysis ({result.psa.sizes['sample']:,} samples, "
            f"seed {result.seed}) with value of information"
        )
    if result.burden is not None:
        analyses.append("disease burden (proportional shortfall) with the Dutch reference value")
    wtp = ", ".join(money_text(summary["currency"], w) for w in s["wtp"]) + " per QALY gained"
    if result.burden is not None and result.burden.reference_value is not None:
        wtp += f"; reference value {money_text(summary['currency'], result.burden.reference_value)} (disease burden)"
    outcomes = "Costs, QALYs and life-years (discounted and undiscounted); incremental cost-effectiveness ratios"
    if spec.flags or spec.count_names:
        outcomes += "; treatment burden (time in flagged states, counts per patient)"
    rows = [
        [
            "Population",
            f"Cohort starting at age {start_age:g}"
            + (f", {100 * male:.0f}% male" if male is not None else f", share male = {s['proportion_male']}"),
        ],
        ["Comparators", f"{', '.join(x.name for x in spec.strategies)} (reference: {summary['comparator']})"],
        [
            "Perspective",
            f"{persp} (from the {persp_where})"
            if persp
            else "Not stated in the workbook (add an assumption starting 'Perspective:')",
        ],
        ["Costs included", ", ".join(c.replace("_", " ") for c in spec.cost_categories) or "none"],
        ["Time horizon", f"{s['horizon_years']:g} years ({s['n_cycles']:,} cycles), to age {end_age:g}"],
        ["Cycle length", f"{cycle:g} days" + (f" ({cycle_words} cycles)" if cycle_words else "")],
        [
            "Discount rates",
            f"costs {_pct(s['discount_rate_costs'])}, effects {_pct(s['discount_rate_effects'])} "
            f"per year ({'per cycle' if s['discount_timing'] == 'cycle' else 'per whole year'})",
        ],
        ["Within-cycle correction", s["within_cycle"]],
        ["Currency and price year", currency_label(summary)],
        ["Outcomes", outcomes],
        ["Willingness to pay", wtp],
        ["Analyses", "; ".join(analyses)],
        [
            "Life table (background mortality)",
            s.get("life_table") or (spec.life_tables[0].name if spec.life_tables else "none"),
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
            [x.name, "comparator" if x.name == summary["comparator"] else "intervention", x.description]
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


def structure_section(result: RunResult, summary: dict) -> Section:
    spec = result.spec
    cats = state_categories(spec)
    labels = {k: v[0] for k, v in CATEGORIES.items()}
    png, note = state_diagram_png(spec)
    n_pairs = len({(t.from_state, t.to_state) for t in spec.transitions if t.from_state != t.to_state})
    specific = sorted({t.strategy for t in spec.transitions if t.strategy})
    paragraphs = [
        f"A cohort state-transition (Markov) model with {_plural(len(spec.states), 'health state')} and "
        f"{_plural(n_pairs, 'possible move')} between states, in cycles of "
        f"{spec.settings.cycle_length_days:g} days with {spec.settings.within_cycle} within-cycle "
        "correction. The strategies share the states and differ in parameter values"
        + (f" and in transitions ({', '.join(specific)} have their own rows)" if specific else "")
        + "."
    ]
    figure = Figure(
        "State diagram",
        png,
        "Health states (boxes, coloured by treatment-burden category) and the transitions between them. " + note,
        f"Diagram of the {len(spec.states)} health states of the model and the transitions between them.",
    )
    tables = [states_table(spec, cats, labels)]
    paragraphs.append(
        "The transition probabilities and one-off rewards of every strategy are listed in the appendix "
        "(Model definition)."
    )
    return Section(
        "structure",
        "Model structure",
        paragraphs=paragraphs,
        figures=[figure],
        tables=tables,
        sheets=tables,
        content=[figure] + tables,
    )


def inputs_section(result: RunResult, summary: dict) -> Section:
    spec = result.spec
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
    marks = list(landmarks(spec))
    paragraphs = [
        f"{_plural(len(spec.parameters), 'parameter')}: "
        f"{sum(p.distribution is not None for p in spec.parameters):,} with a PSA distribution, "
        f"{sum(bool(p.dsa) for p in spec.parameters):,} varied in the one-way sensitivity analysis; "
        + (
            f"{len(missing):,} without a source ({', '.join(missing[:12])}{', ...' if len(missing) > 12 else ''})."
            if missing
            else "every parameter has a source."
        )
        + " Parameters without uncertainty, strategy-specific values, schedules and life tables are in the "
        "appendix (Model definition)."
    ]
    if marks:
        paragraphs.append(
            f"{_plural(len(marks), 'parameter')} declare source survival landmarks (unit 'PFS at ... "
            "for ...' or 'median OS in ...'), drawn on the survival figure."
        )
    return Section("inputs", "Inputs", paragraphs=paragraphs, tables=tables, sheets=[full] + tables[1:])


def definition_section(result: RunResult, summary: dict) -> Section:
    """Appendix: everything else that defines the model (transitions, one-off rewards,
    strategy-specific values, schedules, life tables)."""
    spec = result.spec
    full = inputs_table(spec)
    fixed = [r for r, p in zip(full.rows, spec.parameters) if p.distribution is None and not p.dsa]
    tables = []
    if fixed and len(fixed) < len(full.rows):
        tables.append(
            full.view(
                title="Parameters with a fixed value or a formula",
                rows=fixed,
                note="Structural switches, unit conversions, derived values and inputs without a "
                "stated uncertainty. Every parameter: sheet Inputs.",
            )
        )
    tables.append(transitions_table(spec))
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


def _survival(result: RunResult, summary: dict) -> tuple[list[Figure], list[Table], dict]:
    spec = result.spec
    ds = result.base.results
    strategies = result.base.strategies
    years = np.asarray(ds["years"].values, dtype=float)
    curves = survival_curves(ds, spec, strategies)
    marks = landmarks(spec)
    end = survival_window(curves, years)
    has_pfs = any(c["pfs"] is not None for c in curves.values())
    medians = [
        m
        for c in curves.values()
        for k in ("pfs", "os")
        if c[k] is not None and (m := crossing(years, c[k])) is not None
    ]
    axis = time_axis(max(medians, default=end))  # months unless a median is beyond ten years
    unit = axis.unit
    points = [t for t in (1.0, 2.0, 5.0) if t <= years[-1]]
    cols = [Column("Strategy", width=24)]
    if has_pfs:
        cols.append(Column(f"Median PFS ({unit})", "number", 12))
    cols.append(Column(f"Median OS ({unit})", "number", 12))
    for t in points:
        if has_pfs:
            cols.append(Column(f"PFS at {t:g} year{'s' if t > 1 else ''}", "share", 10))
        cols.append(Column(f"OS at {t:g} year{'s' if t > 1 else ''}", "share", 10))
    rows = []
    data: dict[str, Any] = {"time_unit": unit, "strategies": {}}
    for s in strategies:
        c = curves[s]
        med_pfs = crossing(years, c["pfs"]) if c["pfs"] is not None else None
        med_os = crossing(years, c["os"])
        row: list[Any] = [s]
        entry: dict[str, Any] = {"median_pfs_years": med_pfs, "median_os_years": med_os}
        if has_pfs:
            row.append(med_pfs * axis.per_year if med_pfs is not None else None)
        row.append(med_os * axis.per_year if med_os is not None else None)
        for t in points:
            if has_pfs:
                row.append(float(np.interp(t, years, c["pfs"])) if c["pfs"] is not None else None)
            row.append(float(np.interp(t, years, c["os"])))
        rows.append(row)
        data["strategies"][s] = entry
    table = Table(
        "ModelSurvival",
        "Survival in the model (base case)",
        cols,
        rows,
        "From the Markov trace, whole cohort from model start: PFS = share in states flagged "
        "progression_free, OS = share alive; medians by linear interpolation ('–': not reached within the "
        "horizon).",
    )
    tables = [table]
    lm_rows = []
    for lm in marks:
        targets = [s for s in strategies if applies_to(lm, s)] if not lm.problem else [lm.strategy or "all"]
        for s in targets:
            model = None
            if not lm.problem:
                curve = curves[s]["pfs" if lm.endpoint == "PFS" else "os"]
                if curve is not None:
                    if lm.median:
                        m = crossing(years, curve)
                        model = m * axis.per_year if m is not None else None
                    else:
                        model = float(np.interp(lm.years, years, curve))
            source_value = lm.years * axis.per_year if lm.median else lm.survival
            what = f"median {lm.endpoint} ({unit})" if lm.median else f"{lm.endpoint} at {lm.label}"
            lm_rows.append([s, what, source_value, model, lm.parameter, lm.source, lm.problem])
    data["landmarks"] = [
        {"strategy": r[0], "what": r[1], "source": r[2], "model": r[3], "parameter": r[4], "problem": r[6]}
        for r in lm_rows
    ]
    if lm_rows:
        tables.append(
            Table(
                "Landmarks",
                "Source landmarks and the model",
                [
                    Column("Strategy", width=24),
                    Column("Landmark", width=24),
                    Column("Source value", "number", 12),
                    Column("Model value", "number", 12),
                    Column("Parameter", width=22),
                    Column("Source", width=60),
                    Column("Not drawn because", width=30),
                ],
                lm_rows,
                "Source values are as published (they may describe another population or time zero than the "
                "model's whole cohort from model start, e.g. treated patients from infusion).",
            )
        )
    caption = (
        "Progression-free survival (share in states flagged progression_free) and overall survival (share "
        "alive) of the whole cohort from model start, from the base-case trace."
        if has_pfs
        else "Overall survival (share alive) of the whole cohort from model start, from the base-case trace."
    )
    drawn = [lm for lm in marks if not lm.problem]
    if drawn:
        caption += (
            " Open markers: source landmarks (circles) and medians (diamonds) declared on the Parameters "
            "sheet, in the colour of their strategy (black: a landmark for every strategy); a source may "
            "describe another population or time zero than the model's cohort."
        )
    else:
        caption += (
            " No source landmarks are declared (a parameter with a unit such as 'PFS at 24 months for "
            "<strategy>' would be drawn)."
        )
    png = survival_png(curves, years, strategies, drawn, colour_index(result))
    figure = Figure(
        "Survival",
        png,
        caption,
        f"Line charts of {'progression-free and ' if has_pfs else ''}overall survival over "
        f"{end * time_axis(end).per_year:g} {time_axis(end).unit} for {', '.join(strategies)}.",
    )
    return [figure], tables, data


def base_case_section(result: RunResult, summary: dict) -> Section:
    base_name = result.base.name
    spec = result.spec
    totals = totals_table(summary)
    costs = cost_breakdown_table(summary)
    by_category = costs_by_category_table(summary, base_name)
    strategies = _base(summary, result)["strategies"]
    cur = summary["currency"]
    figures = []
    if spec.cost_categories:
        figures.append(
            Figure(
                "Costs by category",
                cost_breakdown_png(strategies, cur, spec.settings.price_year, colour_index(result)),
                "Discounted costs per patient by category (largest categories first); the number is the total.",
                "Stacked horizontal bar chart of discounted costs by category for each strategy.",
            )
        )
    surv_figures, surv_tables, surv_json = _survival(result, summary)
    figures += surv_figures
    ds = result.base.results
    end = survival_window(survival_curves(ds, spec, result.base.strategies), np.asarray(ds["years"].values), level=0.05)
    figures.append(
        Figure(
            "Markov trace",
            trace_png(ds, spec, result.base.strategies, end),
            "Share of the cohort in each health state over time, per strategy (states holding less "
            "than 0.5% of the cohort at all times are left out). Colours give the treatment-burden "
            "category of the state, line styles tell states of one category apart. The trace of "
            "every cycle is in results.xlsx, sheet Trace.",
            "Line charts of the share of the cohort in each health state over time, one panel per strategy.",
        )
    )
    view = (
        totals.where("Scenario", base_name)
        .without("Scenario")
        .view(
            title="Total costs and effects per patient (base case)",
            note=f"Costs in {currency_label(summary)}; discounted unless marked undiscounted. Every scenario: sheet "
            "Summary.",
        )
    )
    tables = [view, by_category] + surv_tables
    content = [view, by_category] + figures[:-2] + [figures[-2]] + surv_tables + [figures[-1]]
    return Section(
        "base_case",
        "Base-case results",
        tables=tables,
        figures=figures,
        content=content,
        sheets=[totals, costs, by_category] + surv_tables + [trace_table(result)],
        json={"survival": surv_json},
    )


def incremental_section(result: RunResult, summary: dict) -> Section | None:
    if len(result.spec.strategies) < 2:
        return None
    base_name = result.base.name
    cur = summary["currency"]
    inc = incremental_table(summary)
    versus = versus_table(summary)
    base = _base(summary, result)
    fig = Figure(
        "Cost-effectiveness frontier",
        frontier_png(base["incremental"], cur, result.spec.settings.price_year, colour_index(result)),
        "Discounted costs and QALYs of each strategy; the line is the efficiency frontier (filled markers). "
        "Hollow markers: dominated or extendedly dominated strategies.",
        "Scatter plot of discounted costs against QALYs per strategy with the efficiency frontier.",
    )
    paragraphs = [
        f"Full incremental analysis: strategies in order of cost, dominated strategies (more costly and "
        f"less effective than another) and extendedly dominated ones (less efficient than a mix of two "
        f"others) removed, each remaining strategy compared with the next less costly one. Below it, every "
        f"strategy is compared with {summary['comparator']}. ICERs are in {cur} per QALY gained."
    ]
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
                title=f"Each strategy versus {summary['comparator']} (base case)",
                note="Every scenario: sheet VersusComparator.",
            ),
        ],
        figures=[fig],
        sheets=[inc, versus],
    )


def treatment_burden_section(result: RunResult, summary: dict) -> Section | None:
    spec = result.spec
    if not spec.flags and not spec.count_names:
        return None
    base_name = result.base.name
    wide = burden_wide_table(summary, base_name)
    long = burden_table(summary)
    cats = state_categories(spec)
    cycles, axis = timeline_window(spec)
    span = cycles * spec.settings.cycle_length_years * axis.per_year
    figure = Figure(
        "Treatment timeline",
        timeline_png(result.base.results, spec, result.base.strategies),
        f"What the first {span:g} {axis.unit} look like for the cohort of each strategy: share "
        "hospitalised, recovering, on treatment, treatment-free, otherwise progression-free, progressed "
        "and dead at each cycle (base case). A state counts in the first of these categories whose flag "
        "it carries.",
        f"Stacked area charts per strategy of the share of the cohort in each treatment-burden category "
        f"over the first {span:g} {axis.unit}.",
    )
    bullets = []
    for c, (label, _) in CATEGORIES.items():
        states = [s for s, cat in cats.items() if cat == c]
        if states:
            bullets.append(f"{label}: {', '.join(states)}.")
    paragraphs = [
        "Time in states carrying a treatment-burden flag (on_treatment, treatment_free, hospitalised, "
        "recovering, progression_free, ...) and counts such as hospital days and administrations, per "
        "patient over the time horizon. States by category in the timeline:"
    ]
    return Section(
        "treatment_burden",
        "Treatment burden",
        paragraphs=paragraphs,
        bullets=bullets,
        tables=[wide],
        figures=[figure],
        sheets=[wide, long],
    )


# --------------------------------------------------------------------------------------
# assumptions and run information
# --------------------------------------------------------------------------------------


def assumptions_section(result: RunResult, summary: dict) -> Section:
    spec = result.spec
    topics, limitations, others = labelled_assumptions(spec.assumptions)
    auto = []
    if result.psa is not None:
        from hecon.analysis.psa import ZIN_MINIMUM_SAMPLES

        n = result.psa.sizes["sample"]
        if n < ZIN_MINIMUM_SAMPLES:
            auto.append(
                f"The PSA has {n:,} samples, fewer than the {ZIN_MINIMUM_SAMPLES:,} that Zorginstituut "
                "Nederland asks for."
            )
    else:
        auto.append("No probabilistic sensitivity analysis was run (hecon run --psa N).")
    if result.dsa is None:
        auto.append("No one-way sensitivity analysis was run (hecon run --dsa).")
    missing = [p.name for p in spec.parameters if not str(p.source).strip()]
    if missing:
        auto.append(
            f"{len(missing):,} parameters have no source: {', '.join(missing[:20])}"
            f"{', ...' if len(missing) > 20 else ''}."
        )
    if not perspective(result)[0]:
        auto.append("The perspective is not stated in the workbook.")
    if result.burden is not None:
        auto += [f"Disease burden: {w}." for w in result.burden.warnings]
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


def run_section(result: RunResult, summary: dict) -> Section:
    table = runinfo_table(result, summary)
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
    decision_problem_section,
    structure_section,
    inputs_section,
    base_case_section,
    incremental_section,
    net_benefit_section,
    treatment_burden_section,
    burden_section,
    scenario_analysis_section,
    thresholds_section,
    dsa_section,
    psa_section,
    voi_section,
    assumptions_section,
    definition_section,
    run_section,
]


def build_sections(result: RunResult, summary: dict, builders: list[SectionBuilder] | None = None) -> list[Section]:
    """Build the sections (those marked ``build_last`` after the others) and put the JSON of
    each into ``summary`` as soon as it is built."""
    builders = SECTIONS if builders is None else builders
    built: dict[int, Section | None] = {}
    order = [i for i, b in enumerate(builders) if not getattr(b, "build_last", False)]
    order += [i for i, b in enumerate(builders) if getattr(b, "build_last", False)]
    for i in order:
        s = builders[i](result, summary)
        built[i] = s
        if s is not None and s.json is not None:
            if s.key in RESERVED_KEYS:
                raise ValueError(f"report section key '{s.key}' is reserved in summary.json")
            summary[s.key] = s.json
    sections = [s for i in range(len(builders)) if (s := built[i]) is not None]
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate report section keys: {keys}")
    return sections
