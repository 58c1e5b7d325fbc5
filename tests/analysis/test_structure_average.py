"""The PSA averaged over the model structures (hecon.analysis.structure_average): pooled samples
with stated weights, checked against hand-worked samples."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import xarray as xr

from hecon.analysis.psa_summary import summarise_psa
from hecon.analysis.structure_average import pool_psa, pooled_counts, structure_weights
from hecon.model.problems import ModelError
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION, Settings


def _psa(costs: list[list[float]], qalys: list[list[float]], strategies: list[str]) -> xr.Dataset:
    c, q = np.asarray(costs, dtype=float), np.asarray(qalys, dtype=float)
    data = {
        name: (("sample", "strategy"), x)
        for name, x in (
            ("total_costs", c),
            ("total_costs_undiscounted", c),
            ("qalys", q),
            ("qalys_undiscounted", q),
            ("lys", q),
            ("lys_undiscounted", q),
        )
    }
    n = c.shape[0]
    data["parameters"] = (("sample", "parameter"), np.arange(n, dtype=float)[:, None])
    return xr.Dataset(
        data, coords={"strategy": strategies, "parameter": ["p"], "sample": np.arange(n)}, attrs={"seed": 3}
    )


# Hand-worked: 4 samples per structure, strategies A (comparator) and B. At WTP 10,000 B has the
# higher NMB where 10,000 dQ - dC > 0.
#   ST: dC = 1000, 1000, 1000, 1000; dQ = 0.2, 0.05, 0.2, 0.05 -> B wins in samples 1, 3: CEAC_B 0.5
#   PS: dC = 1000 each;              dQ = 0.2, 0.2, 0.2, 0.05 -> B wins in 3 of 4:         CEAC_B 0.75
ST = _psa([[0, 1000]] * 4, [[1, 1.2], [1, 1.05], [1, 1.2], [1, 1.05]], ["A", "B"])
PS = _psa([[0, 1000]] * 4, [[1, 1.2], [1, 1.2], [1, 1.2], [1, 1.05]], ["A", "B"])


def _summary(ds: xr.Dataset):
    return summarise_psa(ds, "A", [10_000.0], 10_000.0)


def test_equal_weights_pool_every_sample_and_the_ceac_is_the_average_of_the_two():
    pooled = pool_psa(
        {STATE_TRANSITION: ST, PARTITIONED_SURVIVAL: PS}, {STATE_TRANSITION: 0.5, PARTITIONED_SURVIVAL: 0.5}
    )
    assert pooled.sizes["sample"] == 8
    assert list(pooled["structure"].values) == [STATE_TRANSITION] * 4 + [PARTITIONED_SURVIVAL] * 4
    at = _summary(pooled).at(10_000.0)
    assert at.ceac["B"] == pytest.approx(0.5 * 0.5 + 0.5 * 0.75)  # 0.625, by hand
    # the means (and so the ICER of the means) are the weighted means: dQ = (0.5 + 0.65) / 8 ...
    mean_dq = (0.2 + 0.05 + 0.2 + 0.05 + 0.2 + 0.2 + 0.2 + 0.05) / 8
    inc = _summary(pooled).incremental[0]
    assert inc.incremental_qalys.mean == pytest.approx(mean_dq)
    assert inc.icer == pytest.approx(1000 / mean_dq)
    # EVPI by hand: E[max NMB] - max E[NMB]; NMB_A = 10,000; NMB_B = 10,000 x 1.2 - 1000 = 11,000
    # or 10,000 x 1.05 - 1000 = 9,500; B wins on average (mean 10,437.5): EVPI = mean of the
    # losses when A is better: (500 x 3) / 8
    assert at.evpi_per_patient == pytest.approx(1500 / 8)


def test_unequal_weights_take_the_weight_share_of_samples():
    weights = {STATE_TRANSITION: 0.25, PARTITIONED_SURVIVAL: 0.75}
    assert pooled_counts(weights, 4) == {STATE_TRANSITION: 1, PARTITIONED_SURVIVAL: 4}
    assert pooled_counts(weights, 1000) == {STATE_TRANSITION: 333, PARTITIONED_SURVIVAL: 1000}
    pooled = pool_psa({STATE_TRANSITION: ST, PARTITIONED_SURVIVAL: PS}, weights)
    # ST sample 1 (B wins) and the four PS samples (3 of 4): 4 / 5
    assert _summary(pooled).at(10_000.0).ceac["B"] == pytest.approx(4 / 5)


def test_a_zero_weight_leaves_that_structure_out():
    pooled = pool_psa(
        {STATE_TRANSITION: ST, PARTITIONED_SURVIVAL: PS}, {STATE_TRANSITION: 1.0, PARTITIONED_SURVIVAL: 0.0}
    )
    assert _summary(pooled).at(10_000.0).ceac["B"] == pytest.approx(0.5)
    assert set(pooled["structure"].values) == {STATE_TRANSITION}


def test_only_the_strategies_of_both_structures_are_pooled():
    wide = _psa([[0, 1000, 5]] * 4, [[1, 1.2, 0]] * 4, ["A", "B", "C"])
    pooled = pool_psa(
        {STATE_TRANSITION: wide, PARTITIONED_SURVIVAL: PS}, {STATE_TRANSITION: 0.5, PARTITIONED_SURVIVAL: 0.5}
    )
    assert list(pooled["strategy"].values) == ["A", "B"]


def test_a_variable_without_samples_is_not_copied_into_every_sample():
    """The mean trace (no sample dimension) stays out of the pool: concatenated along the samples
    it would be repeated per sample (2 GB for the example's 2,000 pooled samples)."""
    trace = xr.DataArray(np.ones((2, 3)), dims=("strategy", "cycle"), coords={"strategy": ["A", "B"]})
    st, ps = ST.assign(trace=trace), PS.assign(trace=trace)
    pooled = pool_psa(
        {STATE_TRANSITION: st, PARTITIONED_SURVIVAL: ps}, {STATE_TRANSITION: 0.5, PARTITIONED_SURVIVAL: 0.5}
    )
    assert "trace" not in pooled and all("sample" in pooled[v].dims for v in pooled.data_vars)
    assert _summary(pooled).at(10_000.0).ceac["B"] == pytest.approx(0.625)


def test_only_the_variables_the_summaries_read_are_pooled():
    """Costs by category (per sample), which the summaries do not read, stay out of the pool."""
    category = xr.DataArray(np.ones((4, 2, 3)), dims=("sample", "strategy", "category"))
    st, ps = ST.assign(costs=category), PS.assign(costs=category)
    weights = {STATE_TRANSITION: 0.5, PARTITIONED_SURVIVAL: 0.5}
    pooled = pool_psa({STATE_TRANSITION: st, PARTITIONED_SURVIVAL: ps}, weights)
    assert "costs" not in pooled and "total_costs" in pooled and "parameters" in pooled
    assert _summary(pooled).at(10_000.0).ceac["B"] == pytest.approx(0.625)  # as before, by hand


def test_the_setting_gives_the_weights_and_a_blank_is_co_primary():
    assert structure_weights(Settings()) == {STATE_TRANSITION: 0.5, PARTITIONED_SURVIVAL: 0.5}
    ps_first = Settings(structure=PARTITIONED_SURVIVAL, partitioned_survival_weight=0.8)
    weights = structure_weights(ps_first)
    assert list(weights) == [PARTITIONED_SURVIVAL, STATE_TRANSITION]
    assert weights[STATE_TRANSITION] == pytest.approx(0.2)
    with pytest.raises(ModelError, match="between 0 and 1"):
        structure_weights(replace(ps_first, partitioned_survival_weight=1.5))
