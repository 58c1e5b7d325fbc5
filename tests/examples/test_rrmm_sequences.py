"""The BCMA sequences and the costs added in issue 13 (hecon/examples/rrmm/sequences.py,
care_costs.py, subsequent.py, unrelated_costs.py, indexation.py).

Reference values come from outside the code under test: the exponential MLE in closed form (events /
time at risk) of the patients reconstructed from the published medians, the Dutch CAR-T CEA's procedure costs (EUR 15,932 + 6,301 of 2018,
PMC7497258) and CBS CPI levels 2018 / 2024 (675.4 / 850.3), the day-treatment tariff (EUR 359.46,
Costing Manual 2024), the supportive-care shares of Logue et al. 2022 and the placeholder unit
prices, each written out here by hand; and runs of the same model in which the second therapy is
switched off (the first-line pathway).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hecon.engine.run import run_model
from hecon.examples.rrmm import BSAB, CART, RWPC, sequence_tables
from hecon.examples.rrmm.care_costs import CATEGORY_PERSPECTIVE
from hecon.examples.rrmm.sequences import fits
from hecon.examples.rrmm.strategies import SEQ_BSAB_CART, SEQ_CART_BSAB
from hecon.model.scenarios import apply_scenario
from hecon.model.spec import Scenario

HORIZON_YEARS = 15.0
PAIRS = ((SEQ_CART_BSAB, CART), (SEQ_BSAB_CART, BSAB))


def _run(spec, overrides=None, horizon=HORIZON_YEARS):
    short = dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, horizon_years=horizon))
    if overrides:
        short = apply_scenario(short, Scenario("test", overrides))
    return run_model(short)


def _value(results, name, strategy):
    return float(results[name].sel(strategy=strategy)[0])


@pytest.fixture(scope="module")
def base(rrmm_spec):
    return _run(rrmm_spec)


@pytest.fixture(scope="module")
def nobody_second(rrmm_spec):
    """Nobody receives the second therapy (and the CAR-T strategies' bispecific salvage costs nothing)."""
    return _run(rrmm_spec, {"p_bsab_after_cart": 0.0, "p_cart_after_bsab": 0.0, "w_bsab_after_cart_relapse": 0.0})


@pytest.mark.parametrize(("sequence", "first_line"), PAIRS)
def test_a_sequence_nobody_continues_is_its_first_line_pathway(nobody_second, sequence, first_line):
    for outcome in ("total_costs", "qalys", "lys"):
        assert _value(nobody_second, outcome, sequence) == pytest.approx(
            _value(nobody_second, outcome, first_line), rel=1e-12
        ), outcome
    assert nobody_second["trace"].sel(strategy=sequence).values == pytest.approx(
        nobody_second["trace"].sel(strategy=first_line).values, abs=1e-14
    )


@pytest.mark.parametrize(("sequence", "first_line"), PAIRS)
def test_the_second_therapy_adds_life_years_and_costs(base, nobody_second, sequence, first_line):
    """Those who get the second BCMA therapy live longer than had they gone straight to progressed care,
    in both sequences: after CAR-T the one-time arm's post-relapse course is the same two pieces
    (bispecific salvage or non-BCMA salvage), so the sequence decomposes it."""
    assert _value(base, "total_costs", sequence) > _value(nobody_second, "total_costs", sequence)
    assert _value(base, "lys", sequence) > _value(nobody_second, "lys", sequence)
    # against the first-line strategy as run (after CAR-T: 35/79 get a bispecific salvage there, 58/68 here)
    assert _value(base, "lys", sequence) > _value(base, "lys", first_line)


def test_car_t_strategies_share_the_post_relapse_course(rrmm_spec):
    """With the same share starting a bispecific at relapse, one-time CAR-T and CAR-T then bispecific are
    the same pathway (same costs, QALYs, life-years)."""
    same = _run(rrmm_spec, {"w_bsab_after_cart_relapse": "p_bsab_after_cart"})
    for outcome in ("total_costs", "qalys", "lys"):
        assert _value(same, outcome, SEQ_CART_BSAB) == pytest.approx(_value(same, outcome, CART), rel=1e-12), outcome


@pytest.mark.parametrize("sequence", [SEQ_CART_BSAB, SEQ_BSAB_CART])
def test_prior_bcma_exposure_lowers_the_qalys_the_second_therapy_adds(rrmm_spec, base, nobody_second, sequence):
    """QALYs gained by the second therapy (sequence minus nobody continuing) are smaller with the efficacy
    seen after prior BCMA therapy than with the therapy's first-line efficacy."""
    first_line_efficacy = _run(rrmm_spec, {"prior_bcma_efficacy": 0})
    gain_prior = _value(base, "qalys", sequence) - _value(nobody_second, "qalys", sequence)
    gain_naive = _value(first_line_efficacy, "qalys", sequence) - _value(nobody_second, "qalys", sequence)
    assert gain_prior < gain_naive


def test_second_line_fits_are_exponential_mles_of_the_published_patients():
    """Each second-line curve's rate is the closed-form exponential MLE, events / time at risk, of the patients
    reconstructed from its published points (the fit's inputs; the fitted median is not tested against its own
    target: the held-out checks are in EXTERNAL_CHECKS, e.g. a repeat BCMA CAR-T's median PFS 8.3 months)."""
    from hecon.evidence.guyot import reconstruct_ipd
    from hecon.evidence.published_points import guyot_inputs
    from hecon.examples.rrmm.sequences import SECOND_LINE

    for curve in SECOND_LINE:
        points = curve.points
        knots, at_risk = guyot_inputs(points, range(len(points)), time_unit="months")
        ipd = reconstruct_ipd(knots, at_risk)
        assert fits()[curve.prefix].estimates["rate"] == pytest.approx(ipd.event.sum() / ipd.time.sum(), rel=1e-6)


def test_prior_bcma_efficacy_is_lower_than_first_line_efficacy_in_the_sources(rrmm_spec):
    values = {p.name: p.value for p in rrmm_spec.parameters}
    # teclistamab: prior BCMA 4.6 months vs LocoMMotion 4.6 months / HR 0.43 first line
    assert values["pfs_tec_prior_bcma_exp_rate"] > values["pfs_rwpc_exp_rate"] * 0.43
    # cilta-cel: CARTITUDE-2 cohort C 9.1 months vs CARTITUDE-1 (median 34.9 months)
    assert values["pfs_cilta_prior_bcma_exp_rate"] > values["pfs_cilta_exp_rate"]


# --------------------------------------------------------------------------------------
# Costs against hand sums (undiscounted: discount rates 0)
# --------------------------------------------------------------------------------------

UNDISCOUNTED = {"settings.discount_rate_costs": 0.0, "settings.discount_rate_effects": 0.0}
DAY_TREATMENT = 359.46  # Costing Manual 2024 (2022: 335.00 x 1.073)


def _cost(results, category, strategy):
    return float(results["costs"].sel(strategy=strategy, category=category)[0])


def _infusions(results, strategy):
    return float(results["counts_undiscounted"].sel(strategy=strategy, count="cart_infusions")[0])


@pytest.fixture(scope="module")
def undiscounted(rrmm_spec):
    return _run(rrmm_spec, UNDISCOUNTED, horizon=5.0)


@pytest.mark.parametrize("strategy", [CART, SEQ_CART_BSAB, SEQ_BSAB_CART])
def test_cytopenia_support_is_the_hand_sum_per_infusion(undiscounted, strategy):
    # Logue 2022 shares x units (A) x prices: placeholders (G) and the red-cell unit, Sanquin's 2023 tariff
    # EUR 264 x CPI 2024 / 2023 (850.3 / 823.1); a day treatment per 2 red-cell units and per platelet unit
    rbc = 264.0 * 850.3 / 823.1
    per_infusion = (
        0.88 * 7 * 60.0 + 0.63 * 4 * (rbc + DAY_TREATMENT / 2) + 0.42 * 3 * (550.0 + DAY_TREATMENT) + 0.21 * 1500.0
    )
    infusions = _infusions(undiscounted, strategy)
    assert infusions > 0.05
    assert _cost(undiscounted, "cytopenia_support", strategy) == pytest.approx(per_infusion * infusions, rel=1e-9)


def test_dutch_procedure_costs_replace_the_bottom_up_lymphodepletion(rrmm_spec, undiscounted):
    """Switching the Dutch CEA's procedure costs off changes the administration costs by exactly the
    infusions x (indexed Dutch costs - 3 day treatments), in every strategy with CAR-T infusions."""
    bottom_up = _run(rrmm_spec, {**UNDISCOUNTED, "cart_procedure_nl": 0}, horizon=5.0)
    dutch = (15932.0 + 6301.0) * 850.3 / 675.4
    for strategy in (CART, SEQ_CART_BSAB, SEQ_BSAB_CART):
        difference = _cost(undiscounted, "administration", strategy) - _cost(bottom_up, "administration", strategy)
        assert difference == pytest.approx(_infusions(undiscounted, strategy) * (dutch - 3 * DAY_TREATMENT), rel=1e-9)


def test_unrelated_medical_costs_follow_the_age_bands(rrmm_spec):
    """Over one year from age 63 (band < 70), a year alive costs EUR 3,500 (PAID placeholder): the unrelated
    medical costs equal 3,500 x the undiscounted life-years. (The bispecific strategies are left out: the
    costs of their one-week step-up state, unrelated ones included, are a one-off start reward, which
    the half-cycle correction does not halve, while their life-years are corrected.)"""
    one_year = _run(rrmm_spec, UNDISCOUNTED, horizon=1.0)
    for strategy in (RWPC, CART, SEQ_CART_BSAB):
        lys = _value(one_year, "lys_undiscounted", strategy)
        assert _cost(one_year, "unrelated_medical", strategy) == pytest.approx(3500.0 * lys, rel=1e-9)


def test_docs_show_the_sequence_and_cost_tables_of_a_fresh_run(rrmm_spec, rrmm_base):
    text = (Path(__file__).resolve().parents[2] / "docs" / "rrmm.md").read_text(encoding="utf-8")
    assert sequence_tables.versus_primary_table(rrmm_base) in text
    assert sequence_tables.cost_table(rrmm_base) in text
    assert sequence_tables.difference_text(rrmm_spec) in text


def test_car_t_then_bispecific_is_one_time_car_t_with_the_larger_bispecific_share(rrmm_spec, rrmm_base):
    """The sequence differs from one-time CAR-T only in the share of relapses starting a bispecific:
    one-time CAR-T given the sequence's share has the sequence's costs, QALYs and LYs."""

    share = {p.name: p.value for p in rrmm_spec.parameters}["p_bsab_after_cart"]
    same = run_model(rrmm_spec.with_parameters({"w_bsab_after_cart_relapse": share}))
    for name in ("total_costs", "qalys", "lys"):
        assert _value(same, name, CART) == pytest.approx(_value(rrmm_base, name, SEQ_CART_BSAB), rel=1e-9)
    assert _value(rrmm_base, "qalys", CART) != pytest.approx(_value(rrmm_base, "qalys", SEQ_CART_BSAB), rel=1e-3)


def test_every_cost_category_has_a_perspective(rrmm_base):
    assert {str(c) for c in rrmm_base["costs"]["category"].values} == set(CATEGORY_PERSPECTIVE)
