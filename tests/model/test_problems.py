"""Problem locations: typed, rendered as users read them, never a bare string."""

from __future__ import annotations

import pytest

from hecon.model.problems import Cell, Element, FileLine, ModelError, Problem, topic


@pytest.mark.parametrize(
    "where, text",
    [
        (Cell("Parameters", "C7"), "Parameters!C7"),
        (Cell("Settings"), "Settings"),
        (FileLine("ipd.csv", 12), "ipd.csv:12"),
        (FileLine("model.xlsx"), "model.xlsx"),
        (Element("setting", "discount_rate_costs"), "settings.discount_rate_costs"),
        (Element("state", "PF", part="cost:drug"), "state 'PF', cost 'drug'"),
        (Element("state", "PF", part="utility"), "state 'PF', utility"),
        (Element("parameter", "u_pf", strategy="CAR-T"), "strategy 'CAR-T', parameter 'u_pf'"),
        (Element("transition", strategy="A", source="PF", target="PD"), "strategy 'A', transition PF -> PD"),
        (
            Element("transitions_out", strategy="A", source="PF", detail="cycle 3"),
            "strategy 'A', transitions out of 'PF', cycle 3",
        ),
        (Element("reward", target="Dead", index=0), "transition reward -> Dead"),
        (Element("curve", "pfs", part="hazard_ratio"), "survival curve 'pfs', hazard ratio"),
        (Element("curve", "pfs", part="parameter shape"), "survival curve 'pfs', parameter shape"),
        (Element("schedule", "tec", index=1, part="every_days"), "schedule 'tec', segment 2"),
        (Element("initial", "PF", part="share"), "initial state distribution, state 'PF'"),
        (Element("scenario", "cheap", target="c_drug"), "scenario 'cheap', target 'c_drug'"),
        (Element("entry", "curve point", index=4), "curve point 5"),
        (topic("DSA"), "DSA"),
    ],
)
def test_locations_read_as_users_expect(where, text):
    assert str(where) == text
    assert str(Problem(where, "is wrong", "right")) == f"{text}: is wrong; expected right"


def test_a_cell_knows_its_column_and_row():
    cell = Cell("Transitions", "AB12")
    assert (cell.column, cell.row) == ("AB", 12)


def test_a_bare_string_is_not_a_location():
    with pytest.raises(TypeError, match="Cell, FileLine or Element"):
        Problem("Parameters!C7", "is wrong")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown element kind"):
        Element("row", "x")


def test_model_error_lists_every_problem():
    error = ModelError([Problem(topic("a"), "x"), Problem(topic("b"), "y", "z")])
    assert str(error) == "a: x\nb: y; expected z"


def test_a_problem_with_a_cause_reads_value_then_what_it_caused():
    from hecon.model.problems import Cell, Problem

    cause = Problem(Cell("Transitions", "D4"), "probability 1.2 is outside [0, 1]", "a probability between 0 and 1")
    problem = Problem(Cell("Parameters", "J5"), "with p at its DSA high value 1.2", cause=cause)
    assert str(problem) == (
        "Parameters!J5: with p at its DSA high value 1.2, Transitions!D4: probability 1.2 is outside [0, 1]; "
        "expected a probability between 0 and 1"
    )
