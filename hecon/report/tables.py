"""Tables shared by results.xlsx and report.html.

A :class:`Table` is a header, typed columns and rows of plain values; the Excel writer
gives each column kind a number format and the HTML writer formats it the same way, so the
two files always show the same numbers. Builders here take the summary
(:func:`hecon.report.summary.build_summary`) or the run result, never a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from hecon.report.summary import TFI_METRICS
from hecon.runner import RunResult
from hecon.spec import ModelSpec

#: Column kinds: Excel number format and decimals for HTML.
KINDS: dict[str, tuple[str, int | None]] = {
    "text": ("@", None),
    "money": ("#,##0", 0),
    "money2": ("#,##0.00", 2),
    "qaly": ("#,##0.000", 3),
    "years": ("#,##0.000", 3),
    "number": ("#,##0.00", 2),
    "share": ("0.0000", 4),
    "int": ("0", 0),
    "raw": ("General", None),
}


@dataclass(frozen=True)
class Column:
    """header : column title; kind : one of :data:`KINDS`; width : Excel width [characters]."""

    header: str
    kind: str = "text"
    width: float | None = None


@dataclass
class Table:
    """A titled table. ``sheet`` is its worksheet name in results.xlsx (at most 31
    characters, fixed by hecon, never taken from user input)."""

    sheet: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    def without(self, header: str) -> "Table":
        """A copy without the column called ``header`` (e.g. Scenario in per-scenario tables)."""
        keep = [i for i, c in enumerate(self.columns) if c.header != header]
        return Table(self.sheet, self.title, [self.columns[i] for i in keep],
                     [[r[i] for i in keep] for r in self.rows], self.note)

    def where(self, header: str, value: Any) -> "Table":
        """A copy with only the rows whose column ``header`` equals ``value``."""
        i = [c.header for c in self.columns].index(header)
        return Table(self.sheet, self.title, self.columns, [r for r in self.rows if r[i] == value], self.note)


def _scenarios(summary: dict, only: str | None) -> Iterable[tuple[str, dict]]:
    for name, sc in summary["scenarios"].items():
        if only is None or name == only:
            yield name, sc


def totals_table(summary: dict) -> Table:
    cur = summary["currency"]
    cols = [Column("Scenario", width=18), Column("Strategy", width=24),
            Column(f"Costs ({cur})", "money", 16), Column("QALYs", "qaly", 11), Column("Life-years", "years", 11),
            Column(f"Costs undiscounted ({cur})", "money", 16), Column("QALYs undiscounted", "qaly", 12),
            Column("Life-years undiscounted", "years", 12)]
    rows = [[name, s, v["costs"], v["qalys"], v["lys"], v["costs_undiscounted"], v["qalys_undiscounted"],
             v["lys_undiscounted"]]
            for name, sc in _scenarios(summary, None) for s, v in sc["strategies"].items()]
    return Table("Summary", "Total costs and effects", cols, rows,
                 "Discounted unless marked undiscounted.")


def incremental_table(summary: dict) -> Table:
    cur = summary["currency"]
    cols = [Column("Scenario", width=18), Column("Strategy", width=24), Column(f"Costs ({cur})", "money", 14),
            Column("QALYs", "qaly", 10), Column("Status", width=20), Column("Compared with", width=20),
            Column(f"Incremental costs ({cur})", "money", 16), Column("Incremental QALYs", "qaly", 12),
            Column(f"ICER ({cur}/QALY)", "money", 14), Column("Incremental life-years", "years", 12)]
    rows = [[name, r["strategy"], r["cost"], r["effect"], r["status"], r["comparator"], r["incremental_cost"],
             r["incremental_effect"], r["icer"], r.get("incremental_lys")]
            for name, sc in _scenarios(summary, None) for r in sc["incremental"]]
    return Table("Incremental", "Incremental analysis (efficiency frontier)", cols, rows,
                 "Strategies in order of cost; each strategy on the frontier is compared with the previous one. "
                 "Dominated strategies have no ICER.")


def versus_table(summary: dict) -> Table:
    cur = summary["currency"]
    cols = [Column("Scenario", width=18), Column("Strategy", width=24), Column("Comparator", width=20),
            Column(f"Incremental costs ({cur})", "money", 16), Column("Incremental QALYs", "qaly", 12),
            Column("Incremental life-years", "years", 12), Column(f"ICER ({cur}/QALY)", "money", 14),
            Column("Result", width=44)]
    rows = [[name, r["strategy"], r["comparator"], r["incremental_cost"], r["incremental_effect"],
             r["incremental_lys"], r["icer"], r["description"]]
            for name, sc in _scenarios(summary, None) for r in sc["versus_comparator"]]
    return Table("VersusComparator", f"Each strategy versus {summary['comparator']}", cols, rows)


def cost_breakdown_table(summary: dict) -> Table:
    cur = summary["currency"]
    categories = list(dict.fromkeys(c for _, sc in _scenarios(summary, None) for v in sc["strategies"].values()
                                    for c in v["cost_breakdown"]["discounted"]))
    cols = [Column("Scenario", width=18), Column("Strategy", width=24), Column("Discounting", width=14)]
    cols += [Column(f"{c} ({cur})", "money", max(12, len(c) + 7)) for c in categories]
    cols += [Column(f"Total ({cur})", "money", 14)]
    rows = []
    for name, sc in _scenarios(summary, None):
        for s, v in sc["strategies"].items():
            for basis in ("discounted", "undiscounted"):
                b = v["cost_breakdown"][basis]
                total = v["costs" if basis == "discounted" else "costs_undiscounted"]
                rows.append([name, s, basis] + [b.get(c) for c in categories] + [total])
    return Table("CostBreakdown", "Costs by category", cols, rows)


_TFI_LABELS = {
    "years_on_treatment": ("Years on treatment", "years"),
    "treatment_free_years": ("Treatment-free years", "years"),
    "progression_free_years": ("Progression-free years", "years"),
    "recovering_years": ("Years recovering", "years"),
    "hospital_days": ("Hospital days", "number"),
    "administrations": ("Administrations", "number"),
    "hospital_contacts": ("Hospital contacts", "number"),
}
#: Metrics derived from the others: key -> (label, has a discounted twin)
_TFI_DERIVED = {
    "share_of_life_years_treatment_free": ("Share of life-years treatment-free", True),
    "share_reaching_treatment_free": ("Share ever treatment-free", False),
    "mean_years_to_first_treatment_free": ("Mean years to first treatment-free day", False),
}


def burden_table(summary: dict) -> Table:
    """Treatment-burden metrics: the named ones, then time in every other flag and every
    other count, each undiscounted and discounted."""
    metrics: list[tuple[str, str, str, str]] = []  # (label, kind, group key, name)
    strategies = [v for _, sc in _scenarios(summary, None) for v in sc["strategies"].values()]
    named_sources = {name for _, name in TFI_METRICS.values()}
    for metric in TFI_METRICS:
        if any(metric in v["tfi"] for v in strategies):
            label, kind = _TFI_LABELS[metric]
            metrics.append((label, kind, "", metric))
    flags = dict.fromkeys(f for v in strategies for f in v["tfi"]["time_in"])
    counts = dict.fromkeys(c for v in strategies for c in v["tfi"]["counts"])
    metrics += [(f"Years in '{f}' states", "years", "time_in", f) for f in flags if f not in named_sources]
    metrics += [(f"Count '{c}'", "number", "counts", c) for c in counts if c not in named_sources]
    cols = [Column("Scenario", width=18), Column("Strategy", width=24), Column("Metric", width=30),
            Column("Undiscounted", "number", 14), Column("Discounted", "number", 14)]
    rows = []
    for name, sc in _scenarios(summary, None):
        for s, v in sc["strategies"].items():
            t = v["tfi"]
            for label, _kind, group, key in metrics:
                if group:
                    rows.append([name, s, label, t[group + "_undiscounted"].get(key), t[group].get(key)])
                elif key in t:
                    rows.append([name, s, label, t[key + "_undiscounted"], t[key]])
            for key, (label, discounted) in _TFI_DERIVED.items():
                if discounted and key in t:
                    rows.append([name, s, label, t[key + "_undiscounted"], t[key]])
                elif key in t:
                    rows.append([name, s, label, t[key], None])
    return Table("TreatmentBurden", "Treatment burden", cols, rows,
                 "Time in states carrying a flag [years]; hospital days [days]; counts [units]. "
                 "Discounted at the effects discount rate.")


def trace_table(result: RunResult) -> Table:
    """The base-case Markov trace (share of the cohort in each state at each trace point) of
    every strategy, in long format. Scenario traces are left out to bound the file's size
    (weekly cycles over a lifetime give thousands of rows per strategy)."""
    base = result.base
    states = [s.name for s in base.spec.states]
    cols = [Column("Strategy", width=24), Column("Cycle", "int", 8), Column("Years", "number", 9)]
    cols += [Column(s, "share", max(9, len(s) + 2)) for s in states]
    ds = base.results
    years = ds["years"].values
    rows = []
    for strategy in base.strategies:
        tr = ds["trace"].sel(strategy=strategy).sel(state=states).values
        rows += [[strategy, k, float(years[k])] + tr[k].tolist() for k in range(tr.shape[0])]
    return Table("Trace", "Markov trace (base case)", cols, rows,
                 "Share of the cohort in each state at the start of each cycle (cycle 0 = model start).")


def _distribution_text(p) -> str:
    d = p.distribution
    if d is None:
        return ""
    args = ", ".join(f"{k}={v}" for k, v in d.args.items())
    text = f"{d.kind}({args})"
    return f"{text} [group {d.group}]" if d.group else text


def inputs_table(spec: ModelSpec) -> Table:
    """Every parameter: base value, strategy-specific values, unit, description, source,
    PSA distribution and DSA range."""
    overriding = [s for s in spec.strategies if s.parameters]
    cols = [Column("Parameter", width=22), Column("Value", "raw", 14)]
    cols += [Column(f"Value in {s.name}", "raw", 14) for s in overriding]
    cols += [Column("Unit", width=12), Column("Description", width=40), Column("Source", width=40),
             Column("Distribution", width=30), Column("DSA low", "raw", 10), Column("DSA high", "raw", 10)]
    rows = []
    for p in spec.parameters:
        rows.append([p.name, p.value] + [s.parameters.get(p.name) for s in overriding]
                    + [p.unit, p.description, p.source, _distribution_text(p), p.dsa_low, p.dsa_high])
    return Table("Inputs", "Parameters", cols, rows,
                 "Values are numbers or expressions of other parameters; 'Value in <strategy>' overrides the "
                 "base value for that strategy.")


def scenarios_table(result: RunResult) -> Table:
    cols = [Column("Scenario", width=22), Column("Description", width=40), Column("Target", width=30),
            Column("Value", "raw", 16)]
    rows = [[sr.name, sr.description, target, value]
            for sr in result.scenarios if sr.scenario for target, value in sr.scenario.overrides.items()]
    return Table("Scenarios", "Scenario overrides", cols, rows)


def runinfo_table(result: RunResult, summary: dict) -> Table:
    cols = [Column("Item", width=30), Column("Value", "raw", 70)]
    rows: list[list[Any]] = [
        ["hecon version", result.hecon_version],
        ["Input file", summary["input"]["path"]],
        ["Input SHA-256", result.input_sha256],
        ["Seed", result.seed],
        ["Started (UTC)", result.started.isoformat(timespec="seconds")],
        ["Finished (UTC)", result.finished.isoformat(timespec="seconds")],
        ["Model title", result.spec.title],
        ["Comparator", result.comparator],
        ["Scenarios run", ", ".join(sr.name for sr in result.scenarios)],
    ]
    rows += [[f"settings.{k}", _setting_text(v)] for k, v in summary["settings"].items()]
    return Table("RunInfo", "Version, input and settings", cols, rows)


def settings_table(summary: dict) -> Table:
    """The settings in words, for the top of report.html."""
    s = summary["settings"]
    wc = s["within_cycle"]
    rows = [
        ["Cycle length", f"{s['cycle_length_days']:g} days"],
        ["Time horizon", f"{s['horizon_years']:g} years ({s['n_cycles']} cycles)"],
        ["Start age", f"{s['start_age']:g} years"],
        ["Proportion male", _setting_text(s["proportion_male"])],
        ["Discount rate, costs", f"{100 * s['discount_rate_costs']:g}% per year"],
        ["Discount rate, effects", f"{100 * s['discount_rate_effects']:g}% per year"],
        ["Discounting", "per cycle" if s["discount_timing"] == "cycle" else "per whole year"],
        ["Within-cycle correction", wc],
        ["Currency", s["currency"] + (f" (price year {s['price_year']})" if s.get("price_year") else "")],
        ["Willingness to pay", ", ".join(f"{s['currency']} {w:,.0f}" for w in s["wtp"]) + " per QALY"],
        ["Comparator", summary["comparator"]],
    ]
    return Table("Settings", "Settings", [Column("Setting", width=26), Column("Value", width=50)], rows)


def _setting_text(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    return value


def result_tables(summary: dict) -> list[Table]:
    """The per-scenario result tables, in report order."""
    return [totals_table(summary), incremental_table(summary), versus_table(summary),
            cost_breakdown_table(summary), burden_table(summary)]


def per_scenario(tables: Sequence[Table], scenario: str) -> list[Table]:
    """The rows of one scenario of each table, without the Scenario column."""
    return [t.where("Scenario", scenario).without("Scenario") for t in tables]
