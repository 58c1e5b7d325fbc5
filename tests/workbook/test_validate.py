"""Validation of workbooks: every problem, located at its cell, all at once.

Bad workbooks are made by writing a good one with write_workbook and editing cells with
openpyxl. Layout of the textbook-shaped model defined below, data from row 4:

* Parameters  A name, B value, ..., F distribution, G distribution_args, H group, I dsa_low;
              rows 4 p_HS1, 5 p_S1H, 6 r_S1S2, ..., 16 u_H, 17 u_S1, ..., 20 du_diagnosis
* Transitions A strategy, B from, C to, D probability; rows 4 H->S1, 5 H->D, 6 H->H, 7 S1->H, ...
* States      A name, B description, C utility, D tunnel, E flags, F cost:care, G cost:treatment;
              rows 4 H, 5 S1, 6 S2, 7 D
* Settings    A name, B value; rows 6 cycle_length_days, 7 horizon_years, 13 within_cycle
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import random
import re
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hecon.model.problems import ModelError, Problem
from hecon.model.spec import LifeTable, ModelSpec, Parameter, Settings, State, Strategy, Transition, TransitionReward
from hecon.workbook import read_workbook, validate_workbook, write_workbook
from hecon.workbook.reader import read
from tests.agreement import problems_of
from tests.models import both_structures_model


def textbook_model() -> ModelSpec:
    """The layout the cell addresses below refer to: a Sick-Sicker-shaped model (as the textbook
    example was when these tests were written, frozen here so that the example can evolve)."""
    parameters = tuple(
        Parameter(n, v)
        for n, v in (
            ("p_HS1", 0.15),
            ("p_S1H", 0.5),
            ("r_S1S2", 0.105),
            ("slope_S1S2", 0.3),
            ("hr_S1", 3.0),
            ("hr_S2", 10.0),
            ("hr_trt", 1.0),
            ("c_H", 2000.0),
            ("c_S1", 4000.0),
            ("c_S2", 15000.0),
            ("c_trt", 0.0),
            ("c_death", 10000.0),
            ("u_H", 1.0),
            ("u_S1", 0.75),
            ("u_S2", 0.5),
            ("u_trtA", 0.95),
            ("du_diagnosis", 0.05),
        )
    )
    states = (
        State("H", utility="u_H", costs={"care": "c_H"}, flags=frozenset({"healthy"})),
        State(
            "S1",
            utility="u_S1",
            costs={"care": "c_S1", "treatment": "c_trt"},
            tunnel=3,
            flags=frozenset({"on_treatment"}),
        ),
        State("S2", utility="u_S2", costs={"care": "c_S2", "treatment": "c_trt"}, flags=frozenset({"on_treatment"})),
        State("D", flags=frozenset({"dead"})),
    )
    T = Transition
    transitions = (
        T("H", "S1", "p_HS1"),
        T("H", "D", "gp_mort()"),
        T("H", "H", "#"),
        T("S1", "H", "p_S1H"),
        T("S1", "S2", "rate_to_prob(r_S1S2 * (1 + slope_S1S2 * state_time) * hr_trt, cycle_years)"),
        T("S1", "D", "apply_hr(gp_mort(), hr_S1)"),
        T("S1", "S1", "#"),
        T("S2", "D", "apply_hr(gp_mort(), hr_S2)"),
        T("S2", "S2", "#"),
    )
    strategies = (
        Strategy("SoC"),
        Strategy("A", {"u_S1": "u_trtA", "c_trt": 12000.0}),
        Strategy("B", {"hr_trt": 0.6, "c_trt": 13000.0}),
        Strategy("AB", {"u_S1": "u_trtA", "hr_trt": 0.6, "c_trt": 25000.0}),
    )
    rewards = (
        TransitionReward("D", "c_death", kind="cost", name="terminal"),
        TransitionReward("S1", "-du_diagnosis", kind="qaly", from_state="H"),
        TransitionReward("S2", 1.0, kind="count", name="progressions"),
    )
    settings = Settings(
        cycle_length_days=365.25,
        horizon_years=40.0,
        start_age=60.0,
        discount_rate_costs=0.03,
        discount_rate_effects=0.015,
        within_cycle="simpson",
    )
    ages = tuple(range(60, 111))
    table = LifeTable(
        "synthetic",
        ages,
        tuple(min(1.0, 0.005 * 1.08 ** (a - 60)) for a in ages),
        tuple(min(1.0, 0.003 * 1.08 ** (a - 60)) for a in ages),
        "synthetic test table",
    )
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial={"H": 1.0},
        transition_rewards=rewards,
        life_tables=(table,),
        title="Textbook test model",
    )


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def textbook_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("good") / "textbook.xlsx"
    write_workbook(textbook_model(), path)
    return path.read_bytes()


@pytest.fixture
def textbook(tmp_path, textbook_bytes) -> Path:
    path = tmp_path / "model.xlsx"
    path.write_bytes(textbook_bytes)
    return path


@pytest.fixture
def rich(tmp_path, rich_workbook) -> Path:
    path = tmp_path / "rich.xlsx"
    path.write_bytes(rich_workbook.read_bytes())
    return path


def edit(
    path: Path,
    cells: dict[str, object] | None = None,
    delete_sheets: tuple[str, ...] = (),
    append: dict[str, list[object]] | None = None,
) -> Path:
    """Set cells ('Sheet!B4': value; a text starting with '=' becomes an Excel formula),
    delete sheets, append rows; save in place."""
    wb = openpyxl.load_workbook(path)
    for address, value in (cells or {}).items():
        sheet, cell = address.split("!")
        wb[sheet][cell] = value
    for sheet, values in (append or {}).items():
        wb[sheet].append(values)
    for sheet in delete_sheets:
        del wb[sheet]
    wb.save(path)
    return path


def set_cached(path: Path, sheet: str, cell: str, cached: str, error: bool = False) -> Path:
    """Give the formula in ``cell`` the cached value Excel would have saved with it."""
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    part = f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"
    with zipfile.ZipFile(path) as z:
        items = {n: z.read(n) for n in z.namelist()}
    xml = items[part].decode()
    pattern = re.compile(rf'<c r="{cell}"([^>]*)>(<f>.*?</f>)<v\s*/>')
    assert pattern.search(xml), xml[:500]
    kind = ' t="e"' if error else ""
    items[part] = pattern.sub(lambda m: f'<c r="{cell}"{m.group(1)}{kind}>{m.group(2)}<v>{cached}</v>', xml).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    return path


def messages(path: Path) -> list[str]:
    """The problems of the workbook, as text; 'hecon validate' and 'hecon run' list the same."""
    return problems_of(path)


def only(path: Path) -> str:
    """The one problem of the workbook, as text."""
    found = messages(path)
    assert len(found) == 1, found
    return found[0]


def fingerprint(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_mode


def compound_file(streams: list[str]) -> bytes:
    """A minimal OLE compound file (MS-CFB, version 3) with empty streams of the given names,
    as an encrypted Office document (streams EncryptionInfo, EncryptedPackage) is stored."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 72, end)  # no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    header[80:512] = struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, left: int = free, right: int = free, child: int = free) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        out = bytearray(128)
        out[0 : len(encoded)] = encoded
        struct.pack_into("<HBBIII", out, 64, len(encoded), kind, 1, left, right, child)
        struct.pack_into("<IQ", out, 116, end, 0)
        return bytes(out)

    entries = [entry("Root Entry", 5, child=1)]
    for i, name in enumerate(streams, start=1):
        entries.append(entry(name, 2, right=i + 1 if i < len(streams) else free))
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


