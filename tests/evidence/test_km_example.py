"""The shipped published figure: KEYNOTE-189 overall survival (Gandhi et al., N Engl J Med
2018;378:2078-92, Figure 1A), digitised by R. Sun (reconstructKM); see
inputs/km_example/README.md.

The reconstruction must give back what the paper prints: the numbers at risk under the
figure exactly, the 12-month survival within 1 percentage point (the abstract's 69.2% and
49.4%, PubMed 29658856), the placebo arm's median within 0.5 months of 11.3, the
pembrolizumab arm's median not reached, and deaths within 2 of 127 and 108. The median and
the deaths are from the paper's text and figure as recalled, not checked against a stored
copy of the paper.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hecon.evidence.kaplan_meier import kaplan_meier
from hecon.evidence.km_files import reconstruct_from_files

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "km_example"
PEMBRO, PLACEBO = "pembrolizumab-combination", "placebo-combination"
PUBLISHED = {  # Figure 1A and abstract
    PEMBRO: {"n_risk": [410, 377, 347, 278, 163, 71, 18, 0], "os_12": 0.692, "median": math.nan, "deaths": 127},
    PLACEBO: {"n_risk": [206, 183, 149, 104, 59, 25, 8, 0], "os_12": 0.494, "median": 11.3, "deaths": 108},
}
AT_RISK_TIMES = np.arange(0.0, 22.0, 3.0)  # months


@pytest.fixture(scope="module")
def curves():
    ipd = reconstruct_from_files(EXAMPLE / "keynote189_os_coordinates.csv", EXAMPLE / "keynote189_os_at_risk.csv")
    return {arm: kaplan_meier(data.time, data.event) for arm, data in ipd.items()}


@pytest.mark.parametrize("arm", [PEMBRO, PLACEBO])
def test_numbers_at_risk_are_the_published_ones(curves, arm):
    assert curves[arm].n_risk_at(AT_RISK_TIMES).tolist() == PUBLISHED[arm]["n_risk"]


@pytest.mark.parametrize("arm", [PEMBRO, PLACEBO])
def test_survival_at_12_months_within_one_point_of_the_published(curves, arm):
    assert curves[arm].at(12.0) == pytest.approx(PUBLISHED[arm]["os_12"], abs=0.01)


def test_medians(curves):
    assert math.isnan(curves[PEMBRO].quantile(0.5))  # not reached, as published
    assert curves[PLACEBO].quantile(0.5) == pytest.approx(PUBLISHED[PLACEBO]["median"], abs=0.5)


@pytest.mark.parametrize("arm", [PEMBRO, PLACEBO])
def test_deaths_within_two_of_the_published(curves, arm):
    assert abs(int(curves[arm].n_event.sum()) - PUBLISHED[arm]["deaths"]) <= 2
