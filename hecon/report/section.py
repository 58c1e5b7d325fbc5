"""One part of the report: text, tables and figures for report.html, sheets for results.xlsx."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hecon.report.figures import Figure
from hecon.report.tables import Table


@dataclass
class Section:
    """One part of the report.

    key         : identifier (HTML anchor)
    title       : heading
    warnings    : what the reader must know before anything else, shown first and boxed
    paragraphs  : plain-text paragraphs (escaped in HTML)
    bullets     : plain-text list items
    tables      : tables shown in report.html (each is also a sheet of results.xlsx unless a
                  sheet of the same name is in ``sheets``, e.g. a base-case view of it)
    figures     : figures shown in report.html (and on the Figures sheet of results.xlsx)
    sheets      : tables written to results.xlsx, one sheet each
    subsections : nested sections
    files       : extra files of the report folder: name (fixed by hecon) -> writer(path)
    content     : the tables and figures in the order report.html shows them (default: the
                  tables, then the figures); every item must also be in ``tables`` or ``figures``
    detail      : the detail of a main section (tables a committee consults rather than reads),
                  printed as an appendix after the main part (:func:`hecon.report.sections.build_sections`)
    appendix    : True for a section printed as an appendix (each on a page of its own)
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    sheets: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    files: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    content: list[Any] = field(default_factory=list)
    detail: Section | None = None
    appendix: bool = False

    @property
    def blocks(self) -> list[Any]:
        """Tables and figures in display order."""
        return list(self.content) if self.content else list(self.tables) + list(self.figures)


def detail_section(key: str, title: str, subsections: list[Section], content: list[Any] | None = None) -> Section:
    """The appendix holding the detail of main section ``key`` (its tables and figures stay in the
    main section's ``tables``/``figures``/``sheets`` for results.xlsx; here they are only shown)."""
    return Section(
        f"{key}_detail",
        f"Appendix: {title.lower()} (detail)",
        subsections=subsections,
        content=content or [],
        appendix=True,
    )


def _in_order(sections: Sequence[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from _in_order(s.subsections)


def numbered_figures(sections: Sequence[Section]) -> list[Figure]:
    """Every figure of ``sections`` once, in the order report.html shows them (each section's
    blocks, then its subsections; a main section's detail figures where its appendix shows them),
    then any figure a section lists but does not show. Figure k of report.html and of the Figures
    sheet of results.xlsx is the k-th of this list (the one numbering of both)."""
    seen: dict[int, Figure] = {}
    for s in _in_order(sections):
        for block in s.blocks:
            if isinstance(block, Figure):
                seen.setdefault(id(block), block)
    for s in _in_order(sections):
        for f in s.figures:
            seen.setdefault(id(f), f)
    return list(seen.values())
