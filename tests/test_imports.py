"""Importing hecon has no side effects, and the command line starts light.

Each check runs in a fresh interpreter, so that what the other tests imported or started
does not count.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "hecon"
HEAVY = ("numba", "scipy", "matplotlib")


def fresh_python(code: str) -> dict:
    """Run ``code`` in a new interpreter; it prints one JSON object, returned here."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_every_module_starts_no_thread_and_compiles_nothing():
    modules = sorted(
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in PACKAGE.rglob("*.py")
        if p.name != "__main__.py"
    )
    code = f"""
import importlib, json, threading
for name in {modules!r}:
    importlib.import_module(name)
from hecon.engine import kernels, packing, run
compiled = [f.__name__ for f in (kernels.run_block, kernels.accumulate, packing._any_bad_sum, packing._first_bad_sum)
            if f.signatures]
print(json.dumps({{"threads": threading.active_count(), "pool": run._pool.cache_info().currsize,
                  "compiled": compiled}}))
"""
    found = fresh_python(code)
    # one thread (the main one); the kernel's pool, and with it the allocator setting, not made
    assert found == {"threads": 1, "pool": 0, "compiled": []}


def test_the_command_line_help_imports_no_numerical_library():
    code = f"""
import json, sys
from click.testing import CliRunner
from hecon.cli import main
result = CliRunner().invoke(main, ["--help"])
assert result.exit_code == 0, result.output
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""
    assert fresh_python(code) == []


def test_template_imports_neither_numba_nor_matplotlib_and_validate_not_matplotlib(tmp_path):
    """'hecon validate' runs the model deterministically (a workbook that validates runs, issue 19),
    so it needs the engine's kernels (numba); it draws nothing, so no matplotlib."""
    path = tmp_path / "model.xlsx"
    code = f"""
import json, sys
from click.testing import CliRunner
from hecon.cli import main
found = []
for args in (["template", {str(path)!r}, "--example", "textbook"], ["validate", {str(path)!r}]):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    found.append(sorted(m for m in ("numba", "matplotlib") if m in sys.modules))
print(json.dumps(found))
"""
    assert fresh_python(code) == [[], ["numba"]]


def test_run_refuses_a_bad_workbook_before_it_imports_the_analyses_and_the_report(tmp_path):
    """A workbook with a problem that reading finds: 'hecon run' says so as quickly as 'hecon
    validate', without importing the report (matplotlib), the analyses or the kernels (numba)."""
    path = tmp_path / "model.xlsx"
    code = f"""
import json, sys
import openpyxl
from click.testing import CliRunner
from hecon.cli import main
assert CliRunner().invoke(main, ["template", {str(path)!r}, "--example", "textbook"]).exit_code == 0
book = openpyxl.load_workbook({str(path)!r})
book["Parameters"]["B4"] = "abc"
book.save({str(path)!r})
result = CliRunner().invoke(main, ["run", {str(path)!r}, "--out", {str(tmp_path / "report")!r}])
assert result.exit_code == 1 and "Parameters!B4: unknown name 'abc'" in result.output, result.output
print(json.dumps(sorted(m for m in ("numba", "matplotlib", "hecon.report", "hecon.analysis.run") if m in sys.modules)))
"""
    assert fresh_python(code) == []
