"""Quantities derived from the inputs (tag D): the time structure in whole cycles (infusion,
admission, recovery, re-dosing anniversaries, the switch to every 2 weeks), the per-cycle event
probabilities of the progression-free and progressed states, and the per-cycle state costs and
counts.

Sources: formulas only (the cohort is synchronised, so phases are conditions on ``model_time``);
each row's source says how it follows from the inputs of the topic modules.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P
from hecon.model.spec import Parameter


def parameters() -> list[Parameter]:
    """Time structure, event probabilities, state costs and counts, in that order."""
    return _time_structure() + _event_probabilities() + _state_costs_and_counts()


def _time_structure() -> list[Parameter]:
    """Derived time structure (cycles; the cohort is synchronised)."""
    return [
        P(
            "t_inf",
            "max(1, floor(cart_v2v_days / cycle_days + 0.5))",
            "cycles",
            "Cycle of the CAR-T infusion (apheresis at model time 0)",
            "D: vein-to-vein time in whole cycles",
        ),
        P(
            "cart_adm_cycles",
            "max(1, floor(cart_los_days / cycle_days + 0.5))",
            "cycles",
            "Cycles of the index admission",
            "D: length of stay in whole cycles (hospital days use the exact LOS)",
        ),
        P(
            "cart_rec_cycles",
            "max(1, floor(cart_recovery_weeks * 7 / cycle_days + 0.5))",
            "cycles",
            "Cycles of recovery after discharge",
            "D: formula in the value",
        ),
        P(
            "t_since_inf",
            "max(model_time - t_inf, 0)",
            "cycles",
            "Cycles since the first CAR-T infusion (PFS clock)",
            "D: formula in the value",
        ),
        P(
            "course_cycles",
            "floor(redose_interval_weeks * 7 / cycle_days + 0.5)",
            "cycles",
            "Cycles between CAR-T courses",
            "D: formula in the value",
        ),
        P(
            "redose_phase",
            "(model_time - t_inf) % course_cycles",
            "cycles",
            "Cycles since the latest course started (annual re-dosing)",
            "D: courses start at t_inf + k x course_cycles",
        ),
        P(
            "redose_first_due",
            "if_else(model_time == t_inf + course_cycles - 1, 1, 0)",
            "0/1",
            "1 in the cycle before the first anniversary of the infusion",
            "D: formula in the value",
        ),
        P(
            "redose_due",
            "if_else((model_time >= t_inf + course_cycles - 1) and "
            "((model_time - t_inf + 1) % course_cycles == 0), 1, 0)",
            "0/1",
            "1 in the cycle before each anniversary of the infusion",
            "D: formula in the value",
        ),
        P(
            "r_adm_cycles",
            "max(1, floor(redose_los_days / cycle_days + 0.5))",
            "cycles",
            "Cycles of admission per further course",
            "D: formula in the value",
        ),
        P(
            "r_rec_cycles",
            "max(1, floor(redose_recovery_months * days_per_month / cycle_days + 0.5))",
            "cycles",
            "Cycles of recovery per further course",
            "D: formula in the value",
        ),
        P(
            "bsab_switch_cycle",
            "floor(bsab_switch_weeks * 7 / cycle_days + 0.5)",
            "cycles",
            "Cycle of the switch to every 2 weeks",
            "D: formula in the value",
        ),
        P(
            "p_q2w_switch",
            "min(1, bsab_q2w_share / surv(pfs_bsab, bsab_switch_cycle * cycle_years))",
            "share",
            "Share of those still on weekly dosing at the switch who move to every 2 weeks",
            "D: share of starters / PFS at the switch (A: switching independent of later progression)",
        ),
        P(
            "p_ni_cycle",
            "rescale_prob(p_not_infused, t_inf, 1)",
            "per cycle",
            "Per-cycle dropout before infusion",
            "D: p_not_infused spread evenly (constant hazard) over the vein-to-vein cycles",
        ),
    ]


def _pf_events(tag: str, event: str, death: str, desc: str, death_source: str) -> list[Parameter]:
    """PFS event, death before progression and progression per cycle of one progression-free
    pathway (``e_pfs_TAG``, ``d_TAG``, ``g_TAG``); ``death`` is the per-cycle death probability."""
    return [
        P(
            f"e_pfs_{tag}",
            event,
            "per cycle",
            f"PFS event probability per cycle, {desc}",
            "D: 1 - S(t + cycle) / S(t) of the PFS curve",
        ),
        P(f"d_{tag}", death, "per cycle", f"Death before progression per cycle, {desc}", death_source),
        P(
            f"g_{tag}",
            f"max(e_pfs_{tag} - d_{tag}, 0)",
            "per cycle",
            f"Progression per cycle, {desc}",
            "D: PFS events that are not deaths",
        ),
    ]


_SHARE = "D: share of PFS events, general-population floor"
_GP = "D: general-population mortality (the course's non-relapse mortality is added where a course runs)"


def _event_probabilities() -> list[Parameter]:
    """Per-cycle event probabilities (D)."""
    return [
        *_pf_events(
            "rwpc",
            "surv_prob(pfs_rwpc, model_time)",
            "max(gp_mort(), f_pfs_death_rwpc * e_pfs_rwpc)",
            "physician's choice (from start)",
            _SHARE,
        ),
        *_pf_events(
            "cart",
            "surv_prob(pfs_cart, t_since_inf)",
            "max(gp_mort(), min(e_pfs_cart, if_else(t_since_inf * cycle_months < 12, "
            "rate_to_prob(nrm_cart_y1_rate, cycle_months), "
            "if_else(t_since_inf * cycle_months < nrm_cart_late_until, "
            "rate_to_prob(nrm_cart_late_rate, cycle_months), 0))))",
            "after the first CAR-T infusion",
            "D: CARTITUDE-1's death rates before progression (from its adverse-event deaths by day after infusion): "
            "nrm_cart_y1_rate over the first 12 months, nrm_cart_late_rate up to the end of its evidence "
            "(nrm_cart_late_until; at most the PFS events, A: deaths are PFS events), general-population mortality "
            "after that and as a floor",
        ),
        *_pf_events(
            "redose",
            "apply_hr(surv_prob(pfs_cart, if_else(redose_restarts_clock, redose_phase, t_since_inf)), hr_redose)",
            "gp_mort()",
            "after a further CAR-T course",
            _GP,
        ),
        *_pf_events(
            "stopped",
            "e_pfs_cart",
            "gp_mort()",
            "after stopping re-dosing (first-course clock and hazard: the re-dosing efficacy ends with the courses, A)",
            _GP,
        ),
        *_pf_events(
            "bsab",
            "surv_prob(pfs_bsab, model_time)",
            "max(gp_mort(), f_pfs_death_bsab * e_pfs_bsab)",
            "on a bispecific (from start)",
            _SHARE,
        ),
        P(
            "p_nrm_redose_cycle",
            "rescale_prob(nrm_redose_course, r_adm_cycles + r_rec_cycles, 1)",
            "per cycle",
            "Non-relapse mortality per cycle of admission and recovery of a further course",
            "D: through the rate",
        ),
        P(
            "d_course",
            "d_redose + p_nrm_redose_cycle",
            "per cycle",
            "Death per cycle during a further course",
            "D: formula in the value",
        ),
        P(
            "p_death_pd_rwpc",
            "max(gp_mort(), rate_to_prob(pps_rate_rwpc, cycle_months))",
            "per cycle",
            "Death per cycle after progression on physician's choice",
            "D: constant hazard, general-population floor",
        ),
        P(
            "p_death_pd_cart",
            "p_death_pd_rwpc",
            "per cycle",
            "Death per cycle after relapse following CAR-T without a bispecific (non-BCMA salvage)",
            "A: as after progression on physician's choice (MAMMOTH's median OS from refractoriness to a CD38 "
            "antibody, non-BCMA regimens in triple-class exposed patients); the survival after CAR-T relapse observed by Van Oekelen 2023 (median 17.9 months) "
            "checks the mixture with the bispecific salvage, it is not an input",
        ),
        P(
            "p_death_pd_bsab",
            "max(gp_mort(), rate_to_prob(pps_rate_bsab, cycle_months))",
            "per cycle",
            "Death per cycle after progression on a bispecific",
            "D: formula in the value",
        ),
    ]


def _state_costs_and_counts() -> list[Parameter]:
    """Per-cycle state costs and counts (D)."""
    return [
        P(
            "c_rwpc_drug_cycle",
            "c_mm_drug_month * cycle_months",
            "EUR per cycle",
            "Anti-myeloma drugs per cycle on treatment",
            "D: formula in the value",
        ),
        P(
            "rwpc_admin_cycle",
            "rwpc_admin_per_week * cycle_weeks",
            "per cycle",
            "Administration visits per cycle on an RWPC regimen",
            "D: formula in the value",
        ),
        P(
            "monitoring_cycle",
            "monitoring_visits_per_week * cycle_weeks",
            "per cycle",
            "Monitoring visits per cycle",
            "D: formula in the value",
        ),
        P(
            "unscheduled_bsab_cycle",
            "if_else(model_time * cycle_days < 125, unscheduled_per_week * cycle_weeks, 0)",
            "per cycle",
            "Unscheduled contacts per cycle on a bispecific (first 125 days)",
            "D: formula in the value",
        ),
        P(
            "unscheduled_rec_cycle",
            "unscheduled_per_week * cycle_weeks",
            "per cycle",
            "Unscheduled contacts per cycle of CAR-T recovery",
            "D: formula in the value (A: recovery lies within the first 125 days)",
        ),
        P(
            "inf_cart_cycle",
            "cart_serious_infections / cart_rec_cycles",
            "per cycle",
            "Serious infections per cycle of recovery after a CAR-T course",
            "D: day-100 incidence over the recovery",
        ),
        P(
            "ivig_late_on",
            "if_else((t_since_inf * cycle_days >= ivig_late_start_weeks * 7) and "
            "(t_since_inf * cycle_days < ivig_late_end_weeks * 7), 1, 0)",
            "0/1",
            "1 in the late IgG replacement window after the first infusion",
            "D: formula in the value",
        ),
        P(
            "informal_cart_first",
            "if_else(t_since_inf * cycle_days < informal_care_weeks_cart * 7, "
            "informal_care_hours_cart * cycle_weeks * c_informal_hour, 0)",
            "EUR per cycle",
            "Informal care per cycle after the first infusion",
            "D: formula in the value",
        ),
        P(
            "informal_cart_course",
            "if_else(redose_phase * cycle_days < informal_care_weeks_cart * 7, "
            "informal_care_hours_cart * cycle_weeks * c_informal_hour, 0)",
            "EUR per cycle",
            "Informal care per cycle after a further infusion",
            "D: formula in the value",
        ),
        P(
            "c_cart_course_drug",
            "cart_price + c_lymphodepletion_drugs",
            "EUR per course",
            "First CAR-T course: product and lymphodepletion drugs",
            "D: formula in the value",
        ),
        P(
            "c_redose_course_drug",
            "redose_price_share * redose_price + c_lymphodepletion_drugs",
            "EUR per course",
            "Further CAR-T course: product and lymphodepletion drugs",
            "D: formula in the value",
        ),
        P(
            "c_cart_course_hospital",
            "p_icu_cart * icu_days_cart * (c_icu_day - c_hosp_day)",
            "EUR per course",
            "ICU premium over a nursing day during the admission",
            "D: ICU days are within the length of stay",
        ),
        P(
            "c_cart_course_ae",
            "p_tocilizumab_cart * c_tocilizumab_dose",
            "EUR per course",
            "Tocilizumab for CRS",
            "D: formula in the value",
        ),
        P(
            "c_stepup_ae",
            "p_crs_bsab * p_tocilizumab_given_crs_bsab * c_tocilizumab_dose + p_crs_g3_bsab * 5 * c_icu_day",
            "EUR",
            "CRS management during step-up dosing (tocilizumab; grade >= 3: 5 ICU days, A)",
            "D: formula in the value",
        ),
    ]
