"""Report sections of the decision analyses: scenario table, net benefit, disease burden and
reference value, threshold prices, one-way (DSA) and probabilistic (PSA) sensitivity analysis,
value of information.

Each builder formats part of the analysis result (:class:`hecon.analysis.results.Results`;
the numbers are computed in :mod:`hecon.analysis.decision`, :mod:`hecon.analysis.dsa_summary`
and :mod:`hecon.analysis.psa_summary`) and returns None when the run has no such analysis,
so a plain ``hecon run`` report is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from hecon.analysis.decision import CURVE_REACH, DECISION_REACH, RELEVANT_REACH
from hecon.analysis.dsa_summary import DsaSummary
from hecon.analysis.psa import ZIN_MINIMUM_SAMPLES, save_psa
from hecon.analysis.psa_summary import PSA_FILE, Interval, PsaSummary
from hecon.analysis.results import Results
from hecon.analysis.wording import choice_words, title_of
from hecon.methods.lifetable import life_table_title
from hecon.report.charts import (
    REFERENCE_MARK,
    budget_impact_png,
    ce_plane_png,
    ceac_png,
    convergence_png,
    evpi_png,
    evppi_bars_png,
    evppi_curves_png,
    nmb_png,
    tornado_png,
    tornado_rows,
)
from hecon.report.figures import Figure
from hecon.report.numbers import (
    OUTSIDE_DECISION,
    count,
    fixed,
    money,
    percent,
    quantity,
    share,
    significant,
    versus_cell,
    versus_text,
)
from hecon.report.psa_structures import pooled_caption, psa_caption, psa_structures_section, psa_title
from hecon.report.section import Section, detail_section
from hecon.report.tables import Column, Table, currency_label, scenario_bulk, scenarios_table
from hecon.report.two_way import parameter_label

MAX_SAMPLE_ROWS = 20_000
"""PSA samples written to results.xlsx at most (all of them are in psa.nc)."""
TORNADO_ROWS = 15
"""Parameters shown per strategy in the table of the tornado diagram in report.html."""
TORNADO_BARS = 10
"""Parameters shown per strategy in the tornado diagram (the page a printed diagram fills)."""
ALL_SAMPLES_ROW = "All samples (averaged)"
"""The alternative column of the averaged rows of the results by structural alternative."""


def _colours(results: Results) -> dict[str, int]:
    return {s: i for i, s in enumerate(results.strategies)}


def _wtps(results: Results) -> list[float]:
    """The willingness-to-pay values of the settings and the headline one [currency per QALY]."""
    return list(dict.fromkeys([float(w) for w in results.spec.settings.wtp] + [results.headline.wtp]))


# --------------------------------------------------------------------------------------
# scenarios and net benefit
# --------------------------------------------------------------------------------------


def scenario_analysis_section(results: Results) -> Section | None:
    """All scenarios in one table: costs, QALYs and the ICER versus the comparator, beside the
    base case's."""
    analysis = results.scenario_analysis
    if analysis is None:
        return None
    cur = results.currency
    comparator = results.comparator
    money_unit = currency_label(results)
    cols = [
        Column("Scenario", width=20),
        Column("Strategy", width=20),
        Column(f"Costs ({money_unit})", "money", 14),
        Column("QALYs", "qaly", 10),
        Column(f"Incremental costs ({money_unit})", "money", 15),
        Column("Incremental QALYs", "qaly", 11),
        Column(f"ICER ({cur}/QALY)", "money", 13, html=False),
        Column(f"ICER base case ({cur}/QALY)", "money", 13, html=False),
        Column("Result", width=40),
        Column(f"Costs minus base case ({money_unit})", "money", 14),
        Column("QALYs minus base case", "qaly", 11),
    ]
    scenario_status = {name: {f.strategy: f.status for f in sc.incremental} for name, sc in results.scenarios.items()}
    table = Table(
        "ScenarioAnalysis",
        f"Scenario analysis (versus {comparator})",
        cols,
        [
            [
                r.scenario,
                r.strategy,
                r.costs,
                r.qalys,
                r.incremental_cost,
                r.incremental_qalys,
                r.icer,
                r.icer_base_case,
                versus_text(r.description, scenario_status[r.scenario].get(r.strategy, OUTSIDE_DECISION))
                if r.description
                else r.description,
                r.change_in_costs,
                r.change_in_qalys,
            ]
            for r in analysis.rows
        ],
        "Every scenario run, in one table. Increments and ICERs are versus the comparator in the same "
        "scenario; the last columns compare each strategy with itself in the base case.",
        css="small",
    )
    view = table.view(
        rows=[row for row in table.rows if row[1] != comparator],
        note=f"Increments and results versus {comparator} in the same scenario; the last columns "
        f"compare each strategy with itself in the base case. The rows of {comparator} are on the "
        "sheet ScenarioAnalysis.",
    )
    definitions = scenarios_table(results)
    others = [x for x in results.base.strategies if x != comparator]
    wtp = results.headline.wtp
    wide_cols = [Column("Scenario", width=30)] + [Column(f"{x} vs {comparator}", width=30) for x in others]
    wide_cols += [Column(f"Highest NMB at {money(wtp, cur)}/QALY", width=22)] if wtp > 0 else []
    wide_rows: list[list[Any]] = []
    for name, sc in results.scenarios.items():
        status = {f.strategy: f.status for f in sc.incremental}
        versus = {
            r.strategy: versus_text(r.description, status.get(r.strategy, OUTSIDE_DECISION))
            for r in sc.versus_comparator
        }
        wide_rows.append([name] + [versus.get(x, "–") for x in others] + ([sc.optimal_at_headline] if wtp > 0 else []))
    wide = Table(
        "ScenarioSummary",
        f"Scenario results: each strategy versus {comparator}",
        wide_cols,
        wide_rows,
        "The ICER of each strategy versus the comparator in the same scenario, with its dominance status. "
        "Costs, QALYs and changes from the base case: the next table and sheet ScenarioAnalysis.",
        css="scenarios",
    )
    paragraphs = [
        f"{len(results.scenarios) - 1} scenarios, each the base case with the inputs in the last table "
        "changed. Results state the ICER with its dominance status."
    ]
    return Section(
        "scenario_analysis",
        "Scenario analysis",
        paragraphs=paragraphs,
        tables=[wide, view, definitions],
        sheets=[wide, table, definitions],
    )


def _nmb_range_words(results: Results) -> str:
    """Why the net-benefit figure's axis ends where it does, and which frontier ICERs lie beyond it."""
    nb = results.net_benefit
    assert nb is not None
    cur = results.currency
    wtps = [float(w) for w in results.spec.settings.wtp]
    if wtps:
        text = (
            f"the decision-relevant range, at least {significant(DECISION_REACH, 6)} times the highest willingness to pay of the "
            f"settings ({cur} {fixed(max(wtps))}), and past every frontier ICER up to {significant(RELEVANT_REACH, 6)} times it."
        )
    else:
        text = f"{significant(CURVE_REACH, 6)} times the largest ICER on the efficiency frontier."
    if nb.curve.beyond:
        text += (
            " Beyond the axis, not drawn: "
            + "; ".join(
                f"the frontier ICER of {s}, {cur} {fixed(v)} per QALY gained" for s, v in nb.curve.beyond.items()
            )
            + "."
        )
    return text


