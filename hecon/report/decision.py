"""Report sections of the decision analyses: scenario table, net benefit, disease burden and
reference value, threshold prices, one-way (DSA) and probabilistic (PSA) sensitivity analysis.

Each builder returns None when the run has no such analysis, so a plain ``hecon run`` report
is unchanged. summary.json keys (abbreviated)::

    "scenario_analysis": {"comparator": "SoC", "rows": [{"scenario": "base case", "strategy": "A",
                          "costs": ..., "qalys": ..., "incremental_cost": ..., "icer": ...,
                          "icer_base_case": ..., ...}]},
    "net_benefit": {"wtp": [20000, ...], "scenarios": {"base case": {"strategies": {"A": {"nmb": [...],
                    "nhb": [...]}}, "optimal": ["SoC", ...]}}},
    "burden": {"qalys_general_population": 21.3, "qalys_patients": 2.1, "proportional_shortfall": 0.90,
               "burden_class": "class 3 ...", "reference_value": 80000, "judgements": {...}, ...},
    "thresholds": [{"parameter": "c_car_t", "strategy": "CAR-T", "value": 234567.0, "found": true, ...}],
    "dsa": {"comparator": "SoC", "tornado_wtp": 80000, "parameters": [...], "tornado": {"A": [...]}},
    "psa": {"n_samples": 1000, "seed": 1, "strategies": {...}, "incremental": [...], "at_wtp": [...],
            "curves": {"wtp": [...], "ceac": {...}, ...}, "convergence": {...}, "samples_file": "psa.nc"}
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from hecon.burden import judge_icers
from hecon.report.charts import ce_plane_png, ceac_png, convergence_png, evpi_png, tornado_png
from hecon.report.figures import Figure
from hecon.report.tables import Column, Table
from hecon.runner import RunResult

if TYPE_CHECKING:
    from hecon.report.sections import Section

PSA_FILE = "psa.nc"
MAX_SAMPLE_ROWS = 20_000
"""PSA samples written to results.xlsx at most (all of them are in psa.nc)."""


def _section(*args: Any, **kwargs: Any) -> "Section":
    """A :class:`hecon.report.sections.Section`, imported on use (that module imports this one)."""
    from hecon.report.sections import Section

    return Section(*args, **kwargs)


def _money(currency: str, value: float | None) -> str:
    return "–" if value is None else f"{currency} {value:,.0f}"


# --------------------------------------------------------------------------------------
# scenarios and net benefit
# --------------------------------------------------------------------------------------


def scenario_analysis_section(result: RunResult, summary: dict) -> Section | None:
    """All scenarios in one table: costs, QALYs and the ICER versus the comparator, beside the
    base case's."""
    if len(result.scenarios) < 2:
        return None
    cur = summary["currency"]
    comparator = summary["comparator"]
    base = summary["scenarios"][result.base.name]
    base_rows = {r["strategy"]: r for r in base["versus_comparator"]}
    rows = []
    for name, sc in summary["scenarios"].items():
        versus = {r["strategy"]: r for r in sc["versus_comparator"]}
        for s, v in sc["strategies"].items():
            r = versus.get(s)
            b = base["strategies"].get(s, {})
            rows.append({
                "scenario": name, "strategy": s, "costs": v["costs"], "qalys": v["qalys"], "lys": v["lys"],
                "incremental_cost": r["incremental_cost"] if r else None,
                "incremental_qalys": r["incremental_effect"] if r else None,
                "incremental_lys": r["incremental_lys"] if r else None,
                "icer": r["icer"] if r else None, "status": r["status"] if r else "comparator",
                "description": r["description"] if r else "",
                "icer_base_case": base_rows[s]["icer"] if s in base_rows else None,
                "change_in_costs": v["costs"] - b["costs"] if b else None,
                "change_in_qalys": v["qalys"] - b["qalys"] if b else None,
            })
    cols = [Column("Scenario", width=20), Column("Strategy", width=20), Column(f"Costs ({cur})", "money", 14),
            Column("QALYs", "qaly", 10), Column(f"Incremental costs ({cur})", "money", 15),
            Column("Incremental QALYs", "qaly", 11), Column(f"ICER ({cur}/QALY)", "money", 13),
            Column(f"ICER base case ({cur}/QALY)", "money", 13), Column("Result", width=40),
            Column(f"Costs minus base case ({cur})", "money", 14), Column("QALYs minus base case", "qaly", 11)]
    table = Table("ScenarioAnalysis", f"Scenario analysis (versus {comparator})", cols,
                  [[r["scenario"], r["strategy"], r["costs"], r["qalys"], r["incremental_cost"], r["incremental_qalys"],
                    r["icer"], r["icer_base_case"], r["description"], r["change_in_costs"], r["change_in_qalys"]]
                   for r in rows],
                  "Every scenario run, in one table. Increments and ICERs are versus the comparator in the same "
                  "scenario; the last columns compare each strategy with itself in the base case.")
    return _section("scenario_analysis", "Scenario analysis", tables=[table], sheets=[table],
                   json={"comparator": comparator, "rows": rows})


