"""Phase timings: a phase counts its own time only, repeated phases add up, order is kept."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from hecon.analysis import timings
from hecon.analysis.serialise import to_json
from hecon.analysis.timings import NOTE, PhaseTimings, Stopwatch, phase


class FakeClock:
    """Wall and processor clocks that move only when told to (processor time at half speed)."""

    def __init__(self) -> None:
        self.now = 0.0

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock()
    monkeypatch.setattr(timings.time, "perf_counter", lambda: c.now)
    monkeypatch.setattr(timings.time, "process_time", lambda: c.now / 2)
    return c


def test_nested_phases_count_once_and_repeats_add_up(clock):
    sw = Stopwatch()
    with sw.phase("read"):
        clock.tick(1.0)
    with sw.phase("summary"):
        clock.tick(2.0)
        with sw.phase("VOI/EVPPI"):
            clock.tick(5.0)
        clock.tick(0.5)
    with sw.phase("read"):
        clock.tick(0.25)
    t = sw.timings()
    assert list(t.phases) == ["read", "summary", "VOI/EVPPI"]  # in the order they first started
    assert dict(t.phases) == {"read": 1.25, "summary": 2.5, "VOI/EVPPI": 5.0}
    assert t.total == 8.75 == clock.now  # the phases add up to the wall time
    assert dict(t.cpu) == {"read": 0.625, "summary": 1.25, "VOI/EVPPI": 2.5} and t.cpu_total == 4.375


def test_a_phase_that_raises_is_still_timed(clock):
    sw = Stopwatch()
    with pytest.raises(ValueError), sw.phase("validate"):
        clock.tick(3.0)
        raise ValueError
    assert dict(sw.timings().phases) == {"validate": 3.0}


def test_a_stopwatch_continues_from_earlier_timings(clock):
    earlier = PhaseTimings.of({"read": 1.0}, {"read": 0.5})
    sw = Stopwatch(earlier)
    with sw.phase("report.html"):
        clock.tick(2.0)
    t = sw.timings()
    assert dict(t.phases) == {"read": 1.0, "report.html": 2.0} and t.total == 3.0
    assert earlier.phases == {"read": 1.0}  # unchanged


def test_no_stopwatch_times_nothing(clock):
    with phase(None, "PSA"):
        clock.tick(1.0)  # nothing to record it; no error


def test_timings_serialise_as_their_own_block():
    data = json.loads(json.dumps(to_json(PhaseTimings.of({"read": 1.5}, {"read": 1.0}))))
    assert data == {"note": NOTE, "phases": {"read": 1.5}, "total": 1.5, "cpu": {"read": 1.0}, "cpu_total": 1.0}


@pytest.mark.skipif(timings.resource is None, reason="no resource module (Windows)")
def test_processor_time_includes_worker_processes_that_ended_within_the_phase():
    sw, own = Stopwatch(), time.process_time()
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    with sw.phase("workers"):
        subprocess.run([sys.executable, "-c", burn], check=True)
    assert sw.timings().cpu["workers"] >= 0.3  # the child's processor time counts
    assert time.process_time() - own < 0.3  # though this process did not spend it


def test_processor_times_stay_exact_after_child_processes_ended(clock):
    subprocess.run([sys.executable, "-c", "pass"], check=True)  # a child that ended before the phases
    test_nested_phases_count_once_and_repeats_add_up(clock)
