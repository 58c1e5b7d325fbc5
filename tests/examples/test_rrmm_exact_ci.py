"""The exact binomial (Clopper-Pearson) 95% CI of a published share, used for the external checks' accepted ranges
when a source gives a share of n patients and no CI (hecon.examples.rrmm.common.clopper_pearson).

Independent reference: R's binom.test (stats package), stored in tests/examples/reference/binom_test.csv by
tests/examples/reference/binom_test.R, so CI needs no R.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hecon.examples.rrmm.common import clopper_pearson

REFERENCE = Path(__file__).resolve().parent / "reference" / "binom_test.csv"


def _rows() -> list[dict[str, str]]:
    with REFERENCE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['events']}/{r['n']}")
def test_clopper_pearson_matches_r_binom_test(row):
    low, high = clopper_pearson(int(row["events"]), int(row["n"]))
    assert (low, high) == pytest.approx((float(row["low"]), float(row["high"])), abs=1e-9)


def test_karmma3_deaths_give_the_exact_interval_not_the_normal_one():
    """3 of 132: the exact interval is about 0.5-6.5%, where the normal approximation gave 0-4.8%."""
    low, high = clopper_pearson(3, 132)
    assert 0.004 < low < 0.005 and 0.064 < high < 0.066


def test_the_ends_are_zero_and_one():
    assert clopper_pearson(0, 10)[0] == 0.0 and clopper_pearson(10, 10)[1] == 1.0
