"""Guyot et al. (2012) reconstruction: a hand-worked case, round trips from simulated patient
data, the clean-up of digitised points, and the checks of bad input.

Round trips: patients are simulated from a Weibull distribution with uniform censoring, their
Kaplan–Meier curve (hecon's, tested against R's survfit in test_kaplan_meier.py) is
"digitised" at 60 of its corners and its numbers at risk are taken every 3 months; the
reconstruction must reproduce the curve at the digitised points, the numbers at risk, and
the median of a Weibull fitted by maximum likelihood (the likelihood is written out here
and maximised with scipy, independently of hecon's fitting code).
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from scipy import optimize

from hecon.evidence import guyot
from hecon.evidence.guyot import DigitisedCurve, NumbersAtRisk, reconstruct_ipd
from hecon.evidence.kaplan_meier import kaplan_meier
from hecon.model.problems import ModelError

# ------------------------------------------------------------------------- by hand


def test_hand_worked_example():
    # 10 patients; the curve is 1, 0.8 at t=1, 0.6 at t=2, flat to t=3; 6 at risk at t=2.
    # Interval [0, 2): first guess of censored round(10 * 0.6 / 1 - 6) = 0. Walk: 10 at risk
    #   at t=1, d = round(10 * 0.2) = 2, so 8 at t=2: two too many, censor 2. They go at
    #   0 + 2/3 and 0 + 4/3, one in (0, 1] and one in (1, 2]: 9 at risk at t=1,
    #   d = round(9 * 0.2) = round(1.8) = 2, KM = 7/9; 9 - 2 - 1 = 6 at t=2. Agreed.
    # Last interval [2, 3]: censoring rate 2 per 2 time units, so round(2 * 1 / 2) = 1
    #   censored, at 2.5; at t=2, d = round(6 * (1 - 0.6 / (7/9))) = round(1.37) = 1;
    #   at t=3, 4 at risk, d = round(4 * (1 - 0.6 / (7/9 * 5/6))) = round(0.30) = 0.
    # Censorings sit at the midpoints 0.5, 1.5, 2.5; the 4 left are censored at t=3.
    ipd = reconstruct_ipd(DigitisedCurve([0, 1, 2, 3], [1.0, 0.8, 0.6, 0.6]), NumbersAtRisk([0, 2], [10, 6]))
    assert sorted(zip(ipd.time.tolist(), ipd.event.tolist())) == [
        (0.5, 0),
        (1.0, 1),
        (1.0, 1),
        (1.5, 0),
        (2.0, 1),
        (2.5, 0),
        (3.0, 0),
        (3.0, 0),
        (3.0, 0),
        (3.0, 0),
    ]


def test_single_number_at_risk_no_censoring_before_the_end():
    # Only the number of patients: no censoring can be inferred, events follow the curve.
    ipd = reconstruct_ipd(DigitisedCurve([0, 1, 2], [1.0, 0.75, 0.5]), NumbersAtRisk([0], [20]))
    assert ipd.time.size == 20
    assert np.bincount(ipd.time[ipd.event == 1].astype(int)).tolist() == [0, 5, 5]
    assert (ipd.time[ipd.event == 0] == 2.0).all()


def test_docstring_examples():
    assert doctest.testmod(guyot).failed == 0


# ------------------------------------------------------------------------- round trip


def simulate(seed: int, n: int = 300, shape: float = 1.3, scale: float = 14.0, follow_up: float = 36.0):
    """Weibull event times [months] with uniform censoring on (0, follow_up)."""
    rng = np.random.default_rng(seed)
    t = scale * rng.weibull(shape, n)
    c = rng.uniform(0.0, follow_up, n)
    return np.minimum(t, c), (t <= c).astype(int)


def digitise(km, n_points: int = 60):
    """The curve's start and end and the bottom-left corners of every k-th drop."""
    drops = km.time[km.n_event > 0]
    chosen = drops[np.linspace(0, drops.size - 1, n_points - 2).round().astype(int)]
    times = np.unique(np.concatenate(([0.0], chosen, [km.time[-1]])))
    return times, km.at(times)


