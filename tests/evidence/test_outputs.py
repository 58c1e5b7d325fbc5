"""Tests for hecon.evidence.outputs: the files of a fit, and the route from a fitted curve to
correlated PSA draws through an hecon workbook.

The PSA route is followed as a user would: the rows of workbook_rows.xlsx are pasted below the
rows of the textbook example workbook, the workbook is validated and read by hecon's own
reader, and hecon's PSA sampler (hecon.model.distributions.draw_parameters) draws from it.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.evidence.fit import SurvivalFit
from hecon.evidence.outputs import (
    CONVERGENCE_CSV,
    COVARIANCE_CSV,
    FITS_COLUMNS,
    FITS_CSV,
    MARKER,
    PARAMETERS_SHEET_COLUMNS,
    SURVIVAL_SHEET_COLUMNS,
    WORKBOOK_ROWS,
    curve_name,
    write_fit_outputs,
)
from hecon.examples import EXAMPLES
from hecon.model.distributions import draw_parameters
from hecon.model.problems import ModelError
from hecon.workbook import read_workbook, schema, validate_workbook, write_template
from tests.agreement import problems_of


@pytest.fixture(scope="module")
def fits(fitted) -> list[SurvivalFit]:
    """Fits to lung (every distribution) and colon (every cure model), as arms 'lung' and
    'colon'; lung's cure models did not converge (no plateau)."""
    lung = [dataclasses.replace(f, arm="lung") for f in fitted["lung"].values()]
    return lung + [dataclasses.replace(f, arm="colon") for f in fitted["colon"].values() if f.cure]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sheet_columns_are_the_workbook_schema():
    assert tuple(c.name for c in schema.sheet("Survival").columns) == SURVIVAL_SHEET_COLUMNS
    assert tuple(c.name for c in schema.sheet("Parameters").columns) == PARAMETERS_SHEET_COLUMNS


