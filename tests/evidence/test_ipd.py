"""Tests for hecon.evidence.ipd: reading patient data, and the exact wording of its messages."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.evidence.ipd import ALL, arm_data, read_ipd
from hecon.model.problems import ModelError
from tests.evidence.conftest import DATA

TIME = "expected a time >= 0 in the data's time unit"
EVENT = "expected 1 (event) or 0 (censored)"
COLUMNS = "expected columns time, event and optionally arm, named in the first row (any order)"


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path, **kwargs) -> list[str]:
    with pytest.raises(ModelError) as info:
        read_ipd(path, **kwargs)
    return [str(p) for p in info.value.problems]


def workbook(tmp_path: Path, rows: list[list[object]], title: str = "Patients", extra_first: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if extra_first:
        sheet.title = "Notes"
        sheet.append(["not the data"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / "data.xlsx"
    book.save(path)
    return path


# --------------------------------------------------------------------------------------
# Good files
# --------------------------------------------------------------------------------------


def test_reads_arms_in_order_of_appearance():
    data = read_ipd(DATA / "ovarian.csv")
    assert list(data) == ["rx1", "rx2"]
    assert [(a.arm, a.n, a.events) for a in data.values()] == [("rx1", 13, 7), ("rx2", 13, 5)]
    rx1 = data["rx1"]
    assert rx1.time[:3].tolist() == [59.0, 115.0, 156.0] and rx1.event[:3].tolist() == [True, True, True]
    assert rx1.source == str(DATA / "ovarian.csv")
    with pytest.raises(ValueError):
        rx1.time[0] = 1.0  # read-only


def test_without_arm_column_everyone_is_in_one_arm(tmp_path):
    path = write(tmp_path, "Time,EVENT,age\n3.5,1,70\n\n4,0,61\n")  # any case, other columns ignored
    data = read_ipd(path)
    assert list(data) == [ALL]
    assert data[ALL].time.tolist() == [3.5, 4.0] and data[ALL].event.tolist() == [True, False]


def test_semicolons_decimal_commas_and_byte_order_mark(tmp_path):
    path = write(tmp_path, "\ufefftime;event;arm\n12,5;1;A\n3;0;B\n", encoding="utf-8")
    data = read_ipd(path)
    assert data["A"].time.tolist() == [12.5] and data["B"].event.tolist() == [False]


def test_file_is_not_modified(tmp_path):
    path = write(tmp_path, "time,event\n1,1\n")
    before = path.read_bytes(), path.stat().st_mtime_ns
    read_ipd(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_excel_first_or_named_sheet(tmp_path):
    path = workbook(tmp_path, [["time", "event", "arm"], [10, 1, "CAR-T"], [None, None, None], [12.5, 0, 2]])
    data = read_ipd(path)
    assert list(data) == ["CAR-T", "2"]  # a number as arm name reads as its text
    assert data["CAR-T"].time.tolist() == [10.0]
    path = workbook(tmp_path, [["time", "event"], [10, 1]], extra_first=True)
    assert read_ipd(path, sheet="patients")[ALL].n == 1
    assert problems(path) == [
        f"Notes!A1: no column 'time' or 'event' in the header row (found 'not the data'); {COLUMNS}"
    ]


# --------------------------------------------------------------------------------------
# Bad files: every problem, located, in one error
# --------------------------------------------------------------------------------------


def test_every_row_problem_is_located_and_collected(tmp_path):
    path = write(
        tmp_path,
        "time,event,arm\n"
        "1,1,A\n"  # line 2: fine
        "abc,1,A\n"  # line 3
        ",0,A\n"  # line 4
        "-3,1,A\n"  # line 5
        "\n"  # line 6: blank, skipped
        "4,2,A\n"  # line 7
        "5,,A\n"  # line 8
        "6,yes,\n"  # line 9
        "inf,1,B\n",  # line 10
    )
    assert problems(path) == [
        f"{path}:3: time 'abc' is not a number; {TIME}",
        f"{path}:4: time is blank; {TIME}",
        f"{path}:5: time -3 is negative; {TIME}",
        f"{path}:7: event 2 is not 0 or 1; {EVENT}",
        f"{path}:8: event is blank; {EVENT}",
        f"{path}:9: event 'yes' is not 0 or 1; {EVENT}",
        f"{path}:9: arm is blank; expected the arm's name on every row (or no arm column)",
        f"{path}:10: time 'inf' is not a finite number; {TIME}",
    ]


def test_missing_and_repeated_columns(tmp_path):
    assert problems(write(tmp_path, "t,status\n1,1\n")) == [
        f"{tmp_path / 'data.csv'}:1: no column 'time' or 'event' in the header row (found 't', 'status'); {COLUMNS}"
    ]
    assert problems(write(tmp_path, "time,status,arm\n1,1,A\n")) == [
        f"{tmp_path / 'data.csv'}:1: no column 'event' in the header row (found 'time', 'status', 'arm'); {COLUMNS}"
    ]
    assert problems(write(tmp_path, "time,event,Time\n1,1,2\n")) == [
        f"{tmp_path / 'data.csv'}:1: column 'time' appears more than once (column 1, column 3); expected each column once"
    ]


def test_empty_file_and_header_without_patients(tmp_path):
    empty = write(tmp_path, "\n\n", name="empty.csv")
    assert problems(empty) == [f"{empty}: is empty; {COLUMNS}, then one row per patient"]
    header = write(tmp_path, "time,event,arm\n", name="header.csv")
    assert problems(header) == [f"{header}: has a header row but no patients; expected one row per patient"]


def test_wrong_suffix_sheet_for_csv_and_undecodable_text(tmp_path):
    data = write(tmp_path, "time,event\n1,1\n", name="data.sav")
    assert problems(data) == [
        f"{data}: has the suffix '.sav'; expected a .csv file or an Excel workbook (.xlsx, .xlsm)"
    ]
    csv_file = write(tmp_path, "time,event\n1,1\n")
    assert problems(csv_file, sheet="OS") == [
        f"{csv_file}: is a CSV file, which has no sheet 'OS'; expected a sheet only for Excel"
    ]
    latin = write(tmp_path, "time,event,arm\n1,1,Behandelarm é\n", name="latin.csv", encoding="latin-1")
    assert problems(latin) == [
        f"{latin}: is not UTF-8 text (byte 31 cannot be decoded); expected a CSV file saved as UTF-8"
    ]


def test_excel_problems_name_their_cells(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["arm", "time", "event"],
            ["A", 5, 1],
            ["A", datetime.datetime(2024, 3, 1), 1],  # row 3
            ["A", 4, 2],  # row 4
            ["B", -1, True],  # row 5
            [None, 3],  # row 6: short row, no event cell
        ],
    )
    assert problems(path) == [
        f"Patients!B3: time 2024-03-01 00:00:00 is a date; {TIME}",
        f"Patients!C4: event 2 is not 0 or 1; {EVENT}",
        f"Patients!B5: time -1 is negative; {TIME}",
        f"Patients!C5: event True is not 0 or 1; {EVENT}",
        f"Patients!C6: event is blank; {EVENT}",
        "Patients!A6: arm is blank; expected the arm's name on every row (or no arm column)",
    ]
    assert problems(path, sheet="OS") == [f"{path}: has no sheet 'OS'; expected one of the sheets Patients"]


def test_unreadable_workbook(tmp_path):
    fake = write(tmp_path, "time,event\n1,1\n", name="fake.xlsx")
    (message,) = problems(fake)
    assert message.startswith(f"{fake}: is not a readable Excel workbook (") and message.endswith(
        "; expected an .xlsx file saved by Excel"
    )


def test_arm_data_checks_arrays():
    arm = arm_data([1, 2.5], [True, False], arm="A", source="digitised")
    assert (arm.n, arm.events, arm.source) == (2, 1, "digitised")
    np.testing.assert_array_equal(arm.event, [True, False])
    with pytest.raises(ModelError) as info:
        arm_data([1.0, -2.0, np.nan], [1, 3, 0, 1], arm="B")
    assert [str(p) for p in info.value.problems] == [
        "arm 'B': 3 times but 4 event indicators; expected one of each per patient",
        f"arm 'B', time 2: -2 is not a finite time >= 0; {TIME}",
        f"arm 'B', event 2: 3 is not 0 or 1; {EVENT}",
    ]
