"""How strong each external check of the RRMM example is (hecon/examples/rrmm/survival.py EXTERNAL_CHECKS, shown by
hecon/examples/rrmm/doc_tables.py): a row that is not like for like or is fully dependent is no check, a weakened
check says how it is weakened, and the table's verdict marks a model value at the edge of its range. No model run:
the rows are read as data, and the edge and summary rules are checked on hand-made values."""

from __future__ import annotations

import pytest

from hecon.examples.rrmm.doc_tables import (
    AT_THE_EDGE,
    at_the_edge,
    derived_inputs_summary,
    external_checks_summary,
    verdict_cell,
)
from hecon.examples.rrmm.survival import (
    CAVEATS,
    EXTERNAL_CHECKS,
    NOT_A_CHECK,
    ONE_SIDED,
    OUTSIDE,
    PARTLY_DEPENDENT,
    WEAK,
    WITHIN,
    DerivedInput,
    ExternalCheck,
)
from hecon.model.spec import PARTITIONED_SURVIVAL as PS
from hecon.model.spec import STATE_TRANSITION as ST


def _check(
    low: float | None,
    high: float | None,
    caveats: tuple[str, ...] = (),
    label: str = "x",
    structure: str = ST,
    inputs: tuple[str, ...] = (),
) -> ExternalCheck:
    verdict = NOT_A_CHECK if low is None and high is None else WITHIN
    return ExternalCheck(
        label, "s", None, "os", None, 1.0, low, high, "b", verdict, "r", structure, inputs=inputs, caveats=caveats
    )


def test_no_check_is_dependent_or_unlike_and_counted_as_a_check():
    """A row whose source is not like for like, or that is the input's own source, is no external check; a partly
    dependent row says so in its caveats and its reason, and every caveat is explained in the reason."""
    for c in EXTERNAL_CHECKS:
        assert set(c.caveats) <= set(CAVEATS) and len(set(c.caveats)) == len(c.caveats), c.label
        if "not like for like" in c.reason or c.reason.startswith("not an external check"):
            assert c.verdict == NOT_A_CHECK and c.caveats == (), c.label
        if c.verdict == NOT_A_CHECK:
            assert c.caveats == () and c.low is None and c.high is None, c.label
        assert ("partly dependent" in c.reason.lower()) == (PARTLY_DEPENDENT in c.caveats), c.label
        for note in c.notes:
            assert note in c.reason.lower(), (c.label, note)


def test_the_reviewed_weak_rows_are_classified():
    """The rows a review found weak: Razzo 2025 (biases in opposite directions) is no check; Usmani's lower bound is
    one-sided and weak; KarMMa-3's 3 of 132 is weak; Van Oekelen's median survival from relapse is partly dependent
    (the post-relapse mix 35/79 is its own)."""
    by_label = {c.label: c for c in EXTERNAL_CHECKS}
    razzo = [c for label, c in by_label.items() if "Razzo" in label]
    usmani = [c for label, c in by_label.items() if "Usmani" in label]
    karmma = [c for label, c in by_label.items() if "KarMMa-3" in label]
    van_oekelen = [c for c in EXTERNAL_CHECKS if c.endpoint == "relapse_median" and "Van Oekelen" in c.label]
    assert len(razzo) == 1 and razzo[0].verdict == NOT_A_CHECK
    assert len(usmani) == 2 and all({ONE_SIDED, WEAK} <= set(c.caveats) for c in usmani)
    assert len(karmma) == 1 and WEAK in karmma[0].caveats
    assert len(van_oekelen) == 1 and PARTLY_DEPENDENT in van_oekelen[0].caveats


def test_a_range_open_on_one_side_is_one_sided():
    """One-sidedness is computed from the range, not typed: open above (CARTITUDE-1's median OS 41.9 to not estimable)
    or below makes a check one-sided, with or without the caveat listed; a closed range or no range does not."""
    assert _check(41.9, None).notes == (ONE_SIDED,)
    assert _check(None, 10.0, (WEAK,)).notes == (ONE_SIDED, WEAK)
    assert _check(0.0, 1.0, (WEAK, PARTLY_DEPENDENT)).notes == (PARTLY_DEPENDENT, WEAK)
    assert _check(None, None).notes == ()
    assert verdict_cell(_check(41.9, None), 60.0) == "**within** (one-sided)"
    jagannath = [c for c in EXTERNAL_CHECKS if "Jagannath" in c.label]
    assert len(jagannath) == 1 and ONE_SIDED in jagannath[0].notes


