"""docs/rrmm.md's PSA tables agree with each other: the decision's PSA (block ``psa_decision``: each structure
and their average), the plateau table (block ``plateau_psa``: each structure per cure-plateau alternative and
both) and the deterministic alternatives (block ``alternatives``) come from the same runs, so

- the plateau table's "both" row of a structure is that structure's one-time CAR-T row of the decision's PSA
  (the same samples: equal as printed);
- the "both" row is the share-weighted mean of the two alternatives' rows (a mixture identity, up to the
  printed rounding of shares and means), and each alternative's share of the samples is its PSA weight 0.5
  within Monte Carlo error (binomial: 4 standard errors of a share of n draws);
- the averaged row is the weighted mean of the two structures' rows: with the weights 0.5 / 0.5 every sample of
  both structures is pooled (:func:`hecon.analysis.structure_average.pooled_counts`), so the pooled mean
  increment and the pooled P(INMB > 0) are the weighted means of the structures' (exact, up to printing);
- the deterministic incremental QALYs of each alternative are those of the alternatives table.

And the sequences and re-dosing, which have no partitioned version, are not mixed into the average: the pooled
PSA holds RWPC, one-time CAR-T and the weekly bispecific only, and the report's sentence says the others rest on
the state-transition version.

The tables are checked against fresh runs elsewhere (tests/examples/test_rrmm.py, test_rrmm_plateau.py); the
reference values here are the page's own other tables, combined by the identities written out in each test.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from hecon.analysis.structure_average import pooled_counts, structure_weights
from hecon.examples.rrmm import BSAB, CART, REDOSE, RWPC, rrmm_model
from hecon.examples.rrmm.psa_tables import MAKE_RUN_PSA
from hecon.examples.rrmm.strategies import SEQ_BSAB_CART, SEQ_CART_BSAB
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rrmm.md"
NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")


def _block(name: str) -> list[list[str]]:
    """The rows (cells, stripped) of the generated markdown table ``name`` of docs/rrmm.md, header and rule left out."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"<!-- generated: {name} ")
    body = text[text.index("\n", start) + 1 : text.index("<!-- end generated -->", start)]
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]


def _num(cell: str) -> float:
    return float(NUMBER.findall(cell)[0].replace(",", ""))


def _pcts(cell: str) -> list[float]:
    """'0% / 14%' -> [0.0, 0.14]"""
    return [float(x) / 100 for x in re.findall(r"(\d+)%", cell)]


def _decision_rows() -> dict[tuple[str, str], list[str]]:
    return {(r[0], r[1]): r for r in _block("psa_decision")}


def _plateau_rows() -> dict[tuple[str, str], list[str]]:
    return {(r[0], r[1].split(" (")[0]): r for r in _block("plateau_psa")}


@pytest.mark.parametrize("structure", ["ST", "PS"])
def test_plateau_both_row_is_the_decision_psa_car_t_row(structure: str) -> None:
    """Same samples, same code path for the means and the pairwise P(INMB > 0): equal as printed."""
    decision = _decision_rows()[(structure, CART)]
    both = _plateau_rows()[(structure, "both")]
    assert both[3] == decision[2]  # mean incremental costs
    assert both[4] == decision[3]  # mean incremental QALYs
    assert _pcts(both[6]) == _pcts(decision[6])  # P(INMB > 0 vs the bispecific) at EUR 50,000 / 80,000


@pytest.mark.parametrize("structure", ["ST", "PS"])
def test_plateau_both_row_is_the_share_weighted_mixture_of_the_alternatives(structure: str) -> None:
    """mean(both) = s1 mean(no plateau) + s2 mean(plateau), s1 + s2 = 1. Printed shares are whole per cents (error
    <= 0.005 each) and means rounded (EUR 0.5, 0.005 QALYs), so the identity holds within
    0.005 |m1 - m2| + the rounding of the three means. The shares are draws of the 0.5 / 0.5 plateau weight."""
    rows = _plateau_rows()
    one, two, both = rows[(structure, "no plateau")], rows[(structure, "plateau")], rows[(structure, "both")]
    s1, s2 = _num(one[2]) / 100, _num(two[2]) / 100
    assert _num(both[2]) == 100 and abs(s1 + s2 - 1) <= 0.01
    for col, rounding in ((3, 0.5), (4, 0.005)):
        m1, m2, m = _num(one[col]), _num(two[col]), _num(both[col])
        mixture = s1 * m1 + (1 - s1) * m2
        assert abs(m - mixture) <= 0.005 * abs(m1 - m2) + 3 * rounding, (col, m, mixture)
    se = math.sqrt(0.25 / MAKE_RUN_PSA)
    assert abs(s1 - 0.5) <= 4 * se + 0.005


