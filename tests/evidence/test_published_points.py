"""Published survival points -> Guyot's inputs -> reconstructed patients -> a fitted curve
(hecon.evidence.published_points).

The round trip starts from a known Weibull, S(t) = exp(-(t/20)^1.3) [months], with 300 patients
recruited uniformly over 60 months and analysed at 60 months, so that the probability of still
being followed at t is 1 - t/60 and the expected number at risk is 300 S(t) (1 - t/60). A paper
would print S(t) to three decimals at landmarks and the numbers at risk rounded to patients;
the fitted Weibull's median is compared with the closed form 20 (ln 2)^(1/1.3) = 15.086 months.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.evidence.fit import fit_survival
from hecon.evidence.guyot import reconstruct_ipd
from hecon.evidence.ipd import arm_data
from hecon.evidence.published_points import GRID_STEPS, guyot_inputs, select_points
from hecon.model.problems import ModelError
from hecon.model.spec import SurvivalPoint

S = SurvivalPoint
SHAPE, SCALE, N = 1.3, 20.0, 300
TRUE_MEDIAN = SCALE * math.log(2) ** (1 / SHAPE)


def weibull(t: float) -> float:
    return math.exp(-((t / SCALE) ** SHAPE))


def published(step: float) -> list[SurvivalPoint]:
    """Survival every ``step`` months to 36, numbers at risk at 0 and every 6 months."""
    times = np.arange(step, 36 + 1e-9, step)
    points = [S("A", "PFS", "survival", float(t), round(weibull(t), 3)) for t in times]
    risk_times = [0.0] + [float(t) for t in times if t % 6 == 0]
    return points + [S("A", "PFS", "at_risk", t, round(N * weibull(t) * (1 - t / 60))) for t in risk_times]


@pytest.mark.parametrize("step, tolerance", [(3.0, 0.01), (6.0, 0.025)])
def test_points_of_a_known_weibull_fit_back_to_its_median(step, tolerance):
    points = published(step)
    curve, at_risk = guyot_inputs(points, select_points(points, "A", "PFS"), time_unit="months")
    ipd = reconstruct_ipd(curve, at_risk)
    assert ipd.time.size == N
    fit = fit_survival(arm_data(ipd.time, ipd.event), "weibull", time_unit="months")
    assert fit.converged
    shape, scale = fit.estimates["shape"], fit.estimates["scale"]
    median = scale * math.log(2) ** (1 / shape)
    assert median == pytest.approx(TRUE_MEDIAN, rel=tolerance)
    assert shape == pytest.approx(SHAPE, rel=0.05 if step == 3.0 else 0.1)


def test_between_points_the_hazard_is_constant():
    points = [S("A", "OS", "survival", 12.0, 0.8), S("A", "OS", "median", None, 24.0), S("A", "OS", "at_risk", 0, 50)]
    curve, at_risk = guyot_inputs(points, [0, 1, 2], time_unit="months")
    assert curve.time.size == 1 + 2 * GRID_STEPS
    knots = {float(t): float(s) for t, s in zip(curve.time, curve.survival) if t in (0.0, 12.0, 24.0)}
    assert knots == {0.0: 1.0, 12.0: pytest.approx(0.8), 24.0: pytest.approx(0.5)}
    middle = int(np.argmin(abs(curve.time - 18.0)))
    assert curve.time[middle] == pytest.approx(18.0)
    assert curve.survival[middle] == pytest.approx(math.sqrt(0.8 * 0.5), rel=1e-12)  # exp-linear: geometric mean
    assert (at_risk.time.tolist(), at_risk.n_risk.tolist()) == ([0.0], [50.0])
    assert str(curve.where[-1]) == "survival point 2, value" and str(at_risk.where[0]) == "survival point 3, value"


def test_times_are_converted_to_the_unit_asked_for():
    points = [S("A", "OS", "median", None, 52.0, time_unit="weeks"), S("A", "OS", "at_risk", 0.0, 10)]
    curve, _ = guyot_inputs(points, [0, 1], time_unit="months")
    assert curve.time[-1] == pytest.approx(52 * 7 / (365.25 / 12), rel=1e-12)


def test_select_points_by_strategy_endpoint_and_population():
    points = [
        S("A", "OS", "median", None, 10.0, population="ITT"),
        S("A", "OS", "median", None, 12.0, population="Per protocol"),
        S("A", "PFS", "median", None, 5.0, population="ITT"),
        S("B", "OS", "median", None, 9.0, population="ITT"),
    ]
    assert select_points(points, "A", "OS", "itt") == [0]
    with pytest.raises(ModelError) as e:
        select_points(points, "A", "OS")
    assert str(e.value) == (
        "survival points of strategy 'A', OS: they describe 2 populations: 'ITT', 'Per protocol'; "
        "expected the population to fit"
    )
    with pytest.raises(ModelError, match="there are none"):
        select_points(points, "B", "PFS")
    with pytest.raises(ModelError, match="none describes the population 'Safety'; expected one of 'ITT', 'Per"):
        select_points(points, "A", "OS", "Safety")


def test_points_that_cannot_be_a_curve_are_reported_where_they_are():
    rising = [
        S("A", "OS", "survival", 6.0, 0.7),
        S("A", "OS", "survival", 12.0, 0.75),
        S("A", "OS", "median", None, 9.0),
    ]
    with pytest.raises(ModelError) as e:
        guyot_inputs(rising, [0, 1, 2], time_unit="months")
    assert [str(p) for p in e.value.problems] == [
        "survival points to fit: no number at risk; expected the number at risk at time 0 (the number of patients)",
        "survival point 2, value: survival 0.75 at 12 months is above 0.5 at 9 months (survival point 3, value): the points rise "
        "over time; expected survival points and medians that never rise over time",
    ]
    late = [S("A", "OS", "survival", 6.0, 0.7), S("A", "OS", "at_risk", 0.0, 40), S("A", "OS", "at_risk", 12.0, 10)]
    curve, at_risk = guyot_inputs(late, [0, 1, 2], time_unit="months")
    with pytest.raises(ModelError) as e:
        reconstruct_ipd(curve, at_risk)
    assert str(e.value).startswith(
        "survival point 3, value: time 12 is after the end of the curve, 6 (survival point 1"
    )
    with pytest.raises(ModelError, match="survival point 1, value: survival 70 is outside"):
        guyot_inputs([S("A", "OS", "survival", 6.0, 70.0)], [0], time_unit="months")