@pytest.mark.parametrize(
    ("low", "high", "got", "edge"),
    [
        (0.59, 1.14, 0.60, True),  # 0.01 from the lower end, 1.8% of the width 0.55
        (0.59, 1.14, 0.80, False),
        (0.59, 1.14, 1.10, True),  # 0.04 from the upper end, 7.3% of the width
        (0.59, 1.14, 0.50, False),  # outside: not "at the edge" but outside
        (41.9, None, 43.0, True),  # open above: 1.1 above the end, 2.6% of 41.9
        (41.9, None, 51.0, False),
        (None, 10.0, 9.8, True),  # open below: 2% of 10
    ],
)
def test_at_the_edge_is_the_outer_tenth_or_five_percent_of_an_open_end(low, high, got, edge):
    assert at_the_edge(_check(low, high), got) is edge


def test_verdict_cell_names_caveats_and_the_edge():
    assert verdict_cell(_check(0.59, 1.14), 0.80) == "**within**"
    assert verdict_cell(_check(0.59, 1.14), 0.60) == f"**within** ({AT_THE_EDGE})"
    assert verdict_cell(_check(0.0, 1.0, (ONE_SIDED, WEAK)), 2.0) == f"**{OUTSIDE}** (one-sided, weak)"
    assert verdict_cell(_check(None, None), 1.0) == f"**{NOT_A_CHECK}**"


def test_summary_counts_independent_checks_within_their_range():
    """Five rows: one independent within, one partly dependent within, one within at the edge, one outside, one
    no check: 3 within, of which 2 weakened, so 1 independent check within its range."""
    values = [
        (_check(0.0, 1.0), 0.5),
        (_check(0.0, 1.0, (PARTLY_DEPENDENT,)), 0.5),
        (_check(0.0, 1.0), 0.99),
        (_check(0.0, 1.0), 2.0),
        (_check(None, None), 0.5),
    ]
    text = external_checks_summary(values)
    assert text.startswith("Of the 5 rows, 3 are external checks within their range, 1 outside and 1 no external check")
    assert "of the 3 within, 2 are weakened (1 partly dependent, 1 at the edge of its range;" in text
    assert text.endswith(
        "; independent checks within their range: 1, from 1 source (a source can check more than one curve)."
    )


def test_summary_counts_a_check_repeated_in_the_other_structure_once():
    """The same check (label, source) with the same model value in both structures is one check; with another model
    value (another curve) it is two; within one structure rows are never merged (the five-row summary above)."""
    same = [(_check(0.0, 1.0, label="a"), 0.5), (_check(0.0, 1.0, label="a", structure=PS), 0.5)]
    same.append((_check(0.0, 1.0, label="b"), 2.0))
    text = external_checks_summary(same)
    assert text.startswith("Of the 3 rows, 1 repeat a row of the other structure")
    assert "of the 2 distinct rows, 1 are external checks within their range, 1 outside and 0 no external check" in text
    assert text.endswith(
        "independent checks within their range: 1, from 1 source (a source can check more than one curve)."
    )
    other = [(_check(0.0, 1.0, label="a"), 0.5), (_check(0.0, 1.0, label="a", structure=PS), 0.6)]
    assert external_checks_summary(other).startswith("Of the 2 rows, 2 are external checks within their range")


def test_inputs_are_counted_by_the_strength_of_their_checks():
    """Four inputs: 'a' has a check without caveats that its model value fails (outside still counts: the check could
    fail and did); 'b' only a partly dependent check within; 'c' only a row that is no check; 'd' no row at all."""
    values = [
        (_check(0.0, 1.0, label="1", inputs=("a",)), 2.0),
        (_check(0.0, 1.0, (PARTLY_DEPENDENT,), label="2", inputs=("b", "a")), 0.5),
        (_check(None, None, label="3", inputs=("c",)), 0.5),
    ]
    inputs = tuple(DerivedInput(name, (1.0,)) for name in "abcd")
    assert derived_inputs_summary(values, inputs) == (
        "By input: of the 4 derived or calibrated inputs (`DERIVED_INPUTS`), 1 have an external check without "
        "caveats (a outside; within if one such check is, else outside), 1 only weakened checks (b) and 2 no external "
        "check (c, d: a gap, G, with the search recorded in `DERIVED_INPUTS`)."
    )
