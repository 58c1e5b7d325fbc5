"""The one error type that hecon raises for bad models and bad inputs, and where problems are.

Every problem says *where* (a workbook cell, a line of a data file, or a model element such
as a strategy's transition), *what* is wrong and *what was expected*. The location is a typed
object, set where the problem is found, so that a reader can map a model element back to the
cell it came from without reading message text. Problems are collected and raised together
so that a user fixes a model in one pass instead of one error at a time.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """A workbook cell (``Parameters!C7``), or a whole sheet when ``address`` is empty."""

    sheet: str
    address: str = ""  # column letters and row number, e.g. "C7"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.address}" if self.address else self.sheet

    @property
    def column(self) -> str:
        return self.address.rstrip("0123456789")

    @property
    def row(self) -> int:
        digits = self.address[len(self.column) :]
        return int(digits) if digits else 0


@dataclass(frozen=True)
class FileLine:
    """A file, or one line of it (``ipd.csv:12``; line 1 is the header of a CSV file)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


#: Element kinds and what their fields mean (``name`` unless said otherwise).
ELEMENT_KINDS = (
    "setting",  # a setting (name: field of Settings; "" for the settings as a whole)
    "topic",  # a part of the model or an analysis as a whole (name: e.g. "states", "DSA")
    "state",  # part: "", "name", "tunnel", "utility", "cost:<category>", "count:<name>"; strategy and
    #           detail (cycle, sample, state_time) for a value found while the model runs
    "parameter",  # optionally of a strategy; part: "", "name", "value", "group", "distribution", "covariance",
    #               "dsa", "dsa_low", "dsa_high", "draws" (an empirical distribution's draws; index: the draw, 0-based)
    "strategy",  # path: the names along a circular definition
    "transition",  # strategy, source, target; part: "", "from", "to", "strategy"; detail: cycle, sample
    "transitions_out",  # strategy, source: the row sum of a state's transitions; detail as above
    "reward",  # a transition reward: strategy, source, target, index (row among rewards); part as transition
    "curve",  # a survival curve; part: "", "distribution", "time_unit", "parameters", "parameter <k>",
    #           "hazard_ratio", "acceleration_factor", "cure_fraction"; strategy when evaluated for one
    "schedule",  # index: segment (0-based) when the problem is in one segment; part: its column
    "initial",  # the initial state distribution: name = state; part: "", "state", "share"
    "life_table",
    "scenario",  # name = scenario; target = the override's target; detail = the location inside it
    "threshold",  # a price-threshold query: name = parameter
    "entry",  # one entry of data given in Python: name = what the entries are, index (0-based)
    "partition",  # a partitioned-survival row: name = state, strategy; part: "", "state", "survival"
    "survival_point",  # a published survival point: index (0-based, in the model's order); part: its column
    "cost_category",  # a cost category's perspective tag: name = category; part: its column
    "evppi_group",  # a named EVPPI group: name = group, index = member (0-based); part: its column
    "budget",  # a budget impact input: index (0-based, in the model's order); part: its column
    "option",  # a command-line option: name = the option (--psa), detail = its value as given
)

_CURVE_PARTS = {
    "hazard_ratio": "hazard ratio",
    "acceleration_factor": "acceleration factor",
    "cure_fraction": "cure fraction",
}


@dataclass(frozen=True)
class Element:
    """A model element that a problem is about.

    ``kind`` is one of :data:`ELEMENT_KINDS`; the other fields say which element and which of
    its parts. ``str()`` gives the text users read (``strategy 'CAR-T', transition PF -> PD``).
    """

    kind: str
    name: str = ""
    strategy: str | None = None
    source: str | None = None
    target: str | None = None
    part: str = ""
    index: int | None = None
    path: tuple[str, ...] = ()
    detail: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ELEMENT_KINDS:
            raise ValueError(f"unknown element kind {self.kind!r}; expected one of {', '.join(ELEMENT_KINDS)}")

    def __str__(self) -> str:
        return _RENDER[self.kind](self)

    @property
    def _own(self) -> str:
        return f"strategy '{self.strategy}', " if self.strategy is not None else ""

    @property
    def _tail(self) -> str:
        return f", {self.detail}" if self.detail else ""


def _state_text(e: Element) -> str:
    text = f"{e._own}state '{e.name}'"
    if e.part == "utility":
        text += ", utility"
    elif e.part.startswith(("cost:", "count:")):
        what, _, category = e.part.partition(":")
        text += f", {what} '{category}'"
    return text + e._tail


def _curve_text(e: Element) -> str:
    text = f"survival curve '{e.name}'" if e.name else "survival curve"
    if e.part.startswith("parameter "):
        text += f", {e.part}"
    elif e.part in _CURVE_PARTS:
        text += f", {_CURVE_PARTS[e.part]}"
    return text + (f" (strategy '{e.strategy}')" if e.strategy is not None else "")