# --------------------------------------------------------------------------------------
# The good workbook
# --------------------------------------------------------------------------------------


def test_a_good_workbook_has_no_problems(textbook, rich):
    assert validate_workbook(textbook) == []
    assert validate_workbook(rich) == []


def test_problems_are_problem_objects_with_where_what_expected(textbook_found):
    problem = next(p for p in textbook_found if str(p.where) == "Transitions!D4")
    assert isinstance(problem, Problem)
    assert str(problem.where) == "Transitions!D4"
    assert problem.what == "probability 1.2 is outside [0, 1]"
    assert problem.expected == "a probability between 0 and 1, a formula, or # for the rest"


# --------------------------------------------------------------------------------------
# Cell problems that do not interfere: made together in one workbook (every problem is
# listed at once), each case asserting its own message(s) at its own cell(s)
# --------------------------------------------------------------------------------------

_VARIABLES = "model_time, state_time, model_years, state_years, age, cycle_years, cycle_days"
_PROBABILITY = "expected a probability between 0 and 1, a formula, or # for the rest"

# case id -> (cells to set, rows to append, messages expected: each the whole message or its start)
TEXTBOOK_CASES: dict[str, tuple[dict[str, object], dict[str, list[object]], list[str]]] = {
    "probability outside [0, 1]": (
        {"Transitions!D4": 1.2},
        {},
        [f"Transitions!D4: probability 1.2 is outside [0, 1]; {_PROBABILITY}"],
    ),
    "constant formula probability outside [0, 1]": (
        {"Transitions!D10": "0.6 * 2"},
        {},
        [f"Transitions!D10: probability '0.6 * 2' (= 1.2) is outside [0, 1]; {_PROBABILITY}"],
    ),
    "wrong type: text in a number column": (
        {"Parameters!I5": "low"},
        {},
        ["Parameters!I5: 'low' is not a number; expected a number"],
    ),
    "wrong type: decimal comma": (
        {"LifeTable!C4": "0,005"},
        {},
        ["LifeTable!C4: '0,005' has a decimal comma; expected a decimal point: 0.005; a number"],
    ),
    "wrong type: not a whole number (and no follow-on state_time complaint)": (
        {"States!D5": 2.5},
        {},
        ["States!D5: 2.5 is not a whole number; expected a whole number"],
    ),
    "wrong type: TRUE": (
        {"Parameters!B4": True},
        {},
        ["Parameters!B4: TRUE is a true/false value; expected a number or a formula"],
    ),
    "empty required cell": (
        {"Transitions!C5": None},
        {},
        [
            "Transitions!C5: the to cell is empty; expected a name, used to refer to the row from other sheets "
            "(State entered)"
        ],
    ),
    "empty required parameter value": (
        {"Parameters!B6": None},
        {},
        ["Parameters!B6: the value cell is empty; expected a number or a formula in hecon's expression language"],
    ),
    "unknown setting, with a suggestion": (
        {"Settings!A16": "currancy"},
        {},
        [
            "Settings!A16: unknown setting 'currancy' (did you mean 'currency'?); expected one of title, "
            "model_description, cycle_length_days, horizon_years, start_age, proportion_male, discount_rate_costs, "
            "discount_rate_effects, discount_timing, within_cycle, cycle_weights, life_table, currency, price_year, "
            "wtp, seed, comparator, population_size, population_years"
        ],
    ),
    "setting not in its list": (
        {"Settings!B13": "simpsons"},
        {},
        [
            "Settings!B13: within_cycle: 'simpsons' is not supported (did you mean 'simpson'?); expected one of none, "
            "end, half-cycle, trapezoid, simpson, custom"
        ],
    ),
    "setting out of range (found by the compiler)": (
        {"Settings!B10": 3},
        {},
        ["Settings!B10: discount_rate_costs: 3; expected an annual rate between 0 and 1, e.g. 0.03"],
    ),
    "structure weight outside 0-1": (
        {"Settings!B24": 1.5},
        {},
        [
            "Settings!B24: partitioned_survival_weight: weight 1.5; expected a weight between 0 and 1 (blank: 0.5, both structures co-primary)"
        ],
    ),
    "unknown life table": (
        {"Settings!B15": "nl_2019"},
        {},
        ["Settings!B15: life_table: unknown life table 'nl_2019'; expected one of synthetic"],
    ),
    "unknown name in a transition reward": (
        {"TransitionRewards!F4": "c_deathx"},
        {},
        [
            f"TransitionRewards!F4: unknown name 'c_deathx' in 'c_deathx' (did you mean 'c_death'?); expected a "
            "parameter name or one of "
            f"{_VARIABLES}"
        ],
    ),
    "unknown name in a parameter": (
        {"Parameters!B16": "1 - u_typo"},
        {},
        [f"Parameters!B16: unknown name 'u_typo' in '1 - u_typo'; expected a parameter name or one of {_VARIABLES}"],
    ),
    "unknown name in a state cost": (
        {"States!G5": "c_trt + c_admin"},
        {},
        [f"States!G5: unknown name 'c_admin' in 'c_trt + c_admin'; expected a parameter name or one of {_VARIABLES}"],
    ),
    "unknown name in a strategy's value": (
        {"StrategyParameters!C4": "u_trtX"},
        {},
        [
            "StrategyParameters!C4: unknown name 'u_trtX' in 'u_trtX' (did you mean 'u_trtA'?); expected a parameter "
            f"name or one of {_VARIABLES}"
        ],
    ),
    "formula syntax error": (
        {"Transitions!D9": "apply_hr(gp_mort(), hr_S1"},
        {},
        [
            "Transitions!D9: cannot read formula 'apply_hr(gp_mort(), hr_S1' at character 9; expected arithmetic, "
            "comparisons, function calls and names"
        ],
    ),
    "unsafe formula": (
        {"Parameters!B7": "__import__('os').system('echo hi')"},
        {},
        ["Parameters!B7: unknown function '__import__('os').system' in '__import__('os').system('echo hi')'"],
    ),
    "unknown state in a transition": (
        {"Transitions!C7": "Healthy"},
        {},
        ["Transitions!C7: unknown state 'Healthy'; expected one of H, S1, S2, D"],
    ),
    "unknown strategy in a transition reward": (
        {"TransitionRewards!A6": "C"},
        {},
        ["TransitionRewards!A6: unknown strategy 'C'; expected one of SoC, A, B, AB"],
    ),
    "unknown strategy in StrategyParameters": (
        {"StrategyParameters!A7": "AA"},
        {},
        ["StrategyParameters!A7: unknown strategy 'AA'; expected one of SoC, A, B, AB"],
    ),
    "unknown parameter in StrategyParameters": (
        {"StrategyParameters!B9": "hr_trtX"},
        {},
        [
            "StrategyParameters!B9: overrides 'hr_trtX', a parameter that does not exist (did you mean 'hr_trt'?); "
            "expected the name of a parameter on the parameter list"
        ],
    ),
    "circular parameters": (
        {"Parameters!B8": "hr_S2 * 0.3", "Parameters!B9": "hr_S1 * 3"},
        {},
        [
            "Parameters!B8: circular definition: hr_S1 -> hr_S2 -> hr_S1; expected parameters that do not depend on "
            "themselves"
        ],
    ),
    "state_time without a tunnel": (
        {"States!C6": "u_S2 - 0.01 * state_time"},
        {},
        [
            "States!C6: 'u_S2 - 0.01 * state_time' depends on state_time but state 'S2' has no tunnel; expected a "
            "tunnel length > 1 for the state (state_time would always be 0)"
        ],
    ),
    "second complement out of a state": (
        {"Transitions!D11": "#"},
        {},
        [
            "Transitions!D12: a second complement '#' out of state 'S2' (already used for -> D); expected at most "
            "one '#' per state"
        ],
    ),
    "duplicate parameter name": (
        {},
        {"Parameters": ["u_S2", 0.4]},
        ["Parameters!A21: 'u_S2' is already given in row 18; expected one row per name"],
    ),
    "duplicate state name": (
        {},
        {"States": ["S2"]},
        ["States!A8: 'S2' is already given in row 6; expected one row per name"],
    ),
    "duplicate transition": (
        {},
        {"Transitions": ["all", "H", "S1", 0.2]},
        [
            "Transitions!C13: strategy 'all', from 'H', to 'S1' is already given in row 4; expected one row per "
            "strategy, from and to"
        ],
    ),
    "unsupported distribution": (
        {"Parameters!F10": "weibul", "Parameters!G10": "shape=1; scale=2"},
        {},
        [
            "Parameters!F10: 'weibul' is not supported; expected one of fixed, normal, lognormal, beta, gamma, "
            "uniform, triangular, dirichlet, mvnormal, discrete"
        ],
    ),
    "discrete parameter whose base-case value is not a position": (
        {"Parameters!F12": "discrete", "Parameters!G12": "weibull=0.5; cure=0.5"},
        {},
        [
            "Parameters!B12: the value 4000 is not the position of an alternative; expected a position "
            "from 1 to 2 (1 = weibull, 2 = cure)"
        ],
    ),
    "discrete weights and labels": (
        {"Parameters!F13": "discrete", "Parameters!G13": "weibull=0.5; cure=-1; 2nd=1"},
        {},
        [
            "Parameters!G13: c_S2: discrete weight cure = -1 is negative; expected a weight >= 0",
            "Parameters!G13: c_S2: discrete alternative '2nd' is not a name; expected a label of letters, digits "
            "and _ that does not start with a digit, e.g. weibull=0.5",
        ],
    ),
    "discrete DSA range that is not a position": (
        {"Parameters!B19": 1, "Parameters!F19": "discrete", "Parameters!G19": "a=1; b=1", "Parameters!I19": 3},
        {},
        [
            "Parameters!I19: the dsa_low 3 is not the position of an alternative; expected a position from 1 to 2 "
            "(1 = a, 2 = b)"
        ],
    ),
    "impossible distribution arguments": (
        {"Parameters!F17": "beta", "Parameters!G17": "mean=1.5; se=0.1"},
        {},
        ["Parameters!G17: u_S1: beta mean = 1.5 is outside (0, 1); expected 0 < mean < 1"],
    ),
    "distribution arguments not name=value": (
        {"Parameters!F18": "beta", "Parameters!G18": "0.9, 0.1"},
        {},
        [
            "Parameters!G18: '0.9, 0.1' is not name=value; expected name=value pairs separated by ;, e.g. "
            "mean=0.8; se=0.05"
        ],
    ),
    "constant parameter used as a probability is outside [0, 1]": (
        {"Parameters!B5": 1.5},
        {},
        [
            "Transitions!D7: probability 1.5 ('p_S1H') is outside [0, 1] (from p_S1H: Parameters!B5); expected a "
            "probability between 0 and 1"
        ],
    ),
    "life table qx outside [0, 1]": (
        {"LifeTable!D5": 1.5},
        {},
        ["LifeTable!D5: qx 1.5 is outside [0, 1]; expected a probability between 0 and 1"],
    ),
    "initial shares do not add up to 1; unknown state in Initial": (
        {"Initial!B4": 0.9, "Initial!A4": "Healthy"},
        {},
        [
            "Initial!A4: unknown state 'Healthy'; expected one of H, S1, S2, D",
            "Initial!B4: the share in row 4 is 0.9; expected shares that add up to 1",
        ],
    ),
    "unknown column, with a suggestion; note columns are ignored": (
        {"Parameters!L1": "# notes", "Parameters!L4": "checked", "Parameters!M1": "sorce"},
        {},
        [
            "Parameters!M1: unknown column 'sorce' (did you mean 'source'?); expected one of name, value, unit, "
            "description, source, distribution, distribution_args, group, dsa_low, dsa_high, dsa (start a note "
            "column's header with #)"
        ],
    ),
    "duplicate column": (
        {"Strategies!C1": "description"},
        {},
        ["Strategies!C1: the column 'description' appears twice (also B1); expected each column once"],
    ),
    "formula without a cached value": (
        {"Parameters!B11": "=1000*2", "States!B4": '="Healthy"'},
        {},
        [
            "Parameters!B11: formula without a cached value (the file was written by a program and never "
            "calculated); expected a value: open and save the file in Excel, or type the value",
            "States!B4: formula without a cached value (the file was written by a program and never calculated); "
            "expected a value: open and save the file in Excel, or type the value",
        ],
    ),
}