def net_benefit_section(results: Results) -> Section | None:
    """NMB and NHB of every strategy at each willingness to pay, per scenario."""
    nb = results.net_benefit
    if nb is None:
        return None
    cur = results.currency
    money = currency_label(results)
    order = list(nb.scenarios)
    rows: list[list[Any]] = [
        [name, w, s, v.nmb[i], v.nhb[i], "yes" if sc.optimal[i] == s else ""]
        for name, sc in nb.scenarios.items()
        for s, v in sc.strategies.items()
        for i, w in enumerate(nb.wtp)
    ]
    rows.sort(key=lambda r: (order.index(r[0]), r[1]))  # by scenario, then willingness to pay
    cols = [
        Column("Scenario", width=18),
        Column(f"WTP ({cur}/QALY)", "money", 13),
        Column("Strategy", width=20),
        Column(f"NMB ({money})", "money", 14),
        Column("NHB (QALYs)", "qaly", 11),
        Column("Highest NMB", width=11),
    ]
    table = Table(
        "NetBenefit",
        "Net monetary and net health benefit",
        cols,
        rows,
        "NMB = WTP x QALYs − costs; NHB = QALYs − costs / WTP (discounted). The strategy with the highest "
        "net benefit is optimal at that willingness to pay.",
        data=scenario_bulk(results),
    )
    base = nb.scenarios[results.base.name]
    names = list(base.strategies)
    wide_cols = [Column(f"WTP ({cur}/QALY)", "money", 13)]
    wide_cols += [Column(f"NMB {s} ({money})", "money", 16) for s in names]
    wide_cols += [Column("Highest NMB", width=22)]
    wide = Table(
        "NetBenefitBaseCase",
        "Net monetary benefit per patient (base case)",
        wide_cols,
        [[w] + [base.strategies[s].nmb[i] for s in names] + [base.optimal[i]] for i, w in enumerate(nb.wtp)],
        "NMB = WTP x QALYs − costs (discounted); the strategy with the highest NMB is the efficient choice "
        "at that willingness to pay. Net health benefit and every scenario: sheet NetBenefit.",
    )
    figures = []
    if len(nb.wtp) > 1:
        figures.append(
            Figure(
                "Net monetary benefit against willingness to pay",
                nmb_png(
                    nb.curve.wtp,
                    nb.curve.nmb,
                    cur,
                    results.headline.wtp,
                    {s: i for i, s in enumerate(results.strategies)},
                    results.spec.settings.price_year,
                    results.spec.references,
                ),
                f"Net monetary benefit per patient of each strategy (base case, discounted) for a "
                f"willingness to pay from 0 to {cur} {fixed(nb.curve.wtp[-1])} per QALY gained: "
                + _nmb_range_words(results)
                + " The vertical line is the headline value. The strategy with the highest line is optimal; "
                "where two lines cross, the optimum changes."
                + (
                    f" {' and '.join(results.spec.references)}, marked {REFERENCE_MARK} and drawn thin, "
                    f"{'is a reference' if len(results.spec.references) == 1 else 'are references'} for "
                    "information, not an option of the decision."
                    if results.spec.references
                    else ""
                ),
                "Line chart of the net monetary benefit of each strategy against the willingness to pay.",
            )
        )
    return Section("net_benefit", "Net benefit", tables=[wide], figures=figures, sheets=[table, wide])


# --------------------------------------------------------------------------------------
# disease burden and reference value
# --------------------------------------------------------------------------------------


def burden_section(results: Results) -> Section | None:
    summary = results.burden
    if summary is None:
        return None
    b = summary.burden
    cur = results.currency
    items: list[list[Any]] = [
        ["Start age (years)", b.start_age],
        ["Proportion male", b.proportion_male],
        ["Life table", life_table_title(b.life_table)],
        ["Current care (comparator)", b.comparator],
        ["Remaining QALYs, general population (Qn)", b.qalys_general_population],
        ["Remaining QALYs, patients under current care (Qd)", b.qalys_patients],
        ["Absolute shortfall Qn − Qd (QALYs)", b.absolute_shortfall],
        ["Proportional shortfall (Qn − Qd) / Qn", b.proportional_shortfall],
        ["Burden class", b.burden_class],
        [f"Reference value ({cur} per QALY)", b.reference_value],
        [f"Discounted at {percent(b.discount_rate, None)}: Qn", b.qalys_general_population_discounted],
        [f"Discounted at {percent(b.discount_rate, None)}: Qd", b.qalys_patients_discounted],
        [
            f"Discounted at {percent(b.discount_rate, None)}: proportional shortfall",
            b.proportional_shortfall_discounted,
        ],
        ["Burden class if discounted", b.burden_class_discounted],
        ["Share of comparator cohort alive at the horizon", share(b.alive_at_horizon)],
        ["Sources of the utility norms", "; ".join(b.norms_sources)],
    ]
    burden_table = Table(
        "DiseaseBurden",
        "Disease burden (proportional shortfall)",
        [Column("Item", width=48), Column("Value", "sig4", 40)],
        items,
        summary.method,
    )
    cols = [
        Column("Scenario", width=18),
        Column("Strategy", width=20),
        Column("Comparator", width=18),
        Column(f"ICER ({cur}/QALY)", "money", 13, html=False),
        Column("Status", width=16, html=False),
        Column("Result", width=36),
        Column(f"Reference value ({cur}/QALY)", "money", 14),
        Column(f"INMB at reference ({currency_label(results)})", "money", 14),
        Column("Verdict", width=22),
    ]
    frontier_status = {name: {f.strategy: f.status for f in sc.incremental} for name, sc in results.scenarios.items()}
    rows = [
        [
            name,
            j.strategy,
            j.comparator,
            j.icer,
            j.status,
            versus_text(j.description, frontier_status[name].get(j.strategy, OUTSIDE_DECISION)),
            j.reference_value,
            j.inmb,
            j.verdict,
        ]
        for name, js in summary.judgements.items()
        for j in js
    ]
    judge_table = Table(
        "ReferenceValue",
        "ICERs judged against the reference value",
        cols,
        rows,
        "Cost-effective when the incremental net monetary benefit at the reference value is >= 0 "
        "(this also reads dominant, dominated and less-costly-less-effective strategies correctly).",
        data=scenario_bulk(results),
    )
    judge_view = (
        judge_table.where("Scenario", results.base.name)
        .without("Scenario")
        .view(
            title="ICERs judged against the reference value (base case)",
            note=judge_table.note + " Every scenario: sheet ReferenceValue and the scenario analysis.",
        )
    )
    paragraphs = [
        f"The patients lose {fixed(b.absolute_shortfall, 2)} of the {fixed(b.qalys_general_population, 2)} QALYs that "
        f"people of the same age and sex mix can expect (proportional shortfall {fixed(b.proportional_shortfall, 2)}): "
        f"{b.burden_class}, reference value {money(b.reference_value, cur)} per QALY "
        "(Zorginstituut Nederland)."
    ]
    bullets = [f"Warning: {w}." for w in b.warnings]
    bullets += [j.text + "." for j in summary.judgements.get(results.base.name, ()) if j.text]
    optimal = summary.optimal_at_reference_value
    if optimal:
        n_others = len(optimal) - 1
        text = f"Highest net monetary benefit at the reference value: {optimal[results.base.name]} in the base case"
        if n_others:
            differ = [f"{x} in '{n}'" for n, x in summary.other_optimum.items()]
            text += f" and in {len(summary.same_optimum)} of {n_others} scenarios" + (
                f"; {', '.join(differ)}" if differ else ""
            )
        bullets.append(text + ".")
    return Section(
        "burden",
        "Disease burden and reference value",
        paragraphs=paragraphs,
        bullets=bullets,
        tables=[burden_table, judge_view],
        sheets=[burden_table, judge_table],
    )


