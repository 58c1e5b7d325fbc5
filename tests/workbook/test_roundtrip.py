"""Round trips ModelSpec -> workbook -> ModelSpec (hecon.workbook writer and reader).

``read_workbook(write_workbook(spec))`` must give back ``spec`` exactly: numbers to the last
bit, text that looks like a formula as text, defaults as defaults.
"""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from hecon.engine.compiler import compile_model
from hecon.examples import EXAMPLES
from hecon.methods.lifetable import bundled_lifetable
from hecon.model.spec import ModelSpec
from hecon.workbook import read_workbook, validate_workbook, write_workbook
from tests import models
from tests.models import rich_model


def _fields_differ(a: ModelSpec, b: ModelSpec) -> list[str]:
    return [f.name for f in dataclasses.fields(ModelSpec) if getattr(a, f.name) != getattr(b, f.name)]


@pytest.mark.parametrize(
    "make",
    [*EXAMPLES.values(), rich_model, models.two_state_model, models.both_structures_model],
    ids=[*(f"example-{name}" for name in EXAMPLES), "rich", "two-state", "both-structures"],
)
def test_round_trip_gives_the_same_spec(tmp_path, make):
    spec = make()
    path = tmp_path / "model.xlsx"
    write_workbook(spec, path)
    back = read_workbook(path)
    assert _fields_differ(back, spec) == []
    assert back == spec


def test_rich_model_is_valid_and_validates_clean(rich_workbook):
    compile_model(rich_model())  # the fixture itself is a runnable model
    assert validate_workbook(rich_workbook) == []


def test_second_round_trip_writes_the_same_cells(tmp_path, rich_workbook):
    write_workbook(read_workbook(rich_workbook), tmp_path / "b.xlsx")
    a, b = openpyxl.load_workbook(rich_workbook), openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        assert [[c.value for c in r] for r in a[name].iter_rows()] == [
            [c.value for c in r] for r in b[name].iter_rows()
        ]


def test_text_starting_with_equals_is_written_as_text_not_formula(rich_workbook):
    path = rich_workbook
    wb = openpyxl.load_workbook(path)  # formulas, not cached values
    cell = next(r[1] for r in wb["Parameters"].iter_rows(min_row=4) if r[0].value == "formula_text")
    assert cell.value == "=u_pfs * 2" and cell.data_type == "s"
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_numbers_keep_all_their_digits(rich_workbook):
    path = rich_workbook
    back = read_workbook(path)
    assert back.parameter("c_pd").value == 0.1 + 0.2 != 0.3
    assert back.life_tables[0].qx_male == rich_model().life_tables[0].qx_male


def test_transitions_for_every_strategy_are_written_as_all(rich_workbook):
    path = rich_workbook
    ws = openpyxl.load_workbook(path)["Transitions"]
    assert [c.value for c in ws[4]] == ["all", "PFS", "PD", "surv_prob(pfs)"]
    assert [c.value for c in ws[7]] == ["New", "PFS", "PD", "surv_prob(pfs_new)"]


def test_states_have_one_column_per_cost_category_and_count(rich_workbook):
    path = rich_workbook
    ws = openpyxl.load_workbook(path)["States"]
    assert [c.value for c in ws[1]] == [
        "name",
        "description",
        "utility",
        "tunnel",
        "flags",
        "cost:drug",
        "cost:care",
        "count:administrations",
    ]
    assert [c.value for c in ws[4]][:5] == ["PFS", "Progression-free", "u_pfs", 4, "on_treatment, progression_free"]


def test_distribution_arguments_are_name_value_pairs(rich_workbook):
    path = rich_workbook
    ws = openpyxl.load_workbook(path)["Parameters"]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=4)}
    header = [c.value for c in ws[1]]
    args, group = header.index("distribution_args"), header.index("group")
    assert rows["u_pfs"][args] == "mean=0.78; se=0.03"
    assert rows["b1"][args] == "mean=0.2; cov_b0=0.001; cov_b1=0.01; transform=exp"
    assert rows["b1"][group] == "fit"
    assert rows["care_model"][args] == "as_now=0.25; more_visits=0.75"  # alternatives in position order


def test_a_bundled_life_table_can_be_named_in_settings(tmp_path):
    textbook = models.textbook_model(horizon_years=20.0)  # over 40 years S1's death risk, 3 x Dutch qx, exceeds 1
    spec = dataclasses.replace(
        textbook, life_tables=(), settings=dataclasses.replace(textbook.settings, life_table="nl_cbs_2019")
    )
    path = tmp_path / "bundled.xlsx"
    write_workbook(spec, path)
    back = read_workbook(path)
    assert back.life_tables == (bundled_lifetable("nl_cbs_2019"),)
    assert validate_workbook(path) == []


def test_a_bundled_life_table_can_be_named_in_gp_mort(tmp_path):
    spec = models.textbook_model()
    transitions = tuple(
        dataclasses.replace(t, probability="gp_mort(nl_ag2024)") if t.probability == "gp_mort()" else t
        for t in spec.transitions
    )
    spec = dataclasses.replace(spec, transitions=transitions)
    path = tmp_path / "bundled.xlsx"
    write_workbook(spec, path)
    back = read_workbook(path)
    assert [t.name for t in back.life_tables] == ["synthetic", "nl_ag2024"]
    assert validate_workbook(path) == []


def test_example_textbook_documents_every_parameter():
    example = EXAMPLES["textbook"]()
    assert all(p.source and p.unit and p.description for p in example.parameters)
