"""The expression language: parsed, never eval-ed; vectorised; helpful errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.model.expressions import FUNCTIONS, parse
from hecon.model.problems import Cell, ModelError, topic


class Ctx:
    """A minimal evaluation context: names from a dict."""

    def __init__(self, **values):
        self.values = values

    def value(self, name):
        return self.values[name]


def ev(text, **values):
    return parse(text).evaluate(Ctx(**values))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 + 2 * 3", 7.0),
        ("2 ^ 10", 1024.0),  # ^ is power, as in Excel
        ("2 ** 0.5", math.sqrt(2)),
        ("=3 - -2", 5.0),  # a leading '=' pasted from Excel is accepted
        ("max(1, 5, 3) - min(4, 2)", 3.0),
        ("if_else(2 > 1, 10, 20)", 10.0),
        ("10 if 1 >= 2 else 20", 20.0),
        ("1 < 2 < 3", 1.0),
        ("not (1 > 2) and 3 == 3", 1.0),
        ("log(100, 10)", 2.0),
        ("exp(log(7))", 7.0),
        ("rate_to_prob(0.1, 2)", 1 - math.exp(-0.2)),
        ("prob_to_rate(0.5)", math.log(2)),
        ("rescale_prob(0.19, 2, 1)", 0.1),  # (1 - 0.19)^(1/2) = 0.9
        ("odds(0.2)", 0.25),
        ("odds_to_prob(0.25)", 0.2),
        ("apply_or(0.2, 2)", 0.5 / 1.5),  # odds 0.25 * 2 = 0.5 -> 0.5 / 1.5
        ("apply_hr(0.19, 0.5)", 0.1),  # 1 - 0.81^0.5
        ("median_to_rate(2)", math.log(2) / 2),
        ("7 % 3", 1.0),
        ("-(1 < 2)", -1.0),  # a comparison counts as 1 or 0, as in Excel: numpy refuses to negate a bool
        ("(1 < 2) - (2 < 1)", 1.0),  # and to subtract bools (hostile-input fuzzing found both)
        ("-(+1e-320 < -1e308)", 0.0),
    ],
)
def test_values(text, expected):
    assert float(ev(text)) == pytest.approx(expected, rel=1e-14)


def test_true_and_false_subtract_as_one_and_zero_in_arrays():
    a = np.array([1.0, 3.0]).reshape(1, 1, 2)
    assert ev("-(a > 2) - (a < 2)", a=a).reshape(-1).tolist() == [-1.0, -1.0]


def test_vectorised_broadcasting():
    a = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    t = np.arange(4.0).reshape(1, 4, 1)
    out = ev("a * t + 1", a=a, t=t)
    assert out.shape == (3, 4, 1)
    assert out[2, 3, 0] == 10.0
    out = ev("if_else(t > 1, a, 0)", a=a, t=t)
    np.testing.assert_array_equal(out[:, :, 0], [[0, 0, 1, 1], [0, 0, 2, 2], [0, 0, 3, 3]])


def test_names_and_refs_are_collected():
    e = parse("surv_prob(os_curve) * hr + doses(tec, state_time) + gp_mort()")
    assert e.names == {"hr", "model_time", "state_time"}
    assert e.refs == {("curve", "os_curve"), ("schedule", "tec"), ("table", None)}


def test_numbers_are_constants():
    assert parse(0.25).constant == 0.25
    assert parse("1/4").constant == 0.25
    assert parse("a / 4").constant is None


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("__import__('os').system('echo hi')", "unknown function '__import__('os').system'"),
        ("a.b", "is not allowed"),
        ("x[0]", "is not allowed"),
        ("lambda: 1", "is not allowed"),
        ("'text'", "is not a number"),
        ("exp(1, 2)", "'exp' takes 1 arguments, not 2"),
        ("min(1)", "'min' takes 2 to 99 arguments, not 1"),
        ("max(a=1, b=2)", "named arguments"),
        ("surv_prob(0.5)", "must be the name of a curve"),
        ("1 +", "cannot read formula"),
        ("", "the formula is empty"),
        ("exp", "used without brackets"),
        ("True", "is not a number"),
        ("1 << 2", "is not allowed"),
    ],
)
def test_rejected_constructs_name_the_cell(text, fragment):
    with pytest.raises(ModelError) as exc:
        parse(text, where=Cell("Parameters", "B7"))
    message = str(exc.value)
    assert message.startswith("Parameters!B7: ")
    assert fragment in message


def test_non_finite_numbers_rejected():
    with pytest.raises(ModelError, match="not a finite number"):
        parse(float("nan"), where=topic("x"))


def test_every_function_is_documented():
    assert all(f.doc for f in FUNCTIONS.values())


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2 * 3 ^ 2", 18.0),  # power binds tighter than *, as in Excel
        ("2 ^ 3 - 1", 7.0),
        ("1 + 2 ^ 2", 5.0),
        ("2 ^ 3 ^ 2", 512.0),  # right-associative like **
        ("-2 ^ 2", -4.0),  # Python's precedence (Excel would give 4): documented
        ("(-2) ^ 2", 4.0),
    ],
)
def test_caret_is_power_with_power_precedence(text, expected):
    assert float(ev(text)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(2.4)", 2.0),
        ("round(1.005, 2)", 1.0),
        ("round(1234.5678, -2)", 1200.0),
        ("round(0.125, 2)", 0.13),
    ],
)
def test_round_halves_away_from_zero_like_excel(text, expected):
    assert float(ev(text)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "text, levels",
    [
        ("1 + 2 * 3", 0),
        ("(1)", 1),
        ("f(-(1 + 2))", 3),  # the call's bracket, the minus, the inner bracket
        ("-a * -b", 1),  # each minus ends with its operand
        ("-a ** -b", 2),  # the second minus is inside the first one's operand
        ("not not x", 2),
        ("x if -a else -b", 1),
        ("1e-9 - 2E+3", 0),  # signs of exponents are not operators
        ("max(a, -b, (c))", 2),
        ("((1)) + ((((2))))", 4),
        ("-(-(-(1)))", 6),
    ],
)
def test_nesting_counts_brackets_calls_and_unary_operators(text, levels):
    from hecon.model.expressions import nesting

    assert nesting(text) == levels
