"""Validating a workbook: every problem the reader, the compiler and the scenarios find.

:func:`validate_workbook` reads the workbook (cell-level checks, see
:mod:`hecon.workbook.reader`), then checks the model as a whole with
:func:`hecon.engine.compiler.compile_model` and applies and compiles every scenario, and checks the
transition probabilities that are constant (:mod:`hecon.workbook.constants`). The compiler
locates problems at model elements (:class:`~hecon.model.problems.Element`: strategy 'A',
transition H -> S1, its probability); :func:`place` maps each element back to the cell it came
from (``Transitions!D5``) by its kind and fields, never by message text. Problems it cannot
place keep the element as their location. A cell the reader already reported is not reported again.

A model that passes these checks is run as 'hecon run' runs it (deterministically: the base case,
the other structure, and every scenario and subgroup but those whose changed values pass the run's
checks when evaluated alone, :func:`hecon.engine.run.passes_checks`, which 'hecon run' runs after
the others, for their results); a scenario's problem is placed at the cell of the scenario's value
it comes from (``Scenarios!C71``). Then the model is run at every value the analyses set (each DSA
low and high value, each value of a threshold's search grid). A problem found there is placed at
the cell of the value (``Parameters!J5``, ``Thresholds!F4``) with the problem it causes as its
:attr:`~hecon.model.problems.Problem.cause`, placed at the formula's cell with the cells that formula
reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from hecon.analysis.budget_impact import check_budget
from hecon.analysis.evppi import check_evppi_groups
from hecon.analysis.perspectives import check_perspectives
from hecon.analysis.progress import Advance, no_progress, progress_bar
from hecon.analysis.progress import phase as progress_phase
from hecon.analysis.structure import other_structure
from hecon.analysis.timings import Stopwatch, phase
from hecon.engine.compiler import CompiledModel
from hecon.engine.incremental import compiled
from hecon.model.expressions import parse
from hecon.model.problems import Element, Location, ModelError, Problem, suggestion
from hecon.model.scenarios import scenario_spec
from hecon.model.spec import ModelSpec, Scenario
from hecon.workbook.cells import format_number
from hecon.workbook.constants import constant_problems, constant_value
from hecon.workbook.reader import INVALID, Locations, ReadResult, Record, read, schedule_problem_at, sort_problems


def validate_workbook(path: str | Path) -> list[Problem]:
    """Every problem with the workbook at ``path``, in sheet order; empty if it can run.

    Reads the file (never modifying it), then checks everything
    :func:`~hecon.engine.compiler.compile_model` would reject, for the base case and for each
    scenario. Problems are located at cells (``Sheet!A12``) wherever the element they
    concern came from a cell.
    """
    return validate_result(read(path))


def read_workbook(path: str | Path, *, check: bool = False) -> ModelSpec:
    """Read an hecon workbook into a ModelSpec.

    Parameters
    ----------
    path : the .xlsx (or .xlsm) file; it is opened read-only and never modified
    check : also run every whole-model check (as :func:`validate_workbook`) and raise if
            any fails

    Raises
    ------
    ModelError
        Listing every problem found, each as ``Sheet!A12: what is wrong; expected ...``
        (or the file name for a file that cannot be read at all).
    """
    result = read(path)
    problems = validate_result(result) if check else result.problems
    if problems or result.spec is None:
        raise ModelError(problems)
    return result.spec


def read_checked(
    path: str | Path,
    stopwatch: Stopwatch | None = None,
    precheck: Callable[[ModelSpec], None] | None = None,
    progress: bool | None = False,
) -> tuple[ModelSpec, Locations]:
    """:func:`read_workbook` with every check, and where each element of the model came from,
    so that problems found later, while the model runs, can be placed (:func:`place_found`).
    ``stopwatch`` records the phases "read" and "validate". ``precheck`` (raising ModelError) runs
    on the model as read, before its validation: for bounds of a run known from its sizes alone
    (a PSA too large); its problems are raised with the workbook's, which are still all found (the
    validation runs no PSA), so that 'hecon run' lists every problem that 'hecon validate' lists.
    ``progress`` shows the phases "Reading the workbook" and "Checking the workbook" (a step per
    model compiled or simulated, :func:`validation_steps`) as :func:`hecon.analysis.progress.mode`
    says; False (the default) is silent."""
    with phase(stopwatch, "read"), progress_phase("Reading the workbook", progress):
        result = read(path)
    refused: list[Problem] = []
    if precheck is not None and result.spec is not None and not result.structural:
        try:
            precheck(result.spec)
        except ModelError as e:
            refused = list(e.problems)
    steps = validation_steps(result.spec) if result.spec is not None else 1
    with phase(stopwatch, "validate"), progress_bar("Checking the workbook", steps, progress, every=1.0) as advance:
        problems = validate_result(result, stopwatch, advance, run_all=True)
    if problems or refused or result.spec is None:
        raise ModelError(problems + refused)
    return result.spec, result.locations


def validation_steps(spec: ModelSpec) -> int:
    """The steps :func:`validate_result` reports for ``spec`` when it finds no problem: compiling,
    then simulating, each model (the base case, the other structure, every scenario and subgroup),
    then evaluating the one-way (DSA) values and each threshold's search grid."""
    models = 1 + (other_structure(spec) is not None) + len(spec.scenarios) + len(spec.subgroups)
    return 2 * models + 1 + len(spec.thresholds)


