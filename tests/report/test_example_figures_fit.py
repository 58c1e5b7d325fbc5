"""Every figure of the shipped example's report keeps its text on the canvas: drawn in this
process (workers=0), each visible text's box lies inside the figure, and no two titles or legend
texts overlap. The example's strategy names are long ("RWPC (reference, not an option)"), which is
what pushes legends and labels off a figure whose layout was made for short names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from hecon.report.sections import build_sections

TOLERANCE_PX = 1.0


def _headings(fig: MplFigure) -> set[int]:
    """Ids of the titles of the axes and the figure and of the legend entries: the texts that must
    not overlap."""
    found: list[Text] = []
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title]
    for legend in fig.findobj(Legend):
        found += legend.get_texts()
    if fig._suptitle is not None:
        found.append(fig._suptitle)
    return {id(t) for t in found}


@pytest.fixture(scope="module")
def drawn(rrmm_report, monkeypatch_module) -> list[tuple[str, list[str]]]:
    """(first text of the figure, its defects) for every figure of the example's report: the texts
    as drawn into the PNG (a tick label outside the axes' limits is not drawn and does not count)."""
    found: list[tuple[str, list[str]]] = []
    texts: list[tuple[Text, Bbox, Bbox]] = []
    save, draw = MplFigure.savefig, Text.draw

    def recorded(text: Text, renderer: Any) -> None:
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip() and text.figure is not None:
            texts.append((text, text.get_window_extent(renderer), text.figure.bbox.frozen()))

    def checked(fig: MplFigure, *args: Any, **kwargs: Any) -> None:
        texts.clear()
        save(fig, *args, **kwargs)
        defects = []
        for t, box, canvas in texts:
            if (
                box.x0 < canvas.x0 - TOLERANCE_PX
                or box.x1 > canvas.x1 + TOLERANCE_PX
                or box.y0 < canvas.y0 - TOLERANCE_PX
                or box.y1 > canvas.y1 + TOLERANCE_PX
            ):
                defects.append(f"outside the canvas {canvas.bounds}: {t.get_text()!r} at {box.bounds}")
        headings = _headings(fig)
        boxes = [(t.get_text(), box) for t, box, _ in texts if id(t) in headings]
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                if _overlap(box_a, box_b):
                    defects.append(f"overlap: {a!r} and {b!r}")
        found.append((_name(fig), defects))

    monkeypatch_module.setattr(MplFigure, "savefig", checked)
    monkeypatch_module.setattr(Text, "draw", recorded)
    build_sections(rrmm_report[1], workers=0)
    return found


def _name(fig: MplFigure) -> str:
    """The figure's first axes title or axis label, to say which figure a defect is in."""
    for ax in fig.axes:
        for text in (ax.get_title("left"), ax.get_title(), ax.get_xlabel(), ax.get_ylabel()):
            if text.strip():
                return text
    return "(a figure without axis labels)"


def _overlap(a: Bbox, b: Bbox) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_the_example_has_many_figures(drawn):
    assert len(drawn) >= 15


def test_every_text_of_every_example_figure_is_inside_its_canvas_and_clear_of_the_others(drawn):
    defects = [f"{first}: {d}" for first, found in drawn for d in found]
    assert not defects, "\n".join(defects)
