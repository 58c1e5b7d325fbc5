"""Outputs that need the trace: model PFS and OS of the population a survival source describes,
their medians and landmarks, and the treatment-burden metrics.

Sources: formulas.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hecon.examples.rrmm.states import HOSP, ON, PF, REC, TF
from hecon.examples.rrmm.strategies import BSAB, CART, REDOSE, RWPC
from hecon.examples.rrmm.survival import POST_RELAPSE_STATES, ExternalCheck
from hecon.model.spec import ModelSpec

STATE_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    # per strategy: the progression-free and alive states of the population a survival source describes
    # (for CAR-T: patients infused, from infusion; for the others: everyone, from model start)
    RWPC: {"pf": ("PF_RWPC",), "alive": ("PF_RWPC", "PD_RWPC")},
    CART: {
        "pf": ("CART_Infusion", "CART_Recovery", "CART_Remission"),
        "alive": ("CART_Infusion", "CART_Recovery", "CART_Remission", *POST_RELAPSE_STATES),
    },
    BSAB: {
        "pf": ("BsAb_StepUp_In", "BsAb_StepUp_Out", "BsAb_Weekly", "BsAb_Q2W", "BsAb_Stopped"),
        "alive": ("BsAb_StepUp_In", "BsAb_StepUp_Out", "BsAb_Weekly", "BsAb_Q2W", "BsAb_Stopped", "PD_BsAb"),
    },
    REDOSE: {
        "pf": (
            "CART_Infusion",
            "CART_Recovery",
            "CART_Remission",
            "Redose_Admission",
            "Redose_Recovery",
            "Redose_Remission",
            "Redose_Stopped",
        ),
        "alive": (
            "CART_Infusion",
            "CART_Recovery",
            "CART_Remission",
            "Redose_Admission",
            "Redose_Recovery",
            "Redose_Remission",
            "Redose_Stopped",
            *POST_RELAPSE_STATES,
        ),
    },
}


#: The on-treatment states of a strategy whose time on treatment is checked (from model start).
ON_TREATMENT: dict[str, tuple[str, ...]] = {BSAB: ("BsAb_StepUp_In", "BsAb_StepUp_Out", "BsAb_Weekly", "BsAb_Q2W")}


def _crossing(times: np.ndarray, curve: np.ndarray, level: float = 0.5) -> float:
    """First time where ``curve`` falls to ``level`` (linear interpolation); nan if it never does."""
    below = np.nonzero(curve <= level)[0]
    if below.size == 0:
        return float("nan")
    k = int(below[0])
    if k == 0:
        return float(times[0])
    t0, t1, c0, c1 = times[k - 1], times[k], curve[k - 1], curve[k]
    return float(t0 + (c0 - level) * (t1 - t0) / (c0 - c1))


def survival_curves(spec: ModelSpec, results: Any, strategy: str) -> dict[str, np.ndarray]:
    """Model PFS and OS of the population a source describes, from the trace.

    Returns ``months`` (time since the source's time zero), ``pfs`` and ``os`` (shares of that
    population). For the CAR-T strategies the population is the infused patients and time zero
    the infusion (cycle t_inf); otherwise everyone from model start.
    """
    trace = results["trace"].sel(strategy=strategy)
    groups = STATE_GROUPS[strategy]
    pf = trace.sel(state=list(groups["pf"])).sum("state").values
    alive = trace.sel(state=list(groups["alive"])).sum("state").values
    start = 0
    if strategy in (CART, REDOSE):
        start = int(np.argmax(pf > 0))  # first trace point with infused patients (t_inf)
    pf, alive = pf[start:], alive[start:]
    months = np.arange(pf.size) * spec.settings.cycle_length_days / 30.4375
    return {"months": months, "pfs": pf / pf[0], "os": alive / alive[0]}


def survival_medians(spec: ModelSpec, results: Any, strategy: str) -> dict[str, float]:
    """Model median PFS and OS [months] of the population a source describes (see :func:`survival_curves`)."""
    c = survival_curves(spec, results, strategy)
    return {"pfs_median": _crossing(c["months"], c["pfs"]), "os_median": _crossing(c["months"], c["os"])}


def landmark(spec: ModelSpec, results: Any, strategy: str, what: str, month: float) -> float:
    """Model PFS or OS (``what``) at ``month`` months, by linear interpolation of the trace."""
    c = survival_curves(spec, results, strategy)
    return float(np.interp(month, c["months"], c[what]))


def tfi_metrics(results: Any, strategy: str, discounted: bool = False) -> dict[str, float]:
    """Treatment-burden metrics of one strategy (sample 0), undiscounted by default.

    life_years, progression_free_years, years_on_treatment, treatment_free_years, recovering_years,
    hospitalised_years [years]; share_treatment_free = treatment-free years / life-years;
    hospital_days [days]; administrations, hospital_contacts, cart_infusions [count];
    share_reaching_treatment_free and mean_years_to_first_treatment_free (nan when nobody reaches
    a treatment-free day) from the first-entry counts.
    """
    sfx = "" if discounted else "_undiscounted"
    ds = results.sel(strategy=strategy).isel(sample=0)
    time_in = {str(f): float(v) for f, v in zip(ds["flag"].values, ds[f"time_in{sfx}"].values)}
    counts = {str(c): float(v) for c, v in zip(ds["count"].values, ds[f"counts{sfx}"].values)}
    lys = float(ds[f"lys{sfx}"])
    # the mean entry time is a ratio of undiscounted counts whatever `discounted` says
    undiscounted = {str(c): float(v) for c, v in zip(ds["count"].values, ds["counts_undiscounted"].values)}
    entries = undiscounted.get("helper_tf_first_entries", 0.0)
    return {
        "life_years": lys,
        "progression_free_years": time_in.get(PF, 0.0),
        "years_on_treatment": time_in.get(ON, 0.0),
        "treatment_free_years": time_in.get(TF, 0.0),
        "recovering_years": time_in.get(REC, 0.0),
        "hospitalised_years": time_in.get(HOSP, 0.0),
        "share_treatment_free": time_in.get(TF, 0.0) / lys if lys > 0 else float("nan"),
        "hospital_days": counts.get("hospital_days", 0.0),
        "administrations": counts.get("administrations", 0.0),
        "hospital_contacts": counts.get("hospital_contacts", 0.0),
        "cart_infusions": counts.get("cart_infusions", 0.0),
        "share_reaching_treatment_free": entries,
        "mean_years_to_first_treatment_free": (
            undiscounted.get("helper_tf_first_entry_years", 0.0) / entries if entries > 1e-12 else float("nan")
        ),
    }


def external_check_value(spec: ModelSpec, results: Any, check: ExternalCheck) -> float:
    """The model's value of an external check: median [months] or survival at ``check.month``, or
    the months alive after relapse per infused patient (``pd_months``: in ``PD_CART`` and, after a
    bispecific salvage, ``Seq_BsAb_after_CART`` and ``PD_Last_BCMA``; trace points x cycle length), the
    median time on treatment (``tot_median``: the bispecific's on-treatment states, from model start), or
    ln 2 / an exponential rate parameter (``rate_median``)."""
    if check.endpoint == "rate_median":
        (rate,) = [p.value for p in spec.parameters if p.name == check.parameter]
        return math.log(2.0) / float(rate)
    if check.endpoint == "tot_median":
        trace = results["trace"].sel(strategy=check.strategy)
        on = trace.sel(state=list(ON_TREATMENT[check.strategy])).sum("state").values
        times = np.arange(on.size) * spec.settings.cycle_length_days / 30.4375
        return _crossing(times, on / on[0])
    if check.endpoint == "pd_months":
        trace = results["trace"].sel(strategy=check.strategy)
        pf = trace.sel(state=list(STATE_GROUPS[check.strategy]["pf"])).sum("state").values
        infused = float(pf[int(np.argmax(pf > 0))])
        after = [s for s in POST_RELAPSE_STATES if s in trace["state"].values]
        months = float(trace.sel(state=after).sum().values) * spec.settings.cycle_length_days / 30.4375
        return months / infused
    if check.month is None:
        return survival_medians(spec, results, check.strategy)[f"{check.endpoint}_median"]
    return landmark(spec, results, check.strategy, check.endpoint, check.month)
