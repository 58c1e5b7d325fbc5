"""Hostile and broken workbooks (issue 19): what 'hecon validate' passes, 'hecon run' runs.

Each case edits the textbook-shaped workbook of tests/workbook/test_validate.py (its cell layout
is described there) and runs both commands through the command line. Validation evaluates the
model as the run does (every strategy, cycle and state time, deterministically), so both
commands agree on the exit status and on the problems, and every problem names its cell.
Every case of this file that validates a workbook goes through :func:`tests.agreement.validate_and_run`, which
asserts that agreement (exit status, problem lines and their count); the cases whose values only
an analysis uses (DSA bounds, threshold search intervals) also run 'hecon run --dsa'.
"""

from __future__ import annotations

import io
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from hecon.model.expressions import nesting, parse, switched
from hecon.model.limits import DEPTH_CEILING, LIMITS
from hecon.model.problems import Cell, ModelError
from hecon.workbook import write_workbook
from tests.agreement import LOCATED, problem_lines, validate_and_run
from tests.workbook.test_validate import RICH_CASES, TEXTBOOK_CASES, textbook_model

_FINITE = "expected finite values"
_PROBABILITIES = "expected probabilities that sum to at most 1"
#: The parameters that the formulas of the rows out of S1 read (p_S1H, the S1 -> S2 rate, apply_hr(gp_mort(), hr_S1)).
_S1_SOURCES = (
    "hr_S1: Parameters!B8, hr_trt: Parameters!B10, p_S1H: Parameters!B5, r_S1S2: Parameters!B6, slope_S1S2: "
    "Parameters!B7"
)
_PROBABILITY = "expected a probability between 0 and 1"
#: The cells of the rows out of H and out of S1 (each row sum names them, the cell to change may be any).
_H_ROW = "the row Transitions!D4, Transitions!D5, Transitions!D6; "
_S1_ROW = "the row Transitions!D7, Transitions!D8, Transitions!D9, Transitions!D10; "

#: case -> (cells to set, a message that must be found (whole line, or its start))
EVALUATED_CASES: dict[str, tuple[dict[str, object], str]] = {
    "division by zero": (
        {"Parameters!B11": "c_S1 / 0"},
        "States!F4: strategy 'SoC', state 'H', cost 'care', every cycle: 'c_H' is inf, not a finite number (from "
        "c_H: Parameters!B11, c_S1: Parameters!B12); " + _FINITE,  # c_H = c_S1 / 0: each link of the chain
    ),
    "log of a negative number": (
        {"Parameters!B11": "log(-c_S1)"},
        "States!F4: strategy 'SoC', state 'H', cost 'care', every cycle: 'c_H' is NaN, not a finite number",
    ),
    "square root of a negative number": (
        {"Parameters!B16": "sqrt(-1)"},
        "States!C4: strategy 'SoC', state 'H', utility, every cycle: 'u_H' is NaN, not a finite number",
    ),
    "1e999": ({"Parameters!B15": "1e999"}, "TransitionRewards!F4: strategy 'SoC', transition reward -> D"),
    "10**10**10": ({"Parameters!B11": "10**10**10"}, "States!F4: strategy 'SoC', state 'H', cost 'care'"),
    "0*1e999": ({"Parameters!B11": "0*1e999"}, "States!F4: strategy 'SoC', state 'H', cost 'care', every cycle: "),
    "a probability of 1 + 1e-9": (
        {"Parameters!B4": "1 + 1e-9"},
        "Transitions!D4: strategy 'SoC', transition H -> S1, every cycle: probability 1.000000001 ('p_HS1') "
        f"is outside [0, 1] (from p_HS1: Parameters!B4); {_PROBABILITY}",
    ),
    "a complement that goes negative": (
        {"Parameters!B4": "0.99"},
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 12: the probabilities add up to 1.00002, "
        f"leaving a negative complement for -> H ({_H_ROW}from p_HS1: Parameters!B4); {_PROBABILITIES}",
    ),
    "a row sum of 1 + 1e-6": (
        {"Transitions!D6": "1 - p_HS1 - gp_mort() + 1e-6"},
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 0: the probabilities add up to 1.000001 "
        f"({_H_ROW}from p_HS1: Parameters!B4); expected a sum of 1",
    ),
    "a row sum of 1 - 1e-6": (
        {"Transitions!D6": "1 - p_HS1 - gp_mort() - 1e-6"},
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 0: the probabilities add up to 0.999999 "
        f"({_H_ROW}from p_HS1: Parameters!B4); ",
    ),
    "a terminal-care cost of -3e293 (found by the fuzz test: the report's figures overflowed)": (
        {"TransitionRewards!F4": -3e293},
        "TransitionRewards!F4: strategy 'SoC', transition reward -> D, every cycle: '-3e+293' is -3e+293; expected a "
        "value of at most 1,000,000,000,000,000 in absolute value (or raise the limit: set HECON_MAX_VALUE)",
    ),
    "initial shares that are a formula adding up to 0.15": (
        {"Initial!B4": "p_HS1"},
        "Initial!B4: strategy 'SoC', initial state distribution: shares add up to 0.15 (from "
        "p_HS1: Parameters!B4); expected finite, non-negative shares that add up to 1",
    ),
    "an initial share of NaN (found by review: NaN passed the sum check and the run failed later)": (
        {"Initial!B4": "0*1e999"},
        "Initial!B4: strategy 'SoC', initial state distribution: a share is NaN; expected finite, non-negative "
        "shares that add up to 1",
    ),
    "a negative initial share": (
        {"Initial!B4": "-p_HS1"},
        "Initial!B4: strategy 'SoC', initial state distribution: a share is negative (-0.15) (from p_HS1: "
        "Parameters!B4); expected finite, non-negative shares that add up to 1",
    ),
    "a share of men of 1.5": ({"Settings!B9": 1.5}, "Settings!B9: proportion_male: 1.5 is outside [0, 1]"),
    "a constant probability of inf from its parameter (found before the run, with the parameter's cell)": (
        {"Parameters!B4": "1e999"},
        f"Transitions!D4: probability inf ('p_HS1') is outside [0, 1] (from p_HS1: Parameters!B4); {_PROBABILITY}",
    ),
    "a constant row sum of 0.6 + 0.5 + 0.5 (found before the run, with the cells of its parameters)": (
        {"Parameters!B4": 0.6, "Transitions!D5": "p_S1H", "Transitions!D6": 0.5},  # p_S1H = 0.5
        f"Transitions!D4: the probabilities add up to 1.6 ({_H_ROW}from p_HS1: Parameters!B4, p_S1H: Parameters!B5); "
        "expected "
        "a sum of 1, or a complement '#' for the rest",
    ),
    "a probability above 1 deep in a tunnel": (
        {"States!D5": 60, "Transitions!D8": "0.03 * state_time"},
        "Transitions!D8: strategy 'SoC', transition S1 -> S2, every cycle, state_time 34: probability 1.02 "
        "('0.03 * state_time') is outside [0, 1]",
    ),
}


@pytest.fixture(scope="module")
def textbook_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("good") / "textbook.xlsx"
    write_workbook(textbook_model(), path)
    return path.read_bytes()


def workbook(folder: Path, data: bytes, cells: dict[str, object], rows: dict[str, list[object]] | None = None) -> Path:
    path = folder / "model.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        sheet, cell = address.split("!")
        wb[sheet][cell] = value
    for sheet, row in (rows or {}).items():
        wb[sheet].append(row)
    wb.save(path)
    return path


def test_the_location_pattern_wants_a_real_cell_or_line():
    assert [bool(LOCATED.match(t)) for t in ("Parameters!B4: x", "ipd.csv:12: x", "Thresholds!F14: x")] == [True] * 3
    for text in ("Parameters!: x", "Parameters: x", "model.xlsx: x", "Parameters!B0: x", "Parameters!4: x", "x!B: x"):
        assert not LOCATED.match(text), text


@pytest.mark.parametrize("case", list(EVALUATED_CASES))
def test_validate_evaluates_the_model_as_run_does(tmp_path, textbook_bytes, invoke, case):
    cells, expected = EVALUATED_CASES[case]
    path = workbook(tmp_path, textbook_bytes, cells)
    found = validate_and_run(path, tmp_path / "report")
    assert [m for m in found if m.startswith(expected)], found


def test_a_scenario_that_only_fails_when_run_is_found_at_the_scenario(tmp_path, textbook_bytes, invoke):
    path = workbook(tmp_path, textbook_bytes, {}, {"Scenarios": ["sick", "p_S1H", 0.98]})  # S1: 0.98 + S2 + D > 1
    found = validate_and_run(path, tmp_path / "report")
    # S1 at cycle 0, state_time 0 (age 60, qx 0.005 men, 0.003 women, half men; yearly cycles):
    # 0.98 + rate_to_prob(0.105) + apply_hr(qx, 3) = 0.98 + (1 - e^-0.105) + (1 - (1 - 0.004)^3)
    total = 0.98 + (1 - math.exp(-0.105)) + (1 - (1 - 0.004) ** 3)
    sources = _S1_SOURCES.replace("p_S1H: Parameters!B5", "p_S1H: Scenarios!C4")  # the scenario's value, at its cell
    # strategies B and AB (hr_trt 0.6, StrategyParameters rows 6 and 9) fail too, each with its own sum and cells:
    # 0.98 + rate_to_prob(0.105 x 0.6) + apply_hr(qx, 3)
    treated = 0.98 + (1 - math.exp(-0.105 * 0.6)) + (1 - (1 - 0.004) ** 3)
    assert found == [
        f"Scenarios!C4: with scenario 'sick', Transitions!D7: strategy '{strategy}', transitions out of 'S1', cycle 0, "
        f"state_time 0: the probabilities add up to {value:.6g}, leaving a negative complement for -> S1 ({_S1_ROW}from "
        f"{sources.replace('hr_trt: Parameters!B10', hr_trt)}); expected probabilities that sum to at most 1"
        for strategy, value, hr_trt in (
            ("SoC", total, "hr_trt: Parameters!B10"),
            ("B", treated, "hr_trt: StrategyParameters!C6"),
            ("AB", treated, "hr_trt: StrategyParameters!C9"),
        )
    ]


