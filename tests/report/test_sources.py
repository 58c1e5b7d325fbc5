"""Evidence tags of the workbook convention (P, V, D, A, G) written out in words for a reader, wherever
they stand in a source text; text that merely looks alike is left as it is."""

from __future__ import annotations

import pytest

from hecon.report.sources import reader_source


@pytest.mark.parametrize(
    ("tagged", "words"),
    [
        ("P: Moreau et al., NEJM 2022", "Moreau et al., NEJM 2022"),
        (
            "V: Garfall et al., ASCO 2024; not re-read, verify",
            "Value to be verified: Garfall et al., ASCO 2024; not re-read, verify",
        ),
        (
            "G: gap, placeholder EUR 60/g (range 40-80, A)",
            "Evidence gap: placeholder EUR 60/g (range 40-80, assumption)",
        ),
        ("A: assumption, Mangen's value carried down", "Assumption: Mangen's value carried down"),
        ("D: ln 2 / median", "Derived: ln 2 / median"),
        ("P: list; G: web listings without a date", "list; Evidence gap: web listings without a date"),
        (
            "USD 13,051 (V, Pfizer Aug 2023) x 0.92 (A)",
            "USD 13,051 (to be verified, Pfizer Aug 2023) x 0.92 (assumption)",
        ),
        ("D: label (P: EU label)", "Derived: label (EU label)"),
        ("midpoint, P: Howell et al.", "midpoint, Howell et al."),
        ("Start age 63 (A; trials 61-65)", "Start age 63 (assumption; trials 61-65)"),
        ("eligible: G: no Dutch count", "eligible: evidence gap: no Dutch count"),
        ("A; every adverse event", "Assumption; every adverse event"),
        ("G: gap", "Evidence gap"),  # the tag and its word alone
        ("A: assumption", "Assumption"),
    ],
)
def test_tags_in_words(tagged, words):
    assert reader_source(tagged) == words


@pytest.mark.parametrize(
    "plain",
    ["PSA: Gamma with SE 25%", "Plan A: keep", "Vitamin D: 400 IU", "grade A-D", "HR (95% CI)", "A or B", ""],
)
def test_text_without_tags_is_unchanged(plain):
    assert reader_source(plain) == plain


def test_words_are_never_translated_twice():
    once = reader_source("G: gap, placeholder (A); V: ECB rate")
    assert reader_source(once) == once
