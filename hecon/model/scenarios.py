"""Scenarios: named overrides of parameters or settings, applied to a ModelSpec.

Targets
-------
``name``            the base value of parameter ``name``
``name[Strategy]``  parameter ``name`` in one strategy only
``settings.field``  a setting, e.g. ``settings.discount_rate_costs``
"""

from __future__ import annotations

import dataclasses
import re

from hecon.model.memo import IdentityMemo
from hecon.model.problems import Element, ModelError, Problem, suggestion
from hecon.model.spec import Expr, ModelSpec, Scenario, Settings

BASE_CASE = "base case"
_STRATEGY_TARGET = re.compile(r"^(?P<param>[A-Za-z_]\w*)\[(?P<strategy>.+)\]$")
_SETTING_TYPES = {f.name: f.type for f in dataclasses.fields(Settings)}


def scenario_names(spec: ModelSpec) -> list[str]:
    return [s.name for s in spec.scenarios]


def get_scenario(spec: ModelSpec, name: str) -> Scenario:
    for s in spec.scenarios:
        if s.name == name:
            return s
    raise ModelError(
        Problem(
            Element("scenario", name),
            "no scenario of that name",
            "one of " + (", ".join(scenario_names(spec)) or "(no scenarios defined)"),
        )
    )


#: Scenario versions of the specs seen recently (see :func:`scenario_spec`).
APPLIED: IdentityMemo[ModelSpec] = IdentityMemo()


def scenario_spec(spec: ModelSpec, scenario: Scenario) -> ModelSpec:
    """:func:`apply_scenario`, once per (spec, scenario) pair: validation and the run then
    share one spec object per scenario, and with it one compiled model."""
    return APPLIED(apply_scenario, spec, scenario)


def apply_scenario(spec: ModelSpec, scenario: Scenario) -> ModelSpec:
    """A copy of ``spec`` with the scenario's overrides; every bad target is reported."""
    problems: list[Problem] = []
    params = {p.name: p for p in spec.parameters}
    strategies = {s.name: dict(s.parameters) for s in spec.strategies}
    settings_changes: dict[str, object] = {}
    base_changes: dict[str, Expr] = {}
    for target, value in scenario.overrides.items():
        where = Element("scenario", scenario.name, target=target)
        m = _STRATEGY_TARGET.match(target)
        if target.startswith("settings."):
            field = target[len("settings.") :]
            if field not in _SETTING_TYPES:
                problems.append(
                    Problem(
                        where,
                        "unknown setting" + suggestion(target, [f"settings.{f}" for f in _SETTING_TYPES]),
                        "one of settings." + ", settings.".join(_SETTING_TYPES),
                    )
                )
                continue
            settings_changes[field] = _setting_value(field, value, where, problems)
        elif m:
            name, strategy = m.group("param"), m.group("strategy")
            if strategy not in strategies:
                problems.append(
                    Problem(
                        where,
                        f"unknown strategy '{strategy}'{suggestion(strategy, strategies)}",
                        "one of " + ", ".join(strategies),
                    )
                )
            elif name not in params:
                problems.append(
                    Problem(where, f"unknown parameter '{name}'{suggestion(name, params)}", "a parameter name")
                )
            else:
                strategies[strategy][name] = value
        elif target in params:
            base_changes[target] = value
        else:
            problems.append(
                Problem(
                    where,
                    "not a parameter or setting" + suggestion(target, params),
                    "a parameter name, name[strategy] or settings.<field>",
                )
            )
    if problems:
        raise ModelError(problems)
    new = spec.with_parameters(base_changes)
    new = dataclasses.replace(
        new,
        strategies=tuple(dataclasses.replace(s, parameters=strategies[s.name]) for s in spec.strategies),
        settings=dataclasses.replace(spec.settings, **settings_changes),  # type: ignore[arg-type]
    )
    return new


def _setting_value(field: str, value: Expr, where: Element, problems: list[Problem]) -> object:
    kind = str(_SETTING_TYPES[field])
    if kind in ("str", "str | None"):
        return str(value)
    if field == "proportion_male":
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(Problem(where, f"'{value}' is not a number", "a number"))
        return value
    return int(number) if kind in ("int", "int | None") else number
