"""``hecon reconstruct-ipd``: writes the patients, or lists every input problem and writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from hecon.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "km_example"
COORDS = EXAMPLE / "keynote189_os_coordinates.csv"
AT_RISK = EXAMPLE / "keynote189_os_at_risk.csv"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_example_is_reconstructed_and_written(tmp_path):
    out = tmp_path / "ipd.csv"
    before = COORDS.read_bytes(), AT_RISK.read_bytes()
    result = invoke("reconstruct-ipd", COORDS, "--at-risk", AT_RISK, "--out", out)
    assert result.exit_code == 0, result.output
    assert "pembrolizumab-combination: 410 patients, 126 events" in result.output
    assert "placebo-combination: 206 patients, 107 events" in result.output
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 616 and set(rows[0]) == {"time", "event", "arm"}
    assert sum(r["event"] == "1" for r in rows if r["arm"] == "placebo-combination") == 107
    assert (COORDS.read_bytes(), AT_RISK.read_bytes()) == before  # inputs only read


def test_bad_inputs_exit_1_with_located_messages_and_write_nothing(tmp_path):
    coords = tmp_path / "km.csv"
    coords.write_text("time,survival\n0,1\n1,0.9\n2,0.95\n", encoding="utf-8")
    at_risk = tmp_path / "n.csv"
    at_risk.write_text("time,n_risk\n0,10\n5,4\n", encoding="utf-8")
    out = tmp_path / "ipd.csv"
    result = invoke("reconstruct-ipd", coords, "--at-risk", at_risk, "--out", out)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{coords}:4: survival 0.95 at time 2 is above 0.9 at time 1 ({coords}:3): the curve rises" in result.output
    assert not out.exists()

    coords.write_text("time,survival\n0,1\n1,0.9\n", encoding="utf-8")
    result = invoke("reconstruct-ipd", coords, "--at-risk", at_risk, "--out", out, "--events", "11")
    assert result.exit_code == 1
    assert f"{at_risk}:3: time 5 is after the end of the curve, 1 ({coords}:3)" in result.output
    assert "total events: 11 is not a whole number from 0 to the 10 patients" in result.output
    assert not out.exists()


def test_events_per_arm_and_command_line_mistakes(tmp_path):
    out = tmp_path / "ipd.csv"
    result = invoke("reconstruct-ipd", COORDS, "--at-risk", AT_RISK, "--out", out, "--events", "nivolumab=3")
    assert result.exit_code == 1 and "total events: arm 'nivolumab' is not in" in result.output
    result = invoke("reconstruct-ipd", COORDS, "--at-risk", AT_RISK, "--out", out, "--events", "many")
    assert result.exit_code == 2 and "expected N or ARM=N" in result.output
    result = invoke("reconstruct-ipd", COORDS, "--at-risk", AT_RISK, "--out", tmp_path / "ipd.txt")
    assert result.exit_code == 2 and "not a CSV file" in result.output
    assert not out.exists()


def test_output_may_not_replace_an_input(tmp_path):
    coords = tmp_path / "km.csv"
    coords.write_bytes(COORDS.read_bytes())
    result = invoke("reconstruct-ipd", coords, "--at-risk", AT_RISK, "--out", coords)
    assert result.exit_code == 1 and "is the input file" in result.output
    assert coords.read_bytes() == COORDS.read_bytes()