def net_benefit_section(result: RunResult, summary: dict) -> Section | None:
    """NMB and NHB of every strategy at each willingness to pay, per scenario."""
    wtp = [float(w) for w in result.spec.settings.wtp]
    if not wtp:
        return None
    cur = summary["currency"]
    out: dict[str, Any] = {}
    rows = []
    for name, sc in summary["scenarios"].items():
        strategies = {}
        names = list(sc["strategies"])
        nmb = np.array([[w * sc["strategies"][s]["qalys"] - sc["strategies"][s]["costs"] for s in names] for w in wtp])
        optimal = [names[int(np.argmax(row))] for row in nmb]
        for k, s in enumerate(names):
            nhb = [nmb[i, k] / w if w > 0 else None for i, w in enumerate(wtp)]
            strategies[s] = {"nmb": [float(x) for x in nmb[:, k]], "nhb": nhb}
            rows += [[name, w, s, float(nmb[i, k]), nhb[i], "yes" if optimal[i] == s else ""]
                     for i, w in enumerate(wtp)]
        out[name] = {"strategies": strategies, "optimal": optimal}
    rows.sort(key=lambda r: (list(summary["scenarios"]).index(r[0]), r[1]))
    cols = [Column("Scenario", width=18), Column(f"WTP ({cur}/QALY)", "money", 13), Column("Strategy", width=20),
            Column(f"NMB ({cur})", "money", 14), Column("NHB (QALYs)", "qaly", 11), Column("Highest NMB", width=11)]
    table = Table("NetBenefit", "Net monetary and net health benefit", cols, rows,
                  "NMB = WTP x QALYs − costs; NHB = QALYs − costs / WTP (discounted). The strategy with the highest "
                  "net benefit is optimal at that willingness to pay.")
    return _section("net_benefit", "Net benefit", tables=[table], sheets=[table], json={"wtp": wtp, "scenarios": out})


# --------------------------------------------------------------------------------------
# disease burden and reference value
# --------------------------------------------------------------------------------------


def burden_section(result: RunResult, summary: dict) -> Section | None:
    b = result.burden
    if b is None:
        return None
    cur = summary["currency"]
    data = dataclasses.asdict(b)
    judgements = {name: judge_icers(sc["versus_comparator"], b.reference_value, cur)
                  for name, sc in summary["scenarios"].items()}
    optimal = {}
    if b.reference_value is not None:
        for name, sc in summary["scenarios"].items():
            nmb = {s: b.reference_value * v["qalys"] - v["costs"] for s, v in sc["strategies"].items()}
            optimal[name] = max(nmb, key=nmb.get)  # type: ignore[arg-type]
    data["judgements"] = judgements
    data["optimal_at_reference_value"] = optimal
    data["method"] = ("Proportional shortfall (Qn − Qd) / Qn from undiscounted QALYs; Qn from the life table and "
                      "general-population utility norms (iMTA Disease Burden Calculator method), Qd the "
                      f"comparator's ({b.comparator}) QALYs in the base case.")
    items = [
        ["Start age (years)", b.start_age], ["Proportion male", b.proportion_male], ["Life table", b.life_table],
        ["Current care (comparator)", b.comparator],
        ["Remaining QALYs, general population (Qn)", b.qalys_general_population],
        ["Remaining QALYs, patients under current care (Qd)", b.qalys_patients],
        ["Absolute shortfall Qn − Qd (QALYs)", b.absolute_shortfall],
        ["Proportional shortfall (Qn − Qd) / Qn", b.proportional_shortfall],
        ["Burden class", b.burden_class],
        [f"Reference value ({cur} per QALY)", b.reference_value],
        [f"Discounted at {100 * b.discount_rate:g}%: Qn", b.qalys_general_population_discounted],
        [f"Discounted at {100 * b.discount_rate:g}%: Qd", b.qalys_patients_discounted],
        [f"Discounted at {100 * b.discount_rate:g}%: proportional shortfall", b.proportional_shortfall_discounted],
        ["Burden class if discounted", b.burden_class_discounted],
        ["Share of comparator cohort alive at the horizon", b.alive_at_horizon],
        ["Sources of the utility norms", "; ".join(b.norms_sources)],
    ]
    burden_table = Table("DiseaseBurden", "Disease burden (proportional shortfall)",
                         [Column("Item", width=48), Column("Value", "raw", 40)], items, data["method"])
    cols = [Column("Scenario", width=18), Column("Strategy", width=20), Column("Comparator", width=18),
            Column(f"ICER ({cur}/QALY)", "money", 13), Column("Status", width=16),
            Column(f"Reference value ({cur}/QALY)", "money", 14), Column(f"INMB at reference ({cur})", "money", 14),
            Column("Verdict", width=22)]
    rows = [[name, j["strategy"], j["comparator"], j["icer"], j["status"], j["reference_value"], j["inmb"],
             j["verdict"]] for name, js in judgements.items() for j in js]
    judge_table = Table("ReferenceValue", "ICERs judged against the reference value", cols, rows,
                        "Cost-effective when the incremental net monetary benefit at the reference value is >= 0 "
                        "(this also reads dominant, dominated and less-costly-less-effective strategies correctly).")
    ps = b.proportional_shortfall
    paragraphs = [f"The patients lose {b.absolute_shortfall:.2f} of the {b.qalys_general_population:.2f} QALYs that "
                  f"people of the same age and sex mix can expect (proportional shortfall {ps:.2f}): "
                  f"{b.burden_class}, reference value {_money(cur, b.reference_value)} per QALY "
                  "(Zorginstituut Nederland)."]
    bullets = [f"Warning: {w}." for w in b.warnings]
    bullets += [f"Highest net benefit at the reference value ({name}): {s}." for name, s in optimal.items()]
    bullets += [j["text"] + "." for j in judgements.get(result.base.name, []) if j.get("text")]
    return _section("burden", "Disease burden and reference value", paragraphs=paragraphs, bullets=bullets,
                   tables=[burden_table, judge_table], sheets=[burden_table, judge_table], json=data)