RICH_CASES: dict[str, tuple[dict[str, object], dict[str, list[object]], list[str]]] = {
    "unsupported survival distribution": (
        {"Survival!B4": "weibul"},
        {},
        [
            "Survival!B4: 'weibul' is not supported (did you mean 'weibull'?); expected one of exp, weibull, "
            "weibullPH, gompertz, llogis, lnorm, gamma, gengamma, gengamma.orig"
        ],
    ),
    "survival parameters of another distribution": (
        {"Survival!D6": "rate=0.1"},
        {},
        ["Survival!D6: parameters ['rate'] given for gengamma; expected exactly mu, sigma, Q (flexsurv names)"],
    ),
    "unknown name in a survival curve": (
        {"Survival!E5": "hr_typo"},
        {},
        [f"Survival!E5: unknown name 'hr_typo' in 'hr_typo'; expected a parameter name or one of {_VARIABLES}"],
    ),
    "schedule segments": (
        {"Schedules!C5": 0, "Schedules!D4": -1},
        {},
        [
            "Schedules!D4: schedule 'weekly': end_day -1 is not after start_day 0; expected end_day > start_day, or "
            "empty for no end",
            "Schedules!C5: schedule 'weekly': every_days 0 is not > 0; expected an interval in days > 0",
        ],
    ),
    "dirichlet groups of one": (
        {"Parameters!H15": "other", "Parameters!H16": "other2"},
        {},  # x1, x2, x3: three groups of one
        [
            f"Parameters!H{row}: dirichlet group '{group}' has only this parameter; expected two or more parameters "
            "in the group"
            for row, group in ((14, "mix"), (15, "other"), (16, "other2"))
        ],
    ),
    "unknown comparator setting": (
        {"Settings!B20": "SOC"},
        {},
        ["Settings!B20: comparator: unknown strategy 'SOC' (did you mean 'SoC'?); expected one of SoC, New"],
    ),
    "threshold problems": (
        {"Thresholds!A4": "c_drugs", "Thresholds!C5": "New", "Thresholds!E5": 2e6},
        {},
        [
            "Thresholds!A4: unknown parameter 'c_drugs' (did you mean 'c_drug'?); expected a parameter on the "
            "Parameters sheet",
            "Thresholds!C5: strategy and comparator are both 'New'; expected two different strategies (a blank "
            "comparator is the model's comparator)",
            "Thresholds!F5: the search interval [2000000, 1000000] is empty; expected lower < upper",
        ],
    ),
    "utility norm problems": (
        {"UtilityNorms!B5": 60, "UtilityNorms!D6": 1.2, "UtilityNorms!C4": "both"},
        {},
        [
            "UtilityNorms!C4: 'both' is not supported; expected one of male, female, all",
            "UtilityNorms!B5: the band ends at 60, before it starts at 65; expected age_to >= age_from, or blank for no "
            "upper end",
            "UtilityNorms!D6: utility 1.2 is above 1; expected a utility of at most 1 (full health)",
        ],
    ),
    "yes/no column": (
        {"Parameters!K5": "maybe"},
        {},
        ["Parameters!K5: 'maybe' is not yes or no; expected yes or no (blank = no)"],
    ),
    "scenario with an unknown target": (
        {"Scenarios!B7": "hr_neu"},
        {},
        [
            "Scenarios!B7: hr_neu: not a parameter or setting (did you mean 'hr_new'?); expected a parameter "
            "name, name[strategy] or "
            "settings.<field>"
        ],
    ),
    "scenario setting a discrete parameter to a position it does not have": (
        {},
        {"Scenarios": ["care", "care_model", 3]},
        [
            "Scenarios!C8: scenario 'care', care_model: the value 3 is not the position of an alternative; expected "
            "a position from 1 to 2 (1 = as_now, 2 = more_visits)"
        ],
    ),
    "scenario with an invalid setting value": (
        {"Scenarios!B4": "settings.within_cycle", "Scenarios!C4": "simpsons"},
        {},
        [
            "Scenarios!C4: scenario 'no discounting', settings.within_cycle: unknown method 'simpsons'; expected none, "
            "end, half-cycle, trapezoid, simpson or custom"
        ],
    ),
}


