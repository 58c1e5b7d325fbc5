"""Evaluation of a strategy's expressions over one block of samples and cycles.

Values are numpy arrays broadcastable to (sample, point, state_time), where *point* runs
over the trace points t0..t1 of the block. An expression that does not depend on a
dimension keeps length 1 there, so constant inputs cost nothing.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from hecon import lifetable, schedules, survival
from hecon.compiler import CompiledModel, CurveModel, StrategyModel
from hecon.errors import ModelError, Problem
from hecon.spec import DAYS_PER_YEAR


class BlockContext:
    """Implements :class:`hecon.expressions.EvaluationContext` for one strategy and block.

    samples   : sampled parameter values, name -> array (n_samples,), replacing base values
                (a strategy's own value of a parameter takes precedence over a sample)
    gp_cache  : per-strategy cache of the cohort's general-population death probability
                over the whole horizon, shared by the blocks of a chunk
    """

    def __init__(self, model: CompiledModel, strategy: StrategyModel, samples: Mapping[str, np.ndarray],
                 t0: int, t1: int, gp_cache: dict[str | None, np.ndarray]):
        self.model = model
        self.strategy = strategy
        self.samples = samples
        self.t0, self.t1 = t0, t1
        self.gp_cache = gp_cache
        s = model.spec.settings
        self.cycle_days = s.cycle_length_days
        self.cycle_years = s.cycle_length_days / DAYS_PER_YEAR
        model_time = np.arange(t0, t1 + 1, dtype=float).reshape(1, -1, 1)
        state_time = np.arange(model.max_tunnel, dtype=float).reshape(1, 1, -1)
        self.cache: dict[str, Any] = {
            "model_time": model_time,
            "model_years": model_time * self.cycle_years,
            "age": s.start_age + model_time * self.cycle_years,
            "state_time": state_time,
            "state_years": state_time * self.cycle_years,
            "cycle_years": self.cycle_years,
            "cycle_days": float(self.cycle_days),
        }
        self.curve_cache: dict[str, dict[str, Any]] = {}

    # -- names ---------------------------------------------------------------
    def value(self, name: str) -> Any:
        if name in self.cache:
            return self.cache[name]
        if name in self.samples and name not in self.strategy.overridden:
            v = np.asarray(self.samples[name], dtype=float).reshape(-1, 1, 1)
        else:
            v = self.strategy.parameters[name].evaluate(self)
        self.cache[name] = v
        return v

    # -- survival curves -----------------------------------------------------
    def _curve(self, name: str) -> dict[str, Any]:
        if name in self.curve_cache:
            return self.curve_cache[name]
        c: CurveModel = self.model.curves[name]
        params = {k: e.evaluate(self) for k, e in c.parameters.items()}
        where = f"survival curve '{name}' (strategy '{self.strategy.name}')"
        problems = [Problem(where, msg, "parameters inside the distribution's domain")
                    for msg in survival.check_parameters(c.distribution, params)]
        hr, af, cure = (c.hazard_ratio.evaluate(self), c.acceleration_factor.evaluate(self),
                        c.cure_fraction.evaluate(self))
        for label, v, ok, expected in (("hazard ratio", hr, np.all(np.asarray(hr) >= 0), ">= 0"),
                                       ("acceleration factor", af, np.all(np.asarray(af) > 0), "> 0"),
                                       ("cure fraction", cure,
                                        np.all((np.asarray(cure) >= 0) & (np.asarray(cure) <= 1)), "in [0, 1]")):
            if not ok:
                problems.append(Problem(where, f"{label} {np.min(v)!r} is out of range", expected))
        if problems:
            raise ModelError(problems)
        entry = {"curve": c, "params": params, "hr": hr, "af": af, "cure": cure,
                 "scale": DAYS_PER_YEAR / c.time_unit_days}  # curve time units per year
        self.curve_cache[name] = entry
        return entry

    def _survival_at(self, name: str, years: Any) -> Any:
        e = self._curve(name)
        return survival.adjusted_survival(e["curve"].distribution, e["params"], np.multiply(years, e["scale"]),
                                          e["hr"], e["af"], e["cure"])

    def curve_survival(self, curve: str, years: Any) -> Any:
        return self._survival_at(curve, years)

    def curve_event_probability(self, curve: str, clock: Any) -> Any:
        start = np.multiply(clock, self.cycle_years)
        return survival.event_probability(self._survival_at(curve, start),
                                          self._survival_at(curve, start + self.cycle_years))

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
        if table not in self.gp_cache:
            spec = self.model.spec
            name = table or spec.settings.life_table or spec.life_tables[0].name
            lt = next(t for t in spec.life_tables if t.name == name)
            male = np.asarray(self.strategy.proportion_male.evaluate(self), dtype=float)
            if male.ndim == 3 and (male.shape[1] > 1 or male.shape[2] > 1):
                raise ModelError(Problem("settings.proportion_male", "depends on time",
                                         "a share of men fixed at the start"))
            male_flat = male.reshape(-1)
            if np.any((male_flat < 0) | (male_flat > 1)):
                raise ModelError(Problem("settings.proportion_male", f"{male_flat.min()!r} is outside [0, 1]",
                                         "a share between 0 and 1"))
            p = lifetable.cohort_death_probability(lt, spec.settings.start_age, male_flat,
                                                   self.cycle_years, self.model.n_cycles + 1)
            self.gp_cache[table] = p.reshape(-1, self.model.n_cycles + 1, 1)
        return self.gp_cache[table][:, self.t0:self.t1 + 1, :]

    # -- schedules -----------------------------------------------------------
    def administrations(self, schedule: str, clock: Any) -> Any:
        sch = next(s for s in self.model.spec.schedules if s.name == schedule)
        start = np.multiply(clock, self.cycle_days)
        return schedules.administrations(sch, start, start + self.cycle_days)
