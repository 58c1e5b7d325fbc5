"""What a strategy's run reads: the parameters its expressions depend on, part by part.

A scenario changes a few parameters (or settings); a one-way sensitivity analysis varies one
parameter per row. What a run computes from expressions that read none of the changed parameters
is what it computed before. :func:`parameters_read` follows the dependency graph (parameters ->
expressions) from every expression a strategy's run evaluates (transitions, transition and start
rewards, initial shares, the share of men, partition rows, and the state values utility, costs and
counts) through the parameters and survival curves they name; :func:`parts` does so for each part
of the run (the rows out of a state, a state's values, a reward), so that the engine can tell
which parts a scenario changes (:func:`changed`) and reuse the results of a run whose changed
parts apply only to states the cohort never occupies (see
:func:`hecon.engine.run.deterministic_strategy`).
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from hecon.engine.compiler import CompiledModel, StrategyModel
from hecon.engine.context import BlockContext
from hecon.engine.incremental import SHARED
from hecon.model.expressions import Expression
from hecon.model.memo import IdentityMemo
from hecon.model.problems import ModelError

_READ: IdentityMemo[frozenset[str]] = IdentityMemo(size=512)


def evaluated(model: CompiledModel, strategy: StrategyModel) -> list[Expression]:
    """Every expression a run of ``strategy`` evaluates directly (the parameters and curves they
    name are evaluated through them)."""
    exprs = [row.expr for g in strategy.groups for row in g.rows if row.expr is not None]
    exprs += [rr.expr for rr in strategy.rewards] + [e for _, e in strategy.start_rewards]
    exprs += [*strategy.initial.values(), strategy.proportion_male]
    exprs += [e for _, e in strategy.partition if e is not None]
    for by_state in (model.utility, *model.costs.values(), *model.counts.values()):
        exprs += by_state.values()
    return exprs


def parameters_read(model: CompiledModel, index: int) -> frozenset[str]:
    """The names of the parameters that a run of strategy ``index`` of ``model`` reads, directly
    or through other parameters and survival curves (found once per compiled strategy)."""
    return _READ(_parameters_read, model, model.strategies[index])


def _parameters_read(model: CompiledModel, strategy: StrategyModel) -> frozenset[str]:
    return _closure(model, strategy, evaluated(model, strategy))


Part = tuple[str, str]
"""A part of a strategy's run whose expressions are evaluated and checked together:
``("start", "")`` (initial shares, share of men, start rewards), ``("rows", state)`` (the
transitions out of a state), ``("reward", i)`` (transition reward row i of the strategy) and
``("value", state)`` (the state's utility, costs and counts)."""


def parts(model: CompiledModel, index: int) -> dict[Part, tuple[list[Expression], frozenset[str]]]:
    """The parts of a run of strategy ``index``, each with its expressions and the parameters they
    read (directly or through other parameters and curves)."""
    strategy = model.strategies[index]
    exprs: dict[Part, list[Expression]] = {
        ("start", ""): [*strategy.initial.values(), strategy.proportion_male, *(e for _, e in strategy.start_rewards)]
    }
    exprs[("start", "")] += [e for _, e in strategy.partition if e is not None]
    for g in strategy.groups:
        exprs[("rows", g.state)] = [row.expr for row in g.rows if row.expr is not None]
    for i, rr in enumerate(strategy.rewards):
        exprs[("reward", str(i))] = [rr.expr]
    for by_state in (model.utility, *model.costs.values(), *model.counts.values()):
        for state, e in by_state.items():
            exprs.setdefault(("value", state), []).append(e)
    return {part: (found, _closure(model, strategy, found)) for part, found in exprs.items()}


def _closure(model: CompiledModel, strategy: StrategyModel, exprs: list[Expression]) -> frozenset[str]:
    """The parameters that ``exprs`` read, directly or through other parameters and curves."""
    nodes = _NODES(_node_closures, model, strategy)
    out: set[str] = set()
    for e in exprs:
        for node in _direct(model, strategy, e):
            out |= nodes[node]
    return frozenset(out)


def _direct(model: CompiledModel, strategy: StrategyModel, e: Expression) -> list[str]:
    """The parameters ("p:name") and curves ("c:name") that ``e`` names."""
    found = [f"p:{n}" for n in e.names if n in strategy.parameters]
    return found + [f"c:{ref}" for kind, ref in e.refs if kind == "curve" and ref is not None and ref in model.curves]


_NODES: IdentityMemo[dict[str, frozenset[str]]] = IdentityMemo(size=512)


def _node_closures(model: CompiledModel, strategy: StrategyModel) -> dict[str, frozenset[str]]:
    """For every parameter ("p:name": itself included) and curve ("c:name") of ``strategy``, the
    parameters it reads, directly or through others (once per compiled strategy; the compiler has
    refused circular definitions, and a cycle would be cut here)."""
    exprs_of: dict[str, list[Expression]] = {f"p:{n}": [e] for n, e in strategy.parameters.items()}
    for name, c in model.curves.items():
        exprs_of[f"c:{name}"] = [*c.parameters.values(), c.hazard_ratio, c.acceleration_factor, c.cure_fraction]
    done: dict[str, frozenset[str]] = {}
    for root in exprs_of:  # depth first without recursion: a chain of parameters may be long
        stack: list[tuple[str, list[str]]] = [(root, [])]
        on_path = {root}
        while stack:
            node, _ = stack[-1]
            if node in done:
                stack.pop()
                on_path.discard(node)
                continue
            pending = [
                d for e in exprs_of[node] for d in _direct(model, strategy, e) if d not in done and d not in on_path
            ]
            if pending:
                stack.append((pending[0], []))
                on_path.add(pending[0])
                continue
            out = {node[2:]} if node.startswith("p:") else set()
            for e in exprs_of[node]:
                for d in _direct(model, strategy, e):
                    out |= done.get(d, frozenset())
            done[node] = frozenset(out)
            stack.pop()
            on_path.discard(node)
    return done


def sources(model: CompiledModel, index: int, part: Part) -> frozenset[str]:
    """The model states whose occupancy a part's values are applied to: the state of a row
    group or of a state value, the source states of a reward's edges; every state for the start."""
    kind, name = part
    if kind in ("rows", "value"):
        return frozenset({name})
    if kind == "reward":
        strategy = model.strategies[index]
        edges = strategy.rewards[int(name)].edges
        return frozenset(model.state_of[int(s)] for s in strategy.src[edges])
    return frozenset(model.state_of)


def shared_key(model: CompiledModel, index: int) -> Hashable:
    """What two runs of a strategy must share to be compared part by part: the settings, the
    strategy's name, the identity of the model's states, transitions, rewards, curves, tables and
    schedules (the objects a scenario's spec shares with its base case), and the parameters' names.
    The key holds ids: confirm a match with :func:`hecon.engine.incremental.same_shared` while both models are alive."""
    spec = model.spec
    strategy = model.strategies[index]
    return (tuple(id(getattr(spec, f)) for f in SHARED), spec.settings, strategy.name, tuple(strategy.parameters))


def changed(a: StrategyModel, b: StrategyModel) -> frozenset[str]:
    """The parameters whose formula differs between two compilations of a strategy."""
    return frozenset(n for n, e in a.parameters.items() if e.text != b.parameters[n].text)


def reads(model: CompiledModel, index: int, key: object) -> frozenset[str] | None:
    """The parameters that a value kept by :class:`~hecon.engine.context.BlockContext` under
    ``key`` depends on in strategy ``index`` of ``model``, directly or through other parameters
    and curves: an expression's (``("expr", text, ...)``), a parameter's (``("value", name, ...)``;
    the parameter itself too), a curve's (``("curve", name, ...)``) or the life table's death
    probabilities (``("gp_mort", table)``, through the share of men); None for a key it does not
    know."""
    strategy = model.strategies[index]
    if not isinstance(key, tuple) or len(key) < 2:
        return None
    kind, name = key[0], key[1]
    if kind == "expr":
        texts = _TEXTS(_texts, model, strategy)
        return _closure(model, strategy, [texts[name]]) if name in texts else None
    if kind == "value" and name in strategy.parameters:
        return _NODES(_node_closures, model, strategy)[f"p:{name}"]
    if kind == "curve" and name in model.curves:
        return _NODES(_node_closures, model, strategy)[f"c:{name}"]
    if kind == "gp_mort":
        return _closure(model, strategy, [strategy.proportion_male])
    return None


_TEXTS: IdentityMemo[dict[str, Expression]] = IdentityMemo(size=512)


def _texts(model: CompiledModel, strategy: StrategyModel) -> dict[str, Expression]:
    """The expressions a run of ``strategy`` evaluates, by text (as the run keeps their values)."""
    return {e.text: e for e in evaluated(model, strategy)}


#: Values (cycles x state times) evaluated at most per formula by :func:`reachable`, and by the check of
#: the parts a scenario changes before a run is reused (hecon.engine.run._parts_usable).
REACHABLE_VALUES = 2**22


def reachable(model: CompiledModel, index: int) -> frozenset[str]:
    """The model states that the cohort of strategy ``index`` can enter in its deterministic run:
    the states with an initial share other than 0, then every state a transition leads to from a
    state reached, unless its probability is 0 at every cycle and state time (a complement, a
    formula that cannot be evaluated and a model too long to evaluate at once count as not 0). For
    naming the strategies in which a state's value or row is used, when it cannot be used."""
    strategy = model.strategies[index]
    T = model.n_cycles
    if (T + 1) * model.max_tunnel > REACHABLE_VALUES:
        return frozenset(model.state_of)
    ctx = BlockContext(model, strategy, {}, 0, T, {})

    def not_zero(expr: Expression, tunnel: int) -> bool:
        try:
            return not bool(np.all(np.asarray(ctx.evaluate(expr, tunnel), dtype=float) == 0.0))
        except ModelError:
            return True

    found = {state for state, expr in strategy.initial.items() if not_zero(expr, 1)}
    groups = {g.state: g for g in strategy.groups}
    todo = list(found)
    while todo:
        g = groups.get(todo.pop())
        if g is None:
            continue
        targets = [row.to_state for row in g.rows if row.expr is None or not_zero(row.expr, g.tunnel)]
        targets += [g.complement.to_state] if g.complement is not None else []
        for state in targets:
            if state not in found:
                found.add(state)
                todo.append(state)
    return frozenset(found)
