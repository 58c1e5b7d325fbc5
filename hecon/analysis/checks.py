"""Checks of the numbers handed to the decision-analysis functions.

Costs and effects are numbers or numpy arrays (strategy axis last); a wrong shape, a
non-numeric or non-finite value raises :class:`~hecon.model.problems.ModelError` naming the
function (``where``) and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from hecon.model.problems import Location, ModelError, Problem
from hecon.model.types import FloatArray


def float_array(values: ArrayLike, name: str, where: Location) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelError(Problem(where, f"{name} is not numeric ({exc})", "numbers")) from None
    return arr


def check_finite(arr: FloatArray, name: str, where: Location, problems: list[Problem]) -> None:
    if arr.size and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        index = tuple(int(i) for i in bad)
        value = arr[tuple(bad)]
        problems.append(Problem(where, f"{name}{list(index)} is {value}", "finite numbers (no NaN or inf)"))


def deterministic_inputs(
    strategies: Sequence[str], costs: ArrayLike, effects: ArrayLike, where: Location
) -> tuple[list[str], FloatArray, FloatArray]:
    """Check one cost and one effect per named strategy; return them as 1-D arrays."""
    names = [str(s) for s in strategies]
    c = float_array(costs, "costs", where)
    e = float_array(effects, "effects", where)
    problems: list[Problem] = []
    if not names:
        problems.append(Problem(where, "no strategies given", "at least one strategy"))
    if c.ndim != 1 or e.ndim != 1:
        problems.append(
            Problem(
                where,
                f"costs have shape {c.shape} and effects shape {e.shape}",
                "one value per strategy (1-D); summarise PSA samples first, e.g. by the mean",
            )
        )
    elif len(c) != len(names) or len(e) != len(names):
        problems.append(
            Problem(
                where,
                f"{len(names)} strategies but {len(c)} costs and {len(e)} effects",
                "one cost and one effect per strategy",
            )
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append(
            Problem(where, f"strategy names repeated: {', '.join(map(repr, duplicates))}", "unique strategy names")
        )
    if not problems:
        check_finite(c, "costs", where, problems)
        check_finite(e, "effects", where, problems)
    if problems:
        raise ModelError(problems)
    return names, c, e


def psa_inputs(costs: ArrayLike, effects: ArrayLike, where: Location, *, two_d: bool) -> tuple[FloatArray, FloatArray]:
    c = float_array(costs, "costs", where)
    e = float_array(effects, "effects", where)
    problems: list[Problem] = []
    if c.shape != e.shape:
        problems.append(Problem(where, f"costs have shape {c.shape} but effects shape {e.shape}", "the same shape"))
    elif two_d and c.ndim != 2:
        problems.append(Problem(where, f"costs and effects have shape {c.shape}", "shape (n_samples, n_strategies)"))
    elif c.ndim < 1 or c.shape[-1] < 1:
        problems.append(
            Problem(where, f"costs and effects have shape {c.shape}", "at least one strategy on the last axis")
        )
    elif two_d and c.shape[0] < 1:
        problems.append(Problem(where, "no PSA samples", "at least one sample"))
    if not problems:
        check_finite(c, "costs", where, problems)
        check_finite(e, "effects", where, problems)
    if problems:
        raise ModelError(problems)
    return c, e


def wtp_array(wtp: ArrayLike, where: Location, *, positive: bool = False) -> FloatArray:
    w = float_array(wtp, "wtp", where)
    problems: list[Problem] = []
    if w.ndim > 1:
        problems.append(Problem(where, f"wtp has shape {w.shape}", "a number or a 1-D grid"))
    else:
        check_finite(w, "wtp", where, problems)
    if not problems:
        if positive and np.any(w <= 0):
            problems.append(
                Problem(
                    where,
                    f"wtp {w[w <= 0].flat[0]} is not positive",
                    "willingness to pay > 0 [currency per effect unit]",
                )
            )
        elif np.any(w < 0):
            problems.append(
                Problem(
                    where, f"wtp {w[w < 0].flat[0]} is negative", "willingness to pay >= 0 [currency per effect unit]"
                )
            )
    if problems:
        raise ModelError(problems)
    return w
