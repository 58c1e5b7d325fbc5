"""Tables shared by results.xlsx and report.html.

A :class:`Table` is a header, typed columns and rows of plain values; the Excel writer
gives each column kind a number format and the HTML writer formats it the same way, so the
two files always show the same numbers. Builders here take the analysis result
(:class:`hecon.analysis.results.Results`) or the model, never a file, and compute nothing:
every number is a field of the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from hecon.analysis.burden_rates import HELPER_PREFIX
from hecon.analysis.results import Results
from hecon.analysis.summary import (
    TFI_DERIVED,
    TFI_METRICS,
    ScenarioSummary,
    StrategyResult,
)
from hecon.analysis.wording import title_of
from hecon.methods.lifetable import life_table_title
from hecon.model.distributions import empirical_summary
from hecon.model.spec import PARTITIONED_SURVIVAL, ModelSpec
from hecon.report.numbers import OUTSIDE_DECISION, argument, count, significant, versus_text


@dataclass(frozen=True)
class Column:
    """header : column title; kind : one of :data:`hecon.report.numbers.KINDS`; width : largest Excel width
    of a text column [characters] (numeric columns are as wide as their numbers);
    html, excel : whether the column is shown in report.html and written to results.xlsx (a
    numeric ICER, for example, goes to Excel only, the HTML shows it in words);
    key : name of the value in the HTML (``data-field``), for tests and scripts."""

    header: str
    kind: str = "text"
    width: float | None = None
    html: bool = True
    excel: bool = True
    key: str = ""


@dataclass
class Table:
    """A titled table. ``sheet`` is its worksheet name in results.xlsx (at most 31
    characters, fixed by hecon, never taken from user input)."""

    sheet: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    id: str = ""
    css: str = ""
    data: bool = False
    """Bulk data (a row per cycle or per sample): its sheet is marked as data, not for printing."""

    def without(self, header: str) -> Table:
        """A copy without the column called ``header`` (e.g. Scenario in per-scenario tables)."""
        keep = [i for i, c in enumerate(self.columns) if c.header != header]
        return replace(self, columns=[self.columns[i] for i in keep], rows=[[r[i] for i in keep] for r in self.rows])

    def where(self, header: str, value: Any) -> Table:
        """A copy with only the rows whose column ``header`` equals ``value``."""
        i = [c.header for c in self.columns].index(header)
        return replace(self, rows=[r for r in self.rows if r[i] == value])

    def view(
        self,
        title: str | None = None,
        note: str | None = None,
        rows: list[list[Any]] | None = None,
        css: str | None = None,
    ) -> Table:
        """A copy for report.html with another title, note, rows or CSS class (same sheet)."""
        return replace(
            self,
            title=self.title if title is None else title,
            note=self.note if note is None else note,
            rows=self.rows if rows is None else rows,
            css=self.css if css is None else css,
        )

    def for_html(self) -> Table:
        """The columns shown in report.html."""
        keep = [i for i, c in enumerate(self.columns) if c.html]
        return replace(self, columns=[self.columns[i] for i in keep], rows=[[r[i] for i in keep] for r in self.rows])

    def for_excel(self) -> Table:
        """The columns written to results.xlsx."""
        keep = [i for i, c in enumerate(self.columns) if c.excel]
        return replace(self, columns=[self.columns[i] for i in keep], rows=[[r[i] for i in keep] for r in self.rows])


def _scenarios(results: Results, only: str | None = None) -> Iterable[tuple[str, ScenarioSummary]]:
    for name, sc in results.scenarios.items():
        if only is None or name == only:
            yield name, sc


def scenario_bulk(results: Results) -> bool:
    """Whether a table with a row per scenario and strategy (and more) is bulk data, on a sheet not
    for printing: when the run has scenarios besides the base case. Its printable views are the
    base-case tables (KeyResults, CostsByCategory, NetBenefitBaseCase) and the ScenarioAnalysis and
    ScenarioSummary sheets."""
    return len(results.scenarios) > 1


def currency_label(results: Results) -> str:
    """The currency with its price year, for column headers: ``EUR, 2024 prices``."""
    year = results.settings.get("price_year")
    return f"{results.currency}, {year} prices" if year else results.currency


def key_results_table(results: Results) -> Table:
    """The headline: costs, QALYs and life-years of every strategy in the base case, its
    increments and ICER versus the comparator in words, and its place on the efficiency frontier."""
    cur = results.currency
    money = currency_label(results)
    sc = results.base
    comparator = results.comparator
    frontier = {r.strategy: r for r in sc.incremental}
    cols = [
        Column("Strategy", width=26, key="strategy"),
        Column(f"Costs ({money})", "money", 16, key="costs"),
        Column("QALYs", "qaly", 10, key="qalys"),
        Column("Life-years", "years", 11, key="lys"),
        Column(f"Incremental costs vs {comparator} ({money})", "money", 18, key="incremental_cost"),
        Column(f"Incremental QALYs vs {comparator}", "qaly", 13, key="incremental_qalys"),
        Column(f"ICER vs {comparator} ({cur}/QALY)", "money", 14, html=False),
        Column(f"Versus {comparator}", width=40, key="versus"),
        Column("Efficiency frontier", width=50, key="frontier"),
    ]
    rows = []
    for s, v in sc.strategies.items():
        r = sc.versus(s)
        rows.append(
            [
                s,
                v.costs,
                v.qalys,
                v.lys,
                r.incremental_cost if r else None,
                r.incremental_effect if r else None,
                r.icer if r else None,
                versus_text(r.description, frontier[s].status if s in frontier else OUTSIDE_DECISION)
                if r
                else "Comparator",
                frontier[s].description if s in frontier else "reference strategy: outside the decision",
            ]
        )
    return Table(
        "KeyResults",
        "Key results (base case, discounted)",
        cols,
        rows,
        f"Costs in {money}; costs and QALYs discounted. ICERs are stated in words with their dominance "
        "status; 'saved per QALY lost' means less costly and less effective.",
        id="key-results",
    )


def totals_table(results: Results) -> Table:
    money = currency_label(results)
    cols = [
        Column("Scenario", width=18),
        Column("Strategy", width=24),
        Column(f"Costs ({money})", "money", 16),
        Column("QALYs", "qaly", 11),
        Column("Life-years", "years", 11),
        Column(f"Costs undiscounted ({money})", "money", 16),
        Column("QALYs undiscounted", "qaly", 12),
        Column("Life-years undiscounted", "years", 12),
    ]
    rows = [
        [name, s, v.costs, v.qalys, v.lys, v.costs_undiscounted, v.qalys_undiscounted, v.lys_undiscounted]
        for name, sc in _scenarios(results)
        for s, v in sc.strategies.items()
    ]
    return Table(
        "Summary",
        "Total costs and effects",
        cols,
        rows,
        "Discounted unless marked undiscounted.",
        data=scenario_bulk(results),
    )


def incremental_table(results: Results) -> Table:
    cur = results.currency
    money = currency_label(results)
    cols = [
        Column("Scenario", width=18),
        Column("Strategy", width=24),
        Column(f"Costs ({money})", "money", 14),
        Column("QALYs", "qaly", 10),
        Column("Status", width=20),
        Column("Compared with", width=20),
        Column(f"Incremental costs ({money})", "money", 16),
        Column("Incremental QALYs", "qaly", 12),
        Column(f"ICER ({cur}/QALY)", "money", 14, html=False),
        Column("Incremental life-years", "years", 12),
        Column("Result", width=50),
    ]
    rows = [
        [
            name,
            r.strategy,
            r.cost,
            r.effect,
            r.status,
            r.comparator,
            r.incremental_cost,
            r.incremental_effect,
            r.icer,
            r.incremental_lys,
            r.description,
        ]
        for name, sc in _scenarios(results)
        for r in sc.incremental
    ]
    return Table(
        "Incremental",
        "Incremental analysis (efficiency frontier)",
        cols,
        rows,
        "Strategies in order of cost; each strategy on the frontier is compared with the previous one. "
        "Dominated and extendedly dominated strategies have no ICER.",
        data=scenario_bulk(results),
    )


def versus_table(results: Results) -> Table:
    cur = results.currency
    money = currency_label(results)
    cols = [
        Column("Scenario", width=18),
        Column("Strategy", width=24),
        Column("Comparator", width=20),
        Column(f"Incremental costs ({money})", "money", 16),
        Column("Incremental QALYs", "qaly", 12),
        Column("Incremental life-years", "years", 12),
        Column(f"ICER ({cur}/QALY)", "money", 14, html=False),
        Column("Result", width=44),
    ]
    rows = [
        [
            name,
            r.strategy,
            r.comparator,
            r.incremental_cost,
            r.incremental_effect,
            r.incremental_lys,
            r.icer,
            versus_text(
                r.description, {f.strategy: f.status for f in sc.incremental}.get(r.strategy, OUTSIDE_DECISION)
            ),
        ]
        for name, sc in _scenarios(results)
        for r in sc.versus_comparator
    ]
    return Table(
        "VersusComparator", f"Each strategy versus {results.comparator}", cols, rows, data=scenario_bulk(results)
    )


def _category_label(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def cost_breakdown_table(results: Results) -> Table:
    money = currency_label(results)
    categories = list(
        dict.fromkeys(
            c for _, sc in _scenarios(results) for v in sc.strategies.values() for c in v.cost_breakdown.discounted
        )
    )
    cols = [Column("Scenario", width=18), Column("Strategy", width=24), Column("Discounting", width=14)]
    cols += [Column(f"{c} ({money})", "money", max(12, len(c) + 7)) for c in categories]
    cols += [Column(f"Total ({money})", "money", 14)]
    rows = []
    for name, sc in _scenarios(results):
        for s, v in sc.strategies.items():
            for basis, b, total in (
                ("discounted", v.cost_breakdown.discounted, v.costs),
                ("undiscounted", v.cost_breakdown.undiscounted, v.costs_undiscounted),
            ):
                rows.append([name, s, basis] + [b.get(c) for c in categories] + [total])
    return Table("CostBreakdown", "Costs by category", cols, rows, data=scenario_bulk(results))


def costs_by_category_table(results: Results) -> Table:
    """Discounted costs of the base case: a row per category, a column per strategy, then the
    total of each strategy."""
    money = currency_label(results)
    strategies = results.base.strategies
    names = list(strategies)
    categories = list(dict.fromkeys(c for v in strategies.values() for c in v.cost_breakdown.discounted))
    cols = [Column("Cost category", width=24)] + [Column(f"{s} ({money})", "money", 16) for s in names]
    rows = [[_category_label(c)] + [strategies[s].cost_breakdown.discounted.get(c) for s in names] for c in categories]
    rows.append(["Total"] + [strategies[s].costs for s in names])
    return Table(
        "CostsByCategory",
        "Discounted costs by category (base case)",
        cols,
        rows,
        f"In {money}, discounted; the undiscounted costs of every scenario are on the sheet CostBreakdown.",
        css="total-last",
    )


_TFI_LABELS = {
    "years_on_treatment": "Years on treatment",
    "treatment_free_years": "Treatment-free years",
    "progression_free_years": "Progression-free years",
    "recovering_years": "Years recovering",
    "hospital_days": "Hospital days",
    "administrations": "Administrations",
    "hospital_contacts": "Hospital contacts",
    "share_of_life_years_treatment_free": "Share of life-years treatment-free",
    "share_reaching_treatment_free": "Share ever treatment-free",
    "mean_years_to_first_treatment_free": "Mean years to first treatment-free day",
}


def _burden_metrics(strategies: list[StrategyResult]) -> list[tuple[str, str, str]]:
    """(label, group, key) of the treatment-burden metrics present in ``strategies``: the named
    ones (group ""), then time in every other flag ("time_in") and every other count ("counts")."""
    metrics: list[tuple[str, str, str]] = []
    named_sources = {name for _, name in TFI_METRICS.values()}
    for metric in TFI_METRICS:
        if any(metric in v.tfi.metrics for v in strategies):
            metrics.append((_TFI_LABELS[metric], "", metric))
    flags = dict.fromkeys(f for v in strategies for f in v.tfi.time_in)
    counts = dict.fromkeys(c for v in strategies for c in v.tfi.counts)
    metrics += [
        (f"Years in states marked {f.replace('_', ' ')}", "time_in", f) for f in flags if f not in named_sources
    ]
    metrics += [
        (f"{_category_label(c)} (count)", "counts", c)
        for c in counts
        if c not in named_sources and not c.startswith(HELPER_PREFIX)
    ]
    return metrics


def _metric(v: StrategyResult, group: str, key: str, undiscounted: bool) -> float | None:
    """A treatment-burden value of ``v`` (None when the strategy does not have it)."""
    suffix = "_undiscounted" if undiscounted else ""
    t = v.tfi
    if group:
        return getattr(t, group + suffix).get(key)
    return t.metrics.get(key + suffix)


def burden_table(results: Results) -> Table:
    """Treatment-burden metrics: the named ones, then time in every other flag and every
    other count, each undiscounted and discounted."""
    strategies = [v for _, sc in _scenarios(results) for v in sc.strategies.values()]
    metrics = _burden_metrics(strategies)
    cols = [
        Column("Scenario", width=18),
        Column("Strategy", width=24),
        Column("Metric", width=30),
        Column("Undiscounted", "number", 14),
        Column("Discounted", "number", 14),
    ]
    rows = []
    for name, sc in _scenarios(results):
        for s, v in sc.strategies.items():
            m = v.tfi.metrics
            for label, group, key in metrics:
                if group or key in m:
                    rows.append([name, s, label, _metric(v, group, key, True), _metric(v, group, key, False)])
            for key, twin in TFI_DERIVED.items():
                if twin and key in m:
                    rows.append([name, s, _TFI_LABELS[key], m[key + "_undiscounted"], m[key]])
                elif key in m:
                    rows.append([name, s, _TFI_LABELS[key], m[key], None])
    return Table(
        "TreatmentBurden",
        "Treatment burden",
        cols,
        rows,
        "Time in states carrying a flag [years]; hospital days [days]; counts [units]. "
        "Discounted at the effects discount rate.",
        data=True,
    )


def burden_wide_table(results: Results) -> Table:
    """Undiscounted treatment-burden metrics of the base case: a row per metric, a column per
    strategy (what a patient lives through, so not discounted)."""
    strategies = results.base.strategies
    names = list(strategies)
    metrics = _burden_metrics(list(strategies.values()))
    cols = [Column("Metric", width=38, key="metric")] + [Column(s, "number", 16) for s in names]
    rows: list[list[Any]] = [["Life-years"] + [strategies[s].lys_undiscounted for s in names]]
    for label, group, key in metrics:
        rows.append([label] + [_metric(strategies[s], group, key, True) for s in names])
    for key, twin in TFI_DERIVED.items():
        if any(key in strategies[s].tfi.metrics for s in names):
            suffix = "_undiscounted" if twin else ""
            rows.append([_TFI_LABELS[key]] + [strategies[s].tfi.metrics.get(key + suffix) for s in names])
    return Table(
        "BurdenBaseCase",
        "Treatment burden per patient (base case, undiscounted)",
        cols,
        rows,
        "Per patient over the time horizon, not discounted: years in states with each flag, hospital "
        "days [days] and counts [units]; shares between 0 and 1. Discounted values are on the sheet "
        "TreatmentBurden.",
    )


def trace_table(results: Results) -> Table:
    """The base-case Markov trace (share of the cohort in each state at each trace point) of
    every strategy, in long format. Scenario traces are left out to bound the file's size
    (weekly cycles over a lifetime give thousands of rows per strategy)."""
    states = [s.name for s in results.spec.states]
    cols = [Column("Strategy", width=24), Column("Cycle", "int", 8), Column("Years", "number", 9)]
    cols += [Column(s, "share", max(9, len(s) + 2)) for s in states]
    trace = results.base_case.trace
    years = trace["years"].values
    rows = []
    for strategy in results.strategies:
        tr = trace.sel(strategy=strategy).sel(state=states).values
        rows += [[strategy, k, float(years[k])] + tr[k].tolist() for k in range(tr.shape[0])]
    return Table(
        "Trace",
        f"{trace_name(results.spec).capitalize()} (base case)",
        cols,
        rows,
        "Share of the cohort in each state at the start of each cycle (cycle 0 = model start).",
        data=True,
    )


MAX_SUBSTATE_ROWS = 250_000
"""Rows written to the sheet TunnelTrace at most (whole cycles; Excel takes 1,048,576 rows)."""


def substate_trace_table(results: Results) -> Table | None:
    """The base-case occupancy of every tunnel sub-state (state time 0, 1, ... cycles since entry;
    the last sub-state holds everyone who stayed longer) at each trace point, in long format;
    None when no state has a tunnel or the run did not keep the sub-states (a model too large,
    :func:`hecon.engine.outcomes.keeps_substates`). The sub-states of a state sum to its column on
    the sheet Trace. Cut after the last whole cycle that fits in :data:`MAX_SUBSTATE_ROWS` rows."""
    tunnels = [s.name for s in results.spec.states if s.tunnel > 1]
    sub = results.base_case.substate_trace
    if not tunnels or sub is None:
        return None
    keep = sub["substate_state"].isin(tunnels).values
    names = sub["substate_state"].values[keep]
    state_time = sub["state_time"].values[keep]
    years = sub["years"].values
    per_cycle = len(results.strategies) * int(keep.sum())
    n_points = min(sub.sizes["cycle"], max(1, MAX_SUBSTATE_ROWS // per_cycle))
    cols = [
        Column("Strategy", width=24),
        Column("Cycle", "int", 8),
        Column("Years", "number", 9),
        Column("State", width=max(10, max(len(n) for n in tunnels) + 2)),
        Column("State time (cycles)", "int", 10),
        Column("Share", "share", 10),
    ]
    rows = []
    for strategy in results.strategies:
        values = sub.sel(strategy=strategy).values[:, keep]
        for k in range(n_points):
            rows += [
                [strategy, k, float(years[k]), str(n), int(j), float(v)]
                for n, j, v in zip(names, state_time, values[k])
            ]
    cut = (
        f" Cycles 0-{n_points - 1} of 0-{sub.sizes['cycle'] - 1} only (at most {count(MAX_SUBSTATE_ROWS)} rows)."
        if n_points < sub.sizes["cycle"]
        else ""
    )
    return Table(
        "TunnelTrace",
        "Tunnel sub-states (base case)",
        cols,
        rows,
        "Share of the cohort in each sub-state of a tunnel state at the start of each cycle: state time 0 is "
        "the first cycle after entering the state; the last sub-state holds everyone who stayed longer. The "
        "sub-states of a state sum to its share on the sheet Trace." + cut,
        data=True,
    )


def _distribution_text(p) -> str:
    d = p.distribution
    if d is None:
        return ""
    if d.kind == "empirical":  # a table of joint draws: its size, mean and 95% range rather than the draws
        e = empirical_summary(d)
        text = (
            f"empirical, {count(e.rows)} joint draws, mean {argument(e.mean)} "
            f"(2.5%: {argument(e.low)}, 97.5%: {argument(e.high)})"
        )
    else:
        args = ", ".join(f"{k}={argument(v) if isinstance(v, float) else v}" for k, v in d.args.items())
        text = f"{d.kind}({args})"
    return f"{text} [group {d.group}]" if d.group else text


def _range_text(low: Any, high: Any) -> str:
    if low is None and high is None:
        return ""

    def f(v):
        return "distribution" if v is None else significant(v, 4) if isinstance(v, (int, float)) else str(v)

    return f"{f(low)} – {f(high)}"


def inputs_table(spec: ModelSpec) -> Table:
    """Every parameter: base value, unit, description, source, PSA distribution and DSA range
    (strategy-specific values: :func:`strategy_values_table`)."""
    cols = [
        Column("Parameter", width=22),
        Column("Value", "sig4", 14),
        Column("Unit", width=12),
        Column("Description", width=40),
        Column("Source", width=50),
        Column("PSA distribution", width=30),
        Column("DSA low", "sig4", 10, html=False),
        Column("DSA high", "sig4", 10, html=False),
        Column("In DSA", width=8, html=False),
        Column("DSA range", width=16, excel=False),
    ]
    rows = [
        [
            p.name,
            p.value,
            p.unit,
            p.description,
            p.source,
            _distribution_text(p),
            p.dsa_low,
            p.dsa_high,
            "yes" if p.dsa else "",
            ("" if not p.dsa else _range_text(p.dsa_low, p.dsa_high) or "distribution 95%"),
        ]
        for p in spec.parameters
    ]
    return Table(
        "Inputs",
        "Parameters",
        cols,
        rows,
        "Values are numbers or expressions of other parameters (the expression language of the workbook). "
        "PSA draws from the distribution; the one-way sensitivity analysis varies the parameters with a DSA "
        "range between its ends ('distribution': the 2.5% or 97.5% quantile of the PSA distribution).",
        css="small inputs",
    )


def strategy_values_table(spec: ModelSpec) -> Table:
    base = {p.name: p.value for p in spec.parameters}
    cols = [
        Column("Strategy", width=22),
        Column("Parameter", width=24),
        Column("Value in the strategy", "sig4", 20),
        Column("Base value", "sig4", 16),
    ]
    rows = [[s.name, name, value, base.get(name)] for s in spec.strategies for name, value in s.parameters.items()]
    return Table(
        "StrategyValues",
        "Strategy-specific parameter values",
        cols,
        rows,
        "A strategy's own value replaces the base value for that strategy.",
        css="small",
    )


def _mapping_text(mapping: Any) -> str:
    """``k = v; ...``, a number with the significant digits of a parameter value (:func:`argument`)."""
    return "; ".join(f"{k} = {argument(v) if isinstance(v, float) else v}" for k, v in mapping.items())


def states_table(spec: ModelSpec, categories: dict[str, str], labels: dict[str, str]) -> Table:
    cols = [
        Column("State", width=20),
        Column("Description", width=50),
        Column("Category", width=18),
        Column("Flags", width=30),
        Column("Utility (per year)", "raw", 22),
        Column("Cost categories", width=40, excel=False),
        Column("Counts", width=40, excel=False),
        Column("Costs per cycle", width=60, html=False),
        Column("Counts per cycle", width=50, html=False),
        Column("Tunnel", "int", 8, html=any(s.tunnel > 1 for s in spec.states)),
    ]
    rows = [
        [
            s.name,
            s.description,
            labels[categories[s.name]],
            ", ".join(sorted(s.flags)),
            s.utility,
            ", ".join(c.replace("_", " ") for c in s.costs),
            ", ".join(c.replace("_", " ") for c in s.counts),
            _mapping_text(s.costs),
            _mapping_text(s.counts),
            s.tunnel,
        ]
        for s in spec.states
    ]
    return Table(
        "States",
        "Health states",
        cols,
        rows,
        "Category: the treatment-burden category used by the figures (first flag of hospitalised, "
        "recovering, on_treatment, treatment_free, progression_free; else progressed, alive or dead). "
        "The cost and count formulas of each state: sheet States.",
        css="small",
    )


def trace_name(spec: ModelSpec) -> str:
    """What the occupancy over time is called for the model's structure."""
    return (
        "state occupancy (partitioned survival)" if spec.settings.structure == PARTITIONED_SURVIVAL else "Markov trace"
    )