# --------------------------------------------------------------------------------------
# thresholds
# --------------------------------------------------------------------------------------


def thresholds_section(result: RunResult, summary: dict) -> Section | None:
    if not result.thresholds:
        return None
    cur = summary["currency"]
    data = [t.as_dict() for t in result.thresholds]
    cols = [Column("Parameter", width=20), Column("Strategy", width=18), Column("Comparator", width=18),
            Column("Varied", width=22), Column(f"Target ICER ({cur}/QALY)", "money", 14),
            Column("Base value", "raw", 14), Column("Threshold value", "raw", 16), Column("Found", width=8),
            Column(f"ICER at threshold ({cur}/QALY)", "money", 14), Column("Search interval", width=26),
            Column("Result", width=70)]
    rows = [[t.parameter, t.strategy, t.comparator, t.varied, t.wtp, t.base, t.value, "yes" if t.found else "no",
             t.icer_at_value, f"[{t.lower:,.6g}, {t.upper:,.6g}]", t.message] for t in result.thresholds]
    table = Table("Thresholds", "Threshold analysis", cols, rows,
                  "The value of the parameter at which the ICER equals the target (root of the incremental net "
                  "monetary benefit: grid search in one vectorised run, then Brent's method).")
    return _section("thresholds", "Threshold analysis", bullets=[t.message for t in result.thresholds],
                   tables=[table], sheets=[table], json=data)


# --------------------------------------------------------------------------------------
# DSA
# --------------------------------------------------------------------------------------


def dsa_section(result: RunResult, summary: dict) -> Section | None:
    if result.dsa is None:
        return None
    from hecon.dsa import dsa_summary

    cur = summary["currency"]
    data = dsa_summary(result.dsa, cur)
    w = data["tornado_wtp"]
    cols = [Column("Strategy", width=18), Column("Parameter", width=20), Column("Base", "raw", 12),
            Column("Low", "raw", 12), Column("High", "raw", 12), Column("Range from", width=22),
            Column(f"ICER low ({cur}/QALY)", "money", 13), Column(f"ICER high ({cur}/QALY)", "money", 13),
            Column(f"INMB low ({cur})", "money", 13), Column(f"INMB high ({cur})", "money", 13),
            Column(f"Swing ({cur})", "money", 13)]
    rows = [[s, r["parameter"], r["base"], r["low"], r["high"], r["range_source"], r["icer_low"], r["icer_high"],
             r["inmb_low"], r["inmb_high"], r["swing"]] for s, tornado in data["tornado"].items() for r in tornado]
    table = Table("DSA", f"One-way sensitivity analysis (tornado data, INMB at {cur} {w:,.0f}/QALY)", cols, rows,
                  f"Each parameter at its low and high value, the others at base values; versus "
                  f"{data['comparator']}. Sorted by swing = |INMB(high) − INMB(low)|; the willingness to pay is "
                  f"the {data['tornado_wtp_source']}.")
    figures = []
    for s, tornado in data["tornado"].items():
        base_inmb = next(x["inmb"] for x in data["base_case"][s]["inmb"] if x["wtp"] == w)
        figures.append(Figure(f"Tornado: {s}", tornado_png(tornado, s, data["comparator"], w, base_inmb, cur),
                              f"Incremental net monetary benefit of {s} versus {data['comparator']} at each "
                              f"parameter's low and high value (base case {_money(cur, base_inmb)})."))
    paragraphs = [f"{len(data['parameters'])} parameters varied one at a time ({data['n_variations']} model "
                  "evaluations in one vectorised run)."]
    return _section("dsa", "One-way sensitivity analysis", paragraphs=paragraphs, tables=[table], figures=figures,
                   sheets=[table], json=data)


