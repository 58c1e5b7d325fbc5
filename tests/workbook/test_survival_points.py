"""The SurvivalPoints sheet: read, checked at its cells, written back.

Layout of the workbook below (columns A strategy, B endpoint, C kind, D time, E time_unit,
F value, G lower, H upper, I population, J comparable, K source; data from row 4):

* row 4  SoC PFS survival at 6 months, 0.62 (0.55-0.69)
* row 5  SoC PFS median 7.5 months (6.1-9.0)
* row 6  SoC PFS at_risk at 0 months, 120
* row 7  SoC PFS at_risk at 6 months, 70
* row 8  New OS survival at 1 year, 0.8, not like for like
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from hecon.model.problems import Element, Problem
from hecon.model.spec import ModelSpec, Strategy, SurvivalPoint
from hecon.model.survival_points import check_survival_points
from hecon.workbook import read_workbook, validate_workbook, write_workbook
from hecon.workbook.reader import read
from hecon.workbook.validate import place
from tests.agreement import problems_of
from tests.models import two_state_model

S = SurvivalPoint
POINTS = (
    S(
        "SoC",
        "PFS",
        "survival",
        6.0,
        0.62,
        0.55,
        0.69,
        "ITT, from randomisation",
        True,
        "months",
        "Trial, Fig 2",
        fitted_in=("state_transition", "partitioned_survival"),
    ),
    S(
        "SoC",
        "PFS",
        "median",
        None,
        7.5,
        6.1,
        9.0,
        "ITT, from randomisation",
        True,
        source="Trial, Table 2",
        fitted_in=(),
    ),
    S("SoC", "PFS", "at_risk", 0.0, 120, population="ITT, from randomisation"),
    S("SoC", "PFS", "at_risk", 6.0, 70, population="ITT, from randomisation"),
    S("New", "OS", "survival", 1.0, 0.8, population="treated, from first dose", comparable=False, time_unit="years"),
)


def model() -> ModelSpec:
    return dataclasses.replace(two_state_model(), strategies=(Strategy("SoC"), Strategy("New")), survival_points=POINTS)


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("points") / "points.xlsx"
    write_workbook(model(), path)
    return path.read_bytes()


def problems_after(tmp_path: Path, data: bytes, cells: dict[str, object], append: list[object] | None = None):
    path = tmp_path / "model.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    ws = wb["SurvivalPoints"]
    for cell, value in cells.items():
        ws[cell] = value
    if append is not None:
        ws.append(append)
    wb.save(path)
    return problems_of(path)


def test_the_sheet_reads_back_as_written(tmp_path, good_bytes):
    path = tmp_path / "points.xlsx"
    path.write_bytes(good_bytes)
    assert validate_workbook(path) == []
    assert read_workbook(path).survival_points == POINTS
    ws = openpyxl.load_workbook(path)["SurvivalPoints"]
    assert [c.value for c in ws[1]] == [
        "strategy",
        "endpoint",
        "kind",
        "time",
        "time_unit",
        "value",
        "lower",
        "upper",
        "population",
        "comparable",
        "source",
        "states",
        "fitted_in",
    ]
    assert [c.value for c in ws[5]][:8] == ["SoC", "PFS", "median", None, "months", 7.5, 6.1, 9]
    assert ws["J4"].value == "yes" and ws["J8"].value == "no" and ws["J6"].value is None
    # fitted_in: the structures, "none" (held out of every fit) or blank (not stated)
    assert ws["M4"].value == "state_transition, partitioned_survival" and ws["M5"].value == "none"
    assert ws["M6"].value is None


CASES = {
    "unknown strategy": (
        {"A4": "Soc"},
        None,
        ["SurvivalPoints!A4: unknown strategy 'Soc' (did you mean 'SoC'?); expected one of SoC, New"],
    ),
    "unknown endpoint": (
        {"B4": "DFS"},
        None,
        ["SurvivalPoints!B4: 'DFS' is not supported; expected one of PFS, OS, TTD"],
    ),
    "unknown kind": (
        {"C5": "landmark"},
        None,
        ["SurvivalPoints!C5: 'landmark' is not supported; expected one of survival, median, at_risk"],
    ),
    "survival as a percentage": (
        {"F4": 62, "G4": None, "H4": None},
        None,
        [
            "SurvivalPoints!F4: survival 62 is outside [0, 1]; expected a share between 0 and 1 (divide percentages by 100)"
        ],
    ),
    "CI limit outside [0, 1]": (
        {"H4": 1.2},
        None,
        [
            "SurvivalPoints!H4: upper limit 1.2 is outside [0, 1]; expected a share between 0 and 1 (divide percentages "
            "by 100)"
        ],
    ),
    "CI not containing the survival": (
        {"G4": 0.65},
        None,
        [
            "SurvivalPoints!G4: the 95% CI does not contain the survival: lower limit 0.65 is above 0.62; expected "
            "lower <= value <= upper"
        ],
    ),
    "CI not containing the median": (
        {"H5": 7},
        None,
        [
            "SurvivalPoints!H5: the 95% CI does not contain the median: upper limit 7 is below 7.5; expected "
            "lower <= value <= upper"
        ],
    ),
    "negative median": (
        {"F5": -7.5, "G5": None, "H5": None},
        None,
        ["SurvivalPoints!F5: median -7.5 is negative; expected a time >= 0 [months]"],
    ),
    "negative time": (
        {"D4": -6},
        None,
        ["SurvivalPoints!D4: time -6 is negative; expected a time >= 0 since the source's time zero"],
    ),
    "survival without a time": (
        {"D8": None},
        None,
        [
            "SurvivalPoints!D8: a survival row needs the time it is at; expected the time since the source's time zero "
            "[years]"
        ],
    ),
    "median with a time": (
        {"D5": 7.5},
        None,
        ["SurvivalPoints!D5: a median has no time (given 7.5); expected a blank time: the value is the median"],
    ),
    "number at risk not whole": (
        {"F7": 70.5},
        None,
        ["SurvivalPoints!F7: number at risk 70.5 is not a whole number >= 0; expected a count of patients"],
    ),
    "number at risk with a CI": (
        {"G6": 100},
        None,
        ["SurvivalPoints!G6: a number at risk has no confidence interval; expected a blank cell"],
    ),
    "numbers at risk that increase": (
        {"F7": 130},
        None,
        [
            "SurvivalPoints!F7: number at risk 130 at 6 months is more than 120 at 0 months (SurvivalPoints!F6); "
            "expected numbers at risk that never increase over time (same strategy, endpoint and population)"
        ],
    ),
    "increase across time units": (
        {},
        ["SoC", "PFS", "at_risk", 1, "years", 90, None, None, "ITT, from randomisation"],
        [
            "SurvivalPoints!F9: number at risk 90 at 1 year is more than 70 at 6 months (SurvivalPoints!F7); "
            "expected numbers at risk that never increase over time (same strategy, endpoint and population)"
        ],
    ),
    "two numbers at risk at one time": (
        {},
        ["SoC", "PFS", "at_risk", 6, "months", 60, None, None, "ITT, from randomisation"],
        [
            "SurvivalPoints!D9: a number at risk at 6 months is already given (SurvivalPoints!F7); expected one number "
            "at risk per time of a strategy, endpoint and population"
        ],
    ),
    "unknown structure in fitted_in": (
        {"M4": "state_transition, partitioned"},
        None,
        [
            "SurvivalPoints!M4: unknown model structure 'partitioned' (did you mean 'partitioned_survival'?); "
            "expected state_transition or "
            "partitioned_survival, comma-separated, or none (held out of every fit)"
        ],
    ),
    "unknown comparable": (
        {"J4": "maybe"},
        None,
        ["SurvivalPoints!J4: 'maybe' is not supported; expected one of yes, no"],
    ),
    "a missing value": (
        {"F4": None},
        None,
        [
            "SurvivalPoints!F4: the value cell is empty; expected a number (survival: share 0-1 at the time; median: the "
            "median [time_unit]; at_risk: patients at risk)"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_point_is_reported_at_its_cell(tmp_path, good_bytes, case):
    cells, row, expected = CASES[case]
    assert problems_after(tmp_path, good_bytes, cells, row) == expected


def test_other_populations_have_their_own_numbers_at_risk(tmp_path, good_bytes):
    row = ["SoC", "PFS", "at_risk", 3, "months", 100, None, None, "per protocol"]
    assert problems_after(tmp_path, good_bytes, {}, row) == []


def test_every_problem_of_a_row_is_reported(tmp_path, good_bytes):
    assert problems_after(tmp_path, good_bytes, {"A4": "Soc", "J4": "maybe", "D4": -1}) == [
        "SurvivalPoints!A4: unknown strategy 'Soc' (did you mean 'SoC'?); expected one of SoC, New",
        "SurvivalPoints!D4: time -1 is negative; expected a time >= 0 since the source's time zero",
        "SurvivalPoints!J4: 'maybe' is not supported; expected one of yes, no",
    ]


def test_points_made_in_python_are_checked_with_model_locations():
    bad = (
        S("X", "DFS", "survival", 12.0, 0.5, time_unit="fortnights"),
        S("SoC", "OS", "landmark", 12.0, 0.5),
    )
    assert [str(p) for p in check_survival_points(bad, ["SoC"])] == [
        "survival point 1, strategy: unknown strategy 'X'; expected one of SoC",
        "survival point 1, endpoint: unknown endpoint 'DFS'; expected PFS, OS or TTD",
        "survival point 1, time_unit: unknown time unit 'fortnights'; expected days, weeks, months or years",
        "survival point 2, kind: unknown kind 'landmark'; expected survival, median or at_risk",
    ]
    assert check_survival_points(bad, ["SoC"])[0].where == Element("survival_point", index=0, part="strategy")


def test_a_problem_at_a_point_is_placed_at_its_cell(tmp_path, good_bytes):
    path = tmp_path / "points.xlsx"
    path.write_bytes(good_bytes)
    found = place(Problem(Element("survival_point", index=1, part="lower"), "x"), read(path).locations)
    assert str(found) == "SurvivalPoints!G5: x"
    assert str(place(Problem(Element("survival_point", index=4), "x"), read(path).locations)) == "SurvivalPoints!F8: x"
