"""The machine-readable summary of a run (``summary.json``), and the numbers every other
report file is built from, so that summary.json, results.xlsx and report.html agree.

Layout (abbreviated)::

    {
      "hecon_version": "0.1.0", "created": "2024-11-26T08:00:00+00:00", "seed": 20241126,
      "input": {"path": "model.xlsx", "sha256": "9f86d0..."},
      "title": "...", "currency": "EUR", "effect_unit": "QALY", "comparator": "SoC",
      "conventions": {...},                    # units and the discounting rule, in words
      "settings": {"cycle_length_days": 7.0, ...},
      "scenarios": {
        "base case": {
          "description": "", "overrides": {},
          "strategies": {
            "SoC": {
              "costs": 66976.7, "qalys": 17.44, "lys": 19.51,
              "costs_undiscounted": ..., "qalys_undiscounted": ..., "lys_undiscounted": ...,
              "cost_breakdown": {"discounted": {"care": ...}, "undiscounted": {"care": ...}},
              "tfi": {"years_on_treatment": ..., "years_on_treatment_undiscounted": ...,
                      "time_in": {"on_treatment": ...}, "time_in_undiscounted": {...},
                      "counts": {"administrations": ...}, "counts_undiscounted": {...}}
            }, ...
          },
          "incremental": [{"strategy": "SoC", "status": "reference", "comparator": null,
                           "cost": ..., "effect": ..., "incremental_cost": null,
                           "incremental_effect": null, "icer": null, "incremental_lys": null}, ...],
          "versus_comparator": [{"strategy": "A", "comparator": "SoC", "status": "ICER",
                                 "incremental_cost": ..., "incremental_effect": ...,
                                 "incremental_lys": ..., "icer": 51234.5,
                                 "description": "EUR 51,235 per QALY gained"}, ...]
        },
        "<scenario name>": {...}
      }
    }

A bare name is discounted and ``_undiscounted`` is its twin, everywhere (totals, cost
breakdown, treatment-burden metrics). Numbers that are not finite are written as null.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from hecon.analysis.incremental import describe_icer, incremental_analysis, versus_comparator
from hecon.analysis.run import RunResult, ScenarioResult
from hecon.model.spec import DAYS_PER_YEAR, Settings

#: Treatment-burden metrics with a fixed name: metric -> (source, name in the model).
#: ``("flag", f)`` is the time [years] in states flagged ``f``; ``("count", c)`` the count ``c``.
TFI_METRICS: dict[str, tuple[str, str]] = {
    "years_on_treatment": ("flag", "on_treatment"),
    "treatment_free_years": ("flag", "treatment_free"),
    "progression_free_years": ("flag", "progression_free"),
    "recovering_years": ("flag", "recovering"),
    "hospital_days": ("count", "hospital_days"),  # else time in "hospitalised" x 365.25
    "administrations": ("count", "administrations"),
    "hospital_contacts": ("count", "hospital_contacts"),
}
HOSPITALISED_FLAG = "hospitalised"
#: Counts that a model defines to get the mean time to the first treatment-free day: on each
#: first entry into a treatment-free state, a count of 1 and a count of the entry time [years].
FIRST_TF_ENTRIES, FIRST_TF_YEARS = "tf_first_entries", "tf_first_entry_years"

CONVENTIONS = {
    "discounting": "a bare name is discounted; the '_undiscounted' twin is not",
    "costs": "currency (see 'currency'), totals over the horizon",
    "qalys": "quality-adjusted life-years",
    "lys": "life-years",
    "tfi": "time in flagged states [years], hospital_days [days], counts [units]; "
    "discounted at the effects rate unless '_undiscounted'",
    "icer": "currency per QALY gained; null when not meaningful (see status)",
}


def json_safe(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers, tuples as lists and every
    non-finite float (nan, inf) as None, so that strict JSON can be written."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (frozenset, set)):
        return sorted(json_safe(v) for v in value)
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _values(da) -> dict[str, float]:
    """A 1-d DataArray (strategy removed) as name -> float."""
    dim = da.dims[0]
    return {str(k): float(v) for k, v in zip(da[dim].values, da.values)}


def _tfi(ds, strategy: str, counts: list[str], flags: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for suffix in ("", "_undiscounted"):
        time_in = _values(ds[f"time_in{suffix}"].sel(strategy=strategy).isel(sample=0)) if flags else {}
        tally = _values(ds[f"counts{suffix}"].sel(strategy=strategy).isel(sample=0)) if counts else {}
        for metric, (kind, name) in TFI_METRICS.items():
            if kind == "flag" and name in time_in:
                out[metric + suffix] = time_in[name]
            elif kind == "count" and name in tally:
                out[metric + suffix] = tally[name]
            elif metric == "hospital_days" and HOSPITALISED_FLAG in time_in:
                out[metric + suffix] = time_in[HOSPITALISED_FLAG] * DAYS_PER_YEAR
        out["time_in" + suffix] = time_in
        out["counts" + suffix] = tally
        lys = float(ds[f"lys{suffix}"].sel(strategy=strategy).isel(sample=0))
        if "treatment_free" in time_in and lys > 0:
            out["share_of_life_years_treatment_free" + suffix] = time_in["treatment_free"] / lys
    tally = out["counts_undiscounted"]
    if FIRST_TF_ENTRIES in tally and FIRST_TF_YEARS in tally:
        reached = tally[FIRST_TF_ENTRIES]
        out["share_reaching_treatment_free"] = reached
        out["mean_years_to_first_treatment_free"] = tally[FIRST_TF_YEARS] / reached if reached > 0 else None
    # named metrics first (discounted, undiscounted), then the generic tables
    derived = [
        "share_of_life_years_treatment_free",
        "share_of_life_years_treatment_free_undiscounted",
        "share_reaching_treatment_free",
        "mean_years_to_first_treatment_free",
    ]
    named = [k for m in TFI_METRICS for k in (m, m + "_undiscounted") if k in out] + [k for k in derived if k in out]
    return {k: out[k] for k in named + ["time_in", "time_in_undiscounted", "counts", "counts_undiscounted"]}


def strategy_summary(sr: ScenarioResult, strategy: str) -> dict[str, Any]:
    """Totals, cost breakdown and treatment-burden metrics of one strategy in one scenario."""
    ds = sr.results.sel(strategy=strategy).isel(sample=0)
    out: dict[str, Any] = {}
    for suffix in ("", "_undiscounted"):
        out["costs" + suffix] = float(ds["total_costs" + suffix])
        out["qalys" + suffix] = float(ds["qalys" + suffix])
        out["lys" + suffix] = float(ds["lys" + suffix])
    has_costs = sr.results.sizes.get("category", 0) > 0
    out["cost_breakdown"] = {
        "discounted": _values(ds["costs"]) if has_costs else {},
        "undiscounted": _values(ds["costs_undiscounted"]) if has_costs else {},
    }
    out["tfi"] = _tfi(sr.results, strategy, list(sr.results["count"].values), list(sr.results["flag"].values))
    return out


def scenario_summary(sr: ScenarioResult, comparator: str, currency: str) -> dict[str, Any]:
    """Per-strategy results and incremental analyses of one scenario."""
    names = sr.strategies
    strategies = {name: strategy_summary(sr, name) for name in names}
    costs = [strategies[n]["costs"] for n in names]
    qalys = [strategies[n]["qalys"] for n in names]
    incremental = [dataclasses.asdict(row) for row in incremental_analysis(names, costs, qalys)]
    for row in incremental:  # life-years gained versus the previous strategy on the frontier
        row["incremental_lys"] = (
            strategies[row["strategy"]]["lys"] - strategies[row["comparator"]]["lys"]
            if row["comparator"] is not None
            else None
        )
    versus = []
    for row in versus_comparator(names, costs, qalys, comparator) if len(names) > 1 else []:
        row["incremental_lys"] = strategies[row["strategy"]]["lys"] - strategies[comparator]["lys"]
        row["description"] = describe_icer(row["incremental_cost"], row["incremental_effect"], currency)
        versus.append(row)
    overrides = dict(sr.scenario.overrides) if sr.scenario else {}
    return {
        "description": sr.description,
        "overrides": overrides,
        "strategies": strategies,
        "incremental": incremental,
        "versus_comparator": versus,
    }


def settings_summary(settings: Settings) -> dict[str, Any]:
    out = dataclasses.asdict(settings)
    out["cycle_length_years"] = settings.cycle_length_years
    out["n_cycles"] = settings.n_cycles
    return out


def build_summary(result: RunResult) -> dict[str, Any]:
    """The content of summary.json as plain, JSON-safe Python objects."""
    spec = result.spec
    currency = spec.settings.currency
    out = {
        "hecon_version": result.hecon_version,
        "created": result.finished.isoformat(timespec="seconds"),
        "seed": result.seed,
        "input": {
            "path": str(result.input_path) if result.input_path is not None else None,
            "sha256": result.input_sha256,
        },
        "title": spec.title,
        "currency": currency,
        "effect_unit": "QALY",
        "comparator": result.comparator,
        "conventions": CONVENTIONS,
        "settings": settings_summary(spec.settings),
        "scenarios": {sr.name: scenario_summary(sr, result.comparator, currency) for sr in result.scenarios},
    }
    return json_safe(out)


def write_summary_json(summary: dict[str, Any], path: Path) -> None:
    """Write strict JSON (no NaN/Infinity), UTF-8, indented."""
    text = json.dumps(json_safe(summary), indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
