"""Unknown names in formulas get "did you mean ..." with the closest parameter or variable."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hecon.engine.compiler import compile_model
from hecon.model.problems import ModelError
from hecon.model.spec import Parameter
from tests.models import two_state_model


@pytest.mark.parametrize(
    ("utility", "closest"),
    [("u_progresed", "u_progressed"), ("U_PROGRESSED * 2", "u_progressed"), ("cycle_year * u", "cycle_years")],
)
def test_unknown_name_suggests_the_closest(utility, closest):
    spec = two_state_model()
    states = (replace(spec.states[0], utility=utility), *spec.states[1:])
    spec = replace(spec, states=states, parameters=(*spec.parameters, Parameter("u_progressed", 0.6)))
    with pytest.raises(ModelError) as e:
        compile_model(spec)
    assert f"(did you mean '{closest}'?)" in str(e.value)


def test_no_suggestion_when_nothing_is_close():
    spec = two_state_model()
    spec = replace(spec, states=(replace(spec.states[0], utility="zzz_qqq"), *spec.states[1:]))
    with pytest.raises(ModelError) as e:
        compile_model(spec)
    assert "unknown name 'zzz_qqq'" in str(e.value) and "did you mean" not in str(e.value)
