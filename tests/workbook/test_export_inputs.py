"""Every input on the exported Inputs sheet is live or marked FIXED: edited by its defined name and
recalculated by LibreOffice, the workbook gives what hecon gives on the same edit; and the file is
written with the usual mode (issue 15, review)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl

from hecon.examples.textbook import textbook_model
from hecon.model.spec import Parameter
from hecon.workbook.export import export_excel
from hecon.workbook.export.sheets import FIXED
from tests.models import with_settings
from tests.workbook.libreoffice import needs_libreoffice, recalculate, recalculate_all
from tests.workbook.test_export_excel import hecon_table, max_relative_difference, results_table, three_state_model


def set_by_name(book: openpyxl.Workbook, name: str, value: float) -> None:
    sheet, cell = next(iter(book.defined_names[name].destinations))
    book[sheet][cell.replace("$", "")] = value


@needs_libreoffice
def test_proportion_male_is_live(tmp_path: Path) -> None:
    """The share of men enters the life-table mortality through its named cell (the textbook model
    has a life table); hecon on the edited settings is the reference."""
    spec = textbook_model()
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    book = openpyxl.load_workbook(path)
    set_by_name(book, "proportion_male", 0.9)
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    wb = openpyxl.load_workbook(recalculate(edited, tmp_path / "out"), data_only=True)
    before, after = hecon_table(spec), hecon_table(with_settings(spec, proportion_male=0.9))
    assert max_relative_difference(before, after) > 1e-3  # the edit matters
    assert max_relative_difference(results_table(wb), after) <= 1e-9


def test_exported_file_has_the_usual_mode(tmp_path: Path) -> None:
    """Written through a temporary file, the workbook still gets the mode a plain open() gives: 0666 & ~umask."""
    import os

    old = os.umask(0o027)
    try:
        path = tmp_path / "model.xlsx"
        export_excel(textbook_model(horizon_years=3.0), path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


@needs_libreoffice
def test_every_named_input_is_live_or_marked_fixed(tmp_path: Path) -> None:
    """Each named cell on the Inputs sheet of the textbook model (5 yearly cycles), set to 0.9
    times its value (0.01 if 0; cycle_days and start_age 1.1 times), changes a result after recalculation, or its row says FIXED and
    the About sheet names it; within_cycle and discount_timing (not named) are marked FIXED too."""
    spec = textbook_model(horizon_years=5.0)
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    baseline = openpyxl.load_workbook(recalculate(path, tmp_path / "base"), data_only=True)
    book = openpyxl.load_workbook(path)
    about = " ".join(str(c.value) for c in book["About"]["A"] if c.value)
    inputs = book["Inputs"]

    def row_of(name: str) -> tuple[object, ...]:
        sheet, cell = next(iter(book.defined_names[name].destinations))
        return next(
            inputs.iter_rows(min_row=int(cell.split("$")[2]), max_row=int(cell.split("$")[2]), values_only=True)
        )

    names = [n for n in book.defined_names if next(iter(book.defined_names[n].destinations))[0] == "Inputs"]
    assert {"proportion_male", "start_age", "c_H", "hr_S1"} <= set(names)
    fixed = [n for n in names if any(str(v).startswith(FIXED) for v in row_of(n))]
    assert {"cycle_years", "n_cycles", "max_cycles"} <= set(fixed)
    for name in fixed:
        assert name in about
    for setting in ("within_cycle", "discount_timing"):
        row = next(r for r in inputs.iter_rows(values_only=True) if r[0] == setting)
        assert any(str(v).startswith(FIXED) for v in row) and setting in about
    live = [n for n in names if n not in fixed]
    edited = []
    for name in live:
        sheet, cell = next(iter(book.defined_names[name].destinations))
        value = float(baseline[sheet][cell.replace("$", "")].value)
        copy = openpyxl.load_workbook(path)
        # longer cycles: fewer than the rows written; an older cohort: the life table starts at 60
        factor = 1.1 if name in ("cycle_days", "start_age") else 0.9
        copy[sheet][cell.replace("$", "")] = factor * value if value else 0.01
        edited.append(tmp_path / f"edit-{name}.xlsx")
        copy.save(edited[-1])
    before = results_table(baseline)
    for name, out in zip(live, recalculate_all(edited, tmp_path / "edited")):
        after = results_table(openpyxl.load_workbook(out, data_only=True))
        assert max_relative_difference(after, before) > 1e-9, f"editing {name} changes no result"


def test_inputs_no_result_reads_are_marked_fixed(tmp_path: Path) -> None:
    """In the three-state model nothing reads age or a life table, 'unused' is read by no formula
    and every strategy replaces c_base by its own value: their rows say FIXED and About names them;
    a parameter that is read (p_hs) is not marked."""
    spec = three_state_model()
    spec = replace(
        spec,
        parameters=(*spec.parameters, Parameter("unused", 1.0), Parameter("c_base", 10.0)),
        strategies=tuple(replace(s, parameters={**s.parameters, "c_base": 20.0}) for s in spec.strategies),
        states=(replace(spec.states[0], costs={**spec.states[0].costs, "base": "c_base"}), *spec.states[1:]),
    )
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    book = openpyxl.load_workbook(path)
    about = " ".join(str(c.value) for c in book["About"]["A"] if c.value)
    rows = {r[1]: r for r in book["Inputs"].iter_rows(values_only=True) if r[1]}
    for name in ("start_age", "proportion_male", "unused", "c_base"):
        assert any(str(v).startswith(FIXED) for v in rows[name]), name
        assert name in about.split("no result reads")[1]
    for name in ("p_hs", "c_drug.New_drug", "discount_rate_costs", "c_base.New_drug"):
        assert not any(str(v).startswith(FIXED) for v in rows[name]), name
