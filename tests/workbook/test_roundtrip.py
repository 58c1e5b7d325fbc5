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
from hecon.model.spec import (
    START,
    Distribution,
    LifeTable,
    ModelSpec,
    Parameter,
    Scenario,
    Schedule,
    ScheduleSegment,
    Settings,
    State,
    Strategy,
    SurvivalCurve,
    ThresholdQuery,
    Transition,
    TransitionReward,
    UtilityNorm,
)
from hecon.workbook import read_workbook, validate_workbook, write_workbook
from tests import models


def rich_model() -> ModelSpec:
    """A model using every part of the workbook: survival curves, schedules, scenarios, every kind of
    PSA distribution, a life table, transition rewards, strategy-specific transitions and values."""
    P, D = Parameter, Distribution
    parameters = (
        P(
            "p_male",
            0.57,
            "share",
            "Share of men",
            "CARTITUDE-1 (57/100), illustrative",
            D("beta", {"alpha": 57.0, "beta": 43.0}),
        ),
        P(
            "u_pfs",
            0.78,
            "QALY weight",
            "Utility progression-free",
            "EQ-5D-5L, illustrative",
            D("beta", {"mean": 0.78, "se": 0.03}),
            dsa_low=0.7,
            dsa_high=0.85,
            dsa=True,
        ),
        P("u_pd", "u_pfs - 0.18", "QALY weight", "Utility progressed"),
        P(
            "c_drug",
            12345.67,
            "EUR per administration",
            "Drug price",
            "Z-Index 2024",
            D("gamma", {"mean": 12345.67, "se": 1234.5}),
            dsa=True,
        ),
        P("c_pd", 0.1 + 0.2, "EUR per cycle", "Needs 17 significant digits"),
        P("hr_new", 0.5, "hazard ratio", "Effect of the new drug", "NMA", D("lognormal", {"mean": 0.5, "se": 0.1})),
        P("sd_x", 2.0, distribution=D("normal", {"mean": 2.0, "sd": 0.5})),
        P("tri", 1.0, distribution=D("triangular", {"min": 0.5, "mode": 1.0, "max": 2.0})),
        P("uni", 1.0, distribution=D("uniform", {"min": 0.5, "max": 1.5})),
        P("fix", 3, distribution=D("fixed")),
        P("x1", 0.2, distribution=D("dirichlet", {"alpha": 10.0}, "mix")),
        P("x2", 0.3, distribution=D("dirichlet", {"alpha": 15.0}, "mix")),
        P("x3", 0.5, distribution=D("dirichlet", {"alpha": 25.0}, "mix")),
        P("b0", 2.5, distribution=D("mvnormal", {"mean": 2.5, "cov_b0": 0.04, "cov_b1": 0.001}, "fit")),
        P(
            "b1",
            0.2,
            distribution=D("mvnormal", {"mean": 0.2, "cov_b0": 0.001, "cov_b1": 0.01, "transform": "exp"}, "fit"),
        ),
        P("formula_text", "=u_pfs * 2", description="Starts with '=': must stay text, not become a formula"),
        P("p_pd_death", 0.05, "per cycle", "Death after progression", "Illustrative, with ü and €"),
    )
    states = (
        State(
            "PFS",
            "u_pfs",
            {"drug": "c_drug * doses(weekly, state_time)", "care": 100.0},
            {"administrations": "doses(weekly, state_time)"},
            frozenset({"on_treatment", "progression_free"}),
            tunnel=4,
            description="Progression-free",
        ),
        State("PD", "u_pd", {"care": "c_pd"}, description="Progressed"),
        State("Dead", flags=frozenset({"dead"})),
    )
    transitions = (
        Transition("PFS", "PD", "surv_prob(pfs)"),
        Transition("PFS", "Dead", "gp_mort()"),
        Transition("PFS", "PFS", "#"),
        Transition("PFS", "PD", "surv_prob(pfs_new)", strategy="New"),
        Transition("PD", "Dead", "max(p_pd_death, gp_mort())"),
        Transition("PD", "PD", "#"),
    )
    strategies = (
        Strategy("SoC", description="Standard of care"),
        Strategy("New", {"c_drug": 20000.0, "u_pfs": "0.8"}, "The new drug"),
    )
    rewards = (
        TransitionReward("Dead", 5000.0, "cost", "terminal"),
        TransitionReward("PD", -0.01, "qaly", from_state="PFS", strategy="New"),
        TransitionReward("PD", 1, "count", "progressions", from_state="PFS"),
        TransitionReward("PFS", 1500.0, "cost", "admission", from_state=START),
    )
    curves = (
        SurvivalCurve("pfs", "weibull", {"shape": 1.2, "scale": "exp(b0)"}, "months", source="KM digitised"),
        SurvivalCurve(
            "pfs_new",
            "weibull",
            {"shape": 1.2, "scale": "exp(b0)"},
            "months",
            hazard_ratio="hr_new",
            acceleration_factor=1.1,
            cure_fraction=0.1,
        ),
        SurvivalCurve("os", "gengamma", {"mu": 3.0, "sigma": 0.8, "Q": -0.5}),
    )
    ages = tuple(range(60, 71))
    table = LifeTable(
        "mini",
        ages,
        tuple(0.01 * 1.1 ** (a - 60) for a in ages),
        tuple(0.006 * 1.1 ** (a - 60) for a in ages),
        "made up\nsecond line",
    )
    schedules = (
        Schedule(
            "weekly",
            (ScheduleSegment(0.0, 7.0, 168.0), ScheduleSegment(168.0, 14.0, None, 2.0)),
            "weekly for 24 weeks, then every 2 weeks",
        ),
    )
    scenarios = (
        Scenario(
            "no discounting",
            {"settings.discount_rate_costs": 0.0, "settings.discount_rate_effects": 0.0},
            "Undiscounted",
        ),
        Scenario("cheap", {"c_drug[New]": 15000.0, "hr_new": "0.6"}),
    )
    n = 12  # monthly cycles over one year
    settings = Settings(
        cycle_length_days=30.4375,
        horizon_years=1.0,
        start_age=65.5,
        proportion_male="p_male",
        discount_rate_costs=0.04,
        discount_rate_effects=0.015,
        discount_timing="annual",
        within_cycle="custom",
        cycle_weights=(0.5,) + (1.0,) * (n - 1) + (0.5,),
        life_table="mini",
        currency="EUR",
        price_year=2024,
        wtp=(20000.0, 50000.0),
        seed=7,
        comparator="SoC",
        population_size=1200.0,
        population_years=5.0,
    )
    norms = (
        UtilityNorm(0, 64, "all", 0.9, "Dutch EQ-5D-5L norms (illustrative)"),
        UtilityNorm(65, None, "male", 0.85),
        UtilityNorm(65, None, "female", 0.82),
    )
    thresholds = (ThresholdQuery("c_drug", "New"), ThresholdQuery("c_drug", "New", "SoC", 50000.0, 0.0, 1e6))
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        {"PFS": 0.9, "PD": 0.1},
        rewards,
        curves,
        (table,),
        schedules,
        scenarios,
        "Rich test model",
        "Uses every sheet.",
        ("Assumption one.", "Assumption two, with a comma."),
        norms,
        thresholds,
    )


