"""The report section of subgroups (``ModelSpec.subgroups``): per subgroup, each strategy's costs,
QALYs and life-years and the comparison with the comparator. Layout and wording only."""

from __future__ import annotations

from hecon.analysis.results import Results
from hecon.report.numbers import OUTSIDE_DECISION, versus_text
from hecon.report.section import Section
from hecon.report.tables import Column, Table, currency_label, target_value, target_words

__all__ = ["subgroups_section", "subgroups_table"]


def subgroups_table(results: Results) -> Table:
    """One row per subgroup and strategy (the base case first, for reference)."""
    money = currency_label(results)
    rows = []
    groups = {"base case (whole population)": results.base, **results.subgroups}
    for name, sg in groups.items():
        status = {f.strategy: f.status for f in sg.incremental}  # the subgroup's own frontier
        for s, r in sg.strategies.items():
            v = sg.versus(s)
            rows.append(
                [
                    name,
                    s,
                    r.costs,
                    r.qalys,
                    r.lys,
                    v.incremental_cost if v else None,
                    v.incremental_effect if v else None,
                    v.icer if v else None,
                    versus_text(v.description, status.get(s, OUTSIDE_DECISION)) if v else "comparator",
                ]
            )
    return Table(
        "Subgroups",
        "Results by subgroup (discounted)",
        [
            Column("Subgroup", width=28),
            Column("Strategy", width=26),
            Column(f"Costs ({money})", "money"),
            Column("QALYs", "qaly"),
            Column("Life-years", "years"),
            Column(f"Incremental costs ({money})", "money"),
            Column("Incremental QALYs", "qaly"),
            Column(f"ICER ({money} per QALY)", "money", html=False),
            Column("Versus the comparator", width=60, key="icer"),
        ],
        rows,
        f"Each subgroup is the model with the subgroup's overrides; comparator {results.comparator}.",
    )


def subgroups_section(results: Results) -> Section | None:
    if not results.subgroups:
        return None
    bullets = []
    for name, sg in results.subgroups.items():
        cited = sg.sources
        changes = "; ".join(
            f"{target_words(results, k)}: {target_value(k, v)}" + (f" ({cited[k]})" if cited.get(k) else "")
            for k, v in sg.overrides.items()
        )
        bullets.append(f"{name}: {sg.description + '; ' if sg.description else ''}changes {changes}.")
    table = subgroups_table(results)
    return Section(
        "subgroups",
        "Subgroup analysis",
        paragraphs=[
            "The model run for each subgroup of patients (its own start age, sex mix, hazard ratios or "
            "eligibility), beside the whole population. Subgroups:"
        ],
        bullets=bullets,
        tables=[table],
        sheets=[table],
    )
