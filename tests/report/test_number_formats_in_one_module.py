"""Every number a reader sees is written by hecon/report/numbers.py (issue 18: one formatting module
for report.html, results.xlsx and the figures): no other module of hecon/report has a numeric format
of its own -- an f-string format spec (``f"{x:,.0f}"``, ``f"{p:.0%}"``, ``f"{t:g}"``), a printf
format (``"%.2f" % x``), a ``str.format`` template (``"{:.2f}"``) or a call of ``format(x, spec)``.

The modules are read with :mod:`ast`, so that a ``%`` or a brace in ordinary text ("95% interval",
a CSS rule) is not taken for a format, and a format inside an f-string's expression is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import hecon.report

REPORT = Path(hecon.report.__file__).parent
FORMATTING_MODULE = "numbers.py"
ALLOWED = {
    ("style.py", "smallest"): "the smallest text size written into a PNG's metadata (a tEXt chunk read by "
    "tests and tools), never shown to a reader",
    ("xlsx_rows.py", "value"): "a cell's number in results.xlsx's XML, 16 significant digits as XlsxWriter "
    "writes it; a reader sees it in the cell's number format, from numbers.py",
    ("xlsx_rows.py", "pixels * 0.75"): "a row's height [points] in results.xlsx's XML, as XlsxWriter writes it",
}
"""(module, the formatted expression) -> why it may keep a format of its own."""
PRINTF = re.compile(r"%[-+#0]*\d*(?:\.\d+)?[dfFeEgG]")
"""A printf conversion of a number (``%d``, ``%.2f``, ``%8.3g``); ``% i`` in "95% interval" is not one."""
FORMAT_TEMPLATE = re.compile(r"\{[^{}:]*:[<>^=]?[-+ ]?#?0?\d*[,_]?(?:\.\d+)?[dfFeEgGn%]?\}")
"""A ``str.format`` field with a format spec (``{:.2f}``, ``{0:,}``)."""


def numeric_formats(source: str) -> list[tuple[int, str]]:
    """(line, the format's text) of every numeric format in Python ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            found.append((node.lineno, ast.unparse(node.value)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if PRINTF.search(node.value) or FORMAT_TEMPLATE.search(node.value):
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "format":
            found.append((node.lineno, ast.unparse(node)))
    return found


@pytest.mark.parametrize(
    "source",
    [
        'f"{x:,.0f}"',
        'f"{100 * p:.0f}%"',
        'f"{t:g} years"',
        'f"{n:,} samples"',
        'f"{d:+.2f}"',
        'f"{x:,.{d}f}"',
        '"%.2f" % x',
        '"n = %d" % n',
        '"{:.1f}".format(x)',
        "format(x, '.3g')",
    ],
)
def test_the_scan_finds_each_kind_of_numeric_format(source):
    assert numeric_formats(source), source


@pytest.mark.parametrize(
    "source",
    ['"Mean and 95% interval (2.5% to 97.5% percentile)"', 'f"{name} ({unit})"', '"a {b} c"', "significant(x, 4)"],
)
def test_text_with_percent_signs_or_braces_is_not_a_format(source):
    assert not numeric_formats(source)


def test_no_module_but_numbers_formats_a_number():
    modules = sorted(p for p in REPORT.rglob("*.py") if p.name != FORMATTING_MODULE)
    assert len(modules) > 15
    own = [
        f"{path.relative_to(REPORT)}:{line}: {text}"
        for path in modules
        for line, text in numeric_formats(path.read_text(encoding="utf-8"))
        if (path.name, text) not in ALLOWED
    ]
    assert not own, "numbers formatted outside hecon/report/numbers.py:\n" + "\n".join(own)
    # every allowed exception still exists (an allow-list entry whose format has gone is removed)
    for name, text in ALLOWED:
        assert (name, text) in {(name, t) for _, t in numeric_formats((REPORT / name).read_text(encoding="utf-8"))}