# --------------------------------------------------------------------------------------
# thresholds
# --------------------------------------------------------------------------------------


def structure_check_section(results: Results) -> Section | None:
    """The base case beside the same model run as the other structure (NICE DSU TSD 19)."""
    check = results.structure_check
    if check is None:
        return None
    cur = results.currency
    first, second = check.structures
    cols = [
        Column("Strategy", width=22),
        Column(f"Costs, {first} ({cur})", "money", 16),
        Column(f"Costs, {second} ({cur})", "money", 16),
        Column(f"QALYs, {first}", "qaly", 12),
        Column(f"QALYs, {second}", "qaly", 12),
        Column(f"Life-years, {first}", "years", 12),
        Column(f"Life-years, {second}", "years", 12),
        Column(f"Versus {results.comparator}, {first}", width=50),
        Column(f"Versus {results.comparator}, {second}", width=50),
    ]
    rows = [
        [name, *r.costs, *r.qalys, *r.lys, *(r.versus_comparator or ("(comparator)", "(comparator)"))]
        for name, r in check.strategies.items()
    ]
    table = Table(
        "StructureCheck",
        "The base case under both model structures",
        cols,
        rows,
        "Discounted results per patient. Partitioned survival reads state occupancy off the survival curves "
        "(no structural link between progression and death); the state-transition model moves the cohort "
        "by transition probabilities.",
    )
    return Section(
        "structure_check",
        "Structural cross-check: partitioned survival and state transition",
        paragraphs=[
            f"The base case uses a {first} structure. The same model was also run as {second} (NICE DSU "
            "Technical Support Document 19): where the two disagree, the assumed link between progression "
            "and death drives the result."
        ],
        bullets=_not_partitioned(check.not_partitioned, second) + [f"Warning: {w}." for w in check.warnings],
        tables=[table],
        sheets=[table],
    )


def _not_partitioned(names: tuple[str, ...], second: str) -> list[str]:
    """The sentence naming the strategies that have no partitioned-survival rows."""
    if not names:
        return []
    one = len(names) == 1
    it, its = ("it", "its") if one else ("them", "their")
    return [
        f"{', '.join(names)} {'has' if one else 'have'} no partitioned-survival rows (Partitions sheet: no "
        f"survival curves for {it}), so the {second} version leaves {it} out; {its} results are state transition "
        "only."
    ]


def thresholds_section(results: Results) -> Section | None:
    if not results.thresholds:
        return None
    cur = results.currency
    cols = [
        Column("Parameter", width=20),
        Column("Strategy", width=18),
        Column("Comparator", width=18),
        Column("Varied", width=22),
        Column(f"Target ICER ({cur}/QALY)", "money", 14),
        Column("Base value", "raw", 14),
        Column("Threshold value", "raw", 16),
        Column("Found", width=8),
        Column(f"ICER at threshold ({cur}/QALY)", "money", 14),
        Column("Search interval", width=26),
        Column("Result", width=70),
    ]
    rows = [
        [
            t.parameter,
            t.strategy,
            t.comparator,
            t.varied,
            t.wtp,
            t.base,
            t.value,
            "yes" if t.found else "no",
            t.icer_at_value,
            f"[{significant(t.lower, 6)}, {significant(t.upper, 6)}]",
            t.message,
        ]
        for t in results.thresholds
    ]
    table = Table(
        "Thresholds",
        "Threshold analysis",
        cols,
        rows,
        "The value of the parameter at which the ICER equals the target (root of the incremental net "
        "monetary benefit: grid search in one vectorised run, then Brent's method).",
    )
    return Section(
        "thresholds",
        "Threshold analysis",
        bullets=[t.message for t in results.thresholds],
        tables=[table],
        sheets=[table],
    )


# --------------------------------------------------------------------------------------
# DSA
# --------------------------------------------------------------------------------------


def main_tornado(optimal: str | None, data: DsaSummary, references: set[str]) -> str | None:
    """The strategy whose tornado the main report shows: the strategy optimal at the headline
    willingness to pay when it has one (every strategy but the comparator does); otherwise (the
    comparator is optimal) the decision option, not a reference strategy, with the largest
    base-case INMB versus the comparator at the tornado's WTP: the one closest to replacing it.
    None without tornados."""
    if optimal in data.tornado:
        return optimal
    options = [s for s in data.tornado if s not in references] or list(data.tornado)
    return max(options, key=lambda s: data.base_case[s].inmb_at_tornado_wtp, default=None)


