"""report.html: one self-contained file (inline CSS, figures as base64 PNG, no script, no
external URL), rendered with Jinja2 with autoescaping on, so every name, description and
source taken from the model is HTML-escaped.

Laid out for a laptop screen (a readable column, wide tables scroll sideways) and for paper
(print stylesheet: A4, each numbered section on a new page, figures and table rows kept
whole, table headers repeated). Tables with an ``id`` carry ``data-row`` and ``data-field``
attributes so that scripts and tests can read the numbers shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from hecon.analysis.results import Results
from hecon.report.numbers import KINDS, number_text
from hecon.report.section import Section, numbered_figures
from hecon.report.tables import Table

_TEMPLATES = Path(__file__).parent / "templates"
NUMERIC_KINDS = frozenset(k for k, (_, digits) in KINDS.items() if digits is not None) | {"sig4", "id"}


def format_value(value: Any, kind: str = "raw") -> str:
    """A table value as text (:func:`hecon.report.numbers.number_text`).

    >>> format_value(1234567.891, "money"), format_value(17.43567, "qaly"), format_value(None, "money")
    ('1,234,568', '17.436', '–')
    """
    return number_text(value, kind)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = format_value
    env.filters["figure_id"] = id  # the key of figure_number (numbered_figures)
    env.globals["numeric"] = lambda kind: kind in NUMERIC_KINDS
    return env


def render_report_html(results: Results, sections: Sequence[Section]) -> str:
    title = results.title or (results.input_path.stem if results.input_path else "hecon model")
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            results=results,
            sections=sections,
            figure_number={id(f): k for k, f in enumerate(numbered_figures(sections), start=1)},
            input_name=results.input_path.name if results.input_path else None,
        )
    )


def write_report_html(results: Results, sections: Sequence[Section], path: Path) -> None:
    path.write_text(render_report_html(results, sections), encoding="utf-8")


__all__ = ["format_value", "render_report_html", "write_report_html", "Table"]
