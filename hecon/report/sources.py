"""Sources as a reader reads them: the workbook's evidence tags written out in words.

An input's ``source`` may carry the tags of the workbook convention (README, "Sources"): ``P:``
published (read), ``V:`` published but recalled (to be verified), ``D:`` derived, ``A:`` assumption,
``G:`` gap (no source found), at the start of a part of the text (after ``;`` or an opening bracket),
or alone in brackets (``(A)``, ``(V, Pfizer 2023)``, ``(range 40-80, A)``). The report and results.xlsx
print them as words: a published source as its citation alone, the others led by
"Value to be verified", "Derived", "Assumption" or "Evidence gap" (in lower case inside brackets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from hecon.report.section import Section
from hecon.report.tables import Table

__all__ = ["TAG_WORDS", "reader_source", "write_tags_in_words"]

#: Each tag in words (a published source is its citation alone).
TAG_WORDS = {
    "P": "",
    "V": "Value to be verified",
    "D": "Derived",
    "A": "Assumption",
    "G": "Evidence gap",
}
#: A tag alone in brackets, in words.
_ALONE_WORDS = {"P": "published", "V": "to be verified", "D": "derived", "A": "assumption", "G": "evidence gap"}
#: The word a tagged text may repeat after its tag ("G: gap, placeholder ..."), left out once in words.
_REPEATED = {"V": r"(?:to be verified|to verify|verify)", "D": "derived", "A": "assumption", "G": "gap"}

_LEADING = re.compile(r"(^|(?<=[;,:] )|(?<=\()|(?<=\n))([PVDAG]):\s+")
_ALONE = re.compile(r"(?<=\()([PVDAG])(?=[,;)])|(?<=, )([PVDAG])(?=[;)])|^([PVDAG])(?=;)")


def _leading(match: re.Match[str]) -> str:
    tag = match.group(2)
    words = TAG_WORDS[tag]
    if not words:
        return ""
    starts_a_part = match.start() == 0 or match.string[match.start() - 2 : match.start()] in ("; ", "\n")
    return f"{words if starts_a_part else words[0].lower() + words[1:]}: "


def reader_source(text: str) -> str:
    """``text`` with its evidence tags in words.

    >>> reader_source("G: gap, placeholder EUR 60/g (range 40-80, A); replace with the Dutch price")
    'Evidence gap: placeholder EUR 60/g (range 40-80, assumption); replace with the Dutch price'
    >>> reader_source("P: Moreau et al., NEJM 2022; 11.4 months (V, Garfall, ASCO 2024)")
    'Moreau et al., NEJM 2022; 11.4 months (to be verified, Garfall, ASCO 2024)'
    >>> reader_source("A: assumption, 65-69 value carried to ages 63-64; D: ln 2 / median (A: exponential)")
    'Assumption: 65-69 value carried to ages 63-64; Derived: ln 2 / median (assumption: exponential)'
    >>> reader_source("PSA: Gamma with SE 25%; Plan A: keep")
    'PSA: Gamma with SE 25%; Plan A: keep'
    >>> reader_source("A; age 63 (A; trials 61-65), review, V: Crit Care 2024; eligible: G: none found")
    'Assumption; age 63 (assumption; trials 61-65), review, value to be verified: Crit Care 2024; eligible: evidence gap: none found'
    """
    out = []
    at = 0
    for m in _LEADING.finditer(text):
        out.append(text[at : m.start()])
        out.append(_leading(m))
        at = m.end()
        repeated = _REPEATED.get(m.group(2))
        if repeated:
            again = re.match(rf"{repeated}\b[,;:.]?\s*", text[at:], flags=re.IGNORECASE)
            if again:
                at += again.end()
                if at == len(text) and out[-1]:  # the tag and its word alone: "A: assumption" -> "Assumption"
                    out[-1] = out[-1].removesuffix(": ")
    out.append(text[at:])
    written = "".join(out)
    return _ALONE.sub(lambda m: _alone(m), written)


def _alone(match: re.Match[str]) -> str:
    words = _ALONE_WORDS[match.group(1) or match.group(2) or match.group(3)]
    return words[0].upper() + words[1:] if match.start() == 0 else words


def _walk(sections: Iterable[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from _walk(s.subsections)
        if s.detail is not None:
            yield from _walk([s.detail])


def _cell(value: Any) -> Any:
    return reader_source(value) if isinstance(value, str) else value


def write_tags_in_words(sections: Iterable[Section]) -> None:
    """Every text of ``sections`` (paragraphs, bullets, warnings, and the cells and notes of their tables,
    which report.html and results.xlsx both print) with the evidence tags in words (:func:`reader_source`),
    in place: a table shown in several places stays one object, and a text already in words is left as it
    is."""
    tables: dict[int, Table] = {}
    for s in _walk(sections):
        s.paragraphs[:] = [reader_source(x) for x in s.paragraphs]
        s.bullets[:] = [reader_source(x) for x in s.bullets]
        s.warnings[:] = [reader_source(x) for x in s.warnings]
        for t in [*s.tables, *s.sheets, *(x for x in s.content if isinstance(x, Table))]:
            tables.setdefault(id(t), t)
    for t in tables.values():
        t.rows[:] = [[_cell(v) for v in row] for row in t.rows]
        t.note = reader_source(t.note)
