"""Fixtures shared by the test modules.

Session-scoped fixtures hold what is costly to make and that no test changes: a ModelSpec is
frozen, and the runs, report folders and workbooks below are only read (a test that edits a
workbook copies it first). Model builders that take arguments stay plain functions in
tests/models.py; the fixtures here wrap the uses that several modules share.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xarray as xr
from click.testing import CliRunner, Result

from hecon.analysis.results import Results, summarise_run
from hecon.analysis.run import RunResult, run_analysis
from hecon.cli import main
from hecon.engine.run import run_model
from hecon.examples.rrmm import rrmm_model
from hecon.model.spec import ModelSpec
from hecon.report import write_report
from hecon.workbook import write_workbook
from tests.models import full_model, rich_model, textbook_model

# ---------------------------------------------------------------------------------- models and runs


@pytest.fixture(scope="session")
def textbook_20y() -> ModelSpec:
    """The textbook model (tests.models.textbook_model) over 20 yearly cycles: quick to run."""
    return textbook_model(horizon_years=20.0)


@pytest.fixture(scope="session")
def rrmm_spec() -> ModelSpec:
    """The RRMM example model (hecon.examples.rrmm)."""
    return rrmm_model()


@pytest.fixture(scope="session")
def rrmm_base(rrmm_spec: ModelSpec) -> xr.Dataset:
    """The deterministic base-case run of the RRMM example: four strategies, full horizon."""
    return run_model(rrmm_spec)


@pytest.fixture(scope="session")
def full_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    """The full test report (tests.models.full_model: every section, with DSA and a 200-sample
    PSA), written once: its folder and the run it shows."""
    result = run_analysis(full_model(), "all", seed=11, dsa=True, psa_samples=200, progress=False)
    return write_report(summarise_run(result), tmp_path_factory.mktemp("full") / "report"), result


@pytest.fixture(scope="session")
def rrmm_report(tmp_path_factory: pytest.TempPathFactory, rrmm_spec: ModelSpec) -> tuple[Path, Results]:
    """The shipped example's report (hecon.examples.rrmm, with its one-way analysis and a 20-sample
    PSA to keep it short), written once: its folder and the Results it shows."""
    result = run_analysis(rrmm_spec, None, seed=20241126, dsa=True, psa_samples=20, progress=False)
    results = summarise_run(result)
    return write_report(results, tmp_path_factory.mktemp("rrmm") / "report"), results


# ---------------------------------------------------------------------------------- files


@pytest.fixture(scope="session")
def rich_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests.models.rich_model (every workbook sheet) written once; copy it before editing."""
    path = tmp_path_factory.mktemp("rich") / "rich.xlsx"
    write_workbook(rich_model(), path)
    return path


@pytest.fixture(scope="session")
def read_summary() -> Callable[[Path], Any]:
    """Read a report folder's summary.json; NaN or Infinity in it (not standard JSON) fails the test."""

    def read(folder: Path) -> Any:
        return json.loads(
            (folder / "summary.json").read_text(encoding="utf-8"),
            parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"),
        )

    return read


# ---------------------------------------------------------------------------------- command line


@pytest.fixture(scope="session")
def invoke() -> Callable[..., Result]:
    """Run the hecon command line in this process (click's CliRunner, stdout and stderr apart);
    each argument is turned into a string, so paths can be passed as they are."""

    def run(*args: object) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args])

    return run


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's temporary folder, made the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
