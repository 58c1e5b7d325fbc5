"""Hostile and broken workbooks (issue 19): what 'hecon validate' passes, 'hecon run' runs.

Each case edits the textbook-shaped workbook of tests/workbook/test_validate.py (its cell layout
is described there) and runs both commands through the command line. Validation evaluates the
model as the run does (every strategy, cycle and state time, deterministically), so both
commands agree on the exit status and on the problems, and every problem names its cell.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pytest

from hecon.workbook import write_workbook
from tests.workbook.test_validate import RICH_CASES, TEXTBOOK_CASES, textbook_model

_FINITE = "expected finite values"
_PROBABILITY = "expected a probability between 0 and 1"

#: case -> (cells to set, a message that must be found (whole line, or its start))
EVALUATED_CASES: dict[str, tuple[dict[str, object], str]] = {
    "division by zero": (
        {"Parameters!B11": "c_S1 / 0"},
        "States!F4: strategy 'SoC', state 'H', cost 'care', every cycle: 'c_H' is inf, not a finite number; " + _FINITE,
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
        f"is outside [0, 1]; {_PROBABILITY}",
    ),
    "a complement that goes negative": (
        {"Parameters!B4": "0.99"},
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 12: the probabilities add up to 1.00002, "
        "leaving a negative complement for -> H",
    ),
    "a row sum of 1 + 1e-6": (
        {"Transitions!D6": "1 - p_HS1 - gp_mort() + 1e-6"},
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 0: the probabilities add up to 1.000001; "
        "expected a sum of 1",
    ),
    "a row sum of 1 - 1e-6": (
        {"Transitions!D6": "1 - p_HS1 - gp_mort() - 1e-6"},
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 0: the probabilities add up to 0.999999; ",
    ),
    "a share of men of 1.5": ({"Settings!B9": 1.5}, "Settings!B9: 1.5 is outside [0, 1]"),
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


def problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith(("error:", "warning:", "note:"))]


def validate_and_run(invoke, path: Path, out: Path) -> tuple[list[str], list[str]]:
    """The problems that 'hecon validate' and 'hecon run' list, after checking that both exit
    alike, with a located message per problem and no traceback, and that run wrote nothing."""
    checked = invoke("validate", path)
    ran = invoke("run", path, "--out", out)
    for result in (checked, ran):
        assert isinstance(result.exception, (SystemExit, type(None))), result.exception
        assert "Traceback" not in result.output
    assert checked.exit_code == ran.exit_code, (checked.output, ran.output)
    found, reported = problem_lines(checked.stdout), problem_lines(ran.stderr)
    if ran.exit_code != 0:
        assert not out.exists()
        assert found == reported
        n = len(found)
        assert f"{n} problem{'s' if n > 1 else ''} found" in checked.stderr
    for line in found:
        assert re.match(r"\w+!([A-Z]+\d+)?: ", line), line
    return found, reported


@pytest.mark.parametrize("case", list(EVALUATED_CASES))
def test_validate_evaluates_the_model_as_run_does(tmp_path, textbook_bytes, invoke, case):
    cells, expected = EVALUATED_CASES[case]
    path = workbook(tmp_path, textbook_bytes, cells)
    found, _ = validate_and_run(invoke, path, tmp_path / "report")
    assert [m for m in found if m.startswith(expected)], found
    assert not any("np.float" in m or "np.int" in m for m in found)


def test_a_scenario_that_only_fails_when_run_is_found_at_the_scenario(tmp_path, textbook_bytes, invoke):
    path = workbook(tmp_path, textbook_bytes, {}, {"Scenarios": ["sick", "p_S1H", 0.98]})  # S1: 0.98 + S2 + D > 1
    found, _ = validate_and_run(invoke, path, tmp_path / "report")
    # S1 at cycle 0, state_time 0 (age 60, qx 0.005 men, 0.003 women, half men; yearly cycles):
    # 0.98 + rate_to_prob(0.105) + apply_hr(qx, 3) = 0.98 + (1 - e^-0.105) + (1 - (1 - 0.004)^3)
    total = 0.98 + (1 - math.exp(-0.105)) + (1 - (1 - 0.004) ** 3)
    assert found == [
        "Scenarios!A4: with scenario 'sick', Transitions!D7: strategy 'SoC', transitions out of 'S1', cycle 0, "
        f"state_time 0: the probabilities add up to {total:.6g}, leaving a negative complement for -> S1; expected "
        "probabilities that sum to at most 1"
    ]


@pytest.mark.parametrize("which, case", [("textbook", c) for c in TEXTBOOK_CASES] + [("rich", c) for c in RICH_CASES])
def test_validate_and_run_agree_on_every_bad_workbook_of_the_tests(
    tmp_path, textbook_bytes, rich_workbook, invoke, which, case
):
    """Every bad-input case of tests/workbook/test_validate.py, one workbook each: both commands
    exit 1 with the same problems."""
    cells, rows, _ = (TEXTBOOK_CASES if which == "textbook" else RICH_CASES)[case]
    data = textbook_bytes if which == "textbook" else rich_workbook.read_bytes()
    path = workbook(tmp_path, data, cells, rows)
    found, _ = validate_and_run(invoke, path, tmp_path / "report")
    assert found