def partitions_table(spec: ModelSpec) -> Table:
    cols = [
        Column("Strategy", width=18),
        Column("State", width=20),
        Column("Share in this state or an earlier row's", width=70),
        Column("Description", width=40),
    ]
    rows = [[p.strategy or "all", p.state, p.survival, p.description] for p in spec.partitions]
    return Table(
        "Partitions",
        "Partitioned survival: states and their curves",
        cols,
        rows,
        "Rows of a strategy from best to worst state; occupancy is the difference of successive rows, the "
        "last (#) takes the rest. Where an earlier row's curve lies above a later one's, the state between them "
        "is held at 0 (reported under Key results).",
        css="small code",
    )


def transitions_table(spec: ModelSpec) -> Table:
    cols = [
        Column("Strategy", width=18),
        Column("From", width=20),
        Column("To", width=20),
        Column("Probability per cycle", width=80),
    ]
    rows = [[t.strategy or "all", t.from_state, t.to_state, t.probability] for t in spec.transitions]
    return Table(
        "Transitions",
        "Transitions",
        cols,
        rows,
        "# = one minus the other probabilities out of the same state (the rest stays).",
        css="small code",
    )


def rewards_table(spec: ModelSpec) -> Table:
    cols = [
        Column("Strategy", width=18),
        Column("From", width=18),
        Column("To", width=20),
        Column("Kind", width=8),
        Column("Name", width=18),
        Column("Value", width=60),
    ]
    rows = [
        [r.strategy or "all", r.from_state, r.to_state, r.kind, r.name if r.kind != "qaly" else "", r.value]
        for r in spec.transition_rewards
    ]
    return Table(
        "TransitionRewards",
        "One-off rewards on transitions",
        cols,
        rows,
        "Charged once per member of the cohort making the transition; '*' = from any other state; "
        "'(start)' = the cohort placed in the state at time 0.",
        css="small code",
    )


