"""Transitions between the states and the one-off transition rewards (apheresis, CAR-T courses,
CRS during step-up dosing, first entry into a treatment-free state, terminal care).

Sources: model structure (tag A). The cohort is synchronised, so phase changes (end of bridging,
discharge, end of recovery, anniversaries) are conditions on ``model_time``; the probabilities
are the per-cycle rows of :mod:`hecon.examples.rrmm.derived`.
"""

from __future__ import annotations

from hecon.examples.rrmm.strategies import CART
from hecon.model.spec import STATE_TRANSITION, Transition, TransitionReward

#: The helper count of deaths before progression after the CAR-T infusion (first course; per cycle in the run).
DEATHS_BEFORE_PROGRESSION = "helper_deaths_before_progression"


def _pf_rows(state: str, tag: str, pd: str, death: str | None = None) -> list[Transition]:
    death = death or f"d_{tag}"
    return [Transition(state, "Dead", death), Transition(state, pd, f"g_{tag}")]


def _next(tag: str, death: str | None = None) -> str:
    return f"(1 - {death or 'd_' + tag} - g_{tag})"


def transitions() -> tuple[Transition, ...]:
    """The Transitions sheet (``#``: the complement of the state's other rows)."""
    T = Transition
    rows: list[Transition] = []
    # physician's choice
    rows += _pf_rows("PF_RWPC", "rwpc", "PD_RWPC") + [T("PF_RWPC", "PF_RWPC", "#")]
    # CAR-T pathway (timing is set by model_time: the cohort is synchronised)
    rows += [
        T("Bridging", "Dead", "gp_mort()"),
        T("Bridging", "PD_RWPC", "p_ni_cycle"),
        T("Bridging", "CART_Infusion", "if_else(model_time >= t_inf - 1, 1 - gp_mort() - p_ni_cycle, 0)"),
        T("Bridging", "Bridging", "#"),
    ]
    rows += _pf_rows("CART_Infusion", "cart", "PD_CART") + [
        T("CART_Infusion", "CART_Recovery", f"if_else(model_time >= t_inf + cart_adm_cycles - 1, {_next('cart')}, 0)"),
        T("CART_Infusion", "CART_Infusion", "#"),
    ]
    rows += _pf_rows("CART_Recovery", "cart", "PD_CART") + [
        T(
            "CART_Recovery",
            "CART_Remission",
            f"if_else(model_time >= t_inf + cart_adm_cycles + cart_rec_cycles - 1, {_next('cart')}, 0)",
        ),
        T("CART_Recovery", "CART_Recovery", "#"),
    ]
    rows += _pf_rows("CART_Remission", "cart", "PD_CART") + [
        T("CART_Remission", "Redose_Admission", f"redose * redose_first_due * p_redose_eligible * {_next('cart')}"),
        T("CART_Remission", "CART_Remission", "#"),
    ]
    # annual re-dosing loop (phase = cycles since the latest course started)
    rows += _pf_rows("Redose_Admission", "redose", "PD_CART", "d_course") + [
        T(
            "Redose_Admission",
            "Redose_Recovery",
            f"if_else(redose_phase >= r_adm_cycles - 1, {_next('redose', 'd_course')}, 0)",
        ),
        T("Redose_Admission", "Redose_Admission", "#"),
    ]
    rows += _pf_rows("Redose_Recovery", "redose", "PD_CART", "d_course") + [
        T(
            "Redose_Recovery",
            "Redose_Remission",
            f"if_else(redose_phase >= r_adm_cycles + r_rec_cycles - 1, {_next('redose', 'd_course')}, 0)",
        ),
        T("Redose_Recovery", "Redose_Recovery", "#"),
    ]
    rows += _pf_rows("Redose_Remission", "redose", "PD_CART") + [
        T("Redose_Remission", "Redose_Admission", f"redose_due * p_redose_eligible * {_next('redose')}"),
        T("Redose_Remission", "Redose_Stopped", f"redose_due * (1 - p_redose_eligible) * {_next('redose')}"),
        T("Redose_Remission", "Redose_Remission", "#"),
    ]
    rows += _pf_rows("Redose_Stopped", "stopped", "PD_CART") + [T("Redose_Stopped", "Redose_Stopped", "#")]
    # bispecifics
    for s in ("BsAb_StepUp_In", "BsAb_StepUp_Out"):
        rows += _pf_rows(s, "bsab", "PD_BsAb") + [T(s, "BsAb_Weekly", "#")]
    rows += _pf_rows("BsAb_Weekly", "bsab", "PD_BsAb") + [
        T(
            "BsAb_Weekly",
            "BsAb_Stopped",
            f"(p_disc_bsab + if_else(model_time == bsab_switch_cycle - 1, p_q2w_switch * (1 - p_disc_bsab) * "
            f"bsab_stop_in_cr, 0)) * {_next('bsab')}",
        ),
        T(
            "BsAb_Weekly",
            "BsAb_Q2W",
            f"if_else(model_time == bsab_switch_cycle - 1, p_q2w_switch * (1 - p_disc_bsab) * (1 - bsab_stop_in_cr) "
            f"* {_next('bsab')}, 0)",
        ),
        T("BsAb_Weekly", "BsAb_Weekly", "#"),
    ]
    rows += _pf_rows("BsAb_Q2W", "bsab", "PD_BsAb") + [
        T("BsAb_Q2W", "BsAb_Stopped", f"p_disc_bsab * {_next('bsab')}"),
        T("BsAb_Q2W", "BsAb_Q2W", "#"),
    ]
    rows += _pf_rows("BsAb_Stopped", "bsab", "PD_BsAb") + [T("BsAb_Stopped", "BsAb_Stopped", "#")]
    # progressed
    for s, p in (("PD_RWPC", "p_death_pd_rwpc"), ("PD_CART", "p_death_pd_cart"), ("PD_BsAb", "p_death_pd_bsab")):
        rows += [T(s, "Dead", p), T(s, s, "#")]
    return tuple(rows)