def dsa_section(results: Results) -> Section | None:
    data = results.dsa
    if data is None:
        return None
    cur = results.currency
    money_unit = currency_label(results)
    price_year = results.spec.settings.price_year
    w = data.tornado_wtp
    cols = [
        Column("Strategy", width=18),
        Column("Parameter", width=20),
        Column("Unit", width=14),
        Column("Base", "sig4", 12),
        Column("Low", "sig4", 12),
        Column("High", "sig4", 12),
        Column("Range from", width=22, html=False),
        Column(f"ICER low ({cur}/QALY)", "money", 13, html=False),
        Column(f"ICER high ({cur}/QALY)", "money", 13, html=False),
        Column("Result at low value", width=34),
        Column("Result at high value", width=34),
        Column(f"INMB low ({money_unit})", "money", 13),
        Column(f"INMB high ({money_unit})", "money", 13),
        Column(f"Swing ({money_unit})", "money", 13),
    ]
    rows = [
        [
            s,
            r.parameter,
            r.unit,
            r.base,
            r.low,
            r.high,
            r.range_source,
            r.icer_low,
            r.icer_high,
            versus_cell(r.result_low, r.frontier_low or OUTSIDE_DECISION),
            versus_cell(r.result_high, r.frontier_high or OUTSIDE_DECISION),
            r.inmb_low,
            r.inmb_high,
            r.swing,
        ]
        for s, tornado in data.tornado.items()
        for r in tornado
    ]
    table = Table(
        "DSA",
        f"One-way sensitivity analysis (INMB at {money(w, cur)}/QALY)",
        cols,
        rows,
        f"Each parameter at its low and high value, the others at base values; versus "
        f"{data.comparator}. Sorted by swing = |INMB(high) − INMB(low)|; the willingness to pay is "
        f"the {data.tornado_wtp_source}. Each low and high value has its own efficiency frontier of the "
        "decision options: a result marked dominated (another strategy costs less and gains more) or "
        "extendedly dominated (a mix of two other strategies is more efficient) is off that frontier, so "
        "its ratio is not a decision ICER.",
        css="small",
        data=True,  # a row per strategy, parameter and bound; the tornado diagrams are its printed view
    )
    figures = []
    subsections: list[Section] = []
    base_status = {f.strategy: f.status for f in results.base.incremental}
    for s, tornado in data.tornado.items():
        base = data.base_case[s]
        base_inmb = base.inmb_at_tornado_wtp
        shown = len(tornado_rows(tornado, TORNADO_BARS))
        unchanged = sum(1 for r in tornado if r.swing == 0)
        fig = Figure(
            f"Tornado: {s}",
            tornado_png(tornado, s, data.comparator, w, base_inmb, cur, top=TORNADO_BARS, price_year=price_year),
            f"Incremental net monetary benefit (INMB) of {s} versus {data.comparator} at "
            f"{money(w, cur)} per QALY with each parameter at its low (blue) and high (orange) value: "
            f"the {shown} parameters with the largest swing"
            + (
                f" ({unchanged} parameter{'s do' if unchanged > 1 else ' does'} not change this comparison)"
                if unchanged
                else ""
            )
            + ". Base case: INMB "
            f"{money(base_inmb, cur)} ({versus_text(base.description, base_status.get(s, OUTSIDE_DECISION))}). Bars crossing the dashed line change the decision at "
            "this willingness to pay.",
            f"Tornado diagram of the {shown} most influential parameters for {s} versus {data.comparator}.",
        )
        figures.append(fig)
        view = (
            table.where("Strategy", s)
            .without("Strategy")
            .view(
                title=f"{s} versus {data.comparator}: the {min(TORNADO_ROWS, len(tornado))} largest swings",
                rows=[r[1:] for r in rows if r[0] == s][:TORNADO_ROWS],
                note=f"Base case: {versus_text(base.description, base_status.get(s, OUTSIDE_DECISION))}. "
                "Each low and high value has its own efficiency frontier: a result marked dominated or extendedly "
                "dominated is off it (its ratio is not a decision ICER). Every parameter: sheet DSA.",
            )
        )
        subsections.append(
            Section(
                f"dsa_{len(subsections)}",
                f"{s} versus {data.comparator}",
                tables=[view],
                figures=[fig],
                content=[fig, view],
            )
        )
    paragraphs = [
        f"{len(data.parameters)} parameters varied one at a time between their low and high values "
        f"({data.n_variations} model evaluations in one vectorised run). Results are the incremental "
        f"net monetary benefit at {money(w, cur)} per QALY ({data.tornado_wtp_source}), which is "
        "defined whatever the quadrant of the cost-effectiveness plane, and the ICER in words."
    ]
    # the main part shows one tornado at a legible size, the appendix the others and every strategy's table
    strategies = list(data.tornado)
    chosen = main_tornado(results.headline.optimal, data, set(results.references))
    shown_main = [f for s, f in zip(strategies, figures) if s == chosen]
    for s, sub in zip(strategies, subsections):
        if s == chosen:
            sub.figures, sub.content = [], []
    if len(figures) > 1:
        paragraphs.append(
            f"The tornado diagram of {chosen} is below; those of the other strategies, and every strategy's "
            "largest swings as a table, are in the appendix."
        )
    return Section(
        "dsa",
        "One-way sensitivity analysis",
        paragraphs=paragraphs,
        figures=figures,
        content=shown_main,
        sheets=[table],
        detail=detail_section("dsa", "One-way sensitivity analysis", subsections),
    )


# --------------------------------------------------------------------------------------
# PSA
# --------------------------------------------------------------------------------------

_DIGITS = {"money": 0, "qaly": 3, "years": 3}


def _interval_columns(outcome: str, kind: str, label: str, html: bool = True) -> list[Column]:
    """Excel: mean, SD, 2.5% and 97.5%; report.html: 'mean (2.5% to 97.5%)' in one cell."""
    return [
        Column(f"{label}, mean (95% interval)", "text", 26, html=html, excel=False, key=outcome),
        Column(f"{label} mean", kind, 13, html=False),
        Column(f"{label} SD", kind, 11, html=False),
        Column(f"{label} 2.5%", kind, 12, html=False),
        Column(f"{label} 97.5%", kind, 12, html=False),
    ]


def _interval_values(x: Interval, kind: str) -> list[Any]:
    d = _DIGITS[kind]
    return [f"{fixed(x.mean, d)} ({fixed(x.low, d)} to {fixed(x.high, d)})", x.mean, x.sd, x.low, x.high]


