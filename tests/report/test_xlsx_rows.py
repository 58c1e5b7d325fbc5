"""results.xlsx's rows streamed as XML (hecon.report.xlsx_rows) are the bytes XlsxWriter writes.

Each test writes the same tables twice, once as results.xlsx is written (rows through
:class:`RowStream`) and once with every row through XlsxWriter's own ``set_row``,
``write_number`` and ``write_string``, and compares the parts of the two files byte for byte;
the streamed write must have streamed rows, or the comparison would prove nothing.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hecon.report import xlsx_rows
from hecon.report.excel import write_results_xlsx
from hecon.report.tables import Column, Table

_LONG = "word " * 4000  # wraps over many lines; longer than the stream's limit of 16,383 characters

TABLES = [
    Table(
        "Trace",
        "A long table",
        [Column("Strategy", width=24), Column("Cycle", "int", 8), Column("Years", "number", 9)]
        + [Column(f"S{k}", "share", 9) for k in range(30)],  # past column Z: AA, AB, ...
        [
            [name, k, k / 52.0] + [((k + 1) * (s + 3)) % 97 / 97.0 for s in range(30)]
            for name in ("RWPC", "A strategy with a much longer name that wraps in its column")
            for k in range(40)
        ],
        "Per cycle.",
        data=True,
    ),
    Table(
        "Mixed",
        "Every kind of value",
        [Column("Text", width=12), Column("Money", "money"), Column("Raw", "raw"), Column("Sig", "sig4")],
        [
            ['<b>&"quotes"</b>', 1234567.891, 0.000123456789, 2.0 / 3.0],
            ["  leading and trailing  ", -0.5, 1e-300, 123456789.0],
            ["tab\there\x01ctl _x0041_ literal", None, math.nan, math.inf],
            ["=SUM(A1:A2)", 0, 7, None],
            ["", 3, True, -1e20],
            [None, None, None, None],
            [_LONG, 1.5, 2.5, 3.5],
            ["ends with a space ", 10**15 + 1, 0.1 + 0.2, 1 / 3],
        ],
        "Texts to escape, wrap and keep as text; numbers of every size; empty cells.",
    ),
    Table("Empty", "No rows", [Column("Nothing")], [], ""),
]


def _write(path: Path, stream: bool, monkeypatch: pytest.MonkeyPatch) -> int:
    """Write :data:`TABLES` to ``path``; returns the rows streamed."""
    original = xlsx_rows.RowStream.write
    streamed = 0

    def write(self, row, values, formats, height=None):  # type: ignore[no-untyped-def]
        nonlocal streamed
        if not stream:
            return False
        done = original(self, row, values, formats, height)
        streamed += done
        return done

    with monkeypatch.context() as m:
        m.setattr(xlsx_rows.RowStream, "write", write)
        write_results_xlsx(TABLES, path)
    return streamed


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # core: the time written


def test_streamed_rows_are_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch):
    streamed = _write(tmp_path / "streamed.xlsx", True, monkeypatch)
    assert _write(tmp_path / "xlsxwriter.xlsx", False, monkeypatch) == 0
    assert streamed >= 80 + 7  # the Trace rows and most mixed ones
    a, b = _parts(tmp_path / "streamed.xlsx"), _parts(tmp_path / "xlsxwriter.xlsx")
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name


def test_streamed_rows_read_back(tmp_path, monkeypatch):
    _write(tmp_path / "r.xlsx", True, monkeypatch)
    wb = load_workbook(tmp_path / "r.xlsx")
    trace = wb["Trace"]
    assert trace.max_row == 3 + 80 and trace.max_column == 33
    assert trace["A4"].value == "RWPC" and trace["AG4"].value == pytest.approx(32 % 97 / 97.0, abs=1e-15)
    assert trace["B83"].value == 39 and trace["C83"].number_format == "#,##0.00"
    assert trace.row_dimensions[44].height > 15  # the longer name wraps: a row of two lines or more
    mixed = wb["Mixed"]
    assert mixed["A4"].value == '<b>&"quotes"</b>' and mixed["A5"].value == "  leading and trailing  "
    assert mixed["A7"].value == "=SUM(A1:A2)" and mixed["A7"].data_type == "s"
    assert mixed["C6"].value is None and mixed["D6"].value is None  # NaN and inf: empty
    assert mixed["A8"].value is None and mixed["C8"].value == "True"


def test_a_text_that_looks_like_xml_stays_text(tmp_path):
    """XlsxWriter's write_string writes a text between <r> and </r> unescaped, as a rich string's
    XML: a name in a model could end the cell and add markup. The stream escapes it."""
    names = ["<r>rich-looking</r>", "<r></t></is></c><c><v>1</v></c><x></r>"]
    table = Table(
        "Names", "Names", [Column("Strategy", width=60), Column("Value", "number")], [[n, 1.0] for n in names]
    )
    write_results_xlsx([table], tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx")["Names"]
    assert [sheet.cell(r, 1).value for r in (4, 5)] == names
