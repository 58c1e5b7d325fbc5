"""Turning one cell's cached value into a typed Python value, or saying what is wrong with it.

The cell kinds are listed in :mod:`hecon.workbook.schema`. Every function here takes the
value openpyxl read (``None``, ``str``, ``int``, ``float``, ``bool``, ``datetime``) and
returns a plain Python value (``str``, ``float``, ``int``, ``tuple``, ``dict``) or raises
:class:`CellError`; nothing Excel-specific leaves this module.
"""

from __future__ import annotations

import ast
import datetime as _dt
import math
import re
import unicodedata

from hecon.model import expressions
from hecon.model.limits import NAME_CHARS
from hecon.model.problems import Location, ModelError, suggestion
from hecon.model.spec import COMPLEMENT
from hecon.workbook.schema import Column


class CellError(Exception):
    """What is wrong with a cell and what was expected."""

    def __init__(self, what: str, expected: str = "", meant: object = None):
        super().__init__(what)
        self.what = what
        self.expected = expected
        self.meant = meant  # what the cell stands for all the same (a name without its invisible character)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def show(value: object) -> str:
    """A cell value as quoted in messages: text in quotes, numbers as typed."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return format_number(value) if abs(value) < 1e15 else f"{float(value):.3g}"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return f"the date/time {value.isoformat()}"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


def format_number(x: float | int) -> str:
    """Shortest text that reads back as exactly ``x`` (``20000``, ``0.1``, ``1e-06``)."""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _not_a_date(value: object, expected: str) -> None:
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
        raise CellError(f"{show(value)} is a date or time", expected + " (format the cell as General or Number)")
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is a true/false value", expected)


def to_text(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value).strip()


def to_number(value: object, expected: str = "a number") -> float:
    _not_a_date(value, expected)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            comma = _DECIMAL_COMMA.search(text)
            if comma is not None:
                raise comma_error(comma.group(0), expected, inside=text) from None
            raise CellError(f"{show(value)} is not a number", expected) from None
    if not math.isfinite(number):
        raise CellError(f"{show(value)} is not a finite number", expected)
    return number


def to_integer(value: object, expected: str = "a whole number") -> int:
    number = to_number(value, expected)
    if number != int(number):
        raise CellError(f"{show(value)} is not a whole number", expected)
    return int(number)


def to_expression(value: object, where: Location, expected: str = "a number or a formula") -> float | str:
    """A number (float) or the text of a formula, checked by hecon's parser."""
    _not_a_date(value, expected)
    if isinstance(value, (int, float)):
        return to_number(value, expected)
    text = str(value).strip()
    try:
        expressions.parse(text, where)
    except ModelError as exc:
        commas = [m.group(0) for m in _DECIMAL_COMMA.finditer(text)]  # Dutch, German, French... number formats
        point = _DECIMAL_COMMA.sub(r"\1.\2", text)
        if commas and not _parses(point, where):  # '[p for p in (1,2)]': the comma is not what is wrong
            commas = []
        ambiguous = [c for c in commas if _thousands(c)]
        if ambiguous:
            raise comma_error(ambiguous[0], "", inside=text) from None
        if commas:
            raise CellError(
                f"{show(text)} has a decimal comma",
                f"a decimal point, e.g. {point} (in a formula a comma separates the arguments of a function)",
            ) from None
        problem = exc.problems[0]
        raise CellError(problem.what, problem.expected) from None
    if isinstance(ast.parse(text.removeprefix("=").strip(), mode="eval").body, ast.Compare):
        raise CellError(
            f"{show(text)} is a comparison: true or false, not a number",
            f"{expected}; a comparison goes inside if_else(condition, value, otherwise) or is multiplied by a number",
        )
    return text


def _parses(text: str, where: Location) -> bool:
    try:
        expressions.parse(text, where)
    except ModelError:
        return False
    return True


_DECIMAL_COMMA = re.compile(r"(?<![\w.])(\d+),(\d+)(?![\w.])")
"""A number written with a decimal comma, as in ``0,25``: only reported when the formula does not parse
and does with a decimal point there."""

_COMMA_BETWEEN_DIGITS = re.compile(r"\d+,\d+")
"""A comma between digits in a list of numbers: a decimal comma or a thousands separator."""


