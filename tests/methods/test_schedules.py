"""Tests for hecon.methods.schedules.

References: counts worked out by hand (in comments) and a naive re-implementation that lists
every administration day with exact fractions and checks which window holds it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from hecon.methods.schedules import administrations, check_schedule
from hecon.model.problems import ModelError
from hecon.model.spec import Schedule, ScheduleSegment

# Weekly for 24 weeks (days 0, 7, ..., 161), then every 14 days from day 168 (168, 182, ...).
STEP_DOWN = Schedule("step-down", (ScheduleSegment(0, 7, 168), ScheduleSegment(168, 14)))
YEARLY = Schedule("yearly", (ScheduleSegment(0, 365.25),))


def weekly_windows(n: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(n)
    return 7.0 * k, 7.0 * (k + 1)


def naive(schedule: Schedule, starts, ends) -> np.ndarray:
    """Double programming: enumerate administration days exactly, count those in [a, b)."""
    starts, ends = np.broadcast_arrays(np.asarray(starts, float), np.asarray(ends, float))
    out = np.zeros(starts.shape)
    horizon = Fraction(float(ends.max())) if ends.size else Fraction(0)
    for seg in schedule.segments:
        s, e = Fraction(seg.start_day), Fraction(seg.every_days)
        stop = horizon if seg.end_day is None else min(horizon, Fraction(seg.end_day))
        d = s
        while d < stop:
            for idx in np.ndindex(starts.shape):
                if Fraction(float(starts[idx])) <= d < Fraction(float(ends[idx])):
                    out[idx] += seg.amount
            d += e
    return out


# --------------------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------------------


def test_step_down_weekly_windows():
    # weeks 0..23 hold one dose each (days 0..161); from week 24 doses every other week:
    # week 24 [168, 175) has day 168, week 25 [175, 182) none, week 26 [182, 189) has 182, ...
    a, b = weekly_windows(60)
    expected = [1.0] * 24 + [1.0, 0.0] * 18
    assert administrations(STEP_DOWN, a, b).tolist() == expected


def test_windows_straddling_segments():
    cases = {
        (160, 190): 3,  # 161 (segment 1), 168 and 182 (segment 2)
        (150, 170): 3,  # 154, 161 (segment 1), 168 (segment 2); 168 is not segment 1's (end excluded)
        (162, 168): 0,  # 168 is in the next window
        (165, 169): 1,  # 168 (segment 2 only)
        (161, 168): 1,  # 161
        (168, 168): 0,  # empty window
        (190, 160): 0,  # reversed window counts nothing
        (0, 364): 24 + 14,  # 24 weekly, then 168, 182, ..., 350 = 14 doses
    }
    starts = np.array([k[0] for k in cases], dtype=float)
    ends = np.array([k[1] for k in cases], dtype=float)
    assert administrations(STEP_DOWN, starts, ends).tolist() == [float(v) for v in cases.values()]


def test_yearly_readministration_in_one_weekly_window_per_year():
    # doses at 365.25 j; in weekly windows [7k, 7k+7) they fall in k = floor(365.25 j / 7):
    # 0, 52 (365.25), 104 (730.5), 156 (1095.75), 208 (1461), 260 (1826.25), 313 (2191.5),
    # 365 (2556.75), 417 (2922), 469 (3287.25), 521 (3652.5)
    a, b = weekly_windows(522)
    counts = administrations(YEARLY, a, b)
    assert set(counts.tolist()) == {0.0, 1.0}
    assert np.flatnonzero(counts).tolist() == [0, 52, 104, 156, 208, 260, 313, 365, 417, 469, 521]


def test_dose_on_boundary_belongs_to_window_that_starts_there():
    # 28 years = 10227 days = 1461 weeks exactly: the yearly dose of year 28 is on the boundary
    # between weeks 1460 and 1461 and belongs to week 1461
    k = np.arange(1455, 1465)
    exact = administrations(YEARLY, 7.0 * k, 7.0 * (k + 1))
    assert np.flatnonzero(exact).tolist() == [1461 - 1455]
    # the same windows computed through years, as a model clock would: 1461 * (7/365.25) * 365.25
    # is 10226.999999999998 in floating point; the dose must not move to week 1460
    week_years = 7 / 365.25
    noisy = administrations(YEARLY, k * week_years * 365.25, (k + 1) * week_years * 365.25)
    assert (1461 * week_years) * 365.25 != 10227.0
    assert noisy.tolist() == exact.tolist()


def test_monthly_schedule_in_monthly_cycles_with_rounding_noise():
    # every 365.25/12 days from day 0; cycles of the same length, edges computed in floating point:
    # every cycle has exactly one dose
    month = 365.25 / 12
    k = np.arange(1200)
    assert np.all(administrations(Schedule("m", (ScheduleSegment(0, month),)), k * month, (k + 1) * month) == 1.0)
    t_years = k / 12.0
    assert np.all(
        administrations(Schedule("m", (ScheduleSegment(0, month),)), t_years * 365.25, (t_years + 1 / 12) * 365.25)
        == 1.0
    )


def test_segment_end_and_start_offsets():
    seg = Schedule("s", (ScheduleSegment(3, 10, end_day=23),))  # days 3, 13 (23 excluded)
    starts = [0, 3, 4, 13, 20, 23, 0]
    ends = [3, 4, 13, 14, 30, 40, 1000]
    assert administrations(seg, starts, ends).tolist() == [0, 1, 0, 1, 0, 0, 2]


def test_amount_and_open_end():
    sched = Schedule("a", (ScheduleSegment(0, 7, 14, amount=2.5), ScheduleSegment(14, 7, None, amount=0.5)))
    # [0, 28): days 0, 7 at 2.5 each, 14, 21 at 0.5 each -> 5 + 1 = 6
    assert administrations(sched, 0, 28).item() == 6.0
    same = Schedule("b", (ScheduleSegment(0, 7, 14, amount=2.5), ScheduleSegment(14, 7, math.inf, amount=0.5)))
    assert administrations(same, 0, 28).item() == 6.0


def test_broadcasting_cycles_by_tunnel():
    # state-time clock: tunnel position j of every cycle covers [7j, 7j+7); model clock per cycle
    n_cycles, tunnel = 5, 30
    j = np.arange(tunnel).reshape(1, 1, tunnel)
    t = np.arange(n_cycles).reshape(1, n_cycles, 1)
    start = 7.0 * (j + t)  # shape (1, n_cycles, tunnel)
    counts = administrations(STEP_DOWN, start, start + 7.0)
    assert counts.shape == (1, n_cycles, tunnel)
    np.testing.assert_array_equal(counts, naive(STEP_DOWN, start, start + 7.0))
    by_position = administrations(STEP_DOWN, 7.0 * j, 7.0 * (j + 1))
    assert by_position.shape == (1, 1, tunnel)
    np.testing.assert_array_equal(by_position, counts[:, :1, :])  # cycle 0: model clock = state clock
    assert administrations(STEP_DOWN, 0.0, np.array([7.0, 14.0, 175.0])).tolist() == [1, 2, 25]


def test_against_naive_on_random_windows():
    rng = np.random.default_rng(7)
    sched = Schedule(
        "mix",
        (
            ScheduleSegment(0, 7, 84, amount=1.0),
            ScheduleSegment(84, 14, 365.25, amount=1.0),
            ScheduleSegment(365.25, 30.4375, amount=2.0),  # 365.25 / 12, exact in binary
            ScheduleSegment(10.5, 91.3125, 1000, amount=0.25),
        ),
    )
    # edges on a quarter-day grid (exact in floating point), many of them on dose days
    edges = rng.integers(0, 4 * 1200, size=(2, 400)) / 4.0
    doses = np.array([0, 7, 84, 98, 365.25, 395.6875, 10.5, 101.8125])
    edges[:, :40] = rng.choice(doses, size=(2, 40))
    a, b = np.minimum(edges[0], edges[1]), np.maximum(edges[0], edges[1])
    np.testing.assert_array_equal(administrations(sched, a, b), naive(sched, a, b))


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def test_check_schedule_valid():
    assert check_schedule(STEP_DOWN) == []
    assert check_schedule(YEARLY) == []


def test_check_schedule_problems():
    bad = Schedule(
        "tec",
        (
            ScheduleSegment(0, 0),
            ScheduleSegment(-7, 7),
            ScheduleSegment(28, 7, end_day=28),
            ScheduleSegment(0, -1, end_day=10),
        ),
    )
    # each problem is located at the schedule, the segment (0-based index) and its column
    found = check_schedule(bad)
    assert [(p.where.index, p.where.part) for p in found] == [
        (0, "every_days"),
        (1, "start_day"),
        (2, "end_day"),
        (3, "every_days"),
    ]
    assert [str(p) for p in found] == [
        "schedule 'tec', segment 1: every_days 0 is not > 0; expected an interval in days > 0",
        "schedule 'tec', segment 2: start_day -7 is negative; expected a day >= 0",
        "schedule 'tec', segment 3: end_day 28 is not after start_day 28; expected end_day > start_day, or empty for no end",
        "schedule 'tec', segment 4: every_days -1 is not > 0; expected an interval in days > 0",
    ]
    assert [str(p) for p in check_schedule(Schedule("none", ()))] == [
        "schedule 'none': has no segments; expected at least one segment (start_day, every_days, end_day, amount)"
    ]
    assert "not a finite number" in check_schedule(Schedule("n", (ScheduleSegment(float("nan"), 7),)))[0].what


def test_administrations_refuses_bad_schedule():
    with pytest.raises(ModelError) as err:
        administrations(Schedule("tec", (ScheduleSegment(0, 0), ScheduleSegment(-1, 7))), 0, 7)
    assert str(err.value) == (
        "schedule 'tec', segment 1: every_days 0 is not > 0; expected an interval in days > 0\n"
        "schedule 'tec', segment 2: start_day -1 is negative; expected a day >= 0"
    )
    with pytest.raises(ModelError, match="schedule 'empty': has no segments"):
        administrations(Schedule("empty", ()), 0, 7)