def _psa_tables(results: Results) -> list[Table]:
    """Outcomes per strategy, increments, CEAC and convergence, and the samples."""
    data = results.psa
    assert data is not None
    cur = results.currency
    money_unit = currency_label(results)
    comparator = results.comparator
    wtp = results.headline.wtp
    strategies = list(data.curves.ceac)  # the decision's options
    outcomes = (
        ("costs", "money", f"Costs ({money_unit})"),
        ("qalys", "qaly", "QALYs"),
        ("lys", "years", "Life-years"),
        ("costs_undiscounted", "money", f"Costs undiscounted ({money_unit})"),
        ("qalys_undiscounted", "qaly", "QALYs undiscounted"),
        ("lys_undiscounted", "years", "Life-years undiscounted"),
    )
    cols = [Column("Strategy", width=22)]
    for outcome, kind, label in outcomes:
        cols += _interval_columns(outcome, kind, label, html="undiscounted" not in outcome)
    rows = [
        [s] + [v for outcome, kind, _ in outcomes for v in _interval_values(getattr(entry, outcome), kind)]
        for s, entry in data.strategies.items()
    ]
    summary_table = Table(
        "PSA",
        psa_title(results, f"Probabilistic results ({count(data.n_samples)} samples, seed {data.seed})"),
        cols,
        rows,
        "Mean and 95% interval (2.5% to 97.5% percentile) over the PSA samples, discounted; "
        "standard deviations and undiscounted results: sheet PSA.",
    )

    at_head = data.at(wtp)
    increments = (
        ("incremental_cost", "money", f"Incremental costs ({money_unit})"),
        ("incremental_qalys", "qaly", "Incremental QALYs"),
        ("incremental_lys", "years", "Incremental life-years"),
    )
    inc_cols = [Column("Strategy", width=22)]
    for outcome, kind, label in increments:
        inc_cols += _interval_columns(outcome, kind, label, html=outcome != "incremental_lys")
    inc_cols += [Column("Result (means)", width=36), Column(f"P(highest NMB) at {money(wtp, cur)}/QALY", "percent", 14)]
    psa_status = {f.strategy: f.status for f in data.frontier}  # the frontier of the samples' means
    inc_rows = [
        [inc.strategy]
        + [v for outcome, kind, _ in increments for v in _interval_values(getattr(inc, outcome), kind)]
        + [
            versus_text(inc.description, psa_status.get(inc.strategy, OUTSIDE_DECISION)),
            at_head.ceac.get(inc.strategy) if at_head else None,
        ]
        for inc in data.incremental
    ]
    if at_head:
        inc_rows.insert(
            0, [comparator] + ["–", None, None, None, None] * 3 + ["Comparator", at_head.ceac.get(comparator)]
        )
    inc_table = Table(
        "PSAIncremental",
        psa_title(results, f"Probabilistic incremental results versus {comparator}"),
        inc_cols,
        inc_rows,
        "Mean and 95% interval of the increments over the samples; result: the ICER of the means in "
        "words; P(highest NMB): share of samples in which the strategy has the highest net monetary "
        "benefit.",
    )

    curves = data.curves
    ceac_cols = (
        [Column(f"WTP ({cur}/QALY)", "money", 13)]
        + [Column(s, "percent", 10) for s in strategies]
        + [
            Column("CEAF strategy", width=18),
            Column("CEAF probability", "percent", 10),
            Column(f"EVPI per patient ({money_unit})", "money", 14),
        ]
    )
    ceac_rows = [
        [w]
        + [curves.ceac[s][i] for s in strategies]
        + [curves.ceaf_optimal[i], curves.ceaf_probability[i], curves.evpi_per_patient[i]]
        for i, w in enumerate(curves.wtp)
    ]
    ceac_table = Table("CEAC", psa_title(results, "CEAC, CEAF and EVPI over willingness to pay"), ceac_cols, ceac_rows)

    conv = data.convergence
    conv_cols = [
        Column("Strategy", width=20),
        Column(f"Mean INMB ({money_unit})", "money", 14),
        Column(f"Monte Carlo SE ({money_unit})", "money", 14),
        Column("Stable within 1% from sample", "int", 12),
        Column("Stable within 5% from sample", "int", 12),
    ]
    conv_rows = [
        [
            s,
            c.mean_incremental_nmb,
            c.monte_carlo_se,
            c.stable_within_1pct_from_sample,
            c.stable_within_5pct_from_sample,
        ]
        for s, c in conv.strategies.items()
    ]
    conv_table = Table(
        "Convergence",
        psa_title(results, f"Convergence of the incremental NMB at {money(conv.wtp, cur)}/QALY versus {comparator}"),
        conv_cols,
        conv_rows,
        "Running mean of the incremental net monetary benefit over samples (Hatswell et al., "
        "PharmacoEconomics 2018); 'stable from sample n': after n samples the running mean stays "
        "within 1% (5%) of its final value ('–': not stable).",
    )
    return [summary_table, inc_table, ceac_table, conv_table, _samples_table(results)]


def _samples_table(results: Results) -> Table:
    data = results.psa
    assert data is not None and data.samples is not None
    ds = data.samples
    money = currency_label(results)
    strategies = list(data.strategies)
    n = data.n_samples
    shown = min(n, MAX_SAMPLE_ROWS)
    costs = ds["total_costs"].transpose("sample", "strategy").values
    qalys = ds["qalys"].transpose("sample", "strategy").values
    sample_cols = [Column("Sample", "int", 8)]
    for s in strategies:
        sample_cols += [Column(f"Costs {s} ({money})", "money", 14), Column(f"QALYs {s}", "qaly", 10)]
    sample_rows = [
        [i] + [v for k in range(len(strategies)) for v in (float(costs[i, k]), float(qalys[i, k]))]
        for i in range(shown)
    ]
    return Table(
        "PSASamples",
        "PSA samples (CE-plane data)",
        sample_cols,
        sample_rows,
        f"Discounted costs and QALYs of each sample{'' if shown == n else f' (first {count(shown)} of {count(n)})'};"
        f" every sample, outcome and drawn input is in {PSA_FILE} (netCDF).",
        data=True,
    )


def _structural_section(results: Results) -> Section | None:
    """Results by alternative of each discrete parameter (structural uncertainty): one table per
    parameter in report.html, all of them on the sheet PSAStructural."""
    data = results.psa
    if data is None or not data.structural:
        return None
    cur = results.currency
    money_unit = currency_label(results)
    comparator = results.comparator
    wtp = data.structural[0].wtp
    strategies = list(data.strategies)
    cols = [
        Column("Parameter", width=20),
        Column("Alternative", width=22, key="alternative"),
        Column("Position", "int", 8, html=False),
        Column("Weight", "percent", 9, key="weight"),
        Column("Share of samples", "percent", 9, key="share"),
        Column("Strategy", width=22, key="strategy"),
        Column(f"Costs ({money_unit})", "money", 14, key="costs"),
        Column("QALYs", "qaly", 10, key="qalys"),
        Column("Life-years", "years", 10, key="lys"),
        Column(f"Incremental costs ({money_unit})", "money", 14, key="incremental_cost"),
        Column("Incremental QALYs", "qaly", 11, key="incremental_qalys"),
        Column("Incremental life-years", "years", 11, html=False),
        Column(f"ICER ({cur}/QALY)", "money", 12, html=False),
        Column(f"Versus {comparator} (means)", width=36, key="versus"),
        Column(f"P(highest NMB) at {money(wtp, cur)}/QALY", "percent", 12, key="probability"),
    ]
    rows: list[list[Any]] = []
    for st in data.structural:
        for a in (*st.alternatives, st.averaged):
            name = ALL_SAMPLES_ROW if a.position is None else choice_words(a.label)
            head = [title_of(results.spec, st.parameter), name, a.position, a.weight, a.share]
            versus = {v.strategy: v for v in a.versus_comparator}
            for s in strategies:
                if not a.n_samples:
                    rows.append([*head, s] + [None] * 7 + ["No sample drew this alternative", None])
                    continue
                m, v = a.strategies[s], versus.get(s)
                increments = [v.incremental_cost, v.incremental_qalys, v.incremental_lys, v.icer] if v else [None] * 4
                result = versus_text(v.description, a.frontier_status.get(s, OUTSIDE_DECISION)) if v else "Comparator"
                probability = a.probability_cost_effective.get(s)  # None: a reference strategy
                rows.append([*head, s, m.costs, m.qalys, m.lys, *increments, result, probability])
    table = Table(
        "PSAStructural",
        psa_title(results, "Probabilistic results by structural alternative"),
        cols,
        rows,
        "Samples grouped by the alternative of each discrete parameter they drew: weight, the stated "
        "weight; share, the share of samples that drew it; means over those samples (discounted), the "
        f"increments versus {comparator} and the ICER of the means in words; P(highest NMB), the share of "
        f"those samples in which the strategy has the highest net monetary benefit. '{ALL_SAMPLES_ROW}': every "
        "sample, the model-averaged result.",
        css="small",
    )
    views = [
        replace(
            table.where("Parameter", title_of(results.spec, st.parameter)).without("Parameter"),
            id=f"psa-structural-{k}",
        ).view(
            title=psa_title(results, f"{title_of(results.spec, st.parameter)}: results by alternative"),
            note=f"Means of the samples that drew each alternative, discounted; versus {comparator}: the ICER of "
            f"the means in words; P(highest NMB) at {money(wtp, cur)}/QALY. Every discrete parameter: sheet "
            "PSAStructural.",
        )
        for k, st in enumerate(data.structural, start=1)
    ]
    names = ", ".join(f"'{title_of(results.spec, st.parameter)}'" for st in data.structural)
    paragraphs = [
        f"{'Parameters' if len(data.structural) > 1 else 'Parameter'} {names} "
        f"{'choose' if len(data.structural) > 1 else 'chooses'} between alternative model structures: each "
        "sample draws one alternative with its weight, so the probabilistic results above average over the "
        "alternatives (model averaging; Jackson, Thompson and Sharples, J R Stat Soc A 2009). Below, the "
        "samples are grouped by the alternative they drew; the row of all samples is the averaged result, "
        "whose means are the alternatives' means weighted by their shares of samples."
    ]
    bullets = [
        f"{title_of(results.spec, st.parameter)}: {choice_words(a.label)} (alternative {a.position}, "
        f"{percent(a.share, 1)} of samples): "
        + "; ".join(
            f"{v.strategy} versus {comparator}: "
            f"{versus_text(v.description, a.frontier_status.get(v.strategy, OUTSIDE_DECISION))}"
            for v in a.versus_comparator
        )
        + "."
        for st in data.structural
        for a in st.alternatives
        if a.n_samples and a.versus_comparator
    ]
    return Section(
        "psa_structural",
        "Structural alternatives",
        paragraphs=paragraphs,
        bullets=bullets,
        tables=views,
        sheets=[table],
    )


