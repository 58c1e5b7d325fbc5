"""Q-TWiST (hecon.analysis.qtwist) against closed forms and the engine's life-years.

Reference: Glasziou, Simes & Gelber, Stat Med 1990;9:1259 (partition and Q-TWiST); Gelber et al.,
Stat Med 1993;12:1281 (threshold utility analysis); Solem et al., Adv Ther 2018 (relative gain).
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from hecon.analysis.areas import restricted_mean
from hecon.analysis.qtwist import QTwistPartition, compare, qtwist, qtwist_parts, zero_line
from hecon.engine.incremental import compiled
from hecon.engine.run import run_model
from hecon.model.spec import ModelSpec, Parameter, Settings, State, Strategy, Transition
from tests.models import full_model, with_settings

N_YEARS = 10
#: (P(stay in TOX), P(stay in TWiST), P(stay in REL)) per yearly cycle
PROBS = {"A": (0.3, 0.7, 0.4), "B": (0.6, 0.5, 0.8)}


def three_state_model() -> ModelSpec:
    """TOX -> TWiST -> REL -> Dead, one step at a time, constant probabilities, yearly cycles."""
    names = ("p_tox", "p_twist", "p_rel")
    return ModelSpec(
        Settings(cycle_length_days=365.25, horizon_years=N_YEARS, within_cycle="trapezoid"),
        (
            State("Tox", 0.5, flags=frozenset({"tox", "progression_free"})),
            State("TWiST", 1.0, flags=frozenset({"progression_free"})),
            State("Rel", 0.5),
            State("Dead", flags=frozenset({"dead"})),
        ),
        (
            Transition("Tox", "Tox", "p_tox"),
            Transition("Tox", "TWiST", "#"),
            Transition("TWiST", "TWiST", "p_twist"),
            Transition("TWiST", "Rel", "#"),
            Transition("Rel", "Rel", "p_rel"),
            Transition("Rel", "Dead", "#"),
        ),
        tuple(Strategy(s, dict(zip(names, p))) for s, p in PROBS.items()),
        tuple(Parameter(n, 0.5) for n in names),
        initial={"Tox": 1.0},
    )


def _g(x: float, n: int = N_YEARS) -> float:
    """Trapezoid area of x^k over k = 0..n: sum x^k - (1 + x^n) / 2, in closed form."""
    return (1 - x ** (n + 1)) / (1 - x) - (1 + x**n) / 2


def _closed_form(pt: float, pw: float, pr: float, n: int = N_YEARS) -> tuple[float, float, float]:
    """Areas of TOX (pt^k), TWiST and REL (convolutions of geometric sequences) over n years."""
    tox = _g(pt, n)
    twist = (1 - pt) / (pt - pw) * (_g(pt, n) - _g(pw, n))
    c = (1 - pw) * (1 - pt) / (pt - pw)
    rel = c * ((_g(pt, n) - _g(pr, n)) / (pt - pr) - (_g(pw, n) - _g(pr, n)) / (pw - pr))
    return tox, twist, rel


def test_restricted_mean_by_hand() -> None:
    # triangle 1 -> 0.5 over [0, 1]: 0.75; then 0.5 -> 0.25 over [1, 1.5] (interpolated): 0.1875
    assert restricted_mean([0, 1, 2], [1, 0.5, 0], 1.5) == pytest.approx(0.9375, abs=1e-15)
    with pytest.raises(ValueError, match="outside"):
        restricted_mean([0, 1], [1, 1], 2.0)


def test_three_state_partition_equals_closed_form() -> None:
    spec = three_state_model()
    result = qtwist(run_model(compiled(spec))["trace"], spec, "B")
    assert result is not None
    assert dict(result.states) == {"Tox": "TOX", "TWiST": "TWiST", "Rel": "REL", "Dead": "dead"}
    for s, probs in PROBS.items():
        tox, twist, rel = _closed_form(*probs)
        part = result.strategies[s]
        assert (part.tox, part.twist, part.rel) == pytest.approx((tox, twist, rel), abs=1e-12)
        assert part.q_twist == pytest.approx(0.5 * tox + twist + 0.5 * rel, abs=1e-12)
    # by hand: A has TOX 0.9286, TWiST 3.1933, REL 1.5274 years; B 1.9879, 1.9575, 3.5006
    assert result.strategies["A"].tox == pytest.approx(0.92857, abs=1e-5)
    assert result.strategies["B"].rel == pytest.approx(3.50055, abs=1e-5)


def test_three_state_threshold_line_equals_closed_form() -> None:
    spec = three_state_model()
    result = qtwist(run_model(compiled(spec))["trace"], spec, "B")
    assert result is not None
    (c,) = result.comparisons
    assert (c.strategy, c.comparator) == ("A", "B")
    a, b = _closed_form(*PROBS["A"]), _closed_form(*PROBS["B"])
    d_tox, d_twist, d_rel = (x - y for x, y in zip(a, b))
    # the line u_TOX * d_tox + d_twist + u_REL * d_rel = 0 meets u_TOX = 0 and u_TOX = 1 at:
    y0, y1 = -d_twist / d_rel, -(d_twist + d_tox) / d_rel
    assert 0 < y1 < y0 < 1  # it crosses the unit square from left to right
    assert c.zero_line is not None
    assert c.zero_line[0] == pytest.approx((0.0, y0), abs=1e-12)
    assert c.zero_line[1] == pytest.approx((1.0, y1), abs=1e-12)
    assert (y0, y1) == pytest.approx((0.62632, 0.08943), abs=1e-5)
    # below the line (REL valued low) A is better: it spends less time in REL
    assert c.difference(0.0, 0.0) > 0 > c.difference(1.0, 1.0)
    assert c.better_where.startswith("A when TOX and REL are valued low")
    rmst_b = sum(b)
    assert c.relative_gain == pytest.approx((0.5 * d_tox + d_twist + 0.5 * d_rel) / rmst_b, abs=1e-12)


def test_zero_line_cases() -> None:
    # u_TOX - 0.5 = 0: the vertical line u_TOX = 0.5
    assert zero_line(1.0, -0.5, 0.0) == ((0.5, 0.0), (0.5, 1.0))
    # always positive: no line
    assert zero_line(0.1, 1.0, 0.2) is None
    assert zero_line(0.0, 0.0, 0.0) is None


@pytest.mark.parametrize("horizon", [15.0, 7.3])
def test_components_sum_to_restricted_mean_survival(horizon: float) -> None:
    """For every strategy TOX + TWiST + REL is the restricted mean survival; at the full horizon
    that is the engine's undiscounted life-years under the trapezoid rule (computed independently
    by the engine from its own cycle weights)."""
    spec = with_settings(full_model(), within_cycle="trapezoid")
    ds = run_model(compiled(spec))
    result = qtwist(ds["trace"], spec, "Standard care", horizon)
    assert result is not None
    assert result.states["Admission"] == "TOX" and result.states["OnTx"] == "TWiST"
    for s, part in result.strategies.items():
        assert part.tox + part.twist + part.rel == pytest.approx(part.rmst, rel=1e-12)
        if horizon == 15.0:
            lys = float(ds["lys_undiscounted"].sel(strategy=s).isel(sample=0))
            assert part.rmst == pytest.approx(lys, rel=1e-10)
        else:
            assert part.rmst < float(ds["lys_undiscounted"].sel(strategy=s).isel(sample=0))
    assert len(result.comparisons) == 3
    assert all(math.isfinite(c.relative_gain) for c in result.comparisons)


def test_no_progression_free_flag_gives_none() -> None:
    from hecon.examples.textbook import textbook_model

    assert qtwist_parts(textbook_model()) is None


def test_run_analysis_restricts_qtwist_and_refuses_a_bad_horizon() -> None:
    from hecon.analysis.results import summarise_run
    from hecon.analysis.run import run_analysis
    from hecon.model.problems import ModelError

    spec = three_state_model()
    q = summarise_run(run_analysis(spec, qtwist_horizon_years=4.0)).qtwist
    assert q is not None and q.horizon_years == 4.0
    # by hand at 4 years: TOX of A = 1 + 0.3 + 0.09 + 0.027 + 0.0081 - (1 + 0.0081) / 2
    assert q.strategies["A"].tox == pytest.approx(1.4251 - 0.50405, abs=1e-12)
    with pytest.raises(ModelError, match="at most the model's horizon"):
        run_analysis(spec, qtwist_horizon_years=11.0)


def test_rounding_noise_draws_no_threshold_line() -> None:
    # Same progression-free curves (a sequence that starts like the comparator): TOX equal, TWiST
    # differing by one ulp-sized rounding error, REL 0.3 years longer. By hand the difference is
    # 0.3 * u_REL >= 0: never negative, 0 only on the edge u_REL = 0, so no threshold line, and the
    # strategy is never the worse one.
    q = QTwistPartition(tox=0.5, twist=1.0, rel=2.0, rmst=3.5, q_twist=2.25)
    p = QTwistPartition(tox=0.5, twist=1.0 - 4.4e-16, rel=2.3, rmst=3.8, q_twist=2.4)
    c = compare("Then", "Weekly", p, q)
    assert (c.d_tox, c.d_twist) == (0.0, 0.0)
    assert c.d_rel == pytest.approx(0.3, abs=1e-15)
    assert c.zero_line is None
    assert c.better_where == "Then at every pair of utilities (equal only on an edge of the square)"
    # a real difference far above the noise still draws its line
    real = compare("Then", "Weekly", replace(p, twist=0.9), q)
    assert real.zero_line is not None
    assert real.zero_line[0] == pytest.approx((0.0, 1 / 3), abs=1e-12)
    assert real.zero_line[1] == pytest.approx((1.0, 1 / 3), abs=1e-12)


def test_zero_line_along_an_edge_is_no_threshold() -> None:
    # difference 0.3 * u_REL: zero along u_REL = 0 only
    assert zero_line(0.0, 0.0, 0.3) is None
    # difference 0.2 * (u_TOX - 1): zero along u_TOX = 1 only
    assert zero_line(0.2, -0.2, 0.0) is None