# --------------------------------------------------------------------------------------
# PSA
# --------------------------------------------------------------------------------------


def psa_section(result: RunResult, summary: dict) -> Section | None:
    ds = result.psa
    if ds is None:
        return None
    from hecon.probabilistic import ZIN_MINIMUM_SAMPLES, save_psa, summarise_psa

    cur = summary["currency"]
    settings = result.spec.settings
    comparator = result.comparator
    wtp, wtp_source = result.headline_wtp
    wtps = list(dict.fromkeys([float(w) for w in settings.wtp] + [wtp]))
    data = summarise_psa(ds, comparator, wtps, wtp, population_size=settings.population_size,
                         population_years=settings.population_years,
                         population_discount_rate=settings.discount_rate_costs, currency=cur)
    data["headline_wtp_source"] = wtp_source
    data["samples_file"] = PSA_FILE
    strategies = [str(s) for s in ds["strategy"].values]

    cols = [Column("Strategy", width=20), Column("Outcome", width=22), Column("Mean", "number", 14),
            Column("SD", "number", 12), Column("2.5%", "number", 14), Column("97.5%", "number", 14)]
    rows = []
    for s, entry in data["strategies"].items():
        for outcome in ("costs", "qalys", "lys", "costs_undiscounted", "qalys_undiscounted", "lys_undiscounted"):
            x = entry[outcome]
            rows.append([s, outcome, x["mean"], x["sd"], x["low"], x["high"]])
    for inc in data["incremental"]:
        for outcome in ("incremental_cost", "incremental_qalys", "incremental_lys"):
            x = inc[outcome]
            rows.append([inc["strategy"], f"{outcome} vs {comparator}", x["mean"], x["sd"], x["low"], x["high"]])
    summary_table = Table("PSA", f"Probabilistic results ({data['n_samples']:,} samples, seed {data['seed']})", cols,
                          rows, "Mean, standard deviation and 95% interval (2.5% and 97.5% percentiles) over PSA "
                          "samples; costs and QALYs discounted unless marked undiscounted.")

    at_cols = [Column(f"WTP ({cur}/QALY)", "money", 13), Column("Optimal (highest expected NMB)", width=22),
               Column("P(optimal is cost-effective)", "share", 12),
               Column(f"EVPI per patient ({cur})", "money", 14), Column(f"Population EVPI ({cur})", "money", 16)]
    at_cols += [Column(f"P(CE) {s}", "share", 10) for s in strategies]
    at_rows = [[a["wtp"], a["optimal"], a["probability_optimal_cost_effective"], a["evpi_per_patient"],
                a["evpi_population"]] + [a["ceac"][s] for s in strategies] for a in data["at_wtp"]]
    pop = data["population"]
    pop_note = (f"Population EVPI for {pop['patients_per_year']:,.0f} patients a year over {pop['years']:g} years "
                f"({pop['discounted_patients']:,.0f} discounted patients)." if pop["discounted_patients"] is not None
                else "No population EVPI: set population_size in the settings.")
    at_table = Table("PSAatWTP", "Acceptability and value of information", at_cols, at_rows, pop_note)

    curves = data["curves"]
    ceac_cols = [Column(f"WTP ({cur}/QALY)", "money", 13)] + [Column(s, "share", 10) for s in strategies] + \
        [Column("CEAF strategy", width=18), Column("CEAF probability", "share", 10),
         Column(f"EVPI per patient ({cur})", "money", 14)]
    ceac_rows = [[w] + [curves["ceac"][s][i] for s in strategies] +
                 [curves["ceaf_optimal"][i], curves["ceaf_probability"][i], curves["evpi_per_patient"][i]]
                 for i, w in enumerate(curves["wtp"])]
    ceac_table = Table("CEAC", "CEAC, CEAF and EVPI over willingness to pay", ceac_cols, ceac_rows)

    conv = data["convergence"]
    conv_cols = [Column("Strategy", width=20), Column(f"Mean INMB ({cur})", "money", 14),
                 Column(f"Monte Carlo SE ({cur})", "money", 14), Column("Stable within 1% from sample", "int", 12),
                 Column("Stable within 5% from sample", "int", 12)]
    conv_rows = [[s, c["mean_incremental_nmb"], c["monte_carlo_se"], c["stable_within_1pct_from_sample"],
                  c["stable_within_5pct_from_sample"]] for s, c in conv["strategies"].items()]
    conv_table = Table("Convergence", f"Convergence of the incremental NMB at {cur} {conv['wtp']:,.0f}/QALY versus "
                       f"{comparator}", conv_cols, conv_rows,
                       "Running mean of the incremental net monetary benefit over samples (Hatswell et al., "
                       "PharmacoEconomics 2018); 'stable from sample n': after n samples the running mean stays "
                       "within 1% (5%) of its final value.")

    n = ds.sizes["sample"]
    shown = min(n, MAX_SAMPLE_ROWS)
    costs = ds["total_costs"].transpose("sample", "strategy").values
    qalys = ds["qalys"].transpose("sample", "strategy").values
    sample_cols = [Column("Sample", "int", 8)]
    for s in strategies:
        sample_cols += [Column(f"Costs {s} ({cur})", "money", 14), Column(f"QALYs {s}", "qaly", 10)]
    sample_rows = [[i] + [v for k in range(len(strategies)) for v in (float(costs[i, k]), float(qalys[i, k]))]
                   for i in range(shown)]
    samples_table = Table("PSASamples", "PSA samples (CE-plane data)", sample_cols, sample_rows,
                          f"Discounted costs and QALYs of each sample{'' if shown == n else f' (first {shown:,} of {n:,})'};"
                          f" every sample, outcome and drawn input is in {PSA_FILE} (netCDF).")

    j = strategies.index(comparator)
    d_q = {s: qalys[:, k] - qalys[:, j] for k, s in enumerate(strategies) if k != j}
    d_c = {s: costs[:, k] - costs[:, j] for k, s in enumerate(strategies) if k != j}
    figures = []
    if d_q:
        figures.append(Figure("Cost-effectiveness plane", ce_plane_png(d_q, d_c, comparator, wtp, cur),
                              f"Incremental costs and QALYs versus {comparator}, one point per PSA sample."))
    figures.append(Figure("CEAC and CEAF", ceac_png(curves, cur, wtp),
                          "Probability that each strategy has the highest net monetary benefit; the thick line is "
                          "the acceptability frontier (the strategy with the highest expected NMB)."))
    figures.append(Figure("EVPI", evpi_png(curves, cur), "Per-patient expected value of perfect information."))
    if d_q:
        running = {s: np.cumsum(wtp * d_q[s] - d_c[s]) / np.arange(1, n + 1) for s in d_q}
        figures.append(Figure("Convergence", convergence_png(running, wtp, cur),
                              "Running mean of the incremental net monetary benefit against the number of samples."))

    paragraphs = [f"{data['n_samples']:,} samples (seed {data['seed']}) of {len(data['sampled_parameters'])} "
                  f"parameters with a distribution. All samples and outcomes are saved in {PSA_FILE} "
                  "(xarray.open_dataset in Python, ncdf4 in R)."]
    bullets = [f"{inc['strategy']} versus {comparator}: {inc['description']} (means of the samples)."
               for inc in data["incremental"]]
    if not data["meets_zin_minimum"]:
        bullets.append(f"Fewer than the {ZIN_MINIMUM_SAMPLES:,} iterations Zorginstituut Nederland asks for.")
    tables = [summary_table, at_table, conv_table]
    return _section("psa", "Probabilistic sensitivity analysis", paragraphs=paragraphs, bullets=bullets,
                   tables=tables, figures=figures, sheets=[summary_table, at_table, ceac_table, conv_table,
                                                           samples_table],
                   json=data, files={PSA_FILE: lambda path: save_psa(ds, path)})


#: Builders in report order (inserted after the results by :mod:`hecon.report.sections`).
DECISION_SECTIONS = [scenario_analysis_section, net_benefit_section, burden_section, thresholds_section,
                     dsa_section, psa_section]
