"""Tests for hecon.methods.lifetable.

Reference values come from outside the code under test: qx read from the bundled CSV files
with the csv module, hand-worked arithmetic (written out in comments), and a naive
loop-over-cycles re-implementation of the mixed-sex cohort.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from hecon.methods.lifetable import (
    BUNDLED_LIFETABLES,
    annual_qx,
    bundled_lifetable,
    cohort_death_probability,
    read_lifetable_csv,
)
from hecon.model.problems import ModelError
from hecon.model.spec import LifeTable

DATA = Path(__file__).resolve().parents[2] / "hecon" / "data"
CBS_2019 = DATA / "nl_lifetable_2019.csv"
AG_2024 = DATA / "nl_lifetable_2024_ag2024.csv"
WEEK_YEARS = 7 / 365.25


def csv_qx(path: Path) -> dict[tuple[int, str], float]:
    """qx by (age, sex) read with the csv module, independently of hecon's reader."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return {(int(r["age"]), r["sex"]): float(r["qx"]) for r in csv.DictReader(lines)}


@pytest.fixture(scope="module")
def cbs() -> LifeTable:
    return bundled_lifetable("nl_cbs_2019")


@pytest.fixture(scope="module")
def cbs_qx() -> dict[tuple[int, str], float]:
    return csv_qx(CBS_2019)


# A two-age table for hand-worked numbers.
TINY = LifeTable("tiny", ages=(0, 1), qx_male=(0.1, 0.2), qx_female=(0.05, 0.1))


# --------------------------------------------------------------------------------------
# Reading the bundled tables
# --------------------------------------------------------------------------------------


def test_cbs_2019_values_match_csv(cbs, cbs_qx):
    # CBS 37360ned, 2019, men aged 63: 0.0079; women aged 63: 0.00608 (hecon/data file, line 78 / 178)
    assert cbs_qx[(63, "male")] == 0.0079
    assert cbs_qx[(63, "female")] == 0.00608
    assert annual_qx(cbs, 63, "male") == 0.0079
    assert annual_qx(cbs, 63.99, "female") == 0.00608
    assert cbs.ages == tuple(range(100))
    assert cbs.qx_male == tuple(cbs_qx[(a, "male")] for a in range(100))
    assert cbs.qx_female == tuple(cbs_qx[(a, "female")] for a in range(100))


def test_cbs_source_kept(cbs):
    assert cbs.name == "nl_cbs_2019"
    assert "CBS StatLine table 37360ned" in cbs.source
    assert "age,sex,qx" not in cbs.source
    assert not cbs.source.startswith("#")


def test_ag2024_reads_ages_0_to_120():
    ag = bundled_lifetable("nl_ag2024")
    ref = csv_qx(AG_2024)
    assert ag.ages == tuple(range(121))
    assert "AG2024" in ag.source
    assert annual_qx(ag, [110, 120, 130], "male").tolist() == [
        ref[(110, "male")],
        ref[(120, "male")],
        ref[(120, "male")],
    ]


def test_unknown_bundled_name_lists_valid_names():
    with pytest.raises(ModelError) as err:
        bundled_lifetable("nl_cbs_2023")
    msg = str(err.value)
    assert "'nl_cbs_2023'" in msg
    for name in BUNDLED_LIFETABLES:
        assert f"'{name}'" in msg


# --------------------------------------------------------------------------------------
# Reading bad files
# --------------------------------------------------------------------------------------

HEADER = "# test table\n# second comment line\nage,sex,qx\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_read_small_file(tmp_path):
    path = write(tmp_path, "1,female,0.2\n0,male,0.1\n0,female,0.05\n\n1,male,0.25\n")
    t = read_lifetable_csv(path, "mine")
    assert t == LifeTable("mine", (0, 1), (0.1, 0.25), (0.05, 0.2), "test table\nsecond comment line")


def test_qx_out_of_range_names_file_line_and_value(tmp_path):
    # line 1-2 comments, line 3 header, line 4 first row, line 5 the bad qx
    path = write(tmp_path, "0,male,0.1\n1,male,1.2\n0,female,0.05\n1,female,0.1\n")
    with pytest.raises(ModelError) as err:
        read_lifetable_csv(path, "mine")
    assert str(err.value) == f"{path}:5: qx 1.2 is outside [0, 1]; expected a probability between 0 and 1"
    assert isinstance(err.value, ValueError)