def survival_inputs_table(spec: ModelSpec) -> Table:
    cols = [
        Column("Curve", width=16),
        Column("Distribution", width=12),
        Column("Time unit", width=10),
        Column("Parameters", width=40),
        Column("Hazard ratio", "sig4", 14),
        Column("Acceleration factor", "sig4", 12),
        Column("Cure fraction", "sig4", 14),
        Column("Source", width=60),
    ]
    rows = [
        [
            c.name,
            c.distribution,
            c.time_unit,
            _mapping_text(c.parameters),
            c.hazard_ratio,
            c.acceleration_factor,
            c.cure_fraction,
            c.source,
        ]
        for c in spec.survival_curves
    ]
    return Table("SurvivalCurves", "Parametric survival curves (flexsurv parameterisation)", cols, rows, css="small")


def schedules_table(spec: ModelSpec) -> Table:
    cols = [
        Column("Schedule", width=16),
        Column("From day", "raw", 10),
        Column("Every (days)", "raw", 10),
        Column("Until day", "raw", 10),
        Column("Amount", "raw", 10),
        Column("Description", width=50),
    ]
    rows = [
        [sc.name, seg.start_day, seg.every_days, seg.end_day, seg.amount, sc.description if k == 0 else ""]
        for sc in spec.schedules
        for k, seg in enumerate(sc.segments)
    ]
    return Table("Schedules", "Dosing and visit schedules", cols, rows, css="small")


