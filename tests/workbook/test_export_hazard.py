"""``hazard(curve, years)`` in the Excel export: every survival family, plain and with hazard
ratio, acceleration factor and cure fraction, recalculated by LibreOffice, gives hecon's own
numpy hazard (:func:`hecon.methods.survival.hazard`, the engine's adjusted curve hazard)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.engine.compiler import compile_model
from hecon.engine.context import BlockContext
from hecon.methods import survival
from hecon.model.spec import DAYS_PER_YEAR, ModelSpec, Parameter
from hecon.workbook.export.sheets import FIRST_ROW, HEADER_ROW
from hecon.workbook.export.survival import unadjusted_hazard
from tests.workbook.libreoffice import needs_libreoffice, recalculate
from tests.workbook.test_export_excel import exported, hecon_table, max_relative_difference, results_table
from tests.workbook.test_export_survival import CURVES, survival_model

pytestmark = needs_libreoffice

#: Times [curve time unit] at which each hazard is compared, t = 0 included (its limit).
TIMES = (0.0, 0.01, 0.7, 3.0, 12.0, 45.0)

#: (family, parameters) for the hazard on its own: every family; shapes below, at and above 1
#: where the hazard at t = 0 depends on it (infinite, finite, 0).
FAMILIES = [
    ("exp", {"rate": 0.1}),
    ("weibull", {"shape": 1.3, "scale": 8.0}),
    ("weibull", {"shape": 1.0, "scale": 8.0}),
    ("weibull", {"shape": 0.7, "scale": 8.0}),
    ("weibullPH", {"shape": 0.8, "scale": 0.15}),
    ("weibullPH", {"shape": 1.0, "scale": 0.15}),
    ("weibullPH", {"shape": 2.2, "scale": 0.15}),
    ("gompertz", {"shape": 0.05, "rate": 0.08}),
    ("gompertz", {"shape": -0.2, "rate": 0.08}),
    ("gompertz", {"shape": 0.0, "rate": 0.08}),
    ("llogis", {"shape": 1.5, "scale": 6.0}),
    ("llogis", {"shape": 1.0, "scale": 6.0}),
    ("llogis", {"shape": 0.6, "scale": 6.0}),
    ("lnorm", {"meanlog": 2.0, "sdlog": 0.9}),
    ("gamma", {"shape": 1.6, "rate": 0.3}),
    ("gamma", {"shape": 1.0, "rate": 0.3}),
    ("gamma", {"shape": 0.6, "rate": 0.3}),
    ("gengamma", {"mu": 2.0, "sigma": 0.8, "Q": 0.5}),
    ("gengamma", {"mu": 2.0, "sigma": 2.0, "Q": 0.5}),  # Q sigma = 1: a finite limit at t = 0
    ("gengamma", {"mu": 1.5, "sigma": 0.7, "Q": -0.4}),
    ("gengamma.orig", {"shape": 1.2, "scale": 7.0, "k": 1.5}),
    ("gengamma.orig", {"shape": 0.5, "scale": 7.0, "k": 2.0}),  # shape k = 1
    ("gengamma.orig", {"shape": 0.5, "scale": 7.0, "k": 1.5}),  # shape k < 1: infinite at 0
]


#: Families whose survival S Excel computes as 1 - GAMMA.DIST (Excel has no upper incomplete gamma
#: function): the subtraction leaves S an absolute error of about 1e-16, so the hazard f / S
#: carries a relative error of about 1e-16 / S (1e-9 at S = 1e-7).
ONE_MINUS_GAMMA = {"gamma", "gengamma", "gengamma.orig"}


def tolerance(family: str, params: dict[str, float], t: float) -> float:
    """Relative tolerance of the hazard at t [curve time unit]: 1e-12 for the closed forms."""
    if family not in ONE_MINUS_GAMMA or (family == "gengamma" and params["Q"] < 0):
        return 1e-12
    s = float(survival.survival(family, params, np.array([t]))[0])
    return max(1e-12, 1e-15 / s)


def test_every_family_hazard_on_its_own(tmp_path: Path) -> None:
    """One row per family and parameter set: the parameters and t as input cells, the hazard as
    the translated formula; LibreOffice's value against hecon.methods.survival.hazard."""
    book = openpyxl.Workbook()
    ws = book.active
    for i, t in enumerate(TIMES):
        ws.cell(1, 5 + i, t)
    for row, (family, params) in enumerate(FAMILIES, start=2):
        ws.cell(row, 1, family)
        refs = {}
        for j, (k, v) in enumerate(params.items(), start=2):
            ws.cell(row, j, v)
            refs[k] = f"${openpyxl.utils.get_column_letter(j)}${row}"
        for i in range(len(TIMES)):
            column = openpyxl.utils.get_column_letter(5 + i)
            ws.cell(row, 5 + i, "=" + unadjusted_hazard(family, refs, f"{column}$1"))
    small_q = len(FAMILIES) + 2  # |Q| < 0.01, where hecon uses Temme's series: #N/A, not approximated
    for j, v in enumerate((2.0, 0.8, 0.005), start=2):
        ws.cell(small_q, j, v)
    ws.cell(
        small_q,
        5,
        "=" + unadjusted_hazard("gengamma", {"mu": f"B{small_q}", "sigma": f"C{small_q}", "Q": f"D{small_q}"}, "G$1"),
    )
    path = tmp_path / "hazards.xlsx"
    book.save(path)
    computed = openpyxl.load_workbook(recalculate(path, tmp_path / "out"), data_only=True).active
    assert computed.cell(small_q, 5).value == "#N/A"
    for row, (family, params) in enumerate(FAMILIES, start=2):
        expected = survival.hazard(family, params, np.array(TIMES))
        for i, want in enumerate(expected):
            got = computed.cell(row, 5 + i).value
            where = f"{family} {params} t={TIMES[i]}: {got!r}"
            if np.isinf(want):
                assert got == "#N/A", where  # Excel has no infinity: said, not approximated
            else:
                assert isinstance(got, (int, float)), where
                assert got == pytest.approx(float(want), rel=tolerance(family, params, TIMES[i]), abs=1e-300), where


