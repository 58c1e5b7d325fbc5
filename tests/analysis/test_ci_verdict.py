"""The report's verdict of a published point as a check of the model (hecon.analysis.model_survival.ci_verdict):
hand-worked cases, and the verdicts the RRMM example's report gives its held-out points.

Reference values: the CIs are the published ones (CARTITUDE-1 OS(12) 88.5%, 80.2-93.5%, Madduri ASH 2020; median
OS 60.7 months, 41.9-not estimable, Jagannath JCO 2025); the model values are hand-picked on either side.
"""

from __future__ import annotations

import pytest

from hecon.analysis.landmarks import FITTED, HELD_OUT, NOT_STATED_FIT
from hecon.analysis.model_survival import (
    NO_CI,
    NO_MODEL_VALUE,
    NOT_A_CHECK,
    OUTSIDE_CI,
    WITHIN_CI,
    ci_verdict,
    survival_summary,
)


@pytest.mark.parametrize(
    ("fit", "model", "lower", "upper", "expected"),
    [
        (HELD_OUT, 0.894, 0.802, 0.935, WITHIN_CI),
        (HELD_OUT, 0.802, 0.802, 0.935, WITHIN_CI),  # the limits belong to the interval
        (HELD_OUT, 0.95, 0.802, 0.935, OUTSIDE_CI),
        (HELD_OUT, 0.70, 0.802, 0.935, OUTSIDE_CI),
        (HELD_OUT, 52.5, 41.9, None, WITHIN_CI),  # upper limit not estimable: open above
        (HELD_OUT, 40.0, 41.9, None, OUTSIDE_CI),
        (HELD_OUT, 0.3, None, 0.2, OUTSIDE_CI),
        (HELD_OUT, 23.9, None, None, NO_CI),
        (HELD_OUT, None, 0.802, 0.935, NO_MODEL_VALUE),
        (FITTED, 0.894, 0.802, 0.935, NOT_A_CHECK),
        (NOT_STATED_FIT, 0.894, 0.802, 0.935, NOT_STATED_FIT),
    ],
)
def test_ci_verdict(fit, model, lower, upper, expected):
    assert ci_verdict(fit, model, lower, upper) == expected


def test_the_rrmm_report_gives_every_held_out_point_a_verdict(rrmm_spec, rrmm_base):
    """CARTITUDE-1's OS(12) is held out of the state-transition version and within its CI (the model's infused
    patients from infusion); every held-out point has a verdict, every fitted point says it is no check."""
    trace = rrmm_base["trace"]
    summary = survival_summary(trace, rrmm_spec, [str(s) for s in trace["strategy"].values])
    for lm in summary.landmarks:
        if lm.fit == HELD_OUT:
            assert lm.verdict in (WITHIN_CI, OUTSIDE_CI, NO_CI, NO_MODEL_VALUE), lm.what
            if lm.verdict in (WITHIN_CI, OUTSIDE_CI):
                assert (lm.verdict == WITHIN_CI) == (
                    (lm.lower is None or lm.model >= lm.lower) and (lm.upper is None or lm.model <= lm.upper)
                )
        elif lm.fit == FITTED:
            assert lm.verdict == NOT_A_CHECK
    os12 = [lm for lm in summary.landmarks if lm.what == "OS at 12 months" and lm.source == pytest.approx(0.885)]
    assert len(os12) == 1 and os12[0].fit == HELD_OUT and os12[0].verdict == WITHIN_CI