def rewards() -> tuple[TransitionReward, ...]:
    """One-off transition rewards (costs, QALYs and counts charged on a transition)."""
    R = TransitionReward
    rows: list[TransitionReward] = []
    # apheresis: charged once to everyone leaving Bridging (to infusion, dropout or death)
    for to in ("CART_Infusion", "PD_RWPC", "Dead"):
        rows += [
            R(to, "c_apheresis", "cost", "administration", "Bridging"),
            R(to, "1", "count", "hospital_contacts", "Bridging"),
            R(to, "c_travel_visit", "cost", "travel", "Bridging"),
        ]

    def course(to: str, frm: str, drug: str, extra_admin: str = "") -> list[TransitionReward]:
        admin = "c_cart_procedure" + extra_admin
        contacts = "lymphodepletion_days + 1" + (" + 1" if extra_admin else "")
        return [
            R(to, drug, "cost", "drug", frm),
            R(to, admin, "cost", "administration", frm),
            R(to, "c_cart_course_hospital", "cost", "hospital", frm),
            R(to, "c_cart_course_ae", "cost", "adverse_events", frm),
            R(to, "-du_cart_course", "qaly", "qaly", frm),
            R(to, "lymphodepletion_days + 1", "count", "administrations", frm),
            R(to, contacts, "count", "hospital_contacts", frm),
            R(to, f"({contacts}) * c_travel_visit", "cost", "travel", frm),
            R(to, "1", "count", "cart_infusions", frm),
        ]

    rows += course("CART_Infusion", "Bridging", "c_cart_course_drug")
    # further courses: new apheresis each course (A)
    for frm in ("CART_Remission", "Redose_Remission"):
        rows += course("Redose_Admission", frm, "c_redose_course_drug", " + c_apheresis")
    # CRS during step-up dosing: a one-off QALY loss on leaving the one-cycle step-up week
    for frm in ("BsAb_StepUp_In", "BsAb_StepUp_Out"):
        rows += [R(to, "-du_bsab_stepup", "qaly", "qaly", frm) for to in ("BsAb_Weekly", "PD_BsAb", "Dead")]
    # first entry into a treatment-free state: count and time of entry (for the mean time to the first TF day)
    for frm, to in (("CART_Recovery", "CART_Remission"), ("BsAb_Weekly", "BsAb_Stopped"), ("BsAb_Q2W", "BsAb_Stopped")):
        rows += [
            R(to, "1", "count", "helper_tf_first_entries", frm),
            R(to, "model_years + cycle_years", "count", "helper_tf_first_entry_years", frm),
        ]
    # deaths before progression after the CAR-T infusion (first course): a helper tally read per cycle by the external
    # check of year-1 non-relapse mortality (hecon.examples.rrmm.outputs.deaths_before_progression)
    rows += [
        R("Dead", "1", "count", DEATHS_BEFORE_PROGRESSION, frm, CART, STATE_TRANSITION)
        for frm in ("CART_Infusion", "CART_Recovery", "CART_Remission")
    ]
    # terminal care before death: counted apart from treatment burden (terminal_ counts)
    rows += [
        R("Dead", "c_terminal_care", "cost", "terminal_care"),
        R("Dead", "terminal_hosp_days", "count", "terminal_hospital_days"),
        R("Dead", "1", "count", "terminal_hospital_contacts"),
        R("Dead", "c_travel_visit", "cost", "travel"),
    ]
    return tuple(rows)
