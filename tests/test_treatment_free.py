"""Treatment-free survival (hecon.analysis.treatment_free; Regan et al., J Clin Oncol
2019;37:3350) against closed forms of a three-state chain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.analysis.treatment_free import first_treatment_free_spec, tfs_categories, treatment_flags
from hecon.model.spec import State
from tests.models import full_model, with_settings
from tests.test_qtwist import PROBS, _closed_form, three_state_model


def tfs_model():
    """The three-state chain Tox -> TWiST -> Rel -> Dead with therapy flags: anti-cancer therapy
    in Tox; hospital-based therapy in Tox and after progression (Rel)."""
    spec = three_state_model()
    states = (
        State("Tox", 0.5, flags=frozenset({"on_treatment", "on_hospital_therapy", "tox", "progression_free"})),
        State("TWiST", 1.0, flags=frozenset({"progression_free"})),
        State("Rel", 0.5, flags=frozenset({"on_hospital_therapy"})),
        spec.states[-1],
    )
    return replace(spec, states=states)


def test_categories_follow_the_declared_flags():
    spec = tfs_model()
    assert treatment_flags(spec) == ("on_treatment", "on_hospital_therapy")
    assert tfs_categories(spec, "on_treatment") == {
        "Tox": "on_treatment",
        "TWiST": "treatment_free",
        "Rel": "after_progression",
        "Dead": "dead",
    }
    assert tfs_categories(spec, "on_hospital_therapy")["Rel"] == "on_treatment"
    absorbing = first_treatment_free_spec(spec, "on_treatment")
    assert [t.probability for t in absorbing.transitions if t.from_state == "TWiST"] == [1.0]


def test_restricted_means_equal_closed_form_at_12_to_60_months():
    tfs = summarise_run(run_analysis(tfs_model())).treatment_free
    assert tfs is not None and tfs.horizons_months == (12, 24, 36, 60)
    anti, hospital = tfs.variants
    assert (anti.label, hospital.label) == ("free of treatment", "free of hospital therapy")
    for s, probs in PROBS.items():
        for months in (12, 24, 36, 60):
            tox, twist, rel = _closed_form(*probs, months // 12)
            m = anti.restricted_means[s][months]
            assert (m["on_treatment"], m["treatment_free"], m["after_progression"]) == pytest.approx(
                (tox, twist, rel), abs=1e-12
            )
            # the stacked areas add up to the restricted mean survival
            assert m["on_treatment"] + m["treatment_free"] + m["after_progression"] == pytest.approx(
                m["alive"], abs=1e-12
            )
            assert m["treatment_free_with_toxicity"] == 0.0  # Tox is on treatment, not treatment-free
            h = hospital.restricted_means[s][months]
            assert (h["on_treatment"], h["treatment_free"], h["after_progression"]) == pytest.approx(
                (tox + rel, twist, 0.0), abs=1e-12
            )
    # by hand, 12 months of A: on treatment (1 + 0.3) / 2, treatment-free 0.7 / 2, after progression 0
    m = anti.restricted_means["A"][12]
    assert (m["on_treatment"], m["treatment_free"], m["after_progression"]) == pytest.approx((0.65, 0.35, 0.0))


def test_time_to_first_treatment_free_cycle_is_a_curve():
    tfs = summarise_run(run_analysis(tfs_model())).treatment_free
    anti, hospital = tfs.variants
    for s, (pt, _, _) in PROBS.items():
        first = anti.first[s]
        # TWiST is reached by everyone who leaves Tox: 1 - pt^k by year k
        assert first.curve == pytest.approx([1 - pt**k for k in range(11)], abs=1e-12)
        assert first.share_ever == pytest.approx(1 - pt**10, abs=1e-12)
    # median, linear between trace points: A reaches 0.7 at 1 year, B 0.4 at 1 and 0.64 at 2 years
    assert anti.first["A"].median_years == pytest.approx(0.5 / 0.7)
    assert anti.first["B"].median_years == pytest.approx(1 + 0.1 / 0.24)
    # free of hospital therapy: the same treatment-free state, so the same first-passage curve
    assert hospital.first["B"].curve == pytest.approx(anti.first["B"].curve, abs=1e-12)


def test_horizons_within_the_model_and_no_first_passage_without_flow():
    from tests.models import both_structures_model, two_state_model

    assert summarise_run(run_analysis(two_state_model())).treatment_free is None  # no on_ flag
    short = summarise_run(run_analysis(with_settings(tfs_model(), horizon_years=2))).treatment_free
    assert short.horizons_months == (12, 24)
    spec = with_settings(both_structures_model(), structure="partitioned_survival")
    assert first_treatment_free_spec(spec, "on_treatment") is None
    # the full test model: restricted means at 12..60 months within its 15-year horizon
    tfs = summarise_run(run_analysis(full_model())).treatment_free
    assert tfs.horizons_months == (12, 24, 36, 60)


def test_recovery_is_treatment_free_but_not_a_first_treatment_free_day():
    """A treatment-free state with a toxicity flag (recovering) counts in TFS (with toxicity), but
    the first treatment-free day is the first day free of treatment and toxicity: the first
    passage into TWiST, 1 - pt^k by year k."""
    spec = tfs_model()
    flags = ({"recovering", "progression_free"}, {"progression_free"}, {"on_treatment"})
    states = tuple(replace(st, flags=frozenset(f)) for st, f in zip(spec.states, flags)) + spec.states[3:]
    (v,) = summarise_run(run_analysis(replace(spec, states=states))).treatment_free.variants
    assert dict(v.states) == {"Tox": "treatment_free", "TWiST": "treatment_free", "Rel": "on_treatment", "Dead": "dead"}
    pt = PROBS["A"][0]
    tox, twist, rel = _closed_form(*PROBS["A"], 1)
    m = v.restricted_means["A"][12]
    assert (m["treatment_free_with_toxicity"], m["treatment_free"]) == pytest.approx((tox, tox + twist), abs=1e-12)
    assert v.first["A"].curve == pytest.approx([1 - pt**k for k in range(11)], abs=1e-12)