def test_a_scenario_s_bad_value_is_placed_at_its_cell_not_at_the_scenario_s_first_row(tmp_path, textbook_bytes):
    """c_H = a_cost + b_cost (new parameters, rows 21-22); a scenario of three rows (Scenarios rows
    4-6) sets c_trt, a_cost, and b_cost = 0 x 1e999 (NaN) last: the problem the run finds in the
    cost of H is placed at the cell of the NaN (C6), not at the scenario's first row (A4, as
    before) nor at the first of its values the cost reads (a_cost, C5), by run as by validate."""
    cells = {"Parameters!B11": "a_cost + b_cost", "Parameters!A21": "a_cost", "Parameters!B21": 1000}
    path = workbook(tmp_path, textbook_bytes, cells | {"Parameters!A22": "b_cost", "Parameters!B22": 1000})
    wb = openpyxl.load_workbook(path)
    for row in (["three", "c_trt", 100], ["three", "a_cost", 500], ["three", "b_cost", "0*1e999"]):
        wb["Scenarios"].append(row)
    wb.save(path)
    found = validate_and_run(path, tmp_path / "report")
    assert found and all(m.startswith("Scenarios!C6: with scenario 'three', States!F4: ") for m in found), found
    assert "'c_H' is NaN, not a finite number (from c_H: Parameters!B11, a_cost: Scenarios!C5, b_cost: " in found[0]


def test_a_share_of_men_from_a_scenario_is_checked_as_in_the_base_case(tmp_path, textbook_bytes):
    """Settings!B9 reads a new parameter p_m (0.5, Parameters!B21); a scenario sets it to 1.5. The
    life table's death probabilities read the share of men, which the reads of the formulas calling
    gp_mort() do not show: the review of issue 19 found that such a scenario reused the base case's
    results and passed both commands. Now refused at the scenario's value, by validate as by run."""
    cells = {"Settings!B9": "p_m", "Parameters!A21": "p_m", "Parameters!B21": 0.5}
    path = workbook(tmp_path, textbook_bytes, cells, {"Scenarios": ["too many men", "p_m", 1.5]})
    found = validate_and_run(path, tmp_path / "report")
    assert found and all(m.startswith("Scenarios!") for m in found), found
    assert any("proportion_male: 1.5 is outside [0, 1]" in m for m in found), found


def test_a_derived_value_names_every_link_of_its_chain(tmp_path, textbook_bytes, invoke):
    """c_H = w * 10, w = kg / 2, kg = 0 x 1e999 (NaN, as a body weight a dose is derived from): the
    cost's problem names each link's cell, down to the one that holds the NaN (Parameters rows 21, 22)."""
    path = workbook(
        tmp_path,
        textbook_bytes,
        {"Parameters!B11": "w * 10", "Parameters!A21": "w", "Parameters!B21": "kg / 2"}
        | {"Parameters!A22": "kg", "Parameters!B22": "0 * 1e999"},
    )
    assert validate_and_run(path, tmp_path / "report") == [
        "States!F4: strategy 'SoC', state 'H', cost 'care', every cycle: 'c_H' is NaN, not a finite number (from "
        "c_H: Parameters!B11, w: Parameters!B21, kg: Parameters!B22); " + _FINITE
    ]


def test_a_long_chain_names_its_first_cells_and_how_many_more(tmp_path, textbook_bytes, invoke):
    from hecon.workbook.validate import MAX_SOURCES

    names = [f"a{k:02d}" for k in range(1, 15)]  # 14 parameters on rows 21-34, one of them inf
    cells: dict[str, object] = {"Parameters!B11": " + ".join(names)}
    for row, name in enumerate(names, start=21):
        cells |= {f"Parameters!A{row}": name, f"Parameters!B{row}": "1e999" if name == "a14" else 1}
    (found,) = validate_and_run(workbook(tmp_path, textbook_bytes, cells), tmp_path / "report")
    links = ["c_H: Parameters!B11"] + [f"{n}: Parameters!B{row}" for row, n in enumerate(names, start=21)]
    assert f"(from {', '.join(links[:MAX_SOURCES])}, and {len(links) - MAX_SOURCES} more); " in found, found


_INVISIBLE_EXPECTED = (
    "expected plain text without it: retype the cell (such characters come with text pasted from web pages or Word)"
)

#: case -> (cells to set, the one problem both commands list)
WRITTEN_CASES: dict[str, tuple[dict[str, object], str]] = {
    "a list comprehension, with a comma between digits (not a decimal comma)": (
        {"Parameters!B4": "[p for p in (1,2)]"},
        "Parameters!B4: '[p for p in (1,2)]' is not allowed in '[p for p in (1,2)]'; expected numbers, names",
    ),
    "a decimal comma (still called one)": (
        {"Parameters!B4": "p_S1H * 0,3"},
        "Parameters!B4: 'p_S1H * 0,3' has a decimal comma; expected a decimal point, e.g. p_S1H * 0.3 ",
    ),
    "a name of 5,000 characters, refused where it is defined": (
        {"Parameters!A21": "p" * 5000, "Parameters!B21": 1},
        "Parameters!A21: the name '" + "p" * 40 + "...' has 5,000 characters; expected a name of at most 200 "
        "characters (or raise the limit: set HECON_MAX_NAME_CHARS)",
    ),
    "a name with a trailing no-break space, where it is defined (and its uses find it: no follow-on)": (
        {"Parameters!A5": "p_S1H\u00a0"},
        "Parameters!A5: 'p_S1H\\xa0' has an invisible character, U+00A0 (NO-BREAK SPACE); " + _INVISIBLE_EXPECTED,
    ),
    "a state name with a no-break space": (
        {"States!A4": "H\u00a0"},
        "States!A4: 'H\\xa0' has an invisible character, U+00A0 (NO-BREAK SPACE); " + _INVISIBLE_EXPECTED,
    ),
    "a comparison as a probability (true or false, not a number)": (
        {"Transitions!D4": "p_HS1 > 0"},
        "Transitions!D4: 'p_HS1 > 0' is a comparison: true or false, not a number; expected a probability between 0 "
        "and 1, a formula, or # for the rest; a comparison goes inside if_else(condition, value, otherwise)",
    ),
    "a comparison as a parameter's value": (
        {"Parameters!B4": "p_S1H >= 0.5"},
        "Parameters!B4: 'p_S1H >= 0.5' is a comparison: true or false, not a number",
    ),
    "a zero-width space where a name is used": (
        {"Transitions!D4": "p_HS1\u200b"},
        "Transitions!D4: 'p_HS1\\u200b' has an invisible character, U+200B (ZERO WIDTH SPACE); " + _INVISIBLE_EXPECTED,
    ),
}


@pytest.mark.parametrize("case", list(WRITTEN_CASES))
def test_how_a_name_or_formula_is_written_is_one_problem_at_its_cell(tmp_path, textbook_bytes, invoke, case):
    cells, expected = WRITTEN_CASES[case]
    (found,) = validate_and_run(workbook(tmp_path, textbook_bytes, cells), tmp_path / "report")
    assert found.startswith(expected), found


@pytest.mark.parametrize("which, case", [("textbook", c) for c in TEXTBOOK_CASES] + [("rich", c) for c in RICH_CASES])
def test_validate_and_run_agree_on_every_bad_workbook_of_the_tests(
    tmp_path, textbook_bytes, rich_workbook, invoke, which, case
):
    """Every bad-input case of tests/workbook/test_validate.py, one workbook each: both commands
    exit 1 with the same problems."""
    cells, rows, _ = (TEXTBOOK_CASES if which == "textbook" else RICH_CASES)[case]
    data = textbook_bytes if which == "textbook" else rich_workbook.read_bytes()
    path = workbook(tmp_path, data, cells, rows)
    found = validate_and_run(path, tmp_path / "report")
    assert found


# --------------------------------------------------------------------------------------
# Values that only the analyses use: DSA bounds and threshold search intervals
# --------------------------------------------------------------------------------------

_P_HS1 = "Transitions!D4: strategy 'SoC', transition H -> S1, every cycle: probability {} ('p_HS1') is outside [0, 1] "
_FROM_P_HS1 = f"(from p_HS1: Parameters!B4); {_PROBABILITY}"
# The share of the S1 row that its other transitions take at cycle 0, state_time 0 (as in the scenario test below):
# rate_to_prob(0.105) + apply_hr(qx, 3) with qx = 0.004 (age 60, half men), so p_S1H = 0.99 leaves a negative complement.
_S1_REST = (1 - math.exp(-0.105)) + (1 - (1 - 0.004) ** 3)
# The 97.5% quantile of normal(mean 0.15, sd 0.5): 0.15 + 1.959963984540054 x 0.5 (z from tables, e.g. scipy's
# ppf); the 2.5% quantile is its mirror image around the mean, 0.3 - _Q975
_Q975 = 0.15 + 1.959963984540054 * 0.5