def place_found(
    problems: list[Problem],
    loc: Locations,
    spec: ModelSpec | None = None,
    *,
    sampled: bool = False,
    overridden: Overridden | None = None,
) -> list[Problem]:
    """Problems found while a model runs (a probability outside [0, 1] at some cycle, ...) placed
    at the cells of the elements they concern; the element's own text (strategy, cycle, state
    time) stays in the message, followed, when ``spec`` is given, by the cells of the parameters
    that the element's formula reads. A problem with a cause (a DSA bound that drives a
    probability above 1) is placed at the cell of the value, its cause at the cell of the formula.
    ``sampled``: the problems without a cause come from a PSA's samples, so a parameter with a
    distribution is named with the cell of its distribution's arguments, where its value was drawn.
    ``overridden``: the cells of a scenario's (or subgroup's) values, which replace the parameters'."""
    out = []
    for p in problems:
        placed = place(p, loc)
        if p.cause is not None:
            placed = replace(placed, cause=place_found([p.cause], loc, spec)[0])
        elif placed.where != p.where and isinstance(p.where, Element):
            sources = _sources(spec, p.where, loc, sampled, overridden or {}) if spec is not None else ""
            element = "" if p.where.kind == "setting" else f"{p.where}: "  # a setting's cell names it already
            placed = Problem(placed.where, f"{element}{placed.what}{sources}", placed.expected)
        out.append(placed)
    return out


def validate_result(
    result: ReadResult, stopwatch: Stopwatch | None = None, advance: Advance = no_progress, *, run_all: bool = False
) -> list[Problem]:
    """All problems of an already-read workbook, in the order of :func:`sort_problems`.
    ``stopwatch`` records compiling the models (base case, other structure, scenarios) as the
    phase "compile"; a run uses the models compiled here. ``advance(1)`` is called after each
    step of :func:`validation_steps` (fewer when problems stop the checks early). ``run_all``: also
    run the scenarios and subgroups known to pass without running (after the others), for a run
    that then uses their results (:func:`read_checked`); without it they are not run."""
    problems = list(result.problems)
    if result.spec is None or result.structural:
        return problems
    reported = {p.where for p in problems}
    seen = {(p.where, p.what, p.expected) for p in problems}

    def add(found: list[Problem]) -> None:
        for p in found:
            key = (p.where, p.what, p.expected)
            if p.where in reported or key in seen or INVALID in p.what or any(c in p.what for c in result.consequences):
                continue
            seen.add(key)
            problems.append(p)

    base = _compile_problems(result.spec, result.locations, stopwatch)
    advance(1)
    other = other_structure(result.spec)  # a model with both structures is also run as the other
    if other is not None:
        add(
            [
                place(_shown(p), result.locations)
                for p in _compile_problems(other, result.locations, stopwatch)
                if str(_shown(p)) not in {str(_shown(q)) for q in base}
            ]
        )
        advance(1)
    add(_decision_problems(result.spec, result.locations))
    # a problem of the base case that a scenario or subgroup has too is reported once
    also: dict[_Key, tuple[str, list[tuple[str, str]]]] = {_key(p): (p[1], []) for p in base}
    loc = result.locations
    for scenario in result.spec.scenarios:
        add(_scenario_problems(result.spec, scenario, _SCENARIOS, loc.scenarios, loc.overrides, loc, also, stopwatch))
        advance(1)
    for subgroup in result.spec.subgroups:
        add(
            _scenario_problems(
                result.spec, subgroup, _SUBGROUPS, loc.subgroups, loc.subgroup_overrides, loc, also, stopwatch
            )
        )
        advance(1)
    add([place(_shown(p, also[_key(p)][1]), result.locations) for p in base])
    if not problems:  # a model that passes every other check is run, as 'hecon run' would
        problems += _run_problems(result.spec, result.locations, advance, run_all)
    return sort_problems(problems)


Overridden = dict[str, Location]
"""A scenario's (or subgroup's) targets (``p_HS1``, ``c_trt[B]``) -> the cells of their values."""


def _overridden(scenario: Scenario, rows: dict[tuple[str, str], Record]) -> Overridden:
    """The cells of the values that ``scenario`` sets, by target (``rows``: its sheet's rows)."""
    return {t: rows[(scenario.name, t)].cell("value") for t in scenario.overrides if (scenario.name, t) in rows}


_SCENARIOS = ("scenario", "scenario")
_SUBGROUPS = ("subgroup", "subgroup")
"""(word in messages, key column) of the Scenarios and Subgroups sheets."""


