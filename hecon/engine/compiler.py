"""Check a ModelSpec and compile it into the structures the engine runs.

Compilation parses every expression once, resolves names, detects circular parameters,
expands tunnel states and turns each strategy's transitions into a sparse edge list.
All problems are collected and raised together as one :class:`~hecon.model.problems.ModelError`.

Tunnel expansion: a state with ``tunnel=L`` becomes sub-states ``X[0] .. X[L-1]``.
Entering X from another state leads to ``X[0]``; staying (an ``X -> X`` transition, or
no transition at all out of an absorbing state) moves ``X[j]`` to ``X[min(j+1, L-1)]``;
expressions for sub-state ``X[j]`` see ``state_time = j``.
"""

from __future__ import annotations

import keyword
import math
from dataclasses import dataclass, field, replace

import numpy as np

from hecon.methods import schedules, survival
from hecon.methods.within_cycle import cycle_weights
from hecon.model import distributions, expressions
from hecon.model.expressions import STATE_TIME_VARIABLES, VARIABLES, Expression
from hecon.model.limits import CYCLES, TUNNEL_STATES, cycle_values, cycles_beyond_memory, states_beyond_memory
from hecon.model.problems import (
    Element,
    Location,
    ModelError,
    ProblemCollector,
    show_count,
    show_number,
    suggestion,
    topic,
)
from hecon.model.spec import (
    ANY_STATE,
    COMPLEMENT,
    DISCOUNT_TIMINGS,
    MAX_SEED,
    PARTITIONED_SURVIVAL,
    REWARD_KINDS,
    REWARD_TIMINGS,
    REWARD_WEIGHTS,
    START,
    STRATEGY_ROLES,
    STRUCTURES,
    TIME_UNITS,
    ModelSpec,
    Settings,
    State,
    Strategy,
    Transition,
    TransitionReward,
)

PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TransitionRow:
    """One transition of a strategy, with the edges of its L sub-state copies."""

    from_state: str
    to_state: str
    expr: Expression | None  # None: complement
    edges: np.ndarray  # edge index for sub-state j = 0..L-1

    @property
    def label(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


@dataclass(frozen=True)
class RowGroup:
    """All transitions out of one state."""

    state: str
    tunnel: int
    rows: tuple[TransitionRow, ...]
    complement: TransitionRow | None


@dataclass(frozen=True)
class RewardRow:
    """A transition reward and the edges it applies to."""

    reward: TransitionReward
    expr: Expression
    edges: np.ndarray


@dataclass
class StrategyModel:
    """A strategy compiled: its parameter expressions and sparse transition structure.

    Edges are sorted by source sub-state: the edges out of sub-state i are
    ``src_start[i]:src_start[i+1]``. ``edge_row[e]`` is the index in ``rows`` of the transition
    that gives edge e its probability (-1: the complement of its source), ``edge_j[e]`` the
    state time of its source.
    """

    name: str
    parameters: dict[str, Expression]
    groups: list[RowGroup]
    rows: list[TransitionRow]
    src: np.ndarray
    dst: np.ndarray
    src_start: np.ndarray
    edge_row: np.ndarray
    edge_j: np.ndarray
    has_complement: np.ndarray  # per sub-state: its last edge is a complement
    rewards: list[RewardRow]
    start_rewards: list[tuple[TransitionReward, Expression]]  # one-off rewards on the initial occupancy
    initial: dict[str, Expression]
    proportion_male: Expression
    overridden: frozenset[str]  # parameters this strategy gives its own value
    partition: tuple[tuple[str, Expression | None], ...] = ()  # (state, survival; None: the rest)
    reads: dict[str, frozenset[str]] = field(default_factory=dict)  # "p:name"/"c:name" -> model variables read
    _read: dict[int, tuple[Expression, frozenset[str]]] = field(default_factory=dict, repr=False, compare=False)

    def variables_read(self, e: Expression) -> frozenset[str]:
        """Model variables (model_time, state_time, ...) an expression reads, through parameters and
        curves; found once per expression (the engine asks for every expression of every block)."""
        known = self._read.get(id(e))
        if known is not None and known[0] is e:
            return known[1]
        found = self._variables_read(e)
        self._read[id(e)] = (e, found)
        return found

    def _variables_read(self, e: Expression) -> frozenset[str]:
        out = set(e.names & _VARIABLE_SET)
        for n in e.names:
            out |= self.reads.get(f"p:{n}", frozenset())
        for kind, ref in e.refs:
            if kind == "curve":
                out |= self.reads.get(f"c:{ref}", frozenset())
        return frozenset(out)


@dataclass
class CurveModel:
    """A survival curve with parsed parameter expressions."""

    name: str
    distribution: str
    time_unit_days: float
    parameters: dict[str, Expression]
    hazard_ratio: Expression
    acceleration_factor: Expression
    cure_fraction: Expression


@dataclass
class CompiledModel:
    """Everything the engine needs, with no Excel and no unparsed text."""

    spec: ModelSpec
    state_names: list[str]  # expanded, e.g. "Recovery[3]"
    state_of: list[str]  # the model state of each expanded sub-state
    slices: dict[str, slice]
    tunnel: dict[str, int]
    max_tunnel: int
    utility: dict[str, Expression]
    costs: dict[str, dict[str, Expression]]  # category -> state -> expr
    counts: dict[str, dict[str, Expression]]
    flags: dict[str, np.ndarray]  # flag -> 0/1 per expanded state
    alive: np.ndarray
    curves: dict[str, CurveModel]
    strategies: list[StrategyModel]
    n_cycles: int
    weights: np.ndarray

    @property
    def n_states(self) -> int:
        return len(self.state_names)


_VARIABLE_SET = frozenset(VARIABLES)


def compile_model(spec: ModelSpec) -> CompiledModel:
    """Check ``spec`` and compile it; raise ModelError listing every problem found. (A run asks
    :func:`hecon.engine.incremental.compiled` for its models: each compiled once, a scenario's
    built on its base case's.)"""
    problems = ProblemCollector()
    _check_settings(spec, problems)
    _check_unique(spec, problems)
    _check_roles(spec, problems)
    state_by_name = {s.name: s for s in spec.states}

    # ---- expanded state space
    state_names: list[str] = []
    state_of: list[str] = []
    slices: dict[str, slice] = {}
    tunnel: dict[str, int] = {}
    expanded = sum(s.tunnel if isinstance(s.tunnel, int) and s.tunnel >= 1 else 1 for s in spec.states)
    memory = states_beyond_memory(expanded)
    if expanded > TUNNEL_STATES.value or memory is not None:  # before the states are expanded
        what = f"the states with their tunnels expanded are {expanded:,} states"
        if expanded > TUNNEL_STATES.value:
            problems.add(topic("states"), what, TUNNEL_STATES.expected("a model of") + "; shorten the longest tunnels")
        elif memory is not None:
            problems.add(topic("states"), f"{what}, {memory[0]}", f"{memory[1]}; shorten the longest tunnels")
        problems.raise_if_any()
    for s in spec.states:
        L = s.tunnel
        if not isinstance(L, int) or L < 1:
            problems.add(
                Element("state", s.name, part="tunnel"), f"tunnel length {L!r}", "a whole number of cycles >= 1"
            )
            L = 1
        tunnel[s.name] = L
        slices[s.name] = slice(len(state_names), len(state_names) + L)
        state_names += [s.name] if L == 1 else [f"{s.name}[{j}]" for j in range(L)]
        state_of += [s.name] * L
    max_tunnel = max(tunnel.values(), default=1)

    parse = _Parser(problems)

    # ---- parameters, curves
    base_params = {p.name: parse(p.value, Element("parameter", p.name, part="value")) for p in spec.parameters}
    problems.problems.extend(distributions.check_parameters(spec.parameters))
    curves: dict[str, CurveModel] = {}
    for c in spec.survival_curves:
        if c.distribution not in survival.DISTRIBUTIONS:
            problems.add(
                Element("curve", c.name, part="distribution"),
                f"unknown distribution '{c.distribution}'",
                "one of " + ", ".join(survival.DISTRIBUTIONS),
            )
            continue
        expected = survival.DISTRIBUTIONS[c.distribution]
        if set(c.parameters) != set(expected):
            problems.add(
                Element("curve", c.name, part="parameters"),
                f"parameters {sorted(c.parameters)} given for {c.distribution}",
                f"exactly {', '.join(expected)} (flexsurv names)",
            )
            continue
        if c.time_unit not in TIME_UNITS:
            problems.add(
                Element("curve", c.name, part="time_unit"), f"time unit '{c.time_unit}'", "days, weeks, months or years"
            )
            continue
        curves[c.name] = CurveModel(
            c.name,
            c.distribution,
            TIME_UNITS[c.time_unit],
            {k: parse(v, Element("curve", c.name, part=f"parameter {k}")) for k, v in c.parameters.items()},
            parse(c.hazard_ratio, Element("curve", c.name, part="hazard_ratio")),
            parse(c.acceleration_factor, Element("curve", c.name, part="acceleration_factor")),
            parse(c.cure_fraction, Element("curve", c.name, part="cure_fraction")),
        )
    for sch in spec.schedules:
        problems.problems.extend(schedules.check_schedule(sch))
    object_names = _object_names(spec)

    # ---- state values
    utility = {s.name: parse(s.utility, Element("state", s.name, part="utility")) for s in spec.states}
    costs: dict[str, dict[str, Expression]] = {
        c: {} for c in spec.cost_categories if any(c in s.costs for s in spec.states)
    }
    counts: dict[str, dict[str, Expression]] = {
        c: {} for c in spec.count_names if any(c in s.counts for s in spec.states)
    }
    for s in spec.states:
        for cat, v in s.costs.items():
            costs[cat][s.name] = parse(v, Element("state", s.name, part=f"cost:{cat}"))
        for cat, v in s.counts.items():
            counts[cat][s.name] = parse(v, Element("state", s.name, part=f"count:{cat}"))
    flags = {f: np.array([1.0 if f in state_by_name[so].flags else 0.0 for so in state_of]) for f in spec.flags}
    alive = np.array([0.0 if state_by_name[so].is_dead else 1.0 for so in state_of])

    # ---- strategies
    strategy_names = [st.name for st in spec.strategies]
    if not strategy_names:
        problems.add(
            topic("strategies"),
            "the model has no strategy",
            "at least one strategy: a row per strategy compared, name in the first column (on the Strategies "
            "sheet of a workbook; a row marked as the template's example is not read: type your own row over "
            "it and clear its mark)",
        )
    for t in spec.transitions:
        if t.strategy is not None and t.strategy not in strategy_names:
            problems.add(
                Element("transition", source=t.from_state, target=t.to_state, part="strategy"),
                f"unknown strategy '{t.strategy}'",
                "one of " + ", ".join(strategy_names),
            )
    for i, r in enumerate(spec.transition_rewards):
        if r.strategy is not None and r.strategy not in strategy_names:
            problems.add(
                Element("reward", target=r.to_state, index=i, part="strategy"),
                f"unknown strategy '{r.strategy}'",
                "one of " + ", ".join(strategy_names),
            )
        if r.structure is not None and r.structure not in STRUCTURES:
            problems.add(
                Element("reward", target=r.to_state, index=i, part="structure"),
                f"structure '{r.structure}'",
                "blank (both structures) or one of " + ", ".join(STRUCTURES),
            )
    strategies = [
        _compile_strategy(spec, st, state_by_name, slices, tunnel, base_params, parse, problems)
        for st in spec.strategies
    ]

    # ---- names, references and circularity, per strategy
    state_exprs, reward_index = _state_exprs(utility, costs, counts), _reward_index(spec)
    for sm in strategies:
        _check_names(sm, curves, object_names, state_exprs, tunnel, reward_index, problems)

    n_cycles = spec.settings.n_cycles
    weights = _weights(spec, problems)
    _check_reward_timing(spec.settings, problems)
    problems.raise_if_any()

    return CompiledModel(
        spec,
        state_names,
        state_of,
        slices,
        tunnel,
        max_tunnel,
        utility,
        costs,
        counts,
        flags,
        alive,
        curves,
        strategies,
        n_cycles,
        weights,
    )


class _Parser:
    """Parses expressions, collecting problems instead of stopping at the first."""

    def __init__(self, problems: ProblemCollector):
        self.problems = problems

    def __call__(self, value: object, where: Location) -> Expression:
        try:
            return expressions.parse(value, where)  # type: ignore[arg-type]
        except ModelError as exc:
            self.problems.extend(exc)
            return expressions.parse(0.0, where)


def _object_names(spec: ModelSpec) -> dict[str, set[str]]:
    """The names of the model objects that formulas can name, by kind (curve, schedule, table)."""
    return {
        "curve": {c.name for c in spec.survival_curves},
        "schedule": {s.name for s in spec.schedules},
        "table": {t.name for t in spec.life_tables},
    }


def _state_exprs(
    utility: dict[str, Expression], costs: dict[str, dict[str, Expression]], counts: dict[str, dict[str, Expression]]
) -> list[tuple[str, dict[str, Expression]]]:
    """The state values by part (``utility``, ``cost:<category>``, ``count:<name>``), for the name checks."""
    return (
        [("utility", utility)]
        + [(f"cost:{k}", v) for k, v in costs.items()]
        + [(f"count:{k}", v) for k, v in counts.items()]
    )


def _reward_index(spec: ModelSpec) -> dict[int, int]:
    """The row of each transition reward among the spec's rewards, by the reward's identity."""
    return {id(r): i for i, r in enumerate(spec.transition_rewards)}


def _weights(spec: ModelSpec, problems: ProblemCollector) -> np.ndarray:
    """The within-cycle weights of the trace points (:func:`~hecon.methods.within_cycle.cycle_weights`);
    ``[0]`` for a horizon that is refused (nothing the size of a refused horizon is made)."""
    n_cycles = spec.settings.n_cycles
    try:
        if n_cycles <= CYCLES.value and _beyond_memory(spec) is None:
            return cycle_weights(spec.settings.within_cycle, max(n_cycles, 1), spec.settings.cycle_weights)
    except ModelError as exc:
        problems.extend(exc)
    return np.zeros(1)


def _shown(value: object) -> str:
    """A setting's value in a message: a number as :func:`show_number` shows it, anything else quoted."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return show_number(float(value))
    return repr(value)


def _horizon(s: Settings) -> str:
    return (
        f"a horizon of {_shown(s.horizon_years)} years in cycles of {_shown(s.cycle_length_days)} days has "
        f"{show_count(s.n_cycles)} cycles"
    )


def _beyond_memory(spec: ModelSpec) -> tuple[str, str] | None:
    """What the horizon of ``spec`` needs when its results per cycle cannot fit in memory
    (:func:`~hecon.model.limits.cycles_beyond_memory`), else None."""
    outcomes = 2 + len(spec.cost_categories) + len(spec.count_names) + len(spec.flags)  # as outcome_columns
    per_cycle = cycle_values(max(len(spec.strategies), 1), max(len(spec.states), 1), outcomes)
    return cycles_beyond_memory(spec.settings.n_cycles, per_cycle)


def _check_settings(spec: ModelSpec, problems: ProblemCollector) -> None:
    s = spec.settings
    if not (
        isinstance(s.cycle_length_days, (int, float)) and math.isfinite(s.cycle_length_days) and s.cycle_length_days > 0
    ):
        problems.add(Element("setting", "cycle_length_days"), _shown(s.cycle_length_days), "a positive number of days")
    elif not (isinstance(s.horizon_years, (int, float)) and s.horizon_years > 0 and s.n_cycles >= 1):
        problems.add(Element("setting", "horizon_years"), _shown(s.horizon_years), "a horizon of at least one cycle")
    elif s.n_cycles > CYCLES.value:
        problems.add(Element("setting", "horizon_years"), _horizon(s), CYCLES.expected("a horizon of"))
    elif (memory := _beyond_memory(spec)) is not None:
        problems.add(Element("setting", "horizon_years"), f"{_horizon(s)}, {memory[0]}", memory[1])
    for field_name in ("discount_rate_costs", "discount_rate_effects"):
        r = getattr(s, field_name)
        if not (isinstance(r, (int, float)) and 0 <= r < 1):
            problems.add(Element("setting", field_name), _shown(r), "an annual rate between 0 and 1, e.g. 0.03")
    if isinstance(s.seed, bool) or not isinstance(s.seed, int) or not 0 <= s.seed <= MAX_SEED:
        problems.add(Element("setting", "seed"), _shown(s.seed), f"a whole number from 0 to {MAX_SEED}")
    if s.structure not in STRUCTURES:
        problems.add(Element("setting", "structure"), f"'{s.structure}'", " or ".join(STRUCTURES))
    if s.discount_timing not in DISCOUNT_TIMINGS:
        problems.add(Element("setting", "discount_timing"), f"'{s.discount_timing}'", " or ".join(DISCOUNT_TIMINGS))
    if not (isinstance(s.start_age, (int, float)) and 0 <= s.start_age < 130):
        problems.add(Element("setting", "start_age"), _shown(s.start_age), "an age in years between 0 and 130")
    if s.life_table is not None and s.life_table not in {t.name for t in spec.life_tables}:
        problems.add(
            Element("setting", "life_table"),
            f"unknown life table '{s.life_table}'",
            "one of " + (", ".join(t.name for t in spec.life_tables) or "(no life table defined)"),
        )


def _check_roles(spec: ModelSpec, problems: ProblemCollector) -> None:
    """Each strategy's role is known, and at least one strategy is a decision option."""
    expected = "one of " + ", ".join(STRATEGY_ROLES) + " (blank = option)"
    for s in spec.strategies:
        if s.role not in STRATEGY_ROLES:
            problems.add(Element("strategy", s.name, part="role"), f"unknown role {s.role!r}", expected)
    if spec.strategies and not spec.options:
        problems.add(
            Element("strategy", spec.strategies[0].name, part="role"),
            "no strategy is a decision option: every strategy is a reference",
            "role = option (or blank) for at least one strategy",
        )


def _check_unique(spec: ModelSpec, problems: ProblemCollector) -> None:
    for kind, label, names in (
        ("state", "state", [s.name for s in spec.states]),
        ("parameter", "parameter", [p.name for p in spec.parameters]),
        ("strategy", "strategy", [s.name for s in spec.strategies]),
        ("curve", "survival curve", [c.name for c in spec.survival_curves]),
        ("schedule", "schedule", [s.name for s in spec.schedules]),
        ("life_table", "life table", [t.name for t in spec.life_tables]),
    ):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                problems.add(Element(kind, name, part="name"), "the name is used twice", f"unique {label} names")
            seen.add(name)
    reserved = set(VARIABLES) | set(expressions.FUNCTIONS)
    for p in spec.parameters:
        if p.name in reserved:
            problems.add(Element("parameter", p.name, part="name"), "the name is reserved by hecon", "another name")
        elif keyword.iskeyword(p.name) or keyword.issoftkeyword(p.name):
            problems.add(
                Element("parameter", p.name, part="name"),
                "the name is a word of the formula language (a Python keyword)",
                "another name, e.g. " + f"{p.name.lower()}_value",
            )
        elif not p.name.isascii():
            problems.add(
                Element("parameter", p.name, part="name"),
                f"the name has {expressions.non_ascii(p.name)}",
                "a name of plain ASCII letters, digits and _ (retype the character)",
            )
        elif not p.name.isidentifier():
            problems.add(
                Element("parameter", p.name, part="name"),
                "the name is not usable in formulas",
                "letters, digits and _ only, not starting with a digit",
            )
    if not spec.states:
        problems.add(
            topic("states"),
            "the model has no state",
            "at least one state: a row per health state, name in the first column (on the States sheet of a "
            "workbook; a row marked as the template's example is not read: type your own row over it and "
            "clear its mark)",
        )


def strategy_parameters(
    strategy: Strategy, base: dict[str, Expression], parse: _Parser, problems: ProblemCollector
) -> dict[str, Expression]:
    """A strategy's parameters: the base values (``base``), replaced by the strategy's own."""
    own = strategy.name
    params = dict(base)
    for name, value in strategy.parameters.items():
        if name not in base:
            problems.add(
                Element("parameter", name, strategy=own, part="name"),
                f"overrides '{name}', a parameter that does not exist{suggestion(name, base)}",
                "the name of a parameter on the parameter list",
            )
            continue
        params[name] = parse(value, Element("parameter", name, strategy=own, part="value"))
    return params


def proportion_male(spec: ModelSpec, parse: _Parser, problems: ProblemCollector) -> Expression:
    """The share of men (settings.proportion_male) parsed, and checked when it is a number."""
    share = parse(spec.settings.proportion_male, Element("setting", "proportion_male"))
    if share.constant is not None and not 0.0 <= share.constant <= 1.0:
        problems.add(
            Element("setting", "proportion_male"),
            f"{share.constant:g} is outside [0, 1]",
            "a share of men between 0 and 1",
        )
    return share


def _compile_strategy(
    spec: ModelSpec,
    strategy: Strategy,
    state_by_name: dict[str, State],
    slices: dict[str, slice],
    tunnel: dict[str, int],
    base: dict[str, Expression],
    parse: _Parser,
    problems: ProblemCollector,
) -> StrategyModel:
    own = strategy.name
    params = strategy_parameters(strategy, base, parse, problems)

    # shared rows, replaced by this strategy's own rows with the same from/to
    chosen: dict[tuple[str, str], Transition] = {}
    for t in spec.transitions:
        if t.strategy is None:
            chosen.setdefault((t.from_state, t.to_state), t)
    for t in spec.transitions:
        if t.strategy == strategy.name:
            chosen[(t.from_state, t.to_state)] = t

    src: list[int] = []
    dst: list[int] = []

    def add_edges(from_state: str, to_state: str) -> np.ndarray:
        L = tunnel[from_state]
        first = slices[from_state].start
        idx = []
        for j in range(L):
            src.append(first + j)
            if to_state == from_state:
                dst.append(first + min(j + 1, L - 1))
            else:
                dst.append(slices[to_state].start)
            idx.append(len(src) - 1)
        return np.array(idx, dtype=np.int64)

    out_of: dict[str, list[tuple[str, Transition]]] = {}  # the chosen rows by source, in their order
    for (f, to), t in chosen.items():
        out_of.setdefault(f, []).append((to, t))
    groups: list[RowGroup] = []
    for s in spec.states:
        rows = []
        complement_to: str | None = None
        f = s.name
        for to, t in out_of.get(f, []):
            label = Element("transition", strategy=own, source=f, target=to)
            if to not in state_by_name:
                problems.add(
                    replace(label, part="to"),
                    f"unknown state '{to}'{suggestion(to, state_by_name)}",
                    "one of " + ", ".join(state_by_name),
                )
                continue
            if isinstance(t.probability, str) and t.probability.strip() == COMPLEMENT:
                if complement_to is not None:
                    problems.add(
                        label,
                        f"a second complement '{COMPLEMENT}' out of state '{f}' (already used for -> {complement_to})",
                        f"at most one '{COMPLEMENT}' per state",
                    )
                    continue
                complement_to = to
            else:
                rows.append(TransitionRow(f, to, parse(t.probability, label), add_edges(f, to)))
        if not rows and complement_to is None:  # absorbing: stay with probability 1
            rows.append(TransitionRow(s.name, s.name, expressions.parse(1.0), add_edges(s.name, s.name)))
        # the complement's edges come last among a source's edges (the kernel relies on it)
        complement = (
            TransitionRow(s.name, complement_to, None, add_edges(s.name, complement_to))
            if complement_to is not None
            else None
        )
        groups.append(RowGroup(s.name, tunnel[s.name], tuple(rows), complement))
    for f, to in chosen:
        if f not in state_by_name:
            problems.add(
                Element("transition", strategy=own, source=f, target=to, part="from"),
                f"unknown state '{f}'{suggestion(f, state_by_name)}",
                "one of " + ", ".join(state_by_name),
            )

    rewards = []
    start_rewards = []
    for i, r in enumerate(spec.transition_rewards):
        if r.strategy not in (None, strategy.name) or not applies(r, spec.settings.structure):
            continue
        label = Element("reward", strategy=own, source=r.from_state, target=r.to_state, index=i)
        if r.kind not in REWARD_KINDS:
            problems.add(replace(label, part="kind"), f"kind '{r.kind}'", " or ".join(REWARD_KINDS))
            continue
        if r.to_state not in state_by_name or (
            r.from_state not in (ANY_STATE, START) and r.from_state not in state_by_name
        ):
            bad, part = (r.to_state, "to") if r.to_state not in state_by_name else (r.from_state, "from")
            problems.add(
                replace(label, part=part),
                f"unknown state '{bad}'{suggestion(bad, state_by_name)}",
                f"states of the model, {ANY_STATE} for any other state or {START} for the start",
            )
            continue
        expr = parse(r.value, label)
        if r.from_state == START:
            start_rewards.append((r, expr))
            continue
        edges = []
        for g in groups:
            if g.state == r.to_state or (r.from_state not in (ANY_STATE, g.state)):
                continue
            for row in g.rows + ((g.complement,) if g.complement else ()):
                if row.to_state == r.to_state:
                    edges += list(row.edges)
        rewards.append(RewardRow(r, expr, np.array(edges, dtype=np.int64)))

    initial_spec = spec.initial or {spec.states[0].name: 1.0} if spec.states else {}
    initial = {}
    for name, v in initial_spec.items():
        if name not in state_by_name:
            problems.add(
                Element("initial", name, part="state"),
                f"unknown state '{name}'{suggestion(name, state_by_name)}",
                "one of " + ", ".join(state_by_name),
            )
            continue
        initial[name] = parse(v, Element("initial", name, part="share"))
    share_of_men = proportion_male(spec, parse, problems)
    # sort edges by source sub-state (stable: rows keep their order within a source)
    order = np.argsort(np.array(src, dtype=np.int64), kind="stable")
    new_index = np.empty_like(order)
    new_index[order] = np.arange(order.size)
    groups = [
        replace(
            g,
            rows=tuple(replace(r, edges=new_index[r.edges]) for r in g.rows),
            complement=replace(g.complement, edges=new_index[g.complement.edges]) if g.complement else None,
        )
        for g in groups
    ]
    rewards = [replace(r, edges=new_index[r.edges]) for r in rewards]
    rows = [r for g in groups for r in g.rows]
    edge_row = np.full(order.size, -1, dtype=np.int64)
    edge_j = np.zeros(order.size, dtype=np.int64)
    for k, row in enumerate(rows):
        edge_row[row.edges] = k
    for g in groups:
        for row in g.rows + ((g.complement,) if g.complement else ()):
            edge_j[row.edges] = np.arange(len(row.edges))
    src_sorted = np.array(src, dtype=np.int64)[order]
    n_sub = sum(tunnel.values())
    src_start = np.searchsorted(src_sorted, np.arange(n_sub + 1)).astype(np.int64)
    has_complement = np.zeros(n_sub, dtype=np.bool_)
    for g in groups:
        if g.complement is not None:
            has_complement[src_sorted[g.complement.edges]] = True
    return StrategyModel(
        strategy.name,
        params,
        groups,
        rows,
        src_sorted,
        np.array(dst, dtype=np.int64)[order],
        src_start,
        edge_row,
        edge_j,
        has_complement,
        rewards,
        start_rewards,
        initial,
        share_of_men,
        frozenset(strategy.parameters) & frozenset(base),
        _compile_partition(spec, strategy, state_by_name, tunnel, parse, problems),
    )


def applies(reward: TransitionReward, structure: str) -> bool:
    """True when ``reward`` is valued in a run as ``structure`` (its own structure, or both)."""
    return reward.structure is None or reward.structure == structure


def _compile_partition(
    spec: ModelSpec,
    strategy: Strategy,
    state_by_name: dict[str, State],
    tunnel: dict[str, int],
    parse: _Parser,
    problems: ProblemCollector,
) -> tuple[tuple[str, Expression | None], ...]:
    """The strategy's partitioned-survival rows (its own rows, else the shared ones), checked:
    known states, each once, survival expressions except a final ``#``; and, when the model
    runs as partitioned survival, states without tunnel (time in state is not tracked) and
    rewards it can value."""
    own = [p for p in spec.partitions if p.strategy == strategy.name]
    rows = own or [p for p in spec.partitions if p.strategy is None]
    partitioned = spec.settings.structure == PARTITIONED_SURVIVAL
    if not rows:
        if partitioned:
            problems.add(
                Element("strategy", strategy.name),
                "has no partitioned-survival rows",
                "Partitions rows for this strategy (or shared rows) when settings.structure is partitioned_survival",
            )
        return ()
    out: list[tuple[str, Expression | None]] = []
    seen: set[str] = set()
    for k, p in enumerate(rows):
        where = Element("partition", p.state, strategy=p.strategy)
        last = k == len(rows) - 1
        if p.state not in state_by_name:
            problems.add(
                replace(where, part="state"),
                f"unknown state '{p.state}'{suggestion(p.state, state_by_name)}",
                "one of " + ", ".join(state_by_name),
            )
            continue
        if p.state in seen:
            problems.add(replace(where, part="state"), "the state is listed twice", "each state once, best first")
        seen.add(p.state)
        if partitioned and tunnel[p.state] > 1:
            problems.add(
                replace(where, part="state"),
                f"state '{p.state}' has a tunnel of {tunnel[p.state]} cycles",
                "states without tunnel in a partitioned-survival structure (time in state is not tracked)",
            )
        is_rest = isinstance(p.survival, str) and p.survival.strip() == COMPLEMENT
        if is_rest != last:
            problems.add(
                replace(where, part="survival"),
                f"'{p.survival}' {'before the last row' if is_rest else 'in the last row'}",
                f"a survival expression in every row but the last, and '{COMPLEMENT}' (the rest) in the last",
            )
            continue
        out.append((p.state, None if is_rest else parse(p.survival, replace(where, part="survival"))))
    if len(rows) < 2:
        problems.add(Element("partition", rows[0].state, strategy=rows[0].strategy), "only one row", "two rows or more")
    if partitioned:
        for r in spec.transition_rewards:
            if (
                r.strategy in (None, strategy.name)
                and applies(r, PARTITIONED_SURVIVAL)
                and r.from_state
                not in (
                    ANY_STATE,
                    START,
                )
            ):
                problems.add(
                    Element("reward", strategy=strategy.name, source=r.from_state, target=r.to_state),
                    "a reward on a transition from one state cannot be valued in a partitioned-survival model",
                    f"'{ANY_STATE}' (entering the state, from the fall of the survival above it) or '{START}'",
                )
    return tuple(out)


def _check_names(
    sm: StrategyModel,
    curves: dict[str, CurveModel],
    object_names: dict[str, set[str]],
    state_exprs: list[tuple[str, dict[str, Expression]]],
    tunnel: dict[str, int],
    reward_index: dict[int, int],
    problems: ProblemCollector,
) -> None:
    """Unknown names, unknown curves/schedules/tables, circular definitions and state_time
    used where the state has no tunnel."""
    own = sm.name
    # dependency graph over parameters and curves
    deps: dict[str, set[str]] = {}
    exprs_of: dict[str, list[Expression]] = {}
    for name, e in sm.parameters.items():
        exprs_of[f"p:{name}"] = [e]
    for name, c in curves.items():
        exprs_of[f"c:{name}"] = list(c.parameters.values()) + [c.hazard_ratio, c.acceleration_factor, c.cure_fraction]
    for node, exprs in exprs_of.items():
        d: set[str] = set()
        for e in exprs:
            d |= {f"p:{n}" for n in e.names if n in sm.parameters}
            d |= {f"c:{n}" for kind, n in e.refs if kind == "curve" and n in curves}
        deps[node] = d

    known = sm.parameters.keys() | _VARIABLE_SET

    def check_expr(e: Expression, label: Location) -> None:
        unknown = e.names - known  # usually empty
        for n in sorted(unknown) if unknown else ():
            problems.add(
                label,
                f"unknown name '{n}' in '{e.text}'{suggestion(n, [*sm.parameters, *VARIABLES])}",
                "a parameter name or one of " + ", ".join(VARIABLES),
            )
        for kind, ref in sorted(e.refs, key=str) if e.refs else ():
            if ref is None:
                if not object_names[kind]:
                    problems.add(label, f"'{e.text}' needs a {kind} but the model has none", f"a {kind} in the model")
            elif ref not in object_names[kind]:
                problems.add(
                    label,
                    f"unknown {kind} '{ref}' in '{e.text}'{suggestion(ref, object_names[kind])}",
                    f"one of: {', '.join(sorted(object_names[kind])) or '(none defined)'}",
                )

    for name, e in sm.parameters.items():
        check_expr(e, Element("parameter", name, strategy=own, part="value"))
    for c in curves.values():
        parts = [(f"parameter {k}", e) for k, e in c.parameters.items()]
        parts += [("hazard_ratio", c.hazard_ratio), ("acceleration_factor", c.acceleration_factor)]
        for part, e in parts + [("cure_fraction", c.cure_fraction)]:
            check_expr(e, Element("curve", c.name, part=part))

    # cycles (depth-first search with colours)
    colour: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        colour[node] = 1
        path.append(node)
        for d in sorted(deps[node]):
            if colour.get(d) == 1:
                cycle = path[path.index(d) :] + [d]
                problems.add(
                    Element("strategy", own, path=tuple(x[2:] for x in cycle)),
                    "circular definition: " + " -> ".join(x[2:] for x in cycle),
                    "parameters that do not depend on themselves",
                )
            elif colour.get(d) is None:
                visit(d)
        path.pop()
        colour[node] = 2

    for node in sorted(deps):
        if colour.get(node) is None:
            visit(node)

    sm.reads = _variable_closure(sm, curves, exprs_of)

    def state_time_dependent(e: Expression) -> bool:
        return bool(sm.variables_read(e) & STATE_TIME_VARIABLES)

    def check_in_state(e: Expression, state: str, label: Location) -> None:
        check_expr(e, label)
        if tunnel.get(state, 1) == 1 and state_time_dependent(e):
            problems.add(
                label,
                f"'{e.text}' depends on state_time but state '{state}' has no tunnel",
                "a tunnel length > 1 for the state (state_time would always be 0)",
            )

    for g in sm.groups:
        for row in g.rows:
            if row.expr is not None:
                check_in_state(
                    row.expr, g.state, Element("transition", strategy=own, source=row.from_state, target=row.to_state)
                )
    for part, by_state in state_exprs:
        for state, e in by_state.items():
            check_in_state(e, state, Element("state", state, part=part))
    for reward, expr in [(rr.reward, rr.expr) for rr in sm.rewards] + sm.start_rewards:
        index = reward_index.get(id(reward))
        check_expr(expr, Element("reward", strategy=own, source=reward.from_state, target=reward.to_state, index=index))
    for state, survival_expr in sm.partition:
        if survival_expr is None:
            continue
        where = Element("partition", state, strategy=own, part="survival")
        check_expr(survival_expr, where)
        if state_time_dependent(survival_expr):
            problems.add(
                where,
                f"'{survival_expr.text}' depends on state_time",
                "a survival of model time (model_time, model_years); time in state is not tracked",
            )
    for state, e in sm.initial.items():
        check_expr(e, Element("initial", state, part="share"))
        if e.names & (STATE_TIME_VARIABLES | {"model_time", "model_years", "age"}):
            problems.add(
                Element("initial", state, part="share"),
                f"'{e.text}' depends on time",
                "a value fixed at the start of the model",
            )
    check_expr(sm.proportion_male, Element("setting", "proportion_male"))


def _variable_closure(
    sm: StrategyModel, curves: dict[str, CurveModel], exprs_of: dict[str, list[Expression]]
) -> dict[str, frozenset[str]]:
    """For every parameter ("p:name") and curve ("c:name"), the model variables it reads,
    directly or through other parameters and curves (cycles are reported elsewhere and cut here)."""
    done: dict[str, frozenset[str]] = {}

    def visit(node: str) -> frozenset[str]:
        if node in done:
            return done[node]
        out: set[str] = set()
        path.add(node)  # the nodes being visited, this one last: a dependency on one of them is a cycle
        for e in exprs_of.get(node, []):
            out |= e.names & _VARIABLE_SET
            deps = [f"p:{n}" for n in e.names if n in sm.parameters]
            deps += [f"c:{n}" for kind, n in e.refs if kind == "curve" and n in curves]
            for d in deps:
                if d not in path:
                    out |= visit(d)
        path.discard(node)
        done[node] = frozenset(out)
        return done[node]

    path: set[str] = set()
    for node in exprs_of:
        visit(node)
    return done


def _check_reward_timing(settings: Settings, problems: ProblemCollector) -> None:
    """reward_timing and reward_weights are known, and weights go with a trace point (start or end)."""
    if settings.reward_timing not in REWARD_TIMINGS:
        problems.add(Element("setting", "reward_timing"), f"'{settings.reward_timing}'", " or ".join(REWARD_TIMINGS))
    if settings.reward_weights not in REWARD_WEIGHTS:
        problems.add(Element("setting", "reward_weights"), f"'{settings.reward_weights}'", " or ".join(REWARD_WEIGHTS))
    elif settings.reward_weights == "within-cycle" and settings.reward_timing == "middle":
        problems.add(
            Element("setting", "reward_weights"),
            "within-cycle weights for rewards valued in the middle of the cycle, where there is no trace point",
            "reward_timing start or end with within-cycle weights (the weight of that trace point), or "
            "reward_weights none",
        )
