"""PSA distribution arguments given as formulas of other parameters
(hecon.model.distribution_arguments, used by hecon.model.distributions).

Reference values are worked out by hand in the comments: a formula argument must behave exactly
as the number it evaluates to, typed in (the draws depend only on seed, name and sample, so they
are compared bit for bit), and the DSA range of a normal is mean +/- z_0.975 sd with z from the
standard library's NormalDist (not scipy, which hecon uses).
"""

from __future__ import annotations

from dataclasses import replace
from statistics import NormalDist

import numpy as np
import openpyxl
import pytest

from hecon.model.distribution_arguments import evaluate_arguments
from hecon.model.distributions import check_parameters, discrete_alternatives, draw_parameters, dsa_bounds
from hecon.model.problems import Cell, Element, ModelError
from hecon.model.spec import Distribution, Parameter
from hecon.workbook import read_workbook, write_workbook
from tests.models import two_state_model

D = Distribution
LO, HI = 0.5, 0.9  # a published 95% interval of a hazard ratio


def _with(dist: Distribution, *extra: Parameter) -> list[Parameter]:
    return [
        Parameter("lo", LO),
        Parameter("hi", HI),
        Parameter("mid", "(lo + hi) / 2"),
        *extra,
        Parameter("x", 0.7, distribution=dist),
    ]


def _problems(parameters: list[Parameter]) -> list[str]:
    found = check_parameters(parameters)
    assert all(p.where == Element("parameter", "x", part="distribution") for p in found)
    return [p.what for p in found]


def test_normal_sd_from_a_confidence_interval_draws_as_the_number_typed_in():
    # sd = (0.9 - 0.5) / 3.92 = 0.102040816326530..., mean = (0.5 + 0.9) / 2 = 0.7
    formula = _with(D("normal", {"mean": "mid", "sd": "(hi - lo) / 3.92"}))
    typed = _with(D("normal", {"mean": 0.7, "sd": 0.4 / 3.92}))
    got = draw_parameters(formula, 5000, seed=11)["x"]
    np.testing.assert_array_equal(got, draw_parameters(typed, 5000, seed=11)["x"])
    # moments of the draws: mean 0.7, sd 0.10204 within 4 Monte Carlo standard errors
    assert abs(got.mean() - 0.7) < 4 * 0.10204 / np.sqrt(5000)
    assert abs(got.std(ddof=1) / 0.10204081632653061 - 1) < 4 / np.sqrt(2 * 4999)
    # DSA: mean -/+ z_0.975 sd, z = 1.959963984540054
    z = NormalDist().inv_cdf(0.975)
    low, high = dsa_bounds(formula[-1], formula)
    assert low == pytest.approx(0.7 - z * 0.4 / 3.92, rel=1e-9)
    assert high == pytest.approx(0.7 + z * 0.4 / 3.92, rel=1e-9)


def test_gamma_and_beta_by_mean_and_se_formulas():
    # gamma: mean = 2 x 600 = 1200, se = 0.25 x 1200 = 300 -> shape = 16, rate = 1/75
    c = Parameter("c_base", 600.0)
    formula = [c, Parameter("x", 1200.0, distribution=D("gamma", {"mean": "2 * c_base", "se": "0.25 * 2 * c_base"}))]
    typed = [c, Parameter("x", 1200.0, distribution=D("gamma", {"shape": 16.0, "rate": 1 / 75}))]
    np.testing.assert_allclose(
        draw_parameters(formula, 2000, seed=3)["x"], draw_parameters(typed, 2000, seed=3)["x"], rtol=1e-12
    )
    # beta: mean = 30/100 = 0.3, se = sqrt(0.3 x 0.7 / 100) -> alpha + beta = 0.21/se^2 - 1 = 99, alpha = 29.7
    n = Parameter("n", 100.0)
    e = Parameter("events", 30.0)
    formula = [n, e, Parameter("x", 0.3, distribution=D("beta", {"mean": "events / n", "se": "sqrt(0.21 / n)"}))]
    typed = [n, e, Parameter("x", 0.3, distribution=D("beta", {"alpha": 29.7, "beta": 69.3}))]
    np.testing.assert_allclose(
        draw_parameters(formula, 2000, seed=5)["x"], draw_parameters(typed, 2000, seed=5)["x"], rtol=1e-9
    )


def test_discrete_weights_as_formulas():
    w = Parameter("w_cure", 0.25)
    p = Parameter("model", 1, distribution=D("discrete", {"weibull": "1 - w_cure", "cure": "w_cure"}))
    assert discrete_alternatives([w, p]) == {"model": {"weibull": 0.75, "cure": 0.25}}


