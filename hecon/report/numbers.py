"""How every number of the report is written: one place for report.html, results.xlsx and the
figures, so that the three never disagree and a committee never reads ``4.2e+05``.

Rules
-----
* **Money** in whole currency units with thousands separators (``1,234,568``), never in
  scientific notation however large; ``-0`` is written ``0``.
* **Integers that name something** -- a price year, a seed, a cycle number -- as plain digits
  (``2024``, ``20241126``), never with separators.
* **Other numbers** (probabilities, utilities, rates, parameter values) with a few significant
  digits and trailing zeros dropped (``0.0128``, ``17.44``, ``420,000``); below
  :data:`TINY` they are written with a power of ten (``1.09 × 10⁻¹¹``), never as ``1e-11``.
* A missing or non-finite number (None, NaN, ±inf) is ``–``.
* The ICER of a strategy is stated together with its place on the efficiency frontier
  (:func:`versus_text`): a ratio against the comparator is never shown without saying, in the
  same sentence, that the strategy is dominated or extendedly dominated.

The column kinds (:data:`KINDS`) give each table column its Excel number format and its
decimals in report.html.
"""

from __future__ import annotations

import math
from typing import Any

#: Column kinds: Excel number format and decimals for report.html (None: :func:`significant`).
KINDS: dict[str, tuple[str, int | None]] = {
    "text": ("@", None),
    "money": ("#,##0", 0),
    "money2": ("#,##0.00", 2),
    "qaly": ("#,##0.000", 3),
    "years": ("#,##0.000", 3),
    "number": ("#,##0.00", 2),
    "share": ("0.0000", 4),
    "percent": ("0.0%", 1),
    "int": ("0", 0),
    "id": ("0", None),
    "sig4": ("General", None),
    "raw": ("General", None),
}
"""``percent`` is a share shown as a percentage (0.125 -> 12.5%); ``id`` an integer that names
something (year, seed: no separators); ``sig4`` and ``raw`` numbers with four and six
significant digits in report.html, and in Excel with the format that shows the same digits
(:func:`excel_format`; full precision stored)."""

#: Kinds whose numbers have a number of significant digits rather than fixed decimals.
SIGNIFICANT_DIGITS = {"sig4": 4, "raw": 6}

MISSING = "–"
#: Below this magnitude a number (not money) is written with a power of ten.
TINY = 1e-6
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (None, NaN, ±inf, text)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _no_negative_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and not any(ch not in "0.," for ch in text[1:]) else text


def fixed(value: Any, decimals: int = 0) -> str:
    """``value`` with thousands separators and ``decimals`` decimals; ``–`` when missing.

    >>> fixed(1234567.891), fixed(-0.0004, 2), fixed(float("nan"))
    ('1,234,568', '0.00', '–')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    return _no_negative_zero(f"{v:,.{decimals}f}")


def money(value: Any, currency: str = "", decimals: int = 0) -> str:
    """An amount of money: ``EUR 1,234,568``, ``EUR -1,234``, ``–`` when missing; never in
    scientific notation (``1e+20`` is written out in full).

    >>> money(4.2e5, "EUR"), money(-1234.4), money(1e20)
    ('EUR 420,000', '-1,234', '100,000,000,000,000,000,000')
    """
    text = fixed(value, decimals)
    return f"{currency} {text}" if currency and text != MISSING else text


def integer(value: Any) -> str:
    """An integer that names something (a year, a seed, a cycle) as plain digits: ``2024``;
    a non-integer falls back to :func:`significant`.

    >>> integer(2024), integer(20241126.0), integer(2.5)
    ('2024', '20241126', '2.5')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    return str(int(v)) if v == int(v) else significant(v)


