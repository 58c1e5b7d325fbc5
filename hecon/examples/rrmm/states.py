"""The health states of the RRMM example with their utility, per-cycle costs and counts, and
treatment-burden flags; and the one-cycle step-up states whose costs and counts are charged once
at the start.

Sources: model structure (tag A; the treatment-burden flags of mm-inputs §9). Utilities, costs
and counts are expressions over the Parameters rows of the topic modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from hecon.model.spec import START, State, TransitionReward

PF = "progression_free"
ON = "on_treatment"
HOSP = "hospitalised"
REC = "recovering"
TF = "treatment_free"
#: Stricter than ``on_treatment``: therapy given in hospital, including supportive infusions and
#: care during recovery from a CAR-T course (IVIG, transfusions, weekly visits); "free of
#: hospital-based therapy" is then a stricter treatment-free definition (Regan et al. 2019).
HOSP_THERAPY = "on_hospital_therapy"
#: Q-TWiST's TOX time (:data:`hecon.analysis.qtwist.TOX_FLAGS`): admissions, recovery, grade >= 3
#: adverse-event windows and step-up dosing. The model has no separate adverse-event states, so the
#: windows of grade >= 3 events are approximated (A) by the states in which they concentrate: the
#: CAR-T admission and the 3-month recovery after each course (CRS, ICANS, cytopenias, infections)
#: and the bispecific step-up week, inpatient or outpatient (CRS). Grade >= 3 infections during
#: weekly bispecific dosing are not given a TOX window (they lower that state's utility instead).
TOX = "tox"

#: One-cycle states that the cohort occupies only at the start: their costs and counts are
#: charged once to the initial cohort ("(start)" rewards), so the half-cycle correction, which
#: rightly halves the first point of a survival curve, does not halve a one-off episode.
ONE_OFF_AT_START = ("BsAb_StepUp_In", "BsAb_StepUp_Out")


def _alive_costs(costs: Mapping[str, str], contacts: str | None) -> dict[str, str]:
    """State costs plus the costs every living state carries (productivity, unrelated medical, travel)."""
    out = dict(costs)
    if contacts:
        out["travel"] = f"({contacts}) * c_travel_visit"
    out["productivity"] = "c_productivity_cycle"
    out["unrelated_medical"] = "c_unrelated_cycle"
    return out


def _state(
    name: str, description: str, utility: str, flags: set[str], costs: Mapping[str, str], counts: Mapping[str, str]
) -> State:
    return State(
        name,
        utility,
        _alive_costs(costs, counts.get("hospital_contacts")),
        dict(counts),
        frozenset(flags),
        description=description,
    )


#: The builder of a living state (adds the costs every living state carries), for :mod:`.sequences`.
alive_state = _state


def _pd_costs(share: str) -> dict[str, str]:
    """Costs of a progressed state: ``share`` on a subsequent line (with its adverse events),
    everyone monitored."""
    return {
        "subsequent_therapy": f"{share} * c_rwpc_drug_cycle",
        "administration": f"{share} * rwpc_admin_cycle * c_day_treatment",
        "adverse_events": f"{share} * c_ae_rwpc_cycle",
        "monitoring": "monitoring_cycle * c_outpatient",
    }


def _pd_counts(share: str) -> dict[str, str]:
    """Counts of a progressed state (see :func:`_pd_costs`)."""
    return {
        "hospital_days": f"{share} * rwpc_ae_adm_cycle * ae_g34_days_rwpc",
        "hospital_contacts": f"monitoring_cycle + {share} * (rwpc_admin_cycle + rwpc_ae_adm_cycle)",
    }


def states() -> tuple[State, ...]:
    """The 18 states, in the order of the States sheet."""
    return (
        _state(
            "PF_RWPC",
            "Progression-free on a physician's-choice regimen (RWPC strategy from the start; CAR-T "
            "patients never infused, from dropout)",
            "u_pf_on",
            {PF, ON, HOSP_THERAPY},
            {
                "drug": "c_rwpc_drug_cycle",
                "administration": "rwpc_admin_cycle * c_day_treatment",
                "adverse_events": "c_ae_rwpc_cycle",
                "monitoring": "monitoring_cycle * c_outpatient",
            },
            {
                "administrations": "rwpc_admin_cycle",
                "hospital_days": "rwpc_ae_adm_cycle * ae_g34_days_rwpc",
                "hospital_contacts": "rwpc_admin_cycle + rwpc_ae_adm_cycle + monitoring_cycle",
            },
        ),
        _state(
            "Bridging",
            "Apheresis done; CAR-T manufacturing with bridging therapy (vein-to-vein time)",
            "u_pf_on",
            {PF, ON, HOSP_THERAPY},
            {
                "drug": "p_bridging * c_rwpc_drug_cycle",
                "administration": "p_bridging * rwpc_admin_cycle * c_day_treatment",
                "adverse_events": "p_bridging * c_ae_rwpc_cycle",
                "monitoring": "monitoring_cycle * c_outpatient",
            },
            {
                "administrations": "p_bridging * rwpc_admin_cycle",
                "hospital_days": "p_bridging * rwpc_ae_adm_cycle * ae_g34_days_rwpc",
                "hospital_contacts": "p_bridging * (rwpc_admin_cycle + rwpc_ae_adm_cycle) + monitoring_cycle",
            },
        ),
        _state(
            "CART_Infusion",
            "Lymphodepletion, CAR-T infusion and index admission (CRS, ICANS, ICU)",
            "u_pf_on - du_inpatient",
            {PF, TOX, ON, HOSP, HOSP_THERAPY},
            {"hospital": "c_hosp_day * cart_los_days / cart_adm_cycles", "informal_care": "informal_cart_first"},
            {"hospital_days": "cart_los_days / cart_adm_cycles"},
        ),
        _state(
            "CART_Recovery",
            "Recovery after discharge: cytopenias, infections, IVIG, weekly visits",
            "u_pf_off - du_recovery - inf_cart_cycle * du_infection / cycle_years",
            {PF, TOX, REC, HOSP_THERAPY},
            {
                "monitoring": "cart_followup_visits_per_week * cycle_weeks * c_outpatient",
                "adverse_events": "inf_cart_cycle * c_serious_infection + p_ivig_cart_recovery * c_ivig_cycle + "
                "unscheduled_rec_cycle * c_ed_visit",
                "informal_care": "informal_cart_first",
            },
            {
                "hospital_days": "inf_cart_cycle * infection_days",
                "serious_infections": "inf_cart_cycle",
                "hospital_contacts": "cart_followup_visits_per_week * cycle_weeks + unscheduled_rec_cycle + "
                "inf_cart_cycle + p_ivig_cart_recovery * ivig_visits_cycle",
            },
        ),
        _state(
            "CART_Remission",
            "Treatment-free remission after the first CAR-T course (one-time CAR-T; in the "
            "re-dosing strategy until the first anniversary, and for those not eligible then)",
            "u_pf_off",
            {PF, TF},
            {
                "monitoring": "monitoring_cycle * c_outpatient",
                "adverse_events": "ivig_late_on * p_ivig_cart_late * c_ivig_cycle",
            },
            {"hospital_contacts": "monitoring_cycle + ivig_late_on * p_ivig_cart_late * ivig_visits_cycle"},
        ),
        _state(
            "Redose_Admission",
            "Further CAR-T course: lymphodepletion, infusion and admission",
            "u_pf_on - du_inpatient",
            {PF, TOX, ON, HOSP, HOSP_THERAPY},
            {
                "hospital": "c_hosp_day * redose_los_days / r_adm_cycles",
                "informal_care": "informal_cart_course",
                "adverse_events": "p_ivig_redose * c_ivig_cycle",
            },
            {"hospital_days": "redose_los_days / r_adm_cycles"},
        ),
        _state(
            "Redose_Recovery",
            "Recovery after a further CAR-T course",
            "u_pf_off - du_recovery - inf_cart_cycle * r_rec_cycles / cart_rec_cycles * du_infection / cycle_years",
            {PF, TOX, REC, HOSP_THERAPY},
            {
                "monitoring": "cart_followup_visits_per_week * cycle_weeks * c_outpatient",
                "adverse_events": "inf_cart_cycle * cart_rec_cycles / r_rec_cycles * c_serious_infection + "
                "p_ivig_redose * c_ivig_cycle + unscheduled_rec_cycle * c_ed_visit",
                "informal_care": "informal_cart_course",
            },
            {
                "hospital_days": "inf_cart_cycle * cart_rec_cycles / r_rec_cycles * infection_days",
                "serious_infections": "inf_cart_cycle * cart_rec_cycles / r_rec_cycles",
                "hospital_contacts": "cart_followup_visits_per_week * cycle_weeks + unscheduled_rec_cycle + "
                "inf_cart_cycle * cart_rec_cycles / r_rec_cycles + p_ivig_redose * ivig_visits_cycle",
            },
        ),
        _state(
            "Redose_Remission",
            "Treatment-free remission between further courses (re-dosing continues)",
            "u_pf_off",
            {PF, TF},
            {"monitoring": "monitoring_cycle * c_outpatient", "adverse_events": "p_ivig_redose * c_ivig_cycle"},
            {"hospital_contacts": "monitoring_cycle + p_ivig_redose * ivig_visits_cycle"},
        ),
        _state(
            "Redose_Stopped",
            "Treatment-free remission after re-dosing stopped (not eligible at an anniversary)",
            "u_pf_off",
            {PF, TF},
            {"monitoring": "monitoring_cycle * c_outpatient"},
            {"hospital_contacts": "monitoring_cycle"},
        ),
        _state(
            "BsAb_StepUp_In",
            "Bispecific step-up week, inpatient (step-up doses and first full dose)",
            "u_pf_on - du_inpatient * min(1, bsab_stepup_inpatient_days / cycle_days)",
            {PF, TOX, ON, HOSP, HOSP_THERAPY},
            {
                "drug": "bsab_stepup_drug_cost",
                "administration": "bsab_stepup_admins * c_sc_admin",
                "hospital": "bsab_stepup_inpatient_days * c_hosp_day",
                "adverse_events": "c_stepup_ae",
                "informal_care": "informal_care_hours_stepup * c_informal_hour",
            },
            {
                "administrations": "bsab_stepup_admins",
                "hospital_days": "bsab_stepup_inpatient_days",
                "hospital_contacts": "1",
            },
        ),
        _state(
            "BsAb_StepUp_Out",
            "Bispecific step-up week, outpatient (admitted only for CRS)",
            "u_pf_on",
            {PF, TOX, ON, HOSP_THERAPY},
            {
                "drug": "bsab_stepup_drug_cost",
                "administration": "bsab_stepup_admins * c_sc_admin",
                "hospital": "p_crs_admission_outpatient * crs_admission_days * c_hosp_day",
                "adverse_events": "c_stepup_ae",
                "informal_care": "informal_care_hours_stepup * c_informal_hour",
            },
            {
                "administrations": "bsab_stepup_admins",
                "hospital_days": "p_crs_admission_outpatient * crs_admission_days",
                "hospital_contacts": "bsab_stepup_admins + p_crs_admission_outpatient",
            },
        ),
        _state(
            "BsAb_Weekly",
            "Bispecific every week until progression",
            "u_pf_on - inf_bsab_cycle * du_infection / cycle_years",
            {PF, ON, HOSP_THERAPY},
            {
                "drug": "doses(weekly, model_time) * bsab_dose_cost",
                "administration": "doses(weekly, model_time) * c_sc_admin",
                "monitoring": "monitoring_cycle * c_outpatient",
                "adverse_events": "p_ivig_bsab * c_ivig_cycle + inf_bsab_cycle * c_serious_infection + "
                "unscheduled_bsab_cycle * c_ed_visit",
            },
            {
                "administrations": "doses(weekly, model_time)",
                "hospital_days": "inf_bsab_cycle * infection_days",
                "serious_infections": "inf_bsab_cycle",
                "hospital_contacts": "doses(weekly, model_time) + unscheduled_bsab_cycle + inf_bsab_cycle",
            },
        ),
        _state(
            "BsAb_Q2W",
            "Bispecific every 2 weeks until progression (those who qualify)",
            "u_pf_on - inf_bsab_cycle * du_infection / cycle_years",
            {PF, ON, HOSP_THERAPY},
            {
                "drug": "doses(every_2_weeks, model_time - bsab_switch_cycle) * bsab_dose_cost",
                "administration": "doses(every_2_weeks, model_time - bsab_switch_cycle) * c_sc_admin",
                "monitoring": "monitoring_cycle * c_outpatient",
                "adverse_events": "p_ivig_bsab * c_ivig_cycle + inf_bsab_cycle * c_serious_infection",
            },
            {
                "administrations": "doses(every_2_weeks, model_time - bsab_switch_cycle)",
                "hospital_days": "inf_bsab_cycle * infection_days",
                "serious_infections": "inf_bsab_cycle",
                "hospital_contacts": "doses(every_2_weeks, model_time - bsab_switch_cycle) + inf_bsab_cycle",
            },
        ),
        _state(
            "BsAb_Stopped",
            "Bispecific stopped without progression (treatment-free; default rate 0)",
            "u_pf_off",
            {PF, TF},
            {"monitoring": "monitoring_cycle * c_outpatient"},
            {"hospital_contacts": "monitoring_cycle"},
        ),
        _state(
            "PD_RWPC",
            "Progressed after physician's choice (or after dropout before CAR-T infusion)",
            "u_pd",
            set(),
            _pd_costs("p_subseq_rwpc"),
            _pd_counts("p_subseq_rwpc"),
        ),
        _state(
            "PD_CART",
            "Progressed after CAR-T (one-time or re-dosing) without a bispecific salvage (non-BCMA regimens)",
            "u_pd",
            set(),
            _pd_costs("p_subseq_cart"),
            _pd_counts("p_subseq_cart"),
        ),
        _state(
            "PD_BsAb",
            "Progressed after a bispecific",
            "u_pd",
            set(),
            _pd_costs("p_subseq_bsab"),
            _pd_counts("p_subseq_bsab"),
        ),
        State("Dead", flags=frozenset({"dead"}), description="Dead (absorbing)"),
    )


def one_off_at_start(states: tuple[State, ...]) -> tuple[tuple[State, ...], tuple[TransitionReward, ...]]:
    """``states`` with the costs and counts of :data:`ONE_OFF_AT_START` moved to "(start)" rewards."""
    rewards: list[TransitionReward] = []
    out = []
    for st in states:
        if st.name in ONE_OFF_AT_START:
            rewards += [TransitionReward(st.name, v, "cost", c, START) for c, v in st.costs.items()]
            rewards += [TransitionReward(st.name, v, "count", c, START) for c, v in st.counts.items()]
            st = replace(st, costs={}, counts={})
        out.append(st)
    return tuple(out), tuple(rewards)
