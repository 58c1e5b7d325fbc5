"""Progress for every phase of a run that can take more than about a second: a bar for phases
with countable steps (PSA, DSA, scenarios, thresholds, EVPPI), a spinner with the elapsed time
for the others (disease burden, writing results.xlsx, ...).

Where it goes (:func:`mode`):

* standard error is a terminal: bars drawn with :mod:`rich`;
* not a terminal, inside :func:`plain_lines` (``hecon run`` with its output piped or redirected,
  e.g. ``make run 2>&1 | tee run.log``): one plain line (``progress: ...``) when a phase starts
  and one with its elapsed time when it ends (a bar's phase also at each quarter of its steps),
  so that a log shows how far a run got and how long each phase took;
* otherwise (a notebook, a test, a script) nothing; ``progress=False`` always silences.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: Whether phases outside a terminal write plain lines (set by :func:`plain_lines`).
_PLAIN: ContextVar[bool] = ContextVar("hecon_plain_progress", default=False)

RICH, PLAIN = "rich", "plain"


def mode(progress: bool | None) -> str | None:
    """How to show progress: :data:`RICH` on a terminal, :data:`PLAIN` elsewhere inside
    :func:`plain_lines`, None for nothing (also whenever ``progress`` is False)."""
    if progress is False:
        return None
    if _is_terminal():
        return RICH
    return PLAIN if _PLAIN.get() else None


@contextmanager
def plain_lines() -> Iterator[None]:
    """Within this context, phases write plain lines to standard error when it is not a terminal."""
    token = _PLAIN.set(True)
    try:
        yield
    finally:
        _PLAIN.reset(token)


def _is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


Advance = Callable[[int], None]
"""``advance(n)``: ``n`` more steps of a :func:`progress_bar` are done."""

#: What starts a plain progress line, like the command line's ``warning:`` and ``note:`` lines.
PLAIN_PREFIX = "progress: "


def _line(text: str) -> None:
    print(PLAIN_PREFIX + text, file=sys.stderr, flush=True)


def _seconds(start: float) -> str:
    """Elapsed wall time since ``start`` (:func:`time.perf_counter`) in words: ``12.3 s``."""
    return f"{time.perf_counter() - start:.1f} s"


@contextmanager
def progress_bar(
    description: str, total: int, enabled: bool | None = None, *, every: float | None = None
) -> Iterator[Advance]:
    """A context giving ``advance(n)``; shows ``total`` steps as :func:`mode` says. ``every``
    [seconds]: as plain lines, also a line after each step that ends at least this long after the
    last line (validation's steps differ in length: a step of a second or more is seen in a log).

    Example::

        with progress_bar("PSA", 8) as advance:
            for unit in units:
                run(unit)
                advance(1)
    """
    shown = mode(enabled)
    if shown is None:
        yield no_progress
    elif shown == PLAIN:
        with _plain_bar(description, total, every) as advance:
            yield advance
    else:
        with _rich_bar(description, total) as advance:
            yield advance


@contextmanager
def _plain_bar(description: str, total: int, every: float | None = None) -> Iterator[Advance]:
    """A start line, a line at each quarter of ``total`` steps (and after each step that ends
    ``every`` seconds or more after the last line) and an end line with the time."""
    start = last = time.perf_counter()
    _line(f"{description}: started ({total} step{'' if total == 1 else 's'})")
    done = 0
    quarter = 0

    def advance(n: int = 1) -> None:
        nonlocal done, quarter, last
        done += n
        reached = 4 * done // total if total > 0 else 4
        now = time.perf_counter()
        late = every is not None and now - last >= every and done < total
        if quarter < reached < 4 or late:
            quarter = max(quarter, min(reached, 3))
            last = now
            _line(f"{description}: {done} of {total} steps, {now - start:.1f} s")

    yield advance
    _line(f"{description}: done in {_seconds(start)}")


@contextmanager
def _rich_bar(description: str, total: int) -> Iterator[Advance]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


@contextmanager
def phase(description: str, enabled: bool | None = None) -> Iterator[None]:
    """A phase without countable steps, shown as :func:`mode` says: on a terminal a spinner and
    the elapsed time while it runs, a tick and its duration when it is done; as plain lines a
    start line and an end line with the elapsed time.

    Example::

        with phase("Writing results.xlsx"):
            write(...)
    """
    shown = mode(enabled)
    if shown is None:
        yield
        return
    if shown == PLAIN:
        start = time.perf_counter()
        _line(f"{description}: started")
        yield
        _line(f"{description}: done in {_seconds(start)}")
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(finished_text="[green]✓"), TextColumn("[bold]{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=1)
        yield
        bar.update(task, completed=1)


def no_progress(n: int = 1) -> None:
    """``advance`` when no progress is shown: does nothing."""