@pytest.fixture(scope="module")
def rich_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("rich") / "rich.xlsx"
    write_workbook(rich_model(), path)
    return path


def _fields_differ(a: ModelSpec, b: ModelSpec) -> list[str]:
    return [f.name for f in dataclasses.fields(ModelSpec) if getattr(a, f.name) != getattr(b, f.name)]


@pytest.mark.parametrize(
    "make",
    [*EXAMPLES.values(), rich_model, models.two_state_model],
    ids=[*(f"example-{name}" for name in EXAMPLES), "rich", "two-state"],
)
def test_round_trip_gives_the_same_spec(tmp_path, make):
    spec = make()
    path = tmp_path / "model.xlsx"
    write_workbook(spec, path)
    back = read_workbook(path)
    assert _fields_differ(back, spec) == []
    assert back == spec


def test_rich_model_is_valid_and_validates_clean(rich_path):
    compile_model(rich_model())  # the fixture itself is a runnable model
    assert validate_workbook(rich_path) == []


def test_second_round_trip_writes_the_same_cells(tmp_path, rich_path):
    write_workbook(read_workbook(rich_path), tmp_path / "b.xlsx")
    a, b = openpyxl.load_workbook(rich_path), openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        assert [[c.value for c in r] for r in a[name].iter_rows()] == [
            [c.value for c in r] for r in b[name].iter_rows()
        ]


def test_text_starting_with_equals_is_written_as_text_not_formula(rich_path):
    path = rich_path
    wb = openpyxl.load_workbook(path)  # formulas, not cached values
    cell = next(r[1] for r in wb["Parameters"].iter_rows(min_row=4) if r[0].value == "formula_text")
    assert cell.value == "=u_pfs * 2" and cell.data_type == "s"
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_numbers_keep_all_their_digits(rich_path):
    path = rich_path
    back = read_workbook(path)
    assert back.parameter("c_pd").value == 0.1 + 0.2 != 0.3
    assert back.life_tables[0].qx_male == rich_model().life_tables[0].qx_male


def test_transitions_for_every_strategy_are_written_as_all(rich_path):
    path = rich_path
    ws = openpyxl.load_workbook(path)["Transitions"]
    assert [c.value for c in ws[4]] == ["all", "PFS", "PD", "surv_prob(pfs)"]
    assert [c.value for c in ws[7]] == ["New", "PFS", "PD", "surv_prob(pfs_new)"]


def test_states_have_one_column_per_cost_category_and_count(rich_path):
    path = rich_path
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


def test_distribution_arguments_are_name_value_pairs(rich_path):
    path = rich_path
    ws = openpyxl.load_workbook(path)["Parameters"]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=4)}
    header = [c.value for c in ws[1]]
    args, group = header.index("distribution_args"), header.index("group")
    assert rows["u_pfs"][args] == "mean=0.78; se=0.03"
    assert rows["b1"][args] == "mean=0.2; cov_b0=0.001; cov_b1=0.01; transform=exp"
    assert rows["b1"][group] == "fit"


def test_a_bundled_life_table_can_be_named_in_settings(tmp_path):
    spec = dataclasses.replace(
        models.textbook_model(),
        life_tables=(),
        settings=dataclasses.replace(models.textbook_model().settings, life_table="nl_cbs_2019"),
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
