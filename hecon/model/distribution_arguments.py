"""PSA distribution arguments written as formulas of other parameters.

A distribution argument may be a formula instead of a number, e.g. a normal distribution of a
log hazard ratio with ``mean = log_hr; sd = (log_upper - log_lower) / 3.92`` from a published
95% confidence interval (2 x 1.96 standard errors wide; Briggs A, Claxton K, Sculpher M.
Decision Modelling for Health Economic Evaluation. OUP 2006, ch. 4). Such a formula is parsed by
:mod:`hecon.model.expressions` (never ``eval``-ed) and evaluated **once, with the deterministic
values** of the parameters it reads (their ``value`` on the Parameters sheet, itself possibly a
formula of other parameters); the PSA then draws from the distribution with those numbers. The
parameters it reads keep their own distributions: a sample of ``log_upper`` does not change
``sd``.

A formula may read only parameters whose value is a single number: not model variables
(``model_time``, ``age``, ...), survival curves, life tables or schedules, which change over time
or need the model. Every problem is located at the parameter's distribution (its
``distribution_args`` cell in a workbook).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from hecon.model import expressions
from hecon.model.problems import Element, ModelError, Problem, suggestion
from hecon.model.spec import Distribution, Parameter

__all__ = ["EvaluatedArguments", "evaluate_arguments", "formula_arguments"]

_TEXT_ARGUMENTS = frozenset({"transform"})
"""Arguments whose value is a word, never a formula (mvnormal ``transform``)."""


class EvaluatedArguments(NamedTuple):
    """What :func:`evaluate_arguments` found.

    problems   : one per formula that could not be evaluated or gave no finite number
    parameters : the parameters with every evaluated formula argument replaced by its number
    failed     : names of parameters with a formula argument that could not be evaluated
                 (their distributions are left as given and must not be resolved)
    formulas   : parameter name -> {argument: formula text}, for messages
    """

    problems: list[Problem]
    parameters: tuple[Parameter, ...]
    failed: frozenset[str]
    formulas: dict[str, dict[str, str]]


def formula_arguments(dist: Distribution) -> dict[str, str]:
    """The arguments of ``dist`` given as formulas: text that is not a number (argument -> text)."""
    out: dict[str, str] = {}
    for arg, raw in (dist.args or {}).items():
        if isinstance(raw, str) and arg not in _TEXT_ARGUMENTS:
            try:
                float(raw.strip())
            except ValueError:
                out[arg] = raw.strip()
    return out


class _Values:
    """Deterministic values of the parameters, evaluated on demand, each once."""

    def __init__(self, parameters: Sequence[Parameter]) -> None:
        self.by_name = {p.name: p for p in parameters}
        self.cache: dict[str, float] = {}

    def value_of(self, name: str, path: tuple[str, ...] = ()) -> float:
        """Value of parameter ``name``; ValueError saying why it has no single value."""
        if name in self.cache:
            return self.cache[name]
        if name in path:
            cycle = " -> ".join(path[path.index(name) :] + (name,))
            raise ValueError(f"'{path[0]}' depends on itself ({cycle})")
        raw = self.by_name[name].value
        try:
            expr = expressions.parse(raw, Element("parameter", name, part="value"))
        except ModelError:
            raise ValueError(f"the value of '{name}' is not a valid formula") from None
        value = self.evaluate(expr, path + (name,))
        self.cache[name] = value
        return value

    def evaluate(self, expr: expressions.Expression, path: tuple[str, ...]) -> float:
        """Value of ``expr``, read by the chain of parameters ``path`` (empty: the argument itself)."""
        who = f"the value of '{path[-1]}'" if path else "the formula"
        varying = sorted(expr.names & set(expressions.VARIABLES))
        if varying:
            raise ValueError(f"{who} reads {varying[0]}, which changes over time")
        if expr.refs:
            kind = sorted(k for k, _ in expr.refs)[0]
            raise ValueError(f"{who} needs a {kind} of the model")
        unknown = sorted(expr.names - set(self.by_name))
        if unknown:
            hint = suggestion(unknown[0], self.by_name) if not path else ""
            raise ValueError(f"{who} reads '{unknown[0]}', which is not a parameter{hint}")
        values = {n: self.value_of(n, path) for n in expr.names}
        result = expr.evaluate(_Context(values))
        if np.ndim(result) != 0:
            raise ValueError(f"'{expr.text}' does not give a single number")
        return float(result)


class _Context:
    """An :class:`~hecon.model.expressions.EvaluationContext` holding parameter values only
    (formulas that need the model are refused before they are evaluated)."""

    def __init__(self, values: Mapping[str, float]) -> None:
        self.values = values

    def value(self, name: str) -> Any:
        return self.values[name]

    def _model(self, *args: Any) -> Any:
        raise RuntimeError("a distribution argument cannot read the model")  # refused before evaluation

    curve_event_probability = curve_survival = curve_hazard = _model
    gp_mortality = administrations = _model


def evaluate_arguments(parameters: Sequence[Parameter], model: Sequence[Parameter] | None = None) -> EvaluatedArguments:
    """Replace every distribution argument given as a formula by its deterministic value.

    Parameters
    ----------
    parameters : the parameters whose distributions are evaluated
    model      : all parameters of the model, whose values the formulas read (default
                 ``parameters``)

    Returns
    -------
    EvaluatedArguments
        Problems located at ``Element("parameter", name, part="distribution")``: a formula
        that cannot be parsed, reads an unknown name (with "did you mean"), reads a parameter
        whose value changes over time or needs the model, reads a circular definition, or
        gives no finite number. Range checks (sd >= 0, ...) are
        :mod:`hecon.model.distributions`' own.

    Examples
    --------
    >>> ps = [Parameter("lo", 0.5), Parameter("hi", 0.9),
    ...       Parameter("hr", 0.7, distribution=Distribution("normal", {"mean": "(lo + hi) / 2",
    ...                                                                  "sd": "(hi - lo) / 3.92"}))]
    >>> args = evaluate_arguments(ps).parameters[2].distribution.args
    >>> round(args["mean"], 12), round(args["sd"], 12)
    (0.7, 0.102040816327)
    """
    values = _Values(model if model is not None else parameters)
    problems: list[Problem] = []
    failed: set[str] = set()
    formulas: dict[str, dict[str, str]] = {}
    out: list[Parameter] = []
    for p in parameters:
        texts = formula_arguments(p.distribution) if p.distribution is not None else {}
        if not texts or p.distribution is None:
            out.append(p)
            continue
        formulas[p.name] = texts
        where = Element("parameter", p.name, part="distribution")
        args = dict(p.distribution.args)
        for arg, text in texts.items():
            try:
                expr = expressions.parse(text, where)
                number = values.evaluate(expr, ())
            except ModelError as exc:
                problems.append(Problem(where, f"argument {arg}: {exc.problems[0].what}", exc.problems[0].expected))
                failed.add(p.name)
                continue
            except ValueError as exc:
                problems.append(
                    Problem(
                        where,
                        f"argument {arg} = {text}: {exc}",
                        "a formula of parameters whose values are single numbers",
                    )
                )
                failed.add(p.name)
                continue
            if not math.isfinite(number):
                problems.append(
                    Problem(
                        where, f"argument {arg} = {text} gives {number} with the base-case values", "a finite number"
                    )
                )
                failed.add(p.name)
                continue
            args[arg] = number
        out.append(replace(p, distribution=replace(p.distribution, args=args)))
    return EvaluatedArguments(problems, tuple(out), frozenset(failed), formulas)
