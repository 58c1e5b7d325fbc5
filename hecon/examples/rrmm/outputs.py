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


def cohort_started_in(spec: ModelSpec, replaced: str, start: dict[str, str]) -> ModelSpec:
    """The model with the cohort that starts in ``replaced`` starting in the states of ``start`` instead (state ->
    initial share expression); the other initial states are kept."""
    from dataclasses import replace

    initial = {k: v for k, v in spec.initial.items() if k != replaced}
    initial.update(start)
    return replace(spec, initial=initial)


def relapse_cohort(spec: ModelSpec) -> ModelSpec:
    """The model with the CAR-T cohort starting at relapse after CAR-T: the share ``q_bsab_after_cart`` on a
    bispecific (``Seq_BsAb_after_CART``), the rest in non-BCMA salvage (``PD_CART``); the other strategies start as
    before. The post-relapse states are memoryless (constant hazards, exponential PFS on the bispecific), so their
    survival from model start is the model's survival from relapse, at the start age (A: the general-population
    floor, the only age-dependent part, is far below the post-relapse hazards)."""
    from hecon.examples.rrmm.sequences import BSAB_AFTER_CART

    return cohort_started_in(
        spec,
        "Bridging",
        {"PD_CART": "start_cart * (1 - q_bsab_after_cart)", BSAB_AFTER_CART: "start_cart * q_bsab_after_cart"},
    )


def _median_alive_in(spec: ModelSpec, strategy: str, states: tuple[str, ...]) -> float:
    """Median time alive in ``states`` [months] of ``strategy``'s cohort from model start, from a run of ``spec``."""
    from hecon.engine.run import run_model

    trace = run_model(spec)["trace"].sel(strategy=strategy)
    alive = trace.sel(state=[s for s in states if s in trace["state"].values]).sum("state").values
    months = np.arange(alive.size) * spec.settings.cycle_length_days / 30.4375
    return _crossing(months, alive / alive[0])


def relapse_median(spec: ModelSpec, strategy: str = CART) -> float:
    """The model's median survival from relapse after CAR-T [months] (:func:`relapse_cohort`, run)."""
    return _median_alive_in(relapse_cohort(spec), strategy, POST_RELAPSE_STATES)


def progression_median(spec: ModelSpec) -> float:
    """The model's median survival after progression on physician's choice [months]: the RWPC cohort started in
    ``PD_RWPC`` (memoryless: a constant hazard with the general-population floor), run."""
    return _median_alive_in(cohort_started_in(spec, "PF_RWPC", {"PD_RWPC": "start_rwpc"}), RWPC, ("PD_RWPC",))


def deaths_before_progression(spec: ModelSpec, results: Any, month: float) -> float:
    """The share of the infused CAR-T patients dead before progression by ``month`` months after the infusion, from
    the run: the per-cycle helper count of deaths from the first course's progression-free states
    (:data:`.transitions.DEATHS_BEFORE_PROGRESSION`), accumulated from the infusion cycle t_inf (a death in cycle k
    happens by the end of it, k + 1 - t_inf cycles after the infusion; linear interpolation between cycle ends) and
    divided by the share infused (the progression-free share at t_inf)."""
    from hecon.examples.rrmm.transitions import DEATHS_BEFORE_PROGRESSION

    trace = results["trace"].sel(strategy=CART)
    pf = trace.sel(state=list(STATE_GROUPS[CART]["pf"])).sum("state").values
    t_inf = int(np.argmax(pf > 0))
    deaths = results["per_cycle"].sel(strategy=CART, outcome=f"count:{DEATHS_BEFORE_PROGRESSION}").values[t_inf:]
    ends = (np.arange(deaths.size) + 1) * spec.settings.cycle_length_days / 30.4375
    return float(np.interp(month, np.concatenate([[0.0], ends]), np.concatenate([[0.0], np.cumsum(deaths)]))) / float(
        pf[t_inf]
    )


def _value_of(spec: ModelSpec, name: str) -> float:
    (value,) = [p.value for p in spec.parameters if p.name == name]
    return float(value)


def external_check_value(spec: ModelSpec, results: Any, check: ExternalCheck) -> float:
    """The model's value of an external check: median [months] or survival at ``check.month``; the months
    alive after relapse per infused patient (``pd_months``: in ``PD_CART`` and, after a bispecific salvage,
    ``Seq_BsAb_after_CART`` and ``PD_Last_BCMA``; trace points x cycle length); the median survival from relapse
    (``relapse_median``, :func:`relapse_median`); the median survival after progression on physician's choice
    (``progression_median``, :func:`progression_median`); the median time on treatment (``tot_median``: the bispecific's
    on-treatment states, from model start); ln 2 / an exponential rate parameter (``rate_median``); the OS
    hazard ratio as the ratio of the medians (``os_hr``: median OS of ``check.versus`` / that of the strategy);
    or the share of the infused dead before progression by ``check.month`` months after the infusion, from the run
    (``nrm_share``, :func:`deaths_before_progression`); the share
    dead before progression by ``check.month`` when the share ``check.parameter`` f of PFS events are deaths
    (``pf_death_share``: f (1 - PFS(t)), PFS(t) from the run; the general-population floor max(gp, f e) does not bind
    on the RWPC and bispecific PFS curves, A); the share on treatment at ``check.month`` (``tot_share``)."""
    if check.endpoint == "rate_median":
        return math.log(2.0) / _value_of(spec, check.parameter)
    if check.endpoint == "nrm_share":
        return deaths_before_progression(spec, results, float(check.month or 0.0))
    if check.endpoint == "relapse_median":
        return relapse_median(spec, check.strategy)
    if check.endpoint == "progression_median":
        return progression_median(spec)
    if check.endpoint == "os_hr":
        return (
            survival_medians(spec, results, check.versus)["os_median"]
            / survival_medians(spec, results, check.strategy)["os_median"]
        )
    if check.endpoint in ("tot_median", "tot_share"):
        trace = results["trace"].sel(strategy=check.strategy)
        on = trace.sel(state=list(ON_TREATMENT[check.strategy])).sum("state").values
        times = np.arange(on.size) * spec.settings.cycle_length_days / 30.4375
        if check.endpoint == "tot_share":
            return float(np.interp(float(check.month or 0.0), times, on / on[0]))
        return _crossing(times, on / on[0])
    if check.endpoint == "pf_death_share":
        pfs = landmark(spec, results, check.strategy, "pfs", float(check.month or 0.0))
        return _value_of(spec, check.parameter) * (1.0 - pfs)
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