def weibull_median(time, event) -> float:
    """Median of a Weibull fitted by maximum likelihood to right-censored data.

    log L = sum_events [log(a/b) + (a - 1) log(t/b)] - sum_all (t/b)^a; median b log(2)^(1/a).
    """

    def minus_log_likelihood(p):
        a, b = np.exp(p)
        z = time / b
        return -(np.sum(event * (np.log(a / b) + (a - 1) * np.log(z))) - np.sum(z**a))

    fit = optimize.minimize(
        minus_log_likelihood, [0.0, np.log(time.mean())], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}
    )
    a, b = np.exp(fit.x)
    return float(b * np.log(2) ** (1 / a))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_round_trip_from_simulated_patients(seed):
    time, event = simulate(seed)
    km = kaplan_meier(time, event)
    points, survival = digitise(km)
    at = np.arange(0.0, km.time[-1], 3.0)
    ipd = reconstruct_ipd(DigitisedCurve(points, survival), NumbersAtRisk(at, km.n_risk_at(at)))
    again = kaplan_meier(ipd.time, ipd.event)

    assert ipd.time.size == time.size
    np.testing.assert_array_equal(again.n_risk_at(at), km.n_risk_at(at))
    within = points <= at[-1]  # up to the last number at risk; the tail is tested below
    assert np.abs(again.at(points[within]) - survival[within]).max() <= 0.02
    assert weibull_median(ipd.time, ipd.event) == pytest.approx(weibull_median(time, event), rel=0.05)
    assert abs(int(ipd.event.sum()) - int(event.sum())) <= 0.05 * event.sum()


@pytest.mark.parametrize("n_points", [30, 45, 60])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_round_trip_with_events_spread_between_sparse_clicks(seed, n_points):
    """The issue's round trip at 30 to 60 digitised points: with events spread between clicks
    (clicks that skip drops) and the total of events as a paper reports it, the reconstructed KM
    is within 0.02 of the original at every digitised point up to the last number at risk and
    the refitted median within 5%."""
    time, event = simulate(seed)
    km = kaplan_meier(time, event)
    points, survival = digitise(km, n_points)
    at = np.arange(0.0, km.time[-1], 3.0)
    curve, table = DigitisedCurve(points, survival), NumbersAtRisk(at, km.n_risk_at(at))
    ipd = reconstruct_ipd(curve, table, total_events=int(event.sum()), spread=True)
    again = kaplan_meier(ipd.time, ipd.event)
    # the numbers at risk hold to one patient (events spread onto an at-risk time count as at
    # risk there), except at the last at-risk time, where the few left depend on the tail
    assert np.abs(again.n_risk_at(at[:-1]) - km.n_risk_at(at[:-1])).max() <= 1
    within = points <= at[-1]
    assert np.abs(again.at(points[within]) - survival[within]).max() <= 0.02
    assert weibull_median(ipd.time, ipd.event) == pytest.approx(weibull_median(time, event), rel=0.05)


def test_the_plain_algorithm_moves_events_later_when_clicks_skip_drops():
    """Why spread exists: with 30 clicks the plain algorithm puts each skipped drop's events at
    the next click, so the refitted median is too long (here by more than 4%)."""
    time, event = simulate(1)
    km = kaplan_meier(time, event)
    points, survival = digitise(km, 30)
    at = np.arange(0.0, km.time[-1], 3.0)
    plain = reconstruct_ipd(DigitisedCurve(points, survival), NumbersAtRisk(at, km.n_risk_at(at)))
    assert weibull_median(plain.time, plain.event) > 1.04 * weibull_median(time, event)


