"""The report section "Treatment burden and treatment-free time", worded for a committee.

It leads with the measures oncology uses for the value of time without treatment: Q-TWiST
(:mod:`hecon.analysis.qtwist`). Every number is a field of the result; this module words and
lays it out only.
"""

from __future__ import annotations

from hecon.analysis.burden_rates import BurdenRates
from hecon.analysis.qtwist import QTwist
from hecon.analysis.results import Results
from hecon.analysis.treatment_free import TreatmentFreeSurvival
from hecon.report.figures import Figure
from hecon.report.numbers import fixed, percent, quantity, signed, significant
from hecon.report.section import Section
from hecon.report.tables import Column, Table

__all__ = ["burden_rates_table", "qtwist_tables", "tfs_table", "treatment_free_section"]

TFS_WINDOW_YEARS = 5.0
"""Window of the treatment-free survival figures [years] (or the horizon, if shorter)."""


def _years(v: float) -> str:
    return f"{quantity(v, 'years', 2)} ({quantity(v * 12, 'months', 1)})"


def _more(v: float) -> str:
    """``0.93 years (11.1 months) more`` or ``... less``."""
    return f"{_years(abs(v))} {'more' if v >= 0 else 'less'}"


def qtwist_tables(q: QTwist) -> tuple[Table, Table]:
    """The partition per strategy and the comparisons of each pair of strategies."""
    horizon = f"restricted to {quantity(q.horizon_years, 'years')}, undiscounted"
    parts = Table(
        "Q-TWiST",
        f"Q-TWiST partition of survival ({horizon})",
        [
            Column("Strategy", width=26),
            Column("TOX (years)", "years", key="tox"),
            Column("TWiST (years)", "years", key="twist"),
            Column("REL (years)", "years", key="rel"),
            Column("Restricted mean survival (years)", "years", key="rmst"),
            Column(
                f"Q-TWiST at u_TOX = {significant(q.u_tox, 6)}, u_REL = {significant(q.u_rel, 6)} (years)",
                "years",
                key="q_twist",
            ),
        ],
        [[s, p.tox, p.twist, p.rel, p.rmst, p.q_twist] for s, p in q.strategies.items()],
        "TOX: progression-free time in states flagged " + ", ".join(q.tox_flags) + "; TWiST: other "
        "progression-free time; REL: time alive after progression. TOX + TWiST + REL = restricted mean survival.",
    )
    pairs = Table(
        "Q-TWiST comparisons",
        f"Q-TWiST differences ({horizon})",
        [
            Column("Strategy", width=26),
            Column("Versus", width=26),
            Column("Difference in TOX (years)", "years"),
            Column("Difference in TWiST (years)", "years"),
            Column("Difference in REL (years)", "years"),
            Column("Difference in Q-TWiST (years)", "years", key="d_q_twist"),
            Column("Relative Q-TWiST gain", "percent", key="relative_gain"),
            Column("Higher Q-TWiST", width=60),
        ],
        [
            [c.strategy, c.comparator, c.d_tox, c.d_twist, c.d_rel, c.d_q_twist, c.relative_gain, c.better_where]
            for c in q.comparisons
        ],
        "Relative gain: the Q-TWiST difference divided by the comparator's restricted mean survival "
        "(Solem et al. 2018: 10% or more is read as clinically important).",
    )
    return parts, pairs


def tfs_table(tfs: TreatmentFreeSurvival) -> Table:
    """Restricted means of the shares of treatment-free survival, per kind of therapy, strategy
    and horizon, with the time to the first treatment-free cycle."""
    rows = []
    for v in tfs.variants:
        for s, by_months in v.restricted_means.items():
            first = v.first.get(s)
            for months, m in by_months.items():
                rows.append(
                    [
                        v.label,
                        s,
                        months,
                        m["alive"],
                        m["on_treatment"],
                        m["treatment_free"],
                        m["treatment_free_with_toxicity"],
                        m["after_progression"],
                        first.share_ever if first else None,
                        first.median_years * 12 if first and first.median_years is not None else None,
                    ]
                )
    return Table(
        "TreatmentFreeSurvival",
        "Treatment-free survival: restricted means (undiscounted)",
        [
            Column("Treatment-free means", width=26),
            Column("Strategy", width=26),
            Column("Within (months)", "int"),
            Column("Alive (years)", "years"),
            Column("On treatment (years)", "years"),
            Column("Treatment-free (years)", "years", key="tfs"),
            Column("of which with toxicity (years)", "years"),
            Column("After progression (years)", "years"),
            Column("Ever treatment-free (share)", "percent"),
            Column("Median time to first treatment-free cycle (months)", "number"),
        ],
        rows,
        "Mean time per patient within each horizon (areas under the stacked curves; Regan et al., J Clin "
        "Oncol 2019). A kind of therapy is declared by a state flag on_<kind> (on_treatment: all treatment "
        "of the strategy). 'Ever treatment-free' is within the model's horizon.",
    )