def _combined(tmp_path_factory, data: bytes, cases: dict) -> list[Problem]:
    edits: dict[str, object] = {}
    appends: dict[str, list[list[object]]] = {}
    for cells, rows, _ in cases.values():
        assert not set(cells) & set(edits), "cases must edit different cells"
        edits.update(cells)
        for sheet, row in rows.items():
            appends.setdefault(sheet, []).append(row)
    path = tmp_path_factory.mktemp("combined") / "model.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    for address, value in edits.items():
        sheet, cell = address.split("!")
        wb[sheet][cell] = value
    for sheet, rows in appends.items():
        for row in rows:
            wb[sheet].append(row)
    wb.save(path)
    return validate_workbook(path)


@pytest.fixture(scope="module")
def textbook_found(tmp_path_factory, textbook_bytes) -> list[Problem]:
    return _combined(tmp_path_factory, textbook_bytes, TEXTBOOK_CASES)


@pytest.fixture(scope="module")
def textbook_problems(textbook_found) -> list[str]:
    return [str(p) for p in textbook_found]


@pytest.fixture(scope="module")
def rich_problems(tmp_path_factory, rich_workbook) -> list[str]:
    return [str(p) for p in _combined(tmp_path_factory, rich_workbook.read_bytes(), RICH_CASES)]