def _run_problems(
    spec: ModelSpec, loc: Locations, advance: Advance = no_progress, run_all: bool = False
) -> list[Problem]:
    """What the deterministic runs of 'hecon run' find only by evaluating the model: every
    expression over the strategies, cycles and state times of the base case, of each scenario and
    of the other structure (a non-finite value, a probability or row sum outside [0, 1]), placed at
    the cell of the element, with the strategy and cycle in the message: each strategy whose row
    fails, once per cell and failure (a shared row that fails alike in every strategy, once). A scenario's problem that
    the base case has too is not repeated; when the base case (or the other structure) fails, the
    scenarios and subgroups are not run: its problems are reported without the wait (some seconds
    per scenario of a large model), and the scenarios' own ones once it runs. Of these, only those
    not known to pass are run first (:func:`_to_run`), up to the first that fails; those known to
    pass then only with ``run_all``."""
    from hecon.engine.run import deterministic_strategy  # the kernels (numba) only when a model is run

    found: list[Problem] = []
    base_text: set[str] = set()
    bases: list[_Run] = [(None, {}, None, spec, {})]
    other = other_structure(spec)
    if other is not None:
        bases.append((None, {}, None, other, {}))
    variants: list[_Run] = [
        (_SCENARIOS, loc.scenarios, s.name, scenario_spec(spec, s), _overridden(s, loc.overrides))
        for s in spec.scenarios
    ]
    variants += [
        (_SUBGROUPS, loc.subgroups, s.name, scenario_spec(spec, s), _overridden(s, loc.subgroup_overrides))
        for s in spec.subgroups
    ]
    for sheet, firsts, name, changed, overridden in _to_run(bases, variants, lambda: bool(found), advance, run_all):
        if found and sheet is not None:  # the base case fails: its problems first, without running each scenario
            break
        model = compiled(changed)
        # a row shared by the strategies fails in each: once per cell and failure, whatever the strategy,
        # named for a strategy whose cohort reaches the state (a CAR-T cost, not with the strategy
        # that never enters CAR-T states); for the first that fails when none reaches it
        failures: set[tuple[Location, str]] = set()
        unreached: list[tuple[int, Problem]] = []
        for index in [*range(len(model.strategies)), None]:
            if index is None:  # the problems of states that no strategy whose run fails enters
                found_here = unreached
            else:
                try:
                    deterministic_strategy(model, index)  # kept: the run uses these results
                    continue
                except ModelError as exc:
                    found_here = _by_reach(model, index, exc.problems, unreached)
            for failing, problem in found_here:
                own = f"strategy '{model.strategies[failing].name}', "
                for p, shown in zip(
                    place_found([problem], loc, changed, overridden=overridden),
                    place_found(
                        [problem if index is not None else _unentered(problem)], loc, changed, overridden=overridden
                    ),
                    strict=True,
                ):
                    failure = (p.where, p.what.replace(own, "", 1))
                    if failure in failures:
                        continue
                    failures.add(failure)
                    p = shown if index is not None else replace(shown, what=shown.what.replace(own, "", 1))
                    if sheet is None or name is None:
                        base_text.add(p.what)
                        found.append(p)
                    elif p.what not in base_text:
                        word, key = sheet
                        first = firsts.get(name)
                        where = _value_cell(changed, problem.where, loc, overridden) or (
                            first.cell(key) if first is not None else Element("scenario", name)
                        )
                        found.append(Problem(where, f"with {word} '{name}', {p.where}: {p.what}", p.expected))
        advance(1)
    if not found:  # the values the analyses vary: DSA bounds and threshold search intervals
        found = _variation_problems(spec, loc, advance)
    return found


_Run = tuple[tuple[str, str] | None, dict[str, Record], str | None, ModelSpec, Overridden]
"""A deterministic model that validation runs: (the sheet's word and key column, its first rows,
the scenario's or subgroup's name; None for the base case and the other structure), its spec and
the cells of the values it sets."""


def _to_run(
    bases: list[_Run],
    variants: list[_Run],
    failed: Callable[[], bool],
    advance: Advance = no_progress,
    run_all: bool = False,
) -> Iterator[_Run]:
    """The models whose runs validation must see: the base case and the other structure, then, in
    sheet order, the scenarios and subgroups not known to pass the run's checks without running
    (:func:`hecon.engine.run.passes_checks`, asked once the base case has run: a scenario whose
    changed values pass them, everything else as in the base case); then, with ``run_all``, the
    others (whose results a run uses), else a step (``advance``) for each. None of the scenarios
    when the base case fails (``failed()``). Validation stops after the first scenario whose run
    fails: the first in sheet order that fails, as if each were run in turn."""
    from hecon.engine.run import passes_checks

    yield from bases
    if failed():
        return
    known = []
    for run in variants:
        model = compiled(run[3])
        if all(passes_checks(model, i) for i in range(len(model.strategies))):
            known.append(run)
        else:
            yield run
    if run_all:
        yield from known
    else:
        advance(len(known))


def _by_reach(
    model: CompiledModel, index: int, problems: list[Problem], unreached: list[tuple[int, Problem]]
) -> list[tuple[int, Problem]]:
    """The problems of the run of strategy ``index`` (with it), but for those of a state's value or
    of the rows out of a state that its cohort never enters (:func:`hecon.engine.inputs.reachable`):
    these are added to ``unreached``, to be reported for a strategy that does enter the state."""
    from hecon.engine.inputs import reachable

    states: frozenset[str] | None = None
    out = []
    for p in problems:
        where = p.where
        state = _state_of(where)
        if state is not None:
            states = reachable(model, index) if states is None else states
            if state not in states:
                unreached.append((index, p))
                continue
        out.append((index, p))
    return out


