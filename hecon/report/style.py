"""One look for every figure of the report: colour-blind-safe palettes, font sizes that stay
legible when a figure is printed at the width of an A4 text column, and a PNG writer.

Colours
-------
* Strategies take the Okabe–Ito palette (Okabe & Ito, *Color Universal Design*, 2008) in
  model order, the same colour in every figure (survival, trace, CE plane, CEAC, ...).
* Treatment-burden categories of states (:data:`CATEGORIES`) take fixed Okabe–Ito colours,
  shared by the state diagram, the Markov trace and the treatment timeline.
* Cost categories take Paul Tol's "muted" palette (Tol, *Colour schemes*, SRON/EPS/TN/09-002),
  largest category first.

Figures are drawn on matplotlib's Agg canvas (no pyplot, no global state): wrap drawing code
in ``with style():`` and finish with :func:`png`.
"""

from __future__ import annotations

import io
import struct
import textwrap
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from hecon.report.numbers import tick

#: Okabe–Ito colours by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Strategy colours in model order (yellow last: weak on white paper).
STRATEGY_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: Line styles that separate strategies beyond the eight colours, and in greyscale print.
STRATEGY_DASHES = ("-", "--", "-.", ":")
#: Paul Tol's muted palette (cost categories), then grey for "other".
TOL_MUTED = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
OTHER_GREY = "#BBBBBB"
#: Distinct colours of health states in the trace, in model order: Paul Tol's "muted" palette
#: (the pale sand last but one), then black, Okabe–Ito orange and sky blue, and (for a panel of more
#: than twelve states) Okabe–Ito blue and vermillion and a mid grey.
STATE_COLOURS = (
    "#332288",
    "#CC6677",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#000000",
    "#E69F00",
    "#DDCC77",
    "#56B4E9",
    "#0072B2",
    "#D55E00",
    "#7F7F7F",
)

#: Label and colour of each treatment-burden category of a state
#: (:data:`hecon.analysis.timeline.CATEGORIES`, same keys in the same order).
CATEGORIES: dict[str, tuple[str, str]] = {
    "hospitalised": ("Hospitalised", "#D55E00"),
    "recovering": ("Recovering", "#E69F00"),
    "on_treatment": ("On treatment", "#0072B2"),
    "treatment_free": ("Treatment-free", "#009E73"),
    "progression_free": ("Progression-free, other", "#56B4E9"),
    "progressed": ("Progressed", "#CC79A7"),
    "alive": ("Alive, no burden flag", "#F0E442"),
    "dead": ("Dead", "#9A9A9A"),
}

#: Darker outlines for colours too pale to outline a box or bar on white paper.
EDGE_COLOURS = {"#F0E442": "#B3A500", "#9A9A9A": "#7A7A7A"}

BASE_FONT = 10.0
"""Size of the figures' smallest text [points]: a figure 10 inches wide, printed at the width of an
A4 text column (7.3 inches), shows it at 7.3 points."""
_RC = {
    "font.family": "DejaVu Sans",
    "font.size": BASE_FONT,
    "axes.titlesize": BASE_FONT + 1,
    "axes.titleweight": "bold",
    "axes.labelsize": BASE_FONT,
    "xtick.labelsize": BASE_FONT,
    "ytick.labelsize": BASE_FONT,
    "legend.fontsize": BASE_FONT,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.edgecolor": "#444444",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "lines.linewidth": 1.8,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    # tick labels never in scientific notation or with an offset ("1e6", "+4.2e5")
    "axes.formatter.limits": (-9, 15),
    "axes.formatter.useoffset": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(STRATEGY_COLOURS)),
}
PRINT_WIDTH_INCHES = (210.0 - 2 * 12.0) / 25.4
"""Width of the printed text column [inches]: A4 less the side margins of report.html's print stylesheet
(12 mm each); a wider figure prints scaled down to it."""
MIN_PRINTED_PT = 7.0
"""Smallest legible printed text [points]: a figure W inches wide needs text of at least
MIN_PRINTED_PT x W / :data:`PRINT_WIDTH_INCHES` points when W is wider than the column."""
DPI = 150
"""Resolution of the PNGs [dots per inch]: sharp on screen and on paper at full text width."""
PNG_COMPRESSION = 3
"""zlib level of the PNGs (0-9; lossless at every level): for the example's figures 3 encodes in
three quarters of the time of the default 6, for 6 % more bytes."""


@contextmanager
def style() -> Iterator[None]:
    """Apply the report's matplotlib settings while figures are created and drawn."""
    with matplotlib.rc_context(_RC):
        yield


def new_figure(width: float, height: float) -> MplFigure:
    """A figure [inches] on an Agg canvas (call inside :func:`style`)."""
    fig = MplFigure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


LEGEND_GAP_INCHES = 0.1
"""Space between a figure's legend below the axes and the tick labels or axis label above it, and
between the legend and the canvas's side edges [inches]."""


