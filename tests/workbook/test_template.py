"""Templates and the schema that drives writer, reader and validator (hecon.workbook)."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from hecon.examples import EXAMPLES
from hecon.methods import survival
from hecon.model import distributions, expressions
from hecon.model.problems import ModelError
from hecon.model.spec import REWARD_KINDS, TIME_UNITS, WITHIN_CYCLE_METHODS, Settings
from hecon.workbook import read_workbook, validate_workbook, write_template, write_workbook
from hecon.workbook.reader import read
from hecon.workbook.schema import FIRST_DATA_ROW, LAST_VALIDATED_ROW, SETTINGS, SHEETS, setting_default
from hecon.workbook.template_examples import EXAMPLE_COLUMN
from tests.agreement import problems_of


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "blank.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def blank_book(blank):
    return openpyxl.load_workbook(blank)


def _validations(ws) -> dict[str, str]:
    """Cell range -> list formula of the sheet's list drop-downs."""
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}


def _letter(ws, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == header)


def _dropdown(ws, header: str) -> str:
    letter = _letter(ws, header)
    return _validations(ws)[f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}"]


def test_template_has_readme_first_then_one_sheet_per_part(blank_book):
    assert blank_book.sheetnames == ["README"] + [s.name for s in SHEETS]
    assert blank_book.active.title == "README"


def test_readme_explains_the_workbook(blank_book):
    text = "\n".join(str(c.value) for row in blank_book["README"].iter_rows() for c in row if c.value is not None)
    assert "hecon validate" in text and "Sheet!Cell" in text and f"row {FIRST_DATA_ROW}" in text
    for sheet in SHEETS:
        assert sheet.name in text
    for name in (
        list(distributions.DISTRIBUTION_ARGS) + list(survival.DISTRIBUTIONS) + [f"{f}()" for f in expressions.FUNCTIONS]
    ):
        assert name in text, name
    for setting in SETTINGS:
        assert setting.name in text


def test_every_sheet_has_header_unit_and_description_rows_frozen(blank_book):
    for sheet in SHEETS:
        ws = blank_book[sheet.name]
        headers = [c.value for c in ws[1]]
        assert headers[: len(sheet.columns)] == [c.name for c in sheet.columns]
        for column in sheet.columns:
            index = headers.index(column.name) + 1
            assert (ws.cell(2, index).value or "") == column.unit
            assert column.description in ws.cell(3, index).value
            comment = ws.cell(1, index).comment
            assert comment is not None and column.description.split(";")[0] in comment.text
        assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
        for index in range(1, len(headers) + 1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width >= 8


def test_blank_states_sheet_shows_the_cost_and_count_columns(blank_book):
    headers = [c.value for c in blank_book["States"][1]]
    assert headers[-4:] == ["cost:drug", "cost:care", "count:administrations", EXAMPLE_COLUMN]


def test_dropdowns_for_enumerations(blank_book):
    def items(formula: str) -> list[str]:
        return formula.strip('"').split(",")

    assert items(_dropdown(blank_book["Parameters"], "distribution")) == list(distributions.DISTRIBUTION_ARGS)
    assert items(_dropdown(blank_book["Survival"], "distribution")) == list(survival.DISTRIBUTIONS)
    assert items(_dropdown(blank_book["Survival"], "time_unit")) == list(TIME_UNITS)
    assert items(_dropdown(blank_book["TransitionRewards"], "kind")) == list(REWARD_KINDS)
    flags = blank_book["States"].data_validations.dataValidation
    flag_dv = next(dv for dv in flags if "E4" in str(dv.sqref))
    assert "on_treatment" in flag_dv.formula1 and not flag_dv.showErrorMessage  # suggestions, any label allowed
    settings = _validations(blank_book["Settings"])
    row = FIRST_DATA_ROW + [c.name for c in SETTINGS].index("within_cycle")
    assert items(settings[f"B{row}"]) == list(WITHIN_CYCLE_METHODS)


def test_dropdowns_for_names_defined_on_other_sheets(blank_book):
    names = f"$A${FIRST_DATA_ROW}:$A${LAST_VALIDATED_ROW}"
    assert _dropdown(blank_book["Transitions"], "from") == f"States!{names}"
    assert _dropdown(blank_book["Transitions"], "to") == f"States!{names}"
    assert _dropdown(blank_book["StrategyParameters"], "parameter") == f"Parameters!{names}"
    assert _dropdown(blank_book["Initial"], "state") == f"States!{names}"


def test_every_schema_enumeration_has_a_dropdown(blank_book):
    """The writer derives drop-downs from the schema: none can be forgotten."""
    for sheet in SHEETS[1:]:
        ws = blank_book[sheet.name]
        for column in sheet.columns:
            if column.lookup or (column.allowed and column.kind in ("choice", "list", "flag")):
                assert _dropdown(ws, column.name), (sheet.name, column.name)


def test_schema_has_a_row_for_every_setting():
    names = {c.name for c in SETTINGS}
    assert names - {"title", "model_description"} == {f.name for f in dataclasses.fields(Settings)}
    for f in dataclasses.fields(Settings):
        assert setting_default(f.name) == f.default


def test_blank_template_is_prefilled_with_default_settings_and_lists_only_what_is_missing(blank):
    """Besides the example rows (tests/workbook/test_template_examples.py), only the missing
    strategies and states are reported."""
    result = read(blank)
    assert result.spec is not None and result.spec.settings == Settings()
    spec = result.spec
    assert spec.states == () and spec.parameters == () and spec.strategies == ()
    assert problems_of(blank)  # refused alike by 'hecon validate' and 'hecon run'
    problems = [str(p) for p in validate_workbook(blank) if "template's example" not in p.what]
    assert problems == [
        "Strategies!A4: the model has no strategy; expected at least one strategy: a row per strategy compared, "
        "name in the first column (on the Strategies sheet of a workbook; a row marked as the template's example "
        "is not read: type your own row over it and clear its mark)",
        "States!A4: the model has no state; expected at least one state: a row per health state, name in the "
        "first column (on the States sheet of a workbook; a row marked as the template's example is not read: "
        "type your own row over it and clear its mark)",
    ]


def test_example_template_reads_back_as_the_example(tmp_path):
    path = tmp_path / "example.xlsx"
    write_template(path, EXAMPLES["textbook"]())
    assert read_workbook(path) == EXAMPLES["textbook"]()
    assert validate_workbook(path) == []
    assert openpyxl.load_workbook(path)["Parameters"]["E4"].value.startswith("Illustrative value")


def test_writing_needs_an_xlsx_name_and_leaves_no_temporary_file(tmp_path):
    with pytest.raises(ModelError) as info:
        write_workbook(EXAMPLES["textbook"](), tmp_path / "model.xls")
    assert "expected a file name ending in .xlsx" in str(info.value)
    write_template(tmp_path / "a.xlsx")
    write_template(tmp_path / "a.xlsx")  # replaces
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