def _state_of(where: Location) -> str | None:
    """The state whose entry by a strategy's cohort makes the element ``where`` count in the
    strategy's run: a state's own value; the source of a transition, of a row sum and of a
    transition reward (for a reward into a state from any state, its destination); else None."""
    if not isinstance(where, Element):
        return None
    if where.kind == "state":
        return where.name
    if where.kind.startswith("transition"):
        return where.source
    if where.kind == "reward":
        return where.source if where.source is not None else where.target
    return None


def _unentered(problem: Problem) -> Problem:
    """``problem`` of a state that the cohort of no strategy whose run fails enters, saying so: it
    is shown without the strategy (whose name the caller takes out of the placed text; the element
    keeps it, which places a strategy's own row at its cell), rather than naming a strategy that
    never uses the value."""
    return replace(
        problem, what=f"{problem.what} (the cohort of no strategy enters state '{_state_of(problem.where)}')"
    )


def _variation_problems(spec: ModelSpec, loc: Locations, advance: Advance = no_progress) -> list[Problem]:
    """What the one-way sensitivity analysis ('hecon run --dsa') and the threshold analyses find
    only by running the model with the values they vary: every DSA low and high value and every
    value of each threshold's search grid, evaluated deterministically, each placed at the cell
    that holds the value (``Parameters!J5``, ``Thresholds!F4``), with the problem it causes at the
    cell of the formula and the cells that formula reads; a value that fails the same formula in
    several strategies once."""
    from hecon.analysis.dsa import check_dsa
    from hecon.analysis.threshold import check_threshold

    found = check_dsa(spec)
    advance(1)
    for query in spec.thresholds:
        found += check_threshold(spec, query)
        advance(1)
    out: list[Problem] = []
    seen = set()
    for p in place_found(found, loc, spec):
        key = (p.where, p.what, p.cause.where if p.cause is not None else None)  # not once per strategy
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


#: Cells named in a problem's ``(from ...)``: the first ones of the chain, then how many more.
MAX_SOURCES = 12


def _sources(
    spec: ModelSpec, where: Location, loc: Locations, sampled: bool = False, overridden: Overridden | None = None
) -> str:
    """`` (from c_H: Parameters!B11)``: the cells of the parameters that the formula of a setting,
    state value, transition, transition reward or partition row reads (for a row sum, the formulas of
    the row; for the initial distribution, its shares), for a value found wrong while the model runs.
    A parameter that is itself a formula brings the cells of the parameters it reads, and so on
    down the chain (``c_dose: Parameters!B40, body_weight_kg: Parameters!B5``): the formula's own
    parameters first, then each further link, each cell once, at most :data:`MAX_SOURCES` (then how
    many more). A row sum also names the cells of the row's probabilities (``the row
    Transitions!D4, Transitions!D5, Transitions!D6``), where the one to change may be.
    ``sampled``: the value comes from a PSA sample, so a parameter with a distribution is named with
    the cell its value was drawn from (``p_HS1: Parameters!B4, drawn from its normal distribution:
    Parameters!G4``). ``overridden``: the cells of a scenario's values (``p_HS1: Scenarios!C4``)."""
    if not isinstance(where, Element):
        return ""
    chain, row_cells = _read_by(spec, where, loc)
    cells = []
    for name in chain:
        scenario_cell = (overridden or {}).get(f"{name}[{where.strategy}]") or (overridden or {}).get(name)
        if scenario_cell is not None:
            cells.append(f"{name}: {scenario_cell}")
            continue
        record = loc.strategy_parameters.get((where.strategy, name)) if where.strategy else None
        base = loc.parameters.get(name)
        drawn = None if record is not None else next((p.distribution for p in spec.parameters if p.name == name), None)
        record = record or base
        if record is None:
            continue
        text = f"{name}: {record.cell('value')}"
        if sampled and drawn is not None and drawn.kind != "fixed" and base is not None:
            column = "distribution" if drawn.draws else "distribution_args"  # the Draws sheet's column: its kind
            text += f", drawn from its {drawn.kind} distribution: {base.cell(column)}"
        cells.append(text)
    if len(cells) > MAX_SOURCES:
        cells = [*cells[:MAX_SOURCES], f"and {len(cells) - MAX_SOURCES} more"]
    parts = ([f"the row {', '.join(row_cells)}"] if row_cells else []) + ([f"from {', '.join(cells)}"] if cells else [])
    return f" ({'; '.join(parts)})" if parts else ""


def _value_cell(spec: ModelSpec, where: Location, loc: Locations, overridden: Overridden) -> Location | None:
    """The cell of the scenario's (or subgroup's) value that a problem of the element ``where``
    comes from (``spec``: the scenario's model): of its values that the element's formula reads,
    down the chain of :func:`_chain`, one that is not a finite number (NaN, inf) if any, else the
    first in the chain's order (the formula's own parameters first); for a setting, the value that
    sets it; when the scenario sets one value only, that value (the one change that makes the
    problem). None when none is known (the problem is then placed at the scenario's first row)."""
    if isinstance(where, Element):
        if where.kind == "setting" and f"settings.{where.name}" in overridden:
            return overridden[f"settings.{where.name}"]
        own = next((s.parameters for s in spec.strategies if s.name == where.strategy), {})
        values = {p.name: p.value for p in spec.parameters} | dict(own)
        read = []
        for name in _read_by(spec, where, loc)[0]:
            cell = overridden.get(f"{name}[{where.strategy}]") or overridden.get(name)
            if cell is not None:
                read.append((name, cell))
        for name, cell in read:
            value = constant_value(spec, where.strategy, values.get(name))
            if value is not None and not math.isfinite(value):
                return cell
        if read:
            return read[0][1]
    return next(iter(overridden.values())) if len(overridden) == 1 else None


