"""A model with both structures: the first screen quotes the PSA of both structures averaged (pooled
samples), so the main part's cost-effectiveness plane and CEAC show those samples and say so; each
structure's own figures follow in the appendix."""

from __future__ import annotations

import numpy as np
import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.report import decision
from hecon.report.figures import Figure
from hecon.report.first_screen import probability_sentence
from tests.models import both_structures_with_uncertainty


@pytest.fixture(scope="module")
def results():
    return summarise_run(run_analysis(both_structures_with_uncertainty(), psa_samples=200, seed=11, progress=False))


def test_the_main_ce_plane_and_ceac_show_the_averaged_psa_that_the_first_screen_quotes(results, monkeypatch):
    drawn: dict[bytes, object] = {}

    def keep(data):
        key = f"drawing {len(drawn)}".encode()
        drawn[key] = data
        return key

    monkeypatch.setattr(decision, "ceac_png", lambda curves, *a, **k: keep(curves))
    monkeypatch.setattr(decision, "ce_plane_png", lambda increments, *a, **k: keep(increments))
    section = decision.psa_section(results)
    pooled, own = results.psa_structures.summary, results.psa
    main = [b for b in section.blocks if isinstance(b, Figure)]
    assert [f.title for f in main] == [
        "Cost-effectiveness plane (both structures averaged)",
        "CEAC and CEAF (both structures averaged)",
    ]
    for f in main:
        assert f.caption.startswith("Both model structures averaged (state transition (Markov) 50% and partitioned ")
        assert "400 pooled samples), the PSA the first screen's probabilities come from." in f.caption
    plane, ceac = (drawn[f.png] for f in main)
    assert plane is pooled.incremental and ceac is pooled.curves
    # the CEAC drawn at the headline willingness to pay gives the first screen's probabilities
    wtp = results.headline.wtp
    i = int(np.argmin(np.abs(np.asarray(ceac.wtp) - wtp)))
    assert ceac.wtp[i] == wtp
    sentence = probability_sentence(results)
    assert "(PSA of both model structures averaged, 400 samples)" in sentence
    for name, values in ceac.ceac.items():
        assert f"{name} {100 * values[i]:.0f}%" in sentence
    assert own.curves.ceac != ceac.ceac  # the run's structure alone differs: it is not what is drawn
    # the run's structure alone: in the appendix, said so
    appendix = [b for b in section.detail.blocks if isinstance(b, Figure)]
    alone = [f for f in appendix if f.title in ("Cost-effectiveness plane", "CEAC and CEAF")]
    assert [drawn[f.png] for f in alone] == [own.incremental, own.curves]
    assert all(f.caption.startswith("State transition (Markov) version alone") for f in alone)