def test_round_trip_tail_needs_the_total_of_events():
    # Seed 2's last patient dies at the end (the curve drops to 0). After the last number at
    # risk the censoring rate of the earlier intervals censors the last three before that
    # drop; with the total of events the algorithm removes that censoring and the whole
    # curve, the tail included, is within 0.02.
    time, event = simulate(2)
    km = kaplan_meier(time, event)
    points, survival = digitise(km)
    at = np.arange(0.0, km.time[-1], 3.0)
    curve, table = DigitisedCurve(points, survival), NumbersAtRisk(at, km.n_risk_at(at))
    assert km.survival[-1] == 0.0

    without = kaplan_meier(*_ipd(reconstruct_ipd(curve, table)))
    assert without.at(points[-1]) > 0.02
    with_total = reconstruct_ipd(curve, table, total_events=int(event.sum()))
    again = kaplan_meier(with_total.time, with_total.event)
    assert np.abs(again.at(points) - survival).max() <= 0.02
    np.testing.assert_array_equal(again.n_risk_at(at), km.n_risk_at(at))


def _ipd(ipd):
    return ipd.time, ipd.event


def test_total_events_reached_by_changing_censoring_after_the_last_number_at_risk():
    # Curve 1 -> 0.5 over 10 time units, 100 patients, no later number at risk: without a
    # total nobody is censored (no rate to go by) and 50 die; with 30 events reported,
    # censoring is added until the events add up to 30.
    t = np.arange(11.0)
    curve = DigitisedCurve(t, 1 - 0.05 * t)
    table = NumbersAtRisk([0], [100])
    assert reconstruct_ipd(curve, table).event.sum() == 50
    ipd = reconstruct_ipd(curve, table, total_events=30)
    assert ipd.event.sum() == 30 and ipd.time.size == 100


def test_total_events_already_passed_before_the_last_interval():
    # The intervals with numbers at risk already hold more events than the reported total:
    # the last interval (from t=2) then has no events and no censoring (Guyot's rule), so
    # its 30 patients are censored at the curve's end.
    curve = DigitisedCurve([0, 1, 2, 3, 4], [1.0, 0.8, 0.6, 0.5, 0.4])
    table = NumbersAtRisk([0, 2], [50, 30])
    free = reconstruct_ipd(curve, table)
    capped = reconstruct_ipd(curve, table, total_events=5)
    before = (free.time < 2) & (free.event == 1)
    assert before.sum() > 5 and (free.event[free.time >= 2] == 1).any()
    np.testing.assert_array_equal(np.sort(capped.time[capped.time < 2]), np.sort(free.time[free.time < 2]))
    assert capped.event.sum() == before.sum()
    assert (capped.time[capped.time >= 2] == 4).sum() == 30


# ------------------------------------------------------------------------- clean-up


def test_jitter_within_the_tolerance_is_smoothed_and_order_does_not_matter():
    t = [0, 1, 2, 3, 4]
    s = [1.0, 0.9, 0.8, 0.7, 0.6]
    table = NumbersAtRisk([0, 2], [40, 30])
    clean = reconstruct_ipd(DigitisedCurve(t, s), table)
    # a rise of 0.004 at t=3, points shuffled, and a click 0.003 above the axis at t=0
    jittery = reconstruct_ipd(DigitisedCurve([3, 0, 4, 2, 1], [0.804, 1.003, 0.6, 0.8, 0.9]), table)
    lowered = reconstruct_ipd(DigitisedCurve(t, [1.0, 0.9, 0.8, 0.8, 0.6]), table)
    np.testing.assert_array_equal(jittery.time, lowered.time)
    assert not np.array_equal(clean.time, lowered.time)


def test_both_ends_of_a_vertical_drop_count_once_at_its_bottom():
    table = NumbersAtRisk([0], [100])
    drop = reconstruct_ipd(DigitisedCurve([0, 1, 1, 2, 2], [1.0, 1.0, 0.9, 0.9, 0.7]), table)
    corners = reconstruct_ipd(DigitisedCurve([0, 1, 2], [1.0, 0.9, 0.7]), table)
    np.testing.assert_array_equal(drop.time, corners.time)
    assert drop.event.sum() == 30