def _read_by(spec: ModelSpec, where: Element, loc: Locations) -> tuple[list[str], list[str]]:
    """The parameters that the formula of the element ``where`` reads, down their chain
    (:func:`_chain`, in its order), and for the transitions out of a state the cells of the row's
    probabilities (:func:`_sources` says which formulas an element has)."""
    texts: list[object] = []
    row_cells: list[str] = []
    if where.kind == "setting":  # a setting given as a formula, e.g. proportion_male = p_male
        texts = [getattr(spec.settings, where.name, None)]
    elif where.kind == "state":
        state = next((s for s in spec.states if s.name == where.name), None)
        kind, _, name = where.part.partition(":")
        if state is not None:
            texts = [
                state.utility
                if kind == "utility"
                else {"cost": state.costs, "count": state.counts}.get(kind, {}).get(name)
            ]
    elif where.kind in ("transition", "transitions_out"):
        rows = [
            t
            for t in spec.transitions
            if t.from_state == where.source
            and (where.kind == "transitions_out" or t.to_state == where.target)
            and t.strategy in (where.strategy, None)
        ]
        own = {t.to_state for t in rows if t.strategy is not None}  # a strategy's own row replaces the shared one
        chosen = [t for t in rows if t.strategy is not None or t.to_state not in own]
        texts = [t.probability for t in chosen]
        if where.kind == "transitions_out" and len(chosen) > 1:
            records = [loc.transitions.get((t.strategy, t.from_state, t.to_state)) for t in chosen]
            row_cells = [str(r.cell("probability")) for r in records if r is not None]
    elif where.kind == "reward" and where.index is not None:
        texts = [spec.transition_rewards[where.index].value]
    elif where.kind == "initial":  # the shares, which add up to 1
        texts = list(spec.initial.values())
    elif where.kind == "partition":
        rows = [r for r in spec.partitions if r.state == where.name and r.strategy in (where.strategy, None)]
        texts = [next((r for r in rows if r.strategy is not None), rows[0]).survival] if rows else []
    values: dict[str, object] = {p.name: p.value for p in spec.parameters}
    if where.strategy is not None:
        values |= next((s.parameters for s in spec.strategies if s.name == where.strategy), {})
    return _chain(texts, values), row_cells


def _chain(texts: list[object], values: dict[str, object]) -> list[str]:
    """The names that the formulas ``texts`` read, then the names that those names' formulas
    (``values``: name -> number or formula) read, and so on: each name once, level by level, each
    level sorted. A circular definition ends where a name comes back."""
    order: list[str] = []
    level = _names_read(texts)
    while level:
        order += level
        seen = set(order)
        level = sorted(set(_names_read([values.get(n) for n in level])) - seen)
    return order


def _names_read(texts: list[object]) -> list[str]:
    names: set[str] = set()
    for text in texts:
        if isinstance(text, str):
            try:
                names |= parse(text).names
            except ModelError:
                continue
    return sorted(names)


_Found = tuple[Problem, str]
"""A problem as found, and the cells it comes from (`` (from p_HS1: Parameters!B4)``, or "")."""
_Key = tuple[Location, str, str]
"""A problem as found, without the cells it comes from: the same in the base case and a scenario
whose changed values it does not read."""


def _key(found: _Found) -> _Key:
    p = found[0]
    return (p.where, p.what, p.expected)


def _shown(found: _Found, also: list[tuple[str, str]] | None = None) -> Problem:
    """The problem with the cells it comes from, and the scenarios and subgroups that have it too
    (``also``: (word, name) pairs): `` (also in scenarios 'A', 'B' and subgroup 'C')``, or their
    number beyond :data:`ALSO_NAMED` of a kind (`` (also in 26 scenarios)``)."""
    p, sources = found
    listed = []
    for word, _ in (_SCENARIOS, _SUBGROUPS):
        names = [n for w, n in also or [] if w == word]
        plural = "s" if len(names) > 1 else ""
        if len(names) > ALSO_NAMED:
            listed.append(f"{len(names)} {word}{plural}")
        elif names:
            listed.append(f"{word}{plural} " + ", ".join(f"'{n}'" for n in names))
    suffix = f" (also in {' and '.join(listed)})" if listed else ""
    return Problem(p.where, p.what + sources + suffix, p.expected)


#: Scenarios (or subgroups) named in a base-case problem that they have too; more are counted.
ALSO_NAMED = 3


def _compile_problems(
    spec: ModelSpec, loc: Locations, stopwatch: Stopwatch | None = None, overridden: Overridden | None = None
) -> list[_Found]:
    """What compile_model rejects, and problems with constant probabilities, each of these with
    the cells of the parameters its formulas read (``(from p_HS1: Parameters!B4)``; a scenario's
    cell for a value it sets, ``overridden``)."""
    constant = [(p, _sources(spec, p.where, loc, overridden=overridden)) for p in constant_problems(spec)]
    try:
        with phase(stopwatch, "compile"):
            compiled(spec)
    except ModelError as exc:
        return [(p, "") for p in exc.problems] + constant
    return constant