def _reward_text(e: Element) -> str:
    source = f"{e.source} " if e.source is not None else ""
    return f"{e._own}transition reward {source}-> {e.target}{e._tail}"


def _schedule_text(e: Element) -> str:
    return f"schedule '{e.name}'" + (f", segment {e.index + 1}" if e.index is not None else "")


def _initial_text(e: Element) -> str:
    return f"initial state distribution, state '{e.name}'" if e.name else f"{e._own}initial state distribution"


def _scenario_text(e: Element) -> str:
    return f"scenario '{e.name}'" + (f", target '{e.target}'" if e.target is not None else "") + e._tail


_RENDER: dict[str, Callable[[Element], str]] = {
    "setting": lambda e: f"settings.{e.name}" if e.name else "settings",
    "topic": lambda e: e.name,
    "state": _state_text,
    "parameter": lambda e: f"{e._own}parameter '{e.name}'",
    "strategy": lambda e: f"strategy '{e.name}'",
    "transition": lambda e: f"{e._own}transition {e.source} -> {e.target}{e._tail}",
    "transitions_out": lambda e: f"{e._own}transitions out of '{e.source}'{e._tail}",
    "reward": _reward_text,
    "curve": _curve_text,
    "schedule": _schedule_text,
    "initial": _initial_text,
    "life_table": lambda e: f"life table '{e.name}'",
    "scenario": _scenario_text,
    "threshold": lambda e: f"threshold for '{e.name}'",
    "entry": lambda e: f"{e.name} {e.index + 1}" if e.index is not None else e.name,
    "partition": lambda e: f"{e._own}partition, state '{e.name}'{e._tail}",
    "survival_point": lambda e: f"survival point {(e.index or 0) + 1}" + (f", {e.part}" if e.part else ""),
    "cost_category": lambda e: f"cost category '{e.name}'" + (f", {e.part}" if e.part else ""),
    "evppi_group": lambda e: f"EVPPI group '{e.name}'" + (f", {e.part}" if e.part else ""),
    "budget": lambda e: f"budget impact input {(e.index or 0) + 1}" + (f", {e.part}" if e.part else ""),
    "option": lambda e: f"{e.name} {e.detail}" if e.detail else e.name,
}


Location = Cell | FileLine | Element


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a model or workbook.

    where    : the location: a :class:`Cell`, a :class:`FileLine` or a model :class:`Element`
    what     : what is wrong, quoting the offending value
    expected : what would have been accepted
    cause    : for a value that is only wrong through what it does elsewhere (a DSA bound that
               drives a transition probability above 1), the problem found there; ``what`` then
               says how the value was used (``with p_HS1 at its DSA high value 1.2``) and the text
               reads ``where: what, cause``
    """

    where: Location
    what: str
    expected: str = ""
    cause: Problem | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.where, (Cell, FileLine, Element)):
            raise TypeError(f"a problem's location must be a Cell, FileLine or Element, not {self.where!r}")

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        if self.cause is not None:
            text += f", {self.cause}"
        return f"{text}; expected {self.expected}" if self.expected else text


def topic(name: str) -> Element:
    """The location of a problem with a part of the model or an analysis as a whole."""
    return Element("topic", name)


class ModelError(ValueError):
    """A model, expression or workbook that hecon cannot run, with every problem found."""

    def __init__(self, problems: Iterable[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemCollector:
    """Collects problems while checking a model; raises them together at the end."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: Location, what: str, expected: str = "") -> None:
        self.problems.append(Problem(where, what, expected))

    def extend(self, error: ModelError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ModelError(self.problems)


def show_number(x: float, bounds: tuple[float, float] | None = None) -> str:
    """``x`` for a message: 6 significant digits, or as many more as it takes to show that it lies
    outside ``bounds`` (``1.000000001``, not ``1``, for a probability above 1); ``NaN``, ``inf``
    and ``-inf`` for values that are not finite; never a Python repr such as ``np.float64(1.5)``."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    outside = bounds is not None and not bounds[0] <= x <= bounds[1]
    for digits in range(6, 18):
        text = f"{x:.{digits}g}"
        if not outside or not bounds[0] <= float(text) <= bounds[1]:  # type: ignore[index]
            return text
    return repr(x)


def show_count(x: float) -> str:
    """A count for a message (cycles, samples), rounded to a whole number, with thousands
    separators and never in scientific notation: ``13,514,250,000,000``."""
    return f"{round(float(x)):,}"


def suggestion(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a close match, else ''."""
    by_folded = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(by_folded), n=1, cutoff=0.7)
    return f" (did you mean '{by_folded[close[0]]}'?)" if close else ""
