"""Compiled models, each compiled once per run, and a scenario's built on its base case's.

:func:`compiled` gives the compiled model of a spec, compiling it once however many analyses of a
run ask for it (specs are immutable, so the same spec object always compiles to the same model).

A scenario, a subgroup and the rewritten model of a DSA or threshold analysis are their base
case's spec with some parameters' values (base or a strategy's own), some settings or a few
added parameters replaced; every other part of the spec (states, transitions, transition
rewards, initial shares, survival curves, life tables, schedules, partitions) is the same
object (:func:`same_shared`). Compiling such a spec from scratch repeats what compiling its base
case did: expanding the states, parsing every state value, transition, reward and curve,
building each strategy's sparse edge list and checking the names and the circular definitions
of every formula.

:func:`recompile` builds on the base case's compiled model instead. It parses the parameters
(each unchanged one's expression is the base case's) and checks the settings, the names, the
roles and the PSA distributions (these only when the parameters changed) as
:func:`~hecon.engine.compiler.compile_model` does, and keeps each strategy's transitions,
edges, rewards, initial shares and partition rows. A strategy's name checks and the model
variables each parameter reads (through the dependency graph) are found again only when a
formula now names other parameters or model objects than in the base case (a number replaced by
a number changes neither) or the share of men changed; the within-cycle weights only when the
horizon, cycle length or weights changed. The result is the model :func:`compile_model` gives,
field by field (``tests/engine/test_recompile.py``); a spec with a problem is compiled from
scratch, so that its problems are listed exactly as they are without a base.

The base (:func:`base_for`) is the most recent model compiled from scratch, with the same limits
in force (:mod:`hecon.model.limits`: a formula accepted under a larger limit is parsed again),
whose spec shares those parts with the new one and has the same structure and strategies.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import replace

from hecon.engine.compiler import (
    CompiledModel,
    _check_names,
    _check_reward_timing,
    _check_roles,
    _check_settings,
    _check_unique,
    _object_names,
    _Parser,
    _reward_index,
    _state_exprs,
    _weights,
    compile_model,
    proportion_male,
    strategy_parameters,
)
from hecon.model import distributions
from hecon.model.expressions import Expression
from hecon.model.limits import LIMITS
from hecon.model.memo import IdentityMemo
from hecon.model.problems import Element, ModelError, ProblemCollector
from hecon.model.spec import ModelSpec

#: ModelSpec fields that no run of the engine reads (descriptions, analyses run on the results).
_NOT_RUN = frozenset(
    {
        "parameters",  # read through the compiled strategy's expressions (inputs.parameters_read)
        "strategies",  # likewise: a strategy's own values; its name is part of the key
        "settings",  # compared by value
        "scenarios",
        "subgroups",
        "thresholds",
        "title",
        "description",
        "assumptions",
        "utility_norms",
        "budget",
        "cost_perspectives",
        "evppi_groups",
    }
)
#: The fields compared by identity: a scenario's spec shares them with its base case.
SHARED = tuple(f.name for f in dataclasses.fields(ModelSpec) if f.name not in _NOT_RUN)


def same_shared(a: ModelSpec, b: ModelSpec) -> bool:
    """Whether ``a`` and ``b`` hold the same objects in every field compared by identity."""
    return all(getattr(a, f) is getattr(b, f) for f in SHARED)


#: Compiled models of the specs seen recently, by identity (see :func:`compiled`).
COMPILED: IdentityMemo[CompiledModel] = IdentityMemo()


def compiled(spec: ModelSpec) -> CompiledModel:
    """The compiled model of ``spec``, compiled once however many analyses of a run ask for it
    (:func:`compile_new`)."""
    return COMPILED(compile_new, spec)


def compile_new(spec: ModelSpec) -> CompiledModel:
    """``spec`` compiled: built on a base (:func:`base_for`, :func:`recompile`) when there is one,
    else from scratch (and kept as a base). Raises ModelError listing every problem found."""
    base = base_for(spec)
    if base is not None:
        return recompile(base, spec)
    model = compile_model(spec)
    remember(model)
    return model


_BASES: deque[tuple[CompiledModel, tuple[int, ...]]] = deque(maxlen=8)
"""Models compiled from scratch (most recent first), with the limits in force when they were."""


def remember(model: CompiledModel) -> None:
    """Keep ``model``, compiled from scratch, as a base for the specs derived from its spec."""
    limits = _limits()
    if limits is not None:
        _BASES.appendleft((model, limits))


def base_for(spec: ModelSpec) -> CompiledModel | None:
    """The most recent model kept by :func:`remember` that ``spec`` can be compiled from
    (:func:`recompile`), or None."""
    limits = _limits()
    for model, at in _BASES:
        if at == limits and derived(model.spec, spec):
            return model
    return None


def derived(base: ModelSpec, spec: ModelSpec) -> bool:
    """Whether ``spec`` differs from ``base`` only where :func:`recompile` looks: in parameters and
    settings, not in the structure (state transition or partitioned survival) or the strategies."""
    return (
        same_shared(base, spec)
        and base.settings.structure == spec.settings.structure
        and [s.name for s in base.strategies] == [s.name for s in spec.strategies]
    )


def recompile(base: CompiledModel, spec: ModelSpec) -> CompiledModel:
    """:func:`~hecon.engine.compiler.compile_model` of ``spec``, built on ``base`` (see the module
    docs); a spec that is not :func:`derived` from base's, or that has a problem, is compiled
    from scratch (which raises ModelError listing every problem)."""
    old = base.spec
    if not derived(old, spec):
        return compile_model(spec)
    problems = ProblemCollector()
    _check_settings(spec, problems)
    _check_unique(spec, problems)
    _check_roles(spec, problems)
    parse = _Parser(problems)
    parsed = _base_parameters(base)
    kept = {p.name: p for p in old.parameters}
    base_params: dict[str, Expression] = {}
    for p in spec.parameters:
        same = kept.get(p.name) is p and p.name in parsed
        base_params[p.name] = parsed[p.name] if same else parse(p.value, Element("parameter", p.name, part="value"))
    if len(spec.parameters) != len(old.parameters) or any(a is not b for a, b in zip(spec.parameters, old.parameters)):
        problems.problems.extend(distributions.check_parameters(spec.parameters))

    same_share = _same(spec.settings.proportion_male, old.settings.proportion_male)
    names, exprs, rows = _object_names(spec), _state_exprs(base.utility, base.costs, base.counts), _reward_index(spec)
    strategies = []
    for strategy, before in zip(spec.strategies, base.strategies):
        params = strategy_parameters(strategy, base_params, parse, problems)
        share = before.proportion_male if same_share else proportion_male(spec, parse, problems)
        sm = replace(
            before,
            parameters=params,
            proportion_male=share,
            overridden=frozenset(strategy.parameters) & frozenset(base_params),
            reads={},
            _read={},
        )
        if same_share and _same_dependencies(before.parameters, params):
            sm.reads = before.reads  # the same graph: the same variables read, and no new problem
        else:
            _check_names(sm, base.curves, names, exprs, base.tunnel, rows, problems)
        strategies.append(sm)

    settings, was = spec.settings, old.settings
    same_cycles = (settings.n_cycles, settings.within_cycle, settings.cycle_weights) == (
        was.n_cycles,
        was.within_cycle,
        was.cycle_weights,
    )
    weights = base.weights if same_cycles else _weights(spec, problems)
    _check_reward_timing(settings, problems)
    if problems.problems:
        return compile_model(spec)  # raises, listing them as a compilation without a base does
    return replace(base, spec=spec, strategies=strategies, n_cycles=settings.n_cycles, weights=weights)


def _limits() -> tuple[int, ...] | None:
    """The limits in force; None when one cannot be read (the compilation then reports it)."""
    try:
        return tuple(limit.value for limit in LIMITS)
    except ModelError:
        return None


def _base_parameters(model: CompiledModel) -> dict[str, Expression]:
    """The parsed base values of the parameters of ``model`` that some strategy does not override."""
    out: dict[str, Expression] = {}
    for sm in model.strategies:
        for name, e in sm.parameters.items():
            if name not in sm.overridden:
                out.setdefault(name, e)
    return out


def _same(a: object, b: object) -> bool:
    """The same setting value: the same object, or equal values of one type."""
    return a is b or (type(a) is type(b) and a == b)


def _same_dependencies(before: dict[str, Expression], after: dict[str, Expression]) -> bool:
    """Whether the parameters ``after`` form the dependency graph of ``before``: the same names,
    and each formula naming the same parameters, variables and model objects."""
    if before.keys() != after.keys():
        return False
    for name, e in after.items():
        was = before[name]
        if e is not was and (e.names != was.names or e.refs != was.refs):
            return False
    return True