def test_averaged_row_is_the_weighted_mean_of_the_structures() -> None:
    """With weights 0.5 / 0.5 every sample of both PSAs is pooled, so the pooled mean increment of each shared
    strategy is 0.5 ST + 0.5 PS (exact up to printing: EUR 0.5 and 0.005 QALYs per mean) and so is the pairwise
    P(INMB > 0) (a mean of indicators; printed to whole per cents)."""
    settings = rrmm_model().settings
    weights = structure_weights(settings)
    assert weights == {STATE_TRANSITION: 0.5, PARTITIONED_SURVIVAL: 0.5}
    assert pooled_counts(weights, MAKE_RUN_PSA) == {STATE_TRANSITION: MAKE_RUN_PSA, PARTITIONED_SURVIVAL: MAKE_RUN_PSA}
    rows = _decision_rows()
    (label,) = {k[0] for k in rows if k[0].startswith("Averaged")}
    assert label == "Averaged (ST 50%, PS 50%)"
    for strategy in (RWPC, CART):
        st, ps, avg = rows[("ST", strategy)], rows[("PS", strategy)], rows[(label, strategy)]
        for col, rounding in ((2, 0.5), (3, 0.005)):
            assert abs(_num(avg[col]) - (_num(st[col]) + _num(ps[col])) / 2) <= 2 * rounding, (strategy, col)
        for a, s, p in zip(_pcts(avg[6]), _pcts(st[6]), _pcts(ps[6]), strict=True):
            assert abs(a - (s + p) / 2) <= 0.01, strategy


def test_only_the_strategies_of_both_structures_are_averaged() -> None:
    """The averaged rows hold RWPC, one-time CAR-T and the weekly bispecific only; the sequences and re-dosing
    appear in the ST rows alone (no partitioned version), never in the PS or averaged rows."""
    rows = _decision_rows()
    by_structure: dict[str, set[str]] = {}
    for structure, strategy in rows:
        by_structure.setdefault(structure, set()).add(strategy.replace(" (comparator)", ""))
    st_only = {REDOSE, SEQ_CART_BSAB, SEQ_BSAB_CART}
    assert st_only <= by_structure["ST"]
    for structure, strategies in by_structure.items():
        if structure != "ST":
            assert strategies == {RWPC, CART, BSAB}, structure


def test_the_report_says_which_strategies_are_outside_the_average() -> None:
    """The report's decision-basis sentence (from Results.psa_structures.only_in) names the state-transition-only
    strategies as outside the averaged decision (a small PSA of both structures)."""
    from hecon.analysis.psa import run_psa
    from hecon.analysis.psa_summary import summarise_psa
    from hecon.analysis.structure import other_structure
    from hecon.analysis.structure_average import pool_psa, structure_average

    spec = rrmm_model()
    other = other_structure(spec)
    assert other is not None
    n = 4
    datasets = {STATE_TRANSITION: run_psa(spec, n, 1), PARTITIONED_SURVIVAL: run_psa(other, n, 1)}
    weights = structure_weights(spec.settings)
    pooled = pool_psa(datasets, weights)
    shared = [str(s) for s in pooled["strategy"].values]
    assert set(shared) == {RWPC, CART, BSAB}
    summary = summarise_psa(pooled, BSAB, [50_000.0], 50_000.0, options=[s for s in spec.options if s in shared])
    average = structure_average(datasets, weights, summary, [s.name for s in spec.strategies])
    assert dict(average.only_in) == dict.fromkeys((REDOSE, SEQ_CART_BSAB, SEQ_BSAB_CART), STATE_TRANSITION)


def test_deterministic_qalys_of_the_plateau_table_are_the_alternatives_table() -> None:
    """The plateau table's deterministic incremental QALYs of each alternative equal the alternatives table's
    one-time CAR-T vs weekly bispecific QALYs of the same structure and plateau choice."""
    plateau = _plateau_rows()
    alternatives = _block("alternatives")
    header = DOCS.read_text(encoding="utf-8")
    assert "One-time CAR-T vs weekly bispecific" in header
    for row in alternatives:
        if row[0].startswith("**"):
            continue
        structure = "ST" if row[0].startswith("state transition") else "PS"
        choice = "no plateau" if row[0].split("plateau: ")[1].startswith("no plateau") else "plateau"
        car_t = row[3]  # "incremental costs / incremental QALYs: ICER"
        dq = float(car_t.split(" / ")[1].split(":")[0])
        assert _num(plateau[(structure, choice)][5]) == pytest.approx(dq, abs=1e-9), (structure, choice)
