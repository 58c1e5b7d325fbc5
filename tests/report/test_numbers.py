"""hecon.report.numbers: how the report writes numbers, on the edge cases (0, negative, tiny,
huge, NaN, inf). Expected texts are written out by hand from the rules in the module docstring."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.report.numbers import (
    MISSING,
    argument,
    count,
    excel_format,
    fixed,
    integer,
    money,
    number_text,
    percent,
    quantity,
    share,
    signed,
    significant,
    tick,
    versus_text,
)

EDGE = [0.0, -0.0, float("nan"), float("inf"), float("-inf"), None]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "EUR 0"),
        (-0.0, "EUR 0"),
        (-0.4, "EUR 0"),
        (-1234.5, "EUR -1,234"),  # round half to even, as Python's format does
        (1234.5001, "EUR 1,235"),
        (1e-12, "EUR 0"),
        (4.2e5, "EUR 420,000"),
        (1e6, "EUR 1,000,000"),
        (1e20, "EUR 100,000,000,000,000,000,000"),
        (np.float64(80000.0), "EUR 80,000"),
        (float("nan"), MISSING),
        (float("inf"), MISSING),
        (float("-inf"), MISSING),
        (None, MISSING),
    ],
)
def test_money_has_separators_and_never_scientific_notation(value, text):
    assert money(value, "EUR") == text
    assert "e+" not in money(value) and "e-" not in money(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (0.2, "0.2"),
        (0.012834, "0.01283"),
        (-0.012834, "-0.01283"),
        (17.43567, "17.44"),
        (999.96, "1,000"),
        (420000.0, "420,000"),
        (1234567.891, "1,234,568"),
        (1e20, "100,000,000,000,000,000,000"),
        (1.0923e-11, "1.092 × 10⁻¹¹"),
        (-2.5e-7, "-2.5 × 10⁻⁷"),
        (9.99999e-7, "1 × 10⁻⁶"),  # the mantissa rounds up into the next power of ten
        (5e-324, "4.941 × 10⁻³²⁴"),  # the smallest subnormal: no division by 10**-324 (which is 0)
        (-2.2250738585072014e-308, "-2.225 × 10⁻³⁰⁸"),
        (float("nan"), MISSING),
        (float("inf"), MISSING),
    ],
)
def test_significant_digits(value, text):
    assert significant(value, 4) == text


@pytest.mark.parametrize(
    ("value", "text"), [(2024, "2024"), (20241126, "20241126"), (2024.0, "2024"), (-3, "-3"), (0, "0"), (2.5, "2.5")]
)
def test_years_and_seeds_are_plain_integers(value, text):
    assert integer(value) == text
    assert number_text(value, "id") == text


@pytest.mark.parametrize("value", EDGE)
def test_every_kind_writes_missing_or_non_finite_as_a_dash_and_zero_without_sign(value):
    for kind in ("money", "money2", "qaly", "years", "number", "share", "percent", "int", "id", "sig4", "raw"):
        text = number_text(value, kind)
        if value is None or not math.isfinite(value):
            assert text == MISSING
        else:
            assert not text.startswith("-"), (kind, text)
            assert text.strip("0.,%") == "", (kind, text)


def test_column_kinds():
    assert number_text(-1234567.891, "money") == "-1,234,568"
    assert number_text(17.43567, "qaly") == "17.436"
    assert number_text(0.125, "percent") == "12.5%"
    assert percent(-0.00001) == "0.0%"
    assert number_text(0.123456, "share") == "0.1235"
    assert number_text(80000.0, "sig4") == "80,000"
    assert number_text(2.884800712846709, "raw") == "2.8848"
    assert number_text(1000000, "raw") == "1,000,000"  # a count keeps its separators
    assert number_text("EUR", "money") == "EUR"
    assert number_text(True, "raw") == "True"
    assert fixed(-0.0004, 2) == "0.00"


def test_axis_ticks_have_separators():
    assert tick()(1250000.0) == "1,250,000"
    assert tick(1)(-0.04) == "0.0"


def test_icer_text_states_dominance_in_the_same_sentence():
    ratio = "EUR 1,877,550 per QALY gained"
    assert versus_text(ratio, "dominated") == (
        "EUR 1,877,550 per QALY gained, but dominated on the efficiency frontier "
        "(another strategy costs less and gains more)"
    )
    assert versus_text(ratio, "extendedly dominated") == (
        "EUR 1,877,550 per QALY gained, but extendedly dominated on the efficiency frontier "
        "(a mix of two other strategies is more efficient)"
    )
    assert versus_text(ratio, "non-dominated") == ratio
    assert versus_text(ratio, "reference") == ratio
    # dominated by the comparator itself: said once
    text = versus_text("Dominated (more costly, less effective)", "dominated")
    assert text == "Dominated (more costly, less effective)"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.125, "12.5%"),
        (1.0923e-11, "< 0.1%"),  # the comparator cohort alive at a 37-year horizon
        (0.0004999, "< 0.1%"),
        (0.0005, "0.1%"),  # rounds to 0.1%: written as it rounds
        (0.0, "0.0%"),
        (1.0, "100.0%"),
        (0.99999, "> 99.9%"),
        (float("nan"), MISSING),
    ],
)
def test_a_share_too_small_to_show_says_so(value, text):
    assert share(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(3111.0, "3111"), (622.2, "622.2"), (1234567.0, "1234567"), (0.012834, "0.01283"), (-4500.0, "-4500")],
)
def test_arguments_have_no_thousands_separator(value, text):
    """A comma inside "gamma(mean=3,111, se=622.2)" reads as a decimal comma in Dutch."""
    assert argument(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "number_format"),
    [
        (0.05, 6, "#,##0.00"),
        (3000.0, 6, "#,##0"),
        (17.43567, 6, "#,##0.0000"),  # 17.4357
        (17.43567, 4, "#,##0.00"),  # 17.44
        (0.0, 6, "#,##0"),
        (1e-11, 6, "General"),
        (float("inf"), 6, "General"),
    ],
)
def test_excel_format_shows_the_significant_digits_of_the_report(value, digits, number_format):
    assert excel_format(value, digits) == number_format


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (7, "7"),
        (1000, "1,000"),
        (20241126, "20,241,126"),  # a count, not a seed (integer() writes those)
        (np.int64(12345), "12,345"),
        (2.5, "2"),  # round half to even
        (1e12, "1,000,000,000,000"),
        (-0.2, "0"),
        (float("nan"), MISSING),
        (float("inf"), MISSING),
        (None, MISSING),
    ],
)
def test_counts_have_separators(value, text):
    assert count(value) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.934, 2, "+0.93"),
        (-1.2, 2, "-1.20"),
        (0.0, 2, "0.00"),
        (-0.0, 1, "0.0"),
        (-0.001, 2, "0.00"),  # rounds to zero: no sign
        (0.004, 2, "0.00"),
        (0.006, 2, "+0.01"),
        (1234.5, 1, "+1,234.5"),
        (-1e-12, 0, "0"),
        (3e15, 0, "+3,000,000,000,000,000"),
        (float("nan"), 2, MISSING),
        (float("-inf"), 2, MISSING),
        (None, 2, MISSING),
    ],
)
def test_signed_differences(value, decimals, text):
    assert signed(value, decimals) == text


@pytest.mark.parametrize(
    ("value", "decimals", "sign", "text"),
    [
        (0.035, None, False, "3.5%"),  # a discount rate: as many decimals as it has
        (0.04, None, False, "4%"),
        (0.015, None, False, "1.5%"),
        (0.0, None, False, "0%"),
        (1e-9, None, False, "1 × 10⁻⁷%"),
        (0.1234, 0, True, "+12%"),
        (-0.1234, 1, True, "-12.3%"),
        (-0.00001, 1, True, "0.0%"),
        (float("nan"), None, False, MISSING),
        (float("inf"), 1, True, MISSING),
    ],
)
def test_percent_of_a_rate_and_of_a_difference(value, decimals, sign, text):
    assert percent(value, decimals, sign=sign) == text


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (37.0, "years", None, "37 years"),
        (28, "days", None, "28 days"),
        (7.0 / 365.25, "years", None, "0.019165 years"),  # six significant digits, trailing zero dropped
        (2.5, "years", 2, "2.50 years"),
        (30.44, "months", 1, "30.4 months"),
        (1500.0, "days", None, "1,500 days"),
        (0.0, "years", 2, "0.00 years"),
        (-0.0, "months", 1, "0.0 months"),
        (float("nan"), "years", 2, MISSING),
        (float("inf"), "years", None, MISSING),
        (None, "days", None, MISSING),
    ],
)
def test_quantities_carry_their_unit_and_a_missing_one_none(value, unit, decimals, text):
    assert quantity(value, unit, decimals) == text
