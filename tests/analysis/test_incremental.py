"""Incremental analysis (hecon.analysis.incremental): the frontier, dominance, pairwise comparisons, ICERs in words.

Reference numbers are worked by hand in the comments or taken from published examples
(cited where used); none is produced by the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hecon.analysis import incremental
from hecon.model.problems import ModelError

R = incremental.STATUS_REFERENCE
ND = incremental.STATUS_NON_DOMINATED
D = incremental.STATUS_DOMINATED
ED = incremental.STATUS_EXTENDEDLY_DOMINATED


def table(rows):
    """(strategy, status, comparator, icer) per row, in the returned (cost) order."""
    return [(r.strategy, r.status, r.comparator, r.icer) for r in rows]


# --------------------------------------------------------------------------------------
# incremental_analysis: published examples
# --------------------------------------------------------------------------------------


def test_herc_example_as_in_dampack_tests():
    # Example from the VA Health Economics Resource Center (HERC) cost-effectiveness
    # page, used in dampack's tests/testthat/test_calculate_icers.R; dampack's expected
    # result: UC, B, D, E non-dominated with ICERs 5000, 12500, 20000; C extendedly
    # dominated; A dominated.
    # By hand: cost order UC 5000, B 10000, A 12000, C 25000, D 35000, E 55000.
    #   A (1.5 QALY) is less effective than the cheaper B (2) -> dominated.
    #   ICERs UC->B 5000/1 = 5000, B->C 15000/1 = 15000, C->D 10000/1 = 10000,
    #   D->E 20000/1 = 20000; 15000 > 10000 -> C extendedly dominated.
    #   Again: UC->B 5000, B->D 25000/2 = 12500, D->E 20000: increasing -> done.
    rows = incremental.incremental_analysis(
        ["E", "D", "C", "B", "A", "UC"],
        [55000, 35000, 25000, 10000, 12000, 5000],
        [5, 4, 3, 2, 1.5, 1],
    )
    assert table(rows) == [
        ("UC", R, None, None),
        ("B", ND, "UC", 5000.0),
        ("A", D, None, None),
        ("C", ED, None, None),
        ("D", ND, "B", 12500.0),
        ("E", ND, "D", 20000.0),
    ]
    d = rows[4]
    assert (d.incremental_cost, d.incremental_effect) == (25000.0, 2.0)
    assert all(r.incremental_cost is None for r in rows if r.status in (R, D, ED))


def test_hiv_screening_example_from_dampack_vignette():
    # dampack vignette "Basic Cost Effectiveness Analysis", example 1: Paltiel et al.,
    # Ann Intern Med 2006;145:797-806, Table 4 (high-risk population); quality-adjusted
    # life-months / 12. The vignette states that annual screening is strongly dominated.
    # By hand: annual (29440, 277.76/12) costs more than 3yr (28440, 277.83/12) and is
    # less effective -> dominated. ICERs (cost / (QALM/12)):
    #   one time: 1000 / (0.32/12) = 37,500
    #   5yr:      1020 / (0.21/12) = 58,285.71
    #   3yr:       420 / (0.05/12) = 100,800   -> increasing, no extended dominance.
    names = ["status quo", "one time", "5yr", "3yr", "annual"]
    costs = [26000, 27000, 28020, 28440, 29440]
    qalys = np.array([277.25, 277.57, 277.78, 277.83, 277.76]) / 12
    rows = incremental.incremental_analysis(names, costs, qalys)
    assert [r.strategy for r in rows] == names
    assert [r.status for r in rows] == [R, ND, ND, ND, D]
    assert [r.icer for r in rows[1:4]] == pytest.approx([37500, 58285.714285714, 100800])


# dampack vignette "Basic Cost Effectiveness Analysis", example 2 (C. difficile PSA of
# Rajasingham et al., Clin Infect Dis 2020;70:754-762): the vignette's output table as
# stored in dampack/vignettes/cdiff_icers.csv -> (strategy, cost, effect, ICER, status).
CDIFF = [
    ("s3", 57336.0059896538, 12.9399639202408, None, "ND"),
    ("s27", 57541.2526373815, 13.0140640696275, 2769.85470915263, "ND"),
    ("s33", 57642.2587507842, 13.0389116321918, 4065.03105249231, "ND"),
    ("s31", 57934.0743411241, 13.0966257932217, 5056.2216470406, "ND"),
    ("s43", 58072.1137208494, 13.11285766912, 8504.2160616553, "ND"),
    ("s44", 58665.7823044647, 13.1283328397025, 38362.6519947134, "ND"),
    ("s39", 57814.6470919581, 13.0462790163185, None, "ED"),
    ("s4", 57887.481549326, 12.9970657153765, None, "D"),
    ("s13", 58018.6252420203, 13.0650412387992, None, "D"),
    ("s37", 58081.7947984323, 13.1029711156978, None, "D"),
    ("s20", 58634.2026441398, 13.1100568867995, None, "D"),
]


def test_cdiff_example_reproduces_dampack_vignette_table():
    # Feed the 11 strategies in a shuffled order; statuses and ICERs must match dampack.
    order = [7, 2, 10, 0, 5, 9, 1, 6, 3, 8, 4]
    data = [CDIFF[i] for i in order]
    rows = incremental.incremental_analysis([d[0] for d in data], [d[1] for d in data], [d[2] for d in data])
    by_name = {r.strategy: r for r in rows}
    status_words = {"ND": ND, "ED": ED, "D": D}
    for name, _cost, _effect, icer, status in CDIFF:
        row = by_name[name]
        expected_status = R if name == "s3" else status_words[status]
        assert row.status == expected_status, name
        if icer is None:
            assert row.icer is None
        else:
            assert row.icer == pytest.approx(icer, rel=1e-9)
    # rows come back in cost order
    assert [r.cost for r in rows] == sorted(r.cost for r in rows)
    frontier = [r.strategy for r in rows if r.on_frontier]
    assert frontier == ["s3", "s27", "s33", "s31", "s43", "s44"]
    assert by_name["s31"].comparator == "s33"


# --------------------------------------------------------------------------------------
# incremental_analysis: hand-worked cases
# --------------------------------------------------------------------------------------


def test_strong_dominance():
    # A (100, 1.0); B (200, 0.9): costlier and less effective than A -> dominated;
    # C (300, 2.0): ICER vs A = 200 / 1.0 = 200.
    rows = incremental.incremental_analysis(["A", "B", "C"], [100, 200, 300], [1.0, 0.9, 2.0])
    assert table(rows) == [("A", R, None, None), ("B", D, None, None), ("C", ND, "A", 200.0)]


def test_extended_dominance_single_round():
    # A (0, 0), B (100, 1), C (300, 1.5), D (400, 2.5).
    # ICERs: A->B 100, B->C 200/0.5 = 400, C->D 100/1 = 100: 400 > 100 -> C extended.
    # Then B->D = 300/1.5 = 200 > 100: increasing -> frontier A, B, D.
    rows = incremental.incremental_analysis(["A", "B", "C", "D"], [0, 100, 300, 400], [0, 1, 1.5, 2.5])
    assert table(rows) == [
        ("A", R, None, None),
        ("B", ND, "A", 100.0),
        ("C", ED, None, None),
        ("D", ND, "B", 200.0),
    ]


def test_extended_dominance_needs_a_second_round():
    # A (0, 0), B (10, 1), C (25, 2), D (35, 3), E (46, 4).
    # Round 1 ICERs: B 10, C 15, D 10, E 11 -> only C (15 > 10) is extendedly dominated.
    # Round 2 ICERs: B 10, D 25/2 = 12.5, E 11 -> D (12.5 > 11) is extendedly dominated.
    # Round 3 ICERs: B 10, E 36/3 = 12 -> increasing. Check on the plane: the line B->E
    # costs 10 + 12 * 2 = 34 at 3 QALYs, below D's 35, so D is indeed off the frontier.
    rows = incremental.incremental_analysis(list("ABCDE"), [0, 10, 25, 35, 46], [0, 1, 2, 3, 4])
    assert table(rows) == [
        ("A", R, None, None),
        ("B", ND, "A", 10.0),
        ("C", ED, None, None),
        ("D", ED, None, None),
        ("E", ND, "B", 12.0),
    ]


def test_tie_equal_cost_keeps_the_more_effective():
    # X and Y cost 100; Y gives more (3 > 2) -> X dominated; Y is the reference.
    rows = incremental.incremental_analysis(["X", "Y"], [100, 100], [2, 3])
    assert table(rows) == [("Y", R, None, None), ("X", D, None, None)]


def test_tie_equal_effect_keeps_the_cheaper():
    # Same effect 2; Y costs 200 > 100 -> Y dominated.
    rows = incremental.incremental_analysis(["Y", "X"], [200, 100], [2, 2])
    assert table(rows) == [("X", R, None, None), ("Y", D, None, None)]


@pytest.mark.parametrize("names", [["X", "Y"], ["Y", "X"]])
def test_tie_identical_strategies_keep_the_first_in_input_order(names):
    # Identical cost and effect: the first named strategy stays, the duplicate is dominated.
    rows = incremental.incremental_analysis(names + ["Z"], [100, 100, 300], [2, 2, 4])
    assert table(rows) == [
        (names[0], R, None, None),
        (names[1], D, None, None),
        ("Z", ND, names[0], 100.0),  # (300 - 100) / (4 - 2)
    ]


def test_identical_strategies_on_the_frontier_middle():
    # A (0, 0); B and B2 identical (100, 1); C (300, 2). B2 is the duplicate -> dominated;
    # ICERs A->B 100, B->C 200 -> B on the frontier.
    rows = incremental.incremental_analysis(["A", "B", "B2", "C"], [0, 100, 100, 300], [0, 1, 1, 2])
    assert table(rows) == [
        ("A", R, None, None),
        ("B", ND, "A", 100.0),
        ("B2", D, None, None),
        ("C", ND, "B", 200.0),
    ]


def test_strategy_cheaper_and_better_than_all_is_the_only_frontier_strategy():
    # New (50, 5) costs less and gives more than every other strategy -> all dominated.
    rows = incremental.incremental_analysis(["A", "B", "New"], [100, 200, 50], [1, 2, 5])
    assert table(rows) == [("New", R, None, None), ("A", D, None, None), ("B", D, None, None)]


def test_single_strategy():
    rows = incremental.incremental_analysis(["only"], [123.0], [4.5])
    assert rows == [incremental.IncrementalRow("only", 123.0, 4.5, R)]


def test_collinear_strategies_stay_on_the_frontier_despite_rounding():
    # Effects 1.0, 1.1, 1.2 and costs 0, 100, 200 are on one line (ICER 1000 each), but
    # 1.1 - 1.0 and 1.2 - 1.1 differ in floating point; the middle strategy is kept, as in
    # dampack (extended dominance needs a strictly higher ICER).
    rows = incremental.incremental_analysis(["A", "B", "C"], [0, 100, 200], [1.0, 1.1, 1.2])
    assert [r.status for r in rows] == [R, ND, ND]
    assert [r.icer for r in rows[1:]] == pytest.approx([1000, 1000])


def test_zero_cost_difference_frontier_icer():
    # Cheaper but less effective strategies must not end on the frontier with negative ICERs.
    rows = incremental.incremental_analysis(["A", "B"], [0, 0], [1, 1])
    assert table(rows) == [("A", R, None, None), ("B", D, None, None)]


points = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(points)
def test_frontier_properties(pts):
    # Double check against the definition: (1) ICERs strictly increase along the frontier
    # and costs/effects strictly increase; (2) at any wtp >= 0, a strategy whose NMB is the
    # unique maximum lies on the frontier; (3) every strategy is returned once.
    names = [f"s{i}" for i in range(len(pts))]
    costs = [float(c) for c, _ in pts]
    effects = [float(e) for _, e in pts]
    rows = incremental.incremental_analysis(names, costs, effects)
    assert sorted(r.strategy for r in rows) == sorted(names)
    front = [r for r in rows if r.on_frontier]
    assert front[0].status == R and all(r.status == ND for r in front[1:])
    icers = [r.icer for r in front[1:]]
    assert all(a <= b for a, b in zip(icers, icers[1:]))
    assert all(r.incremental_cost > 0 and r.incremental_effect > 0 for r in front[1:])
    on_front = {r.strategy for r in front}
    for wtp in [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 1e3]:
        nmb = [wtp * e - c for c, e in zip(costs, effects)]
        best = max(nmb)
        winners = [n for n, v in zip(names, nmb) if v == best]
        if len(winners) == 1:
            assert winners[0] in on_front


def test_incremental_analysis_errors_name_the_problem():
    with pytest.raises(ModelError, match="3 strategies but 2 costs and 3 effects"):
        incremental.incremental_analysis(["a", "b", "c"], [1, 2], [1, 2, 3])
    with pytest.raises(ModelError, match="strategy names repeated: 'a'"):
        incremental.incremental_analysis(["a", "a"], [1, 2], [1, 2])
    with pytest.raises(ModelError, match=r"effects\[1\] is nan"):
        incremental.incremental_analysis(["a", "b"], [1, 2], [1, float("nan")])
    with pytest.raises(ModelError, match="no strategies given"):
        incremental.incremental_analysis([], [], [])
    with pytest.raises(ModelError, match="summarise PSA samples"):
        incremental.incremental_analysis(["a", "b"], [[1, 2]], [[1, 2]])


# --------------------------------------------------------------------------------------
# versus_comparator, describe_icer
# --------------------------------------------------------------------------------------


def test_versus_comparator_quadrants():
    # SoC (1000, 2.0) against:
    #   NE (3000, 2.5): +2000 / +0.5 = 4000 per QALY gained  -> "ICER"
    #   SE (500, 2.5):  -500, +0.5                           -> "dominant"
    #   NW (1500, 1.5): +500, -0.5                           -> "dominated"
    #   SW (0, 1.75):   -1000 / -0.25 = 4000 saved per QALY lost
    names = ["SoC", "NE", "SE", "NW", "SW"]
    out = incremental.versus_comparator(names, [1000, 3000, 500, 1500, 0], [2.0, 2.5, 2.5, 1.5, 1.75], "SoC")
    assert [o["strategy"] for o in out] == ["NE", "SE", "NW", "SW"]
    assert [o["status"] for o in out] == ["ICER", "dominant", "dominated", "less costly, less effective"]
    assert [o["icer"] for o in out] == [4000.0, None, None, 4000.0]
    assert [(o["incremental_cost"], o["incremental_effect"]) for o in out] == [
        (2000.0, 0.5),
        (-500.0, 0.5),
        (500.0, -0.5),
        (-1000.0, -0.25),
    ]
    assert all(o["comparator"] == "SoC" for o in out)


def test_versus_comparator_boundaries():
    # equal effect & cheaper -> dominant; equal cost & more effective -> dominant;
    # equal effect & costlier -> dominated; identical -> equal cost and effect.
    out = incremental.versus_comparator(["c", "a", "b", "d", "e"], [10, 5, 10, 20, 10], [1, 1, 2, 1, 1], "c")
    assert [o["status"] for o in out] == ["dominant", "dominant", "dominated", "equal cost and effect"]


def test_versus_comparator_unknown_comparator():
    message = "comparator 'X' is not a strategy; expected one of 'a', 'b'"
    with pytest.raises(ModelError, match=message):
        incremental.versus_comparator(["a", "b"], [1, 2], [1, 2], "X")


@pytest.mark.parametrize(
    "inc_cost, inc_effect, words",
    [
        (-100.0, 0.1, "Dominant (less costly, more effective)"),
        (100.0, -0.1, "Dominated (more costly, less effective)"),
        (45123.4, 1.0, "EUR 45,123 per QALY gained"),  # 45,123.4 rounds to 45,123
        (22561.7, 0.5, "EUR 45,123 per QALY gained"),  # 22,561.7 / 0.5 = 45,123.4
        (-6000.0, -0.5, "EUR 12,000 saved per QALY lost"),  # -6000 / -0.5
        (0.0, 0.5, "Dominant (equal cost, more effective)"),
        (-10.0, 0.0, "Dominant (less costly, equally effective)"),
        (0.0, -0.5, "Dominated (equal cost, less effective)"),
        (10.0, 0.0, "Dominated (more costly, equally effective)"),
        (0.0, 0.0, "Equal cost and effect"),
        (1_234_567.0, 2.0, "EUR 617,284 per QALY gained"),  # 617,283.5 rounds half to even
    ],
)
def test_describe_icer(inc_cost, inc_effect, words):
    assert incremental.describe_icer(inc_cost, inc_effect) == words


def test_describe_icer_currency_and_bad_input():
    assert incremental.describe_icer(2000.0, 0.5, currency="USD") == "USD 4,000 per QALY gained"
    assert incremental.describe_icer(2000.0, 0.5, effect_unit="life-year") == "EUR 4,000 per life-year gained"
    with pytest.raises(ModelError, match="inc_effect is nan"):
        incremental.describe_icer(1.0, float("nan"))