def test_start_point_is_added_and_at_risk_times_between_points_are_honoured():
    # No click at (0, 1); the number at risk at t=1.5 lies between clicks: the curve is
    # taken to start at 1, and exactly 70 patients are left at t=1.5, after the events at
    # t=1 and before those at t=2.
    ipd = reconstruct_ipd(DigitisedCurve([1, 2, 3], [0.8, 0.6, 0.6]), NumbersAtRisk([0, 1.5], [100, 70]))
    km = kaplan_meier(ipd.time, ipd.event)
    assert km.n_risk_at(1.5) == 70
    assert km.at(0.99) == 1.0
    assert km.at(1.0) == pytest.approx(0.8, abs=0.01) and km.at(2.0) == pytest.approx(0.6, abs=0.01)


# ------------------------------------------------------------------------- bad input


def messages(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_every_problem_of_the_curve_and_the_table_is_reported():
    curve = DigitisedCurve([0, 1, -2, 3, 4, 5], [0.9, 0.95, 0.9, 1.2, 0.5, 0.7])
    table = NumbersAtRisk([1, 2, 2, 3, 4.5], [100, 90.5, 80, 95, -1])
    with pytest.raises(ModelError) as caught:
        reconstruct_ipd(curve, table)
    assert messages(caught) == [
        "curve point 3: time -2 is not a time >= 0; expected the time since the start, >= 0",
        "curve point 4: survival 1.2 is outside [0, 1]; expected a survival proportion in [0, 1] (divide percentages by 100)",
        "curve point 1: survival at time 0 is 0.9; expected 1 at time 0 (the curve starts at 1)",
        "curve point 2: survival 0.95 at time 1 is above 0.9 at time 0 (curve point 1): the curve rises; "
        "expected a curve that never rises (by more than the digitisation tolerance 0.005)",
        "curve point 6: survival 0.7 at time 5 is above 0.5 at time 4 (curve point 5): the curve rises; "
        "expected a curve that never rises (by more than the digitisation tolerance 0.005)",
        "at-risk entry 2: number at risk 90.5 is not a whole number >= 0; expected a count of patients",
        "at-risk entry 5: number at risk -1 is not a whole number >= 0; expected a count of patients",
        "at-risk entry 1: the first number at risk is at time 1; expected the number at risk at time 0 "
        "(the number of patients) as well",
        "at-risk entry 4: number at risk 95 at time 3 is more than 80 at time 2 (at-risk entry 3); "
        "expected numbers at risk that never increase over time",
    ]


def test_repeated_at_risk_time_and_nobody_at_the_start():
    with pytest.raises(ModelError) as caught:
        reconstruct_ipd(DigitisedCurve([0, 1], [1, 0.5]), NumbersAtRisk([0, 1, 1], [0, 0, 0]))
    assert messages(caught) == [
        "at-risk entry 1: nobody is at risk at time 0; expected the number of patients, at least 1",
        "at-risk entry 3: time 1 repeats at-risk entry 2; expected one number at risk per time",
    ]


def test_at_risk_time_after_the_curve_and_impossible_total():
    curve = DigitisedCurve([0, 1, 2], [1, 0.8, 0.7])
    with pytest.raises(ModelError) as caught:
        reconstruct_ipd(curve, NumbersAtRisk([0, 1, 3], [10, 8, 5]), total_events=11)
    assert messages(caught) == [
        "at-risk entry 3: time 3 is after the end of the curve, 2 (curve point 3); expected at-risk times "
        "within the digitised curve; digitise the curve up to its end",
        "total events: 11 is not a whole number from 0 to the 10 patients; expected the number of events the paper reports",
    ]


def test_empty_and_mismatched_inputs():
    with pytest.raises(ModelError) as caught:
        reconstruct_ipd(DigitisedCurve([], []), NumbersAtRisk([0, 1], [10]))
    assert messages(caught) == [
        "digitised curve: no points; expected the digitised points (time, survival) of the curve",
        "numbers at risk: 2 times but 1 numbers; expected one number at risk per time",
    ]
