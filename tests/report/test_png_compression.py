"""The report's PNGs are compressed at a lower zlib level than matplotlib's default (faster to
write), which is lossless: the same pixels as the default encoding of the same figure."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from hecon.report.style import DPI, new_figure, png, style


def _figure():
    with style():
        fig = new_figure(5.0, 3.0)
        ax = fig.add_subplot()
        x = np.linspace(0.0, 10.0, 200)
        ax.plot(x, np.sin(x), label="sin")
        ax.scatter(x[::7], np.cos(x[::7]), s=8, alpha=0.4, label="cos")
        ax.set_title("A title")
        ax.legend()
        return fig


def test_the_png_has_the_pixels_of_the_default_encoding():
    fig = _figure()
    ours = png(fig)
    default = io.BytesIO()
    fig.savefig(default, format="png", dpi=DPI, metadata={"Software": None})
    pixels = np.asarray(Image.open(io.BytesIO(ours)))
    reference = np.asarray(Image.open(io.BytesIO(default.getvalue())))
    assert pixels.shape == reference.shape == (450, 750, 4)
    assert np.array_equal(pixels, reference)
