"""Tests for hecon.cea: incremental analysis, net benefit, CEAC/CEAF, EVPI, disease burden.

Reference numbers are worked by hand in the comments or taken from published examples
(cited where used); none is produced by the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hecon.analysis import convergence

from hecon.analysis import incremental

from hecon.analysis import net_benefit

from hecon.analysis import reference_value

from hecon.analysis import voi
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
    rows = incremental.incremental_analysis([d[0] for d in data], [d[1] for d in data],
                                    [d[2] for d in data])
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
    rows = incremental.incremental_analysis(["A", "B", "C", "D"], [0, 100, 300, 400],
                                    [0, 1, 1.5, 2.5])
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


points = st.lists(
    st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=8
)


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
    out = incremental.versus_comparator(names, [1000, 3000, 500, 1500, 0], [2.0, 2.5, 2.5, 1.5, 1.75],
                                "SoC")
    assert [o["strategy"] for o in out] == ["NE", "SE", "NW", "SW"]
    assert [o["status"] for o in out] == ["ICER", "dominant", "dominated",
                                          "less costly, less effective"]
    assert [o["icer"] for o in out] == [4000.0, None, None, 4000.0]
    assert [(o["incremental_cost"], o["incremental_effect"]) for o in out] == [
        (2000.0, 0.5), (-500.0, 0.5), (500.0, -0.5), (-1000.0, -0.25)
    ]
    assert all(o["comparator"] == "SoC" for o in out)


def test_versus_comparator_boundaries():
    # equal effect & cheaper -> dominant; equal cost & more effective -> dominant;
    # equal effect & costlier -> dominated; identical -> equal cost and effect.
    out = incremental.versus_comparator(["c", "a", "b", "d", "e"], [10, 5, 10, 20, 10],
                                [1, 1, 2, 1, 1], "c")
    assert [o["status"] for o in out] == ["dominant", "dominant", "dominated",
                                          "equal cost and effect"]


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
    assert incremental.describe_icer(2000.0, 0.5, effect_unit="life-year") == \
        "EUR 4,000 per life-year gained"
    with pytest.raises(ModelError, match="inc_effect is nan"):
        incremental.describe_icer(1.0, float("nan"))


# --------------------------------------------------------------------------------------
# net benefit
# --------------------------------------------------------------------------------------


def test_net_monetary_benefit_formula_and_shape():
    # 2 samples x 3 strategies, wtp (0, 20000):
    # sample 0: C = (0, 1000, 5000), E = (1, 1.5, 2)
    #   wtp 20000: 20000 - 0, 30000 - 1000, 40000 - 5000 = 20000, 29000, 35000
    # sample 1: C = (10, 20, 30), E = (0.5, 0.25, 0)
    #   wtp 0: -10, -20, -30; wtp 20000: 9990, 4980, -30
    costs = np.array([[0, 1000, 5000], [10, 20, 30]], dtype=float)
    effects = np.array([[1, 1.5, 2], [0.5, 0.25, 0]])
    nmb = net_benefit.net_monetary_benefit(costs, effects, [0, 20000])
    assert nmb.shape == (2, 2, 3)  # (n_samples, n_wtp, n_strategies)
    np.testing.assert_array_equal(nmb[0, 1], [20000, 29000, 35000])
    np.testing.assert_array_equal(nmb[1, 0], [-10, -20, -30])
    np.testing.assert_array_equal(nmb[1, 1], [9990, 4980, -30])
    # scalar wtp: no wtp axis
    scalar = net_benefit.net_monetary_benefit(costs, effects, 20000)
    assert scalar.shape == (2, 3)
    np.testing.assert_array_equal(scalar, nmb[:, 1, :])
    # deterministic input: (n_wtp, n_strategies)
    assert net_benefit.net_monetary_benefit(costs[0], effects[0], [0, 1, 2]).shape == (3, 3)


def test_net_health_benefit_is_nmb_over_wtp():
    # NHB = E - C / wtp: 2 - 5000 / 20000 = 1.75
    costs = np.array([[0, 1000, 5000], [10, 20, 30]], dtype=float)
    effects = np.array([[1, 1.5, 2], [0.5, 0.25, 0]])
    nhb = net_benefit.net_health_benefit(costs, effects, [10000, 20000])
    assert nhb[0, 1, 2] == 1.75
    np.testing.assert_allclose(
        nhb, net_benefit.net_monetary_benefit(costs, effects, [10000, 20000]) /
        np.array([10000, 20000])[:, None]
    )
    with pytest.raises(ModelError, match="wtp 0.0 is not positive"):
        net_benefit.net_health_benefit(costs, effects, [0, 20000])


def test_net_benefit_errors():
    with pytest.raises(ModelError, match=r"costs have shape \(2,\) but effects shape \(3,\)"):
        net_benefit.net_monetary_benefit([1, 2], [1, 2, 3], 100)
    with pytest.raises(ModelError, match="wtp -5.0 is negative"):
        net_benefit.net_monetary_benefit([1, 2], [1, 2], [-5, 0])


# --------------------------------------------------------------------------------------
# CEAC, CEAF, EVPI: a hand-computed 2-strategy, 3-sample case
# --------------------------------------------------------------------------------------

# s0: cost 0, effect 1 in every sample. s1: cost 1000, effects 1.25, 0.75, 1.0625
# (all exact in binary floating point, so the tie below is exact).
HAND_COSTS = np.array([[0.0, 1000.0], [0.0, 1000.0], [0.0, 1000.0]])
HAND_EFFECTS = np.array([[1.0, 1.25], [1.0, 0.75], [1.0, 1.0625]])
HAND_WTP = np.array([0.0, 16000.0, 40000.0])
# NMB = wtp * E - C
# wtp 0:     s0 (0, 0, 0);              s1 (-1000, -1000, -1000)
# wtp 16000: s0 (16000, 16000, 16000);  s1 (19000, 11000, 16000)  <- tie in sample 3
# wtp 40000: s0 (40000, 40000, 40000);  s1 (49000, 29000, 41500)


def test_ceac_hand_case_with_tie():
    # wtp 0: s0 always best -> (1, 0)
    # wtp 16000: s1 best in sample 1, s0 in sample 2, tie in sample 3 (1/2 each)
    #   -> s0 (0 + 1 + 0.5) / 3 = 0.5, s1 (1 + 0 + 0.5) / 3 = 0.5
    # wtp 40000: s1 best in samples 1 and 3 -> s0 1/3, s1 2/3
    curve = net_benefit.ceac(HAND_COSTS, HAND_EFFECTS, HAND_WTP)
    assert curve.shape == (3, 2)
    np.testing.assert_allclose(curve, [[1, 0], [0.5, 0.5], [1 / 3, 2 / 3]], rtol=1e-15)


def test_ceaf_hand_case():
    # Expected NMB: wtp 0: (0, -1000); wtp 16000: (16000, 46000/3 = 15333.3);
    # wtp 40000: (40000, 119500/3 = 39833.3) -> s0 optimal at every wtp, although at
    # 40000 s1 has the higher probability of being cost-effective (2/3).
    frontier = net_benefit.ceaf(HAND_COSTS, HAND_EFFECTS, HAND_WTP, strategies=["s0", "s1"])
    assert list(frontier.optimal) == ["s0", "s0", "s0"]
    np.testing.assert_allclose(frontier.probability, [1, 0.5, 1 / 3], rtol=1e-15)
    indices, prob = net_benefit.ceaf(HAND_COSTS, HAND_EFFECTS, HAND_WTP)
    assert list(indices) == [0, 0, 0]


def test_evpi_hand_case():
    # EVPI = E[max NMB] - max E[NMB]
    # wtp 0:     E[max] = 0;                                   max E = 0      -> 0
    # wtp 16000: E[max] = (19000 + 16000 + 16000) / 3 = 17000; max E = 16000  -> 1000
    # wtp 40000: E[max] = (49000 + 40000 + 41500) / 3 = 43500; max E = 40000  -> 3500
    value = voi.evpi(HAND_COSTS, HAND_EFFECTS, HAND_WTP)
    assert value.shape == (3,)
    np.testing.assert_allclose(value, [0, 1000, 3500], rtol=1e-12)


def test_evpi_zero_when_one_strategy_always_wins():
    rng = np.random.default_rng(1)
    costs = rng.uniform(0, 1000, size=(200, 3))
    effects = rng.uniform(0, 1, size=(200, 3))
    costs[:, 1] = costs.min(axis=1) - 1  # strategy 1 cheapest ...
    effects[:, 1] = effects.max(axis=1) + 0.1  # ... and most effective in every sample
    wtp = np.linspace(0, 100_000, 11)
    np.testing.assert_array_equal(voi.evpi(costs, effects, wtp), np.zeros(11))
    np.testing.assert_array_equal(net_benefit.ceac(costs, effects, wtp)[:, 1], np.ones(11))


def test_ceac_rows_sum_to_one_and_chunking_agrees():
    rng = np.random.default_rng(7)
    costs = rng.normal(10_000, 3_000, size=(500, 4))
    effects = rng.normal(2, 0.5, size=(500, 4))
    costs[:, 3] = costs[:, 2]  # an identical pair: ties every sample
    effects[:, 3] = effects[:, 2]
    wtp = np.linspace(0, 150_000, 31)
    curve = net_benefit.ceac(costs, effects, wtp)
    np.testing.assert_allclose(curve.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(curve[:, 2], curve[:, 3])
    # naive double programming, one wtp and one sample at a time
    naive = np.zeros_like(curve)
    for k, w in enumerate(wtp):
        for s in range(costs.shape[0]):
            nmb = w * effects[s] - costs[s]
            winners = np.flatnonzero(nmb == nmb.max())
            naive[k, winners] += 1 / len(winners)
    np.testing.assert_allclose(curve, naive / costs.shape[0], rtol=1e-12)


def test_chunked_psa_summaries_match_unchunked(monkeypatch):
    rng = np.random.default_rng(3)
    costs = rng.normal(10_000, 3_000, size=(50, 3))
    effects = rng.normal(2, 0.5, size=(50, 3))
    wtp = np.linspace(0, 100_000, 13)
    full_ceac, full_evpi = net_benefit.ceac(costs, effects, wtp), voi.evpi(costs, effects, wtp)
    monkeypatch.setattr(net_benefit, "_CHUNK_ELEMENTS", 1)  # one wtp per chunk
    np.testing.assert_array_equal(net_benefit.ceac(costs, effects, wtp), full_ceac)
    np.testing.assert_array_equal(voi.evpi(costs, effects, wtp), full_evpi)


psa = st.integers(1, 6).flatmap(
    lambda n_samples: st.integers(1, 4).flatmap(
        lambda n_strat: st.tuples(
            arrays(float, (n_samples, n_strat), elements=st.floats(-1e6, 1e6)),
            arrays(float, (n_samples, n_strat), elements=st.floats(-10, 10)),
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(psa, st.lists(st.floats(0, 1e6), min_size=1, max_size=4))
def test_evpi_non_negative_and_ceac_sums_to_one(ce, wtp):
    costs, effects = ce
    value = voi.evpi(costs, effects, wtp)
    assert np.all(value >= 0)
    np.testing.assert_allclose(net_benefit.ceac(costs, effects, wtp).sum(axis=1), 1.0, rtol=1e-12)


def test_psa_summary_errors():
    with pytest.raises(ModelError, match=r"expected shape \(n_samples, n_strategies\)"):
        net_benefit.ceac([1.0, 2.0], [1.0, 2.0], [0])
    with pytest.raises(ModelError, match="2 strategy names for 3 strategies"):
        net_benefit.ceaf(np.zeros((2, 3)), np.zeros((2, 3)), [0], strategies=["a", "b"])


# --------------------------------------------------------------------------------------
# population EVPI, convergence
# --------------------------------------------------------------------------------------


def test_population_evpi():
    # N = 1000 per year, 3 years, r = 4%: 1000 * (1 + 1/1.04 + 1/1.0816)
    #   = 1000 * (1 + 0.9615384615 + 0.9245562130) = 2886.0946746
    # per-patient EVPI (0, 100) -> (0, 288609.46746)
    assert voi.discounted_population(1000, 3, 0.04) == pytest.approx(2886.0946745562)
    np.testing.assert_allclose(voi.population_evpi([0.0, 100.0], 1000, 3, 0.04),
                               [0.0, 288609.46745562], rtol=1e-12)
    assert voi.population_evpi(50.0, 1000, 1, 0.04) == 50_000.0  # first year undiscounted
    assert voi.population_evpi(50.0, 1000, 10, 0.0) == 500_000.0
    with pytest.raises(ModelError, match="years is 0"):
        voi.population_evpi(50.0, 1000, 0, 0.04)
    with pytest.raises(ModelError, match="discount_rate is -0.1"):
        voi.population_evpi(50.0, 1000, 5, -0.1)


def test_running_mean_and_monte_carlo_se():
    # running mean of 2, 4, 9: 2, 3, 5
    np.testing.assert_allclose(convergence.running_mean([2.0, 4.0, 9.0]), [2, 3, 5])
    # 2-D: per column
    np.testing.assert_allclose(convergence.running_mean([[1, 10], [3, 20]]), [[1, 10], [2, 15]])
    # x = 2, 4, 9: mean 5, squared deviations 9 + 1 + 16 = 26, sd = sqrt(26 / 2) = sqrt(13)
    # se = sqrt(13) / sqrt(3)
    assert convergence.monte_carlo_se([2.0, 4.0, 9.0]) == pytest.approx(math.sqrt(13 / 3))
    with pytest.raises(ModelError, match="at least 2 sample"):
        convergence.monte_carlo_se([1.0])


# --------------------------------------------------------------------------------------
# Dutch disease burden
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "qn, qd, absolute, proportional, reference",
    [
        # Versteegh et al., PharmacoEconomics 2019;37:1155-1163, Table 1, model runs 1, 2, 4:
        # (25 - 15) / 25 = 0.40 -> EUR 20,000; (24 - 16) / 24 = 0.333 -> 20,000;
        # (28 - 15) / 28 = 0.464 -> 50,000
        (25.0, 15.0, 10.0, 0.40, 20_000.0),
        (24.0, 16.0, 8.0, 1 / 3, 20_000.0),
        (28.0, 15.0, 13.0, 13 / 28, 50_000.0),
        # a 4L+ myeloma-like burden: (20 - 2) / 20 = 0.9 -> 80,000
        (20.0, 2.0, 18.0, 0.9, 80_000.0),
    ],
)
def test_qaly_shortfall_hand_computed(qn, qd, absolute, proportional, reference):
    shortfall = reference_value.qaly_shortfall(qn, qd)
    assert shortfall.absolute == pytest.approx(absolute)
    assert shortfall.proportional == pytest.approx(proportional)
    assert reference_value.dutch_reference_value(shortfall.proportional).reference_value_eur_per_qaly == \
        reference


def test_qaly_shortfall_errors():
    with pytest.raises(ModelError, match=r"expected_qalys_with_disease \(30.0\) exceeds"):
        reference_value.qaly_shortfall(25.0, 30.0)
    with pytest.raises(ModelError, match="expected_qalys_without_disease is 0"):
        reference_value.qaly_shortfall(0, 0)


@pytest.mark.parametrize(
    "ps, value",
    [
        (0.0, None),
        (0.0999, None),
        (1 - 0.9, 20_000.0),  # 0.09999999999999998 in floating point: read as 0.10
        (0.10, 20_000.0),
        (0.1 + 0.2, 20_000.0),  # 0.30000000000000004
        (0.40, 20_000.0),
        (0.4000001, 50_000.0),  # in the published gap 0.40-0.41: class 2
        (0.405, 50_000.0),
        (0.41, 50_000.0),
        (0.70, 50_000.0),
        (0.705, 80_000.0),
        (0.71, 80_000.0),
        (1.0, 80_000.0),
    ],
)
def test_dutch_reference_value_boundaries(ps, value):
    burden_class, reference = reference_value.dutch_reference_value(ps)
    assert reference == value
    if value is None:
        assert burden_class == "below 0.10: no reference value"
    else:
        assert burden_class.startswith(
            {20_000.0: "class 1", 50_000.0: "class 2", 80_000.0: "class 3"}[value]
        )


@pytest.mark.parametrize("ps", [-0.01, 1.01, float("nan")])
def test_dutch_reference_value_rejects_non_proportions(ps):
    with pytest.raises(ModelError, match="proportional_shortfall is .*; expected a proportion"):
        reference_value.dutch_reference_value(ps)


# --------------------------------------------------------------------------------------
# remaining QALYs of the general population (life-table method)
# --------------------------------------------------------------------------------------


def naive_remaining_qalys(start, p_male, qm, qf, ages, u, r, open_ended):
    """Double programming: follow a cohort of 1 person year by year, with an explicit
    long tail instead of the closed-form geometric series."""
    total = 0.0
    for p, q in ((p_male, qm), (1 - p_male, qf)):
        alive, t, value = 1.0, 0, 0.0
        k = list(ages).index(start)
        while alive > 1e-300 and t < 10_000:
            idx = min(k + t, len(ages) - 1)
            qx = q[idx]
            if idx == len(ages) - 1 and not open_ended:
                qx = 1.0
            deaths = alive * qx
            value += (alive - deaths / 2) * u[idx] / (1 + r) ** t
            alive -= deaths
            t += 1
        total += p * value
    return total


def test_remaining_qalys_hand_computed_closed_table():
    # Ages 60, 61, 62; q = 0, 0, (1: table closed); utility 1:
    # L = 1, 1, 0.5 -> 2.5 undiscounted; at 10%: 1 + 1/1.1 + 0.5/1.21 = 2.3223140496
    args = dict(start_age=60, proportion_male=0.5, qx_male_by_age=[0, 0, 0.3],
                qx_female_by_age=[0, 0, 0.3], ages=[60, 61, 62], utility_by_age=[1, 1, 1],
                open_ended_last_age=False)
    assert reference_value.remaining_qalys_general_population(**args) == pytest.approx(2.5)
    assert reference_value.remaining_qalys_general_population(**args, discount_rate=0.1) == \
        pytest.approx(1 + 1 / 1.1 + 0.5 / 1.21)


def test_remaining_qalys_hand_computed_sex_mix_and_start_age():
    # Ages 79, 80, 81 starting at 80 (age 79 ignored); table closed at 81; utilities
    # 0.8 at 80 and 0.6 at 81.
    # men:   q80 = 0.2: L80 = 1 - 0.2/2 = 0.9 -> 0.72; l81 = 0.8, L81 = 0.4 -> 0.24; = 0.96
    # women: q80 = 0:   L80 = 1 -> 0.8;             l81 = 1,   L81 = 0.5 -> 0.30; = 1.10
    # 25% men: 0.25 * 0.96 + 0.75 * 1.10 = 0.24 + 0.825 = 1.065
    value = reference_value.remaining_qalys_general_population(
        80, 0.25, [0.9, 0.2, 0.5], [0.9, 0.0, 0.5], [79, 80, 81],
        lambda age: {79: 0.9, 80: 0.8, 81: 0.6}[age], open_ended_last_age=False,
    )
    assert value == pytest.approx(1.065)


def test_remaining_qalys_open_ended_tail_closed_form():
    # A single open age group with q = 0.1, utility 1: sum_k 0.9^k (1 - 0.05)
    # = 0.95 / 0.1 = 9.5 undiscounted; at 3%: 0.95 / (1 - 0.9 / 1.03) = 0.95 * 1.03 / 0.13
    one = dict(start_age=0, proportion_male=1.0, qx_male_by_age=[0.1],
               qx_female_by_age=[0.1], ages=[0], utility_by_age=[1.0])
    assert reference_value.remaining_qalys_general_population(**one) == pytest.approx(9.5)
    assert reference_value.remaining_qalys_general_population(**one, discount_rate=0.03) == \
        pytest.approx(0.95 * 1.03 / 0.13)


def test_remaining_qalys_sex_specific_utilities():
    # utility 1 for men, 0.5 for women, q = 1 at the only age: everyone lives half a year
    # -> men 0.5, women 0.25; 40% men: 0.2 + 0.15 = 0.35
    value = reference_value.remaining_qalys_general_population(
        50, 0.4, [1.0], [1.0], [50], {"male": [1.0], "female": lambda a: 0.5}
    )
    assert value == pytest.approx(0.35)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 12).flatmap(
        lambda n: st.tuples(
            arrays(float, n, elements=st.floats(0.01, 1)),
            arrays(float, n, elements=st.floats(0.01, 1)),
            arrays(float, n, elements=st.floats(0, 1)),
            st.integers(0, n - 1),
        )
    ),
    st.floats(0, 1),
    st.sampled_from([0.0, 0.015, 0.04]),
    st.booleans(),
)
def test_remaining_qalys_matches_naive_cohort(data, p_male, rate, open_ended):
    qm, qf, u, k = data
    ages = np.arange(40, 40 + len(qm))
    expected = naive_remaining_qalys(int(ages[k]), p_male, qm, qf, ages, u, rate, open_ended)
    got = reference_value.remaining_qalys_general_population(int(ages[k]), p_male, qm, qf, ages, u, rate,
                                                 open_ended_last_age=open_ended)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_remaining_qalys_errors_listed_together():
    with pytest.raises(ModelError) as info:
        reference_value.remaining_qalys_general_population(
            30, 1.5, [0.1, 1.2], [0.1], [0, 2], [1.0, 1.0]
        )
    text = str(info.value)
    assert "ages are not consecutive whole years" in text
    assert "qx_male_by_age has a value outside [0, 1]" in text
    assert "qx_female_by_age has shape (1,)" in text
    assert "proportion_male is 1.5" in text
    assert "start_age 30 is not in ages" in text
    with pytest.raises(ModelError, match="is 0 at the last age 1, so nobody ever dies"):
        reference_value.remaining_qalys_general_population(0, 1.0, [0.1, 0.0], [0.1, 0.0], [0, 1], [1, 1])
