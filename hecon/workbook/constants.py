"""Checks of transition probabilities that are constant, before anything runs.

Many probabilities are plain numbers, or formulas of parameters that are plain numbers
(``p_HS1``, ``1 - p_stay``, ``rate_to_prob(r, cycle_years)``). Their values are known without
running anything, so the engine's run-time checks can be made up front for them:

* each constant probability lies in [0, 1];
* the constant probabilities out of a state add up to at most 1 when a complement ``#`` takes
  the rest, and to exactly 1 when there is no complement and every row is constant.

Problems use the compiler's locations (``strategy 'A', transition H -> S1`` and
``strategy 'A', transitions out of 'H'``), so the validator places them at cells like the
compiler's own. A problem found for every strategy is reported once; otherwise it names the
strategies.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from hecon.engine.compiler import PROBABILITY_TOLERANCE
from hecon.model import expressions
from hecon.model.expressions import Expression
from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import COMPLEMENT, ModelSpec, Strategy, Transition


class _NotConstant(Exception):
    pass


def _parse(value: Any) -> Expression | None:
    try:
        return expressions.parse(value)
    except ModelError:
        return None


class _ConstantContext:
    """Evaluates expressions whose value is fixed: constant parameters and the cycle length."""

    def __init__(self, spec: ModelSpec, strategy: Strategy):
        values = {p.name: p.value for p in spec.parameters}
        values.update(strategy.parameters)
        self.values = values
        settings = spec.settings
        self.known: dict[str, float] = {
            "cycle_years": settings.cycle_length_years,
            "cycle_days": float(settings.cycle_length_days),
        }
        self.busy: set[str] = set()

    def value(self, name: str) -> Any:
        if name in self.known:
            return self.known[name]
        if name not in self.values or name in self.busy:
            raise _NotConstant(name)
        expr = _parse(self.values[name])
        if expr is None:
            raise _NotConstant(name)
        self.busy.add(name)
        try:
            value = self.constant(expr)
        finally:
            self.busy.discard(name)
        self.known[name] = value
        return value

    def constant(self, expr: Expression) -> float:
        value = np.asarray(expr.evaluate(self))
        if value.size != 1:
            raise _NotConstant(expr.text)
        return float(value.reshape(-1)[0])

    def _refuse(self, *args: Any) -> Any:
        raise _NotConstant("model object")

    curve_event_probability = curve_survival = curve_hazard = gp_mortality = administrations = _refuse


def constant_value(spec: ModelSpec, strategy: str | None, value: Any) -> float | None:
    """The value of an expression in a strategy (None: the base case) if it is constant, else None."""
    own = next((s for s in spec.strategies if s.name == strategy), Strategy(""))
    expr = _parse(value)
    if expr is None:
        return None
    try:
        return _ConstantContext(spec, own).constant(expr)
    except (_NotConstant, TypeError, ValueError, ArithmeticError):
        return None


def _chosen(spec: ModelSpec, strategy: str) -> dict[tuple[str, str], Transition]:
    """The transitions of a strategy: shared rows, replaced by its own rows with the same from/to
    (as :func:`hecon.engine.compiler.compile_model` chooses them)."""
    chosen: dict[tuple[str, str], Transition] = {}
    for t in spec.transitions:
        if t.strategy is None:
            chosen.setdefault((t.from_state, t.to_state), t)
    for t in spec.transitions:
        if t.strategy == strategy:
            chosen[(t.from_state, t.to_state)] = t
    return chosen


def constant_problems(spec: ModelSpec) -> list[Problem]:
    """Problems with constant transition probabilities of every strategy (see module docs).

    Works on the spec as it is, whether or not it compiles: a formula that cannot be read or
    names something unknown is simply not constant.
    """
    found: dict[tuple[Element, str, str], list[str]] = {}  # (location, any strategy; what; expected) -> strategies
    for strategy in spec.strategies:
        ctx = _ConstantContext(spec, strategy)
        rows_of: dict[str, list[Transition]] = {}
        for (source, _), t in _chosen(spec, strategy.name).items():
            rows_of.setdefault(source, []).append(t)
        for source, rows in rows_of.items():
            values = []
            all_constant = True
            complement = None
            for t in rows:
                if isinstance(t.probability, str) and t.probability.strip() == COMPLEMENT:
                    complement = complement or t
                    continue
                expr = _parse(t.probability)
                try:
                    if expr is None:
                        raise _NotConstant(str(t.probability))
                    value = ctx.constant(expr)
                except (_NotConstant, TypeError, ValueError, ArithmeticError):
                    all_constant = False
                    continue
                if not math.isfinite(value) or not -PROBABILITY_TOLERANCE <= value <= 1 + PROBABILITY_TOLERANCE:
                    found.setdefault(
                        (
                            Element("transition", source=t.from_state, target=t.to_state),
                            f"probability {value:.6g} ('{expr.text}') is outside [0, 1]",  # type: ignore
                            "a probability between 0 and 1",
                        ),
                        [],
                    ).append(strategy.name)
                    all_constant = False
                    continue
                values.append(value)
            total = sum(values)
            where = Element("transitions_out", source=source)
            if complement is not None and total > 1 + PROBABILITY_TOLERANCE:
                found.setdefault(
                    (
                        where,
                        f"the probabilities add up to {total:.6g}, leaving a negative complement "
                        f"for -> {complement.to_state}",
                        "probabilities that sum to at most 1",
                    ),
                    [],
                ).append(strategy.name)
            elif complement is None and all_constant and values and abs(total - 1) > PROBABILITY_TOLERANCE:
                found.setdefault(
                    (where, f"the probabilities add up to {total:.6g}", "a sum of 1, or a complement '#' for the rest"),
                    [],
                ).append(strategy.name)
    everyone = len(spec.strategies)
    problems = []
    for (where, what, expected), strategies in found.items():
        if len(strategies) < everyone:
            what += " in strategy " + ", ".join(f"'{s}'" for s in strategies)
        problems.append(Problem(replace(where, strategy=strategies[0]), what, expected))
    return problems