POOLED_TITLE = " (both structures averaged)"
"""Ends the titles of the PSA figures of both model structures' pooled samples."""


def _plane_and_ceac(
    results: Results, data: PsaSummary, caption: Callable[[Results, str], str], which: str = ""
) -> list[Figure]:
    """The cost-effectiveness plane (when there are increments) and the CEAC/CEAF of ``data`` (the PSA of
    the run's structure, or both structures' pooled samples), captioned by ``caption`` (which says which
    of them it shows); titles end with ``which``."""
    cur = results.currency
    settings = results.spec.settings
    comparator = results.comparator
    colours = _colours(results)
    figures = []
    if data.incremental:
        figures.append(
            Figure(
                f"Cost-effectiveness plane{which}",
                ce_plane_png(
                    data.incremental,
                    comparator,
                    _wtps(results),
                    cur,
                    colour_index=colours,
                    price_year=settings.price_year,
                ),
                caption(
                    results,
                    f"Incremental costs and QALYs versus {comparator}, one point per PSA sample; large "
                    "markers: means. Points below a willingness-to-pay line are cost-effective at that value.",
                ),
                f"Scatter plot of incremental costs against incremental QALYs versus {comparator} for "
                f"{count(data.n_samples)} PSA samples, with willingness-to-pay lines.",
            )
        )
    figures.append(
        Figure(
            f"CEAC and CEAF{which}",
            ceac_png(data.curves, cur, results.headline.wtp, colour_index=colours, wtps=settings.wtp),
            caption(
                results,
                "Cost-effectiveness acceptability curves: probability that each strategy has the highest "
                "net monetary benefit; the grey band is the acceptability frontier (the strategy with the "
                "highest expected net monetary benefit). Vertical lines: willingness-to-pay values of the "
                "settings (solid: the headline value).",
            ),
            "Line chart of the probability that each strategy is cost-effective against the willingness to pay.",
        )
    )
    return figures


def psa_section(results: Results) -> Section | None:
    data = results.psa
    if data is None:
        return None
    cur = results.currency
    comparator = results.comparator
    wtp = results.headline.wtp
    colours = _colours(results)
    summary_table, inc_table, ceac_table, conv_table, samples_table = _psa_tables(results)
    pooled = results.psa_structures
    own = _plane_and_ceac(results, data, psa_caption)
    # the main figures show what the first screen quotes: both structures averaged when the model has both (the
    # run's structure alone then goes to the appendix)
    shown = own if pooled is None else _plane_and_ceac(results, pooled.summary, pooled_caption, POOLED_TITLE)
    appendix = [] if pooled is None else list(own)
    if data.incremental:
        conv = data.convergence.strategies
        appendix.append(
            Figure(
                "PSA convergence",
                convergence_png(
                    {s: c.running for s, c in conv.items()},
                    {s: c.running_se for s, c in conv.items()},
                    wtp,
                    cur,
                    colour_index=colours,
                ),
                psa_caption(
                    results,
                    "Running mean of the incremental net monetary benefit versus the comparator against the "
                    "number of samples, with ±1.96 Monte Carlo standard errors.",
                ),
                "Line chart of the running mean incremental net monetary benefit against the number of PSA samples.",
            )
        )

    paragraphs = [
        f"{count(data.n_samples)} samples (seed {data.seed}) of {len(data.sampled_parameters)} "
        f"parameters with a distribution. All samples and outcomes are saved in {PSA_FILE} "
        "(a netCDF file, which xarray reads in Python and ncdf4 in R)."
    ]
    if data.references:
        paragraphs.append(
            f"{' and '.join(data.references)}: reference (outside the decision); shown with "
            "{} probabilistic results and increments, left out of the acceptability curves, the "
            "probabilities of highest net monetary benefit and the value of information.".format(
                "its" if len(data.references) == 1 else "their"
            )
        )
    psa_status = {f.strategy: f.status for f in data.frontier}  # the frontier of the samples' means
    bullets = [
        f"{inc.strategy} versus {comparator}: "
        f"{versus_text(inc.description + ' (means of the samples)', psa_status.get(inc.strategy, OUTSIDE_DECISION))}."
        for inc in data.incremental
    ]
    if not data.meets_zin_minimum:
        bullets.append(f"Fewer than the {count(ZIN_MINIMUM_SAMPLES)} iterations Zorginstituut Nederland asks for.")
    samples = data.samples
    structural = _structural_section(results)
    structures = psa_structures_section(results)
    return Section(
        "psa",
        "Probabilistic sensitivity analysis",
        paragraphs=paragraphs,
        bullets=bullets,
        tables=[summary_table, inc_table, conv_table],
        figures=shown + appendix,
        content=[summary_table, inc_table] + shown,
        sheets=[summary_table, inc_table, ceac_table, conv_table, samples_table],
        detail=detail_section(
            "psa",
            "Probabilistic sensitivity analysis",
            [x for x in (structural, structures) if x is not None],
            [conv_table] + appendix,
        ),
        files={PSA_FILE: partial(save_psa, samples)} if samples is not None else {},
    )


