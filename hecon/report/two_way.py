"""The report section of two-way threshold (headroom) analyses (:mod:`hecon.analysis.two_way`):
a contour figure and a boundary table per analysis. Layout and wording only."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np

from hecon.analysis.results import Results
from hecon.analysis.two_way import TwoWayResult
from hecon.analysis.wording import parameter_title, title_of
from hecon.model.spec import ModelSpec
from hecon.report.charts import fit_ylabel
from hecon.report.figures import Figure
from hecon.report.numbers import fixed, money, percent, significant
from hecon.report.section import Section
from hecon.report.style import fit_title, new_figure, plain, png, strategy_colour, style
from hecon.report.tables import Column, Table

__all__ = ["boundary_text", "parameter_label", "two_way_png", "two_way_section", "two_way_table"]


def parameter_label(spec: ModelSpec, name: str) -> str:
    """A parameter as a reader names it, with its unit: ``Price of a further course relative to the
    first (share of the CAR-T product price)`` (:func:`hecon.analysis.wording.title_of`; the name
    alone when it is not a parameter, e.g. a group)."""
    p = next((p for p in spec.parameters if p.name == name), None)
    if p is None:
        return name
    return f"{parameter_title(p)} ({p.unit})" if p.unit else parameter_title(p)


def boundary_text(r: TwoWayResult, lam: float, currency: str, names: Mapping[str, str] | None = None) -> str:
    """Where ``r.strategy`` becomes cost-effective at ``lam``, in a sentence, from the boundary; the
    parameters named by ``names`` (parameter name -> words; default the names)."""
    x, y = ((names or {}).get(n, n) for n in (r.x, r.y))
    edge = [(i, v) for i, v in enumerate(r.boundary[lam]) if v is not None]
    where = f"At {money(lam, currency)} per QALY, {r.strategy}"
    if not edge:
        anywhere = r.share_cost_effective[lam] > 0
        return (
            f"{where} is {'cost-effective' if anywhere else 'not cost-effective'} against {r.comparator} over the "
            f"whole grid searched ({x} {significant(r.x_values[0], 3)} to {significant(r.x_values[-1], 3)}, {y} "
            f"{significant(r.y_values[0], 3)} to {significant(r.y_values[-1], 3)})."
        )
    f = r.inmb(lam)
    parts = []
    for i, v in (edge[0], edge[-1]) if len(edge) > 1 else edge[:1]:
        bound = "at most" if f[0][i] > 0 else "at least"
        parts.append(f"{y} is {bound} {significant(v, 3)} at {x} = {significant(r.x_values[i], 3)}")
    outside = len(r.x_values) - len(edge)
    rest = (
        f"; at {outside} of the {len(r.x_values)} grid values of {x} its verdict does not change over the {y} range"
        if outside
        else ""
    )
    return f"{where} is cost-effective against {r.comparator} where " + ", and ".join(parts) + rest + "."


AXIS_LABEL_CHARS = 60
"""Width [characters] at which the x label of the two-way figure wraps (a 7-inch-wide figure holds
about 70 characters of 10-point text beside its colour bar)."""


def two_way_png(r: TwoWayResult, currency: str, axis_labels: Mapping[str, str] | None = None) -> bytes:
    """The grid of the two parameters with, for each willingness to pay, the line where the
    incremental net monetary benefit is 0 (cost-effective on the side marked '+'), and the base case;
    axes labelled with ``axis_labels`` (parameter name -> label; default the names)."""
    names = axis_labels or {}
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
                labels.append(f"{money(lam, currency)} per QALY")
                ax.contourf(x, y, f, levels=[0.0, np.inf], colors=[strategy_colour(k)], alpha=0.08)
        title = f"{plain(r.strategy)} vs {plain(r.comparator)}: cost-effective in the shaded region"
        if not handles:  # no boundary at any wtp: show how far from cost-effective, at the highest wtp
            lam = max(r.wtp)
            f = r.inmb(lam) / 1000.0
            filled = ax.contourf(x, y, f, levels=12, cmap="Greys_r")
            bar = fig.colorbar(filled, ax=ax)
            bar.set_label(
                f"Incremental net monetary benefit at {money(lam, currency)} per QALY (thousands)", fontsize=8
            )
            verdict = "cost-effective" if f.min() > 0 else "not cost-effective"
            title = f"{plain(r.strategy)} vs {plain(r.comparator)}: {verdict} anywhere on the grid searched"
        ax.plot([r.base_x], [r.base_y], marker="o", color="black", linestyle="none", clip_on=False)
        handles.append(ax.lines[-1])
        labels.append("Base case")
        ax.set_xlabel(textwrap.fill(plain(names.get(r.x, r.x)), AXIS_LABEL_CHARS))
        fig.subplots_adjust(top=0.86)  # room for a title of two lines
        fit_title(ax, title, fontsize=10)
        fit_ylabel(fig, ax, plain(names.get(r.y, r.y)))
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        below = fig.bbox.y0 + 0.08 * fig.dpi - ax.get_tightbbox(renderer).y0  # a wrapped x label's overflow [px]
        if below > 0:
            fig.subplots_adjust(bottom=fig.subplotpars.bottom + below / fig.bbox.height)
        ax.legend(handles, labels, fontsize=8, loc="best")
        return png(fig)


def two_way_table(r: TwoWayResult, names: Mapping[str, str] | None = None) -> Table:
    """For each grid value of x, the value of y on the boundary at each willingness to pay; the
    parameters named by ``names`` (parameter name -> words; default the names)."""
    x, y = ((names or {}).get(n, n) for n in (r.x, r.y))
    return Table(
        "TwoWay",
        f"Two-way threshold: {r.strategy} vs {r.comparator} over {x} and {y}",
        [Column(x, "sig4", width=16)] + [Column(f"{y} at boundary, wtp {fixed(lam)}", "sig4") for lam in r.wtp],
        [[xv] + [r.boundary[lam][i] for lam in r.wtp] for i, xv in enumerate(r.x_values)],
        f"The value of {y} at which the incremental net monetary benefit of {r.strategy} is 0 (blank: it "
        f"does not change sign over the {y} range); base case {x} = {significant(r.base_x, 6)}, {y} = {significant(r.base_y, 6)}.",
    )


def _caption(r: TwoWayResult, x: str, y: str) -> str:
    """The figure's caption: the boundary lines, or (none at any willingness to pay) the shading of
    the incremental net monetary benefit over the grid searched; ``x``, ``y``: the parameters in words."""
    if any(r.inmb(lam).min() < 0 < r.inmb(lam).max() for lam in r.wtp):
        return (
            f"Where {r.strategy} is cost-effective against {r.comparator} as {x} and {y} vary, at each "
            "willingness to pay (shaded: cost-effective)."
        )
    return (
        f"{r.strategy} against {r.comparator} has no boundary on the grid searched at any willingness to pay; the "
        f"shading shows its incremental net monetary benefit at {fixed(max(r.wtp))} per QALY as {x} and {y} vary "
        "(how far it is from cost-effective, and in which direction each parameter helps)."
    )


def two_way_section(results: Results) -> Section | None:
    if not results.two_way:
        return None
    tables, figures, paragraphs = [], [], []
    for r in results.two_way:
        words = {n: title_of(results.spec, n) for n in (r.x, r.y)}
        tables.append(two_way_table(r, words))
        x, y = words[r.x], words[r.y]
        figures.append(
            Figure(
                f"Two-way threshold: {x} and {y}",
                two_way_png(r, results.currency, {n: parameter_label(results.spec, n) for n in (r.x, r.y)}),
                _caption(r, x, y),
                f"Contour plot over {x} and {y} with one boundary line per willingness to pay.",
            )
        )
        for lam in r.wtp:
            verdict = "is" if r.cost_effective_at_base[lam] else "is not"
            paragraphs.append(
                f"At {money(lam, results.currency)} per QALY, {r.strategy} {verdict} cost-effective against "
                f"{r.comparator} at the base values, and is cost-effective over "
                f"{percent(r.share_cost_effective[lam], 0)} of the grid of {x} and {y}. "
                + boundary_text(r, lam, results.currency, words)
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
