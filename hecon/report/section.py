"""One part of the report: text, tables and figures for report.html, sheets for results.xlsx."""

from __future__ import annotations

from collections.abc import Callable
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

    @property
    def blocks(self) -> list[Any]:
        """Tables and figures in display order."""
        return list(self.content) if self.content else list(self.tables) + list(self.figures)
