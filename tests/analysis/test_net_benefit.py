"""Net benefit and acceptability (hecon.analysis.net_benefit), with the EVPI of hecon.analysis.voi on the same hand-computed PSA.

Reference numbers are worked by hand in the comments or taken from published examples
(cited where used); none is produced by the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hecon.analysis import net_benefit, voi
from hecon.model.problems import ModelError

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
        nhb, net_benefit.net_monetary_benefit(costs, effects, [10000, 20000]) / np.array([10000, 20000])[:, None]
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
