"""The ranked-EVPPI bars and the two-way threshold figure keep their text on the canvas with the
long descriptions of a real model (the shipped example's parameter descriptions run to 90
characters; the example's report test runs too few PSA samples for an EVPPI and no two-way query,
so these two figures are drawn here with such labels)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text

from hecon.analysis.evppi import EvppiAtWtp, EvppiEstimate, EvppiSummary
from hecon.analysis.two_way import TwoWayQuery, two_way_threshold
from hecon.report.charts import evppi_bars_png
from hecon.report.two_way import two_way_png
from tests.test_two_way import linear_model

LONG = (
    "Share of patients who receive the treatment after progression on a physician's-choice line "
    "(flexsurv parameterisation) (share)"
)


@pytest.fixture
def outside(monkeypatch) -> Iterator[list[str]]:
    """Texts drawn outside their figure's canvas (more than 1 pixel), for every figure saved."""
    found: list[str] = []
    save, draw = MplFigure.savefig, Text.draw
    drawn: list[Text] = []

    def recorded(text: Text, renderer: Any) -> None:
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip() and text.figure is not None:
            box, canvas = text.get_window_extent(renderer), text.figure.bbox
            if box.x0 < canvas.x0 - 1 or box.x1 > canvas.x1 + 1 or box.y0 < canvas.y0 - 1 or box.y1 > canvas.y1 + 1:
                drawn.append(text)

    def checked(fig: MplFigure, *args: Any, **kwargs: Any) -> None:
        drawn.clear()
        save(fig, *args, **kwargs)
        found.extend(t.get_text() for t in drawn)

    monkeypatch.setattr(MplFigure, "savefig", checked)
    monkeypatch.setattr(Text, "draw", recorded)
    yield found


def test_ranked_evppi_bars_with_long_descriptions_stay_on_the_canvas(outside):
    at = (EvppiAtWtp(80_000.0, 38.0, 80.0, None, None),)
    estimates = tuple(EvppiEstimate(f"p{i}", (f"p{i}",), "parameter", "s", at, (38.0,), (), False) for i in range(15))
    summary = EvppiSummary("regression", 80_000.0, estimates, {})
    labels = {f"p{i}": f"{LONG} {i}" for i in range(15)}
    assert evppi_bars_png(summary, "EUR", labels=labels).startswith(b"\x89PNG")
    assert outside == []


def test_two_way_figure_with_long_names_stays_on_the_canvas(outside):
    query = TwoWayQuery("u_new", "c_new", "New", "Old", (0.8, 1.0), (200_000.0, 300_000.0), points=5)
    result = two_way_threshold(linear_model(), query, [50_000.0, 80_000.0])
    long_result = replace(result, strategy="Annual CAR-T re-dosing (different product)")
    names = {
        "u_new": "Price of a further course relative to the first (share of the CAR-T product price)",
        "c_new": LONG,
    }
    assert two_way_png(long_result, "EUR", names).startswith(b"\x89PNG")
    assert outside == []