def _matches(found: list[str], expected: str) -> list[str]:
    return [m for m in found if m == expected or m.startswith(expected)]


@pytest.mark.parametrize("case", list(TEXTBOOK_CASES))
def test_cell_problem(textbook_problems, case):
    for expected in TEXTBOOK_CASES[case][2]:
        assert len(_matches(textbook_problems, expected)) == 1, (expected, textbook_problems)


@pytest.mark.parametrize("case", list(RICH_CASES))
def test_model_problem(rich_problems, case):
    for expected in RICH_CASES[case][2]:
        assert len(_matches(rich_problems, expected)) == 1, (expected, rich_problems)


@pytest.mark.parametrize("which", ["textbook", "rich"])
def test_all_problems_at_once_nothing_else_in_sheet_order(request, which):
    """Every problem is listed once, with no follow-on problems, in sheet/row/column order."""
    found = request.getfixturevalue(f"{which}_problems")
    cases = TEXTBOOK_CASES if which == "textbook" else RICH_CASES
    expected = [e for _, _, messages_ in cases.values() for e in messages_]
    unexplained = [m for m in found if not any(m.startswith(e) for e in expected)]
    assert unexplained == []
    assert len(found) == len(expected)
    sheets = [s.name for s in __import__("hecon.workbook.schema", fromlist=["SHEETS"]).SHEETS]

    def key(message: str) -> tuple[int, int, int, str]:
        m = re.match(r"(\w+)!([A-Z]+)(\d+):", message)
        assert m, message
        return sheets.index(m.group(1)), int(m.group(3)), len(m.group(2)), m.group(2)

    assert found == sorted(found, key=key)


# --------------------------------------------------------------------------------------
# Problems that need a workbook of their own
# --------------------------------------------------------------------------------------


def test_missing_required_sheet(textbook):
    edit(textbook, delete_sheets=("Transitions",))
    assert only(textbook) == (
        "model.xlsx: the sheet 'Transitions' is missing; expected a sheet named Transitions "
        "with the columns from, to, probability (optional: strategy)"
    )


def test_missing_optional_sheets_are_fine(textbook):
    edit(textbook, delete_sheets=("Scenarios", "Assumptions", "Survival", "Schedules", "README"))
    assert validate_workbook(textbook) == []


def test_missing_required_column(textbook):
    edit(textbook, {"Transitions!D1": None})
    assert only(textbook) == (
        "Transitions!D1: the required column 'probability' is missing; expected a header "
        "'probability' in row 1 (Probability per cycle: a number in [0, 1], a formula, or "
        "# for the rest)"
    )


def test_headers_and_sheet_names_ignore_case_and_blank_rows_are_skipped(textbook):
    wb = openpyxl.load_workbook(textbook)
    wb["Parameters"]["B1"] = "Value"
    wb["Transitions"].insert_rows(6, amount=2)
    wb["Transitions"].title = "renamed"
    wb["renamed"].title = "transitions"  # (openpyxl would make 'Transitions' -> 'transitions1')
    wb.save(textbook)
    back, spec = read_workbook(textbook), textbook_model()
    # (openpyxl itself re-saves numbers with 16 digits, so the life table only matches closely)
    assert back.life_tables[0].qx_male == pytest.approx(spec.life_tables[0].qx_male, rel=1e-15)
    assert dataclasses.replace(back, life_tables=()) == dataclasses.replace(spec, life_tables=())


def test_missing_required_setting(textbook):
    edit(textbook, {"Settings!A7": None, "Settings!B7": None, "Settings!C7": None, "Settings!D7": None})
    assert only(textbook) == (
        "Settings!A27: the setting 'horizon_years' is missing; expected a row with name "
        "horizon_years and its value (Time horizon; cycles = round(horizon_years * 365.25 / "
        "cycle_length_days))"
    )


