"""Survival curves of every family, with hazard ratio, acceleration factor and cure fraction, in the
Excel export: recalculated by LibreOffice, the workbook reproduces hecon's engine (scipy's
special functions) to 1e-9 relative on the totals and 1e-12 absolute on the trace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.model.spec import ModelSpec, Parameter, Settings, State, Strategy, SurvivalCurve, Transition
from tests.workbook.libreoffice import needs_libreoffice
from tests.workbook.test_export_excel import exported, hecon_table, max_relative_difference, results_table, trace_of

pytestmark = needs_libreoffice

#: (name, family, parameters, time unit): one curve per family, gengamma with Q of both signs.
CURVES = [
    ("c_exp", "exp", {"rate": 0.1}, "years"),
    ("c_weibull", "weibull", {"shape": 1.3, "scale": 8.0}, "years"),
    ("c_weibullPH", "weibullPH", {"shape": 0.8, "scale": 0.15}, "years"),
    ("c_gompertz", "gompertz", {"shape": 0.05, "rate": 0.08}, "years"),
    ("c_gompertz0", "gompertz", {"shape": 0.0, "rate": 0.08}, "years"),
    ("c_llogis", "llogis", {"shape": 1.5, "scale": 60.0}, "months"),
    ("c_lnorm", "lnorm", {"meanlog": 2.0, "sdlog": 0.9}, "years"),
    ("c_gamma", "gamma", {"shape": 1.6, "rate": 0.004}, "days"),
    ("c_gengamma", "gengamma", {"mu": 2.0, "sigma": 0.8, "Q": 0.5}, "years"),
    ("c_gengamma_neg", "gengamma", {"mu": 4.5, "sigma": 0.7, "Q": -0.4}, "months"),
    ("c_gengamma_orig", "gengamma.orig", {"shape": 1.2, "scale": 7.0, "k": 1.5}, "years"),
]


def survival_model(adjusted: bool) -> ModelSpec:
    """Alive -> Dead with the per-cycle probability surv_prob(curve) of one curve per strategy;
    the cost of a cycle alive is c_alive x S(model_years) of the same curve (a strategy's own,
    time-dependent parameter). Monthly cycles over 20 years."""
    curves = tuple(
        SurvivalCurve(
            name,
            family,
            dict(params),
            unit,
            hazard_ratio="hr" if adjusted else 1.0,
            acceleration_factor="af" if adjusted else 1.0,
            cure_fraction="cure" if adjusted else 0.0,
        )
        for name, family, params, unit in CURVES
    )
    return ModelSpec(
        Settings(
            cycle_length_days=365.25 / 12,
            horizon_years=20.0,
            within_cycle="half-cycle",
            discount_rate_costs=0.035,
            discount_rate_effects=0.035,
        ),
        states=(
            State("Alive", utility=0.8, costs={"care": "c_alive * s_now"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=tuple(
            t
            for name, *_ in CURVES
            for t in (Transition("Alive", "Dead", f"surv_prob({name})", name), Transition("Alive", "Alive", "#", name))
        ),
        strategies=tuple(Strategy(name, {"s_now": f"surv({name}, model_years)"}) for name, *_ in CURVES),
        parameters=(
            Parameter("c_alive", 1000.0),
            Parameter("s_now", 1.0),
            Parameter("hr", 0.8),
            Parameter("af", 1.1),
            Parameter("cure", 0.05),
        ),
        survival_curves=curves,
    )


@pytest.mark.parametrize("adjusted", [False, True], ids=["plain", "hr-af-cure"])
def test_every_family_reproduces_hecon(adjusted: bool, tmp_path: Path) -> None:
    spec = survival_model(adjusted)
    _, wb = exported(spec, tmp_path)
    assert max_relative_difference(results_table(wb), hecon_table(spec)) <= 1e-9
    ds = run_model(spec)
    for s in spec.strategies:
        trace = trace_of(wb, s.name, ["Alive", "Dead"])
        np.testing.assert_allclose(trace, ds["trace"].sel(strategy=s.name).values, rtol=0, atol=1e-12)


def test_gengamma_with_small_q_is_said_not_approximated(tmp_path: Path) -> None:
    """|Q| < 0.01: hecon uses Temme's series, Excel has nothing accurate; the export says so (About
    sheet, CLI) and the cells show #N/A instead of a silently approximated number."""
    from click.testing import CliRunner

    from hecon.cli import main
    from hecon.workbook.export import export_excel
    from hecon.workbook.writer import write_workbook

    base = survival_model(adjusted=False)
    curve = SurvivalCurve("c_small_q", "gengamma", {"mu": 2.0, "sigma": 0.8, "Q": "q_small"}, "years")
    spec = ModelSpec(
        base.settings,
        base.states,
        (Transition("Alive", "Dead", "surv_prob(c_small_q)"), Transition("Alive", "Alive", "#")),
        (Strategy("only"),),
        (*base.parameters, Parameter("q_small", 0.005)),
        survival_curves=(curve,),
    )
    path = tmp_path / "small_q.xlsx"
    notes = export_excel(spec, path).notes
    assert len(notes) == 1 and "c_small_q" in notes[0] and "#N/A" in notes[0]
    _, wb = exported(spec, tmp_path)
    assert "c_small_q" in str(wb["About"]["A3"].value)
    assert wb["Results"]["B2"].value == "#N/A"
    model = tmp_path / "model.xlsx"
    write_workbook(spec, model)
    result = CliRunner().invoke(main, ["export-excel", str(model), str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0
    assert "note: curve 'c_small_q'" in result.output