def citation(source: str) -> str:
    """The citation of a source text for a reader: a bundled file's provenance header (lines such
    as ``source: AG, Prognosetafel AG2024 (https://...)`` among retrieval notes) gives its
    ``source:`` line; any other text is shown as it is.

    >>> citation("Dutch qx by age\\nsource: CBS StatLine 37360\\nretrieval route: files x.csv")
    'CBS StatLine 37360'
    """
    for line in source.splitlines():
        head, _, rest = line.strip().partition(":")
        if head.strip().lower() == "source" and rest.strip():
            return rest.strip()
    return source


def lifetables_table(spec: ModelSpec) -> Table:
    cols = [
        Column("Life table", width=16),
        Column("Ages", width=12),
        Column("Used", width=8),
        Column("Source", width=80),
    ]
    used = spec.settings.life_table or (spec.life_tables[0].name if spec.life_tables else None)
    rows = [
        [t.name, f"{min(t.ages)}–{max(t.ages)}" if t.ages else "", "yes" if t.name == used else "", citation(t.source)]
        for t in spec.life_tables
    ]
    return Table(
        "LifeTables",
        "General-population life tables",
        cols,
        rows,
        "One-year death probabilities by age and sex; ages past the last row keep its value.",
        css="small",
    )


def scenarios_table(results: Results) -> Table:
    cols = [
        Column("Scenario", width=22),
        Column("Description", width=50),
        Column("Target", width=30),
        Column("Value", "raw", 16),
    ]
    rows = [
        [name, sc.description if k == 0 else "", target_words(results, target), target_value(target, value)]
        for name, sc in _scenarios(results)
        for k, (target, value) in enumerate(sc.overrides.items())
    ]
    return Table(
        "Scenarios",
        "Scenario definitions",
        cols,
        rows,
        "Each scenario changes these inputs of the base case (a parameter, named by its description; a "
        "strategy's own value of it; or a setting); everything else stays as in the base case.",
        css="small",
    )