def test_life_table_with_a_missing_age(textbook):
    edit(textbook, append={"LifeTable": ["synthetic", 112, 1.0, 1.0]})
    assert only(textbook) == (
        "LifeTable!B4: life table 'synthetic' has no row for age 111 (between 60 and 112); "
        "expected one row for every whole age"
    )


def test_scenario_with_an_unknown_name(rich):
    edit(rich, {"Scenarios!C7": "hr_typo * 2"})
    assert only(rich).startswith("Scenarios!C7: scenario 'cheap', hr_new: unknown name 'hr_typo' in 'hr_typo * 2'")


def test_formulas_are_read_as_their_cached_values_and_excel_errors_reported(textbook):
    edit(textbook, {"Parameters!B4": "=0.1+0.05", "Parameters!B5": "=1/0"})
    set_cached(textbook, "Parameters", "B4", "0.15")
    set_cached(textbook, "Parameters", "B5", "#DIV/0!", error=True)
    assert only(textbook) == (
        "Parameters!B5: the formula gives the Excel error #DIV/0!; expected a formula that "
        "calculates to a value, or a number or hecon formula typed as text"
    )
    assert read(textbook).spec.parameter("p_HS1").value == 0.15


# --------------------------------------------------------------------------------------
# Files that are not usable workbooks
# --------------------------------------------------------------------------------------


