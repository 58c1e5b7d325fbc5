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
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One bound: its environment variable, default, unit and what it bounds."""

    variable: str
    default: int
    unit: str
    what: str

    @property
    def value(self) -> int:
        """The bound in force: the environment variable if it holds a whole number > 0, else the default."""
        text = os.environ.get(self.variable, "").strip().replace("_", "")
        return int(text) if text.isdigit() and int(text) > 0 else self.default

    def expected(self, amount: str) -> str:
        """The 'expected' text of a problem with this bound: ``at most 1,000,000 cycles (raise with ...)``."""
        return f"{amount} at most {self.value:,} {self.unit} (or raise the limit: set {self.variable})"


FILE_MB = Limit("HECON_MAX_FILE_MB", 50, "MB", "size of the workbook file")
UNPACKED_MB = Limit("HECON_MAX_UNPACKED_MB", 100, "MB", "total unpacked size of the workbook's parts (zip entries)")
STRINGS = Limit("HECON_MAX_STRINGS", 100_000, "texts", "distinct texts of the workbook (its shared strings)")
ROWS = Limit(
    "HECON_MAX_ROWS", 100_000, "rows", "rows read per sheet (its used range; empty rows after it cost nothing)"
)
COLUMNS = Limit("HECON_MAX_COLUMNS", 200, "columns", "columns read per sheet")
EXPRESSION_CHARS = Limit("HECON_MAX_EXPRESSION_CHARS", 2_000, "characters", "length of one formula")
EXPRESSION_DEPTH = Limit("HECON_MAX_EXPRESSION_DEPTH", 100, "levels", "nesting depth of one formula (at most 400)")
CYCLES = Limit("HECON_MAX_CYCLES", 1_000_000, "cycles", "cycles in the horizon (horizon / cycle length)")
TUNNEL_STATES = Limit(
    "HECON_MAX_STATES", 100_000, "states", "states of the model with its tunnels expanded (states x tunnel length)"
)
VALUE = Limit("HECON_MAX_VALUE", 10**15, "in absolute value", "a cost, utility or count per cycle or per transition")
PSA_VALUES = Limit(
    "HECON_MAX_PSA_VALUES",
    200_000_000,
    "values",
    "PSA samples x strategies x outcomes held in memory (8 bytes each)",
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
    CYCLES,
    TUNNEL_STATES,
    VALUE,
    PSA_VALUES,
)

#: Python's own recursion limit bounds how deep a formula can be walked, whatever the setting.
DEPTH_CEILING = 400


def expression_depth() -> int:
    """The nesting depth in force for formulas, never above :data:`DEPTH_CEILING`."""
    return min(EXPRESSION_DEPTH.value, DEPTH_CEILING)