def burden_rates_table(rates: BurdenRates) -> Table:
    """Every count as a rate and within the first months: treatment burden, terminal care apart,
    then patient time."""
    rows = []
    groups = (
        ("Treatment burden", rates.counts),
        ("Terminal care", rates.terminal),
        ("Patient time", rates.patient_time),
    )
    for group, items in groups:
        for name, by_strategy in items.items():
            unit = rates.units.get(name, "")
            label = name.replace("_", " ") + (f" ({unit})" if unit else "")
            for s, r in by_strategy.items():
                rows.append(
                    [
                        group,
                        label,
                        s,
                        r.total,
                        r.per_life_year,
                        r.per_progression_free_year,
                        r.within_months.get(12),
                        r.within_months.get(24),
                        r.per_life_year_within.get(12),
                    ]
                )
    return Table(
        "BurdenRates",
        "Treatment burden per life-year and in the first months (undiscounted)",
        [
            Column("Group", width=18),
            Column("Measure", width=28),
            Column("Strategy", width=26),
            Column("Total per patient", "number"),
            Column("Per life-year", "number", key="per_life_year"),
            Column("Per progression-free year", "number"),
            Column("First 12 months", "number"),
            Column("First 24 months", "number"),
            Column("Per life-year, first 12 months", "number"),
        ],
        rows,
        "Totals grow with survival (longer life, more contacts); rates per life-year and the first months "
        "are less affected by it, though still not free of it (who is alive, and in which state, differs "
        "between strategies). Terminal care (counts named terminal_...) is shown apart; helper counts "
        "(named helper_...) are left out. Patient time = "
        "count x per-visit time (parameters <kind>_per_<count>).",
    )


def _rates_text(rates: BurdenRates) -> list[str]:
    out = []
    for name, by_strategy in rates.counts.items():
        parts = [f"{s} {fixed(r.per_life_year, 1)}" for s, r in by_strategy.items()]
        out.append(f"{name.replace('_', ' ').capitalize()} per life-year lived: " + ", ".join(parts) + ".")
    return out


def _tfs_text(tfs: TreatmentFreeSurvival) -> list[str]:
    v = tfs.variants[0]
    last = tfs.horizons_months[-1] if tfs.horizons_months else None
    out = [
        "Treatment-free survival (Regan et al., J Clin Oncol 2019) follows the patients who are alive: at "
        "each time, how many are on treatment, how many are alive and free of treatment, and how many "
        "have progressed. The areas under these curves are the mean time in each, per patient."
    ]
    if last is not None:
        parts = [
            f"{s}: {fixed(m[last]['treatment_free'], 2)} of {fixed(m[last]['alive'], 2)} years alive"
            for s, m in v.restricted_means.items()
        ]
        out.append(f"Within the first {last} months, mean time alive and {v.label}: " + "; ".join(parts) + ".")
    return out


def _qtwist_text(q: QTwist) -> list[str]:
    out = [
        "Q-TWiST (quality-adjusted time without symptoms or toxicity; Glasziou, Simes and Gelber, "
        f"Stat Med 1990) splits each strategy's survival over the first {quantity(q.horizon_years, 'years')} into "
        "time with treatment toxicity or its recovery (TOX), time free of progression and of toxicity "
        "(TWiST) and time after progression (REL). A year in TWiST counts fully; a year in TOX or REL "
        "counts by how much patients value it (a utility between 0 and 1). The figure shows, for every "
        "pair of such values, which strategy gives more quality-adjusted time: where the line runs, "
        "the preferred strategy changes."
    ]
    for c in q.comparisons:
        out.append(
            f"{c.strategy} versus {c.comparator}: {_more(c.d_twist)} time free of progression and "
            f"toxicity, {_more(c.d_tox)} with toxicity and {_more(c.d_rel)} after progression. At "
            f"utilities of {significant(q.u_tox, 6)} for TOX and {significant(q.u_rel, 6)} for REL the Q-TWiST difference is "
            f"{signed(c.d_q_twist, 2)} years, "
            f"{percent(c.relative_gain, 1)} of the comparator's restricted mean survival. Higher Q-TWiST: "
            f"{c.better_where}."
        )
    return out