def test_curve_names_are_usable_in_formulas(fitted):
    fit = fitted["colon"][("weibull", True)]
    assert curve_name(dataclasses.replace(fit, arm="Lev+5FU"), "os") == "os_Lev_5FU_weibull_cure"
    assert curve_name(dataclasses.replace(fit, arm="2nd line")) == "x2nd_line_weibull_cure"
    assert curve_name(fitted["lung"][("lnorm", False)]) == "lnorm"  # arm "all" is left out


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def test_files_have_the_contract_columns_and_the_fits_numbers(tmp_path, fits):
    out = write_fit_outputs(fits, tmp_path / "fit", files={"figures/km.png": b"png"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        [FITS_CSV, COVARIANCE_CSV, CONVERGENCE_CSV, WORKBOOK_ROWS, MARKER, "figures/km.png"]
    )
    assert [p.name for p in tmp_path.iterdir()] == ["fit"]  # no temporary folder left

    with open(out / FITS_CSV, newline="") as handle:
        assert next(csv.reader(handle)) == list(FITS_COLUMNS)
    rows = read_csv(out / FITS_CSV)
    assert len(rows) == sum(len(f.parameters) for f in fits)
    by_key = {(r["arm"], r["distribution"], r["parameter"]): r for r in rows}
    for fit in fits:
        for p in fit.parameters:
            row = by_key[(fit.arm, fit.label, p)]
            assert float(row["estimate"]) == fit.estimates[p]  # exact: shortest round-trip repr
            if fit.converged:
                assert (float(row["se"]), float(row["aic"]), float(row["bic"])) == (fit.se[p], fit.aic, fit.bic)
                assert float(row["loglik"]) == fit.loglik
            else:  # cannot be chosen by AIC by mistake
                assert row["se"] == row["loglik"] == row["aic"] == row["bic"] == ""
    colon_cure = next(f for f in fits if f.arm == "colon" and f.distribution == "weibull")
    assert by_key[("colon", "weibull cure", "theta")]["estimate"] == repr(colon_cure.estimates["theta"])

    covariance = read_csv(out / COVARIANCE_CSV)
    assert list(covariance[0]) == ["arm", "distribution", "row", "column", "covariance"]
    converged = [f for f in fits if f.converged]
    assert len(covariance) == sum(len(f.parameters) ** 2 for f in converged)
    gengamma = next(f for f in fits if f.distribution == "gengamma")
    cells = {(r["row"], r["column"]): float(r["covariance"]) for r in covariance if r["distribution"] == "gengamma"}
    assert cells == {
        (a, b): gengamma.covariance[i, j]
        for i, a in enumerate(gengamma.parameters)
        for j, b in enumerate(gengamma.parameters)
    }

    convergence = read_csv(out / CONVERGENCE_CSV)
    assert [(r["distribution"], r["converged"]) for r in convergence if r["arm"] == "lung"][-3:] == [
        ("weibull cure", "yes"),
        ("lnorm cure", "no"),
        ("llogis cure", "no"),
    ]
    lnorm_cure = next(r for r in convergence if (r["arm"], r["distribution"]) == ("lung", "lnorm cure"))
    assert "boundary" in lnorm_cure["message"] and lnorm_cure["n"] == "228" and lnorm_cure["events"] == "165"


def test_workbook_rows_sheets(tmp_path, fits):
    out = write_fit_outputs(fits, tmp_path / "fit", prefix="os")
    book = openpyxl.load_workbook(out / WORKBOOK_ROWS)
    assert book.sheetnames == ["Survival", "Parameters"]
    survival = [[c.value for c in row] for row in book["Survival"].iter_rows()]
    assert tuple(survival[0]) == SURVIVAL_SHEET_COLUMNS
    converged = [f for f in fits if f.converged]
    assert len(survival) - 1 == len(converged)
    weibull_cure = next(r for r in survival if r[0] == "os_colon_weibull_cure")
    assert weibull_cure[1:4] == [
        "weibull",
        "days",
        "shape=os_colon_weibull_cure_shape; scale=os_colon_weibull_cure_scale",
    ]
    assert weibull_cure[6] == "odds_to_prob(exp(os_colon_weibull_cure_logit_theta))"
    parameters = [[c.value for c in row] for row in book["Parameters"].iter_rows()]
    assert tuple(parameters[0]) == PARAMETERS_SHEET_COLUMNS
    assert len(parameters) - 1 == sum(len(f.parameters) for f in converged)
    gompertz_shape = next(r for r in parameters if r[0] == "os_lung_gompertz_shape")
    gompertz = next(f for f in fits if f.distribution == "gompertz")
    # openpyxl stores numbers to 16 significant digits; the mvnormal arguments are exact text
    assert gompertz_shape[1] == pytest.approx(gompertz.estimates["shape"], rel=1e-15) and gompertz_shape[2] == "per day"
    assert gompertz_shape[5:8] == [
        "mvnormal",
        f"mean={gompertz.internal['shape']!r}; cov_os_lung_gompertz_shape={float(gompertz.covariance[0, 0])!r}; "
        f"cov_os_lung_gompertz_rate={float(gompertz.covariance[0, 1])!r}",  # identity scale: no transform
        "os_lung_gompertz",
    ]


def test_nothing_is_written_on_error(tmp_path, fits):
    with pytest.raises(ModelError) as info:
        write_fit_outputs(fits, tmp_path / "fit", files={"../escape.png": b""})
    assert (
        str(info.value)
        == "output files: '../escape.png' is not a plain relative file name; expected e.g. figures/km.png"
    )
    with pytest.raises(ModelError, match="fits: there is nothing to write"):
        write_fit_outputs([], tmp_path / "fit")
    assert list(tmp_path.iterdir()) == []
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    with pytest.raises(ModelError, match="is not an hecon fit-survival folder"):
        write_fit_outputs(fits, other)
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_an_earlier_output_folder_is_replaced(tmp_path, fits):
    out = write_fit_outputs(fits, tmp_path / "fit", files={"old.txt": b"old"})
    write_fit_outputs(fits[:1], out)
    assert not (out / "old.txt").exists()
    assert {r["distribution"] for r in read_csv(out / FITS_CSV)} == {fits[0].label}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit"]


# --------------------------------------------------------------------------------------
# The PSA route: fit -> workbook rows -> hecon's reader and sampler
# --------------------------------------------------------------------------------------


def paste(rows_file: Path, workbook: Path) -> dict[str, int]:
    """Paste the data rows of rows_file's sheets below the rows of the same sheets of
    workbook (columns in the same order); return the row number of each pasted parameter."""
    source = openpyxl.load_workbook(rows_file)
    target = openpyxl.load_workbook(workbook)
    where = {}
    for title in ("Survival", "Parameters"):
        sheet = target[title]
        assert [c.value for c in sheet[1]][: sheet.max_column] == [c.value for c in source[title][1]]
        for values in source[title].iter_rows(min_row=2, values_only=True):
            sheet.append(list(values))
            where[values[0]] = sheet.max_row
    target.save(workbook)
    return where


@pytest.fixture
def model_with_fits(tmp_path, fits):
    out = write_fit_outputs(fits, tmp_path / "fit", prefix="os")
    path = tmp_path / "model.xlsx"
    write_template(path, EXAMPLES["textbook"]())
    rows = paste(out / WORKBOOK_ROWS, path)
    return path, rows


def test_pasted_rows_are_a_valid_model_whose_psa_draws_have_the_fit_covariance(model_with_fits, fits):
    path, _ = model_with_fits
    assert validate_workbook(path) == []
    spec = read_workbook(path)
    curves = {c.name: c for c in spec.survival_curves}
    n = 20_000
    draws = draw_parameters(spec.parameters, n, seed=20241207)
    for fit in (f for f in fits if f.converged):
        name = curve_name(fit, "os")
        curve = curves[name]
        assert (curve.distribution, curve.time_unit) == (fit.distribution, "days")
        names = [f"{name}_logit_theta" if p == "theta" else f"{name}_{p}" for p in fit.parameters]
        # back to the internal scale: log of the exp-transformed draws
        internal = np.column_stack(
            [np.log(draws[m]) if scale == "log" else draws[m] for m, scale in zip(names, fit.scales)]
        )
        mean = np.array([fit.internal[p] for p in fit.parameters])
        sigma = fit.covariance
        # Monte Carlo error: the sample mean has variance sigma_ii / n; the sample covariance
        # S_ij of n normal draws has variance (sigma_ij^2 + sigma_ii sigma_jj) / (n - 1)
        # (Wishart; Anderson, An Introduction to Multivariate Statistical Analysis, 3rd ed.,
        # 2003, section 7.3). Allow 4.5 standard errors: with ~150 checked numbers a false
        # alarm has probability ~1e-3, and the draws are fixed by the seed.
        sd = np.sqrt(np.diag(sigma))
        assert np.all(np.abs(internal.mean(axis=0) - mean) < 4.5 * sd / math.sqrt(n))
        sample = np.atleast_2d(np.cov(internal, rowvar=False))
        tolerance = 4.5 * np.sqrt((sigma**2 + np.outer(sd**2, sd**2)) / (n - 1))
        assert np.all(np.abs(sample - sigma) < tolerance), (name, sample, sigma)
        # the base case is the estimate
        values = {p.name: p.value for p in spec.parameters}
        for m, p, scale in zip(names, fit.parameters, fit.scales):
            assert values[m] == pytest.approx(fit.internal[p] if scale == "logit" else fit.estimates[p], rel=1e-15)


@pytest.mark.parametrize("broken", ["asymmetric", "not positive semi-definite"])
def test_validation_names_the_cell_of_a_broken_covariance(model_with_fits, broken):
    path, rows = model_with_fits
    book = openpyxl.load_workbook(path)
    sheet = book["Parameters"]
    header = [c.value for c in sheet[1]]
    args_column = header.index("distribution_args") + 1
    row = rows["os_lung_weibull_shape"]
    cell = sheet.cell(row, args_column)
    args = dict(part.split("=") for part in cell.value.split("; "))
    if broken == "asymmetric":
        args["cov_os_lung_weibull_scale"] = repr(float(args["cov_os_lung_weibull_scale"]) * 1.5)
    else:  # a variance so small that |cov| > sqrt(var var)
        args["cov_os_lung_weibull_shape"] = repr(float(args["cov_os_lung_weibull_shape"]) * 1e-4)
    cell.value = "; ".join(f"{k}={v}" for k, v in args.items())
    book.save(path)
    problems = validate_workbook(path)
    assert problems_of(path) == [str(p) for p in problems]  # and 'hecon validate' and 'hecon run' list the same
    letter = openpyxl.utils.get_column_letter(args_column)
    (problem,) = problems
    assert str(problem.where) == f"Parameters!{letter}{row}"
    assert "'os_lung_weibull'" in problem.what
    assert ("not symmetric" if broken == "asymmetric" else "not positive semi-definite") in problem.what
