"""The cilta-cel cure plateau in the PSA: the bootstrap refits of hecon/data/rrmm_cilta_cure_bootstrap.csv
are reproducible from their generator, they are the model's empirical groups, the drawn 5-year PFS agrees
with CARTITUDE-1's 32/97, and docs/rrmm.md shows the plateau table as a fresh run prints it.

Independent references: the binomial standard error of 32/97, sqrt(p (1 - p) / 97); the exact
(Clopper-Pearson) CI from scipy's beta quantiles written out here; 5-year PFS of each refit from the
Weibull mixture cure formula written out here.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from hecon.evidence.bootstrap import bootstrap_fit, resample
from hecon.evidence.cure_given import fit_uncured_given_cure_fraction
from hecon.evidence.ipd import arm_data
from hecon.examples.rrmm import CART, rrmm_model
from hecon.examples.rrmm.bootstrap_draws import N_BOOT, SEED, cure_draws
from hecon.examples.rrmm.fitted import CURE_GROUP, TIME_UNIT, cure_names, reconstructed

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rrmm.md"
P60 = 32 / 97


@pytest.fixture(scope="module")
def spec():
    return rrmm_model()


def test_stored_refits_are_the_generators():
    """The first three replicates refitted now equal the stored rows (10 significant digits): PFS's cure
    fit on resample b, OS's uncured Weibull on the same resample b of the OS patients at PFS's theta_b."""
    fits = bootstrap_fit(reconstructed(CART, "PFS"), "weibull", cure=True, n_boot=3, seed=SEED, time_unit=TIME_UNIT)
    pfs, os_ = cure_draws("pfs_cilta"), cure_draws("os_cilta")
    data = reconstructed(CART, "OS")
    for b in range(3):
        assert fits.draws[b] == pytest.approx([pfs[p][b] for p in ("theta", "shape", "scale")], rel=1e-7, abs=1e-9)
        i = resample(data.n, SEED, b)
        one = fit_uncured_given_cure_fraction(
            arm_data(data.time[i], data.event[i]), "weibull", pfs["theta"][b], time_unit=TIME_UNIT
        )
        assert os_["theta"][b] == pfs["theta"][b]
        assert [one.estimates["shape"], one.estimates["scale"]] == pytest.approx(
            [os_["shape"][b], os_["scale"][b]], rel=1e-7
        )


def test_the_model_draws_the_refits_as_one_group(spec):
    """PFS's theta, shape, scale and OS's shape, scale are one empirical group (row b together); OS's cure
    fraction is PFS's."""
    params = {p.name: p for p in spec.parameters}
    for prefix in ("pfs_cilta", "os_cilta"):
        stored = cure_draws(prefix)
        for p, name in cure_names(prefix).items():
            dist = params[name].distribution
            assert dist.kind == "empirical" and dist.group == CURE_GROUP
            assert dist.draws == stored[p] and len(dist.draws) == N_BOOT
    assert cure_names("os_cilta")["theta"] == cure_names("pfs_cilta")["theta"]
    theta = np.array(cure_draws("pfs_cilta")["theta"])
    assert np.all((theta >= 0) & (theta <= 1)) and np.any(theta == 0)  # refits at the boundary kept as 0


def test_refits_5_year_pfs_agrees_with_32_of_97():
    """Each refit's S(60) = theta + (1 - theta) exp(-(60 / scale)^shape): its spread is that of the
    data's crude share (binomial SE of 32/97, within 25%), it is centred on 32/97, and few refits
    lie above 0.45 or outside the exact 95% CI."""
    d = {k: np.array(v) for k, v in cure_draws("pfs_cilta").items()}
    s60 = d["theta"] + (1 - d["theta"]) * np.exp(-((60.0 / d["scale"]) ** d["shape"]))
    se = math.sqrt(P60 * (1 - P60) / 97)
    assert float(np.std(s60)) == pytest.approx(se, rel=0.25)
    assert float(np.mean(s60)) == pytest.approx(P60, abs=0.03)
    assert np.mean(s60 > 0.45) < 0.05
    low, high = stats.beta.ppf(0.025, 32, 66), stats.beta.ppf(0.975, 33, 65)
    assert np.mean((s60 >= low) & (s60 <= high)) > 0.9


def test_binomial_ci_is_clopper_pearson():
    from hecon.examples.rrmm.plateau_psa import binomial_ci

    low, high = binomial_ci()
    # P(X >= 32 | p = low) = 0.025 and P(X <= 32 | p = high) = 0.025 for X ~ Binomial(97, p)
    assert stats.binom.sf(31, 97, low) == pytest.approx(0.025, rel=1e-6)
    assert stats.binom.cdf(32, 97, high) == pytest.approx(0.025, rel=1e-6)


def test_docs_show_the_plateau_table_of_a_fresh_run(spec):
    from hecon.analysis.structure import other_structure
    from hecon.examples.rrmm.plateau_psa import plateau_table

    other = other_structure(spec)
    assert other is not None
    assert plateau_table(spec, other) in DOCS.read_text(encoding="utf-8")


def test_evppi_names_the_cure_group_and_why_it_is_not_estimated(spec):
    """The empirical group (PFS's and OS's five parameters, drawn together) is one EVPPI input; a tensor-product
    GAM takes at most four parameters, so it is listed with the reason instead of an estimate."""
    from hecon.analysis.evppi import evppi_inputs

    groups = {i.name: i for i in evppi_inputs(spec) if i.kind == "group"}
    group = groups[CURE_GROUP]
    names = {*cure_names("pfs_cilta").values(), *cure_names("os_cilta").values()}
    assert set(group.parameters) == names and len(names) == 5
    assert "5 parameters" in group.skip


def test_the_plateau_table_samples_are_those_of_the_decision_psa(spec):
    """The plateau table's "both" row is the decision PSA's one-time CAR-T row (same samples and seed)."""
    from hecon.analysis.structure import other_structure
    from hecon.examples.rrmm import CART
    from hecon.examples.rrmm.plateau_psa import plateau_rows
    from hecon.examples.rrmm.psa_tables import decision_psa

    other = other_structure(spec)
    both = plateau_rows(spec, 20)[-1]
    summary = decision_psa(spec, other, 20, spec.settings.seed)["ST"]
    inc = next(i for i in summary.incremental if i.strategy == CART)
    assert both["costs"] == pytest.approx(inc.incremental_cost.mean, rel=1e-9)
    assert both["qalys"] == pytest.approx(inc.incremental_qalys.mean, rel=1e-9)
