"""Report sections: each turns part of a :class:`~hecon.runner.RunResult` into text,
tables and figures for report.html, sheets for results.xlsx and, optionally, an entry of
summary.json.

To add an analysis to the report (PSA, DSA, thresholds, ...), write a builder
``f(result, summary) -> Section | None`` that returns None when the run has no such
analysis, and insert it into :data:`SECTIONS` (before :func:`run_section`, which stays last).
A section with ``json`` set is written to ``summary.json`` under its ``key``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from hecon.report.figures import Figure, trace_figures
from hecon.report.tables import (Table, inputs_table, per_scenario, result_tables, runinfo_table,
                                 scenarios_table, settings_table, trace_table)
from hecon.runner import RunResult

#: Keys of summary.json written by :func:`hecon.report.summary.build_summary`; sections
#: cannot use them.
RESERVED_KEYS = frozenset({"hecon_version", "created", "seed", "input", "title", "currency", "effect_unit",
                           "comparator", "conventions", "settings", "scenarios"})


@dataclass
class Section:
    """One part of the report.

    key         : identifier (HTML anchor; summary.json key when ``json`` is set)
    title       : heading
    paragraphs  : plain-text paragraphs (escaped in HTML)
    bullets     : plain-text list items
    tables      : tables shown in report.html
    figures     : figures shown in report.html
    sheets      : tables written to results.xlsx, one sheet each
    json        : content for summary.json[key], or None
    subsections : nested sections (e.g. one per scenario)
    files       : extra files of the report folder: name (fixed by hecon) -> writer(path)
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    sheets: list[Table] = field(default_factory=list)
    json: Any = None
    subsections: list["Section"] = field(default_factory=list)
    files: dict[str, Callable[[Path], None]] = field(default_factory=dict)


SectionBuilder = Callable[[RunResult, dict], "Section | None"]


def overview_section(result: RunResult, summary: dict) -> Section:
    spec = result.spec
    paragraphs = [spec.description] if spec.description else []
    strategies = ", ".join(s.name for s in spec.strategies)
    states = ", ".join(s.name for s in spec.states)
    paragraphs.append(f"Strategies: {strategies}. Health states: {states}.")
    return Section("overview", "Model and settings", paragraphs=paragraphs,
                   bullets=[f"Assumption: {a}" for a in spec.assumptions], tables=[settings_table(summary)])


def _headline(summary: dict, scenario: dict) -> list[str]:
    return [f"{r['strategy']} versus {r['comparator']}: {r['description']}." for r in scenario["versus_comparator"]]


def results_section(result: RunResult, summary: dict) -> Section:
    tables = result_tables(summary)
    subsections = []
    for name, sc in summary["scenarios"].items():
        paragraphs = [sc["description"]] if sc["description"] else []
        if sc["overrides"]:
            paragraphs.append("Changes from the base case: "
                              + "; ".join(f"{k} = {v}" for k, v in sc["overrides"].items()) + ".")
        subsections.append(Section(f"scenario-{len(subsections)}", name[:1].upper() + name[1:],
                                   paragraphs=paragraphs, bullets=_headline(summary, sc),
                                   tables=per_scenario(tables, name)))
    return Section("results", "Results", sheets=tables, subsections=subsections)


def trace_section(result: RunResult, summary: dict) -> Section:
    base = result.base
    pngs = trace_figures(base.results, base.strategies)
    figures = [Figure(f"Markov trace: {s}", png,
                      f"Share of the cohort in each health state over time, strategy {s} (base case).")
               for s, png in zip(base.strategies, pngs)]
    return Section("trace", "Markov trace", figures=figures, sheets=[trace_table(result)],
                   paragraphs=["The base-case trace of every strategy, cycle by cycle, is in results.xlsx, sheet Trace."])


def inputs_section(result: RunResult, summary: dict) -> Section:
    tables = [inputs_table(result.spec)]
    if any(sr.scenario for sr in result.scenarios):
        tables.append(scenarios_table(result))
    return Section("inputs", "Inputs", tables=tables, sheets=tables)


def run_section(result: RunResult, summary: dict) -> Section:
    table = runinfo_table(result, summary)
    return Section("run", "Run information", tables=[table], sheets=[table],
                   paragraphs=["Re-running the same input file (same SHA-256) with the same hecon version "
                               "and seed reproduces these numbers."])


# The decision-analysis sections live in their own module, which imports Section from here.
from hecon.report.decision import DECISION_SECTIONS  # noqa: E402

#: Builders in report order.
SECTIONS: list[SectionBuilder] = [overview_section, results_section, *DECISION_SECTIONS, trace_section,
                                  inputs_section, run_section]


def build_sections(result: RunResult, summary: dict, builders: list[SectionBuilder] | None = None) -> list[Section]:
    sections = [s for b in (SECTIONS if builders is None else builders) if (s := b(result, summary)) is not None]
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate report section keys: {keys}")
    for s in sections:
        if s.json is not None and s.key in RESERVED_KEYS:
            raise ValueError(f"report section key '{s.key}' is reserved in summary.json")
    return sections
