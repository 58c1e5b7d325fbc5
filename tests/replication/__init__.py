"""Replication suite: published cohort models rebuilt in hecon, checked against their published
results (TECH-VER "replication", Büyükkaramikli et al., PharmacoEconomics 2019;37:1391-1408).

One module per published model; each states its citation, how the source's counting,
discounting and within-cycle conventions map onto hecon's settings, and compares hecon with
the published figures within the rounding of those figures (see README.md).
"""

from __future__ import annotations

import pytest


def published(figure: str) -> object:
    """A published figure as a ``pytest.approx`` whose tolerance is its rounding.

    ``figure`` is the number exactly as printed (thousands separators allowed). The tolerance
    is half a unit in its last printed digit, the largest error rounding can hide, and nothing
    more: ``"151,580"`` matches 151,579.5 to 151,580.5 and ``"20.711"`` matches 20.7105 to
    20.7115.

    >>> 151579.87 == published("151,580")
    True
    >>> 20.7121 == published("20.711")
    False
    """
    text = figure.replace(",", "").strip()
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return pytest.approx(float(text), rel=0.0, abs=0.5 * 10.0**-decimals)


def assert_frontier(
    strategies, costs, effects, reference: str, dominated: str, steps: tuple[tuple[str, str, str, str, str], ...]
) -> None:
    """Check hecon's incremental analysis against a published CEA table: ``reference`` first on
    the frontier, ``dominated`` dominated, and each (strategy, comparator, incremental cost,
    incremental QALYs, ICER) step as printed, within its rounding (:func:`published`)."""
    from hecon.analysis.incremental import (
        STATUS_DOMINATED,
        STATUS_NON_DOMINATED,
        STATUS_REFERENCE,
        incremental_analysis,
    )

    rows = {r.strategy: r for r in incremental_analysis(list(strategies), costs, effects)}
    assert rows[reference].status == STATUS_REFERENCE
    assert rows[dominated].status == STATUS_DOMINATED
    for strategy, comparator, d_cost, d_qalys, icer in steps:
        row = rows[strategy]
        assert row.status == STATUS_NON_DOMINATED and row.comparator == comparator
        assert row.incremental_cost == published(d_cost)
        assert row.incremental_effect == published(d_qalys)
        assert row.icer == published(icer)
