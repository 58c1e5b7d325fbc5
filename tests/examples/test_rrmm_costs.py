"""Cost and price inputs of the RRMM example (issue 13 review): the teclistamab price and the
price that decides the primary pair, the bispecific salvage share after CAR-T relapse, the
adverse-event admissions on physician's choice, the red-cell tariff and the PAID bands.

Reference values are worked by hand from the published numbers (or from the model's own trace
for the wiring), never read back from the expressions under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from hecon.engine.run import run_model
from hecon.examples.rrmm import tec_price
from hecon.examples.rrmm.strategies import BSAB, CART, RWPC
from hecon.examples.rrmm.unrelated_costs import BANDS
from hecon.model.scenarios import apply_scenario, get_scenario

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _source(spec, name: str) -> str:
    return spec.parameter(name).source


def test_teclistamab_price_is_the_swiss_list_price_in_euros_with_both_alternatives(rrmm_spec):
    """CHF 943.95 per 30 mg vial / 30 mg = CHF 31.465 per mg; / 0.9526 CHF per EUR = EUR 33.03 per mg.
    ZIN's > 40% cut: 0.6 x 33.03 = 19.818; the US launch price about EUR 70 per mg."""
    p = rrmm_spec.parameter("tec_price_per_mg")
    assert p.value == 33.03
    assert (p.dsa_low, p.dsa_high) == (19.82, 70.0)
    source = _source(rrmm_spec, "tec_price_per_mg")
    assert source.startswith("G: ") and "compendium.ch" in source and "CHF 943.95" in source
    assert "not found" in source and "decides the primary pair" in source
    cut = get_scenario(rrmm_spec, "Teclistamab price -40%").overrides["tec_price_per_mg"]
    us = get_scenario(rrmm_spec, "Teclistamab price: US list price").overrides["tec_price_per_mg"]
    assert (cut, us) == (19.82, 70.0)
    # the gap list and mm-inputs show the value used
    gaps = (DOCS / "rrmm.md").read_text(encoding="utf-8")
    assert "€33.03/mg" in gaps and "(€19.82/mg)" in gaps and "about €70/mg" in gaps
    assert "€33.03/mg" in (DOCS / "mm-inputs.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def price_runs(rrmm_spec):
    """State-transition runs at the base-case price and at ZIN's cut."""
    cut = apply_scenario(rrmm_spec, get_scenario(rrmm_spec, tec_price.CUT))
    return (rrmm_spec, run_model(rrmm_spec)), (cut, run_model(cut))


def test_at_the_threshold_price_car_t_against_the_bispecific_costs_the_willingness_to_pay(rrmm_spec, price_runs):
    """The threshold price from two runs (linear in the price) is checked by a third run at that price:
    CAR-T's ICER against the bispecific is then EUR 80,000 per QALY; a run at the US price lies on the
    same line. The price lies between ZIN's cut and the US price, so it decides the pair."""
    base, cut = price_runs
    p80 = tec_price.threshold_price(base, cut, 80_000.0)
    p50 = tec_price.threshold_price(base, cut, 50_000.0)
    assert p80 is not None and p50 is not None
    assert 19.82 < p80 < 70.0 and p80 < p50  # a lower WTP needs a dearer bispecific before CAR-T wins
    at = rrmm_spec.with_parameters({"tec_price_per_mg": p80})
    d_cost, d_qaly = tec_price.increments((at, run_model(at)))
    assert d_cost / d_qaly == pytest.approx(80_000.0, rel=1e-6)
    us = apply_scenario(rrmm_spec, get_scenario(rrmm_spec, tec_price.US))
    (c0, _), (c1, _) = tec_price.increments(base), tec_price.increments(cut)
    slope = (c1 - c0) / (19.82 - 33.03)
    assert tec_price.increments((us, run_model(us)))[0] == pytest.approx(c0 + slope * (70.0 - 33.03), rel=1e-9)
    # the bispecific is the better buy at the base-case price (its price is below the threshold)
    assert d_cost > 0 and tec_price.increments(base)[0] / tec_price.increments(base)[1] > 80_000.0


def test_bispecific_salvage_share_after_car_t_relapse_is_van_oekelens_35_of_79_everywhere(rrmm_spec):
    """35 of 79 relapsing after BCMA CAR-T got a T-cell-engaging salvage (Van Oekelen 2023): 44.3%;
    workbook, mm-inputs §13 and docs/rrmm.md give that value, not the unsourced 40%."""
    p = rrmm_spec.parameter("w_bsab_after_cart_relapse")
    assert p.value == pytest.approx(0.443038, abs=1e-6)
    assert p.distribution is not None and p.distribution.args == {"alpha": 35, "beta": 44}
    assert "Van Oekelen" in p.source and "35 of 79" in p.source
    mm = (DOCS / "mm-inputs.md").read_text(encoding="utf-8")
    row = next(line for line in mm.splitlines() if line.startswith("| Bispecific share of the salvage after CAR-T"))
    assert "35/79 = 44.3%" in row and "| 40%" not in row
    assert "35/79" in (DOCS / "rrmm.md").read_text(encoding="utf-8")


def test_physicians_choice_adverse_events_are_admissions_on_every_rwpc_regimen(rrmm_spec, rrmm_base):
    """LocoMMotion: grade 3/4 TEAEs in 52.8% of 248 (131/248) over the index line. Spread over the
    mean time on the line (1 / PFS rate), each an admission of 5 days: per cycle on a regimen
    131/248 x rate x (7 / 30.4375) admissions. With the RWPC strategy's undiscounted trace the hospital
    days are that x 5 x (time progression-free on RWPC + 61.3% x time progressed), summed over cycles
    (RWPC had no other hospital days)."""
    rate = float(rrmm_spec.parameter("pfs_rwpc_exp_rate").value)
    per_cycle = 131 / 248 * rate * 7 / 30.4375
    trace = rrmm_base["trace"].sel(strategy=RWPC)
    on_regimen = float(trace.sel(state="PF_RWPC").sum()) + 0.613 * float(trace.sel(state="PD_RWPC").sum())
    counts = rrmm_base.sel(strategy=RWPC).isel(sample=0)
    days = float(counts["counts_undiscounted"].sel(count="hospital_days"))
    assert days == pytest.approx(per_cycle * 5.0 * on_regimen, rel=0.01)  # trapezoid vs sum of the trace
    assert 4.0 < days < 8.0
    costs = rrmm_base["costs"].isel(sample=0)
    assert float(costs.sel(strategy=RWPC, category="adverse_events")) > 0
    # every RWPC adverse-event cost comes from the LocoMMotion share
    none = rrmm_spec.with_parameters({"p_ae_g34_rwpc": 0.0})
    r0 = run_model(none)
    assert float(r0["costs"].isel(sample=0).sel(strategy=RWPC, category="adverse_events")) == 0.0
    assert float(r0["counts_undiscounted"].sel(strategy=RWPC, count="hospital_days").isel(sample=0)) == 0.0
    for s in (CART, BSAB):  # bridging and later lines on physician's-choice regimens carry them too
        assert float(costs.sel(strategy=s, category="adverse_events")) > float(
            r0["costs"].isel(sample=0).sel(strategy=s, category="adverse_events")
        )


def test_red_cell_unit_is_sanquins_2023_tariff_indexed_to_2024(rrmm_spec):
    """EUR 264 (2023) x CPI 2024 / 2023; CBS: 2023 = 793.0 x 1.038 = 823.1, 2024 = 823.1 x 1.033 = 850.3."""
    assert rrmm_spec.parameter("c_rbc_unit_2023").value == 264.0
    assert rrmm_spec.parameter("cpi_2023").value == pytest.approx(793.0 * 1.038, abs=0.05)
    assert rrmm_spec.parameter("cpi_2024").value == pytest.approx(823.1 * 1.033, abs=0.05)
    assert rrmm_spec.parameter("c_rbc_unit").value == "c_rbc_unit_2023 * cpi_2024 / cpi_2023"
    assert _source(rrmm_spec, "c_rbc_unit_2023").startswith("V: ") and "Staatscourant" in _source(
        rrmm_spec, "c_rbc_unit_2023"
    )
    assert _source(rrmm_spec, "c_platelet_unit").startswith("G: ")


def test_paid_bands_say_why_they_are_gaps_and_the_docs_list_the_values_used(rrmm_spec):
    docs = (DOCS / "rrmm.md").read_text(encoding="utf-8")
    gap = next(line for line in docs.splitlines() if line.startswith("- **Unrelated medical costs**"))
    for name, value, _ages in BANDS:
        assert rrmm_spec.parameter(name).value == value
        assert f"`{name}` €{value:,.0f}" in gap
        source = _source(rrmm_spec, name)
        assert source.startswith("G: ") and "could not be run" in source and "No unrelated medical costs" in source
    assert get_scenario(rrmm_spec, "No unrelated medical costs").overrides == {n: 0.0 for n, _, _ in BANDS}


def test_docs_price_block_shows_the_runs_threshold_price_and_says_it_decides_the_pair(price_runs):
    """The generated text gives the state-transition threshold price at EUR 80,000 per QALY of a fresh
    run, and says the price decides the pair (it lies between ZIN's cut and the US price)."""
    docs = (DOCS / "rrmm.md").read_text(encoding="utf-8")
    start = docs.index("<!-- generated: tec_price_text")
    text = docs[start : docs.index("<!-- end generated -->", start)]
    p80 = tec_price.threshold_price(*price_runs, 80_000.0)
    assert p80 is not None and f"EUR {p80:,.2f}" in text
    assert "**the teclistamab price decides the primary pair**" in text