def test_all_row_problems_reported_together(tmp_path):
    body = "0,male,abc\n1,m,0.1\n2.5,male,0.1\n0,female,-0.01\n1,female,0.1\n1,female,0.1\n0,female\n"
    path = write(tmp_path, body)
    with pytest.raises(ModelError) as err:
        read_lifetable_csv(path, "mine")
    msg = str(err.value)
    assert f"{path}:4: qx 'abc' is not a number" in msg
    assert f"{path}:5: sex 'm' is not recognised; expected one of male, female" in msg
    assert f"{path}:6: age '2.5' is not a whole number >= 0" in msg
    assert f"{path}:7: qx -0.01 is outside [0, 1]" in msg
    assert f"{path}:9: age 1, female repeats line 8" in msg
    assert f"{path}:10: '0,female' has 2 fields" in msg
    assert len(err.value.problems) == 6


def test_missing_sex(tmp_path):
    path = write(tmp_path, "0,male,0.1\n1,male,0.2\n")
    with pytest.raises(ModelError, match="no rows for sex 'female'"):
        read_lifetable_csv(path, "mine")


def test_ages_not_consecutive(tmp_path):
    path = write(tmp_path, "0,male,0.1\n1,male,0.1\n3,male,0.2\n0,female,0.1\n1,female,0.1\n3,female,0.2\n")
    with pytest.raises(ModelError, match="ages for male are not consecutive: missing 2 between 0 and 3"):
        read_lifetable_csv(path, "mine")


def test_ages_differ_between_sexes(tmp_path):
    path = write(tmp_path, "0,male,0.1\n1,male,0.1\n1,female,0.1\n2,female,0.2\n")
    with pytest.raises(ModelError, match="ages 0 only for male; ages 2 only for female"):
        read_lifetable_csv(path, "mine")


def test_bad_header(tmp_path):
    path = write(tmp_path, "0,male,0.1\n", header="# c\nleeftijd,geslacht,sterftekans\n")
    with pytest.raises(
        ModelError, match=r":2: header 'leeftijd,geslacht,sterftekans'; expected the header 'age,sex,qx'"
    ):
        read_lifetable_csv(path, "mine")


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="cannot read file"):
        read_lifetable_csv(tmp_path / "nope.csv", "mine")


# --------------------------------------------------------------------------------------
# annual_qx
# --------------------------------------------------------------------------------------


def test_ages_beyond_99_keep_last_qx(cbs, cbs_qx):
    q99 = cbs_qx[(99, "male")]  # 0.40244
    assert annual_qx(cbs, [99, 99.5, 100, 105.25, 150], "male").tolist() == [q99] * 5
    # a cohort of men aged 98 with annual cycles: 98, 99, then 99's qx for ever
    p = cohort_death_probability(cbs, 98, 1.0, 1.0, 5)
    assert p.tolist() == [cbs_qx[(98, "male")]] + [q99] * 4


def test_annual_qx_shape_and_floor(cbs, cbs_qx):
    ages = np.array([[40.0, 40.999], [41.0, 41.5]])
    q = annual_qx(cbs, ages, "female")
    assert q.shape == (2, 2)
    assert q.tolist() == [[cbs_qx[(40, "female")]] * 2, [cbs_qx[(41, "female")]] * 2]


def test_age_rounding_error_just_below_whole_number(cbs, cbs_qx):
    # 1461 weeks of 7 days are exactly 28 years of 365.25 days, but 1461 * (7 / 365.25) is
    # 27.999999999999996 in floating point; it means age 28
    age = 1461 * WEEK_YEARS
    assert age < 28
    assert annual_qx(cbs, age, "male") == cbs_qx[(28, "male")]
    assert annual_qx(cbs, 41 - 1e-12, "male") == cbs_qx[(41, "male")]
    p = cohort_death_probability(cbs, 0, 1.0, WEEK_YEARS, 1462)
    assert p[1461] == pytest.approx(1 - (1 - cbs_qx[(28, "male")]) ** WEEK_YEARS, rel=1e-12)


def test_age_below_table(cbs):
    adults = LifeTable("adults", ages=(20, 21), qx_male=(0.001, 0.002), qx_female=(0.001, 0.002))
    with pytest.raises(ModelError, match="age 19.5 is below the table's first age 20"):
        annual_qx(adults, [25, 19.5], "male")
    with pytest.raises(ModelError, match="below the table's first age 20"):
        cohort_death_probability(adults, 19, 0.5, 1.0, 3)
    with pytest.raises(ModelError, match="age -1 is below"):
        annual_qx(cbs, -1, "male")


def test_unknown_sex(cbs):
    with pytest.raises(ModelError, match="sex 'men' is not recognised"):
        annual_qx(cbs, 50, "men")


# --------------------------------------------------------------------------------------
# cohort_death_probability: hand-worked numbers
# --------------------------------------------------------------------------------------


