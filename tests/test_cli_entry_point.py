"""The ``hecon`` program ends without tearing down the interpreter (hecon.cli.entry_point), yet
keeps Python's exit statuses, flushes its output and runs the exit handlers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hecon.version import __version__

SCRIPT = """
import atexit, sys
atexit.register(lambda: print("exit handler ran", flush=True))
sys.argv = ["hecon", *sys.argv[1:]]
from hecon.cli import entry_point
entry_point()
print("not reached")
"""


def _hecon(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120)


def test_output_is_flushed_and_exit_handlers_run():
    done = _hecon("--version")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"hecon, version {__version__}", "exit handler ran"]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("run", "no such workbook.xlsx"), 2, "does not exist"),  # click's usage error
        (("no-such-command",), 2, "No such command"),
    ],
)
def test_exit_status_and_message(tmp_path, args, status, message):
    done = _hecon(*args)
    assert done.returncode == status
    assert message in done.stderr and "exit handler ran" in done.stdout and "not reached" not in done.stdout


def test_a_workbook_with_problems_ends_with_status_1(tmp_path):
    book = tmp_path / "text.xlsx"
    book.write_text("not a workbook", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "hecon", "validate", str(book)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1 and "1 problem found" in done.stderr
