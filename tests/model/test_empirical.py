"""Empirical joint distributions: the PSA draws whole rows of a table of joint draws
(hecon.model.distributions, "Empirical joint distributions").

Reference values come from numpy on the table itself (its mean, its quantiles by the
order-statistics formula, its rows), never from the sampler.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter

import numpy as np
import pytest

from hecon.model.distributions import (
    MIN_EMPIRICAL_DRAWS,
    check_parameters,
    draw_parameters,
    dsa_bounds,
    empirical_summary,
    sample_chunks,
)
from hecon.model.problems import Element, ModelError
from hecon.model.spec import Distribution, Parameter

ROWS = 250
SEED = 20241126


def table() -> dict[str, np.ndarray]:
    """A bootstrap-like table: a cure fraction that is exactly 0 in a fifth of the rows, and a
    shape and scale that depend on it (continuous values, so that no pair repeats by chance)."""
    rng = np.random.default_rng(99)
    theta = np.where(rng.random(ROWS) < 0.2, 0.0, rng.beta(2, 8, ROWS))
    shape = 0.9 + 0.5 * theta + rng.normal(0, 0.05, ROWS)
    scale = 40.0 * np.exp(rng.normal(0, 0.2, ROWS)) * (1 + theta)
    return {"theta": theta, "shape": shape, "scale": scale}


def group(columns: dict[str, np.ndarray], name: str = "cure_boot") -> list[Parameter]:
    return [
        Parameter(n, float(c[0]), distribution=Distribution("empirical", group=name, draws=tuple(map(float, c))))
        for n, c in columns.items()
    ]


def drawn_rows(draws: dict[str, np.ndarray], names: list[str]) -> list[tuple[float, ...]]:
    return list(zip(*(draws[n].tolist() for n in names)))


def table_rows(columns: dict[str, np.ndarray]) -> list[tuple[float, ...]]:
    return list(zip(*(c.tolist() for c in columns.values())))


# --------------------------------------------------------------------------------------
# What is drawn
# --------------------------------------------------------------------------------------


def test_as_many_samples_as_rows_use_every_row_once():
    """n = R: the drawn rows are the table's rows, each once, so the means are the table's exactly."""
    columns = table()
    draws = draw_parameters(group(columns), ROWS, SEED)
    assert Counter(drawn_rows(draws, list(columns))) == Counter(table_rows(columns))
    for name, column in columns.items():
        assert np.mean(draws[name]) == pytest.approx(np.mean(column), rel=1e-14)
        np.testing.assert_array_equal(np.sort(draws[name]), np.sort(column))


def test_a_multiple_of_the_rows_uses_every_row_equally_often():
    columns = table()
    draws = draw_parameters(group(columns), 4 * ROWS, SEED)
    counts = Counter(drawn_rows(draws, list(columns)))
    assert set(counts) == set(table_rows(columns)) and set(counts.values()) == {4}
    assert np.mean(draws["scale"]) == pytest.approx(np.mean(columns["scale"]), rel=1e-13)


def test_fewer_samples_than_rows_draw_rows_without_replacement():
    columns = table()
    draws = draw_parameters(group(columns), ROWS // 2, SEED)
    rows = drawn_rows(draws, list(columns))
    assert len(set(rows)) == ROWS // 2 and set(rows) <= set(table_rows(columns))


def test_more_samples_than_rows_are_balanced():
    """n = 2.4 R: every row twice or three times; the sample mean and quantiles approach the
    table's (Monte Carlo error of the extra 0.4 R rows only)."""
    columns = table()
    n = int(2.4 * ROWS)
    draws = draw_parameters(group(columns), n, SEED)
    counts = Counter(drawn_rows(draws, list(columns)))
    assert set(counts.values()) == {2, 3} and sum(v == 3 for v in counts.values()) == n - 2 * ROWS
    theta = columns["theta"]
    se = np.std(theta) / math.sqrt(n)
    assert abs(np.mean(draws["theta"]) - np.mean(theta)) < 3 * se
    assert np.mean(draws["theta"] == 0) == pytest.approx(np.mean(theta == 0), abs=0.04)
    for q in (0.25, 0.5, 0.75):
        assert np.quantile(draws["scale"], q) == pytest.approx(np.quantile(columns["scale"], q), rel=0.05)


def test_joint_rows_are_kept():
    """Every drawn (theta, shape, scale) is a row of the table: the joint structure is the table's,
    including the rows with theta exactly 0."""
    columns = table()
    draws = draw_parameters(group(columns), 3 * ROWS + 17, SEED)
    rows = set(table_rows(columns))
    assert all(r in rows for r in drawn_rows(draws, list(columns)))
    at_zero = draws["theta"] == 0
    assert at_zero.any()
    expected_corr = np.corrcoef(columns["theta"], columns["shape"])[0, 1]
    assert np.corrcoef(draws["theta"], draws["shape"])[0, 1] == pytest.approx(expected_corr, abs=0.05)


def test_a_group_of_one_parameter():
    column = table()["scale"]
    draws = draw_parameters(group({"scale": column}, "scale_only"), ROWS, SEED)
    np.testing.assert_array_equal(np.sort(draws["scale"]), np.sort(column))


# --------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 7, 64, ROWS, ROWS + 1, 1024])
def test_chunking_does_not_change_draws(size):
    params = group(table()) + [Parameter("c", 1.0, distribution=Distribution("gamma", {"mean": 1, "se": 0.1}))]
    n = 3 * ROWS + 11
    whole = draw_parameters(params, n, SEED)
    parts = [draw_parameters(params, stop - lo, SEED, start=lo) for lo, stop in sample_chunks(n, size)]
    for name in whole:
        np.testing.assert_array_equal(np.concatenate([p[name] for p in parts]), whole[name])


