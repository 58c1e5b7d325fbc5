"""Dutch disease burden: QALY shortfall, reference values, remaining QALYs of the general population (hecon.analysis.reference_value).

Reference numbers are worked by hand in the comments or taken from published examples
(cited where used); none is produced by the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hecon.analysis import reference_value
from hecon.model.problems import ModelError

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
    assert reference_value.dutch_reference_value(shortfall.proportional).reference_value_eur_per_qaly == reference


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
        assert burden_class.startswith({20_000.0: "class 1", 50_000.0: "class 2", 80_000.0: "class 3"}[value])


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
    args = dict(
        start_age=60,
        proportion_male=0.5,
        qx_male_by_age=[0, 0, 0.3],
        qx_female_by_age=[0, 0, 0.3],
        ages=[60, 61, 62],
        utility_by_age=[1, 1, 1],
        open_ended_last_age=False,
    )
    assert reference_value.remaining_qalys_general_population(**args) == pytest.approx(2.5)
    assert reference_value.remaining_qalys_general_population(**args, discount_rate=0.1) == pytest.approx(
        1 + 1 / 1.1 + 0.5 / 1.21
    )


def test_remaining_qalys_hand_computed_sex_mix_and_start_age():
    # Ages 79, 80, 81 starting at 80 (age 79 ignored); table closed at 81; utilities
    # 0.8 at 80 and 0.6 at 81.
    # men:   q80 = 0.2: L80 = 1 - 0.2/2 = 0.9 -> 0.72; l81 = 0.8, L81 = 0.4 -> 0.24; = 0.96
    # women: q80 = 0:   L80 = 1 -> 0.8;             l81 = 1,   L81 = 0.5 -> 0.30; = 1.10
    # 25% men: 0.25 * 0.96 + 0.75 * 1.10 = 0.24 + 0.825 = 1.065
    value = reference_value.remaining_qalys_general_population(
        80,
        0.25,
        [0.9, 0.2, 0.5],
        [0.9, 0.0, 0.5],
        [79, 80, 81],
        lambda age: {79: 0.9, 80: 0.8, 81: 0.6}[age],
        open_ended_last_age=False,
    )
    assert value == pytest.approx(1.065)


def test_remaining_qalys_open_ended_tail_closed_form():
    # A single open age group with q = 0.1, utility 1: sum_k 0.9^k (1 - 0.05)
    # = 0.95 / 0.1 = 9.5 undiscounted; at 3%: 0.95 / (1 - 0.9 / 1.03) = 0.95 * 1.03 / 0.13
    one = dict(
        start_age=0, proportion_male=1.0, qx_male_by_age=[0.1], qx_female_by_age=[0.1], ages=[0], utility_by_age=[1.0]
    )
    assert reference_value.remaining_qalys_general_population(**one) == pytest.approx(9.5)
    assert reference_value.remaining_qalys_general_population(**one, discount_rate=0.03) == pytest.approx(
        0.95 * 1.03 / 0.13
    )


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
    got = reference_value.remaining_qalys_general_population(
        int(ages[k]), p_male, qm, qf, ages, u, rate, open_ended_last_age=open_ended
    )
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_remaining_qalys_errors_listed_together():
    with pytest.raises(ModelError) as info:
        reference_value.remaining_qalys_general_population(30, 1.5, [0.1, 1.2], [0.1], [0, 2], [1.0, 1.0])
    text = str(info.value)
    assert "ages are not consecutive whole years" in text
    assert "qx_male_by_age has a value outside [0, 1]" in text
    assert "qx_female_by_age has shape (1,)" in text
    assert "proportion_male is 1.5" in text
    assert "start_age 30 is not in ages" in text
    with pytest.raises(ModelError, match="is 0 at the last age 1, so nobody ever dies"):
        reference_value.remaining_qalys_general_population(0, 1.0, [0.1, 0.0], [0.1, 0.0], [0, 1], [1, 1])
