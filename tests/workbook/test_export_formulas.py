"""Every function and operator of hecon's expression language has an Excel translation that gives
hecon's own (numpy) value when LibreOffice computes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hecon.model.expressions import FUNCTIONS, parse
from hecon.model.problems import ModelError
from hecon.workbook.export import export_excel
from hecon.workbook.export.formulas import _FUNCTIONS, FormulaContext, Unsupported, to_excel
from tests.models import two_state_model
from tests.workbook.libreoffice import needs_libreoffice, recalculate

#: Values of the names used below (cells B1..B4 of the test sheet).
VALUES = {"x": 0.3, "y": 2.5, "n": -2.5, "big": 7.0}

#: Expressions covering every value function and operator (several arguments and branches each).
EXPRESSIONS = [
    "x + y * big - y / x",
    "y ^ 2 * 3",
    "-y ^ 2",
    "(-y) ^ 2",
    "big % 3",
    "n % 3",
    "big % -3",
    "x < y",
    "x >= y",
    "x == 0.3",
    "x != 0.3",
    "0 < x < y",
    "x < y and y < 1",
    "x < y or y < 1",
    "not x < y",
    "x if x > y else y",
    "exp(x)",
    "log(y)",
    "log(big, 2)",
    "log10(big)",
    "sqrt(big)",
    "abs(n)",
    "floor(n)",
    "floor(y)",
    "ceil(n)",
    "ceil(y)",
    "round(y)",
    "round(n)",
    "round(x * 10.0 / 3, 2)",
    "min(x, y, n)",
    "max(x, y)",
    "if_else(x > 1, 1, 2)",
    "rate_to_prob(x)",
    "rate_to_prob(x, 1 / 12)",
    "prob_to_rate(x)",
    "prob_to_rate(x, 5)",
    "rescale_prob(x, 5, 1)",
    "odds(x)",
    "odds_to_prob(y)",
    "apply_hr(x, y)",
    "apply_or(x, y)",
    "median_to_rate(y)",
]

#: Model functions: translated with the model's curves, schedules and life tables (tests of the
#: model export), not on their own.
MODEL_FUNCTIONS = {"surv_prob", "surv", "hazard", "gp_mort", "doses"}


class _Values:
    def value(self, name: str) -> Any:
        return VALUES[name]


def test_every_value_function_has_a_translation() -> None:
    assert set(_FUNCTIONS) == set(FUNCTIONS) - MODEL_FUNCTIONS
    used = {name for name in FUNCTIONS if any(f"{name}(" in e for e in EXPRESSIONS)}
    assert used == set(_FUNCTIONS)


@needs_libreoffice
def test_translations_give_hecons_values(tmp_path: Path) -> None:
    cells = {name: f"$B${i}" for i, name in enumerate(VALUES, start=1)}
    ctx = FormulaContext(lambda n: cells[n])
    book = openpyxl.Workbook()
    ws = book.active
    for i, (name, v) in enumerate(VALUES.items(), start=1):
        ws.cell(i, 1, name)
        ws.cell(i, 2, v)
    for i, text in enumerate(EXPRESSIONS, start=1):
        ws.cell(i, 4, text)
        ws.cell(i, 5, "=" + to_excel(text, ctx))
    path = tmp_path / "functions.xlsx"
    book.save(path)
    computed = openpyxl.load_workbook(recalculate(path, tmp_path / "out"), data_only=True).active
    for i, text in enumerate(EXPRESSIONS, start=1):
        expected = float(parse(text).evaluate(_Values()))  # type: ignore[arg-type]
        got = computed.cell(i, 5).value
        assert got is not None, f"{text}: {computed.cell(i, 5).value!r} from ={to_excel(text, ctx)}"
        assert float(got) == pytest.approx(expected, rel=1e-13, abs=1e-15), f"{text} -> ={to_excel(text, ctx)}"


def test_unknown_model_function_is_refused_with_its_place() -> None:
    with pytest.raises(Unsupported, match="doses"):
        to_excel("doses(weekly)", FormulaContext(lambda n: n))


def test_export_names_the_element_that_cannot_be_translated(tmp_path: Path) -> None:
    """A curve whose parameters read state_time has no single formula per row: the export stops,
    names the state (and so its cell) that uses the curve and writes nothing."""
    from dataclasses import replace

    from hecon.model.spec import SurvivalCurve

    spec = two_state_model()
    spec = replace(
        spec,
        survival_curves=(SurvivalCurve("os", "exp", {"rate": "0.1 + 0.01 * state_time"}),),
        states=(replace(spec.states[0], counts={"h": "hazard(os, 1)"}, tunnel=3), spec.states[1]),
    )
    with pytest.raises(ModelError, match="Alive") as info:
        export_excel(spec, tmp_path / "out.xlsx")
    assert "curve 'os'" in str(info.value) and "state_time" in str(info.value)
    assert not (tmp_path / "out.xlsx").exists()
