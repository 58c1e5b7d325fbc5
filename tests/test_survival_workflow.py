"""The README's survival workflow, run as a user runs it: a published Kaplan–Meier figure ->
reconstructed patients -> fitted curves put into a model -> a valid workbook -> a PSA whose
curve draws carry the fit's covariance."""

from __future__ import annotations

import csv
import hashlib
import math
import re
import shlex
from pathlib import Path

import numpy as np
import openpyxl
import xarray as xr

from hecon.examples import keynote189
from hecon.workbook import read_workbook, validate_workbook
from tests.agreement import problems_of

ROOT = Path(__file__).resolve().parents[1]
KM = ROOT / "inputs" / "km_example"
MODEL = KM / "keynote189_model.xlsx"


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def test_committed_model_equals_a_fresh_write(tmp_path):
    fresh = tmp_path / "fresh.xlsx"
    assert keynote189.main([str(fresh)]) == 0
    assert _cells(MODEL) == _cells(fresh), "regenerate: python -m hecon.examples.keynote189 " + str(MODEL)


def test_the_model_waits_for_its_curves():
    messages = problems_of(MODEL)
    assert [m.split(":")[0] for m in messages] == ["Partitions!C4", "Partitions!C6"]
    assert all("unknown curve 'os_" in m for m in messages)


def _covariances(path: Path) -> dict[str, dict[tuple[str, str], float]]:
    """covariance.csv: distribution -> (row, column) -> covariance, for the Weibull fits."""
    out: dict[str, dict[tuple[str, str], float]] = {}
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            if r["distribution"] == "weibull":
                out.setdefault(r["arm"], {})[(r["row"], r["column"])] = float(r["covariance"])
    return out


def test_the_readme_workflow_from_figure_to_psa(tmp_path, invoke, read_summary):
    before = hashlib.sha256(MODEL.read_bytes()).hexdigest()
    ipd = tmp_path / "keynote189_ipd.csv"
    fits = tmp_path / "fits"
    step = invoke(
        "reconstruct-ipd",
        KM / "keynote189_os_coordinates.csv",
        "--at-risk",
        KM / "keynote189_os_at_risk.csv",
        "--out",
        ipd,
    )
    assert step.exit_code == 0, step.output
    step = invoke(
        "fit-survival", ipd, "--time-unit", "months", "--name", "os", "--out", fits, "--into", MODEL, "--use", "weibull"
    )
    assert step.exit_code == 0, step.output
    merged = fits / "keynote189_model_with_fits.xlsx"
    assert validate_workbook(merged) == []
    assert hashlib.sha256(MODEL.read_bytes()).hexdigest() == before  # the model is only read

    # the curves in the workbook are the fitted ones (fits.csv, flexsurv's natural scale)
    spec = read_workbook(merged)
    values = {p.name: float(p.value) for p in spec.parameters}
    with (fits / "fits.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            if r["distribution"] == "weibull":
                name = f"os_{r['arm'].replace('-', '_')}_weibull_{r['parameter']}"
                assert values[name] == float(r["estimate"])

    report = tmp_path / "report"
    step = invoke("run", merged, "--psa", 2000, "--seed", 11, "--out", report)
    assert step.exit_code == 0, step.output
    summary = read_summary(report)
    assert summary["psa"]["n_samples"] == 2000

    # the PSA draws of each curve's log-scale coefficients have the fit's covariance, within
    # Monte Carlo error: sd of a sample covariance = sqrt((s_ij^2 + s_ii s_jj) / (n - 1))
    drawn = xr.open_dataset(report / "psa.nc", engine="h5netcdf")["parameters"]
    n = drawn.sizes["sample"]
    for arm, cov in _covariances(fits / "covariance.csv").items():
        curve = f"os_{arm.replace('-', '_')}_weibull"
        logs = np.log(np.stack([drawn.sel(parameter=f"{curve}_{p}").values for p in ("shape", "scale")]))
        sample = np.cov(logs)
        for i, a in enumerate(("shape", "scale")):
            for j, b in enumerate(("shape", "scale")):
                target = cov[(a, b)]
                sd = math.sqrt((target**2 + cov[(a, a)] * cov[(b, b)]) / (n - 1))
                assert abs(sample[i, j] - target) < 4.5 * sd, (arm, a, b, sample[i, j], target)


def test_the_readme_commands_run_as_written(tmp_path, monkeypatch, invoke):
    """The worked example's code block of the README, command by command, from a folder where
    inputs/ is the repository's (a fresh clone's layout): every step exits 0."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Survival evidence: from a published figure to the PSA") :]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    commands = [c.strip() for c in block.group(1).replace("\\\n", " ").splitlines() if c.strip().startswith("hecon ")]
    assert [shlex.split(c)[1] for c in commands] == ["reconstruct-ipd", "fit-survival", "validate", "run"]
    (tmp_path / "inputs").symlink_to(ROOT / "inputs")
    monkeypatch.chdir(tmp_path)
    for command in commands:
        result = invoke(*shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.output)
    assert (tmp_path / "work" / "report" / "summary.json").is_file()