def test_csv_renamed_to_xlsx(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("name,value\np_HS1,0.15\n")
    assert only(path).startswith("data.xlsx: the file is CSV or text, not an Excel workbook")


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.xlsx"
    path.write_bytes(random.Random(3).randbytes(3000))
    assert only(path).startswith("noise.xlsx: the file is not an Excel workbook")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert only(path).startswith("empty.xlsx: the file is empty")


def test_missing_file(tmp_path):
    assert only(tmp_path / "nope.xlsx").startswith("nope.xlsx: the file ")


def test_password_protected_workbook(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    assert only(path).startswith("secret.xlsx: the workbook is password-protected (encrypted)")


def test_old_xls_workbook(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(compound_file(["Workbook"]))
    assert only(path).startswith(
        "old.xls: the file is in the old Excel 97-2003 format (.xls); expected an .xlsx "
        "workbook: open the file in Excel and use File > Save As"
    )


def test_corrupt_zip(tmp_path, textbook_bytes):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(textbook_bytes[: len(textbook_bytes) // 2])
    assert only(path).startswith("broken.xlsx: the file is damaged")


def test_corrupt_member(tmp_path, textbook_bytes):
    data = bytearray(textbook_bytes)
    start = data.find(b"xl/worksheets/sheet3.xml") + 40  # inside the compressed data of a member
    data[start : start + 20] = b"\0" * 20
    path = tmp_path / "broken.xlsx"
    path.write_bytes(bytes(data))
    assert only(path).startswith("broken.xlsx: the ")
    assert "damaged" in only(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert only(path).startswith("doc.xlsx: the file is a zip archive but not an Excel workbook (it looks like a Word")


def test_macro_enabled_workbook_is_read_for_its_data_only(tmp_path, textbook_bytes):
    """An .xlsm with a VBA project: read like an .xlsx; the macros are neither run nor kept."""
    items = {}
    with zipfile.ZipFile(io.BytesIO(textbook_bytes)) as z:
        for name in z.namelist():
            items[name] = z.read(name)
    items["[Content_Types].xml"] = (
        items["[Content_Types].xml"]
        .replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        .replace(
            b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1
        )
    )
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdVBA" Target="vbaProject.bin" '
        b'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/></Relationships>',
    )
    items["xl/vbaProject.bin"] = compound_file(["VBA", "PROJECT"])  # would hold Auto_Open in real life
    path = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    before = fingerprint(path)
    assert read_workbook(path) == textbook_model()
    assert validate_workbook(path) == []
    assert fingerprint(path) == before


# --------------------------------------------------------------------------------------
# All problems at once; the input is never changed
# --------------------------------------------------------------------------------------


def test_read_workbook_raises_with_every_reading_problem(textbook):
    edit(textbook, {"Transitions!D4": 1.2, "Parameters!I5": "low"})
    with pytest.raises(ModelError) as info:
        read_workbook(textbook)
    assert [str(p.where) for p in info.value.problems] == ["Parameters!I5", "Transitions!D4"]
    assert isinstance(info.value, ValueError)


def test_read_workbook_check_raises_with_whole_model_problems(textbook):
    edit(textbook, {"Transitions!D4": "p_typo"})
    read_workbook(textbook)  # reading alone is fine
    with pytest.raises(ModelError) as info:
        read_workbook(textbook, check=True)
    assert [str(p.where) for p in info.value.problems] == ["Transitions!D4"]


@pytest.mark.parametrize("damage", [None, {"Transitions!D4": 1.2}, {"Parameters!B4": "=1+1"}])
def test_the_input_file_is_never_changed(textbook, damage):
    if damage:
        edit(textbook, damage)
    os.utime(textbook, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = fingerprint(textbook)
    validate_workbook(textbook)
    with contextlib.suppress(ModelError):
        read_workbook(textbook)
    assert fingerprint(textbook) == before


def test_a_read_only_file_can_be_read(textbook):
    textbook.chmod(0o444)
    try:
        assert read_workbook(textbook) == textbook_model()
    finally:
        textbook.chmod(0o644)


def test_constant_probabilities_out_of_a_state_must_add_up(textbook):
    edit(textbook, {"Transitions!D6": 0.5, "Parameters!B4": 0.6})  # H: 0.6 + gp_mort() + 0.5, no complement
    assert only(textbook) == (  # gp_mort() is not constant: the deterministic run finds it
        "Transitions!D4: strategy 'SoC', transitions out of 'H', cycle 0: the probabilities add up to 1.104 (the row "
        "Transitions!D4, Transitions!D5, Transitions!D6; from p_HS1: Parameters!B4); expected a sum of 1, or a "
        "complement '#' for the rest"
    )
    edit(textbook, {"Transitions!D5": 0.1})  # H: 0.6 + 0.1 + 0.5
    assert (
        only(textbook) == "Transitions!D4: the probabilities add up to 1.2 (the row Transitions!D4, Transitions!D5, "
        "Transitions!D6; from p_HS1: Parameters!B4); expected a sum of 1, or a complement '#' for the rest"
    )
    edit(textbook, {"Transitions!D6": "#", "StrategyParameters!C6": 0.95})  # B: p_HS1 ... c_trt (row 6 is B hr_trt)
    assert validate_workbook(textbook) == []
    edit(textbook, {"StrategyParameters!B6": "p_HS1"})  # strategy B: p_HS1 = 0.95, + 0.1 > 1
    assert only(textbook) == (  # strategy B's own p_HS1, at its cell of StrategyParameters
        "Transitions!D4: the probabilities add up to 1.05, leaving a negative complement for "
        "-> H in strategy 'B' (the row Transitions!D4, Transitions!D5, Transitions!D6; from p_HS1: "
        "StrategyParameters!C6); expected probabilities that sum to at most 1"
    )


def test_a_reported_cell_causes_no_follow_on_problems(textbook):
    """S2 -> D 0.1 and S2 -> S2 TRUE (no complement): only the TRUE cell is reported, not also a
    row sum of 0.1 made up by reading the bad cell as 0."""
    edit(textbook, {"Transitions!D11": 0.1, "Transitions!D12": True})
    assert (
        only(textbook) == "Transitions!D12: TRUE is a true/false value; expected a probability between 0 and "
        "1, a formula, or # for the rest"
    )


def test_scenario_that_makes_a_probability_invalid(textbook):
    edit(textbook, append={"Scenarios": ["high risk", "p_HS1", 1.5, "p_HS1 out of range"]})
    assert only(textbook) == (
        "Scenarios!C4: with scenario 'high risk', Transitions!D4: probability 1.5 ('p_HS1') "
        "is outside [0, 1] (from p_HS1: Scenarios!C4); expected a probability between 0 and 1"  # the scenario's value
    )


def test_sizes_that_would_exhaust_memory_are_refused(textbook):
    edit(textbook, {"States!D5": 1e308, "LifeTable!B5": 10**12, "Settings!B7": 1e9})
    assert messages(textbook) == [
        "Settings!B7: a horizon of 1000000000 years in cycles of 365.25 days (cycle_length_days: Settings!B6) has "
        "1,000,000,000 cycles; expected a horizon of at most 1,000,000 cycles (or raise the limit: set HECON_MAX_CYCLES)",
        "States!D5: tunnel length 1e+308 is more than 100,000; expected a whole number of cycles from 1 (no tunnel) "
        "to 100,000 (or raise the limit: set HECON_MAX_TUNNEL)",
        "LifeTable!B5: age 1000000000000 is outside 0-150; expected an age in whole years from 0 to 150",
    ]


def test_the_tunnel_length_bound_is_a_limit_that_can_be_set(textbook, monkeypatch):
    monkeypatch.setenv("HECON_MAX_TUNNEL", "3")
    edit(textbook, {"States!D5": 4})
    assert messages(textbook) == [
        "States!D5: tunnel length 4 is more than 3; expected a whole number of cycles from 1 (no tunnel) to 3 (or "
        "raise the limit: set HECON_MAX_TUNNEL)"
    ]


def test_threshold_without_wtp_or_interval(textbook):
    edit(textbook, append={"Thresholds": ["c_trt", "A"]})
    assert messages(textbook) == [
        "Thresholds!D4: no willingness to pay; expected a wtp, or utility norms (UtilityNorms sheet) for the "
        "reference value of the disease burden",
    ]
    edit(textbook, {"Thresholds!D4": 50000, "Thresholds!B4": "SoC", "Thresholds!C4": "A"})  # c_trt is 0 in SoC
    assert only(textbook) == (
        "Thresholds!E4: the search interval [0, 0] is empty (the base value is 0, so there is "
        "no default interval); expected lower < upper"
    )


def test_dsa_flags_read_as_yes_or_no(textbook):
    edit(textbook, {"Parameters!K4": "Yes", "Parameters!K5": True, "Parameters!K6": "no", "Parameters!K7": 1})
    flags = {p.name: p.dsa for p in read_workbook(textbook).parameters}
    assert [flags[n] for n in ("p_HS1", "p_S1H", "r_S1S2", "slope_S1S2", "hr_S1")] == [True, True, False, True, False]


@pytest.fixture
def both(tmp_path) -> Path:
    path = tmp_path / "both.xlsx"
    write_workbook(both_structures_model(), path)
    return path


def test_partition_problems_are_placed_at_their_cells(both):
    """Rows 4-6 of the Partitions sheet are the shared rows (PF, PD, Dead); columns A strategy,
    B state, C survival. A formula naming an unknown curve, and '#' before the last row."""
    assert messages(both) == []
    edit(both, {"Partitions!C4": "surv(nope, model_years)", "Partitions!C5": "#"})
    found = messages(both)
    assert any(m.startswith("Partitions!C4: unknown curve 'nope'") for m in found), found
    assert (
        "Partitions!C5: '#' before the last row; expected a survival expression in every row but the last, "
        "and '#' (the rest) in the last" in found
    ), found


def test_a_partition_row_s_value_names_the_cells_of_its_parameters(both):
    """A survival that is a parameter of 1.5 (Parameters row 4, the model's only parameter) is found by
    the deterministic run at the partition's cell, with the parameter's cell."""
    edit(both, {"Partitions!C4": "p_big"}, append={"Parameters": ["p_big", 1.5]})
    assert only(both) == (
        "Partitions!C4: strategy 'Old', partition, state 'PF', cycle 0: survival 1.5 ('p_big') is outside [0, 1] "
        "(from p_big: Parameters!B4); expected a share between 0 and 1"
    )


def test_a_model_with_both_structures_is_validated_as_partitioned_survival_too(both):
    """The model runs as a state-transition model; a tunnel on PF (States row 4, column tunnel)
    is fine there, but partitioned survival refuses it: validation reports it all the same, at
    the partition rows' state cells (shared rows 4-6, strategy New's rows 7-9)."""
    wb = openpyxl.load_workbook(both)
    header = [c.value for c in wb["States"][1]]
    letter = openpyxl.utils.get_column_letter(header.index("tunnel") + 1)
    edit(both, {f"States!{letter}4": 3})
    found = messages(both)
    assert any(m.startswith("Partitions!B4: state 'PF' has a tunnel of 3 cycles") for m in found), found
    assert any(m.startswith("Partitions!B7: state 'PF' has a tunnel of 3 cycles") for m in found), found


def test_a_share_of_men_outside_zero_one_is_found_by_validation(textbook):
    edit(textbook, {"Settings!B9": 1.5})
    assert (
        only(textbook) == "Settings!B9: proportion_male: 1.5 is outside [0, 1]; expected a share of men between 0 and 1"
    )


def test_misspelt_state_names_get_did_you_mean_at_their_cell(textbook):
    """A state written in another case in Transitions (to and from) or Initial: the closest state
    is suggested at the cell."""
    edit(textbook, {"Transitions!C7": "s1", "Transitions!B9": "s2"})
    found = messages(textbook)
    assert any(m.startswith("Transitions!C7: unknown state 's1' (did you mean 'S1'?)") for m in found), found
    assert any(m.startswith("Transitions!B9: unknown state 's2' (did you mean 'S2'?)") for m in found), found


def test_misspelt_scenario_targets_get_did_you_mean_at_their_cell(rich):
    """The Scenarios sheet's target column: a setting, a strategy, a parameter of a strategy and a
    parameter, each misspelt, each with the closest name at its cell."""
    sheet = openpyxl.load_workbook(rich)["Scenarios"]
    rows = {r[1].value: r[1].coordinate for r in sheet.iter_rows(min_row=2) if r[1].value}
    cells = {
        rows["settings.discount_rate_costs"]: "settings.discount_rate_cost",
        rows["settings.discount_rate_effects"]: "c_drug[Neww]",
        rows["c_drug[New]"]: "c_drgu[New]",
        rows["hr_new"]: "hr_nwe",
    }
    edit(rich, {f"Scenarios!{cell}": value for cell, value in cells.items()})
    found = messages(rich)
    expected = {
        "settings.discount_rate_cost": "unknown setting (did you mean 'settings.discount_rate_costs'?)",
        "c_drug[Neww]": "unknown strategy 'Neww' (did you mean 'New'?)",
        "c_drgu[New]": "unknown parameter 'c_drgu' (did you mean 'c_drug'?)",
        "hr_nwe": "not a parameter or setting (did you mean 'hr_new'?)",
    }
    for cell, value in cells.items():
        assert any(m.startswith(f"Scenarios!{cell}: {value}: {expected[value]}") for m in found), (cell, found)


def test_a_base_case_problem_that_scenarios_inherit_is_reported_once(textbook):
    """One wrong value, one problem: the scenarios that do not change it have the same problem (at
    the same cell, with the same value), reported once; one that sets a value the formula reads, to
    one that gives the same problem ('same effect'), is named in it; a scenario that changes the
    value has a problem of its own, at its scenario."""
    edit(textbook, {"Parameters!B4": "1.5 * hr_trt"})  # p_HS1; hr_trt is 1
    edit(textbook, append={"Scenarios": ["cheap", "c_trt", 100, "treatment at 100"]})
    edit(textbook, append={"Scenarios": ["same effect", "hr_trt", 1.0, "hr_trt from the scenario"]})
    edit(textbook, append={"Scenarios": ["other effect", "hr_trt", 0.8, "p_HS1 still out of range"]})
    assert messages(textbook) == [
        "Transitions!D4: probability 1.5 ('p_HS1') is outside [0, 1] in strategy 'SoC', 'A' (from p_HS1: "
        "Parameters!B4, hr_trt: Parameters!B10) (also in scenario 'same effect'); expected a probability "
        "between 0 and 1",
        "Scenarios!C6: with scenario 'other effect', Transitions!D4: probability 1.2 ('p_HS1') is outside [0, 1] "
        "in strategy 'SoC', 'A' (from p_HS1: Parameters!B4, hr_trt: Scenarios!C6); expected a probability between 0 "
        "and 1",
    ]


RRMM = Path(__file__).resolve().parents[2] / "inputs" / "rrmm_example.xlsx"


def test_a_value_only_some_strategies_use_names_one_of_them(tmp_path):
    """The shipped example: a NaN in a cost of the CAR-T infusion state, which RWPC (the first
    strategy, whose run evaluates every state's values too) never enters, is reported for a
    strategy whose cohort is infused, never for RWPC."""
    book = openpyxl.load_workbook(RRMM)
    states = book["States"]
    header = [c.value for c in states[1]]
    row = next(r for r in range(1, states.max_row + 1) if states.cell(r, 1).value == "CART_Infusion")
    column = header.index("cost:drug") + 1
    states.cell(row, column).value = "0 * 1e999"
    path = tmp_path / "rrmm.xlsx"
    book.save(path)
    cell = f"States!{openpyxl.utils.get_column_letter(column)}{row}"
    (problem,) = messages(path)
    assert problem.startswith(f"{cell}: strategy '") and "state 'CART_Infusion', cost 'drug'" in problem
    named = re.match(rf"{cell}: strategy '([^']+)'", problem)
    assert named is not None and named.group(1) in ("One-time CAR-T", "Annual CAR-T re-dosing", "CAR-T then bispecific")
