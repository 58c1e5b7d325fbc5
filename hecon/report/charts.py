"""Figures of the decision analyses (tornado, CE plane, CEAC/CEAF, EVPI, convergence), drawn
like :mod:`hecon.report.figures` (matplotlib Agg canvas, PNG bytes, no pyplot state).
Every function takes plain numbers from summary.json-ready dicts, never model objects."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter

from hecon.report.figures import _plain, _png

_THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def tornado_png(rows: Sequence[dict[str, Any]], strategy: str, comparator: str, wtp: float, base_inmb: float,
                currency: str, top: int = 15) -> bytes:
    """Horizontal bars of incremental NMB at the low (blue) and high (orange) value of each
    parameter, largest swing on top, around the base-case INMB."""
    rows = list(rows)[:top]
    fig = MplFigure(figsize=(7.5, 0.45 * max(3, len(rows)) + 1.4))
    fig.subplots_adjust(left=0.32, right=0.96, top=0.88, bottom=0.16)
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows):
        for value, colour, label in ((r["inmb_low"], "#4472c4", "low value"), (r["inmb_high"], "#ed7d31", "high value")):
            ax.barh(yi, value - base_inmb, left=base_inmb, color=colour, height=0.6,
                    label=label if yi == y[0] else None)
    ax.axvline(base_inmb, color="#333333", linewidth=1)
    ax.axvline(0.0, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [_plain(f"{r['parameter']} ({r['low']:.4g} – {r['high']:.4g})") for r in rows], fontsize=8)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel(_plain(f"Incremental net monetary benefit ({currency}) at {currency} {wtp:,.0f}/QALY"))
    ax.set_title(_plain(f"Tornado: {strategy} versus {comparator}"), fontsize=11)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return _png(fig)


def ce_plane_png(d_qalys: dict[str, np.ndarray], d_costs: dict[str, np.ndarray], comparator: str, wtp: float,
                 currency: str, max_points: int = 5000) -> bytes:
    """Scatter of incremental QALYs and costs of each strategy versus the comparator, one point per
    PSA sample (at most ``max_points`` per strategy, the first ones), with the wtp line."""
    fig = MplFigure(figsize=(7.0, 4.6))
    fig.subplots_adjust(left=0.16, right=0.97, top=0.9, bottom=0.13)
    ax = fig.add_subplot()
    for s in d_qalys:
        ax.scatter(d_qalys[s][:max_points], d_costs[s][:max_points], s=5, alpha=0.35, label=_plain(s))
        ax.scatter([np.mean(d_qalys[s])], [np.mean(d_costs[s])], s=60, marker="x", color="black")
    xs = np.array(ax.get_xlim())
    ax.plot(xs, wtp * xs, color="#666666", linewidth=1, linestyle="--",
            label=_plain(f"{currency} {wtp:,.0f} per QALY"))
    ax.set_xlim(*xs)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.yaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel(_plain(f"Incremental QALYs versus {comparator}"))
    ax.set_ylabel(_plain(f"Incremental costs ({currency})"))
    ax.set_title("Cost-effectiveness plane (PSA samples; x = mean)", fontsize=11)
    ax.legend(fontsize=8, frameon=False, markerscale=2)
    return _png(fig)


def ceac_png(curves: dict[str, Any], currency: str, reference: float | None = None) -> bytes:
    """CEAC of every strategy and the CEAF (thick line: probability of the strategy with the
    highest expected NMB)."""
    wtp = np.asarray(curves["wtp"])
    fig = MplFigure(figsize=(7.0, 4.2))
    fig.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.14)
    ax = fig.add_subplot()
    for s, values in curves["ceac"].items():
        ax.plot(wtp, values, linewidth=1.5, label=_plain(s))
    ax.plot(wtp, curves["ceaf_probability"], color="black", linewidth=3, alpha=0.35, label="frontier (CEAF)")
    if reference is not None:
        ax.axvline(reference, color="#999999", linestyle="--", linewidth=1)
    ax.set_ylim(-0.02, 1.02)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel(_plain(f"Willingness to pay ({currency} per QALY)"))
    ax.set_ylabel("Probability cost-effective")
    ax.set_title("Cost-effectiveness acceptability curves and frontier", fontsize=11)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _png(fig)


def evpi_png(curves: dict[str, Any], currency: str) -> bytes:
    """Per-patient EVPI against willingness to pay."""
    fig = MplFigure(figsize=(7.0, 3.6))
    fig.subplots_adjust(left=0.14, right=0.97, top=0.88, bottom=0.16)
    ax = fig.add_subplot()
    ax.plot(curves["wtp"], curves["evpi_per_patient"], linewidth=1.8)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.yaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel(_plain(f"Willingness to pay ({currency} per QALY)"))
    ax.set_ylabel(_plain(f"EVPI per patient ({currency})"))
    ax.set_title("Expected value of perfect information", fontsize=11)
    ax.grid(True, alpha=0.3)
    return _png(fig)


def convergence_png(running: dict[str, np.ndarray], wtp: float, currency: str) -> bytes:
    """Running mean of the incremental NMB of each strategy against the number of samples."""
    fig = MplFigure(figsize=(7.0, 3.8))
    fig.subplots_adjust(left=0.15, right=0.97, top=0.88, bottom=0.15)
    ax = fig.add_subplot()
    for s, values in running.items():
        ax.plot(np.arange(1, len(values) + 1), values, linewidth=1.3, label=_plain(s))
    ax.yaxis.set_major_formatter(_THOUSANDS)
    ax.set_xlabel("Number of PSA samples")
    ax.set_ylabel(_plain(f"Running mean INMB ({currency})"))
    ax.set_title(_plain(f"Convergence: incremental NMB at {currency} {wtp:,.0f}/QALY"), fontsize=11)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _png(fig)
