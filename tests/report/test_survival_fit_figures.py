"""Tests for hecon.report.survival_fit_figures: the figures draw the data and the fits."""

from __future__ import annotations

import numpy as np
import pytest

from hecon.evidence.fit import fit_all
from hecon.evidence.ipd import read_ipd
from hecon.evidence.kaplan_meier import kaplan_meier
from hecon.report.style import style
from hecon.report.survival_fit_figures import (
    extrapolation_figure,
    fit_figures,
    hazard_figure,
    log_cumulative_hazard_figure,
    survival_figure,
)
from tests.evidence.conftest import DATA

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def veteran():
    data = read_ipd(DATA / "veteran.csv")
    fits = fit_all(data, ("exp", "weibull", "lnorm"), ("weibull",), time_unit="days")
    return data, fits


def lines(fig):
    return {line.get_label(): line for line in fig.axes[0].get_lines()}


def test_survival_figure_draws_kaplan_meier_and_every_converged_fit_by_aic(veteran):
    data, fits = veteran
    arm = data["standard"]
    own = [f for f in fits if f.arm == "standard"]
    with style():
        fig = survival_figure(arm, own)
    drawn = lines(fig)
    km = kaplan_meier(arm.time, arm.event)
    np.testing.assert_array_equal(drawn["Kaplan–Meier"].get_ydata()[1:], km.survival)
    converged = sorted((f for f in own if f.converged), key=lambda f: f.aic)
    labels = [f"{f.label} (AIC {f.aic:.1f})" for f in converged]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][3:] == labels
    weibull = next(f for f in own if f.label == "weibull")
    line = drawn[f"weibull (AIC {weibull.aic:.1f})"]
    np.testing.assert_allclose(line.get_ydata(), weibull.survival(line.get_xdata()), rtol=1e-15)
    assert fig.axes[0].get_xlim() == (0.0, float(arm.time.max()))
    assert "weibull cure" not in " ".join(labels)  # veteran: no plateau, the cure fit did not converge


def test_extrapolation_reaches_the_horizon(veteran):
    data, fits = veteran
    with style():
        fig = extrapolation_figure(data["test"], [f for f in fits if f.arm == "test"], horizon=3000)
    assert fig.axes[0].get_xlim() == (0.0, 3000.0)
    with style():
        default = extrapolation_figure(data["test"], [f for f in fits if f.arm == "test"])
    assert default.axes[0].get_xlim()[1] == 5 * float(data["test"].time.max())


def test_hazard_and_log_cumulative_hazard_figures(veteran):
    data, fits = veteran
    arm = data["test"]
    own = [f for f in fits if f.arm == "test"]
    exp = next(f for f in own if f.label == "exp")
    with style():
        hazard = lines(hazard_figure(arm, own))
        log_h = lines(log_cumulative_hazard_figure(arm, own))
    np.testing.assert_allclose(hazard[f"exp (AIC {exp.aic:.1f})"].get_ydata(), exp.estimates["rate"], rtol=1e-14)
    assert "smoothed empirical" in hazard
    km = kaplan_meier(arm.time, arm.event)
    events = (km.n_event > 0) & (km.survival > 0)
    np.testing.assert_allclose(log_h["Kaplan–Meier"].get_ydata(), -np.log(km.survival[events]), rtol=1e-15)
    line = log_h[f"exp (AIC {exp.aic:.1f})"]
    np.testing.assert_allclose(line.get_ydata(), exp.estimates["rate"] * line.get_xdata(), rtol=1e-13)


def test_fit_figures_names_and_png(veteran):
    data, fits = veteran
    figures = fit_figures(data, fits, horizon=2000)
    assert sorted(figures) == sorted(
        f"figures/{arm}_{name}.png"
        for arm in ("standard", "test")
        for name in ("survival", "extrapolation", "hazard", "log_cumulative_hazard")
    )
    assert all(png.startswith(PNG) for png in figures.values())
