"""One analysis run: the base case and the chosen scenarios of a model, ready to report.

:func:`run_analysis` wires a full run (as pvlib's ``ModelChain`` does) and returns a
:class:`RunResult`, which the report writers (:mod:`hecon.report`) turn into files. It knows
nothing about workbooks or files other than the input file's checksum.

Adding an analysis (PSA, DSA, threshold analysis, ...)
------------------------------------------------------
1. compute it in a function of its own, called from :func:`run_analysis` after the
   deterministic runs (switched on by an argument with a default that keeps it off);
2. store its result in a new field of :class:`RunResult` with default ``None``;
3. add a section builder to :data:`hecon.report.sections.SECTIONS` that turns it into
   JSON, tables and figures (it returns ``None`` when the field is ``None``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, Sequence

import xarray as xr

from hecon.engine import run_model
from hecon.errors import ModelError, Problem
from hecon.scenarios import BASE_CASE, apply_scenario, get_scenario
from hecon.spec import ModelSpec, Scenario

__all__ = ["BASE_CASE", "RunResult", "ScenarioResult", "file_sha256", "run_analysis"]


@dataclass(frozen=True)
class ScenarioResult:
    """The deterministic results of one scenario.

    name     : scenario name; ``"base case"`` for the model as specified
    spec     : the model with the scenario's overrides applied
    results  : :func:`hecon.engine.run_model` output (one sample: the deterministic run);
               variables are documented in :mod:`hecon.results`
    scenario : the Scenario that was applied (None for the base case)
    """

    name: str
    spec: ModelSpec
    results: xr.Dataset
    scenario: Scenario | None = None

    @property
    def strategies(self) -> list[str]:
        return [s.name for s in self.spec.strategies]

    @property
    def description(self) -> str:
        return self.scenario.description if self.scenario else ""


@dataclass(frozen=True)
class RunResult:
    """Everything one ``hecon run`` computed, with what is needed to reproduce it.

    spec           : the model as read (base case)
    scenarios      : per-scenario results, the base case first
    comparator     : strategy that every other strategy is compared with
    seed           : seed for probabilistic analyses (recorded even when none ran)
    input_path     : the input file as given by the user (None for a model built in Python)
    input_sha256   : SHA-256 of the input file's bytes [hex] (None without an input file)
    started        : when the run started [UTC]
    finished       : when the run finished [UTC]
    hecon_version  : version of hecon that computed the results
    """

    spec: ModelSpec
    scenarios: tuple[ScenarioResult, ...]
    comparator: str
    seed: int
    input_path: Path | None = None
    input_sha256: str | None = None
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    finished: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    hecon_version: str = ""

    @property
    def base(self) -> ScenarioResult:
        """The base case."""
        return self.scenarios[0]

    def scenario(self, name: str) -> ScenarioResult:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits (read only, in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _select_scenarios(spec: ModelSpec, scenarios: Sequence[str] | Literal["all"] | None) -> list[Scenario]:
    if scenarios is None:
        return []
    if isinstance(scenarios, str):
        if scenarios != "all":
            raise ModelError(Problem("scenarios", f"'{scenarios}' is not a list of scenario names",
                                     "a list of names, 'all' or None"))
        return list(spec.scenarios)
    chosen: list[Scenario] = []
    problems: list[Problem] = []
    for name in dict.fromkeys(scenarios):  # each once, in the order given
        if name == BASE_CASE:
            continue  # always run
        try:
            chosen.append(get_scenario(spec, name))
        except ModelError as e:
            problems.extend(e.problems)
    if problems:
        raise ModelError(problems)
    return chosen


def run_analysis(spec: ModelSpec, scenarios: Sequence[str] | Literal["all"] | None = None,
                 seed: int | None = None, *, comparator: str | None = None,
                 input_path: str | Path | None = None, input_sha256: str | None = None) -> RunResult:
    """Run the base case and the chosen scenarios of ``spec`` deterministically.

    spec         : the model
    scenarios    : names of scenarios to run besides the base case, ``"all"`` for every
                   scenario of the model, or None for the base case only
    seed         : seed for probabilistic analyses; default ``spec.settings.seed``
    comparator   : strategy the others are compared with; default the first strategy
    input_path   : the file the model was read from, recorded in the report
    input_sha256 : its SHA-256; computed from ``input_path`` when not given

    Raises :class:`~hecon.errors.ModelError` listing every unknown scenario or comparator
    before anything runs, and the model's problems if a scenario cannot run.

    Example: ``run_analysis(textbook_model(), "all", comparator="SoC").base.results``.
    """
    started = datetime.now(timezone.utc)
    from hecon import __version__

    problems: list[Problem] = []
    strategies = [s.name for s in spec.strategies]
    if comparator is None:
        comparator = strategies[0] if strategies else ""
    elif comparator not in strategies:
        problems.append(Problem(f"comparator '{comparator}'", "no strategy of that name",
                                "one of " + ", ".join(strategies)))
    try:
        chosen = _select_scenarios(spec, scenarios)
    except ModelError as e:
        problems.extend(e.problems)
        chosen = []
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        problems.append(Problem("seed", f"{seed!r} is not a non-negative integer", "an integer >= 0"))
    if problems:
        raise ModelError(problems)

    # apply every scenario first, so that all bad overrides are reported before any run
    specs: list[tuple[str, ModelSpec, Scenario | None]] = [(BASE_CASE, spec, None)]
    for sc in chosen:
        try:
            specs.append((sc.name, apply_scenario(spec, sc), sc))
        except ModelError as e:
            problems.extend(e.problems)
    if problems:
        raise ModelError(problems)

    results = []
    for name, s, sc in specs:
        try:
            results.append(ScenarioResult(name, s, run_model(s), sc))
        except ModelError as e:
            if sc is None:
                raise
            raise ModelError([Problem(f"scenario '{name}': {p.where}", p.what, p.expected)
                              for p in e.problems]) from None

    if input_path is not None and input_sha256 is None:
        input_sha256 = file_sha256(input_path)
    return RunResult(
        spec=spec,
        scenarios=tuple(results),
        comparator=comparator,
        seed=spec.settings.seed if seed is None else seed,
        input_path=Path(input_path) if input_path is not None else None,
        input_sha256=input_sha256,
        started=started,
        finished=datetime.now(timezone.utc),
        hecon_version=__version__,
    )