def test_hand_worked_mixed_cohort_annual():
    # TINY: men qx 0.1 (age 0), 0.2 (age 1, kept beyond); women 0.05, 0.1. m = 0.5, annual cycles.
    # S_m = 1, 0.9, 0.72, 0.576          S_f = 1, 0.95, 0.855, 0.7695
    # S   = 1, 0.925, 0.7875, 0.67275    (S = (S_m + S_f) / 2)
    # p0 = 1 - 0.925            = 0.075
    # p1 = 1 - 0.7875 / 0.925   = 0.1375 / 0.925   = 0.148648648...
    # p2 = 1 - 0.67275 / 0.7875 = 0.11475 / 0.7875 = 0.145714285...
    p = cohort_death_probability(TINY, 0, 0.5, 1.0, 3)
    np.testing.assert_allclose(p, [0.075, 0.1375 / 0.925, 0.11475 / 0.7875], rtol=1e-14)


def test_hand_worked_half_year_cycles():
    # Δ = 0.5 year, men only: ages 0, 0.5 use qx 0.1; ages 1, 1.5 use qx 0.2
    # p = 1 - 0.9^0.5 = 1 - 0.948683298... = 0.051316701...; 1 - 0.8^0.5 = 1 - 0.894427191 = 0.105572809...
    p = cohort_death_probability(TINY, 0, 1.0, 0.5, 4)
    np.testing.assert_allclose(p, [0.0513167019494862] * 2 + [0.1055728090000841] * 2, rtol=1e-12)
    # two half-year cycles at qx 0.1 give one year's survival 0.9
    assert math.isclose((1 - p[0]) * (1 - p[1]), 0.9, rel_tol=1e-14)


def test_annual_single_sex_reproduces_qx_exactly(cbs, cbs_qx):
    men = cohort_death_probability(cbs, 60, 1.0, 1.0, 40)
    women = cohort_death_probability(cbs, 60, 0.0, 1.0, 40)
    assert men.tolist() == [cbs_qx[(a, "male")] for a in range(60, 100)]
    assert women.tolist() == [cbs_qx[(a, "female")] for a in range(60, 100)]


def test_all_male_cohort_equals_male_only_calculation(cbs, cbs_qx):
    # weekly cycles from age 62.5 for 5 years; male only: p = 1 - (1 - qx(floor(age)))^(7/365.25)
    n = 261
    expected = [1 - (1 - cbs_qx[(math.floor(62.5 + k * WEEK_YEARS), "male")]) ** WEEK_YEARS for k in range(n)]
    p = cohort_death_probability(cbs, 62.5, 1.0, WEEK_YEARS, n)
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    # age 62.5 + 26 weeks = 62.998 -> qx(62) = 0.00789; week 27 starts at 63.017 -> qx(63) = 0.0079
    assert math.isclose(p[26], 1 - (1 - 0.00789) ** WEEK_YEARS, rel_tol=1e-12)
    assert math.isclose(p[27], 1 - (1 - 0.0079) ** WEEK_YEARS, rel_tol=1e-12)


def naive_mixed_cohort(qx, start_age, m, delta, n):
    """Double programming: follow men and women alive, cycle by cycle."""
    men, women = m, 1.0 - m
    out = []
    for k in range(n):
        age = math.floor(start_age + k * delta)
        age = min(age, 99)
        p_m = 1 - (1 - qx[(age, "male")]) ** delta
        p_f = 1 - (1 - qx[(age, "female")]) ** delta
        deaths = men * p_m + women * p_f
        out.append(deaths / (men + women))
        men, women = men * (1 - p_m), women * (1 - p_f)
    return out


def test_mixed_cohort_matches_naive_loop_for_psa_samples(cbs, cbs_qx):
    m = np.array([0.0, 0.3, 0.55, 1.0])
    n = 800  # weekly cycles from 85.5 to beyond 99
    p = cohort_death_probability(cbs, 85.5, m, WEEK_YEARS, n)
    assert p.shape == (4, n)
    for i, mi in enumerate(m):
        np.testing.assert_allclose(p[i], naive_mixed_cohort(cbs_qx, 85.5, mi, WEEK_YEARS, n), rtol=1e-10)


def test_mixed_cohort_between_sexes_and_drifts_to_women(cbs, cbs_qx):
    n = 50  # annual, ages 40..89: men's qx exceeds women's at every one of these ages
    p = cohort_death_probability(cbs, 40, 0.5, 1.0, n)
    p_m = cohort_death_probability(cbs, 40, 1.0, 1.0, n)
    p_f = cohort_death_probability(cbs, 40, 0.0, 1.0, n)
    assert np.all(p_f < p) and np.all(p < p_m)
    # position of p between women (0) and men (1) is the share of men among survivors
    share_men = (p - p_f) / (p_m - p_f)
    assert share_men[0] == pytest.approx(0.5, abs=1e-12)
    assert np.all(np.diff(share_men) < 0)
    # at age 89, the share of men among survivors is S_m / (S_m + S_f), with S the product of
    # (1 - qx) over ages 40..88 read from the CSV (about 0.41)
    s_m = math.prod(1 - cbs_qx[(a, "male")] for a in range(40, 89))
    s_f = math.prod(1 - cbs_qx[(a, "female")] for a in range(40, 89))
    assert share_men[-1] == pytest.approx(s_m / (s_m + s_f), rel=1e-10)
    assert share_men[-1] < 0.41