def voi_section(results: Results) -> Section | None:
    """Expected value of perfect information, from the PSA."""
    data = results.psa
    if data is None:
        return None
    cur = results.currency
    money = currency_label(results)
    strategies = list(data.curves.ceac)  # the decision's options
    at_cols = [
        Column(f"WTP ({cur}/QALY)", "money", 13),
        Column("Optimal (highest expected NMB)", width=22),
        Column("P(optimal is cost-effective)", "percent", 12),
        Column(f"EVPI per patient ({money})", "money", 14),
        Column(f"Population EVPI ({money})", "money", 16),
    ]
    at_cols += [Column(f"P(CE) {s}", "percent", 10, html=False) for s in strategies]
    at_rows = [
        [a.wtp, a.optimal, a.probability_optimal_cost_effective, a.evpi_per_patient, a.evpi_population]
        + [a.ceac[s] for s in strategies]
        for a in data.at_wtp
    ]
    pop = data.population
    pop_note = (
        f"Population EVPI for {fixed(pop.patients_per_year)} patients a year over {quantity(pop.years, 'years')} "
        f"({fixed(pop.discounted_patients)} discounted patients)."
        if pop.discounted_patients is not None
        else "No population EVPI: set population_size in the settings."
    )
    at_table = Table(
        "PSAatWTP",
        psa_title(results, "Acceptability and value of information"),
        at_cols,
        at_rows,
        "EVPI: the expected gain in net monetary benefit per patient if all uncertainty in the inputs "
        "were resolved. " + pop_note,
    )
    figure = Figure(
        "EVPI",
        evpi_png(data.curves, cur, _wtps(results)),
        psa_caption(
            results,
            f"Per-patient expected value of perfect information ({money}) against the willingness to pay; "
            "dots: the willingness-to-pay values of the settings and the headline value.",
        ),
        "Line chart of the expected value of perfect information per patient against the willingness to pay.",
    )
    evppi = _evppi_section(results)
    return Section(
        "voi",
        "Value of information",
        tables=[at_table],
        figures=[figure],
        sheets=[at_table],
        subsections=[evppi] if evppi is not None else [],
    )


def _evppi_section(results: Results) -> Section | None:
    """Partial EVPI per parameter and group: ranked table and bars at the headline WTP, curves,
    and every estimate at every reported WTP with its fit quality (sheet EVPPI)."""
    data = results.psa
    if data is None or data.evppi is None:
        return None
    ev = data.evppi
    cur = results.currency
    money_unit = currency_label(results)
    head = ev.headline_wtp
    ranked_cols = [
        Column("Rank", "int", 6),
        Column("Parameter or group", width=24),
        Column("Kind", width=16),
        Column("Parameters", width=30),
        Column(f"EVPPI per patient ({money_unit})", "money", 14),
        Column(f"Standard error ({money_unit})", "money", 12),
        Column("Share of EVPI", "percent", 10),
        Column(f"Population EVPPI ({money_unit})", "money", 16),
        Column("Fit R² (decisive strategy)", "number", 12),
        Column("Decisive strategy", width=20),
        Column("Effective df (highest)", "number", 10),
    ]
    ranked_rows = []
    for rank, e in enumerate(ev.estimates, start=1):
        a = next(x for x in e.at_wtp if x.wtp == head)
        ranked_rows.append(
            [
                rank,
                e.name,
                e.kind,
                ", ".join(e.parameters),
                a.per_patient,
                a.se,
                a.share_of_evpi,
                a.population,
                e.decisive_fit.r_squared,
                e.decisive_fit.strategy,
                max(f.edof for f in e.fits),
            ]
        )
    skipped = "; ".join(f"{name}: {why}" for name, why in ev.not_estimated.items())
    capped = [e.name for e in ev.estimates if e.capped]
    shares = [a.share_of_evpi for e in ev.estimates for a in e.at_wtp if a.wtp == head and a.share_of_evpi is not None]
    unexplained = (
        f" The largest single parameter or group accounts for {percent(max(shares), 0)} of the EVPI, so "
        f"{percent(1 - max(shares), 0)} is not explained by any single one reported: that is normal, since "
        "the EVPPIs of separate parameters or groups do not add up to the EVPI (resolving uncertainties "
        "together is worth more, or less, than the sum of resolving each alone)."
        if shares
        else ""
    )
    note = (
        f"At the headline willingness to pay of {money(head, cur)} per QALY. {ev.method} "
        "R²: share of the variance of the incremental net benefit against the comparator that the "
        "regression explains, shown for the decisive strategy: the one whose choice against the "
        "comparator alone has the largest EVPPI (the R² of strategies that are never chosen does not "
        "matter; every strategy's R² is on the EVPPI sheet). A low R² with a large EVPPI calls for a check."
        + unexplained
        + (f" Reported as the EVPI (the regression estimate exceeded it): {', '.join(capped)}." if capped else "")
        + (f" Not estimated: {skipped}." if skipped else "")
    )
    ranked = Table(
        "EVPPIRanked", psa_title(results, "Partial value of information, ranked"), ranked_cols, ranked_rows, note
    )
    all_cols = [
        Column("Parameter or group", width=24),
        Column(f"WTP ({cur}/QALY)", "money", 13),
        Column(f"EVPPI per patient ({money_unit})", "money", 14),
        Column(f"Standard error ({money_unit})", "money", 12),
        Column(f"Population EVPPI ({money_unit})", "money", 16),
        Column("Share of EVPI", "percent", 10),
    ] + [
        Column(f"R² vs comparator: {f.strategy}", "number", 12) for f in (ev.estimates[0].fits if ev.estimates else ())
    ]
    all_rows = [
        [e.name, a.wtp, a.per_patient, a.se, a.population, a.share_of_evpi] + [f.r_squared for f in e.fits]
        for e in ev.estimates
        for a in e.at_wtp
    ]
    every = Table(
        "EVPPI",
        psa_title(results, "EVPPI at every reported willingness to pay"),
        all_cols,
        all_rows,
        ev.method,
        data=True,  # a row per parameter (group) and willingness to pay; EVPPIRanked is the printable view
    )
    figures = [
        Figure(
            "EVPPI ranked",
            evppi_bars_png(ev, cur, labels={e.name: parameter_label(results.spec, e.name) for e in ev.estimates}),
            psa_caption(
                results,
                f"Per-patient EVPPI at {money(head, cur)} per QALY, largest first, with 95% bars (±1.96 standard errors).",
            ),
            "Horizontal bar chart of the expected value of partial perfect information per parameter or group.",
        ),
        Figure(
            "EVPPI curves",
            evppi_curves_png(data.curves.wtp, data.curves.evpi_per_patient, ev, cur),
            psa_caption(
                results,
                f"Per-patient EVPI and the EVPPI of the highest-ranked parameters and groups ({money_unit}) "
                "against the willingness to pay.",
            ),
            "Line chart of EVPI and EVPPI per patient against the willingness to pay.",
        ),
    ]
    return Section(
        "evppi",
        "Partial value of information (EVPPI)",
        paragraphs=[
            "Which uncertainty matters: the expected gain per patient if the uncertainty in one parameter, or "
            "one group of parameters drawn together (e.g. the coefficients of a survival curve), were resolved."
        ],
        tables=[ranked],
        figures=figures,
        sheets=[ranked, every],
    )


