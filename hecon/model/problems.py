"""The one error type that hecon raises for bad models and bad inputs.

Every problem says *where* (a workbook cell, or strategy / state / transition / cycle),
*what* is wrong and *what was expected*. Problems are collected and raised together so
that a user fixes a model in one pass instead of one error at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a model or workbook.

    where    : location, e.g. ``"Parameters!C7"`` or ``"strategy 'CAR-T', transition PF -> PD"``
    what     : what is wrong, quoting the offending value
    expected : what would have been accepted
    """

    where: str
    what: str
    expected: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        return f"{text}; expected {self.expected}" if self.expected else text


class ModelError(ValueError):
    """A model, expression or workbook that hecon cannot run, with every problem found."""

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems: list[Problem] = [p if isinstance(p, Problem) else Problem("model", p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemCollector:
    """Collects problems while checking a model; raises them together at the end."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, what: str, expected: str = "") -> None:
        self.problems.append(Problem(where, what, expected))

    def extend(self, error: ModelError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ModelError(self.problems)
