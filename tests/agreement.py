"""'hecon validate' and 'hecon run' agree on every workbook of the tests (issue 19).

Every test that feeds hecon a bad workbook lists its problems through :func:`problems_of` (or
:func:`validate_and_run`), which runs both commands in this process (click's CliRunner) and asserts that they agree: the
same exit status, the same problem lines and the same count said by each command, a located
message per problem, no traceback, no Python repr, and no report written by a refused run. A
workbook that cannot be read at all (not a workbook) is refused by both with the same one line.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from click.testing import CliRunner, Result

from hecon.cli import WORKBOOK_SUFFIXES, main
from hecon.workbook import validate_workbook

#: The start of a located problem: a sheet's cell (``Parameters!B4``, a row from 1) or a file's line.
LOCATED = re.compile(r"([A-Za-z]\w*![A-Z]{1,3}[1-9]\d*|[\w.-]+:[1-9]\d*): ")


def problem_lines(text: str) -> list[str]:
    """The problem lines of a command's output: every line but the error, warning, note and
    progress lines."""
    return [
        line for line in text.splitlines() if line and not line.startswith(("error:", "warning:", "note:", "progress:"))
    ]


def _errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("error:")]


def _invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def validate_and_run(path: Path, out: Path | None = None, options: tuple[object, ...] = ()) -> list[str]:
    """The problems that 'hecon validate' lists for the workbook ``path`` (empty when it is valid),
    after checking that 'hecon run' (to ``out``, default a new temporary folder) exits alike with
    the same problems, each located (at a cell, a line or the whole file), no traceback, and that a
    refused run wrote nothing. A path that the command line refuses (exit status 2, a missing
    file) lists no problems. ``options``: more arguments of 'hecon run' (``("--psa", 10**9)``),
    whose own problems (lines that start with the option's name) the run lists besides the
    workbook's, and counts with them."""
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="hecon-agree-")) / "report"
    checked = _invoke("validate", path)
    ran = _invoke("run", path, "--out", out, *options)
    named = tuple(str(o) for o in options if str(o).startswith("--"))
    for result in (checked, ran):
        assert isinstance(result.exception, (SystemExit, type(None))), result.exception
        assert "Traceback" not in result.output, result.output
    if not named:
        assert checked.exit_code == ran.exit_code, (checked.output, ran.output)
    if ran.exit_code in (0, 2):  # valid, or the command line refused (click's usage error: no such file)
        return []
    assert not out.exists(), "a refused run wrote its report"
    found, reported = problem_lines(checked.stdout), problem_lines(ran.stderr)
    assert [line for line in reported if not named or not line.startswith(named)] == found, (checked.output, ran.output)
    n = len(found)
    if n == 0 and not reported:  # not a workbook at all: the same one line from each
        assert _errors(checked.stderr) == _errors(ran.stderr), (checked.output, ran.output)
        return []
    counted = f"{n} problem{'s' if n > 1 else ''}"
    assert n == 0 or f"{counted} found" in checked.stderr, checked.stderr  # none: only the options' problems
    m = len(reported)  # the workbook's, and the options'
    assert f"has {m} problem{'s' if m > 1 else ''}; nothing was run or written" in ran.stderr, ran.stderr
    for line in found:
        assert LOCATED.match(line) or line.startswith(f"{path.name}: "), line  # a cell, a line or the whole file
        assert not re.search(r"np\.\w+\(", line), line  # no Python reprs such as np.float64(1.5)
    return found


def problems_of(path: Path) -> list[str]:
    """The problems of the workbook ``path`` as :func:`~hecon.workbook.validate_workbook` lists them,
    as text; when there are any (and the command line takes the path), checked to be what 'hecon
    validate' and 'hecon run' list (:func:`validate_and_run`)."""
    found = [str(p) for p in validate_workbook(path)]
    if found and path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
        assert validate_and_run(path) == found
    return found
