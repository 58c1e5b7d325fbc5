"""Bounds on what hecon reads and computes, each checked before the work it bounds starts.

A workbook reaches hecon from e-mail and shared drives; a typing error (a cycle length of 1e-9
days), a damaged file or a hostile one (a zip bomb, a million empty rows) must be refused with a
message in seconds, not run until the machine runs out of memory. Each bound has a default far
above what a cohort model needs and an environment variable that raises it
(``HECON_MAX_CYCLES=5000000 hecon run model.xlsx``); the README's "Limits" table lists them
(a test keeps it in step with :data:`LIMITS`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from hecon.model.problems import ModelError, Problem, topic


@dataclass(frozen=True)
class Limit:
    """One bound: its environment variable, default, unit and what it bounds."""

    variable: str
    default: int
    unit: str
    what: str

    @property
    def value(self) -> int:
        """The bound in force: the environment variable when set (a whole number > 0, digits with
        optional ``_`` separators), else the default. Raises :class:`ModelError` naming the variable
        when it holds anything else (text, a negative number, 0, a fraction), rather than ignore it.
        Inside :func:`fixed_limits` each variable is read once."""
        read = _READ.get()
        if read is None:
            return self._read()
        if self.variable not in read:
            read[self.variable] = self._read()
        return read[self.variable]

    def _read(self) -> int:
        text = os.environ.get(self.variable, "").strip()
        if not text:
            return self.default
        digits = text.replace("_", "")
        if digits.isascii() and digits.isdigit() and int(digits) > 0:
            return int(digits)
        raise ModelError(
            Problem(
                topic(self.variable),
                f"'{text[:40]}' is not a whole number above 0",
                f"a whole number above 0 such as {self.default} (the default: {self.default:,} {self.unit}), or the "
                "variable unset",
            )
        )

    def expected(self, amount: str) -> str:
        """The 'expected' text of a problem with this bound: ``at most 1,000,000 cycles (raise with ...)``."""
        return f"{amount} at most {self.value:,} {self.unit} (or raise the limit: set {self.variable})"


_READ: ContextVar[dict[str, int] | None] = ContextVar("hecon_limits_read", default=None)
"""The bounds read so far inside :func:`fixed_limits`, by variable; None outside it."""


@contextmanager
def fixed_limits() -> Iterator[None]:
    """Within: each bound is read from the environment once (a command's bounds do not change
    while it runs; a workbook's formulas ask for them some 100,000 times, and reading the
    environment is what that costs)."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


FILE_MB = Limit("HECON_MAX_FILE_MB", 50, "MB", "size of the workbook file")
UNPACKED_MB = Limit("HECON_MAX_UNPACKED_MB", 100, "MB", "total unpacked size of the workbook's parts (zip entries)")
STRINGS = Limit("HECON_MAX_STRINGS", 100_000, "texts", "distinct texts of the workbook (its shared strings)")
ROWS = Limit(
    "HECON_MAX_ROWS", 100_000, "rows", "rows read per sheet (its used range; empty rows after it cost nothing)"
)
COLUMNS = Limit("HECON_MAX_COLUMNS", 200, "columns", "columns read per sheet")
EXPRESSION_CHARS = Limit("HECON_MAX_EXPRESSION_CHARS", 2_000, "characters", "length of one formula")
EXPRESSION_DEPTH = Limit(
    "HECON_MAX_EXPRESSION_DEPTH",
    100,
    "levels",
    "nesting depth of one formula, each bracket, call and unary operator one level (100 at most: it can be lowered)",
)
NAME_CHARS = Limit(
    "HECON_MAX_NAME_CHARS", 200, "characters", "length of one name (of a parameter, state, strategy, scenario, ...)"
)
CYCLES = Limit("HECON_MAX_CYCLES", 1_000_000, "cycles", "cycles in the horizon (horizon / cycle length)")
TUNNEL = Limit("HECON_MAX_TUNNEL", 100_000, "cycles", "length of one state's tunnel")
TUNNEL_STATES = Limit(
    "HECON_MAX_STATES", 100_000, "states", "states of the model with its tunnels expanded (states x tunnel length)"
)
VALUE = Limit("HECON_MAX_VALUE", 10**15, "in absolute value", "a cost, utility or count per cycle or per transition")
PSA_VALUES = Limit(
    "HECON_MAX_PSA_VALUES",
    10_000_000,
    "values",
    "PSA samples x strategies x outcomes held in memory (8 bytes each); beyond it they are kept in a temporary file",
)

