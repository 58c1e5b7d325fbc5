"""Building the report's sections in worker processes, so that its figures are drawn on every core.

Drawing the figures is most of the time of building the report: matplotlib lays out and draws
each figure and encodes it as PNG in one thread, some 26 figures for the example. The sections
are independent of each other: each is built from the immutable
:class:`~hecon.analysis.results.Results` alone. So they are built in worker processes, one
section per task, and returned in the order of the builders.

Workers are started by forking (Linux only), so they share the results with this process
without copying or pickling them; only the built sections travel back (pickled). A section that
cannot be sent back (it holds an object that cannot be pickled) or whose builder fails in a
worker is built again in this process, so that an error surfaces here with its own traceback.
Elsewhere (no fork: Windows, macOS' default), with one core, or for a single section, the
sections are built one after another. Either way the result is the same: the same tables and
the same PNG bytes (tests/test_report_parallel.py), since each section's drawing depends only
on the results and the report's fixed matplotlib settings.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from hecon.analysis.results import Results

__all__ = ["build_each", "usable_workers"]

Builder = Callable[[Results], Any]
"""A section builder (:data:`hecon.report.sections.SectionBuilder`): results -> section or None."""

_CALL: tuple[Sequence[Builder], Results] | None = None
"""The builders and results of the :func:`build_each` call in progress, inherited by forked workers."""


def usable_workers(tasks: int) -> int:
    """Worker processes worth starting for ``tasks`` sections: the cores this process may run on,
    at most one per task; 0 (build here) where workers cannot be forked or would not help."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0))
    workers = min(cores, tasks)
    return workers if workers >= 2 else 0


def build_each(builders: Sequence[Builder], results: Results, workers: int | None = None) -> Iterator[Any]:
    """``builder(results)`` for each builder, in order, yielded as each is ready; built by
    ``workers`` forked processes (default :func:`usable_workers`; 0: here, one after another)."""
    global _CALL
    count = usable_workers(len(builders)) if workers is None else workers
    if count < 1:
        for build in builders:
            yield build(results)
        return
    _CALL = (builders, results)
    gc.freeze()  # the workers' garbage collector then leaves this process's objects (and their pages) alone
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            for k, sent in enumerate(pool.imap(_build_in_worker, range(len(builders)), chunksize=1)):
                yield pickle.loads(sent) if sent is not None else builders[k](results)
    finally:
        gc.unfreeze()
        _CALL = None


def _build_in_worker(k: int) -> bytes | None:
    """The ``k``-th section built in a worker, pickled; None when it failed or cannot be sent
    back (this process then builds it itself)."""
    assert _CALL is not None  # set before the workers were forked
    builders, results = _CALL
    try:
        return pickle.dumps(builders[k](results), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # built again by the caller, where the error is raised with its traceback
        return None