def test_other_parameters_do_not_change_the_groups_draws():
    columns = table()
    alone = draw_parameters(group(columns), 300, SEED)
    extra = Parameter("u", 0.5, distribution=Distribution("beta", {"mean": 0.5, "se": 0.1}))
    together = draw_parameters([extra, *group(columns)], 300, SEED)
    for name in columns:
        np.testing.assert_array_equal(alone[name], together[name])
    other_seed = draw_parameters(group(columns), 300, SEED + 1)
    assert not np.array_equal(alone["theta"], other_seed["theta"])


def test_stream_follows_documented_construction():
    """Samples R-1 .. R+1 from the docstring's construction: pass c is permutation c of the rows,
    drawn by PCG64(SeedSequence(seed, spawn_key=(1, *BLAKE2b(group), c))); sample i is row
    pi_c(i mod R)."""
    columns = table()
    x = draw_parameters(group(columns), 3, 5, start=ROWS - 1)["shape"]
    digest = hashlib.blake2b(b"cure_boot", digest_size=16).digest()
    key = (1,) + tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))

    def permutation(c: int) -> np.ndarray:
        ss = np.random.SeedSequence(5, spawn_key=key + (c,))
        return np.random.Generator(np.random.PCG64(ss)).permutation(ROWS)

    rows = [permutation(0)[ROWS - 1], permutation(1)[0], permutation(1)[1]]
    np.testing.assert_array_equal(x, columns["shape"][rows])


# --------------------------------------------------------------------------------------
# DSA range and summary
# --------------------------------------------------------------------------------------


def _quantile_type7(x: np.ndarray, p: float) -> float:
    """Hyndman & Fan (1996) type 7, R's default: x_(floor(h)) + (h - floor(h)) (x_(floor(h)+1) - x_(floor(h))),
    h = (n - 1) p on the 0-based order statistics."""
    s = np.sort(x)
    h = (len(s) - 1) * p
    lo = math.floor(h)
    return float(s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo]))


def test_dsa_range_and_summary_are_the_columns_quantiles():
    columns = table()
    p = group(columns)[2]
    low, high = dsa_bounds(p)
    assert low == pytest.approx(_quantile_type7(columns["scale"], 0.025), rel=1e-14)
    assert high == pytest.approx(_quantile_type7(columns["scale"], 0.975), rel=1e-14)
    assert p.distribution is not None
    summary = empirical_summary(p.distribution)
    assert summary.rows == ROWS
    assert summary.mean == pytest.approx(sum(columns["scale"].tolist()) / ROWS, rel=1e-14)
    assert (summary.low, summary.high) == (low, high)


# --------------------------------------------------------------------------------------
# Problems, located
# --------------------------------------------------------------------------------------


def _problems(params: list[Parameter]) -> list[tuple[Element, str]]:
    found = check_parameters(params)
    with pytest.raises(ModelError):
        draw_parameters(params, 10, SEED)
    return [(p.where, p.what) for p in found]  # type: ignore[misc]


def test_a_non_finite_draw_is_located_by_its_index():
    columns = table()
    columns["shape"] = columns["shape"].copy()
    columns["shape"][7] = math.nan
    columns["shape"][9] = math.inf
    found = _problems(group(columns))
    assert found == [
        (Element("parameter", "shape", part="draws", index=7), "empirical draw 8 = nan is not a finite number"),
        (Element("parameter", "shape", part="draws", index=9), "empirical draw 10 = inf is not a finite number"),
    ]


def test_too_few_rows():
    columns = {k: v[: MIN_EMPIRICAL_DRAWS - 1] for k, v in table().items()}
    found = _problems(group(columns))
    assert len(found) == 3
    assert all(w == Element("parameter", n, part="draws") for (w, _), n in zip(found, columns))
    assert all(what == f"empirical has {MIN_EMPIRICAL_DRAWS - 1} draws" for _, what in found)
    assert check_parameters(group({k: v[:MIN_EMPIRICAL_DRAWS] for k, v in table().items()})) == []


def test_columns_of_different_lengths_in_one_group():
    columns = table()
    columns["scale"] = columns["scale"][:-3]
    found = _problems(group(columns))
    assert found == [
        (
            Element("parameter", "scale", part="draws"),
            f"empirical group 'cure_boot': 'scale' has {ROWS - 3} draws, 'theta' {ROWS}",
        )
    ]


def test_every_problem_is_collected():
    """No group, arguments given, draws on another kind, and an empirical group mixed with mvnormal."""
    draws = tuple(float(x) for x in range(MIN_EMPIRICAL_DRAWS))
    params = [
        Parameter("a", 0.0, distribution=Distribution("empirical", draws=draws)),
        Parameter("b", 0.0, distribution=Distribution("empirical", {"mean": 1}, group="g", draws=draws)),
        Parameter("c", 0.0, distribution=Distribution("normal", {"mean": 0, "sd": 1}, draws=draws)),
        Parameter("d", 0.0, distribution=Distribution("empirical", group="h", draws=draws)),
        Parameter("e", 0.0, distribution=Distribution("mvnormal", {"mean": 0, "cov_e": 1}, group="h")),
    ]
    found = [str(p) for p in check_parameters(params)]
    assert "parameter 'a': empirical needs a group; expected the same group name on every parameter drawn jointly" in (
        found
    )
    assert any(s.startswith("parameter 'b': empirical takes no arguments, got 'mean'") for s in found)
    assert (
        "parameter 'c': 40 draws are given for a normal distribution; expected draws only for an empirical distribution"
        in (found)
    )
    assert any("group 'h' mixes distribution kinds ('d' empirical, 'e' mvnormal)" in s for s in found)
    assert len(found) == 4
