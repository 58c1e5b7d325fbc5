"""Varying chosen parameters along the ``sample`` dimension, for one vectorised model run.

One-way sensitivity analysis (:mod:`hecon.analysis.dsa`) and threshold analysis
(:mod:`hecon.analysis.threshold`) evaluate the model at many values of a few parameters. Rather than
a Python loop of model runs, each value becomes one sample of a single run: sample ``i``
gives parameter ``x`` the value ``v_i`` or leaves it at its base value.

Passing ``x``'s values as PSA samples would work for a parameter whose value is a number,
but a parameter whose value is a formula (``u_pd = u_pfs - 0.18``) must keep following its
formula in the samples that do not vary it (where ``u_pfs`` may be varied). So every varied
parameter's value is rewritten as

    if_else(_hecon_on_k > 0.5, _hecon_value_k, (original formula))

with two hidden parameters per target: a switch (1 in the samples that vary it) and the
value. With every switch at 0 the model gives exactly its base-case numbers.

A value that the model cannot run with (a DSA bound or a threshold's search interval that drives a
probability above 1) is reported at the element that holds it, with the problem the engine found
as its cause (:func:`variation_problems`), never as "sample 7" of the vectorised run.

Strategy-specific values follow the engine's rule for samples: a strategy's own value of a
parameter takes precedence over the base value. A :class:`Target` with ``strategy=None``
varies the base value (seen by every strategy that does not set its own); a target with a
strategy varies that strategy's own value when it has one, and the base value otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hecon.model.expressions import SWITCH_PREFIX, VALUE_PREFIX, switched
from hecon.model.memo import ValueMemo
from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import Expr, ModelSpec, Parameter
from hecon.model.types import FloatArray

if TYPE_CHECKING:
    from hecon.engine.compiler import CompiledModel

__all__ = [
    "SWITCH_PREFIX",
    "VALUE_PREFIX",
    "Target",
    "Use",
    "Variations",
    "base_value",
    "base_values",
    "variation_problems",
    "vary",
]


@dataclass(frozen=True)
class Target:
    """A parameter to vary: its base value (``strategy=None``) or one strategy's own value."""

    parameter: str
    strategy: str | None = None


@dataclass(frozen=True)
class Variations:
    """A model rewritten so that ``targets`` can be varied sample by sample.

    spec    : the rewritten model (run it with the arrays of :meth:`samples`)
    targets : the varied parameters, in order (index k is ``_hecon_on_k``)
    """

    spec: ModelSpec
    targets: tuple[Target, ...]

    def samples(self, rows: Sequence[Mapping[int, float]]) -> dict[str, FloatArray]:
        """Sample arrays for :func:`hecon.engine.run.run_model`: one sample per row; a row maps a
        target's index to its value in that sample (targets not in the row keep their base value)."""
        n = len(rows)
        out: dict[str, FloatArray] = {}
        for k in range(len(self.targets)):
            on = np.zeros(n)
            value = np.zeros(n)
            for i, row in enumerate(rows):
                if k in row:
                    on[i] = 1.0
                    value[i] = float(row[k])
            out[f"{SWITCH_PREFIX}{k}"] = on
            out[f"{VALUE_PREFIX}{k}"] = value
        return out


@dataclass(frozen=True)
class Use:
    """How one sample of a variation run sets the varied value, for messages.

    where : the element that holds the value (a parameter's ``dsa_high``, a threshold's ``upper``),
            placed at its cell by the workbook layer
    words : how the value is used, e.g. "with p_HS1 at its DSA high value 1.2"
    """

    where: Element
    words: str


def variation_problems(
    compiled: CompiledModel, variations: Variations, rows: Sequence[Mapping[int, float]], uses: Sequence[Use | None]
) -> list[Problem]:
    """What the model rejects when run with the variations ``rows`` (deterministically, every
    strategy, cycle and state time): for each failing row, each problem the engine found, as the
    cause of a problem at ``uses[i]`` (a row without a use, the base case, keeps its problems).

    The rows are run together (one vectorised run, as the analyses run them); only when that fails
    are they halved until each failing row is run on its own, so a problem never names a sample."""
    from hecon.engine.run import simulate_strategy, simulate_varied  # the kernels (numba) only when a model is run

    def failing(lo: int, hi: int) -> list[tuple[int, list[Problem]]]:
        part = rows[lo:hi]
        samples = variations.samples(part)
        try:
            for index in range(len(compiled.strategies)):
                if lo == 0 and hi == len(rows):  # every row at once, as the analysis runs them: kept for it
                    simulate_varied(compiled, index, samples, len(part))
                else:
                    simulate_strategy(compiled, index, samples, len(part), chunk_size=len(part), keep_cycles=False)
        except ModelError as e:
            if hi - lo > 1:
                mid = (lo + hi) // 2
                return failing(lo, mid) + failing(mid, hi)
            found = list(e.problems)
            for later_index in range(index + 1, len(compiled.strategies)):  # the other strategies' problems too
                try:
                    simulate_strategy(compiled, later_index, samples, 1, chunk_size=1, keep_cycles=False)
                except ModelError as later:
                    found += later.problems
            return [(lo, found)]
        return []

    out: list[Problem] = []
    for i, found in failing(0, len(rows)) if rows else []:
        use = uses[i]
        out += found if use is None else [Problem(use.where, use.words, cause=p) for p in found]
    return out


def _text(value: Expr) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value))
    text = str(value).strip()
    return text[1:].strip() if text.startswith("=") else text