#: case -> (cells to set, rows to append, the problems both commands list, in order)
VARIATION_CASES: dict[str, tuple[dict[str, object], dict[str, list[object]], list[str]]] = {
    "a threshold's upper end above 1 for a probability": (
        {},
        {"Thresholds": ["p_HS1", "A", "SoC", 50_000, 0, 1.5]},
        [
            "Thresholds!F4: with p_HS1 at 1.5, the upper end of the search interval [0, 1.5], "
            + _P_HS1.format("1.5")
            + _FROM_P_HS1
        ],
    ),
    "a threshold's lower end below 0, and the default upper end (10 x 0.15) above 1": (
        {},
        {"Thresholds": ["p_HS1", "A", "SoC", 50_000, -0.5]},
        [
            "Thresholds!E4: with p_HS1 at -0.5, the lower end of the search interval [-0.5, 1.5], "
            + _P_HS1.format("-0.5")
            + _FROM_P_HS1,
            "Thresholds!F4: with p_HS1 at 1.5, the upper end of the search interval [-0.5, 1.5], "
            + _P_HS1.format("1.5")
            + _FROM_P_HS1,
        ],
    ),
    "a DSA high value above 1 for a probability": (
        {"Parameters!I4": 0.1, "Parameters!J4": 1.2, "Parameters!K4": "yes"},
        {},
        ["Parameters!J4: with p_HS1 at its DSA high value 1.2, " + _P_HS1.format("1.2") + _FROM_P_HS1],
    ),
    "a DSA low value below 0 for a probability": (
        {"Parameters!I4": -0.01, "Parameters!J4": 0.2, "Parameters!K4": "yes"},
        {},
        ["Parameters!I4: with p_HS1 at its DSA low value -0.01, " + _P_HS1.format("-0.01") + _FROM_P_HS1],
    ),
    "DSA values from a distribution (its 2.5% and 97.5% quantiles) outside [0, 1]": (
        {"Parameters!F4": "normal", "Parameters!G4": "mean=0.15; sd=0.5", "Parameters!K4": "yes"},
        {},
        [
            f"Parameters!G4: with p_HS1 at its DSA low value {0.3 - _Q975:.6g} (the 2.5% quantile of its "
            "distribution), " + _P_HS1.format(f"{0.3 - _Q975:.6g}") + _FROM_P_HS1,
            f"Parameters!G4: with p_HS1 at its DSA high value {_Q975:.6g} (the 97.5% quantile of its "
            "distribution), " + _P_HS1.format(f"{_Q975:.6g}") + _FROM_P_HS1,
        ],
    ),
    "a DSA high value that leaves a negative complement in another row": (
        {"Parameters!I5": 0.4, "Parameters!J5": 0.99, "Parameters!K5": "yes"},
        {},
        [
            "Parameters!J5: with p_S1H at its DSA high value 0.99, Transitions!D7: strategy 'SoC', transitions out "
            f"of 'S1', cycle 0, state_time 0: the probabilities add up to {0.99 + _S1_REST:.6g}, leaving a negative "
            f"complement for -> S1 ({_S1_ROW}from {_S1_SOURCES}); {_PROBABILITIES}"
        ],
    ),
    "a DSA high value of a parameter that a setting reads (proportion_male = p_male)": (
        {"Settings!B9": "p_male", "Parameters!A21": "p_male", "Parameters!B21": 0.5}
        | {"Parameters!I21": 0.4, "Parameters!J21": 1.5, "Parameters!K21": "yes"},
        {},
        [
            "Parameters!J21: with p_male at its DSA high value 1.5, Settings!B9: proportion_male: 1.5 is "
            "outside [0, 1] (from p_male: Parameters!B21); expected a share between 0 and 1"
        ],
    ),
}


@pytest.mark.parametrize("case", list(VARIATION_CASES))
def test_validate_evaluates_dsa_bounds_and_threshold_intervals_as_run_does(tmp_path, textbook_bytes, invoke, case):
    """'hecon validate' runs the model at every DSA bound and every value of a threshold's search grid
    (deterministically), so what 'hecon run' (and 'hecon run --dsa') would reject is found first,
    at the cell of the value, with the formula's cell and the cells it reads; never 'sample 7'."""
    cells, rows, expected = VARIATION_CASES[case]
    path = workbook(tmp_path, textbook_bytes, cells, rows)
    found = validate_and_run(path, tmp_path / "report")
    assert found == expected
    dsa = invoke("run", path, "--dsa", "--out", tmp_path / "report")
    assert dsa.exit_code == 1 and problem_lines(dsa.stderr) == expected


def test_a_dsa_without_flagged_parameters_names_the_parameters_sheet(tmp_path, textbook_bytes, invoke):
    path = workbook(tmp_path, textbook_bytes, {})
    result = invoke("run", path, "--dsa", "--out", tmp_path / "report")
    assert result.exit_code == 1 and not (tmp_path / "report").exists()
    assert problem_lines(result.stderr) == [
        "Parameters!A4: DSA: no parameter is flagged for one-way sensitivity analysis; expected dsa = yes on the "
        "Parameters sheet for the parameters to vary"
    ]


def test_a_two_way_grid_that_the_model_cannot_run_with_names_its_first_point(tmp_path, textbook_bytes, invoke):
    """The --two-way grid is not in the workbook, so validation cannot check it: the run says which
    point fails (by its values, not its sample) and how many do: p_HS1 on 21 points from 0 to 1.5
    (steps of 0.075) is above 1 at 7 of them, each with 21 values of c_H (over 5 yearly cycles, where
    0.975 + gp_mort() stays below 1)."""
    path = workbook(tmp_path, textbook_bytes, {"Settings!B7": 5})
    result = invoke("run", path, "--two-way", "p_HS1=0:1.5,c_H=0:1000,A", "--out", tmp_path / "report")
    assert result.exit_code == 1 and not (tmp_path / "report").exists()
    assert problem_lines(result.stderr) == [
        "two-way threshold p_HS1 x c_H: with p_HS1 at 1.05 and c_H at 0, a point of the grid (the first of 147 of "
        "the 441 points that the model cannot run with), " + _P_HS1.format("1.05") + _FROM_P_HS1
    ]


def test_a_derived_setting_names_the_cell_of_its_parameter(tmp_path, textbook_bytes, invoke):
    path = workbook(tmp_path, textbook_bytes, {"Settings!B9": "p_male"}, {"Parameters": ["p_male", 1.5]})
    found = validate_and_run(path, tmp_path / "report")
    assert found == [
        "Settings!B9: proportion_male: 1.5 is outside [0, 1] (from p_male: Parameters!B21); expected a "
        "share between 0 and 1"
    ]


def test_the_analyses_place_a_failing_variation_at_its_value_not_at_a_sample():
    """Called directly (not through a workbook), run_dsa and find_threshold raise problems located at
    the DSA bound or the threshold's interval end, each with the engine's problem as its cause."""
    import dataclasses

    from hecon.analysis.dsa import run_dsa
    from hecon.analysis.threshold import find_threshold
    from hecon.model.problems import Element
    from hecon.model.spec import ThresholdQuery

    model = textbook_model()
    model = dataclasses.replace(
        model,
        parameters=tuple(
            dataclasses.replace(p, dsa=True, dsa_low=0.1, dsa_high=1.2) if p.name == "p_HS1" else p
            for p in model.parameters
        ),
        thresholds=(ThresholdQuery("p_HS1", "A", "SoC", wtp=50_000, lower=0.0, upper=1.5),),
    )
    with pytest.raises(ModelError) as dsa:
        run_dsa(model, progress=False)
    with pytest.raises(ModelError) as threshold:
        find_threshold(model, model.thresholds[0])
    high = [p for p in dsa.value.problems if p.where == Element("parameter", "p_HS1", part="dsa_high")]
    assert len(high) == len(dsa.value.problems) == 4  # one per strategy: every strategy reads p_HS1
    assert {p.cause.where.strategy for p in high if p.cause} == {"SoC", "A", "B", "AB"}
    ends = [p.where.part for p in threshold.value.problems if isinstance(p.where, Element)]
    assert "upper" in ends and "lower" not in ends
    for p in dsa.value.problems + threshold.value.problems:
        assert "sample" not in str(p)


# --------------------------------------------------------------------------------------
# No tracebacks: messages for text where numbers belong, impossible sizes, deep formulas
# --------------------------------------------------------------------------------------

