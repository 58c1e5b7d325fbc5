"""The example's parameter values and distribution arguments as a reader sees them (issue 18): in the
inputs tables of report.html (the main part and the appendix) and on the Inputs sheet of
results.xlsx, a number has four significant digits -- never the sixteen of a computed value such as
0.006729100952711498 -- and a small rate is never rounded to 0.00.

The rule is checked from its definition, not from the formatting code: a shown number ``t`` of a
value ``v`` has at most four significant digits (more only for the digits before the decimal
point) and differs from ``v`` by at most half a unit of its last digit."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import openpyxl
import pytest

from hecon.report import REPORT_HTML

DIGITS = 4


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def significant_digits(text: str) -> int:
    """Significant digits of a number written in decimals (``0.006729`` -> 4, ``1,234,568`` -> 7)."""
    digits = text.replace(",", "").replace("-", "").replace(".", "").lstrip("0")
    return len(digits)


def assert_shown_with_four_digits(text: str, value: float, where: str) -> None:
    shown = float(text.replace(",", ""))
    if value == 0:
        assert shown == 0, where
        return
    integer_digits = len(str(int(abs(value)))) if abs(value) >= 1 else 0
    assert significant_digits(text) <= max(DIGITS, integer_digits), (where, text, value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(shown - value) <= 0.5 * 10.0**-decimals * (1 + 1e-9), (where, text, value)
    assert shown != 0, (where, text, value)  # a small rate is not rounded away


@pytest.fixture(scope="module")
def example(rrmm_report):
    folder, results = rrmm_report
    parser = _Tables()
    parser.feed((folder / REPORT_HTML).read_text(encoding="utf-8"))
    return folder, results.spec, parser.tables


def _input_rows(tables):
    """Rows of the report's parameter tables (header Parameter, Value, Unit, ...): name -> cells."""
    rows = {}
    for table in tables:
        if table and table[0][:3] == ["Parameter", "Value", "Unit"]:
            header = table[0]
            rows.update({r[0]: dict(zip(header, r)) for r in table[1:] if len(r) == len(header)})
    return rows


def test_report_parameter_values_have_four_significant_digits(example):
    _, spec, tables = example
    rows = _input_rows(tables)
    numeric = [p for p in spec.parameters if isinstance(p.value, float) and not isinstance(p.value, bool)]
    assert len(numeric) > 100
    assert {p.name for p in spec.parameters} <= set(rows)  # every parameter: main part or appendix
    long = [p for p in numeric if len(repr(p.value).lstrip("-0.")) > 8]
    assert len(long) > 20  # computed values: 0.006729100952711498 ...
    for p in numeric:
        assert_shown_with_four_digits(rows[p.name]["Value"], p.value, p.name)
    smallest = min((p for p in numeric if p.value > 0), key=lambda p: p.value)
    assert smallest.value < 0.01 and float(rows[smallest.name]["Value"]) > 0


def test_report_distribution_arguments_have_four_significant_digits(example):
    _, spec, tables = example
    rows = _input_rows(tables)
    checked = 0
    for p in spec.parameters:
        d = p.distribution
        if d is None or d.kind == "empirical":
            continue
        text = rows[p.name]["PSA distribution"]
        for key, value in d.args.items():
            if isinstance(value, float):
                shown = re.search(rf"\b{re.escape(key)}=(-?[\d.]+)", text)
                assert shown is not None, (p.name, key, text)
                assert_shown_with_four_digits(shown[1], value, f"{p.name} {key}")
                checked += 1
    assert checked > 100


def test_results_xlsx_inputs_sheet_shows_four_significant_digits(example):
    folder, spec, _ = example
    ws = openpyxl.load_workbook(folder / "results.xlsx")["Inputs"]
    header = [c.value for c in ws[3]]
    name_col, value_col = header.index("Parameter"), header.index("Value")
    values = {p.name: p.value for p in spec.parameters}
    checked = 0
    for row in ws.iter_rows(min_row=4):
        cell, name = row[value_col], row[name_col].value
        if not isinstance(cell.value, float) or cell.value == 0:
            continue
        assert cell.value == pytest.approx(values[name], rel=1e-15)  # the full value (Excel: 16 digits) is stored
        match = re.fullmatch(r"#,##0(?:\.(0+))?", cell.number_format)
        assert match is not None, (name, cell.number_format)
        decimals = len(match[1] or "")
        # the decimals of four significant digits, less trailing zeros (0.59: 0.59, not 0.5900)
        four = max(0, DIGITS - 1 - math.floor(math.log10(abs(cell.value))))
        assert decimals <= four and round(cell.value, decimals) == round(cell.value, four), (name, cell.number_format)
        assert round(cell.value, decimals) != 0, name
        checked += 1
    assert checked > 100