def significant(value: Any, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits, trailing zeros dropped, thousands
    separators above 1,000 (never fewer than the integer digits: ``1,234,568``), and a power
    of ten below :data:`TINY` (``1.09 × 10⁻¹¹``).

    >>> significant(0.012834), significant(17.43567), significant(420000.0), significant(1.0923e-11)
    ('0.01283', '17.44', '420,000', '1.092 × 10⁻¹¹')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    if v == 0:
        return "0"
    if abs(v) < TINY:  # Python's own rounding, which also holds for subnormals such as 5e-324
        mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    magnitude = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _no_negative_zero(text)


def count(value: Any) -> str:
    """A number of things (samples, parameters, rows, patients) as an integer with thousands
    separators: ``1,000``; a non-integer is rounded to the nearest (``12,345.6`` -> ``12,346``).

    >>> count(1000), count(12345.6), count(None)
    ('1,000', '12,346', '–')
    """
    return fixed(value, 0)


def signed(value: Any, decimals: int = 2) -> str:
    """A difference with its sign: ``+0.93``, ``-1.20``, and ``0.00`` (no sign) when it rounds to zero.

    >>> signed(0.934), signed(-1.2), signed(-0.001), signed(float("nan"))
    ('+0.93', '-1.20', '0.00', '–')
    """
    text = fixed(value, decimals)
    return "+" + text if text[0].isdigit() and any(ch not in "0.," for ch in text) else text


def quantity(value: Any, unit: str, decimals: int | None = None) -> str:
    """A number with its unit: ``2.50 years`` with ``decimals`` decimals, or with up to six
    significant digits (:func:`significant`) when ``decimals`` is None (``37 years``, ``28 days``).

    >>> quantity(2.5, "years", 2), quantity(37.0, "years"), quantity(None, "days")
    ('2.50 years', '37 years', '–')
    """
    text = significant(value, 6) if decimals is None else fixed(value, decimals)
    return text if text == MISSING else f"{text} {unit}"


def excel_format(value: Any, digits: int = 6) -> str:
    """The Excel number format that shows ``value`` as :func:`significant` writes it: thousands
    separators and the same decimals; ``General`` below :data:`TINY` or when not finite.

    >>> excel_format(0.012834), excel_format(420000.0), excel_format(17.43567, 4), excel_format(1e-11)
    ('#,##0.000000', '#,##0', '#,##0.00', 'General')
    """
    v = _finite(value)
    if v is None or (v != 0 and abs(v) < TINY):
        return "General"
    text = significant(v, digits)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def argument(value: Any, digits: int = 4) -> str:
    """A number inside a formula-like text such as a distribution's arguments
    (``gamma(mean=3111, se=622.2)``): :func:`significant` without thousands separators, whose
    comma would read as a decimal comma (Dutch) or as the start of the next argument.

    >>> argument(3111.0), argument(622.2), argument(1234567.0)
    ('3111', '622.2', '1234567')
    """
    return significant(value, digits).replace(",", "")


def share(value: Any, decimals: int = 1) -> str:
    """A share as a percentage (:func:`percent`), but a share that is not 0 and would round to
    0 (or 1) says so: ``< 0.1%`` (``> 99.9%``) rather than ``0.0%`` or ``1.092 × 10⁻¹¹``.

    >>> share(0.125), share(1.0923e-11), share(0.0), share(0.99999)
    ('12.5%', '< 0.1%', '0.0%', '> 99.9%')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    step = 10.0**-decimals
    if 0 < 100 * v < step / 2:
        return f"< {fixed(step, decimals)}%"
    if 0 < 100 * (1 - v) < step / 2:
        return f"> {fixed(100 - step, decimals)}%"
    return percent(v, decimals)


def percent(value: Any, decimals: int | None = 1, sign: bool = False) -> str:
    """A share as a percentage: 0.125 -> ``12.5%``; ``–`` when missing; with ``decimals`` None,
    as many decimals as the share has (up to six significant digits: a rate such as a discount
    rate of 0.035 -> ``3.5%``, 0.04 -> ``4%``); with ``sign``, a difference of shares with its
    sign (``+12.5%``, :func:`signed`).

    >>> percent(0.125), percent(-0.00001), percent(0.035, None), percent(0.135, 0, sign=True)
    ('12.5%', '0.0%', '3.5%', '+14%')
    """
    v = _finite(value)
    if v is None:
        return MISSING
    if decimals is None:
        return significant(100 * v, 6) + "%"
    return (signed if sign else fixed)(100 * v, decimals) + "%"


def number_text(value: Any, kind: str = "raw") -> str:
    """A table value as text in the format of its column ``kind`` (:data:`KINDS`).

    >>> number_text(1234567.891, "money"), number_text(17.43567, "qaly"), number_text(2024, "id")
    ('1,234,568', '17.436', '2024')
    """
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if not isinstance(value, (int, float)) and not hasattr(value, "item"):
        return str(value)
    if kind == "id":
        return integer(value)
    if kind == "percent":
        return percent(value)
    if kind == "sig4":
        return significant(value, 4)
    decimals = KINDS.get(kind, KINDS["raw"])[1]
    if decimals is not None:
        return fixed(value, decimals)
    v = _finite(value)
    if v is not None and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return significant(value, 6)


def tick(decimals: int = 0) -> Any:
    """A tick-label function for matplotlib's ``FuncFormatter``: thousands separators, no
    scientific notation (``1,250,000``)."""
    return lambda v, _pos=None: fixed(v, decimals)


#: Frontier statuses (:mod:`hecon.analysis.incremental`) and how the report words them.
_FRONTIER_WORDS = {
    "dominated": "dominated on the efficiency frontier (another strategy costs less and gains more)",
    "extendedly dominated": (
        "extendedly dominated on the efficiency frontier (a mix of two other strategies is more efficient)"
    ),
    "outside the decision": "a reference strategy, outside the decision (not on the efficiency frontier)",
}
#: The frontier status :func:`versus_text` takes for a reference strategy (Strategies role), which
#: has no row on the frontier.
OUTSIDE_DECISION = "outside the decision"


def versus_text(description: str, frontier_status: str | None) -> str:
    """The result of a strategy against the comparator (``description``, e.g. ``EUR 45,000 per
    QALY gained``) with its place on the efficiency frontier when it is off it, in the same
    sentence, so that a ratio is never read alone.

    >>> versus_text("EUR 1,877,550 per QALY gained", "dominated")
    'EUR 1,877,550 per QALY gained, but dominated on the efficiency frontier (another strategy costs less and gains more)'
    >>> versus_text("EUR 45,000 per QALY gained", "non-dominated")
    'EUR 45,000 per QALY gained'
    """
    return _but_off(description, _FRONTIER_WORDS.get(frontier_status or ""))


def _but_off(description: str, off: str | None) -> str:
    """``description`` followed by ", but ``off``" (the words for a place off the frontier), unless
    there are none or the description says "dominated" already."""
    if off and not description.lower().startswith("dominated"):
        return f"{description}, but {off}"
    return description


#: The short form of :data:`_FRONTIER_WORDS` for a table cell.
_FRONTIER_CELL = {
    "dominated": "dominated",
    "extendedly dominated": "extendedly dominated",
    "outside the decision": "a reference strategy",
}


def versus_cell(description: str, frontier_status: str | None) -> str:
    """:func:`versus_text` in the few words a table cell holds (the table's note explains them).

    >>> versus_cell("EUR 53,017 per QALY gained", "extendedly dominated")
    'EUR 53,017 per QALY gained, but extendedly dominated'
    >>> versus_cell("EUR 53,017 per QALY gained", "reference")
    'EUR 53,017 per QALY gained'
    """
    return _but_off(description, _FRONTIER_CELL.get(frontier_status or ""))
