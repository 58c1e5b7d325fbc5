"""The report section "Treatment burden and treatment-free time", worded for a committee.

It leads with the measures oncology uses for the value of time without treatment: Q-TWiST
(:mod:`hecon.analysis.qtwist`). Every number is a field of the result; this module words and
lays it out only.
"""

from __future__ import annotations

from hecon.analysis.qtwist import QTwist
from hecon.analysis.results import Results
from hecon.report.figures import Figure
from hecon.report.section import Section
from hecon.report.tables import Column, Table

__all__ = ["qtwist_tables", "treatment_free_section"]


def _years(v: float) -> str:
    return f"{v:.2f} years ({v * 12:.1f} months)"


def qtwist_tables(q: QTwist) -> tuple[Table, Table]:
    """The partition per strategy and the comparisons of each pair of strategies."""
    horizon = f"restricted to {q.horizon_years:g} years, undiscounted"
    parts = Table(
        "Q-TWiST",
        f"Q-TWiST partition of survival ({horizon})",
        [
            Column("Strategy", width=26),
            Column("TOX (years)", "years", key="tox"),
            Column("TWiST (years)", "years", key="twist"),
            Column("REL (years)", "years", key="rel"),
            Column("Restricted mean survival (years)", "years", key="rmst"),
            Column(f"Q-TWiST at u_TOX = {q.u_tox:g}, u_REL = {q.u_rel:g} (years)", "years", key="q_twist"),
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


def _qtwist_text(q: QTwist) -> list[str]:
    out = [
        "Q-TWiST (quality-adjusted time without symptoms or toxicity; Glasziou, Simes and Gelber, "
        f"Stat Med 1990) splits each strategy's survival over the first {q.horizon_years:g} years into "
        "time with treatment toxicity or its recovery (TOX), time free of progression and of toxicity "
        "(TWiST) and time after progression (REL). A year in TWiST counts fully; a year in TOX or REL "
        "counts by how much patients value it (a utility between 0 and 1). The figure shows, for every "
        "pair of such values, which strategy gives more quality-adjusted time: where the line runs, "
        "the preferred strategy changes."
    ]
    for c in q.comparisons:
        out.append(
            f"{c.strategy} versus {c.comparator}: {_years(c.d_twist)} more time free of progression and "
            f"toxicity, {_years(c.d_tox)} more with toxicity and {_years(c.d_rel)} more after progression "
            f"(negative: less). At utilities of {q.u_tox:g} the Q-TWiST gain is {_years(c.d_q_twist)}, "
            f"{c.relative_gain:.1%} of the comparator's restricted mean survival. Higher Q-TWiST: "
            f"{c.better_where}."
        )
    return out


def treatment_free_section(results: Results) -> Section | None:
    """Q-TWiST with its threshold figure (None when the run has no Q-TWiST)."""
    q = results.qtwist
    if q is None:
        return None
    from hecon.report.tfi_figures import qtwist_threshold_png

    parts, pairs = qtwist_tables(q)
    figures = []
    if q.comparisons:
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
    return Section(
        "treatment_free",
        "Treatment burden and treatment-free time",
        paragraphs=_qtwist_text(q),
        tables=[parts, pairs],
        figures=figures,
        sheets=[parts, pairs],
    )