def _scenario_problems(
    spec: ModelSpec,
    scenario: Scenario,
    sheet: tuple[str, str],
    firsts: dict[str, Record],
    rows: dict[tuple[str, str], Record],
    loc: Locations,
    also: dict[_Key, tuple[str, list[tuple[str, str]]]],
    stopwatch: Stopwatch | None = None,
) -> list[Problem]:
    """What a scenario or subgroup (``sheet``: its word and key column) breaks, at its rows' cells.
    A problem the base case has too (a key of ``also``: the base case's problems as found, with the
    cells they come from) is not repeated; when it comes from other cells here (the scenario sets a
    value it reads, to one that gives the same problem), the scenario is named in the base case's
    problem (added to its list in ``also``)."""
    word, key = sheet
    name = scenario.name
    first = firsts.get(name)
    try:
        changed = scenario_spec(spec, scenario)
    except ModelError as exc:
        out = []
        for p in exc.problems:
            target = p.where.target if isinstance(p.where, Element) and p.where.kind == "scenario" else None
            record = rows.get((name, target)) if target is not None else None
            out.append(Problem(record.cell("target"), f"{target}: {p.what}", p.expected) if record else p)
        return out
    out = []
    overridden = _overridden(scenario, rows)
    for found in _compile_problems(changed, loc, stopwatch, overridden):
        if _key(found) in also:
            sources, names = also[_key(found)]
            if found[1] != sources:
                names.append((word, name))
            continue
        p = _shown(found)
        record = _override_record(p, scenario.overrides, rows, name)
        if record is not None:
            out.append(
                Problem(record.cell("value"), f"{word} '{name}', {record.values['target']}: {p.what}", p.expected)
            )
        elif first is not None:
            inner = place(p, loc).where  # the cell of the element, as in the base case
            at = _value_cell(changed, p.where, loc, overridden) or first.cell(key)
            out.append(Problem(at, f"with {word} '{name}', {inner}: {p.what}", p.expected))
        else:
            out.append(Problem(Element("scenario", name, detail=str(p.where)), p.what, p.expected))
    return out


def _decision_problems(spec: ModelSpec, loc: Locations) -> list[Problem]:
    """What the decision analyses (incremental analysis, thresholds, population value of
    information) would reject when they run: unknown strategies and parameters, a threshold
    without a willingness to pay or without a search interval."""
    out: list[Problem] = []
    strategies = [s.name for s in spec.strategies]
    one_of = "one of " + (", ".join(strategies) or "(no strategies)")
    settings = spec.settings

    def setting_problem(name: str, what: str, expected: str) -> Problem:
        """A problem with the setting ``name``: at its cell, naming it."""
        return place(Problem(Element("setting", name), what, expected), loc)

    if settings.comparator and strategies and settings.comparator not in strategies:
        out.append(
            setting_problem(
                "comparator",
                f"unknown strategy '{settings.comparator}'{suggestion(settings.comparator, strategies)}",
                one_of,
            )
        )
    if settings.comparator in spec.references:
        out.append(
            setting_problem(
                "comparator",
                f"'{settings.comparator}' is a reference strategy (Strategies role): outside the decision",
                "a decision option: one of " + ", ".join(spec.options),
            )
        )
    if settings.population_size is not None and settings.population_size < 0:
        out.append(
            setting_problem(
                "population_size",
                f"{format_number(settings.population_size)} patients per year is negative",
                "a number of patients >= 0, or blank",
            )
        )
    if not settings.population_years > 0:
        out.append(
            setting_problem(
                "population_years",
                f"{format_number(settings.population_years)} years",
                "a number of years > 0",
            )
        )
    w = settings.partitioned_survival_weight
    if w is not None and not 0 <= w <= 1:
        out.append(
            setting_problem(
                "partitioned_survival_weight",
                f"weight {format_number(w)}",
                "a weight between 0 and 1 (blank: 0.5, both structures co-primary)",
            )
        )
    for check in (
        lambda: check_perspectives(spec.cost_perspectives, spec.cost_categories),
        lambda: check_evppi_groups(spec),
    ):
        try:
            check()
        except ModelError as e:
            out += [place(p, loc) for p in e.problems]
    if spec.budget:
        try:
            check_budget(spec.budget, strategies, spec.cost_categories, settings.horizon_years)
        except ModelError as e:
            out += [place(p, loc) for p in e.problems]
    default_comparator = settings.comparator or (spec.options[0] if spec.options else None)
    parameters = {p.name: p for p in spec.parameters}
    for query, record in zip(spec.thresholds, loc.thresholds):
        if query.parameter not in parameters:
            out.append(
                Problem(
                    record.cell("parameter"),
                    f"unknown parameter '{query.parameter}'{suggestion(query.parameter, parameters)}",
                    "a parameter on the Parameters sheet",
                )
            )
        for column, name in (("strategy", query.strategy), ("comparator", query.comparator)):
            if name is not None and strategies and name not in strategies:
                out.append(
                    Problem(record.cell(column), f"unknown strategy '{name}'{suggestion(name, strategies)}", one_of)
                )
        for column, name in (("strategy", query.strategy), ("comparator", query.comparator)):
            if name is not None and name in spec.references:
                out.append(
                    Problem(
                        record.cell(column),
                        f"'{name}' is a reference strategy (Strategies role): outside the decision",
                        "a decision option: one of " + ", ".join(spec.options),
                    )
                )
        comparator = query.comparator or default_comparator
        if comparator == query.strategy:
            out.append(
                Problem(
                    record.cell("comparator"),
                    f"strategy and comparator are both '{comparator}'",
                    "two different strategies (a blank comparator is the model's comparator)",
                )
            )
        if query.wtp is None and not spec.utility_norms and not loc.utility_norm_rows:
            out.append(
                Problem(
                    record.cell("wtp"),
                    "no willingness to pay",
                    "a wtp, or utility norms (UtilityNorms sheet) for the reference value of the disease burden",
                )
            )
        if query.parameter in parameters and (query.lower is None or query.upper is None):
            own = next((s.parameters for s in spec.strategies if s.name == query.strategy), {})
            base = constant_value(spec, query.strategy, own.get(query.parameter, parameters[query.parameter].value))
            if base is not None:
                low, high = sorted((0.0, 10.0 * base))
                low = low if query.lower is None else query.lower
                high = high if query.upper is None else query.upper
                if not low < high:
                    empty = " (the base value is 0, so there is no default interval)" if base == 0 else ""
                    column = "lower" if query.lower is None else "upper"
                    out.append(
                        Problem(
                            record.cell(column),
                            f"the search interval [{format_number(low)}, {format_number(high)}] is empty{empty}",
                            "lower < upper",
                        )
                    )
    return out


