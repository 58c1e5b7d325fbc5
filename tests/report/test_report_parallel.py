"""The report's sections built in worker processes are the sections built one after another:
the same sections in the same order, the same tables and the same PNG bytes of every figure
(hecon.report.parallel)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hecon.analysis.results import Results
from hecon.report import all_figures, workbook_sheets
from hecon.report.parallel import build_each, usable_workers
from hecon.report.section import Section
from hecon.report.sections import build_sections

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


def _content(sections: list[Section]) -> tuple[object, ...]:
    return (
        [(s.key, s.title, s.paragraphs, s.warnings, s.bullets, s.appendix, sorted(s.files)) for s in sections],
        [repr(t) for t in workbook_sheets(sections)],
        [(f.title, f.caption, f.alt, f.png) for f in all_figures(sections)],
    )


def test_sections_built_by_two_workers_are_those_built_here(rrmm_report: tuple[Path, Results]) -> None:
    _, results = rrmm_report
    here = build_sections(results, workers=0)
    forked = build_sections(results, workers=2)
    assert [s.key for s in forked] == [s.key for s in here]
    assert len(all_figures(here)) >= 10  # the comparison covers the figures
    assert _content(forked) == _content(here)


def _unsendable(results: Results) -> Section:  # a file writer that cannot be pickled back
    return Section("local", "Local", files={"x.txt": lambda path: path.write_text("x")})


def _failing(results: Results) -> Section:
    raise ValueError("this builder fails")


def _titled(results: Results) -> Section:
    return Section("titled", results.title)


def test_a_section_that_cannot_be_sent_back_is_built_here(rrmm_report: tuple[Path, Results]) -> None:
    _, results = rrmm_report
    built = list(build_each([_titled, _unsendable, _titled], results, workers=2))
    assert [s.key for s in built] == ["titled", "local", "titled"]
    assert built[0].title == results.title
    assert list(built[1].files) == ["x.txt"]


def test_a_builder_that_fails_in_a_worker_raises_its_error_here(rrmm_report: tuple[Path, Results]) -> None:
    _, results = rrmm_report
    with pytest.raises(ValueError, match="this builder fails"):
        list(build_each([_titled, _failing], results, workers=2))


def test_workers_only_where_they_help() -> None:
    assert usable_workers(1) == 0  # one section: built here
    assert usable_workers(24) in (0, *range(2, 25))
