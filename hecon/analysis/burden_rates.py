"""Treatment burden as rates and windows, terminal care apart, and patients' own time.

Totals of hospital days or contacts are confounded by survival: a strategy whose patients live
longer gathers more contacts. This module reports each count of the model (undiscounted)

* per life-year and per progression-free year over the horizon (totals of the engine, with the
  model's within-cycle correction, divided by its undiscounted life-years and years in states
  flagged ``progression_free``);
* within the first 12 and 24 months (:data:`WINDOWS_MONTHS`): the per-cycle values of the
  cycles that start within the window, one-off transition rewards included, and the life-years
  of those cycles (each cycle counted from its start, without within-cycle correction).

Conventions the model declares by name
--------------------------------------
* A count whose name starts with ``terminal_`` (e.g. ``terminal_hospital_days`` on the
  transition into death) is terminal care: reported apart, not as treatment burden.
* A count whose name starts with ``helper_`` (:data:`HELPER_PREFIX`) is a tally the model keeps
  to compute another metric (e.g. ``helper_tf_first_entries`` for the mean time to the first
  treatment-free day): it is not treatment burden and is left out of the burden report; a
  patient-time factor on it is an error.
* Patient time: a parameter ``<kind>_per_<count>`` with ``kind`` one of :data:`PATIENT_TIME`
  (e.g. ``travel_hours_per_hospital_contacts = 1.5``) turns a count into the patient's time:
  hours travelling, hours in clinic, nights away from home, caregiver hours. Its value must be
  a number (it is applied to the base case, not sampled).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from hecon.analysis.serialise import frozen
from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import ModelSpec

__all__ = [
    "HELPER_PREFIX",
    "PATIENT_TIME",
    "TERMINAL_PREFIX",
    "WINDOWS_MONTHS",
    "BurdenRates",
    "CountRates",
    "burden_rates",
    "patient_time_factors",
]

WINDOWS_MONTHS = (12, 24)
TERMINAL_PREFIX = "terminal_"
HELPER_PREFIX = "helper_"
#: Kinds of patient time and their unit.
PATIENT_TIME = {
    "travel_hours": "hours",
    "clinic_hours": "hours",
    "nights_away": "nights",
    "caregiver_hours": "hours",
}


@dataclass(frozen=True)
class CountRates:
    """One count (or kind of patient time) of one strategy, undiscounted.

    total                     : over the horizon [units]
    per_life_year             : total / life-years [units per year]
    per_progression_free_year : total / progression-free years [units per year] (None: the model
                                flags no progression-free state)
    within_months             : months -> amount in the cycles that start within the window [units]
    per_life_year_within      : months -> that amount / life-years of those cycles [units per year]
    """

    total: float
    per_life_year: float
    per_progression_free_year: float | None
    within_months: Mapping[int, float]
    per_life_year_within: Mapping[int, float]


@dataclass(frozen=True)
class BurdenRates:
    """Treatment burden as rates (base case).

    counts       : count -> strategy -> rates (treatment burden; terminal care left out)
    terminal     : terminal-care count -> strategy -> rates
    patient_time : kind of patient time -> strategy -> rates (hours or nights)
    factors      : kind -> count -> per-unit value used [hours or nights per unit of the count]
    units        : kind -> hours or nights
    """

    counts: Mapping[str, Mapping[str, CountRates]]
    terminal: Mapping[str, Mapping[str, CountRates]]
    patient_time: Mapping[str, Mapping[str, CountRates]]
    factors: Mapping[str, Mapping[str, float]]
    units: Mapping[str, str]


def patient_time_factors(spec: ModelSpec) -> dict[str, dict[str, float]]:
    """kind -> count -> value of the parameters ``<kind>_per_<count>`` (see the module docs).

    Raises ModelError (every such parameter whose value is not a number, located at it)."""
    counts = set(spec.count_names)
    out: dict[str, dict[str, float]] = {}
    problems = []
    for p in spec.parameters:
        for kind in PATIENT_TIME:
            prefix = f"{kind}_per_"
            if p.name.startswith(prefix) and p.name[len(prefix) :] in counts:
                if p.name[len(prefix) :].startswith(HELPER_PREFIX):
                    problems.append(
                        Problem(
                            Element("parameter", p.name),
                            f"patient-time factor on the helper count '{p.name[len(prefix) :]}' "
                            f"(counts named {HELPER_PREFIX}... are not treatment burden)",
                            "a factor on a count of visits, contacts or days",
                        )
                    )
                elif isinstance(p.value, bool) or not isinstance(p.value, (int, float)):
                    problems.append(
                        Problem(
                            Element("parameter", p.name, part="value"),
                            f"patient-time factor {p.value!r} is not a number",
                            f"a number of {PATIENT_TIME[kind]} per unit of '{p.name[len(prefix) :]}'",
                        )
                    )
                else:
                    out.setdefault(kind, {})[p.name[len(prefix) :]] = float(p.value)
    if problems:
        raise ModelError(problems)
    return out


def _rates(
    total: float, per_cycle: np.ndarray, lys: float, pf_years: float | None, ly_cycles: np.ndarray, n: Mapping[int, int]
) -> CountRates:
    within = {m: float(per_cycle[:k].sum()) for m, k in n.items()}
    ly_within = {m: float(ly_cycles[:k].sum()) for m, k in n.items()}
    return CountRates(
        total,
        total / lys if lys > 0 else float("nan"),
        (total / pf_years if pf_years > 0 else float("nan")) if pf_years is not None else None,
        frozen(within),
        frozen({m: within[m] / ly_within[m] if ly_within[m] > 0 else float("nan") for m in n}),
    )


def burden_rates(results: xr.Dataset, spec: ModelSpec) -> BurdenRates | None:
    """Rates and windows of every count of ``results`` (:func:`hecon.engine.run.run_model` output of
    ``spec``, one sample) but the helper counts, and the patient time they imply; None for a model
    without such counts."""
    names = [str(c) for c in results["count"].values if not str(c).startswith(HELPER_PREFIX)]
    if not names:
        return None
    factors = patient_time_factors(spec)
    cycle_months = spec.settings.cycle_length_years * 12.0
    n_cycles = int(results.sizes["cycle"]) - 1
    n = {m: min(n_cycles, int(round(m / cycle_months))) for m in WINDOWS_MONTHS if m / cycle_months <= n_cycles + 1e-9}
    uses_pf = "progression_free" in [str(f) for f in results["flag"].values]
    strategies = [str(s) for s in results["strategy"].values]
    per_cycle = results["per_cycle"]
    counts: dict[str, dict[str, CountRates]] = {}
    time: dict[str, dict[str, CountRates]] = {kind: {} for kind in factors}
    for s in strategies:
        one = results.sel(strategy=s).isel(sample=0)
        lys = float(one["lys_undiscounted"])
        pf = float(one["time_in_undiscounted"].sel(flag="progression_free")) if uses_pf else None
        ly_cycles = np.asarray(per_cycle.sel(strategy=s, outcome="lys").values, dtype=float)
        values = {c: np.asarray(per_cycle.sel(strategy=s, outcome=f"count:{c}").values, dtype=float) for c in names}
        totals = {c: float(one["counts_undiscounted"].sel(count=c)) for c in names}
        for c in names:
            counts.setdefault(c, {})[s] = _rates(totals[c], values[c], lys, pf, ly_cycles, n)
        for kind, per_unit in factors.items():
            total = sum(f * totals[c] for c, f in per_unit.items())
            curve = sum((f * values[c] for c, f in per_unit.items()), np.zeros_like(ly_cycles))
            time[kind][s] = _rates(total, curve, lys, pf, ly_cycles, n)
    return BurdenRates(
        frozen({c: frozen(v) for c, v in counts.items() if not c.startswith(TERMINAL_PREFIX)}),
        frozen({c: frozen(v) for c, v in counts.items() if c.startswith(TERMINAL_PREFIX)}),
        frozen({k: frozen(v) for k, v in time.items()}),
        frozen({k: frozen(v) for k, v in factors.items()}),
        frozen({k: PATIENT_TIME[k] for k in factors}),
    )
