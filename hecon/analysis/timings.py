"""Wall time of each phase of a run (summary.json ``timings``, ``hecon run --verbose``).

A user waits for the whole run, not only for the model: reading the workbook, compiling,
the analyses, the report. :class:`Stopwatch` records how long each phase took, so that a slow
phase is visible without a profiler. The times are the only part of summary.json that differs
between two runs of the same workbook with the same seed (with ``created``); they are kept in
their own block, :class:`PhaseTimings`, apart from the results.

Units: seconds of wall-clock time (:func:`time.perf_counter`), as measured on the machine
that ran; on a busy machine they include waiting for the processor, so the processor time of
the process (all its threads, :func:`time.process_time`) and of its worker processes that ended
within the phase (e.g. those that draw the report's figures) is recorded beside them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

from hecon.analysis.serialise import frozen

try:
    import resource
except ImportError:  # Windows: processor time of this process only
    resource = None  # type: ignore[assignment]

__all__ = ["NOTE", "PhaseTimings", "Stopwatch", "phase"]

NOTE = (
    "seconds of each phase of this run: wall clock (phases) and processor time of the process and its "
    "worker processes (cpu); "
    "they differ between runs, unlike the results"
)


@dataclass(frozen=True)
class PhaseTimings:
    """The time of each phase [s], in the order the phases first ran, and their sums.

    note  : what the numbers are, in words (summary.json readers see it beside them)
    phases: phase name -> wall-clock seconds (a phase that ran several times: the sum)
    total : sum of ``phases`` [s]
    cpu   : phase name -> processor seconds of this process and of its worker processes that ended
            within the phase
    cpu_total : sum of ``cpu`` [s]
    """

    note: str
    phases: Mapping[str, float]
    total: float
    cpu: Mapping[str, float]
    cpu_total: float

    @classmethod
    def of(cls, phases: Mapping[str, float], cpu: Mapping[str, float] | None = None) -> PhaseTimings:
        cpu = cpu if cpu is not None else {}
        return cls(
            NOTE,
            frozen({k: float(v) for k, v in phases.items()}),
            float(sum(phases.values())),
            frozen({k: float(v) for k, v in cpu.items()}),
            float(sum(cpu.values())),
        )


class Stopwatch:
    """Records phases: ``with stopwatch.phase("PSA"): ...``; :meth:`timings` reads them.

    A phase entered again adds to its time. A phase inside another counts for itself only:
    the outer phase's time excludes it, so the phases add up to the wall time. ``earlier``
    starts from phases recorded before (e.g. by the caller).
    """

    def __init__(self, earlier: PhaseTimings | None = None) -> None:
        self._wall: dict[str, float] = dict(earlier.phases) if earlier is not None else {}
        self._cpu: dict[str, float] = dict(earlier.cpu) if earlier is not None else {}
        self._inner: list[tuple[float, float]] = []  # per open phase: (wall, cpu) of phases inside it

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self._wall.setdefault(name, 0.0)  # order: when the phase first started
        self._cpu.setdefault(name, 0.0)
        self._inner.append((0.0, 0.0))
        wall, cpu, children = time.perf_counter(), time.process_time(), _children_seconds()
        try:
            yield
        finally:
            wall = time.perf_counter() - wall
            cpu = (time.process_time() - cpu) + (_children_seconds() - children)  # each clock's own difference
            inner_wall, inner_cpu = self._inner.pop()
            self._wall[name] += wall - inner_wall
            self._cpu[name] += cpu - inner_cpu
            if self._inner:
                outer_wall, outer_cpu = self._inner[-1]
                self._inner[-1] = (outer_wall + wall, outer_cpu + cpu)

    def timings(self) -> PhaseTimings:
        """The phases recorded so far."""
        return PhaseTimings.of(self._wall, self._cpu)


def _children_seconds() -> float:
    """Processor time [s] of this process's ended child processes that it waited for
    (:data:`resource.RUSAGE_CHILDREN`; 0 where the platform has no :mod:`resource`)."""
    if resource is None:
        return 0.0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def phase(stopwatch: Stopwatch | None, name: str) -> AbstractContextManager[None]:
    """``stopwatch.phase(name)``, or nothing when there is no stopwatch."""
    return stopwatch.phase(name) if stopwatch is not None else nullcontext()