def _lead(results: Results) -> list[str]:
    """The findings in a few sentences, for a committee: treatment-free time, Q-TWiST, burden per
    life-year (each only when the run has it)."""
    out = []
    tfs, q, rates = results.treatment_free, results.qtwist, results.burden_rates
    if tfs is not None and tfs.horizons_months:
        v, last = tfs.variants[0], tfs.horizons_months[-1]
        parts = [
            f"{s} {quantity(m[last]['treatment_free'] * 12, 'months', 1)} ({percent(m[last]['treatment_free'] / m[last]['alive'], 0)} "
            "of the time alive)"
            for s, m in v.restricted_means.items()
            if m[last]["alive"] > 0
        ]
        out.append(
            f"In short. Over the first {last} months, the average patient lives {v.label}: " + "; ".join(parts) + "."
        )
    if q is not None:
        gains = [
            f"{c.strategy} versus {c.comparator} {signed(c.d_q_twist * 12, 1)} months ({percent(c.relative_gain, 1, sign=True)})"
            for c in q.comparisons
            if c.comparator == results.comparator
        ]
        if gains:
            out.append(
                f"Quality-adjusted time without symptoms or toxicity (Q-TWiST, first {quantity(q.horizon_years, 'years')}, "
                f"toxicity and relapse each valued at {significant(q.u_tox, 6)}): " + "; ".join(gains) + "."
            )
    if rates is not None and rates.counts:
        name, by_strategy = next(iter(rates.counts.items()))
        out.append(
            f"Because totals grow with survival, burden is compared per life-year: {name.replace('_', ' ')} per "
            "life-year " + ", ".join(f"{s} {fixed(r.per_life_year, 1)}" for s, r in by_strategy.items()) + "."
        )
    return out


def treatment_free_section(results: Results) -> Section | None:
    """Q-TWiST with its threshold figure, then treatment-free survival (None when the run has
    neither)."""
    q, tfs, rates = results.qtwist, results.treatment_free, results.burden_rates
    if q is None and tfs is None and rates is None:
        return None
    from hecon.report.tfi_figures import first_treatment_free_png, qtwist_threshold_png, tfs_png

    paragraphs: list[str] = _lead(results)
    tables: list[Table] = []
    figures: list[Figure] = []
    if q is not None:
        paragraphs += _qtwist_text(q)
        tables += qtwist_tables(q)
    if q is not None and q.comparisons:
        figures.append(
            Figure(
                "Q-TWiST threshold utility analysis",
                qtwist_threshold_png(q.comparisons, results.strategies),
                "For each pair of strategies, the shaded area shows which strategy gives more Q-TWiST at "
                "each pair of utilities of TOX (x) and REL (y); the black line is where both give the same.",
                "Threshold utility plots: unit squares of the utilities of TOX and REL, shaded by the "
                "strategy with the higher Q-TWiST, with the line where the difference changes sign.",
            )
        )
    if tfs is not None:
        end = min(TFS_WINDOW_YEARS, float(tfs.years[-1]))
        paragraphs += _tfs_text(tfs)
        tables.append(tfs_table(tfs))
        for v in tfs.variants:
            figures.append(
                Figure(
                    f"Treatment-free survival ({v.label})",
                    tfs_png(v, tfs.years, results.strategies, end),
                    f"Share of the cohort on treatment, alive and {v.label}, and after progression over the "
                    f"first {quantity(end * 12, 'months')} (base case); the white space above is death.",
                    "Stacked area charts per strategy of the shares on treatment, treatment-free and after "
                    "progression over time.",
                )
            )
        with_first = [v for v in tfs.variants if v.first]
        if with_first:
            figures.append(
                Figure(
                    "Time to the first treatment-free cycle",
                    first_treatment_free_png(with_first, tfs.years, results.strategies, end),
                    "Share of the cohort that has had at least one treatment-free cycle by each time.",
                    "Cumulative curves per strategy of the share that has been treatment-free.",
                )
            )
    if rates is not None:
        paragraphs.append(
            "Treatment burden as rates: totals of hospital days or contacts grow with survival, so the "
            "counts are also given per life-year and within the first 12 and 24 months, with terminal "
            "care apart."
        )
        paragraphs += _rates_text(rates)
        tables.append(burden_rates_table(rates))
    return Section(
        "treatment_free",
        "Treatment burden and treatment-free time",
        paragraphs=paragraphs,
        tables=tables,
        figures=figures,
        sheets=list(tables),
    )
