"""The teclistamab-versus-RWPC decomposition of docs/rrmm.md (hecon.examples.rrmm.tec_decomposition):
its price cut, checked by re-running the model at the cut price."""

from __future__ import annotations

import pytest

from hecon.engine.run import run_model
from hecon.examples.rrmm import BSAB, RWPC
from hecon.examples.rrmm.doc_tables import TEC_PRICE_CUT
from hecon.examples.rrmm.tec_decomposition import LAMBDA, PRICE, decomposition
from hecon.model.scenarios import apply_scenario


def _icer(results) -> float:
    def v(name, s):
        return float(results[name].sel(strategy=s).isel(sample=0))

    return (v("total_costs", BSAB) - v("total_costs", RWPC)) / (v("qalys", BSAB) - v("qalys", RWPC))


def test_the_cut_it_reports_gives_the_threshold_icer_when_run(rrmm_spec, rrmm_base):
    cut_spec = apply_scenario(rrmm_spec, next(s for s in rrmm_spec.scenarios if s.name == TEC_PRICE_CUT))
    d = decomposition((rrmm_spec, rrmm_base), (cut_spec, run_model(cut_spec)))
    price = {p.name: p.value for p in rrmm_spec.parameters}[PRICE]
    # the categories add up to the total increment
    assert sum(d["by_category"].values()) == pytest.approx(d["d_cost"])
    # a run at the price cut by the reported share has an ICER of LAMBDA (costs are linear in the price)
    at_cut = run_model(rrmm_spec.with_parameters({PRICE: price * (1 - d["cut_needed"])}))
    assert _icer(at_cut) == pytest.approx(LAMBDA, rel=1e-6)
    # the product cost is what a free product saves
    free = run_model(rrmm_spec.with_parameters({PRICE: 0.0}))
    saved = float(rrmm_base["total_costs"].sel(strategy=BSAB).isel(sample=0)) - float(
        free["total_costs"].sel(strategy=BSAB).isel(sample=0)
    )
    assert d["product"] == pytest.approx(saved, rel=1e-6)