def _thousands(number: str) -> bool:
    """Whether ``number`` (digits, a comma, digits) may be written with a thousands separator:
    one to three digits not starting with 0, a comma, three digits (``2,000`` but not ``0,005``)."""
    whole, _, fraction = number.partition(",")
    return 1 <= len(whole) <= 3 and not whole.startswith("0") and len(fraction) == 3


def comma_error(number: str, expected: str, inside: str | None = None) -> CellError:
    """The problem of ``number``, written with a comma (``0,25``, ``2,000``): with exactly three
    digits after the comma (and no leading 0) it is ambiguous (a thousands separator or a decimal comma, so both
    readings are offered: ``2000 or 2.0``); otherwise it is a decimal comma (``0.25``).
    ``expected`` is appended to the offer; ``inside`` is the cell's text when ``number`` is part of it."""
    whole, _, fraction = number.partition(",")
    where = f" in {show(inside)}" if inside is not None and inside.strip() != number else ""
    if _thousands(number):
        point = f"{float(whole + '.' + fraction):g}"
        if "." not in point:
            point += ".0"
        return CellError(
            f"{show(number)}{where} has a comma, which is ambiguous: a thousands separator or a decimal comma",
            f"{whole}{fraction} or {point} (no thousands separators, a decimal point)"
            + (f"; {expected}" if expected else ""),
        )
    return CellError(
        f"{show(number)}{where} has a decimal comma",
        f"a decimal point: {whole}.{fraction}" + (f"; {expected}" if expected else ""),
    )


PROBABILITY_EXPECTED = f"a probability between 0 and 1, a formula, or {COMPLEMENT} for the rest"


def to_probability(value: object, where: Location) -> float | str:
    """A probability: a number in [0, 1], ``#``, or a formula whose constant value is in [0, 1]."""
    if isinstance(value, str) and value.strip() == COMPLEMENT:
        return COMPLEMENT
    result = to_expression(value, where, PROBABILITY_EXPECTED)
    constant = result if isinstance(result, float) else expressions.parse(result, where).constant
    if constant is not None and not 0.0 <= constant <= 1.0:
        shown = show(value) if isinstance(value, str) else format_number(constant)
        detail = f" (= {format_number(constant)})" if isinstance(value, str) else ""
        raise CellError(f"probability {shown}{detail} is outside [0, 1]", PROBABILITY_EXPECTED)
    return result


def to_choice(value: object, allowed: tuple[str, ...]) -> str:
    expected = "one of " + ", ".join(allowed)
    _not_a_date(value, expected)
    text = to_text(value)
    if text in allowed:
        return text
    folded = {a.lower(): a for a in allowed}
    if text.lower() in folded:
        return folded[text.lower()]
    raise CellError(f"{show(value)} is not supported{suggestion(text, allowed)}", expected)


def to_list(value: object) -> tuple[str, ...]:
    return tuple(part.strip() for part in to_text(value).split(",") if part.strip())


def to_numbers(value: object) -> tuple[float, ...]:
    expected = "numbers separated by ;, e.g. 20000; 50000; 80000"
    _not_a_date(value, expected)
    if isinstance(value, (int, float)):
        return (to_number(value, expected),)
    text = str(value)
    between = _COMMA_BETWEEN_DIGITS.search(text)
    if between is not None:  # "50000,5" or "20,000": never read as two numbers
        raise comma_error(between.group(0), expected, inside=text)
    parts = [p.strip() for p in text.replace(",", ";").split(";")]  # "20000, 50000": a list
    numbers = []
    for part in parts:
        if not part:
            continue
        try:
            numbers.append(to_number(part, expected))
        except CellError:
            raise CellError(f"{show(part)} in {show(value)} is not a number", expected) from None
    if not numbers:
        raise CellError(f"{show(value)} holds no number", expected)
    return tuple(numbers)


ARGUMENTS_EXPECTED = "name=value pairs separated by ;, e.g. mean=0.8; se=0.05"


