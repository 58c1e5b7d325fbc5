"""``hecon fit-survival``: writes the fits, or lists every problem of the data and writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from hecon.cli import main
from hecon.evidence.outputs import FITS_COLUMNS

DATA = Path(__file__).resolve().parent / "evidence" / "data"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_good_run_writes_the_files_and_prints_the_table(tmp_path):
    source = DATA / "ovarian.csv"
    before = source.read_bytes()
    out = tmp_path / "fit"
    result = invoke(
        "fit-survival", source, "--out", out, "--time-unit", "days", "--distributions", "exp,weibull", "--cure", "none"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".hecon-fit",
        "convergence.csv",
        "covariance.csv",
        "figures",
        "fits.csv",
        "workbook_rows.xlsx",
    ]
    with open(out / "fits.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == FITS_COLUMNS
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        (arm, dist, p)
        for arm in ("rx1", "rx2")
        for dist, ps in (("exp", ["rate"]), ("weibull", ["shape", "scale"]))
        for p in ps
    ]
    with open(out / "covariance.csv", newline="") as handle:
        assert next(csv.reader(handle)) == ["arm", "distribution", "row", "column", "covariance"]
    names = [c.value for c in openpyxl.load_workbook(out / "workbook_rows.xlsx")["Survival"]["A"]][1:]
    assert names == ["ovarian_rx1_exp", "ovarian_rx1_weibull", "ovarian_rx2_exp", "ovarian_rx2_weibull"]
    assert len(list((out / "figures").iterdir())) == 8
    assert "arm rx1: 13 patients, 7 events, times in days" in result.stdout
    header, *table = result.stdout.split("arm rx1")[1].split("arm rx2")[0].splitlines()[1:]
    assert header.split() == ["model", "k", "loglik", "AIC", "BIC", "dAIC"]
    weibull = next(r for r in rows[1:] if r[:2] == ["rx1", "weibull"])
    line = next(line.split() for line in table if line.split()[0] == "weibull")
    assert line[1:5] == ["2", f"{float(weibull[5]):.2f}", f"{float(weibull[6]):.2f}", f"{float(weibull[7]):.2f}"]
    assert f"Wrote {out}" in result.stdout
    assert source.read_bytes() == before  # only read


def test_bad_file_exits_1_with_located_messages_and_writes_nothing(tmp_path):
    data = tmp_path / "os.csv"
    data.write_text("time,event\n3,1\n-1,1\n4,2\n", encoding="utf-8")
    out = tmp_path / "fit"
    result = invoke("fit-survival", data, "--out", out, "--time-unit", "months")
    assert result.exit_code == 1
    assert f"{data}:3: time -1 is negative; expected a time >= 0 in the data's time unit" in result.stderr
    assert f"{data}:4: event 2 is not 0 or 1; expected 1 (event) or 0 (censored)" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["os.csv"]


def test_data_that_cannot_be_fitted_exits_1(tmp_path):
    data = tmp_path / "os.csv"
    data.write_text("time,event,arm\n0,1,A\n2,1,A\n3,0,B\n", encoding="utf-8")
    result = invoke("fit-survival", data, "--out", tmp_path / "fit", "--time-unit", "months")
    assert result.exit_code == 1
    assert "arm 'A' (" in result.stderr and "1 event at time 0" in result.stderr
    assert "arm 'B' (" in result.stderr and "has no events (1 patients, all censored)" in result.stderr
    assert not (tmp_path / "fit").exists()


def test_excel_sheet_and_the_time_unit_is_required(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("OS")
    sheet.append(["time", "event"])
    for t, e in [(5, 1), (8, 1), (12, 0), (3, 1), (9, 1), (15, 0)]:
        sheet.append([t, e])
    path = tmp_path / "trial.xlsx"
    book.save(path)
    args = (
        "fit-survival",
        path,
        "--sheet",
        "OS",
        "--out",
        tmp_path / "fit",
        "--distributions",
        "exp",
        "--cure",
        "none",
    )
    result = invoke(*args)
    assert result.exit_code == 2 and "--time-unit is required" in result.output
    assert not (tmp_path / "fit").exists()
    result = invoke(*args, "--time-unit", "years")
    assert result.exit_code == 0, result.output
    assert "all patients: 6 patients, 4 events, times in years" in result.stdout


def test_command_line_mistakes_exit_2(tmp_path):
    data = DATA / "ovarian.csv"
    result = invoke("fit-survival", data, "--distributions", "weibull,weibul")
    assert result.exit_code == 2 and "'weibul': expected names from exp, weibull" in result.stderr
    result = invoke("fit-survival", data, "--sheet", "OS")
    assert result.exit_code == 2 and "--sheet applies to Excel workbooks" in result.stderr
    other = tmp_path / "data.sav"
    other.write_text("time,event\n1,1\n")
    result = invoke("fit-survival", other)
    assert result.exit_code == 2 and "is neither a CSV file nor an Excel workbook" in result.stderr
    result = invoke("fit-survival", data, "--time-unit", "fortnights")
    assert result.exit_code == 2


def test_missing_columns_exit_1_and_write_nothing(tmp_path):
    data = tmp_path / "os.csv"
    data.write_text("months,status\n3,1\n", encoding="utf-8")
    out = tmp_path / "fit"
    result = invoke("fit-survival", data, "--out", out, "--time-unit", "months")
    assert result.exit_code == 1
    assert f"{data}:1:" in result.stderr and "time" in result.stderr and "event" in result.stderr
    assert not out.exists()


def test_a_digitised_curve_is_reconstructed_then_fitted(tmp_path):
    """--at-risk: DATA is a Kaplan-Meier curve; the patients (Guyot) are written as ipd.csv."""
    curve = tmp_path / "km.csv"
    curve.write_text("time,survival\n0,1\n2,0.8\n4,0.6\n6,0.45\n8,0.35\n10,0.3\n", encoding="utf-8")
    nrisk = tmp_path / "nrisk.csv"
    nrisk.write_text("time,n_risk\n0,100\n5,45\n", encoding="utf-8")
    out = tmp_path / "fit"
    result = invoke(
        "fit-survival",
        curve,
        "--at-risk",
        nrisk,
        "--out",
        out,
        "--time-unit",
        "months",
        "--distributions",
        "exp",
        "--cure",
        "none",
    )
    assert result.exit_code == 0, result.output
    with (out / "ipd.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 100 and {r["event"] for r in rows} <= {"0", "1"}


def test_a_curve_that_rises_or_numbers_at_risk_that_increase_exit_1_and_write_nothing(tmp_path):
    curve = tmp_path / "km.csv"
    curve.write_text("time,survival\n0,1\n1,0.8\n2,0.9\n", encoding="utf-8")
    nrisk = tmp_path / "nrisk.csv"
    nrisk.write_text("time,n_risk\n0,10\n1,12\n", encoding="utf-8")
    out = tmp_path / "fit"
    result = invoke("fit-survival", curve, "--at-risk", nrisk, "--out", out, "--time-unit", "months")
    assert result.exit_code == 1
    assert f"{curve}:4: survival 0.9 at time 2 is above 0.8 at time 1 ({curve}:3): the curve rises" in result.stderr
    assert f"{nrisk}:3: number at risk 12 at time 1 is more than 10 at time 0 ({nrisk}:2)" in result.stderr
    assert not out.exists()
