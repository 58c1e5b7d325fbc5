"""The size of a figure's smallest text, recorded in its PNG when it is drawn (the print test of
report.html scales it by the printed width): every visible text counts (titles, tick labels,
legends, annotations), hidden ones do not, and the chunk leaves a valid PNG."""

from __future__ import annotations

import io

from PIL import Image

from hecon.report.figures import Figure
from hecon.report.style import SMALLEST_TEXT_KEY, new_figure, png, style


def _drawn(tick_size: float, legend_size: float, note_size: float) -> Figure:
    with style():
        fig = new_figure(5.0, 3.0)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label="line")
        ax.set_title("A title", fontsize=14)
        ax.tick_params(labelsize=tick_size)
        ax.legend(fontsize=legend_size)
        ax.text(0.5, 0.5, "note", fontsize=note_size)
        ax.text(0.2, 0.2, "hidden", fontsize=2.0).set_visible(False)
        hidden = fig.add_axes((0.7, 0.7, 0.2, 0.2))
        hidden.set_title("in hidden axes", fontsize=3.0)
        hidden.set_visible(False)
        return Figure("t", png(fig))


def test_the_smallest_visible_text_is_recorded_whichever_kind_it_is():
    assert _drawn(tick_size=6.0, legend_size=9.0, note_size=12.0).smallest_text_pt == 6.0
    assert _drawn(tick_size=9.0, legend_size=5.5, note_size=12.0).smallest_text_pt == 5.5
    assert _drawn(tick_size=9.0, legend_size=9.0, note_size=4.25).smallest_text_pt == 4.25


def test_the_record_is_a_valid_png_text_chunk():
    figure = _drawn(tick_size=7.0, legend_size=9.0, note_size=12.0)
    image = Image.open(io.BytesIO(figure.png))
    image.load()  # checks every chunk's CRC
    assert image.text[SMALLEST_TEXT_KEY] == "7.00"
    assert image.size == figure.size == (750, 450)
    assert Figure("no record", b"").smallest_text_pt is None