#: case -> (cells to set, the one message expected)
MESSAGE_CASES: dict[str, tuple[dict[str, object], str]] = {
    "NaN in a number column": ({"Parameters!I5": "NaN"}, "Parameters!I5: 'NaN' is not a finite number"),
    "nan in a whole-number column": ({"States!D5": "nan"}, "States!D5: 'nan' is not a finite number"),
    "INF as a setting": ({"Settings!B7": "INF"}, "Settings!B7: horizon_years: 'INF' is not a finite number"),
    "-inf as an age": ({"LifeTable!B5": "-inf"}, "LifeTable!B5: '-inf' is not a finite number"),
    "cycle length 0": ({"Settings!B6": 0}, "Settings!B6: cycle_length_days: 0; expected a positive number of days"),
    "cycle length 1e-9 days": (
        {"Settings!B6": 1e-9},
        "Settings!B7: a horizon of 40 years in cycles of 1e-09 days (cycle_length_days: Settings!B6) has "
        f"{round(40 * 365.25 / 1e-9):,} cycles; expected a horizon of at "
        "most 1,000,000 cycles (or raise the limit: set HECON_MAX_CYCLES)",
    ),
    "tunnels of 120,000 states": (
        {"States!D5": 60_000, "States!D6": 60_000},
        "States!A4: the states with their tunnels expanded are 120,002 states; expected a model of at most 100,000 "
        "states (or raise the limit: set HECON_MAX_STATES); shorten the longest tunnels",
    ),
    "a formula of 30,000 characters": (
        {"Parameters!B11": "+".join(["1"] * 15_000)},
        "Parameters!B11: the formula '1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+...' has 29,999 characters; expected "
        "a formula of at most 2,000 characters (or raise the limit: set HECON_MAX_EXPRESSION_CHARS); split it "
        "into named parameters",
    ),
    "a chain of 1,999 unary minus": (
        {"Parameters!B11": "-" * 1_999 + "1"},
        "Parameters!B11: the formula '------------------------------...-----------------------------1' is nested "
        "more than 100 levels deep",
    ),
    "a chain of 400 not": ({"Parameters!B11": "not " * 400 + "1"}, "Parameters!B11: the formula 'not not not"),
    "200 nested brackets (Python's parser reads at most 200)": (
        {"Parameters!B11": "(" * 200 + "c_S1" + ")" * 200},
        "Parameters!B11: the formula '((((((((((((((((((((((((((((((...))))))))))))))))))))))))))))))' is nested more "
        "than 100 levels deep (200 levels; each bracket, call and unary operator such as - or not is one level); "
        "expected a formula nested at most 100 levels deep (100 is the most hecon reads); split it into named "
        "parameters",
    ),
    "101 nested calls": (
        {"Parameters!B11": "abs(" * 101 + "c_S1" + ")" * 101},
        "Parameters!B11: the formula 'abs(abs(abs(abs(abs(abs(abs(ab...))))))))))))))))))))))))))))))' is nested more "
        "than 100 levels deep (101 levels",
    ),
    "a huge seed": ({"Settings!B19": 10**30}, "Settings!B19: seed: 1e+30; expected a whole number from 0 to"),
    # names
    "True as a parameter name": (
        {"Parameters!A4": "True", "Transitions!D4": 0.15},
        "Parameters!A4: the name is a word of the formula language (a Python keyword); expected another name, e.g. "
        "true_value",
    ),
    "if as a parameter name": (
        {"Parameters!A4": "if", "Transitions!D4": 0.15},
        "Parameters!A4: the name is a word of the formula language (a Python keyword)",
    ),
    "a full-width look-alike in a formula": (
        {"Transitions!D4": "\uff50_HS1"},
        "Transitions!D4: the formula '\uff50_HS1' has the character '\uff50' (FULLWIDTH LATIN SMALL LETTER P), a "
        "look-alike of 'p'; expected names, numbers and operators in plain ASCII (retype the character)",
    ),
    "a full-width look-alike in a name": (
        {"Parameters!A4": "\uff50_HS1", "Transitions!D4": 0.15},
        "Parameters!A4: the name has the character '\uff50' (FULLWIDTH LATIN SMALL LETTER P), a look-alike of 'p'; "
        "expected a name of plain ASCII letters, digits and _",
    ),
    "a parameter named like hecon's hidden values (_hecon_value_), with a parameter flagged for the DSA": (
        {"Parameters!A21": "_hecon_value_", "Parameters!B21": 1}
        | {"Parameters!I5": 0.3, "Parameters!J5": 0.5, "Parameters!K5": "yes"},
        "Parameters!A21: parameter '_hecon_value_': the name starts with _hecon_value_, which hecon reserves for the "
        "analyses that vary parameters; expected another name",
    ),
    # columns that hold values without a header
    "the strategy header of Transitions deleted": (
        {"Transitions!A1": None},
        "Transitions!A1: column A has no header but holds values (A4, A5, A6, A7, A8 and 4 more), which would be "
        "ignored; expected a header naming the column (one of strategy), a note header starting with #, or no "
        "values there",
    ),
    "the strategy header of TransitionRewards deleted": (
        {"TransitionRewards!A1": None},
        "TransitionRewards!A1: column A has no header but holds values (A4, A5, A6), which would be ignored",
    ),
    "values beside the Parameters columns": (
        {"Parameters!N7": 0.2, "Parameters!N9": "check"},
        "Parameters!N1: column N has no header but holds values (N7, N9), which would be ignored",
    ),
}


@pytest.mark.parametrize("case", list(MESSAGE_CASES))
def test_bad_values_give_messages_not_tracebacks(tmp_path, textbook_bytes, invoke, case):
    cells, expected = MESSAGE_CASES[case]
    path = workbook(tmp_path, textbook_bytes, cells)
    found = validate_and_run(path, tmp_path / "report")
    assert len(found) == 1 and found[0].startswith(expected), found


#: Forms of formula nested ``n`` levels deep (brackets, calls and unary operators each one level),
#: with their value computed by Python for the same ``n``.
DEEP_FORMS: dict[str, tuple[Callable[[int], str], Callable[[int], float]]] = {
    "brackets": (lambda n: "(" * n + "2" + ")" * n, lambda n: 2.0),
    "calls": (lambda n: "abs(" * n + "-2" + ")" * n, lambda n: 2.0 if n else -2.0),  # the minus inside: one more
    "unary minus": (lambda n: "-" * n + "2", lambda n: (-1.0) ** n * 2),
    "not": (lambda n: "not " * n + "2", lambda n: float(n % 2 == 0)),
    "comparisons in brackets": (lambda n: "(1 < " * n + "2" + ")" * n, lambda n: float(n == 1)),
    "if_else calls": (lambda n: "if_else(1, " * n + "2" + ", 0)" * n, lambda n: 2.0),
    "a minus before each bracket": (lambda n: "-(" * (n // 2) + "2" + ")" * (n // 2), lambda n: (-1.0) ** (n // 2) * 2),
}


def _levels(form: str, n: int) -> int:
    return n + 1 if form == "calls" else n  # abs(...(-2)): n calls and the unary minus inside


@pytest.mark.parametrize("form", list(DEEP_FORMS))
def test_the_depth_ceiling_is_reachable_and_counts_brackets_calls_and_unary_operators_alike(form):
    """At the ceiling (100 levels) and one below, every form parses and evaluates to Python's value;
    one level above, it is refused with the depth message (not Python's 'too many nested
    parentheses', a RecursionError or a MemoryError)."""
    text, value = DEEP_FORMS[form]
    for n in (DEPTH_CEILING - 2, DEPTH_CEILING - 1, DEPTH_CEILING):
        n -= _levels(form, n) - n
        if form == "a minus before each bracket" and n % 2:
            n -= 1
        assert nesting(text(n)) <= DEPTH_CEILING
        assert float(parse(text(n)).evaluate(None)) == value(n), n  # type: ignore[arg-type]
    n = DEPTH_CEILING + 2 if form == "a minus before each bracket" else DEPTH_CEILING + 1
    with pytest.raises(ModelError) as caught:
        parse(text(n), Cell("Parameters", "B11"))
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"Parameters!B11: the formula '{text(n)[:30]}")
    assert f"is nested more than 100 levels deep ({nesting(text(n))} levels; each bracket, call and unary operator" in (
        problem.what
    )


def test_a_lower_depth_limit_is_the_one_in_force(monkeypatch):
    monkeypatch.setenv("HECON_MAX_EXPRESSION_DEPTH", "20")
    assert parse("(" * 20 + "1" + ")" * 20).evaluate(None) == 1.0  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="nested more than 20 levels deep"):
        parse("(" * 21 + "1" + ")" * 21)
    monkeypatch.setenv("HECON_MAX_EXPRESSION_DEPTH", "100000")  # above the ceiling: the ceiling
    with pytest.raises(ModelError, match="nested more than 100 levels deep"):
        parse("(" * 101 + "1" + ")" * 101)