def to_arguments(value: object) -> dict[str, float | str]:
    """``'a=1; b=x+1'`` -> ``{'a': 1.0, 'b': 'x+1'}``; numbers become floats, the rest stays text."""
    _not_a_date(value, ARGUMENTS_EXPECTED)
    if isinstance(value, (int, float)):
        raise CellError(f"{show(value)} has no argument name", ARGUMENTS_EXPECTED)
    args: dict[str, float | str] = {}
    for part in str(value).split(";"):
        if not part.strip():
            continue
        name, sep, text = part.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise CellError(f"{show(part.strip())} is not name=value", ARGUMENTS_EXPECTED)
        if name in args:
            raise CellError(f"argument '{name}' is given twice", "each argument once")
        try:
            args[name] = float(text)
        except ValueError:
            comma = _DECIMAL_COMMA.search(text)
            if comma is not None and "(" not in text:  # outside a function call a comma is no separator
                problem = comma_error(comma.group(0), "", inside=text)
                raise CellError(f"argument '{name}': {problem.what}", problem.expected) from None
            args[name] = text
    if not args:
        raise CellError(f"{show(value)} holds no argument", ARGUMENTS_EXPECTED)
    return args


_YES = {"yes", "y", "true", "1", "x", "ja", "j", "waar"}
_NO = {"no", "n", "false", "0", "nee", "onwaar", "-"}


def to_flag(value: object) -> bool:
    """yes/no: TRUE/FALSE, yes/no, y/n, 1/0, x (Dutch ja/nee too)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = to_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"{show(value)} is not yes or no", "yes or no (blank = no)")


def to_value(value: object) -> float | str:
    """A number (float) or stripped text; checked later against what it belongs to."""
    _not_a_date(value, "a number or text")
    if isinstance(value, (int, float)):
        return to_number(value)
    return str(value).strip()


#: Unicode categories of characters that show as nothing or as a space: spaces other than ASCII's
#: (U+00A0 NO-BREAK SPACE, pasted from web pages and Word), line separators, format characters
#: (U+200B ZERO WIDTH SPACE) and control characters.
_INVISIBLE = ("Zs", "Zl", "Zp", "Cf", "Cc")
_NAMED_KINDS = ("name", "expression", "probability", "value", "list")
"""Column kinds whose text names something: an invisible character there is refused, not stripped."""


def _no_invisible(value: object) -> None:
    """Refuse a text with an invisible character other than ASCII white space: 'p_HS1' followed by a
    no-break space would otherwise be read as p_HS1 here and as another name elsewhere (Python's
    strip() removes it from one cell but not from a formula's middle)."""
    if not isinstance(value, str) or value.isascii():
        return
    char = next((c for c in value if not c.isascii() and unicodedata.category(c) in _INVISIBLE), None)
    if char is not None:
        name = unicodedata.name(char, "a control character")
        raise CellError(
            f"{show(value.strip(' '))} has an invisible character, U+{ord(char):04X} ({name})",
            "plain text without it: retype the cell (such characters come with text pasted from web pages or Word)",
            "".join(c for c in value if c.isascii() or unicodedata.category(c) not in _INVISIBLE).strip(),
        )


def to_name(value: object) -> str:
    """A name (of a parameter, state, strategy, ...), at most :data:`~hecon.model.limits.NAME_CHARS` long."""
    _not_a_date(value, "a name")
    text = to_text(value)
    if len(text) > NAME_CHARS.value:
        raise CellError(
            f"the name '{text[:40]}...' has {len(text):,} characters", NAME_CHARS.expected("a name of"), text
        )
    return text


def convert(value: object, column: Column, where: Location) -> object:
    """The typed value of a non-blank cell of ``column``; raises CellError."""
    kind = column.kind
    if kind in _NAMED_KINDS:
        _no_invisible(value)
    if kind == "text":
        return to_text(value)
    if kind == "name":
        return to_name(value)
    if kind == "number":
        return to_number(value)
    if kind == "integer":
        return to_integer(value)
    if kind == "expression":
        return to_expression(value, where)
    if kind == "probability":
        return to_probability(value, where)
    if kind == "choice":
        return to_choice(value, column.allowed)
    if kind == "list":
        return to_list(value)
    if kind == "numbers":
        return to_numbers(value)
    if kind == "arguments":
        return to_arguments(value)
    if kind == "value":
        return to_value(value)
    if kind == "flag":
        return to_flag(value)
    raise AssertionError(kind)
