"""The report section of two-way threshold (headroom) analyses (:mod:`hecon.analysis.two_way`):
a contour figure and a boundary table per analysis. Layout and wording only."""

from __future__ import annotations

import numpy as np

from hecon.analysis.results import Results
from hecon.analysis.two_way import TwoWayResult
from hecon.report.figures import Figure
from hecon.report.section import Section
from hecon.report.style import new_figure, plain, png, strategy_colour, style
from hecon.report.tables import Column, Table

__all__ = ["two_way_png", "two_way_section", "two_way_table"]


def two_way_png(r: TwoWayResult, currency: str) -> bytes:
    """The grid of the two parameters with, for each willingness to pay, the line where the
    incremental net monetary benefit is 0 (cost-effective on the side marked '+'), and the base case."""
    x, y = np.asarray(r.x_values), np.asarray(r.y_values)
    with style():
        fig = new_figure(7.0, 5.0)
        ax = fig.subplots()
        handles, labels = [], []
        for k, lam in enumerate(r.wtp):
            f = r.inmb(lam)
            if f.min() < 0 < f.max():
                cs = ax.contour(x, y, f, levels=[0.0], colors=[strategy_colour(k)], linewidths=1.8)
                handles.append(cs.legend_elements()[0][0])
                labels.append(f"{currency} {lam:,.0f} per QALY")
                ax.contourf(x, y, f, levels=[0.0, np.inf], colors=[strategy_colour(k)], alpha=0.08)
        ax.plot([r.base_x], [r.base_y], marker="o", color="black", linestyle="none")
        handles.append(ax.lines[-1])
        labels.append("Base case")
        ax.set_xlabel(plain(r.x))
        ax.set_ylabel(plain(r.y))
        ax.set_title(f"{plain(r.strategy)} vs {plain(r.comparator)}: cost-effective in the shaded region", fontsize=10)
        ax.legend(handles, labels, fontsize=8, loc="best")
        return png(fig)


def two_way_table(r: TwoWayResult) -> Table:
    """For each grid value of x, the value of y on the boundary at each willingness to pay."""
    return Table(
        "TwoWay",
        f"Two-way threshold: {r.strategy} vs {r.comparator} over {r.x} and {r.y}",
        [Column(r.x, "sig4", width=16)] + [Column(f"{r.y} at boundary, wtp {lam:,.0f}", "sig4") for lam in r.wtp],
        [[xv] + [r.boundary[lam][i] for lam in r.wtp] for i, xv in enumerate(r.x_values)],
        f"The value of {r.y} at which the incremental net monetary benefit of {r.strategy} is 0 (blank: it "
        f"does not change sign over the {r.y} range); base case {r.x} = {r.base_x:g}, {r.y} = {r.base_y:g}.",
    )


def two_way_section(results: Results) -> Section | None:
    if not results.two_way:
        return None
    tables, figures, paragraphs = [], [], []
    for r in results.two_way:
        tables.append(two_way_table(r))
        figures.append(
            Figure(
                f"Two-way threshold: {r.x} and {r.y}",
                two_way_png(r, results.currency),
                f"Where {r.strategy} is cost-effective against {r.comparator} as {r.x} and {r.y} vary, at each "
                "willingness to pay (shaded: cost-effective).",
                f"Contour plot over {r.x} and {r.y} with one boundary line per willingness to pay.",
            )
        )
        for lam in r.wtp:
            verdict = "is" if r.cost_effective_at_base[lam] else "is not"
            paragraphs.append(
                f"At {results.currency} {lam:,.0f} per QALY, {r.strategy} {verdict} cost-effective against "
                f"{r.comparator} at the base values, and is cost-effective over "
                f"{r.share_cost_effective[lam]:.0%} of the grid of {r.x} and {r.y}."
            )
    if len(tables) > 1:  # one sheet per analysis
        tables = [Table(f"TwoWay{k + 1}", t.title, t.columns, t.rows, t.note) for k, t in enumerate(tables)]
    return Section(
        "two_way",
        "Two-way threshold analysis",
        paragraphs=paragraphs,
        tables=tables,
        figures=figures,
        sheets=list(tables),
    )
