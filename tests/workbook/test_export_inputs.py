"""Every input on the exported Inputs sheet is live: edited by its defined name and recalculated
by LibreOffice, the workbook gives what hecon gives on the same edit (issue 15, review)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from hecon.examples.textbook import textbook_model
from hecon.workbook.export import export_excel
from tests.models import with_settings
from tests.workbook.libreoffice import needs_libreoffice, recalculate
from tests.workbook.test_export_excel import hecon_table, max_relative_difference, results_table


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