def hazard_model(adjusted: bool) -> ModelSpec:
    """The survival model of test_export_survival (one curve per family and strategy, monthly
    cycles over 20 years) with the curve's hazard at each point as a parameter of the strategy
    (h_now, a column of its sheet) and 1000 x its hazard at mid-cycle as a cost per cycle alive."""
    base = survival_model(adjusted)
    alive = replace(base.states[0], costs={**base.states[0].costs, "hazard": "1000 * h_mid"})
    strategies = tuple(
        replace(
            s,
            parameters={
                **s.parameters,
                "h_now": f"hazard({s.name}, model_years)",
                "h_mid": f"hazard({s.name}, model_years + cycle_years / 2)",
            },
        )
        for s in base.strategies
    )
    return replace(
        base,
        states=(alive, *base.states[1:]),
        strategies=strategies,
        parameters=(*base.parameters, Parameter("h_now", 0.0), Parameter("h_mid", 0.0)),
    )


@pytest.mark.parametrize("adjusted", [False, True], ids=["plain", "hr-af-cure"])
def test_hazard_of_every_curve_in_a_model(adjusted: bool, tmp_path: Path) -> None:
    spec = hazard_model(adjusted)
    _, wb = exported(spec, tmp_path)
    assert max_relative_difference(results_table(wb), hecon_table(spec)) <= 1e-9  # costs incl. 1000 x hazard
    model = compile_model(spec)
    n = model.n_cycles
    for sm, (name, family, params, _) in zip(model.strategies, CURVES):
        per_year = DAYS_PER_YEAR / model.curves[name].time_unit_days
        af = 1.1 if adjusted else 1.0  # the acceleration factor of survival_model
        want = np.asarray(BlockContext(model, sm, {}, 0, n, {}).value("h_now"), dtype=float).reshape(-1)
        ws = wb[name]
        header = [c.value for c in ws[HEADER_ROW]]
        column = header.index("h_now") + 1
        got = [ws.cell(r, column).value for r in range(FIRST_ROW, FIRST_ROW + n + 1)]
        for k, (g, w) in enumerate(zip(got, want)):
            if np.isinf(w):
                assert g == "#N/A", f"{name} point {k}: {g!r}"
            else:
                rel = tolerance(family, params, k * spec.settings.cycle_length_days / DAYS_PER_YEAR * per_year / af)
                assert g == pytest.approx(float(w), rel=rel, abs=1e-300), f"{name} point {k}"
