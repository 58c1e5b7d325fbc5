"""Validating a workbook: every problem the reader, the compiler and the scenarios find.

:func:`validate_workbook` reads the workbook (cell-level checks, see
:mod:`hecon.workbook.reader`), then checks the model as a whole with
:func:`hecon.engine.compiler.compile_model` and applies and compiles every scenario, and checks the
transition probabilities that are constant (:mod:`hecon.workbook.constants`). The compiler
names model elements (``strategy 'A', transition H -> S1``); :func:`place` maps those back
to the cell the element came from (``Transitions!D5``). Problems it cannot place keep the
compiler's location text. A cell the reader already reported is not reported again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hecon.engine.compiler import compile_model
from hecon.model.problems import ModelError, Problem
from hecon.model.scenarios import apply_scenario
from hecon.model.spec import ANY_STATE, ModelSpec
from hecon.workbook.cells import format_number, suggestion
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


def validate_result(result: ReadResult) -> list[Problem]:
    """All problems of an already-read workbook, in the order of :func:`sort_problems`."""
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

    base = _compile_problems(result.spec)
    add([place(p, result.locations) for p in base])
    add(_decision_problems(result.spec, result.locations))
    base_text = {str(p) for p in base}
    for scenario in result.spec.scenarios:
        add(_scenario_problems(result.spec, scenario.name, result.locations, base_text))
    return sort_problems(problems)


def _compile_problems(spec: ModelSpec) -> list[Problem]:
    """What compile_model rejects, and problems with constant probabilities."""
    try:
        compile_model(spec)
    except ModelError as exc:
        return list(exc.problems) + constant_problems(spec)
    return constant_problems(spec)


def _scenario_problems(spec: ModelSpec, name: str, loc: Locations, base_text: set[str]) -> list[Problem]:
    scenario = next(s for s in spec.scenarios if s.name == name)
    first = loc.scenarios.get(name)
    try:
        changed = apply_scenario(spec, scenario)
    except ModelError as exc:
        out = []
        for p in exc.problems:
            m = re.fullmatch(r"scenario '(.*)', target '(.*)'", p.where)
            record = loc.overrides.get((name, m.group(2))) if m else None
            out.append(Problem(record.cell("target"), f"{m.group(2)}: {p.what}", p.expected) if record and m else p)
        return out
    out = []
    for p in _compile_problems(changed):
        if str(p) in base_text:
            continue
        record = _override_record(p, scenario.overrides, loc, name)
        if record is not None:
            out.append(
                Problem(record.cell("value"), f"scenario '{name}', {record.values['target']}: {p.what}", p.expected)
            )
        elif first is not None:
            inner = place(p, loc).where  # the cell of the element, as in the base case
            out.append(Problem(first.cell("scenario"), f"with scenario '{name}', {inner}: {p.what}", p.expected))
        else:
            out.append(Problem(f"scenario '{name}', {p.where}", p.what, p.expected))
    return out


def _decision_problems(spec: ModelSpec, loc: Locations) -> list[Problem]:
    """What the decision analyses (incremental analysis, thresholds, population value of
    information) would reject when they run: unknown strategies and parameters, a threshold
    without a willingness to pay or without a search interval."""
    out: list[Problem] = []
    strategies = [s.name for s in spec.strategies]
    one_of = "one of " + (", ".join(strategies) or "(no strategies)")
    settings = spec.settings

    def setting_cell(name: str) -> str:
        record = loc.settings.get(name)
        return record.cell("value") if record else f"settings.{name}"

    if settings.comparator and strategies and settings.comparator not in strategies:
        out.append(
            Problem(
                setting_cell("comparator"),
                f"unknown strategy '{settings.comparator}'{suggestion(settings.comparator, strategies)}",
                one_of,
            )
        )
    if settings.population_size is not None and settings.population_size < 0:
        out.append(
            Problem(
                setting_cell("population_size"),
                f"{format_number(settings.population_size)} patients per year is negative",
                "a number of patients >= 0, or blank",
            )
        )
    if not settings.population_years > 0:
        out.append(
            Problem(
                setting_cell("population_years"),
                f"{format_number(settings.population_years)} years",
                "a number of years > 0",
            )
        )
    default_comparator = settings.comparator or (strategies[0] if strategies else None)
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


def _override_record(p: Problem, overrides: object, loc: Locations, scenario: str) -> Record | None:
    """The Scenarios row whose override a scenario-only problem is about, if any."""
    targets = set(overrides)  # type: ignore[call-overload]
    m = re.match(r"settings\.(\w+)", p.where)
    if m and f"settings.{m.group(1)}" in targets:
        return loc.overrides.get((scenario, f"settings.{m.group(1)}"))
    m = re.match(r"(?:strategy '(.*?)', )?parameter '(.*?)'", p.where)
    if m:
        strategy, parameter = m.group(1), m.group(2)
        for target in (f"{parameter}[{strategy}]" if strategy else None, parameter):
            if target in targets:
                return loc.overrides.get((scenario, target))
    return None


# --------------------------------------------------------------------------------------
# Placing a compiler problem at a cell
# --------------------------------------------------------------------------------------

_Handler = Callable[[re.Match[str], Problem, Locations], "str | Problem | None"]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    def register(fn: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern), fn))
        return fn

    return register


def place(problem: Problem, loc: Locations) -> Problem:
    """``problem`` with its ``where`` replaced by the cell of the element it names, if known."""
    for pattern, handler in _RULES:
        m = pattern.fullmatch(problem.where)
        if m:
            placed = handler(m, problem, loc)
            if isinstance(placed, Problem):
                return placed
            if placed:
                return Problem(placed, problem.what, problem.expected)
            break
    return problem


def _in(what: str, record: Record, columns: tuple[str, ...]) -> str | None:
    """The first of ``columns`` whose raw text appears quoted in ``what``."""
    for column in columns:
        raw = record.raw.get(column)
        if isinstance(raw, str) and raw.strip() and f"'{raw.strip().lstrip('=').strip()}'" in what:
            return column
    return None


@_rule(r"settings\.(\w+)")
def _setting(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.settings.get(m.group(1))
    if record is not None:
        return record.cell("value")
    return loc.sheets.get("Settings")


@_rule(r"settings")
def _settings(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.settings.get("horizon_years")
    return record.cell("value") if record else loc.sheets.get("Settings")


@_rule(r"states")
def _no_states(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    return loc.sheets.get("States")


@_rule(r"strategies")
def _no_strategies(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    return loc.sheets.get("Strategies")


@_rule(r"state '(.*)', (utility|cost '(.*)'|count '(.*)')")
def _state_value(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.states.get(m.group(1))
    if record is None:
        return None
    if m.group(2) == "utility":
        return record.cell("utility")
    column = f"cost:{m.group(3)}" if m.group(3) is not None else f"count:{m.group(4)}"
    return record.cell(column)


@_rule(r"state '(.*)'")
def _state(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.states.get(m.group(1))
    if record is None:
        return None
    return record.cell("tunnel" if "tunnel" in p.what else "name")


@_rule(r"parameter '(.*)'")
def _parameter(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.parameters.get(m.group(1))
    if record is None:
        return None
    what = p.what.lower()
    if "name" in what and ("reserved" in what or "formulas" in what or "twice" in what):
        return record.cell("name")
    if "covariance" in what and "distribution_args" in record.letters:  # the cov_<name> arguments
        return record.cell("distribution_args")
    if "group" in what and "group" in record.letters:
        return record.cell("group")
    if "distribution_args" in record.letters and record.values.get("distribution"):
        return record.cell("distribution_args")
    return record.cell("value")


@_rule(r"strategy '(.*)', parameter '(.*)'")
def _strategy_parameter(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    strategy, name = m.group(1), m.group(2)
    own = loc.strategy_parameters.get((strategy, name))
    if own is not None:
        return own.cell("parameter" if "does not exist" in p.what else "value")
    record = loc.parameters.get(name)
    return record.cell("value") if record else None


@_rule(r"strategy '(.*)', transitions out of '(.*)'")
def _state_rows(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    for (strategy, source, _), record in loc.transitions.items():
        if source == m.group(2) and strategy in (None, m.group(1)):
            return record.cell("probability")
    return None


@_rule(r"strategy '(.*)'")
def _strategy(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    cycle = re.match(r"circular definition: (.*)", p.what)
    if cycle:
        for name in cycle.group(1).split(" -> "):
            own = loc.strategy_parameters.get((m.group(1), name))
            if own is not None:
                return own.cell("value")
            if name in loc.parameters:
                return loc.parameters[name].cell("value")
            if name in loc.curves:
                return loc.curves[name].cell("parameters")
    record = loc.strategies.get(m.group(1))
    return record.cell("name") if record else None


def _transition_record(loc: Locations, strategy: str | None, source: str, target: str) -> Record | None:
    return loc.transitions.get((strategy, source, target)) or loc.transitions.get((None, source, target))


@_rule(r"strategy '(.*)', transition reward (.*) -> (.*)")
def _strategy_reward(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    strategy, source, target = m.group(1), m.group(2), m.group(3)
    candidates = [
        r
        for r in loc.rewards
        if r.values.get("to") == target
        and (r.values.get("from") or ANY_STATE) == source
        and (
            r.values.get("strategy") in (None, "")
            or str(r.values.get("strategy")).lower() == "all"
            or r.values.get("strategy") == strategy
        )
    ]
    if not candidates:
        return None
    record = next((r for r in candidates if _in(p.what, r, ("value",))), candidates[0])
    if p.what.startswith("kind"):
        return record.cell("kind")
    if p.what.startswith("unknown state"):
        return record.cell("to")
    return record.cell("value")


@_rule(r"strategy '(.*)', transition (.*) -> (.*)")
def _strategy_transition(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    strategy, source, target = m.group(1), m.group(2), m.group(3)
    record = _transition_record(loc, strategy, source, target)
    if record is None:
        return None
    unknown = re.match(r"unknown state '(.*)'", p.what)
    if unknown:
        return record.cell("to" if unknown.group(1) == target else "from")
    return record.cell("probability")


@_rule(r"transition reward -> (.*)")
def _reward_strategy(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    unknown = re.match(r"unknown strategy '(.*)'", p.what)
    for record in loc.rewards:
        if record.values.get("to") == m.group(1) and (not unknown or record.values.get("strategy") == unknown.group(1)):
            return record.cell("strategy")
    return None


@_rule(r"transition (.*) -> (.*)")
def _transition_strategy(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    unknown = re.match(r"unknown strategy '(.*)'", p.what)
    strategy = unknown.group(1) if unknown else None
    record = loc.transitions.get((strategy, m.group(1), m.group(2)))
    return record.cell("strategy") if record else None


@_rule(r"survival curve '(.*?)'(?:, (parameter (\w+)|hazard ratio|acceleration factor|cure fraction))?")
def _curve(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.curves.get(m.group(1))
    if record is None:
        return None
    part = m.group(2)
    columns = {
        "hazard ratio": "hazard_ratio",
        "acceleration factor": "acceleration_factor",
        "cure fraction": "cure_fraction",
    }
    if part in columns:
        return record.cell(columns[part])
    if part or p.what.startswith("parameters"):
        return record.cell("parameters")
    if "distribution" in p.what:
        return record.cell("distribution")
    if "time unit" in p.what:
        return record.cell("time_unit")
    found = _in(p.what, record, ("hazard_ratio", "acceleration_factor", "cure_fraction"))
    return record.cell(found or "parameters")


@_rule(r"schedule '(.*)'")
def _schedule(m: re.Match[str], p: Problem, loc: Locations) -> str | Problem | None:
    records = loc.schedules.get(m.group(1))
    if not records:
        return None
    message = f"{p.what}; expected {p.expected}" if p.expected else p.what
    return schedule_problem_at(message, records)


@_rule(r"initial state distribution, state '(.*)'")
def _initial(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.initial.get(m.group(1))
    if record is None:
        return None
    return record.cell("state" if p.what.startswith("unknown state") else "share")


@_rule(r"life table '(.*)'")
def _table(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    record = loc.tables.get(m.group(1))
    return record.cell("table") if record else None


@_rule(r"survival curve")
def _any_curve(m: re.Match[str], p: Problem, loc: Locations) -> str | None:
    return loc.sheets.get("Survival")