def test_no_recursion_error_at_any_depth_up_to_the_length_limit(monkeypatch):
    """Every form at every depth up to the formula length limit: a value or a message. Long flat
    chains (1,000 additions, which Python's parser nests 1,000 deep) are not nesting and evaluate."""
    limit = 2_000
    for form, (text, value) in DEEP_FORMS.items():
        for n in range(1, limit):
            formula = text(n)
            if len(formula) > limit:
                break
            try:
                got = float(parse(formula).evaluate(None))  # type: ignore[arg-type]
            except ModelError as e:
                assert "nested more than 100 levels deep" in str(e), (form, n)
            else:
                assert got == value(n), (form, n)
    chains = {"+": 1000.0, "*": 1.0, "**": 1.0, "-": -998.0}
    for op, total in chains.items():
        formula = op.join(["1"] * (limit // (len(op) + 1)))
        assert float(parse(formula).evaluate(None)) == total, op  # type: ignore[arg-type]
    formula = " if 1 else ".join(["1"] * 180)[:limit].rsplit(" if", 1)[0]
    assert parse(formula).evaluate(None) == 1.0  # type: ignore[arg-type]
    monkeypatch.setenv("HECON_MAX_EXPRESSION_CHARS", "500000")  # far beyond: messages, never a traceback
    for formula in ("-" * 100_000 + "1", "not " * 25_000 + "1", "(" * 5_000 + "1" + ")" * 5_000):
        with pytest.raises(ModelError) as caught:
            parse(formula)
        (problem,) = caught.value.problems
        assert "nested more than 100 levels deep" in problem.what
    for terms in (50_000, 200_000):  # a chain: its value, or a message if Python's parser gives up
        try:
            assert parse("+".join("1" * terms)).evaluate(None) == terms  # type: ignore[arg-type]
        except ModelError as e:
            assert "more than Python's parser takes" in str(e)


def test_a_seed_beyond_64_bits_is_a_usage_error(textbook_bytes, tmp_path, invoke):
    path = workbook(tmp_path, textbook_bytes, {})
    result = invoke("run", path, "--seed", 2**64)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_an_internal_error_is_one_line_and_a_log_file(tmp_path, textbook_bytes, invoke, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("hecon.workbook.validate.validate_result", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # read TMPDIR again
    try:
        result = invoke("validate", workbook(tmp_path, textbook_bytes, {}))
    finally:
        tempfile.tempdir = None
    assert result.exit_code == 3
    (line,) = [line for line in result.stderr.splitlines() if not line.startswith("progress: ")]
    log = next(tmp_path.glob("hecon-error-*.log"))
    assert line == f"error: internal error, please report it with the file {log} (RuntimeError: a bug)"
    assert "Traceback" in log.read_text() and "Traceback" not in result.output


# --------------------------------------------------------------------------------------
# Bounds: each refused before the work starts, in seconds, with a message
# --------------------------------------------------------------------------------------


def zip_with(data: bytes, path: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> Path:
    """The workbook ``data`` with parts replaced and added, written to ``path``."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            z.writestr(name, replace.get(name, source.read(name)))
        for name, part in (add or {}).items():
            z.writestr(name, part)
    return path


def shared_strings(data: bytes, path: Path, n: int) -> Path:
    """The workbook with a sharedStrings part of ``n`` texts of 28 characters."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        rels = source.read("xl/_rels/workbook.xml.rels")
        types = source.read("[Content_Types].xml")
    rel = (
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'
    )
    body = b"<si><t>" + b"x" * 28 + b"</t></si>"
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + body * n + b"</sst>"
    return zip_with(
        data,
        path,
        {
            "xl/_rels/workbook.xml.rels": rels.replace(b"</Relationships>", rel),
            "[Content_Types].xml": types.replace(b"</Types>", override),
        },
        {"xl/sharedStrings.xml": sst},
    )


def sheet_part(data: bytes, sheet: str) -> str:
    names = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def with_rows(data: bytes, path: Path, sheet: str, rows: bytes) -> Path:
    """The workbook with XML rows added at the end of a sheet's data."""
    part = sheet_part(data, sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        xml = source.read(part)
    return zip_with(data, path, {part: xml.replace(b"</sheetData>", rows + b"</sheetData>")})


def refused(invoke, path: Path, out: Path) -> str:
    """The one problem that both commands report for ``path``, each within 10 s."""
    for command in (("validate", path), ("run", path, "--out", out)):
        started = time.monotonic()
        result = invoke(*command)
        assert time.monotonic() - started < 10, command
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
    assert not out.exists()
    (line,) = problem_lines(result.stderr)
    return line


def test_a_sharedstrings_bomb_is_refused(tmp_path, textbook_bytes, invoke):
    path = shared_strings(
        textbook_bytes, tmp_path / "bomb.xlsx", 3_000_000
    )  # 3e6 texts of 44 bytes: 132 MB unpacked, < 1 MB packed
    assert path.stat().st_size < 10**6
    assert refused(invoke, path, tmp_path / "out") == (
        "bomb.xlsx: the workbook would unpack to 132 MB; expected a workbook that unpacks to at most 100 MB (or "
        "raise the limit: set HECON_MAX_UNPACKED_MB) (hecon inputs are small; move large data elsewhere)"
    )


def test_too_many_texts_are_refused_before_they_are_parsed(tmp_path, textbook_bytes, invoke):
    path = shared_strings(textbook_bytes, tmp_path / "texts.xlsx", 200_000)
    assert refused(invoke, path, tmp_path / "out") == (
        "texts.xlsx: the workbook has 200,000 distinct texts; expected a workbook of at most 100,000 texts (or "
        "raise the limit: set HECON_MAX_STRINGS)"
    )


def test_a_million_empty_rows_after_the_data_cost_nothing(tmp_path, textbook_bytes, invoke):
    rows = b"".join(b'<row r="%d" ht="15" customHeight="1"/>' % i for i in range(100, 1_000_100))
    path = with_rows(textbook_bytes, tmp_path / "rows.xlsx", "Parameters", rows)
    started = time.monotonic()
    result = invoke("validate", path)
    assert time.monotonic() - started < 10
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("last", ["empty", "a value after them"])
def test_a_million_rows_through_run_give_a_whole_report_or_nothing(tmp_path, textbook_bytes, invoke, last):
    """'hecon run --out' on a sheet with a million formatted empty rows runs and leaves exactly its report;
    with a value after them, it is refused in seconds at that value's cell and leaves nothing."""
    rows = b"".join(b'<row r="%d" ht="15" customHeight="1"/>' % i for i in range(100, 1_000_100))
    if last != "empty":
        rows += b'<row r="1000100"><c r="B1000100"><v>1</v></c></row>'
    path = with_rows(textbook_bytes, tmp_path / "rows.xlsx", "Parameters", rows)
    out = tmp_path / "reports" / "report"
    started = time.monotonic()
    result = invoke("run", path, "--out", out)
    if last == "empty":
        assert result.exit_code == 0, result.output
        assert siblings(out) == ["report"] and (out / "summary.json").is_file()
        return
    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and not out.exists()
    assert not out.parent.exists() or siblings(out) == []
    assert problem_lines(result.stderr) == [
        "Parameters!B1000100: the sheet uses 1,000,100 rows (its last value is here); expected a sheet of at most "
        "100,000 rows (or raise the limit: set HECON_MAX_ROWS)"
    ]


def test_a_sheet_used_beyond_the_row_limit_is_refused(tmp_path, textbook_bytes, invoke):
    row = b'<row r="150000"><c r="A150000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = with_rows(textbook_bytes, tmp_path / "long.xlsx", "Parameters", row)
    assert refused(invoke, path, tmp_path / "out") == (
        "Parameters!A150000: the sheet uses 150,000 rows (its last value is here); expected a sheet of at most "
        "100,000 rows (or raise the limit: set HECON_MAX_ROWS)"
    )


def test_a_file_above_the_size_limit_is_refused_unread(tmp_path, invoke, monkeypatch):
    monkeypatch.setenv("HECON_MAX_FILE_MB", "1")
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(2 * 10**6))
    assert refused(invoke, path, tmp_path / "out") == (
        "big.xlsx: the file has 2 MB; expected a workbook of at most 1 MB (or raise the limit: set HECON_MAX_FILE_MB)"
    )


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "symlink to a folder"])
def test_only_regular_files_are_opened(tmp_path, invoke, kind):
    path = tmp_path / "model.xlsx"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        path.symlink_to(tmp_path)
    line = refused(invoke, path, tmp_path / "out") if kind != "symlink to a folder" else None
    if line is not None:
        assert (
            line
            == "model.xlsx: the file is not a regular file (it is a device, pipe or socket); expected the path of an .xlsx workbook"
        )
    else:
        result = invoke("validate", path)
        assert result.exit_code == 2 and "is a directory" in result.stderr


def test_a_psa_too_large_for_memory_and_disk_is_refused_before_anything_runs(
    tmp_path, textbook_bytes, invoke, monkeypatch
):
    """Beyond HECON_MAX_PSA_VALUES a PSA keeps its outcomes in a temporary file (tests/analysis/test_psa_store.py);
    one that the temporary folder (here with 8.1 GB free) cannot hold either is refused at --psa."""
    import shutil

    monkeypatch.setattr(
        shutil, "disk_usage", lambda folder: shutil._ntuple_diskusage(10**12, 10**12 - 81 * 10**8, 81 * 10**8)
    )
    path = workbook(tmp_path, textbook_bytes, {})
    started = time.monotonic()
    result = invoke("run", path, "--psa", 10**9, "--out", tmp_path / "out")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    # 4 strategies x 8 outcomes (QALYs, life-years, 2 cost categories, 1 count, 3 flags' times) x 2 + 17 parameters
    assert "\n--psa 1000000000: 1,000,000,000 samples x 81 values per sample" in result.stderr  # the option
    assert (
        "more than memory holds (a PSA of at most 10,000,000 values; raise the limit with HECON_MAX_PSA_VALUES)"
        in result.stderr
    )
    assert "and more than the 8.1 GB free in the temporary folder" in result.stderr
    # 8.1e9 bytes / (81 values x 8 bytes)
    assert (
        "expected at most 12,500,000 samples for this model, or a temporary folder with more space (set TMPDIR)"
        in result.stderr
    )


def test_a_psa_sample_outside_a_probability_names_the_distribution_it_was_drawn_from(tmp_path, textbook_bytes, invoke):
    """p_HS1 ~ normal(0.15, 0.5) draws a value outside [0, 1] with probability Phi(-0.3) + 1 - Phi(1.7), about
    0.43 per sample: validation warns at the distribution's cell (it knows p_HS1 is a probability), and the
    run names the cell of the arguments the sample was drawn from, not only p_HS1's value cell."""
    path = workbook(
        tmp_path, textbook_bytes, {"Settings!B7": 5, "Parameters!F4": "normal", "Parameters!G4": "mean=0.15; sd=0.5"}
    )
    checked = invoke("validate", path)
    assert checked.exit_code == 0
    assert [line for line in checked.stderr.splitlines() if not line.startswith("progress: ")] == [
        "warning: Parameters!F4: p_HS1 is the probability of H -> S1 at Transitions!D4, but its normal distribution "
        "draws values below 0 and above 1, which a PSA sample stops at; expected a distribution within [0, 1] for a "
        "probability, e.g. beta (mean=..., se=...)"
    ]
    result = invoke("run", path, "--psa", 50, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    (line,) = problem_lines(result.stderr)
    assert re.fullmatch(
        r"Transitions!D4: strategy '\w+', transition H -> S1, every cycle, sample \d+: probability \S+ \('p_HS1'\) is "
        r"outside \[0, 1\] \(from p_HS1: Parameters!B4, drawn from its normal distribution: Parameters!G4\); expected "
        r"a probability between 0 and 1",
        line,
    ), line


def test_a_horizon_that_no_memory_holds_is_refused_whatever_the_cycle_bound(
    tmp_path, textbook_bytes, invoke, monkeypatch
):
    """HECON_MAX_CYCLES raised beyond reason (31 digits) and cycles of 1e-9 days: 40 x 365.25 / 1e-9 =
    1.46e13 cycles, each holding at least 7 values of 8 bytes (one strategy's trace of one state, its QALYs,
    life years and crossings; the weights, cycle numbers and times), are 818,160 GB, which no machine
    has: refused at the horizon's cell in seconds, before anything of that size is allocated (it was a
    MemoryError, exit 3)."""
    monkeypatch.setenv("HECON_MAX_CYCLES", "1" + "0" * 30)
    path = workbook(tmp_path, textbook_bytes, {"Settings!B6": 1e-9})
    cycles = 40 * 365.25 / 1e-9
    line = refused(invoke, path, tmp_path / "out")
    assert line.startswith(
        f"Settings!B7: a horizon of 40 years in cycles of 1e-09 days (cycle_length_days: Settings!B6) has {round(cycles):,} "
        f"cycles, which need at least {cycles * 7 * 8 / 1e9:,.0f} GB of memory (7 values of 8 bytes per cycle); "
        "expected a horizon that fits in this machine's "
    ), line


def test_the_memory_bound_of_a_horizon_counts_the_model_s_values_per_cycle(monkeypatch):
    """The textbook model holds per cycle, per strategy (4), its trace (4 states), 8 outcomes (QALYs, life
    years, 3 cost categories, 1 count, 2 flags) and the crossings, and 3 shared values: 4 x 13 + 3 = 55
    values of 8 bytes. With memory for exactly 1,000 such cycles, 1,000 yearly cycles compile and 1,001
    are refused at the horizon, whatever HECON_MAX_CYCLES allows."""
    import dataclasses

    import hecon.model.limits as limits
    from hecon.engine.compiler import compile_model
    from hecon.model.problems import Element

    monkeypatch.setattr(limits, "physical_memory", lambda: 1_000 * 55 * 8)
    model = textbook_model()
    assert model.settings.cycle_length_days == 365.25

    def horizon(years: int):
        return dataclasses.replace(model, settings=dataclasses.replace(model.settings, horizon_years=years))

    assert compile_model(horizon(1_000)).n_cycles == 1_000
    with pytest.raises(ModelError) as caught:
        compile_model(horizon(1_001))
    (problem,) = caught.value.problems
    assert problem.where == Element("setting", "horizon_years")
    assert problem.what == (
        "a horizon of 1001 years in cycles of 365.25 days has 1,001 cycles, which need at least 0.00044 GB of memory "
        "(55 values of 8 bytes per cycle)"
    )
    assert (
        problem.expected
        == "a horizon that fits in this machine's 0.00044 GB of memory: at most 1,000 cycles of 55 values"
    )


def test_a_psa_and_tunnels_beyond_this_machine_s_memory_whatever_their_bounds(monkeypatch):
    """With memory for exactly 1,000 PSA samples of the textbook model (81 values of 8 bytes each, see
    above) and HECON_MAX_PSA_VALUES far above: 1,000 samples are kept in memory, 1,001 in a temporary file
    (not refused: the folder has room). With memory for the horizon (40 yearly cycles of 55 values of 8
    bytes: 17,600 bytes), which holds 275 states of 64 bytes: a tunnel of 272 on S1 (4 - 1 + 272 = 275
    states) compiles, of 273 not."""
    import dataclasses

    import hecon.model.limits as limits
    from hecon.analysis.psa import check_psa_size, kept_in_memory
    from hecon.engine.compiler import compile_model
    from hecon.model.problems import topic

    model = textbook_model()
    monkeypatch.setenv("HECON_MAX_PSA_VALUES", "1" + "0" * 20)
    monkeypatch.setattr(limits, "physical_memory", lambda: 1_000 * 81 * 8)
    assert kept_in_memory(model, 1_000) and not kept_in_memory(model, 1_001)
    check_psa_size(model, 1_001)

    def tunnel(length: int):
        states = tuple(dataclasses.replace(s, tunnel=length) if s.name == "S1" else s for s in model.states)
        return dataclasses.replace(model, states=states)

    monkeypatch.setenv("HECON_MAX_STATES", "1" + "0" * 20)
    monkeypatch.setattr(limits, "physical_memory", lambda: 40 * 55 * 8)
    assert len(compile_model(tunnel(272)).state_names) == 275
    with pytest.raises(ModelError) as caught:
        compile_model(tunnel(273))
    (problem,) = caught.value.problems
    assert problem.where == topic("states")
    assert problem.what == (
        "the states with their tunnels expanded are 276 states, which need at least 1.77e-05 GB of memory (64 bytes "
        "per state)"
    )
    assert (
        problem.expected
        == "a model that fits in this machine's 1.76e-05 GB of memory: at most 275 states; shorten the longest tunnels"
    )


@pytest.mark.parametrize("command", [[], ["run"], ["validate"], ["template"], ["fit-survival"]])
def test_help_is_shown_whatever_the_limit_variables_hold(invoke, monkeypatch, command):
    """An invalid HECON_MAX_* stops every command that does work (exit 2, above), but not its help."""
    monkeypatch.setenv("HECON_MAX_CYCLES", "1e30")
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ") and "HECON_MAX_CYCLES" not in result.output


def test_workers_beyond_the_machine_are_capped_on_the_command_line(tmp_path, short_textbook):
    """'hecon run --psa 4 --workers 10000' in a process of its own, with 128 open files allowed (4 workers
    of 32 files): the run uses min(cores, 4) worker processes, says so, and writes its report."""
    import resource

    out = tmp_path / "report"
    run = "import sys; from hecon.cli import main; main(sys.argv[1:])"
    args = [str(short_textbook), "--psa", "4", "--workers", "10000", "--out", str(out)]

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    done = subprocess.run(
        [sys.executable, "-c", run, "run", *args], capture_output=True, text=True, timeout=600, preexec_fn=limit
    )
    assert done.returncode == 0, done.stderr
    assert f"note: --workers 10000 is more than this machine allows; using {min(os.cpu_count() or 1, 4)}\n" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert (out / "summary.json").is_file() and (out / "psa.nc").is_file()


def test_numpy_warnings_do_not_reach_the_user():
    """numpy's RuntimeWarning ("invalid value encountered in log", with a hecon source line) is
    not shown by any hecon command: hecon checks values itself and reports them at their cells
    (a reviewer saw two such lines from the partitioned-survival engine)."""
    import warnings

    import click
    import numpy as np
    from click.testing import CliRunner

    from hecon.cli import _Commands

    @click.group(cls=_Commands)
    def group() -> None:
        pass

    @group.command()
    def nan() -> None:
        click.echo(str(np.log(np.array([-1.0]))[0]))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(group, ["nan"])
    assert result.exit_code == 0 and result.output == "nan\n", result.output
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_the_psa_size_and_workers_are_checked_from_the_model_as_read(tmp_path, textbook_bytes, invoke, monkeypatch):
    """A PSA that cannot fit is refused from the model's sizes as read, and --workers is capped,
    before validation; the validation still runs (it runs no PSA), so that the refusal lists the
    workbook's problems too (test_a_psa_too_large_is_refused_with_every_problem_of_the_workbook)."""
    import hecon.workbook.validate as validate

    validated = []
    monkeypatch.setattr(validate, "validate_result", lambda *args, **options: validated.append(args) or [])
    path = workbook(tmp_path, textbook_bytes, {})
    result = invoke("run", path, "--psa", 10**9, "--workers", 10_000, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert len(validated) == 1
    assert "has 1 problem; nothing was run or written" in result.stderr
    assert "\n--psa 1000000000: 1,000,000,000 samples x 81 values per sample" in result.stderr
    assert "note: --workers 10000 is more than this machine allows" in result.stderr
    assert result.stderr.index("note: --workers") < result.stderr.index("--psa 1000000000: ")


def test_workers_are_capped_at_the_cores_and_open_files(monkeypatch):
    import resource

    from hecon.analysis.psa import worker_cap

    assert 1 <= worker_cap() <= (os.cpu_count() or 1)
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (64, 64))  # 64 open files: 2 workers
    assert worker_cap() == min(2, os.cpu_count() or 1)


# --------------------------------------------------------------------------------------
# Interrupted writes: a killed run leaves no partial report, and the next run cleans up
# --------------------------------------------------------------------------------------

_KILLED_RUN = """
import os, signal, sys
import hecon.report
from hecon.cli import main

path, out, when = sys.argv[1:]
write = hecon.report._write_files
rename = os.rename

def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)

def write_then_die(results, folder, *rest):
    write(results, folder, *rest)
    (folder / "half-written.tmp").write_bytes(b"x" * 1000)
    die()

def rename_then_die(source, target):  # killed after moving the old report aside, before the new one is in place
    rename(source, target)
    if ".old-" in str(target):
        die()

if when == "writing":
    hecon.report._write_files = write_then_die
else:
    os.rename = rename_then_die
main(["run", path, "--out", out])
"""


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((out.name, f".{out.name}")))


@pytest.mark.parametrize("when", ["writing", "replacing"])
def test_a_run_killed_while_writing_leaves_no_partial_report(tmp_path, textbook_bytes, invoke, when):
    path = workbook(tmp_path, textbook_bytes, {})
    out = tmp_path / "reports" / "report"
    if when == "replacing":
        assert invoke("run", path, "--out", out).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(path), str(out), when], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = siblings(out)
    assert "report" not in left  # never a partial report at --out
    assert [name.split("-")[0] for name in left] == (
        [".report.old", ".report.tmp"] if when == "replacing" else [".report.tmp"]
    )
    assert invoke("run", path, "--out", out).exit_code == 0  # the next run cleans up after the killed one
    assert siblings(out) == ["report"]
    assert not (out / "half-written.tmp").exists() and (out / "summary.json").is_file()


# --------------------------------------------------------------------------------------
# Fuzzing cell values and formulas
# --------------------------------------------------------------------------------------

#: Cells the fuzz test writes to: parameter values, transition probabilities, state values,
#: tunnels, settings, a life-table age and qx, a reward and a scenario value.
FUZZ_CELLS = (
    "Parameters!B4",
    "Parameters!B11",
    "Parameters!B16",
    "Parameters!I5",
    "Transitions!D4",
    "Transitions!D8",
    "Transitions!D6",
    "States!C5",
    "States!D5",
    "States!F4",
    "Settings!B6",
    "Settings!B9",
    "Settings!B10",
    "Settings!B19",
    "LifeTable!B5",
    "LifeTable!C6",
    "TransitionRewards!F4",
    "Scenarios!C4",
)
_NAMES = ["p_HS1", "c_H", "u_H", "hr_S1", "state_time", "model_time", "cycle_years", "age", "nope", "True", "if"]
_FUNCTIONS = ["log", "sqrt", "exp", "min", "max", "rate_to_prob", "apply_hr", "gp_mort", "abs", "floor"]
_TEXTS = ["NaN", "nan", "INF", "-inf", "1e999", "0,5", "#", "", " ", "=1/0", "\uff50_HS1", "__import__('os')", "1e-9"]


def _formulas() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(_NAMES),
        st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
        st.sampled_from(["0", "1", "1e308", "1e-320", "10**10**10", "0*1e999"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(
                inner, st.sampled_from(["+", "-", "*", "/", "**", "^", "%", "<", "==", " and ", " or "]), inner
            ).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(st.sampled_from(["-", "not ", "+"]), inner).map("".join),
            st.tuples(st.sampled_from(_FUNCTIONS), st.lists(inner, min_size=0, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


#: Formulas nested around the depth limit (100 levels): brackets, calls, unary minus and not.
_DEEP = st.tuples(
    st.sampled_from([("(", ")"), ("abs(", ")"), ("-", ""), ("not ", ""), ("-(", ")")]),
    st.integers(min_value=95, max_value=105),
    st.sampled_from(["p_HS1", "c_H", "0.5"]),
).map(lambda t: t[0][0] * t[1] + t[2] + t[0][1] * t[1])

_VALUES = st.one_of(
    _formulas(),
    _DEEP,
    st.sampled_from(_TEXTS),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.none(),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),  # what a cell can hold
)


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example runs the command line
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.dictionaries(st.sampled_from(FUZZ_CELLS), _VALUES, min_size=1, max_size=3))
@example(edits={"TransitionRewards!F4": -5e-324, "Parameters!I5": 2382742})  # a subnormal in results.xlsx (CI, 517b322)
@example(edits={"Parameters!B11": -16539117583297, "States!C5": "(c_H/p_HS1)"})  # negative costs: the cost figure
@example(
    edits={"Transitions!D4": "\uff50_HS1", "Parameters!B11": "abs(" * 101 + "c_S1" + ")" * 101}
)  # look-alike; depth
def test_fuzzed_cells_give_located_messages_and_validate_agrees_with_run(
    tmp_path_factory, short_textbook, invoke, edits
):
    """Whatever the cells hold: no traceback, exit status 0, 1 or 2, a location in every
    problem, and validate and run agree (exit status and problems)."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = workbook(folder, short_textbook.read_bytes(), edits)
    checked = invoke("validate", path)
    assert checked.exit_code in (0, 1, 2), checked.output
    validate_and_run(path, folder / "report")  # every problem located at its cell


@pytest.fixture(scope="module")
def short_textbook(tmp_path_factory) -> Path:
    """The textbook workbook over 5 yearly cycles, with a scenario row to fuzz: quick to run."""
    path = tmp_path_factory.mktemp("short") / "textbook.xlsx"
    write_workbook(textbook_model(), path)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B7"] = 5
    wb["Scenarios"].append(["fuzz", "p_S1H", 0.4])
    wb.save(path)
    return path


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5", "1e6", "5 000", "\uff15"])
def test_an_invalid_limit_variable_is_an_error_naming_it(tmp_path, textbook_bytes, invoke, monkeypatch, value):
    """A HECON_MAX_* variable that holds no whole number above 0 stops every command before any
    work, as a usage error (exit 2), rather than being ignored."""
    path = workbook(tmp_path, textbook_bytes, {})
    monkeypatch.setenv("HECON_MAX_CYCLES", value)
    for command in (("validate", path), ("run", path, "--out", tmp_path / "out"), ("template", tmp_path / "t.xlsx")):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            f"error: HECON_MAX_CYCLES: '{value}' is not a whole number above 0; expected a whole number above 0 such "
            "as 1000000 (the default: 1,000,000 cycles), or the variable unset"
        ]
    assert not (tmp_path / "out").exists() and not (tmp_path / "t.xlsx").exists()


def test_an_invalid_thread_count_is_an_error_naming_it(tmp_path, textbook_bytes, invoke, monkeypatch):
    """HECON_THREADS (threads of the engine's kernel) is checked like the bounds (the review of
    issue 19 found 'abc' an internal error, exit 3)."""
    import os

    path = workbook(tmp_path, textbook_bytes, {})
    monkeypatch.setenv("HECON_THREADS", "abc")
    for command in (("validate", path), ("run", path, "--out", tmp_path / "out")):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        cores = os.cpu_count() or 1
        assert result.stderr.splitlines() == [
            f"error: HECON_THREADS: 'abc' is not a whole number above 0; expected a whole number above 0 such as "
            f"{cores} (the default: {cores:,} threads), or the variable unset"
        ]
    assert not (tmp_path / "out").exists()


def test_a_thread_count_above_the_cores_is_reduced_to_them(tmp_path, textbook_bytes, invoke, monkeypatch):
    """HECON_THREADS=99999 made validation start 99,998 kernel tasks per block (found by the re-review of issue 19):
    the engine uses at most one thread per core, and the command says so."""
    import os
    import subprocess
    import sys

    cores = os.cpu_count() or 1
    monkeypatch.setenv("HECON_THREADS", "99999")
    result = invoke("validate", workbook(tmp_path, textbook_bytes, {}))
    assert result.exit_code == 0, result.output
    assert f"note: HECON_THREADS=99999 is more than this machine's {cores} cores; using {cores}" in result.stderr
    code = "from hecon.engine import run; print(run.THREADS)"
    env = os.environ | {"HECON_THREADS": "99999"}
    threads = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert threads.stdout.strip() == str(cores)


def test_a_limit_variable_may_use_underscores_and_blank_means_the_default(monkeypatch):
    from hecon.model.limits import CYCLES

    monkeypatch.setenv("HECON_MAX_CYCLES", " 5_000_000 ")
    assert CYCLES.value == 5_000_000
    monkeypatch.setenv("HECON_MAX_CYCLES", "")
    assert CYCLES.value == CYCLES.default


def test_a_command_reads_each_limit_once_and_the_next_command_afresh(monkeypatch):
    """Inside fixed_limits (each command of the command line) a bound is read from the environment
    once: a workbook's formulas ask for the formula bounds some 100,000 times."""
    from hecon.model.limits import CYCLES, fixed_limits

    monkeypatch.setenv("HECON_MAX_CYCLES", "7")
    with fixed_limits():
        assert CYCLES.value == 7
        monkeypatch.setenv("HECON_MAX_CYCLES", "8")
        assert CYCLES.value == 7
    assert CYCLES.value == 8
    with fixed_limits():
        assert CYCLES.value == 8


def test_the_readme_lists_every_limit_with_its_default_and_variable():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Limits", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`HECON_" in line]
    assert rows == [f"| {lim.what} | {lim.default:,} {lim.unit} | `{lim.variable}` |" for lim in LIMITS]
    assert "| local PSA worker processes (`--workers`) |" in section


@pytest.mark.parametrize("levels", [99, DEPTH_CEILING])
def test_a_dsa_parameter_nested_up_to_the_limit_validates_and_runs(tmp_path, textbook_bytes, invoke, levels):
    """The DSA (and threshold) wrapper that lets an analysis set a parameter sample by sample adds
    levels of its own: the user's formula's depth is what counts, so validate and run both accept it."""
    deep = "(" * levels + "0.3" + ")" * levels
    assert nesting(deep) == levels
    cells = {"Parameters!B7": deep, "Parameters!I7": 0.2, "Parameters!J7": 0.4, "Parameters!K7": "yes"}
    found = validate_and_run(workbook(tmp_path, textbook_bytes, cells), tmp_path / "report")
    assert found == []


def test_the_analyses_wrapper_neither_trips_the_limits_nor_shows_in_messages():
    at_limit = "(" * DEPTH_CEILING + "0.3" + ")" * DEPTH_CEILING
    assert nesting(switched(at_limit, 3)) == DEPTH_CEILING + 2
    assert parse(switched(at_limit, 3)).names == {"_hecon_on_3", "_hecon_value_3"}
    too_deep = "(" * (DEPTH_CEILING + 1) + "0.3" + ")" * (DEPTH_CEILING + 1)
    with pytest.raises(ModelError) as caught:
        parse(switched(too_deep, 3), Cell("Parameters", "B7"))
    (problem,) = caught.value.problems
    assert problem.where == Cell("Parameters", "B7")
    assert "_hecon" not in problem.what and "if_else" not in problem.what
    assert f"({DEPTH_CEILING + 1} levels" in problem.what


def test_an_undefined_xml_entity_in_a_sheet_is_a_damaged_file_at_its_sheet(tmp_path, textbook_bytes, invoke):
    """openpyxl parses a sheet's XML only as its rows are read: an entity that the XML never
    declares (``&h;``) is found there, and is the sheet's problem, not an internal error."""
    part = sheet_part(textbook_bytes, "Settings")
    with zipfile.ZipFile(io.BytesIO(textbook_bytes)) as source:
        xml = source.read(part)
    assert b"<t>Textbook test model</t>" in xml
    path = zip_with(
        textbook_bytes, tmp_path / "entity.xlsx", {part: xml.replace(b"<t>Textbook test model</t>", b"<t>&h;</t>")}
    )
    line = refused(invoke, path, tmp_path / "out")
    assert re.fullmatch(
        r"Settings: the file is damaged: the XML of the sheet cannot be read \(undefined entity at line 1, column "
        r"\d+\); expected an undamaged \.xlsx file; open it in Excel, repair it and save it again",
        line,
    ), line


@pytest.mark.parametrize("part", ["xl/workbook.xml", "Settings"])
def test_an_entity_bomb_is_a_damaged_file_without_python_exception_text(tmp_path, textbook_bytes, invoke, part):
    part = sheet_part(textbook_bytes, part) if part == "Settings" else part
    with zipfile.ZipFile(io.BytesIO(textbook_bytes)) as source:
        xml = source.read(part)
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    start = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    path = zip_with(textbook_bytes, tmp_path / "bomb.xlsx", {part: xml[:start] + bomb + xml[start:]})
    line = refused(invoke, path, tmp_path / "out")
    assert "the file is damaged" in line and "declares entities" in line, line
    assert not re.search(r"Error\b|Exception|Unable to read|None\.", line), line


def test_a_psa_too_large_is_refused_with_every_problem_of_the_workbook(tmp_path, textbook_bytes):
    """--psa 1e9 is refused before anything runs, and the workbook's own problems, found only by
    evaluating the model (a NaN cost), are listed and counted with it: what 'hecon validate' lists."""
    path = workbook(tmp_path, textbook_bytes, {"Parameters!B11": "0*1e999"})
    found = validate_and_run(path, options=("--psa", 10**9))
    assert len(found) == 1 and found[0].startswith("States!F4: strategy 'SoC', state 'H', cost 'care'")


RRMM = Path(__file__).resolve().parents[2] / "inputs" / "rrmm_example.xlsx"

#: Values wrong in any cell of the shipped example that the fuzz test below mutates: text where a
#: number belongs, numbers beyond any bound, formulas that give NaN or infinity, an unknown name, a
#: look-alike letter, a formula nested beyond the depth limit, Python code.
_HOSTILE = [
    "NaN",
    "INF",
    "1e999",
    "0 * 1e999",
    "10**10**10",
    "log(-1)",
    "1 / 0",
    "nope_name",
    "\uff50_not_infused",
    "abs(" * 101 + "1" + ")" * 101,
    "__import__('os')",
]


@pytest.fixture(scope="module")
def rrmm_fuzz_cells() -> list[str]:
    """Cells of the shipped example to mutate, found by their rows' names: parameter values (a
    price, a probability, the body weight doses derive from, a hazard ratio given as a name), a
    CAR-T state's utility and cost, a transition's probability, the last scenario's value."""
    book = openpyxl.load_workbook(RRMM, read_only=True)
    cells = []
    for sheet, names, column in (
        ("Parameters", ("cilta_price", "p_not_infused", "body_weight_kg", "hr_pfs_bsab"), "B"),
        ("States", ("CART_Infusion",), "C"),
        ("States", ("PD_RWPC",), "L"),
    ):
        rows = [r[0].row for r in book[sheet].iter_rows(min_col=1, max_col=1) if r[0].value in names]
        cells += [f"{sheet}!{column}{row}" for row in rows]
    cells += [f"Transitions!D{book['Transitions'].max_row}", f"Scenarios!C{book['Scenarios'].max_row}"]
    assert len(cells) == 8, cells
    return cells


@settings(
    max_examples=3,  # each example validates and refuses the example twice (validate, run)
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_fuzzed_cells_of_the_shipped_example_give_located_messages_and_validate_agrees_with_run(
    tmp_path_factory, rrmm_fuzz_cells, data
):
    """The RRMM example with one of its cells replaced by a hostile value: no traceback, a located
    problem (or a clean pass), and validate and run agree (exit status, problems and count)."""
    cell = data.draw(st.sampled_from(rrmm_fuzz_cells), label="cell")
    value = data.draw(st.sampled_from(_HOSTILE), label="value")
    folder = tmp_path_factory.mktemp("fuzz-rrmm")
    path = workbook(folder, RRMM.read_bytes(), {cell: value})
    found = validate_and_run(path, folder / "report")
    assert found, f"{cell} = {value!r} was accepted"
    assert all(LOCATED.match(line) for line in found), found


def test_a_reward_s_problem_names_a_strategy_whose_cohort_reaches_its_transition(tmp_path, rrmm_spec):
    """A NaN body weight (0 x 1e999) makes the CAR-T and bispecific adverse-event costs on transitions
    NaN in every strategy, as the strategies share the rows; each problem names a strategy whose cohort,
    by hecon.engine.inputs.reachable, enters the reward's state (its source, or its destination for a
    reward from any state), never one such as 'RWPC' (real-world practice) that never enters it."""
    from hecon.engine.incremental import compiled
    from hecon.engine.inputs import reachable

    path = workbook(tmp_path, RRMM.read_bytes(), {"Parameters!B5": "0 * 1e999"})
    found = validate_and_run(path, tmp_path / "report")
    rewards = [
        re.match(r"TransitionRewards!F\d+: strategy '([^']+)', transition reward (\S+ )?-> (\w+),", m) for m in found
    ]
    assert len(found) >= 4 and all(rewards), found
    model = compiled(rrmm_spec)
    index = {s.name: i for i, s in enumerate(model.strategies)}
    for match in rewards:
        strategy, source, target = match.groups()
        assert (source.strip() if source else target) in reachable(model, index[strategy]), match.group(0)


def test_a_problem_of_a_state_that_no_strategy_enters_says_so(tmp_path, textbook_bytes):
    """With p_HS1 = 0 no cohort leaves H (all start there), so none enters S1 or S2; the count on * -> S2
    is NaN in every strategy: one problem, with no strategy named and why."""
    path = workbook(tmp_path, textbook_bytes, {"Parameters!B4": 0, "TransitionRewards!F6": "0*1e999"})
    assert validate_and_run(path, tmp_path / "report") == [
        "TransitionRewards!F6: transition reward -> S2, every cycle: '0*1e999' is NaN, not a finite number (the cohort "
        "of no strategy enters state 'S2'); " + _FINITE
    ]


def test_a_refused_horizon_is_the_only_problem_no_model_is_run_with_other_settings(tmp_path):
    """Cycles of 1e-9 days over the example's 37 years: 37 x 365.25 / 1e-9 cycles, refused at the
    horizon's cell; the model is not then evaluated with the default cycle and horizon in their place
    (which gave row sums of 1.16495 at Transitions!D78 that are fine in the workbook's own settings)."""
    path = workbook(tmp_path, RRMM.read_bytes(), {"Settings!B6": 1e-9})
    assert validate_and_run(path, tmp_path / "report") == [
        f"Settings!B7: a horizon of 37 years in cycles of 1e-09 days (cycle_length_days: Settings!B6) has "
        f"{round(37 * 365.25 / 1e-9):,} cycles; expected a horizon of at most 1,000,000 cycles (or raise the limit: "
        "set HECON_MAX_CYCLES)"
    ]


def test_a_scenario_s_refused_horizon_counts_its_cycles_as_the_base_case_does(tmp_path, textbook_bytes):
    """The cycles of a too-long horizon in whole numbers with thousands separators, in a scenario as in the
    base case (Settings!B6 above), never in scientific notation: 40 x 365.25 / 1e-9 cycles."""
    path = workbook(tmp_path, textbook_bytes, {}, {"Scenarios": ["tiny", "settings.cycle_length_days", 1e-9]})
    assert validate_and_run(path, tmp_path / "report") == [
        f"Scenarios!C4: with scenario 'tiny', Settings!B7: a horizon of 40 years in cycles of 1e-09 days has "
        f"{round(40 * 365.25 / 1e-9):,} cycles; expected a horizon of at most 1,000,000 cycles (or raise the limit: "
        "set HECON_MAX_CYCLES)"
    ]


def test_a_strategy_s_own_row_that_no_cohort_uses_is_placed_at_its_row(tmp_path, textbook_bytes):
    """Strategy B's own S1 -> S2 row (appended at row 13) is NaN; with p_HS1 = 0 no cohort enters S1:
    the problem is at B's row, not at the row for all strategies (Transitions!D8), with no strategy named."""
    path = workbook(
        tmp_path, textbook_bytes, {"Parameters!B4": 0}, {"Transitions": ["B", "S1", "S2", "0*1e999 + 0*model_time"]}
    )
    assert validate_and_run(path, tmp_path / "report") == [
        "Transitions!D13: transition S1 -> S2, cycle 0: probability NaN ('0*1e999 + 0*model_time') is outside [0, 1] "
        "(the cohort of no strategy enters state 'S1'); expected a probability between 0 and 1"
    ]


def test_an_infinite_hazard_ratio_is_placed_at_its_curve(tmp_path):
    """A hazard ratio given as 1 / 0 (found by the fuzz test above, exploring): inf passes '>= 0', so it
    must be refused as not finite where the curve is evaluated, located at the curve, not reach the
    survival function's own unlocated check ('survival adjustment: hazard_ratio = inf is invalid')."""
    params = openpyxl.load_workbook(RRMM, read_only=True)["Parameters"]
    (row,) = [r[0].row for r in params.iter_rows(min_col=1, max_col=1) if r[0].value == "hr_pfs_bsab"]
    path = workbook(tmp_path, RRMM.read_bytes(), {f"Parameters!B{row}": "1 / 0"})
    found = validate_and_run(path, tmp_path / "report")
    assert found and all(LOCATED.match(line) for line in found), found
    assert not any("survival adjustment" in line for line in found), found
    assert any("hazard ratio inf is out of range" in line and "a finite number >= 0" in line for line in found), found
