"""Budget impact (hecon.analysis.budget_impact) against a cohort worked by hand.

Model: Alive -> Dead never (p = 0), yearly cycles, no within-cycle correction, so every patient
costs the same each year: strategy Old 100 (care), strategy New 100 (care) + 1,000 (drug).

Eligible patients start treatment: 10 in year 1, 20 in year 2, 30 in year 3. Current world:
everyone gets Old. New world: New gets 20%, 50%, 80% of the starters of years 1, 2, 3.

Per patient per year: Old 100; New 1,100 (1,000 drug). Patients on treatment in year y are all
who started in years <= y (nobody dies):
  current: year 1: 10 x 100 = 1,000; year 2: 30 x 100 = 3,000; year 3: 60 x 100 = 6,000
  new-world starters of New: 2, 10, 24 -> on New in years 1..3: 2, 12, 36; on Old: 8, 18, 24
  new: year 1: 2 x 1,100 + 8 x 100 = 3,000; year 2: 12 x 1,100 + 18 x 100 = 15,000;
       year 3: 36 x 1,100 + 24 x 100 = 42,000
  incremental: 2,000, 12,000, 36,000; all of it drug costs (care is 100 in both).
'Sluis': New's drug costs per patient in year 1 are 1,000; its highest yearly drug spending is
36 x 1,000 = 36,000 (year 3).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from hecon.analysis.budget_impact import budget_impact, costs_by_year
from hecon.analysis.run import run_analysis
from hecon.model.problems import ModelError
from hecon.model.spec import BudgetItem, Parameter, State, Strategy, Transition
from tests.models import two_state_model


def _model():
    spec = two_state_model(horizon_years=5.0)
    return replace(
        spec,
        states=(
            State("Alive", utility="u", costs={"care": "c", "drug": "c_drug"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(Transition("Alive", "Dead", "p"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("Old"), Strategy("New", {"c_drug": 1000.0})),
        parameters=(Parameter("p", 0.0), Parameter("u", 0.8), Parameter("c", 100.0), Parameter("c_drug", 0.0)),
    )


def _items(**change):
    items = [BudgetItem("eligible", 10, 1, source="G"), BudgetItem("eligible", 20, 2, source="G")]
    items.append(BudgetItem("eligible", 30, 3, source="G"))
    for y, s in ((1, 0.2), (2, 0.5), (3, 0.8)):
        items.append(BudgetItem("share", 1.0, y, "Old", "current", source="A"))
        items.append(BudgetItem("share", s, y, "New", "new", source="A"))
        items.append(BudgetItem("share", 1 - s, y, "Old", "new", source="A"))
    items.append(BudgetItem("drug_category", category="drug"))
    items.append(BudgetItem("sluis_per_patient", 500.0, source="VWS"))
    items.append(BudgetItem("sluis_total", 40_000.0, source="VWS"))
    return items


@pytest.fixture(scope="module")
def yearly():
    run = run_analysis(_model(), None, progress=False)
    per_cycle = run.base.results["per_cycle"]
    return costs_by_year(per_cycle, 1.0, 5)


def test_costs_per_patient_by_year_are_the_constant_costs(yearly):
    assert yearly.sel(strategy="Old", category="care").values.tolist() == pytest.approx([100.0] * 5)
    assert yearly.sel(strategy="New", category="drug").values.tolist() == pytest.approx([1000.0] * 5)
    assert yearly.sel(strategy="Old", category="drug").values.tolist() == pytest.approx([0.0] * 5)


def test_hand_worked_budget_impact(yearly):
    bi = budget_impact(_items(), yearly, 5.0)
    assert bi.years == (1, 2, 3)
    assert bi.current_total == pytest.approx((1_000, 3_000, 6_000))
    assert bi.new_total == pytest.approx((3_000, 15_000, 42_000))
    assert bi.incremental_total == pytest.approx((2_000, 12_000, 36_000))
    assert bi.incremental_drug == pytest.approx((2_000, 12_000, 36_000))
    assert bi.incremental_other == pytest.approx((0, 0, 0))
    assert bi.treated["new"]["New"] == pytest.approx((2, 10, 24))
    (check,) = bi.sluis
    assert check.strategy == "New"
    assert check.drug_cost_per_patient_year == pytest.approx(1000.0) and check.above_per_patient is True
    assert check.highest_yearly_drug_spend == pytest.approx(36_000.0) and check.above_total is False
    assert bi.thresholds_source == "VWS; VWS"


def test_bad_inputs_are_all_reported_at_their_rows(yearly):
    items = _items()
    items[0] = BudgetItem("eligible", 10, 1, source="")  # no source
    items[4] = BudgetItem("share", 0.3, 1, "New", "new", source="A")  # new world, year 1: 0.3 + 0.8 != 1
    items.append(BudgetItem("share", 0.1, 2, "Nobody", "new", source="A"))
    items.append(BudgetItem("drug_category", category="pills"))
    with pytest.raises(ModelError) as e:
        budget_impact(items, yearly, 5.0)
    text = [str(p) for p in e.value.problems]
    assert len(text) == 4, text
    assert any("input 1, source" in t and "no source" in t for t in text)
    assert any("sum to 1.1" in t and "new world" in t for t in text)
    assert any("'Nobody' is not known" in t for t in text)
    assert any("'pills' is not in the model" in t for t in text)


def test_more_budget_years_than_the_horizon_is_refused(yearly):
    items = _items() + [BudgetItem("eligible", 1, y, source="G") for y in range(4, 7)]
    items += [BudgetItem("share", 1.0, y, "Old", w, source="A") for y in range(4, 7) for w in ("current", "new")]
    with pytest.raises(ModelError, match="exceed the model's horizon"):
        budget_impact(items, yearly, 5.0)


@pytest.mark.parametrize(
    ("total", "with_per_patient", "into", "why"),
    [
        # by hand: drug costs 1,000 per patient per year >= 500; highest yearly spending 36,000 (year 3)
        (40_000.0, 30_000.0, True, "reach the per-patient threshold and the yearly drug spending reaches"),
        (40_000.0, 50_000.0, False, "below the total that criterion needs"),
        (20_000.0, 50_000.0, True, "yearly drug spending reaches the yearly threshold"),
        (40_000.0, None, True, "reach the per-patient threshold"),
    ],
)
def test_combined_sluis_verdict_by_hand(yearly, total, with_per_patient, into, why):
    """Into the sluis when total >= sluis_total, or per patient >= sluis_per_patient and total >=
    sluis_total_with_per_patient (Dutch criteria from 1 July 2023: EUR 20M; or EUR 50k and 10M)."""
    items = [b for b in _items() if b.item != "sluis_total"]
    items.append(BudgetItem("sluis_total", total, source="VWS 2023"))
    if with_per_patient is not None:
        items.append(BudgetItem("sluis_total_with_per_patient", with_per_patient, source="VWS 2018"))
    (check,) = budget_impact(items, yearly, 5.0).sluis
    assert check.highest_yearly_drug_spend == pytest.approx(36_000.0)
    assert check.above_per_patient is True
    assert check.into_sluis is into
    assert why in check.why
    if with_per_patient is not None:
        assert check.above_total_with_per_patient is (with_per_patient <= 36_000.0)


def test_each_distinct_source_is_listed_once(yearly):
    # _items(): eligible rows all "G", share rows all "A": two sources, each once with its inputs
    bi = budget_impact(_items(), yearly, 5.0)
    assert bi.sources == ("eligible: G", "share current Old, share new New, share new Old: A")