def _override_record(
    p: Problem, overrides: object, rows: dict[tuple[str, str], Record], scenario: str
) -> Record | None:
    """The Scenarios (or Subgroups) row whose override a scenario-only problem is about, if any."""
    targets = set(overrides)  # type: ignore[call-overload]
    where = p.where
    if not isinstance(where, Element):
        return None
    if where.kind == "setting" and f"settings.{where.name}" in targets:
        return rows.get((scenario, f"settings.{where.name}"))
    if where.kind == "parameter":
        own = f"{where.name}[{where.strategy}]" if where.strategy is not None else None
        for target in (own, where.name):
            if target in targets:
                return rows.get((scenario, target))
    return None


# --------------------------------------------------------------------------------------
# Placing a compiler problem at a cell
# --------------------------------------------------------------------------------------

_Handler = Callable[[Element, Problem, Locations], "Location | Problem | None"]


def place(problem: Problem, loc: Locations) -> Problem:
    """``problem`` with its location replaced by the cell of the element it names, if known."""
    where = problem.where
    if not isinstance(where, Element):
        return problem
    placed = _HANDLERS[where.kind](where, problem, loc)
    if isinstance(placed, Problem):
        return placed
    return Problem(placed, problem.what, problem.expected) if placed is not None else problem


def _setting(e: Element, p: Problem, loc: Locations) -> Location | Problem | None:
    if e.name == "cycle_weights" and loc.cycle_weights:  # the weights came from the CycleWeights sheet
        first, last = loc.cycle_weights[0].cell("weight"), loc.cycle_weights[-1].cell("weight")
        rows = f"{first.address}:{last.address}, points 0 to {len(loc.cycle_weights) - 1}"
        return Problem(first, f"{p.what} on the CycleWeights sheet ({rows})", p.expected)
    record = loc.settings.get(e.name or "horizon_years")
    if record is None:
        return loc.sheets.get("Settings")
    return Problem(record.cell("value"), f"{e.name}: {p.what}" if e.name else p.what, p.expected)  # which setting


_TOPIC_SHEETS = {
    "states": "States",
    "strategies": "Strategies",
    "survival curve": "Survival",
    "budget impact": "BudgetImpact",
    "DSA": "Parameters",  # no parameter flagged for 'hecon run --dsa'
}


def _topic(e: Element, p: Problem, loc: Locations) -> Location | None:
    sheet = _TOPIC_SHEETS.get(e.name)
    return loc.sheets.get(sheet) if sheet else None


def _state(e: Element, p: Problem, loc: Locations) -> Location | None:
    record = loc.states.get(e.name)
    if record is None:
        return None
    if e.part == "utility" or e.part.startswith(("cost:", "count:")):
        return record.cell(e.part)
    return record.cell("tunnel" if e.part == "tunnel" else "name")


def _parameter(e: Element, p: Problem, loc: Locations) -> Location | None:
    if e.strategy is not None:
        own = loc.strategy_parameters.get((e.strategy, e.name))
        if own is not None:
            return own.cell("parameter" if e.part == "name" else "value")
    record = loc.parameters.get(e.name)
    if record is None:
        return None
    if e.part == "name" and e.strategy is None:
        return record.cell("name")
    if e.part == "covariance" and "distribution_args" in record.letters:  # the cov_<name> arguments
        return record.cell("distribution_args")
    if e.part == "group" and "group" in record.letters:
        return record.cell("group")
    if e.part == "draws":  # an empirical distribution's table: the cell on the Draws sheet
        column = loc.draws.get(e.name)
        return column.cell(e.index) if column is not None else record.cell("distribution")
    if e.part == "value":
        return record.cell("value")
    if e.part in ("dsa_low", "dsa_high") and e.part in record.letters:
        return record.cell(e.part)
    if "distribution_args" in record.letters and record.values.get("distribution"):
        return record.cell("distribution_args")
    return record.cell("value")


