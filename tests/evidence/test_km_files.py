"""Reading digitised coordinates and numbers at risk, writing reconstructed patient data."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from hecon.evidence.guyot import ReconstructedIPD
from hecon.evidence.km_files import read_coordinates, read_numbers_at_risk, reconstruct_from_files, write_ipd
from hecon.model.problems import ModelError


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def messages(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_coordinates_with_comments_arms_and_any_column_order(tmp_path):
    path = write(
        tmp_path / "km.csv",
        "# Figure 2, digitised by us\nSurvival,arm,time\n1,A,0\n0.9,A,1.5\n\n1,B,0\n0.8,B,2\n0.7,A,3\n",
    )
    curves = read_coordinates(path)
    assert list(curves) == ["A", "B"]
    assert curves["A"].time.tolist() == [0, 1.5, 3] and curves["A"].survival.tolist() == [1, 0.9, 0.7]
    assert curves["A"].where == (f"{path}:3", f"{path}:4", f"{path}:8")
    assert curves["B"].time.tolist() == [0, 2]


def test_numbers_at_risk_without_arms(tmp_path):
    tables = read_numbers_at_risk(write(tmp_path / "n.csv", "time,n_risk\n0,100\n6,80\n"))
    assert list(tables) == [None]
    assert tables[None].time.tolist() == [0, 6] and tables[None].n_risk.tolist() == [100, 80]


def test_every_problem_in_a_coordinates_file_is_located(tmp_path):
    path = write(
        tmp_path / "km.csv",
        "time,survival\n0,1\n1,0.9\n2,abc\n3,0.95\n-1,0.8\n4,85\n5\n6,0.7,1\nx,0.5\n7,inf\n",
    )
    with pytest.raises(ModelError) as caught:
        read_coordinates(path)
    assert messages(caught) == [
        f"{path}:4: survival 'abc' is not a number; expected a survival proportion in [0, 1]",
        f"{path}:8: '5' has 1 fields; expected 2: time,survival",
        f"{path}:9: '6,0.7,1' has 3 fields; expected 2: time,survival",
        f"{path}:10: time 'x' is not a number; expected a time >= 0 in the unit of the figure's axis",
        f"{path}:11: survival 'inf' is not a finite number; expected a survival proportion in [0, 1]",
        f"{path}:6: time -1 is not a time >= 0; expected the time since the start, >= 0",
        f"{path}:7: survival 85 is outside [0, 1]; expected a survival proportion in [0, 1] (divide percentages by 100)",
        f"{path}:5: survival 0.95 at time 3 is above 0.9 at time 1 ({path}:3): the curve rises; "
        "expected a curve that never rises (by more than the digitisation tolerance 0.005)",
    ]


def test_every_problem_in_an_at_risk_file_is_located(tmp_path):
    path = write(tmp_path / "n.csv", "arm,time,n_risk\nA,0,100\nA,3,90\nA,6,95\nA,9,80.5\n,9,3\nB,2,10\n")
    with pytest.raises(ModelError) as caught:
        read_numbers_at_risk(path)
    assert messages(caught) == [
        f"{path}:6: arm is empty; expected the name of the arm this row belongs to",
        f"{path}:5: number at risk 80.5 is not a whole number >= 0; expected a count of patients",
        f"{path}:4: number at risk 95 at time 6 is more than 90 at time 3 ({path}:3); "
        "expected numbers at risk that never increase over time",
        f"{path}:7: the first number at risk is at time 2; expected the number at risk at time 0 "
        "(the number of patients) as well",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("time,surv\n0,1\n", "header 'time,surv' has no column 'survival' and has an unknown column 'surv'"),
        ("time,survival,time\n0,1,0\n", "header 'time,survival,time' repeats a column"),
        ("# only a comment\n", "no header and no rows"),
        ("time,survival\n", "no rows after the header"),
    ],
)
def test_header_and_empty_files(tmp_path, text, message):
    path = write(tmp_path / "km.csv", text)
    with pytest.raises(ModelError) as caught:
        read_coordinates(path)
    assert len(caught.value.problems) == 1
    assert message in str(caught.value.problems[0]) and str(path) in caught.value.problems[0].where


def test_missing_file_is_a_problem_not_a_traceback(tmp_path):
    with pytest.raises(ModelError, match="cannot read the file"):
        read_coordinates(tmp_path / "absent.csv")


def test_arms_must_match_between_files_and_totals(tmp_path):
    coords = write(tmp_path / "km.csv", "arm,time,survival\nA,0,1\nA,1,0.5\nB,0,1\nB,1,0.5\n")
    at_risk = write(tmp_path / "n.csv", "arm,time,n_risk\nA,0,10\nC,0,10\n")
    with pytest.raises(ModelError) as caught:
        reconstruct_from_files(coords, at_risk, {"D": 3})
    assert messages(caught) == [
        f"{coords}:4: arm 'B' has no numbers at risk in {at_risk}; expected the same arms in both files",
        f"{at_risk}:3: arm 'C' has no coordinates in {coords}; expected the same arms in both files",
        f"total events: arm 'D' is not in {coords}; expected one of 'A', 'B'",
    ]


def test_problems_of_both_files_and_of_an_arm_total_are_reported_together(tmp_path):
    coords = write(tmp_path / "km.csv", "time,survival\n0,1\n1,2\n")
    at_risk = write(tmp_path / "n.csv", "time,n_risk\n0,-4\n")
    with pytest.raises(ModelError) as caught:
        reconstruct_from_files(coords, at_risk)
    assert [p.where for p in caught.value.problems] == [f"{coords}:3", f"{at_risk}:2"]

    coords = write(tmp_path / "km2.csv", "arm,time,survival\nA,0,1\nA,1,0.5\n")
    at_risk = write(tmp_path / "n2.csv", "arm,time,n_risk\nA,0,10\n")
    with pytest.raises(ModelError) as caught:
        reconstruct_from_files(coords, at_risk, {"A": 11})
    assert messages(caught) == [
        "total events of arm 'A': 11 is not a whole number from 0 to the 10 patients; "
        "expected the number of events the paper reports"
    ]


def test_reconstruct_from_files_equals_reconstruct_per_arm(tmp_path):
    coords = write(tmp_path / "km.csv", "arm,time,survival\nA,0,1\nA,1,0.8\nA,2,0.6\nB,0,1\nB,2,0.5\n")
    at_risk = write(tmp_path / "n.csv", "arm,time,n_risk\nA,0,10\nA,1,9\nB,0,4\n")
    ipd = reconstruct_from_files(coords, at_risk, {"B": 2})
    assert list(ipd) == ["A", "B"]
    assert ipd["A"].time.size == 10 and ipd["B"].time.size == 4 and ipd["B"].event.sum() == 2


def test_written_ipd_reads_back_sorted_by_time_within_arm(tmp_path):
    ipd = {
        "A": ReconstructedIPD(np.array([2.0, 0.5, 1.25]), np.array([1, 0, 1])),
        "B": ReconstructedIPD(np.array([3.0]), np.array([0])),
    }
    path = tmp_path / "ipd.csv"
    write_ipd(path, ipd)
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["time", "event", "arm"],
        ["0.5", "0", "A"],
        ["1.25", "1", "A"],
        ["2.0", "1", "A"],
        ["3.0", "0", "B"],
    ]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind

    write_ipd(path, {None: ReconstructedIPD(np.array([0.1 + 0.2]), np.array([1]))})
    assert path.read_text(encoding="utf-8") == "time,event\n0.30000000000000004,1\n"  # exact round trip


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = write(tmp_path / "ipd.csv", "old\n")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr("hecon.evidence.km_files.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_ipd(path, {None: ReconstructedIPD(np.array([1.0]), np.array([1]))})
    assert path.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [path]