def perspectives_section(results: Results) -> Section | None:
    """The base case from the healthcare and the societal perspective side by side: costs,
    each strategy versus the comparator and the efficiency frontier."""
    data = results.perspectives
    if data is None:
        return None
    cur = results.currency
    money = currency_label(results)
    cols = [
        Column("Perspective", width=12),
        Column("Strategy", width=18),
        Column(f"Costs ({money})", "money", 14),
        Column("QALYs", "qaly", 9),
        Column(f"Incremental costs vs comparator ({money})", "money", 14),
        Column("Incremental QALYs vs comparator", "qaly", 10),
        Column("Versus the comparator", width=34),
        Column(f"ICER vs comparator ({cur}/QALY)", "money", 14, html=False),
        Column("Frontier status", width=16),
        Column(f"Frontier ICER ({cur}/QALY)", "money", 14),
    ]
    rows = []
    for name, p in data.results.items():
        versus = {v.strategy: v for v in p.versus_comparator}
        frontier = {f.strategy: f for f in p.frontier}
        for s, r in p.strategies.items():
            v, f = versus.get(s), frontier.get(s)  # None: a reference strategy, outside the frontier
            rows.append(
                [
                    name,
                    s,
                    r.costs,
                    r.qalys,
                    v.incremental_cost if v else None,
                    v.incremental_qalys if v else None,
                    versus_text(v.description, f.status if f else OUTSIDE_DECISION) if v else "comparator",
                    v.icer if v else None,
                    f.status if f else "reference (outside the decision)",
                    f.icer if f else None,
                ]
            )
    note = (
        "Societal perspective: every cost category. Healthcare perspective: without the categories tagged "
        f"societal ({', '.join(data.societal_only)}) on the CostCategories sheet. QALYs are the same in both; "
        "costs and QALYs discounted."
    )
    table = Table("Perspectives", "Healthcare and societal perspective", cols, rows, note)
    return Section(
        "perspectives",
        "Perspectives",
        paragraphs=["The base case from the healthcare and from the societal perspective, side by side."],
        tables=[table],
    )


def budget_impact_section(results: Results) -> Section | None:
    """Budget impact per year (current and new world, incremental, drug costs apart), by cost
    category, and the 'sluis' check."""
    bi = results.budget_impact
    if bi is None:
        return None
    cur = results.currency
    money = currency_label(results)
    strategies = list(bi.treated["new"])
    year_cols = [
        Column("Year", "int", 6),
        Column("Eligible patients", "int" if all(float(n).is_integer() for n in bi.eligible) else "number", 10),
        *[Column(f"Starting {s} (new world)", "number", 12) for s in strategies],
        Column(f"Current world ({money})", "money", 16),
        Column(f"New world ({money})", "money", 16),
        Column(f"Budget impact ({money})", "money", 16),
        Column(f"of which drug costs ({money})", "money", 16),
        Column(f"of which other costs ({money})", "money", 16),
    ]
    year_rows = [
        [y, bi.eligible[k], *[bi.treated["new"][s][k] for s in strategies]]
        + [bi.current_total[k], bi.new_total[k], bi.incremental_total[k], bi.incremental_drug[k]]
        + [bi.incremental_other[k]]
        for k, y in enumerate(bi.years)
    ]
    drug = ", ".join(bi.drug_categories) or "none given"
    note = (
        "Undiscounted costs per calendar year of patients starting treatment from year 1 (ISPOR, Sullivan et al. "
        f"2014; ZIN). Drug cost categories: {drug}. Per-patient costs by year of treatment come from the "
        "model's base case, each cycle valued at its start (no within-cycle correction). Inputs: "
        + "; ".join(bi.sources)
        + "."
    )
    table = Table("BudgetImpact", "Budget impact", year_cols, year_rows, note)
    cat_cols = [Column("World", width=10), Column("Category", width=16), Column("Drug cost", width=8)]
    cat_cols += [Column(f"Year {y} ({money})", "money", 14) for y in bi.years]
    cat_rows = [
        [world, c, "yes" if c in bi.drug_categories else "no", *values[c]]
        for world, values in (("current", bi.current), ("new", bi.new))
        for c in values
    ]
    by_category = Table("BudgetByCategory", "Budget by cost category and year", cat_cols, cat_rows, note)
    sluis_cols = [
        Column("Strategy", width=18),
        Column(f"Drug costs per patient, first year ({money})", "money", 16),
        Column(f"Threshold per patient per year ({money})", "money", 14),
        Column("Per patient: reached", width=10),
        Column(f"Highest yearly drug spending ({money})", "money", 16),
        Column(f"Yearly threshold ({money})", "money", 14),
        Column("Yearly: reached", width=10),
        Column(f"Yearly total with the per-patient criterion ({money})", "money", 14),
        Column("Goes into the sluis", width=40),
    ]

    def reached(flag: bool | None) -> str:
        return "not given" if flag is None else ("yes" if flag else "no")

    sluis_rows = [
        [
            c.strategy,
            c.drug_cost_per_patient_year,
            c.threshold_per_patient,
            reached(c.above_per_patient),
            c.highest_yearly_drug_spend,
            c.threshold_total,
            reached(c.above_total),
            c.threshold_total_with_per_patient,
            c.why,
        ]
        for c in bi.sluis
    ]
    sluis = Table(
        "Sluis",
        "The 'sluis' for expensive medicines",
        sluis_cols,
        sluis_rows,
        "Goes into the sluis when the yearly drug spending reaches the yearly threshold, or when the drug "
        "costs per patient per year reach the per-patient threshold and the yearly spending reaches the "
        "total that criterion needs. Thresholds: "
        + (
            bi.thresholds_source
            or "not given (BudgetImpact sheet: sluis_per_patient, sluis_total, sluis_total_with_per_patient)."
        ),
    )
    figure = Figure(
        "Budget impact",
        budget_impact_png(bi, cur),
        f"Budget impact per year ({money}): the new world minus the current one, drug and other costs stacked.",
        "Bar chart of the budget impact per year, drug costs and other costs.",
    )
    return Section(
        "budget-impact",
        "Budget impact",
        tables=[table, sluis],
        figures=[figure],
        sheets=[table, by_category, sluis],
    )


#: Builders in report order (inserted after the results by :mod:`hecon.report.sections`).
DECISION_SECTIONS = [
    scenario_analysis_section,
    net_benefit_section,
    burden_section,
    thresholds_section,
    dsa_section,
    psa_section,
    voi_section,
    perspectives_section,
    budget_impact_section,
]