def legend_below(
    fig: MplFigure, handles: Sequence[Artist], labels: Sequence[str], max_columns: int = 4, **options: Any
) -> Legend:
    """A legend centred at the bottom of ``fig`` in as many columns (at most ``max_columns``) as fit
    the canvas's width, the columns measured from the drawn labels; the bottom margin then grows to
    hold the legend under the lowest axes' tick labels and axis label (the figure grows taller
    rather than the axes shorter), so that long strategy names stay on the canvas. ``options`` go to
    matplotlib's ``Figure.legend`` (e.g. ``title``)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    gap = LEGEND_GAP_INCHES * fig.dpi
    drawn = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    lowest = min((box.y0 for box in drawn if box is not None), default=fig.subplotpars.bottom * fig.bbox.height)
    below = fig.subplotpars.bottom * fig.bbox.height - lowest  # tick labels and axis labels under the axes
    legend = None
    for columns in range(max(min(max_columns, len(labels)), 1), 0, -1):
        if legend is not None:
            legend.remove()
        legend = fig.legend(handles, labels, loc="lower center", ncol=columns, bbox_to_anchor=(0.5, 0.0), **options)
        if legend.get_window_extent(renderer).width <= fig.bbox.width - 2 * gap:
            break
    assert legend is not None
    height = fig.get_figheight()
    need = (legend.get_window_extent(renderer).height + below + gap) / fig.dpi
    have = fig.subplotpars.bottom * height
    if need > have:
        top = (1 - fig.subplotpars.top) * height
        height += need - have
        fig.set_figheight(height)
        fig.subplots_adjust(bottom=need / height, top=1 - top / height)
    return legend


def fit_title(ax: Axes, title: str, **options: Any) -> Text:
    """Set ``ax``'s title (``options`` to matplotlib's ``Axes.set_title``), wrapped into lines no
    wider than the axes, so that the titles of neighbouring panels neither overlap nor leave the
    canvas."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    text = ax.set_title(title, **options)
    width, room = text.get_window_extent(renderer).width, ax.get_window_extent(renderer).width
    if width > room:
        text.set_text(textwrap.fill(title, max(int(len(title) * room / width), 12)))
    return text


SMALLEST_TEXT_KEY = "hecon smallest text pt"
"""Keyword of the PNG text chunk that holds the size of the figure's smallest text [points, at
the figure's own size]: printed at a width of w inches, a figure W inches wide shows it at
size × w / W points (the print test checks that against the legible minimum)."""


def png(fig: MplFigure) -> bytes:
    """The figure as PNG bytes (no timestamp or software metadata: same input, same bytes), with
    the size of its smallest text (:data:`SMALLEST_TEXT_KEY`, :func:`smallest_text_pt`)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    try:
        fig.savefig(
            buf, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": PNG_COMPRESSION}
        )
    except (RuntimeError, ValueError, OverflowError) as exc:  # e.g. FreeType's raster overflow on absurd values
        return _not_drawn(exc)
    smallest = smallest_text_pt(fig)  # after drawing: the tick labels exist
    return _with_text_chunk(buf.getvalue(), SMALLEST_TEXT_KEY, f"{smallest:.2f}") if smallest else buf.getvalue()


def smallest_text_pt(fig: MplFigure) -> float | None:
    """The size [points] of the smallest visible, non-empty text of a drawn figure (titles, axis
    and tick labels, legends, annotations, labels in the plot); None when it has no text. Texts
    of hidden artists (and of hidden axes) do not count."""

    def texts(artist: Artist) -> Iterator[Text]:
        if not artist.get_visible():
            return
        if isinstance(artist, Text) and artist.get_text().strip():
            yield artist
        for child in artist.get_children():
            yield from texts(child)

    return min((float(t.get_fontsize()) for t in texts(fig)), default=None)


def _with_text_chunk(data: bytes, key: str, value: str) -> bytes:
    """PNG ``data`` with a tEXt chunk ``key``: ``value`` after its header chunk (IHDR: 8 + 25 bytes)."""
    body = b"tEXt" + key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return data[:33] + chunk + data[33:]


def png_text(data: bytes, key: str) -> str | None:
    """The value of the tEXt chunk ``key`` of PNG ``data`` (None when it has none)."""
    at = 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"tEXt":
            name, _, value = data[at + 8 : at + 8 + length].partition(b"\0")
            if name.decode("latin-1") == key:
                return value.decode("latin-1")
        if kind == b"IEND":
            break
        at += 12 + length
    return None


def _not_drawn(exc: Exception) -> bytes:
    """A small PNG that says the figure could not be drawn and why (values outside what the
    plotting library can draw), so that the report is still written and the reader is told."""
    fig = new_figure(6.0, 1.2)
    fig.text(0.02, 0.5, plain(f"This figure could not be drawn: {type(exc).__name__}: {exc}"[:150]), va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def plain(text: object) -> str:
    """Text drawn literally by matplotlib (no mathtext from ``$``)."""
    return str(text).replace("$", r"\$")


def strategy_colour(i: int) -> str:
    return STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)]


def strategy_dash(i: int) -> str:
    """Line style of the strategy at position ``i``: strategies differ by colour *and* dash, so
    that overlapping curves stay visible and greyscale prints stay readable."""
    return STRATEGY_DASHES[i % len(STRATEGY_DASHES)]


def strategy_colours(strategies: Sequence[str]) -> dict[str, str]:
    return {s: strategy_colour(i) for i, s in enumerate(strategies)}


def thousands(decimals: int = 0) -> FuncFormatter:
    """Axis tick labels with thousands separators (``1,250,000``)."""
    return FuncFormatter(tick(decimals))
