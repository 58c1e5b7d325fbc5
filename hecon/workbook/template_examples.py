"""The filled example row that a blank template shows on each sheet.

Each row is marked in the note column :data:`EXAMPLE_COLUMN` (header ``# example``); the reader
rejects a marked row with its cell (:func:`example_problem`) until the analyst deletes the row or
replaces it and clears the mark, so that an example is never run by mistake. The rows together
sketch one small model (a healthy-sick-dead model with one strategy), cell by cell as an analyst
would type them. The Settings sheet has no example row: it already lists every setting with its
default; nor has the Draws sheet, whose columns are named by the parameters they draw (its
template shows example headers only, which are not read as columns until they hold draws).
"""

from __future__ import annotations

from typing import Any

from hecon.model.problems import Cell, Problem

__all__ = ["EXAMPLE_COLUMN", "EXAMPLE_MARK", "EXAMPLE_ROWS", "README_TEXT", "example_problem"]

EXAMPLE_COLUMN = "# example"
"""Header of the note column that marks the template's example rows (a note column: starts with #)."""
EXAMPLE_MARK = "example: replace or delete this row"
"""The marker cell's text in an example row."""
README_TEXT = (
    "A blank template shows one filled example row per sheet (except Settings and Draws), marked in its last column, "
    f"'{EXAMPLE_COLUMN}'. hecon validate and hecon run reject a marked row, naming its cell, until you delete "
    "the row, or type your own values over it and clear the mark. The examples sketch one small model "
    "(states Healthy, Sick, Dead; one strategy)."
)

_SOURCE = "your source: authors, year, journal or report, table or figure"

EXAMPLE_ROWS: dict[str, dict[str, Any]] = {
    "CycleWeights": {"point": 0, "weight": 0.5},
    "Strategies": {"name": "Standard care", "description": "Current practice"},
    "Parameters": {
        "name": "p_sick",
        "value": 0.05,
        "unit": "probability per cycle",
        "description": "Probability of falling sick in a cycle",
        "source": _SOURCE,
        "distribution": "beta",
        "distribution_args": "alpha=5; beta=95",
        "dsa_low": 0.03,
        "dsa_high": 0.08,
    },
    "StrategyParameters": {"strategy": "Standard care", "parameter": "p_sick", "value": 0.05},
    "States": {"name": "Sick", "description": "Sick, on treatment", "utility": 0.6, "cost:drug": 1200},
    "Initial": {"state": "Healthy", "share": 1},
    "Transitions": {"strategy": "all", "from": "Healthy", "to": "Sick", "probability": "p_sick"},
    "Partitions": {"strategy": "all", "state": "Healthy", "survival": "surv_prob(pfs)", "description": "PFS"},
    "TransitionRewards": {"strategy": "all", "from": "Healthy", "to": "Sick", "kind": "cost", "value": 500},
    "Survival": {
        "name": "pfs",
        "distribution": "weibull",
        "time_unit": "months",
        "parameters": "shape=1.2; scale=24",
        "source": _SOURCE,
    },
    "SurvivalPoints": {
        "strategy": "Standard care",
        "endpoint": "PFS",
        "kind": "survival",
        "time": 12,
        "time_unit": "months",
        "value": 0.62,
        "lower": 0.55,
        "upper": 0.69,
        "population": "all randomised patients, from randomisation",
        "comparable": "yes",
        "source": _SOURCE,
    },
    "LifeTable": {"table": "nl", "age": 60, "qx_male": 0.0081, "qx_female": 0.0055, "source": _SOURCE},
    "Schedules": {"name": "infusion", "start_day": 0, "every_days": 21, "end_day": 357, "amount": 1},
    "UtilityNorms": {"age_from": 60, "age_to": 69, "sex": "all", "utility": 0.85, "source": _SOURCE},
    "Thresholds": {"parameter": "p_sick", "strategy": "Standard care", "lower": 0.01, "upper": 0.2},
    "CostCategories": {"category": "drug", "perspective": "healthcare", "description": "Drug acquisition"},
    "EvppiGroups": {"group": "progression", "parameter": "p_sick"},
    "BudgetImpact": {"item": "eligible", "year": 1, "value": 150, "source": _SOURCE},
    "Scenarios": {"scenario": "no_discounting", "target": "settings.discount_rate_costs", "value": 0},
    "Subgroups": {"subgroup": "older", "target": "settings.start_age", "value": 75, "source": _SOURCE},
    "Assumptions": {"assumption": "Patients who fall sick stay sick (no recovery)."},
}
"""Sheet -> its example row (column name -> cell value, as typed)."""


def example_problem(sheet: str, cell: str) -> Problem:
    """The problem of an example row still in a workbook: at the marker ``cell`` of ``sheet``."""
    return Problem(
        Cell(sheet, cell),
        "this row is the template's example (marked in the column '# example')",
        "your own row: delete the example row, or type your values over it and clear this cell",
    )
