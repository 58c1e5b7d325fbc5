"""The shipped example's report.html read as text, as a committee member reads it: money is never
in scientific notation, years are not written "2,024", no source is a file section ("mm-inputs §")
or a Python module or function, and no developer path appears.

The example (hecon/examples/rrmm; fixture rrmm_report) runs with its one-way analysis and a small PSA
(20 samples) to keep the test short; the text checks do not depend on the number of samples."""

from __future__ import annotations

import html
import re

import pytest

from hecon.report import REPORT_HTML


@pytest.fixture(scope="module")
def report_text(rrmm_report) -> str:
    folder, _ = rrmm_report
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.DOTALL)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _hits(pattern: str, text: str) -> list[str]:
    return [text[max(0, m.start() - 60) : m.end() + 30] for m in re.finditer(pattern, text)]


def test_no_scientific_notation(report_text):
    assert not _hits(r"\d(?:\.\d+)?[eE][+-]?\d+\b", report_text)


def test_years_and_seeds_are_plain_integers(report_text):
    assert not _hits(r"\b2,0\d\d\b(?!,\d)", report_text)
    assert not _hits(r"20,241,126", report_text)
    assert "20241126" in report_text  # the seed is shown, as plain digits


@pytest.mark.parametrize(
    "pattern",
    [
        r"mm-inputs",  # a file the reader does not have
        r"§\s*\d",  # a file section
        r"hecon\.examples|hecon/",  # a Python module or a path in the package
        r"\.py\b|\.csv\b|\.md\b",  # a developer file
        r"shared/data",
        r"\bdf_[a-z_]+",  # an R data frame's name
    ],
)
def test_no_developer_text(report_text, pattern):
    assert not _hits(pattern, report_text), _hits(pattern, report_text)[:5]


def test_money_keeps_its_thousands_separators(report_text):
    # e.g. the reference value and the DSA's price range
    assert re.search(r"EUR [1-9]\d{0,2}(,\d{3})+", report_text)
    assert not _hits(r"EUR [1-9]\d{4,}\b", report_text)


def test_icers_of_dominated_strategies_say_so_in_the_same_sentence(report_text):
    for line in re.split(r"(?<=[.;])\s", report_text):
        if "per QALY gained versus" in line and "dominated" in line.lower():
            return
    pytest.fail("no ICER sentence states dominance")