def test_evaluated_once_with_the_deterministic_values_not_the_samples():
    # hi has its own distribution; the sd of x still uses hi's value 0.9
    sampled_hi = Parameter("hi", HI, distribution=D("uniform", {"min": 5.0, "max": 6.0}))
    params = [
        Parameter("lo", LO),
        sampled_hi,
        Parameter("x", 0.7, distribution=D("normal", {"mean": 0.7, "sd": "(hi - lo) / 3.92"})),
    ]
    args = evaluate_arguments(params).parameters[2].distribution.args
    assert args == {"mean": 0.7, "sd": 0.4 / 3.92}
    assert params[2].distribution.args["sd"] == "(hi - lo) / 3.92"  # the spec is left as written


@pytest.mark.parametrize(
    ("args", "extra", "message"),
    [
        (
            {"mean": 0.7, "sd": "(hi - low) / 3.92"},
            (),
            "argument sd = (hi - low) / 3.92: the formula reads 'low', which is not a parameter (did you mean 'lo'?)",
        ),
        (
            {"mean": "a", "sd": 0.1},
            (Parameter("a", "b + 1"), Parameter("b", "a * 2")),
            "argument mean = a: 'a' depends on itself (a -> b -> a)",
        ),
        (
            {"mean": "t", "sd": 0.1},
            (Parameter("t", "model_years * 2"),),
            "argument mean = t: the value of 't' reads model_years, which changes over time",
        ),
        (
            {"mean": "s", "sd": 0.1},
            (Parameter("s", "surv(os, 1)"),),
            "argument mean = s: the value of 's' needs a curve of the model",
        ),
        ({"mean": 0.7, "sd": "age / 10"}, (), "argument sd = age / 10: the formula reads age, which changes over time"),
        (
            {"mean": 0.7, "sd": "(hi - lo) / (hi - hi)"},
            (),
            "argument sd = (hi - lo) / (hi - hi) gives inf with the base-case values",
        ),
        ({"mean": 0.7, "sd": "(lo - hi) / 3.92"}, (), "normal sd = (lo - hi) / 3.92 = -0.102041 is negative"),
        ({"mean": 0.7, "sd": "(hi - lo / 3.92"}, (), "argument sd: cannot read formula '(hi - lo / 3.92'"),
    ],
)
def test_problems_are_located_at_the_distribution_and_say_why(args, extra, message):
    found = _problems(_with(D("normal", args), *extra))
    assert len(found) == 1 and found[0].startswith(message), found


def test_a_failed_formula_stops_the_draw_with_every_problem():
    params = _with(D("normal", {"mean": "nope", "sd": "also_nope"}))
    with pytest.raises(ModelError) as err:
        draw_parameters(params, 10, seed=1)
    assert len(err.value.problems) == 2


def _model_with_formula_args(sd: str):
    spec = two_state_model()
    parameters = (
        *spec.parameters,
        Parameter("p_lo", 0.05),
        Parameter("p_hi", 0.15),
    )
    parameters = tuple(
        replace(p, distribution=D("normal", {"mean": "(p_lo + p_hi) / 2", "sd": sd})) if p.name == "p" else p
        for p in parameters
    )
    return replace(spec, parameters=parameters)


def test_workbook_writes_the_formulas_back_unchanged_and_reads_them(tmp_path):
    spec = _model_with_formula_args("(p_hi - p_lo) / 3.92")
    path = tmp_path / "formula.xlsx"
    write_workbook(spec, path)
    ws = openpyxl.load_workbook(path)["Parameters"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "p")
    assert row[header.index("distribution_args")] == "mean=(p_lo + p_hi) / 2; sd=(p_hi - p_lo) / 3.92"
    again = read_workbook(path, check=True)
    assert (
        next(p for p in again.parameters if p.name == "p").distribution
        == next(p for p in spec.parameters if p.name == "p").distribution
    )


def test_workbook_problem_is_at_the_distribution_args_cell(tmp_path):
    path = tmp_path / "bad.xlsx"
    write_workbook(_model_with_formula_args("(p_hi - p_low) / 3.92"), path)
    ws = openpyxl.load_workbook(path)["Parameters"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "p")
    cell = f"{openpyxl.utils.get_column_letter(header.index('distribution_args') + 1)}{row}"
    with pytest.raises(ModelError) as err:
        read_workbook(path, check=True)
    (problem,) = err.value.problems
    assert problem.where == Cell("Parameters", cell)
    assert "reads 'p_low', which is not a parameter (did you mean 'p_lo'?)" in problem.what
