"""Progress on the terminal for every phase of a run that can take more than about a second:
a bar for phases with countable steps (PSA, DSA, scenarios, thresholds), a spinner with the
elapsed time for the others (disease burden, writing results.xlsx, ...); quiet elsewhere.

The bar is drawn with :mod:`rich` on standard error, and only when standard error is a
terminal: a run in a notebook, a test or with its output redirected to a file prints nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def wanted(progress: bool | None) -> bool:
    """Whether to draw a bar: ``progress`` if given, else when stderr is a terminal."""
    if progress is not None:
        return bool(progress) and _is_terminal()
    return _is_terminal()


def _is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


@contextmanager
def progress_bar(description: str, total: int, enabled: bool | None = None) -> Iterator[Callable[[int], None]]:
    """A context giving ``advance(n)``; draws a bar of ``total`` steps when :func:`wanted`.

    Example::

        with progress_bar("PSA", 8) as advance:
            for unit in units:
                run(unit)
                advance(1)
    """
    if not wanted(enabled):
        yield _no_bar
        return
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
    """A line for a phase without countable steps, drawn when :func:`wanted`: a spinner and the
    elapsed time while it runs, a tick and its duration when it is done.

    Example::

        with phase("Writing results.xlsx"):
            write(...)
    """
    if not wanted(enabled):
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(finished_text="[green]✓"), TextColumn("[bold]{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=1)
        yield
        bar.update(task, completed=1)


def _no_bar(n: int = 1) -> None:
    """``advance`` when no bar is drawn: does nothing."""
