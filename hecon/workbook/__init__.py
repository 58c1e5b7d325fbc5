"""The Excel front end of hecon: read, validate and write model workbooks.

::

    read_workbook(path) -> ModelSpec          # ModelError listing problems as "Sheet!A12: ..."
    validate_workbook(path) -> list[Problem]  # every problem: reading and whole-model checks
    write_workbook(spec, path)                # a documented workbook that reads back as spec
    write_template(path, spec=None)           # blank template, or one filled with spec

One schema (:mod:`hecon.workbook.schema`) drives the writer, the reader and the validator.
Excel types never leave this package: the reader returns plain Python objects.
"""

from hecon.workbook.schema import SETTINGS, SHEETS
from hecon.workbook.validate import read_workbook, validate_workbook
from hecon.workbook.writer import write_template, write_workbook

__all__ = ["SETTINGS", "SHEETS", "read_workbook", "validate_workbook", "write_template", "write_workbook"]
