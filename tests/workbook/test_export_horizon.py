"""The horizon of an exported workbook follows its Inputs: a shorter horizon_years (or a longer
cycle_days) gives the rows beyond n_cycles weight 0, for every within-cycle rule, and the
recalculated totals are hecon's on the same edit; a horizon of more cycles than the rows written
makes the totals #N/A and the Checks sheet says so (never a silently truncated total)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from hecon.workbook.export import export_excel
from tests.models import with_settings
from tests.workbook.libreoffice import needs_libreoffice, recalculate
from tests.workbook.test_export_excel import hecon_table, max_relative_difference, results_table, three_state_model

pytestmark = needs_libreoffice


def edited(spec_path: Path, edits: dict[str, float], tmp_path: Path) -> openpyxl.Workbook:
    """The exported workbook with the named cells ``edits`` changed, recalculated by LibreOffice."""
    book = openpyxl.load_workbook(spec_path)
    for name, value in edits.items():
        sheet, cell = next(iter(book.defined_names[name].destinations))
        book[sheet][cell.replace("$", "")] = value
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return openpyxl.load_workbook(recalculate(path, tmp_path / "out"), data_only=True)


def horizon_check(wb: openpyxl.Workbook) -> str:
    """The Checks sheet's line on the horizon."""
    return str(next(row[1] for row in wb["Checks"].iter_rows(values_only=True) if row[0] == "horizon"))


@pytest.mark.parametrize(
    ("within_cycle", "edits", "settings"),
    [
        ("none", {"horizon_years": 17.0}, {"horizon_years": 17.0}),
        ("end", {"horizon_years": 17.0}, {"horizon_years": 17.0}),
        ("half-cycle", {"horizon_years": 17.0}, {"horizon_years": 17.0}),
        ("simpson", {"horizon_years": 17.0}, {"horizon_years": 17.0}),  # odd: 1/3 rule, then 3/8
        ("simpson", {"horizon_years": 12.0}, {"horizon_years": 12.0}),  # even: 1/3 rule only
        ("simpson", {"horizon_years": 3.0}, {"horizon_years": 3.0}),  # the 3/8 rule only
        ("simpson", {"horizon_years": 1.0}, {"horizon_years": 1.0}),  # one cycle: the trapezoid
        ("half-cycle", {"cycle_days": 730.5}, {"cycle_length_days": 730.5}),  # 15 cycles of two years
    ],
    ids=["none-17", "end-17", "half-cycle-17", "simpson-17", "simpson-12", "simpson-3", "simpson-1", "two-year-cycles"],
)
def test_shorter_horizon_follows_the_inputs(
    within_cycle: str, edits: dict[str, float], settings: dict[str, float], tmp_path: Path
) -> None:
    spec = with_settings(three_state_model(), within_cycle=within_cycle)  # 30 yearly cycles, one-off rewards
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    wb = edited(path, edits, tmp_path)
    changed = with_settings(spec, **settings)
    assert changed.settings.n_cycles < spec.settings.n_cycles
    assert max_relative_difference(hecon_table(changed), hecon_table(spec)) > 1e-3  # the edit matters
    assert max_relative_difference(results_table(wb), hecon_table(changed)) <= 1e-9
    assert horizon_check(wb).startswith("OK: ")


@pytest.mark.parametrize(
    ("within_cycle", "edits"),
    [
        ("half-cycle", {"horizon_years": 40.0}),  # 40 cycles, 30 written
        ("half-cycle", {"cycle_days": 182.625}),  # 60 half-year cycles, 30 written
        ("custom", {"horizon_years": 20.0}),  # custom weights: one per exported row
    ],
    ids=["longer-horizon", "shorter-cycles", "custom-weights"],
)
def test_a_horizon_the_rows_cannot_hold_gives_na(within_cycle: str, edits: dict[str, float], tmp_path: Path) -> None:
    spec = three_state_model()
    weights = tuple([0.5] + [1.0] * 29 + [0.5]) if within_cycle == "custom" else None
    spec = replace(spec, settings=replace(spec.settings, within_cycle=within_cycle, cycle_weights=weights))
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    as_exported = openpyxl.load_workbook(recalculate(path, tmp_path / "as-exported"), data_only=True)
    assert max_relative_difference(results_table(as_exported), hecon_table(spec)) <= 1e-9
    wb = edited(path, edits, tmp_path)
    rows = list(wb["Results"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert all(v == "#N/A" for row in rows for v in row[1:7]), rows
    if within_cycle != "custom":
        assert horizon_check(wb).startswith("NOT OK: ")
