"""The state diagram of a model, drawn with matplotlib from its states and transitions.

Layout (a small Sugiyama-style layered drawing, top to bottom):

1. one node per state, one edge per (from, to) pair of the Transitions, whatever the
   strategy (strategy-specific rows collapse); staying in a state is not drawn;
2. back edges (those closing a cycle, found by depth-first search from the initial states)
   are set aside and drawn as curved arrows on the side;
3. layers by longest path from the starting states, so the pathway reads downwards;
4. an edge that skips layers joins a *trunk* shared by every long edge into the same state
   (edge concentration), which keeps "every progression-free state can progress" readable;
5. states within a layer are ordered by the barycentre of their neighbours (a few sweeps
   down and up) to reduce crossings.

When most states can move to a dead state, those arrows are not drawn: the states carry a
dagger and the caption says so.

A model with many states is also drawn grouped (:func:`grouped_spec`): one box per treatment-burden
category, an arrow where any state of one category can move to a state of another; the main part of
the report shows that, the appendix the diagram of every state.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from hecon.analysis.timeline import state_categories
from hecon.model.spec import ModelSpec, State, Transition
from hecon.report.style import (
    CATEGORIES,
    EDGE_COLOURS,
    MIN_PRINTED_PT,
    PRINT_WIDTH_INCHES,
    new_figure,
    plain,
    png,
    style,
)

DAGGER = "†"
BOX_W = 0.92
"""Width of a state box [x units; neighbouring boxes are at least 1.1 apart]."""
#: A dead state with at least this many other states leading to it has its arrows elided.
ELIDE_DEAD_FROM = 5
GROUP_FROM_STATES = 10
"""Models with at least this many states are drawn grouped in the main part of the report."""


def edges(spec: ModelSpec) -> list[tuple[str, str]]:
    """(from, to) pairs of the transitions, strategy rows collapsed, without self-loops and
    without rows whose probability is the number 0, in first-seen order."""
    out = []
    for t in spec.transitions:
        if t.from_state == t.to_state:
            continue
        if isinstance(t.probability, (int, float)) and not isinstance(t.probability, bool) and t.probability == 0:
            continue
        out.append((t.from_state, t.to_state))
    return list(dict.fromkeys(out))


@dataclass
class Layout:
    """Positions of the states: ``layer`` (row, top = 0) and ``x`` [box widths]. ``short``
    edges join neighbouring layers (straight arrows); ``long`` ones join their target's trunk,
    a vertical line at ``x = trunks[target]``; ``back`` ones are curved."""

    layer: dict[str, int]
    x: dict[str, float]
    short: list[tuple[str, str]]
    back: list[tuple[str, str]]
    long: list[tuple[str, str]] = field(default_factory=list)
    trunks: dict[str, float] = field(default_factory=dict)
    elided: set[str] = field(default_factory=set)  # states whose arrow to dead is not drawn
    dead: str | None = None


def _back_edges(names: list[str], starts: list[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that close a cycle, by iterative depth-first search from ``starts`` first."""
    colour: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    for root in starts + names:
        if root in colour:
            continue
        stack = [(root, iter(succ[root]))]
        colour[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
            elif colour.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in colour:
                colour[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    return back


def _components(names: list[str], links: list[tuple[str, str]]) -> list[list[str]]:
    """Weakly connected components (union-find), each in ``names`` order."""
    parent = {n: n for n in names}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in links:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in names:
        groups[find(n)].append(n)
    return list(groups.values())


def layout(spec: ModelSpec) -> Layout:
    """Layers, order and positions of the states (see the module docs)."""
    names = [s.name for s in spec.states]
    all_edges = [(a, b) for a, b in edges(spec) if a in names and b in names]
    dead = [s.name for s in spec.states if s.is_dead]
    dead_name = dead[0] if len(dead) == 1 else None
    elided: set[str] = set()
    if dead_name is not None:
        into = [a for a, b in all_edges if b == dead_name]
        if len(into) >= ELIDE_DEAD_FROM:
            elided = set(into)
            all_edges = [(a, b) for a, b in all_edges if b != dead_name]
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in all_edges:
        succ[a].append(b)
    starts = [n for n in spec.initial if n in names] or names[:1]
    back = _back_edges(names, starts, succ)
    forward = [e for e in all_edges if e not in back]
    preds: dict[str, list[str]] = defaultdict(list)
    for a, b in forward:
        preds[b].append(a)
    layer: dict[str, int] = {}
    for n in names:  # longest path from the states without predecessors (forward edges: a DAG)
        stack = [n]
        while stack:
            m = stack[-1]
            todo = [p for p in preds[m] if p not in layer]
            if todo:
                stack.extend(todo)
            else:
                layer[m] = 1 + max((layer[p] for p in preds[m]), default=-1)
                stack.pop()
    if elided and dead_name is not None:
        layer[dead_name] = max((v for k, v in layer.items() if k != dead_name), default=-1) + 1
    short = [(a, b) for a, b in forward if layer[b] - layer[a] == 1]
    long = [(a, b) for a, b in forward if layer[b] - layer[a] > 1]
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b in forward:
        neighbours[a].append(b)
        neighbours[b].append(a)
    order = {n: i for i, n in enumerate(names)}
    alone = dead_name if elided else None
    components = _components([n for n in names if n != alone], forward + list(back))
    x: dict[str, float] = {}
    trunks: dict[str, float] = {}
    offset = 0.0
    for comp in components:
        rows: dict[int, list[str]] = defaultdict(list)
        for n in comp:
            rows[layer[n]].append(n)
        levels = sorted(rows)
        pos = {n: float(i) for r in levels for i, n in enumerate(rows[r])}
        for _ in range(8):  # barycentre sweeps, down then up
            for r in levels[1:] + levels[::-1][1:]:
                for n in rows[r]:
                    if neighbours[n]:
                        pos[n] = float(np.mean([pos[m] for m in neighbours[n]]))
                rows[r].sort(key=lambda n: (pos[n], order[n]))
                for i, n in enumerate(rows[r]):
                    pos[n] = float(i)
        width = max(len(r) for r in rows.values())
        cx = {n: (width - len(rows[r])) / 2.0 + i for r in levels for i, n in enumerate(rows[r])}
        for _ in range(20):  # straighten: pull towards neighbours, keep the order and spacing
            for r in levels:
                for n in rows[r]:
                    if neighbours[n]:
                        cx[n] = 0.5 * cx[n] + 0.5 * float(np.median([cx[m] for m in neighbours[n]]))
                for i in range(1, len(rows[r])):
                    cx[rows[r][i]] = max(cx[rows[r][i]], cx[rows[r][i - 1]] + 1.15)
        lo = min(cx.values())
        right = max(cx.values()) - lo
        targets = sorted({b for a, b in long if b in cx}, key=lambda b: (layer[b], order[b]))
        for k, b in enumerate(targets):
            trunks[b] = offset + right + 0.75 + 0.3 * k
        for n, v in cx.items():
            x[n] = offset + v - lo
        offset += right + 1.3 + (0.3 * len(targets) + 0.5 if targets else 0.0)
    if alone is not None:
        x[alone] = max(0.0, (offset - 1.3) / 2.0)
    return Layout(layer, x, short, sorted(back), long, trunks, elided, dead_name)


def grouped_spec(spec: ModelSpec) -> tuple[ModelSpec, dict[str, list[str]]]:
    """``spec`` with one state per treatment-burden category of its states
    (:func:`~hecon.analysis.timeline.state_categories`), named by the category's label and its
    number of states, and one transition wherever a state of one category can move to a state of
    another (a copy to draw, not to run); and the states of each group, by the group's name."""
    cats = state_categories(spec)
    members: dict[str, list[str]] = {}
    for c in CATEGORIES:
        names = [s.name for s in spec.states if cats[s.name] == c]
        if names:
            members[c] = names
    name = {c: f"{CATEGORIES[c][0]} ({len(n)})" for c, n in members.items()}
    # a category's key is also the flag that puts a state in it (dead, progressed, hospitalised, ...)
    states = tuple(State(name[c], flags=frozenset() if c == "alive" else frozenset({c})) for c in members)
    pairs = dict.fromkeys((name[cats[a]], name[cats[b]]) for a, b in edges(spec) if cats[a] != cats[b])
    grouped = replace(
        spec,
        states=states,
        transitions=tuple(Transition(a, b, 1.0) for a, b in pairs),
        initial={name[cats[s]]: 1.0 for s in spec.initial if s in cats},
    )
    return grouped, {name[c]: n for c, n in members.items()}


def _label(name: str, limit: int = 14) -> str:
    """A state's short name as a box label: underscores as spaces (``Seq_CART_Recovery`` -> ``Seq CART
    Recovery``), wrapped at a hyphen or space near its middle when longer than ``limit``."""
    name = " ".join(name.replace("_", " ").split())
    if len(name) <= limit:
        return name
    cuts = [i for i, ch in enumerate(name) if ch in "- " and 0 < i < len(name) - 1]
    if not cuts:
        return name
    i = min(cuts, key=lambda c: abs(c - len(name) / 2))
    keep = name[i] if name[i] == "-" else ""
    return name[: i + 1 if keep else i] + "\n" + name[i + 1 :]


def state_diagram_png(spec: ModelSpec) -> tuple[bytes, str]:
    """The diagram as PNG bytes, and sentences for its caption (what is not drawn)."""
    lay = layout(spec)
    cats = state_categories(spec)
    names = [s.name for s in spec.states]
    right = max(list(lay.x.values()) + list(lay.trunks.values()), default=0.0)
    span_x = right + 1.0  # x units; a box is BOX_W wide
    n_layers = max(lay.layer.values(), default=0) + 1
    inch_x = min(1.45, 9.5 / span_x)  # inches per x unit: at most ~10 inches wide
    width = max(5.5, span_x * inch_x + 0.3)  # room for the legend
    inch_y = 0.74  # inches per layer
    legend_h = 0.6
    height = n_layers * inch_y + 0.2 + legend_h
    box_h = 0.52
    with style():
        fig = new_figure(width, height)
        ax = fig.add_axes((0.15 / width, legend_h / height, 1 - 0.3 / width, 1 - (legend_h + 0.1) / height))
        ax.set_axis_off()
        half = (width - 0.3) / inch_x / 2.0  # keep the boxes' size when the figure is wider than the graph
        ax.set_xlim(right / 2.0 - half, right / 2.0 + half)
        ax.set_ylim(n_layers - 0.5, -0.5)
        # 9 points, or 8 in a dense diagram, but never below 7 points when printed at the A4 text column
        fs = max(9.0 if inch_x >= 1.3 else 8.0, math.ceil(10 * MIN_PRINTED_PT * width / PRINT_WIDTH_INCHES) / 10)

        def xy(n: str) -> tuple[float, float]:
            return lay.x[n], float(lay.layer[n])

        boxes = {}
        for n in names:
            cx, cy = xy(n)
            colour = CATEGORIES[cats[n]][1]
            edge = EDGE_COLOURS.get(colour, colour)
            box = FancyBboxPatch(
                (cx - BOX_W / 2, cy - box_h / 2),
                BOX_W,
                box_h,
                boxstyle="round,pad=0.0,rounding_size=0.1",
                facecolor=colour + "30",
                edgecolor=edge,
                linewidth=1.6,
                zorder=3,
            )
            ax.add_patch(box)
            boxes[n] = box
            text = plain(_label(n, 14 if fs <= 9.0 else 12)) + (f" {DAGGER}" if n in lay.elided else "")
            ax.text(cx, cy, text, ha="center", va="center", fontsize=fs, zorder=4, linespacing=1.05)
        line = dict(color="#4D4D4D", linewidth=1.0)
        head = "-|>,head_length=5,head_width=2.6"
        short = set(lay.short)
        for a, b in lay.short:
            rad = 0.2 if (b, a) in short or (b, a) in lay.back else 0.0
            ax.add_patch(
                FancyArrowPatch(
                    xy(a),
                    xy(b),
                    patchA=boxes[a],
                    patchB=boxes[b],
                    arrowstyle=head,
                    connectionstyle=f"arc3,rad={rad}",
                    shrinkA=0,
                    shrinkB=1,
                    zorder=2,
                    **line,
                )
            )
        for a, b in lay.back:
            rad = 0.5 if abs(lay.layer[a] - lay.layer[b]) > 1 else 0.25
            ax.add_patch(
                FancyArrowPatch(
                    xy(a),
                    xy(b),
                    patchA=boxes[a],
                    patchB=boxes[b],
                    arrowstyle=head,
                    connectionstyle=f"arc3,rad={rad}",
                    linestyle=(0, (4, 2)),
                    shrinkA=0,
                    shrinkB=1,
                    zorder=2,
                    **line,
                )
            )
        for b, tx in lay.trunks.items():
            sources = [a for a, t in lay.long if t == b]
            top = min(lay.layer[a] for a in sources)
            bx, by = xy(b)
            ax.plot([tx, tx], [top + 0.5, by], zorder=1, solid_capstyle="round", **line)
            ax.add_patch(
                FancyArrowPatch(
                    (tx, by), (bx, by), patchB=boxes[b], arrowstyle=head, shrinkA=0, shrinkB=1, zorder=2, **line
                )
            )
            for a in sources:
                ax_, ay = xy(a)
                ax.add_patch(
                    FancyArrowPatch(
                        (ax_ + BOX_W / 2, ay + box_h / 2),
                        (tx, ay + 0.5),
                        arrowstyle="-",
                        shrinkA=0,
                        shrinkB=0,
                        zorder=1,
                        **line,
                    )
                )
        used = set(cats.values())
        handles = [
            Patch(
                facecolor=CATEGORIES[c][1] + "30",
                edgecolor=EDGE_COLOURS.get(CATEGORIES[c][1], CATEGORIES[c][1]),
                label=CATEGORIES[c][0],
            )
            for c in CATEGORIES
            if c in used
        ]
        if lay.back:
            handles.append(Line2D([], [], color="#4D4D4D", linestyle=(0, (4, 2)), label="transition back"))
        fig.legend(
            handles=handles,
            loc="lower center",
            ncol=min(len(handles), 4 if width < 7 else 5),
            fontsize=max(8.5, fs),
            handlelength=1.6,
            columnspacing=1.2,
            borderaxespad=0.3,
        )
        data = png(fig)
    notes = []
    if lay.elided:
        notes.append(
            f"States marked {DAGGER} can also move to {lay.dead} (those {len(lay.elided)} arrows are not drawn)."
        )
    if lay.long:
        notes.append("Arrows that skip rows join a vertical line that leads into their target state.")
    notes.append(
        "Staying in a state from one cycle to the next is not drawn; the transitions of all strategies "
        "are shown together."
    )
    return data, " ".join(notes)
