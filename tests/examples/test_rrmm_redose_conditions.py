"""What would have to be true for re-dosing to be cost-effective (hecon.examples.rrmm.redose_conditions):
the highest price share it reports, checked by re-running the model at that share."""

from __future__ import annotations

import pytest

from hecon.engine.run import run_model
from hecon.examples.rrmm import CART, REDOSE
from hecon.examples.rrmm.redose_conditions import ALL_REMOVED, BEST_HR, variation


def test_at_the_reported_price_share_re_dosing_has_the_threshold_icer(rrmm_spec):
    values = {**ALL_REMOVED, "hr_redose": BEST_HR}
    v = variation(rrmm_spec, values)
    assert v["d_qalys"] > 0
    share = v["shares"][80_000.0]
    assert share is not None
    r = run_model(rrmm_spec.with_parameters({**values, "redose_price_share": share})).isel(sample=0)
    d_cost = float(r["total_costs"].sel(strategy=REDOSE) - r["total_costs"].sel(strategy=CART))
    d_qaly = float(r["qalys"].sel(strategy=REDOSE) - r["qalys"].sel(strategy=CART))
    assert d_qaly == pytest.approx(v["d_qalys"])  # the price does not change QALYs
    assert d_cost / d_qaly == pytest.approx(80_000.0, rel=1e-6)


def test_docs_show_the_conditions_table_of_a_fresh_run(rrmm_spec):
    from pathlib import Path

    from hecon.examples.rrmm.redose_conditions import conditions_table

    docs = (Path(__file__).resolve().parents[2] / "docs" / "rrmm.md").read_text(encoding="utf-8")
    assert conditions_table(rrmm_spec) in docs
