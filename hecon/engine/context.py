"""Evaluation of a strategy's expressions over one block of samples and cycles.

Values are numpy arrays broadcastable to (point, state_time, sample), where *point* runs
over the trace points t0..t1 of the block: the layout of :mod:`hecon.engine.kernels`, with samples
innermost, so values reach the kernels without being transposed. An expression that does
not depend on a dimension keeps length 1 there, so constant inputs cost nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np

from hecon.engine.compiler import CompiledModel, CurveModel, StrategyModel
from hecon.engine.packing import fit
from hecon.methods import lifetable, schedules, survival
from hecon.model.expressions import STATE_TIME_VARIABLES, TIME_VARIABLES, Expression
from hecon.model.problems import Element, ModelError, Problem, show_number
from hecon.model.spec import DAYS_PER_YEAR, LifeTable
from hecon.model.types import FloatArray

_GP_MORTALITY: OrderedDict[tuple[int, float, float, int, bytes], tuple[LifeTable, FloatArray]] = OrderedDict()
"""Recent cohort death probabilities (:func:`cohort_mortality`), kept with their life table."""
_GP_MORTALITY_SIZE = 16  # entries kept at most: the base case, scenarios and DSA variations of a run
_GP_MORTALITY_BYTES = 16 * 2**20  # and at most this many bytes: a sampled share of men gives one
# (points x samples) entry per PSA chunk, used by the chunk's strategies and never again, so one
# such entry (13 MB for the example's chunks of 1,024) is all a PSA needs; more only add memory


def cohort_mortality(
    table: LifeTable, start_age: float, proportion_male: FloatArray, cycle_years: float, n_points: int
) -> FloatArray:
    """:func:`hecon.methods.lifetable.cohort_death_probability` as the engine lays it out,
    (point, 1, sample or 1) [probability per cycle], computed once per run and not per chunk and
    strategy: it depends on the sample only through ``proportion_male``, which is mostly one
    number. The result is shared: read only."""
    key = (id(table), float(start_age), float(cycle_years), int(n_points), proportion_male.tobytes())
    hit = _GP_MORTALITY.get(key)
    if hit is not None and hit[0] is table:
        _GP_MORTALITY.move_to_end(key)
        return hit[1]
    p = lifetable.cohort_death_probability(table, start_age, proportion_male, cycle_years, n_points)
    laid_out = np.ascontiguousarray(p.reshape(-1, n_points).T)[:, None, :]
    laid_out.flags.writeable = False
    _GP_MORTALITY[key] = (table, laid_out)
    while len(_GP_MORTALITY) > 1 and (
        len(_GP_MORTALITY) > _GP_MORTALITY_SIZE
        or sum(entry[1].nbytes for entry in _GP_MORTALITY.values()) > _GP_MORTALITY_BYTES
    ):
        _GP_MORTALITY.popitem(last=False)
    return laid_out


class BlockContext:
    """Implements :class:`hecon.model.expressions.EvaluationContext` for one strategy and block.

    samples     : sampled parameter values, name -> array (n_samples,), replacing base values
                  (a strategy's own value of a parameter takes precedence over a sample)
    chunk_cache : values that do not change with model time, kept for every block of a chunk
                  (sampled inputs, survival curves on time in state, the life table over the horizon)
    block_cache : values that change with model time, for this block (default: a new dict)
    share       : the key under which a value is kept, from the key that names it (default: that
                  key); strategies that run together give the keys the signature of what the value
                  reads, so that they find each other's values (:mod:`hecon.engine.sharing`)

    Values that read ``state_time`` are evaluated for the tunnel length of the state at hand
    (:meth:`evaluate`), so a 3-cycle tunnel costs 3 state times, not the model's longest tunnel.
    """

    def __init__(
        self,
        model: CompiledModel,
        strategy: StrategyModel,
        samples: Mapping[str, np.ndarray],
        t0: int,
        t1: int,
        chunk_cache: dict[Any, Any],
        block_cache: dict[Any, Any] | None = None,
        share: Callable[[tuple[Any, ...]], Hashable] | None = None,
    ):
        self.model = model
        self.strategy = strategy
        self.samples = samples
        self.t0, self.t1 = t0, t1
        self.chunk_cache = chunk_cache
        self.block_cache: dict[Any, Any] = {} if block_cache is None else block_cache
        self.share: Callable[[tuple[Any, ...]], Hashable] = _as_it_is if share is None else share
        self.tunnel = model.max_tunnel
        s = model.spec.settings
        self.cycle_days = s.cycle_length_days
        self.cycle_years = self.cycle_days / DAYS_PER_YEAR
        model_time = np.arange(t0, t1 + 1, dtype=float).reshape(-1, 1, 1)
        self.variables = {
            "model_time": model_time,
            "model_years": model_time * self.cycle_years,
            "age": s.start_age + model_time * self.cycle_years,
            "cycle_years": self.cycle_years,
            "cycle_days": float(self.cycle_days),
        }

    def evaluate(self, expr: Expression, tunnel: int) -> Any:
        """Value of a model expression for a state with ``tunnel`` sub-states, cached for the
        whole chunk when it does not read model time, else for the block. Cached by the
        formula's text: the same formula in several cells (a death probability in every row
        out of a state and its tunnel) has one value for a strategy, evaluated once."""
        self.tunnel = tunnel
        reads = self.strategy.variables_read(expr)
        key = self.share(("expr", expr.text, tunnel if reads & STATE_TIME_VARIABLES else None))
        cache = self.block_cache if reads & TIME_VARIABLES else self.chunk_cache
        if key not in cache:
            cache[key] = expr.evaluate(self)
        return cache[key]

    def fitted(self, expr: Expression, tunnel: int, n_pts: int) -> np.ndarray:
        """:meth:`evaluate` as :func:`hecon.engine.packing.fit` lays it out for ``n_pts`` points and
        ``tunnel`` state times, kept beside the value: the same array object each time it is
        asked for, so that the packing memory (:class:`~hecon.engine.packing.PackMemo`) knows it."""
        reads = self.strategy.variables_read(expr)
        cache = self.block_cache if reads & TIME_VARIABLES else self.chunk_cache
        key = ("fitted", self.share(("expr", expr.text, tunnel if reads & STATE_TIME_VARIABLES else None)), n_pts)
        found = cache.get(key)
        if found is None:
            found = cache[key] = fit(self.evaluate(expr, tunnel), n_pts, tunnel)
        return found

    # -- names ---------------------------------------------------------------
    def value(self, name: str) -> Any:
        if name in self.variables:
            return self.variables[name]
        if name in STATE_TIME_VARIABLES:
            st = np.arange(self.tunnel, dtype=float).reshape(1, -1, 1)
            return st if name == "state_time" else st * self.cycle_years
        reads = self.strategy.reads.get(f"p:{name}", frozenset())
        key = self.share(("value", name, self.tunnel if reads & STATE_TIME_VARIABLES else None))
        cache = self.block_cache if reads & TIME_VARIABLES else self.chunk_cache
        if key not in cache:
            if name in self.samples and name not in self.strategy.overridden:
                cache[key] = np.asarray(self.samples[name], dtype=float).reshape(1, 1, -1)
            else:
                cache[key] = self.strategy.parameters[name].evaluate(self)
        return cache[key]

    # -- survival curves -----------------------------------------------------
    def _curve(self, name: str) -> dict[str, Any]:
        reads = self.strategy.reads.get(f"c:{name}", frozenset())
        key = self.share(("curve", name, self.tunnel if reads & STATE_TIME_VARIABLES else None))
        cache = self.block_cache if reads & TIME_VARIABLES else self.chunk_cache
        if key in cache:
            found: dict[str, Any] = cache[key]
            return found
        c: CurveModel = self.model.curves[name]
        params = {k: e.evaluate(self) for k, e in c.parameters.items()}
        where = Element("curve", name, strategy=self.strategy.name)
        problems = [
            Problem(where, msg, "parameters inside the distribution's domain")
            for msg in survival.check_parameters(c.distribution, params)
        ]
        hr, af, cure = (
            c.hazard_ratio.evaluate(self),
            c.acceleration_factor.evaluate(self),
            c.cure_fraction.evaluate(self),
        )
        for label, v, ok, expected in (
            ("hazard ratio", hr, np.isfinite(hr) & (np.asarray(hr) >= 0), "a finite number >= 0"),
            ("acceleration factor", af, np.isfinite(af) & (np.asarray(af) > 0), "a finite number > 0"),
            ("cure fraction", cure, (np.asarray(cure) >= 0) & (np.asarray(cure) <= 1), "in [0, 1]"),
        ):
            if not np.all(ok):
                first = float(np.broadcast_to(np.asarray(v, dtype=float), np.shape(ok))[~np.asarray(ok)].flat[0])
                problems.append(Problem(where, f"{label} {show_number(first)} is out of range", expected))
        if problems:
            raise ModelError(problems)
        entry = {
            "curve": c,
            "params": params,
            "hr": hr,
            "af": af,
            "cure": cure,
            "scale": DAYS_PER_YEAR / c.time_unit_days,
        }  # curve time units per year
        cache[key] = entry
        return entry

    def _survival_at(self, name: str, years: Any) -> Any:
        e = self._curve(name)
        return survival.adjusted_survival(
            e["curve"].distribution, e["params"], np.multiply(years, e["scale"]), e["hr"], e["af"], e["cure"]
        )

    def curve_survival(self, curve: str, years: Any) -> Any:
        return self._survival_at(curve, years)

    def curve_event_probability(self, curve: str, clock: Any) -> Any:
        """1 - S((clock + 1) Δ) / S(clock Δ), Δ the cycle length [years]. When the clock steps by
        one cycle from point to point (``model_time``, ``model_time - t_inf``), the end of one
        cycle is the start of the next, so S is evaluated once on the points and one more,
        not twice; both ways compute S at the same times, so the result is the same."""
        c = np.asarray(clock, dtype=float)
        if c.ndim == 3 and c.shape[0] > 1 and np.all(c[1:] - c[:-1] == 1.0):
            s = self._survival_at(curve, np.concatenate([c, c[-1:] + 1.0]) * self.cycle_years)
            return survival.event_probability(s[:-1], s[1:])
        return survival.event_probability(
            self._survival_at(curve, c * self.cycle_years), self._survival_at(curve, (c + 1.0) * self.cycle_years)
        )

    def curve_hazard(self, curve: str, years: Any) -> Any:
        """Hazard [1/year] of the adjusted curve: -d/dt log S, from the unadjusted hazard."""
        e = self._curve(curve)
        t = np.multiply(years, e["scale"]) / e["af"]
        dist, params = e["curve"].distribution, e["params"]
        s_u = survival.survival(dist, params, t) ** e["hr"]
        h_u = e["hr"] * survival.hazard(dist, params, t) / e["af"]
        s = e["cure"] + (1 - e["cure"]) * s_u
        with np.errstate(all="ignore"):
            h = np.where(s > 0, (1 - e["cure"]) * s_u * h_u / s, h_u)
        return h * e["scale"]

    # -- life table ----------------------------------------------------------
    def gp_mortality(self, table: str | None) -> Any:
        key = self.share(("gp_mort", table))
        if key not in self.chunk_cache:
            spec = self.model.spec
            name = table or spec.settings.life_table or spec.life_tables[0].name
            lt = next(t for t in spec.life_tables if t.name == name)
            male = np.asarray(self.strategy.proportion_male.evaluate(self), dtype=float)
            if male.ndim == 3 and (male.shape[0] > 1 or male.shape[1] > 1):
                raise ModelError(
                    Problem(
                        Element("setting", "proportion_male"), "depends on time", "a share of men fixed at the start"
                    )
                )
            male_flat = male.reshape(-1)
            if np.any((male_flat < 0) | (male_flat > 1)):
                raise ModelError(
                    Problem(
                        Element("setting", "proportion_male"),
                        f"{float(male_flat[(male_flat < 0) | (male_flat > 1)][0]):g} is outside [0, 1]",
                        "a share between 0 and 1",
                    )
                )
            self.chunk_cache[key] = cohort_mortality(
                lt, spec.settings.start_age, male_flat, self.cycle_years, self.model.n_cycles + 1
            )
        return self.chunk_cache[key][self.t0 : self.t1 + 1]

    # -- schedules -----------------------------------------------------------
    def administrations(self, schedule: str, clock: Any) -> Any:
        sch = next(s for s in self.model.spec.schedules if s.name == schedule)
        start = np.multiply(clock, self.cycle_days)
        return schedules.administrations(sch, start, start + self.cycle_days)


def _as_it_is(key: tuple[Any, ...]) -> Hashable:
    """A value's key as it is: a strategy that runs alone keeps its values under their own keys."""
    return key