def _strategy(e: Element, p: Problem, loc: Locations) -> Location | None:
    for name in e.path:  # a circular definition: the first link that has a cell
        own = loc.strategy_parameters.get((e.name, name))
        if own is not None:
            return own.cell("value")
        if name in loc.parameters:
            return loc.parameters[name].cell("value")
        if name in loc.curves:
            return loc.curves[name].cell("parameters")
    record = loc.strategies.get(e.name)
    return record.cell(e.part if e.part == "role" else "name") if record else None


def _transitions_out(e: Element, p: Problem, loc: Locations) -> Location | None:
    for (strategy, source, _), record in loc.transitions.items():
        if source == e.source and strategy in (None, e.strategy):
            return record.cell("probability")
    return None


def _transition(e: Element, p: Problem, loc: Locations) -> Location | None:
    assert e.source is not None and e.target is not None
    if e.part == "strategy":  # a row naming a strategy that does not exist
        record = next(
            (r for (s, f, t), r in loc.transitions.items() if s is not None and (f, t) == (e.source, e.target)), None
        )
        return record.cell("strategy") if record else None
    record = loc.transitions.get((e.strategy, e.source, e.target)) or loc.transitions.get((None, e.source, e.target))
    if record is None:
        return None
    return record.cell({"from": "from", "to": "to"}.get(e.part, "probability"))


def _reward(e: Element, p: Problem, loc: Locations) -> Location | None:
    if e.index is None or not 0 <= e.index < len(loc.rewards):
        return None
    record = loc.rewards[e.index]
    return record.cell(e.part if e.part in ("kind", "to", "strategy", "structure") else "value")


_CURVE_COLUMNS = ("distribution", "time_unit", "hazard_ratio", "acceleration_factor", "cure_fraction")


def _curve(e: Element, p: Problem, loc: Locations) -> Location | None:
    if not e.name:
        return loc.sheets.get("Survival")
    record = loc.curves.get(e.name)
    if record is None:
        return None
    return record.cell(e.part if e.part in _CURVE_COLUMNS else "parameters")


def _schedule(e: Element, p: Problem, loc: Locations) -> Problem | None:
    records = loc.schedules.get(e.name)
    return schedule_problem_at(p, records) if records else None


def _initial(e: Element, p: Problem, loc: Locations) -> Location | None:
    # the distribution as a whole (its shares' sum): the first share
    record = loc.initial.get(e.name) if e.name else next(iter(loc.initial.values()), None)
    if record is None:
        return None
    return record.cell("state" if e.part == "state" else "share")


def _table(e: Element, p: Problem, loc: Locations) -> Location | None:
    record = loc.tables.get(e.name)
    return record.cell("table") if record else None


def _partition(e: Element, p: Problem, loc: Locations) -> Location | None:
    record = loc.partitions.get((e.strategy, e.name)) or loc.partitions.get((None, e.name))
    if record is None:
        return None
    return record.cell("survival" if e.part == "survival" else "state")


def _survival_point(e: Element, p: Problem, loc: Locations) -> Location | None:
    if e.index is None or not 0 <= e.index < len(loc.survival_points):
        return None
    return loc.survival_points[e.index].cell(e.part or "value")


def _cost_category(e: Element, p: Problem, loc: Locations) -> Location | None:
    if e.part == "untagged":  # a category of the model without a row: the sheet's first data cell
        return loc.sheets.get("CostCategories")
    record = loc.cost_categories.get(e.name)
    return record.cell(e.part or "category") if record else None


def _evppi_group(e: Element, p: Problem, loc: Locations) -> Location | None:
    records = loc.evppi_groups.get(e.name, [])
    if e.index is None or not 0 <= e.index < len(records):
        return None
    return records[e.index].cell(e.part or "parameter")


def _budget(e: Element, p: Problem, loc: Locations) -> Location | None:
    if e.index is None or not 0 <= e.index < len(loc.budget):
        return None
    return loc.budget[e.index].cell(e.part or "value")


def _threshold(e: Element, p: Problem, loc: Locations) -> Location | None:
    if e.index is None or not 0 <= e.index < len(loc.thresholds):
        return None
    return loc.thresholds[e.index].cell(e.part or "parameter")


def _unplaced(e: Element, p: Problem, loc: Locations) -> None:
    return None


_HANDLERS: dict[str, _Handler] = {
    "setting": _setting,
    "topic": _topic,
    "state": _state,
    "parameter": _parameter,
    "strategy": _strategy,
    "transition": _transition,
    "transitions_out": _transitions_out,
    "reward": _reward,
    "curve": _curve,
    "schedule": _schedule,
    "initial": _initial,
    "life_table": _table,
    "scenario": _unplaced,
    "threshold": _threshold,
    "entry": _unplaced,
    "partition": _partition,
    "survival_point": _survival_point,
    "budget": _budget,
    "cost_category": _cost_category,
    "evppi_group": _evppi_group,
}
