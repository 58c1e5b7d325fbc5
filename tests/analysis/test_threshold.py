"""Threshold (price) analysis (hecon.analysis.threshold): the value found reproduces the target ICER when
the model is run again with it, linear or not; failures are reported in words."""

from __future__ import annotations

import dataclasses

import pytest

from hecon.analysis.threshold import find_threshold, threshold_interval
from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import ModelSpec, Strategy, ThresholdQuery


def _icer(spec: ModelSpec, strategy: str, comparator: str) -> float:
    ds = run_model(spec).isel(sample=0)
    c, e = ds["total_costs"], ds["qalys"]
    return float(
        (c.sel(strategy=strategy) - c.sel(strategy=comparator))
        / (e.sel(strategy=strategy) - e.sel(strategy=comparator))
    )


def _with_own_value(spec: ModelSpec, strategy: str, name: str, value: float) -> ModelSpec:
    return dataclasses.replace(
        spec,
        strategies=tuple(
            Strategy(s.name, {**s.parameters, name: value}, s.description) if s.name == strategy else s
            for s in spec.strategies
        ),
    )


def test_threshold_price_reproduces_the_target_icer(textbook_20y):
    result = find_threshold(textbook_20y, ThresholdQuery("c_trt", "B", wtp=50_000.0))
    assert result.found and result.varied == "the value in B" and result.base == 13_000.0
    assert (result.lower, result.upper) == (0.0, 130_000.0)
    assert result.icer_at_value == pytest.approx(50_000.0, rel=1e-9)
    # run the model again, independently, at the price found
    assert _icer(_with_own_value(textbook_20y, "B", "c_trt", result.value), "B", "SoC") == pytest.approx(
        50_000.0, rel=1e-9
    )
    assert result.icer_at_base == pytest.approx(_icer(textbook_20y, "B", "SoC"))
    assert result.message.startswith("The ICER of B versus SoC equals 50,000 per QALY when c_trt (the value in B) is ")


def test_threshold_of_a_non_linear_parameter(textbook_20y):
    # QALYs are not linear in a transition probability's effect; brentq still hits the target
    result = find_threshold(textbook_20y, ThresholdQuery("hr_trt", "B", wtp=30_000.0, lower=0.0, upper=1.0))
    assert result.found
    assert _icer(_with_own_value(textbook_20y, "B", "hr_trt", result.value), "B", "SoC") == pytest.approx(
        30_000.0, rel=1e-8
    )


def test_threshold_of_a_base_value_against_another_comparator(textbook_20y):
    # u_trtA is A's and AB's utility when sick (their own u_S1 is the formula 'u_trtA'): a base value
    result = find_threshold(
        textbook_20y, ThresholdQuery("u_trtA", "AB", comparator="B", wtp=80_000.0, lower=0.75, upper=1.0)
    )
    assert result.found and result.varied == "the base value" and result.comparator == "B"
    assert result.icer_at_lower is None  # at 0.75 AB and B give the same QALYs: no ICER
    assert _icer(textbook_20y.with_parameters({"u_trtA": result.value}), "AB", "B") == pytest.approx(80_000.0, rel=1e-8)


def test_not_found_in_the_interval_is_said_in_words(textbook_20y):
    result = find_threshold(textbook_20y, ThresholdQuery("c_trt", "B", wtp=50_000.0, lower=0.0, upper=5_000.0))
    assert not result.found and result.value is None
    assert result.message == (
        "No threshold for c_trt in [0, 5,000]: B is cost-effective versus SoC at 50,000 per "
        "QALY over the whole interval (the net monetary benefit does not change sign); widen "
        "the interval (lower, upper) to search further."
    )


def test_wtp_from_the_caller_and_problems(textbook_20y):
    result = find_threshold(textbook_20y, ThresholdQuery("c_trt", "A"), 20_000.0, wtp_source="reference value")
    assert result.wtp == 20_000.0 and result.wtp_source == "reference value"
    with pytest.raises(ModelError) as info:
        find_threshold(textbook_20y, ThresholdQuery("nope", "Z", comparator="Z"))
    text = str(info.value)
    assert "strategy 'Z' is not a strategy" in text and "no parameter of that name" in text
    assert "no willingness to pay" in text
    with pytest.raises(ModelError, match=r"search interval \[0, 0\] is empty \(the base value is 0"):
        find_threshold(textbook_20y, ThresholdQuery("c_trt", "SoC", comparator="A", wtp=1.0))


def test_default_interval():
    assert threshold_interval(13_000.0, None, None, "x") == (0.0, 130_000.0)
    assert threshold_interval(-2.0, None, None, "x") == (-20.0, 0.0)
    assert threshold_interval(5.0, 1.0, None, "x") == (1.0, 50.0)