def test_weekly_and_annual_give_same_survival_when_cycles_tile_years():
    # ages 50..59, men qx = 0.01, 0.02, ..., 0.10. Ten-year survival, by hand:
    # 0.99*0.98 = 0.9702; *0.97 = 0.941094; *0.96 = 0.90345024; *0.95 = 0.858277728;
    # *0.94 = 0.80678106432; *0.93 = 0.7503063898176; *0.92 = 0.690281878632192;
    # *0.91 = 0.62815650955529472; *0.90 = 0.565340858599765248
    qm = tuple(0.01 * k for k in range(1, 11))
    table = LifeTable("t", ages=tuple(range(50, 60)), qx_male=qm, qx_female=tuple(q / 2 for q in qm))
    annual = cohort_death_probability(table, 50, 1.0, 1.0, 10)
    # "weekly" cycles of 1/52 year, so that 52 cycles make one year of age exactly
    weekly = cohort_death_probability(table, 50, 1.0, 1 / 52, 520)
    s_hand = 0.565340858599765248
    assert np.prod(1 - annual) == pytest.approx(s_hand, rel=1e-14)
    assert np.prod(1 - weekly) == pytest.approx(s_hand, rel=1e-12)
    # and year by year, for a mixed cohort too (cohort survival telescopes to m S_m + (1-m) S_f)
    for m in (1.0, 0.4):
        s_a = np.cumprod(1 - cohort_death_probability(table, 50, m, 1.0, 10))
        s_w = np.cumprod(1 - cohort_death_probability(table, 50, m, 1 / 52, 520))[51::52]
        np.testing.assert_allclose(s_w, s_a, rtol=1e-12)


def test_seven_day_weeks_constant_qx():
    # qx 0.02 at every age: 1461 weeks of 7 days = 10227 days = 28 years of 365.25 days,
    # survival (1 - 0.02)^28 = 0.98^28 with either cycle length
    table = LifeTable("flat", ages=(0,), qx_male=(0.02,), qx_female=(0.02,))
    weekly = cohort_death_probability(table, 30, 0.5, WEEK_YEARS, 1461)
    assert np.prod(1 - weekly) == pytest.approx(0.98**28, rel=1e-12)


# --------------------------------------------------------------------------------------
# cohort_death_probability: shapes and argument checks
# --------------------------------------------------------------------------------------


def test_shapes(cbs):
    assert cohort_death_probability(cbs, 60, 0.5, 1.0, 7).shape == (7,)
    assert cohort_death_probability(cbs, 60, [0.5], 1.0, 7).shape == (1, 7)
    m = np.array([[0.2, 0.5, 0.9], [0.1, 0.4, 0.6]])
    p = cohort_death_probability(cbs, 60, m, WEEK_YEARS, 30)
    assert p.shape == (2, 3, 30)
    np.testing.assert_array_equal(p[1, 2], cohort_death_probability(cbs, 60, 0.6, WEEK_YEARS, 30))
    assert cohort_death_probability(cbs, 60, m, 1.0, 0).shape == (2, 3, 0)


def test_argument_problems_reported_together(cbs):
    with pytest.raises(ModelError) as err:
        cohort_death_probability(cbs, 60, [0.5, 1.2], 0.0, -1)
    msg = str(err.value)
    assert "proportion_male: 1.2 is outside [0, 1]" in msg
    assert "cycle_length_years: 0.0 is not > 0" in msg
    assert "n_cycles: -1 is not a whole number >= 0" in msg
    with pytest.raises(ModelError, match="proportion_male: nan is outside"):
        cohort_death_probability(cbs, 60, float("nan"), 1.0, 3)


def test_certain_death_gives_probability_one():
    table = LifeTable("end", ages=(0, 1), qx_male=(0.5, 1.0), qx_female=(0.5, 1.0))
    p = cohort_death_probability(table, 0, 0.5, 0.5, 6)
    # 1 - 0.5^0.5 = 0.292893..., then qx 1 -> p 1, and the extinct cohort stays at p 1
    np.testing.assert_allclose(p, [1 - 0.5**0.5] * 2 + [1.0] * 4)