def _wrap(value: Expr, k: int) -> str:
    return switched(_text(value), k)


def _check(spec: ModelSpec, targets: Sequence[Target]) -> None:
    problems: list[Problem] = []
    names = {p.name for p in spec.parameters}
    strategies = {s.name: s for s in spec.strategies}
    for t in targets:
        where = Element("parameter", t.parameter, strategy=t.strategy or None)
        if t.parameter not in names:
            problems.append(Problem(where, "no parameter of that name", "a parameter of the model"))
        elif t.strategy is not None and t.strategy not in strategies:
            problems.append(Problem(where, f"no strategy '{t.strategy}'", "one of " + ", ".join(strategies)))
        elif t.strategy is None and strategies and all(t.parameter in s.parameters for s in strategies.values()):
            problems.append(
                Problem(
                    where,
                    "every strategy gives the parameter its own value, so its base value is never used",
                    "a parameter whose base value some strategy uses",
                )
            )
    for p in spec.parameters:
        prefix = next((x for x in (SWITCH_PREFIX, VALUE_PREFIX) if p.name.startswith(x)), None)
        if prefix is not None:
            problems.append(
                Problem(
                    Element("parameter", p.name, part="name"),
                    f"the name starts with {prefix}, which hecon reserves for the analyses that vary parameters",
                    "another name",
                )
            )
    if problems:
        raise ModelError(problems)


#: The rewritten models of the specs and targets seen recently (see :func:`vary`).
VARIED: ValueMemo[Variations] = ValueMemo()


def vary(spec: ModelSpec, targets: Sequence[Target]) -> Variations:
    """Rewrite ``spec`` so that each target can be set sample by sample (see the module docs),
    once per spec and targets: validation's check of the DSA values or of a threshold's grid and
    the analysis then share one rewritten model, compiled once, and one simulation of its rows.

    Raises :class:`~hecon.model.problems.ModelError` for an unknown parameter or strategy, or a base
    value that no strategy uses.
    """
    return VARIED(_vary, spec, tuple(targets))


def _vary(spec: ModelSpec, targets: tuple[Target, ...]) -> Variations:
    _check(spec, targets)
    base_wrap: dict[str, int] = {}
    own_wrap: dict[tuple[str, str], int] = {}
    for k, t in enumerate(targets):
        strategy = next((s for s in spec.strategies if s.name == t.strategy), None)
        if strategy is not None and t.parameter in strategy.parameters:
            own_wrap[(strategy.name, t.parameter)] = k
        else:
            base_wrap[t.parameter] = k
    parameters = tuple(
        dataclasses.replace(p, value=_wrap(p.value, base_wrap[p.name])) if p.name in base_wrap else p
        for p in spec.parameters
    )
    hidden = tuple(
        Parameter(f"{prefix}{k}", 0.0) for k in range(len(targets)) for prefix in (SWITCH_PREFIX, VALUE_PREFIX)
    )
    strategies = tuple(
        dataclasses.replace(
            s,
            parameters={
                name: _wrap(v, own_wrap[(s.name, name)]) if (s.name, name) in own_wrap else v
                for name, v in s.parameters.items()
            },
        )
        for s in spec.strategies
    )
    new = dataclasses.replace(spec, parameters=parameters + hidden, strategies=strategies)
    return Variations(new, targets)


def base_value(spec: ModelSpec, parameter: str, strategy: str | None = None) -> float:
    """The value of ``parameter`` in the base case [the parameter's unit]: its number, or its
    formula evaluated with every other parameter at its base value.

    strategy : evaluate it as seen by this strategy (its own value, if it sets one); default:
               the base value, as seen by the first strategy that does not set its own.

    Raises :class:`~hecon.model.problems.ModelError` if the value changes over model time or state
    time (it has no single value), or the parameter or strategy is unknown.

    Example: ``base_value(textbook_model(), "c_trt", "B")`` is 13000.0.
    """
    return base_values(spec, [parameter], strategy)[parameter]


def base_values(spec: ModelSpec, parameters: Sequence[str], strategy: str | None = None) -> dict[str, float]:
    """:func:`base_value` of several parameters (the model is compiled once); all problems together."""
    from hecon.engine.context import BlockContext
    from hecon.engine.incremental import compiled as compile_once

    known = {p.name for p in spec.parameters}
    problems = [
        Problem(Element("parameter", n), "no parameter of that name", "a parameter of the model")
        for n in parameters
        if n not in known
    ]
    names = [s.name for s in spec.strategies]
    if strategy is not None and strategy not in names:
        problems.append(
            Problem(Element("strategy", strategy), "no strategy of that name", "one of " + ", ".join(names))
        )
    if problems:
        raise ModelError(problems)
    compiled = compile_once(spec)
    out: dict[str, float] = {}
    for name in parameters:
        if strategy is None:
            index = next((i for i, s in enumerate(spec.strategies) if name not in s.parameters), 0)
        else:
            index = names.index(strategy)
        ctx = BlockContext(compiled, compiled.strategies[index], {}, 0, 0, {})
        value = np.asarray(ctx.value(name), dtype=float)
        if value.size != 1:
            problems.append(
                Problem(
                    Element("parameter", name),
                    "changes over model time or time in a state",
                    "a parameter with one value in the base case",
                )
            )
            continue
        out[name] = float(value.reshape(-1)[0])
    if problems:
        raise ModelError(problems)
    return out
