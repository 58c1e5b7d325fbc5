"""Excel names for the exported workbook: defined names of parameters and settings, sheet names.

A parameter's defined name is the parameter's own name whenever Excel accepts it. Excel refuses
names that read as a cell reference (``c1``, ``qx2019``, ``R1C1``, ``r``, ``c``) or as a
boolean, and treats names case-insensitively; such a parameter gets the name ``_<name>``
(numbered if that is taken too), and the Inputs sheet shows the name used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Settings written as named cells on the Inputs sheet, with their units.
SETTING_NAMES = (
    ("cycle_days", "days", "cycle length"),
    ("cycle_years", "years", "cycle length (days / 365.25)"),
    ("start_age", "years", "age of the cohort at the start"),
    ("proportion_male", "share", "share of men at the start"),
    ("discount_rate_costs", "per year", "annual discount rate of costs"),
    ("discount_rate_effects", "per year", "annual discount rate of effects (QALYs, life-years, counts, time)"),
    ("horizon_years", "years", "time horizon; shorter than exported: rows beyond it get weight 0"),
    (
        "n_cycles",
        "cycles",
        "cycles in the horizon: horizon_years x 365.25 / cycle_days, rounded (halves to even, as hecon)",
    ),
    (
        "max_cycles",
        "cycles",
        "rows written (cycles 0..max_cycles): a horizon of more cycles makes the totals #N/A; export again",
    ),
)

_A1 = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1 = re.compile(r"^[Rr]([0-9]*)([Cc][0-9]*)?$|^[Cc][0-9]*$")
_RESERVED = {"true", "false"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")


def excel_name_ok(name: str) -> bool:
    """Whether Excel accepts ``name`` as a defined name (letters, digits, ``_`` and ``.``, not
    starting with a digit, not a cell reference, not TRUE/FALSE)."""
    if not re.match(r"^[A-Za-z_\\][A-Za-z0-9_.]*$", name) or len(name) > 255:
        return False
    return not (_A1.match(name) or _R1C1.match(name) or name.lower() in _RESERVED)


class NameTable:
    """Assigns unique (case-insensitive) defined names, preferring the given name."""

    def __init__(self, taken: Iterable[str] = ()):
        self.used: set[str] = {t.lower() for t in taken}

    def assign(self, wanted: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.]", "_", wanted)
        base = base if excel_name_ok(base) else "_" + base
        name, n = base, 1
        while name.lower() in self.used or not excel_name_ok(name):
            n += 1
            name = f"{base}_{n}"
        self.used.add(name.lower())
        return name


def sheet_names(strategies: Iterable[str], taken: Iterable[str]) -> list[str]:
    """One sheet name per strategy: its name without the characters Excel forbids, at most
    31 characters, unique (case-insensitive) among themselves and ``taken``."""
    used = {t.lower() for t in taken}
    out = []
    for s in strategies:
        base = _SHEET_BAD.sub("_", s).strip() or "strategy"
        name, n = base[:31], 1
        while name.lower() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        used.add(name.lower())
        out.append(name)
    return out


def quote_sheet(name: str) -> str:
    """A sheet name as it appears in a reference: always quoted (``'My sheet'!A1``)."""
    return "'" + name.replace("'", "''") + "'"