#: Every bound, in the order of the README's table.
LIMITS = (
    FILE_MB,
    UNPACKED_MB,
    STRINGS,
    ROWS,
    COLUMNS,
    EXPRESSION_CHARS,
    EXPRESSION_DEPTH,
    NAME_CHARS,
    CYCLES,
    TUNNEL,
    TUNNEL_STATES,
    VALUE,
    PSA_VALUES,
)

#: Python's parser reads at most 200 nested brackets, and about 190 inside comparisons
#: (measured with Python 3.11), whatever the setting: 100 levels leave room for every form.
DEPTH_CEILING = 100


#: Not a bound but read and checked alike: the threads that run the engine's kernel (one per core by
#: default; the PSA's local worker processes run one each).
KERNEL_THREADS = Limit("HECON_THREADS", os.cpu_count() or 1, "threads", "threads that run the engine's kernel")


def limit_problems() -> list[Problem]:
    """The problems with the ``HECON_MAX_*`` environment variables (and ``HECON_THREADS``) that are
    set, for a program to report before it starts any work."""
    problems: list[Problem] = []
    for limit in (*LIMITS, KERNEL_THREADS):
        try:
            _ = limit.value
        except ModelError as e:
            problems += e.problems
    return problems


def expression_depth() -> int:
    """The nesting depth in force for formulas, never above :data:`DEPTH_CEILING`."""
    return min(EXPRESSION_DEPTH.value, DEPTH_CEILING)


#: Values of 8 bytes that a run holds per cycle of the horizon at the least, whatever the model: per
#: strategy its trace (one state at least), its outcomes per cycle (QALYs and life years at least) and
#: the cycles where curves cross; and the within-cycle weights, cycle numbers and times (years).
MIN_CYCLE_VALUES = 1 * (1 + 2 + 1) + 3


def cycle_values(strategies: int, states: int, outcomes: int) -> int:
    """Values of 8 bytes that a run holds per cycle (see :data:`MIN_CYCLE_VALUES`): per strategy, a
    trace of ``states`` states, ``outcomes`` outcomes per cycle and the crossings; and 3 shared
    (weights, cycle numbers, times)."""
    return strategies * (states + outcomes + 1) + 3


def physical_memory() -> int | None:
    """This machine's memory [bytes]; None where the system does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def short_of_memory(size: float) -> int | None:
    """This machine's memory [bytes] when ``size`` bytes do not fit in it; None when they do (or the
    memory is unknown)."""
    memory = physical_memory()
    return memory if memory is not None and size > memory else None


def cycles_beyond_memory(n_cycles: float, values_per_cycle: int) -> tuple[str, str] | None:
    """(what, expected) of a problem when a horizon of ``n_cycles`` cycles, each holding
    ``values_per_cycle`` values of 8 bytes, cannot fit in this machine's memory, whatever bound
    :data:`CYCLES` allows; None when it can (or the memory is unknown). Checked before anything
    the size of the horizon is allocated."""
    memory = physical_memory()
    needed = n_cycles * values_per_cycle * 8
    if memory is None or needed <= memory:
        return None
    return (
        f"which need at least {gigabytes(needed)} of memory ({values_per_cycle} values of 8 bytes per cycle)",
        f"a horizon that fits in this machine's {gigabytes(memory)} of memory: at most "
        f"{memory // (values_per_cycle * 8):,} cycles of {values_per_cycle} values",
    )


#: Bytes that each state of a model with its tunnels expanded takes at the least: its name (a Python
#: string of some 50 bytes) and its entries in the lists of names and of states (8 bytes each).
STATE_BYTES = 64


def states_beyond_memory(n_states: int) -> tuple[str, str] | None:
    """(what, expected) of a problem when ``n_states`` states with their tunnels expanded cannot fit
    in this machine's memory (:data:`STATE_BYTES` each), whatever :data:`TUNNEL_STATES` allows;
    None when they can (or the memory is unknown). Checked before the states are expanded."""
    memory = physical_memory()
    if memory is None or n_states * STATE_BYTES <= memory:
        return None
    return (
        f"which need at least {gigabytes(n_states * STATE_BYTES)} of memory ({STATE_BYTES} bytes per state)",
        f"a model that fits in this machine's {gigabytes(memory)} of memory: at most {memory // STATE_BYTES:,} states",
    )


def gigabytes(size: float) -> str:
    """``size`` [bytes] in GB for a message: 3 significant digits (``25.3 GB``, ``0.00044 GB``), whole GB
    from 1,000 GB (``818,160 GB``)."""
    return f"{size / 1e9:,.3g} GB" if size < 1e12 else f"{size / 1e9:,.0f} GB"