def target_words(results: Results, target: str) -> str:
    """A scenario's target as a reader names it: ``settings.start_age`` -> ``setting: start age``,
    ``hr_redose`` -> the parameter's description (:func:`hecon.analysis.wording.title_of`),
    ``cilta_price[One-time CAR-T]`` -> ``... (One-time CAR-T)``."""
    if target.startswith("settings."):
        return f"setting: {target.removeprefix('settings.').replace('_', ' ')}"
    name, _, strategy = target.partition("[")
    title = title_of(results.spec, name)
    return f"{title} ({strategy.rstrip(']')})" if strategy else title


def target_value(target: str, value: Any) -> Any:
    """A scenario's value as shown: a life table by its title (:func:`hecon.methods.lifetable.life_table_title`)."""
    return life_table_title(value) if target == "settings.life_table" and isinstance(value, str) else value


def runinfo_table(results: Results) -> Table:
    cols = [Column("Item", width=30), Column("Value", "id", 70)]  # "id": price year and seed as plain digits
    rows: list[list[Any]] = [
        ["hecon version", results.hecon_version],
        ["Input file", results.input.path],
        ["Input SHA-256", results.input.sha256],
        ["Seed", results.seed],
        ["Started (UTC)", results.started.isoformat(timespec="seconds")],
        ["Finished (UTC)", results.finished.isoformat(timespec="seconds")],
        ["Run time (seconds, before writing the report)", round(results.run_seconds, 1)],
        ["Model title", results.title],
        ["Comparator", results.comparator],
        ["Scenarios run", ", ".join(results.scenarios)],
        ["One-way sensitivity analysis", "yes" if results.dsa is not None else "no"],
        ["PSA samples", results.psa.n_samples if results.psa is not None else "none"],
    ]
    rows += [[f"settings.{k}", _setting_text(v)] for k, v in results.settings.items()]
    return Table("RunInfo", "Version, input and settings", cols, rows)


def _setting_text(value: Any) -> Any:
    """A setting as shown: lists joined (numbers with separators: willingness to pay)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(
            significant(v, 6) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in value
        )
    return value
