"""The two BCMA sequences (issue 13), reported beside the primary pair one-time CAR-T vs weekly
bispecific:

* **CAR-T then bispecific** (:data:`SEQ_CART_BSAB`): the one-time CAR-T pathway; at relapse the
  share fit for it (``p_bsab_after_cart``) starts a bispecific (step-up week, weekly dosing until
  progression, state ``Seq_BsAb_after_CART``); the rest follow the one-time CAR-T pathway after
  relapse (``PD_CART``) without a bispecific. The one-time and re-dosing CAR-T strategies use the
  same two pieces after relapse, with the share of Van Oekelen's cohort that got a T-cell-engaging
  salvage in the bispecific piece (:mod:`.subsequent`), so the sequence differs from one-time CAR-T
  only in how many start a bispecific at relapse.
* **Bispecific then CAR-T** (:data:`SEQ_BSAB_CART`): the weekly bispecific pathway; at
  progression the share apheresed for CAR-T (``p_cart_after_bsab``) waits for the product on
  bridging therapy (``Seq_CART_Bridging``; the same dropout share as first-line CAR-T, into
  ``PD_BsAb``), is infused (one-off course costs), recovers (``Seq_CART_Recovery``) and is
  treatment-free until progression (``Seq_CART_Remission``); the rest follow the bispecific
  pathway after progression (``PD_BsAb``).

After the second BCMA-directed therapy everyone is in ``PD_Last_BCMA``: the basket of non-BCMA
regimens, survival after the last BCMA line.

Efficacy after prior BCMA exposure: the second therapy's PFS is an exponential fitted
(:func:`fits`; :mod:`hecon.evidence`: landmark reconstruction from the published points, maximum
likelihood) to the published points of patients with prior BCMA-directed therapy: teclistamab
(Dima et al., Blood Cancer J 2025;15:111, US Multiple Myeloma Immunotherapy Consortium: 193
patients with prior BCMA-directed therapy, 51% CAR-T only; ORR 48.7%, median PFS 4.6 vs 8.2
months without prior BCMA therapy) and cilta-cel (CARTITUDE-2 cohort C, Cohen et al., Blood
2023;141(3):219: 20 patients after a non-cellular anti-BCMA therapy, 7 after a bispecific; ORR
60%, median PFS 9.1 (1.5-NE) months). Only medians are published, so the exponential is the one
family they identify (as for RWPC in :mod:`.fitted`); no survival is solved to hit a target.
MajesTEC-1 cohort C (teclistamab after a BCMA ADC or CAR-T, n = 40) could not be read here (its
values are not in mm-inputs), so the real-world cohort is used.

The states, transitions and rewards are this module's own; :func:`route_progressions` splits the
first-line progression rows of the shared :mod:`.transitions` between "no second therapy" (the
first-line pathway) and the second therapy, so the shared modules are unchanged by the sequences
except for the strategy names in :mod:`.strategies`.

Sources: as above; the shares receiving the second therapy (58/68 treated after CAR-T relapse,
Blood Adv 2024;8(9):2207; 88/179 referred patients reaching apheresis, Blood 2024;144(Suppl 1):
6937), the non-relapse mortality of CARTITUDE-2 cohort C (4/20 deaths from adverse events) and
survival after failure of a bispecific (Yu et al., IMS 2025: median OS from first salvage after
teclistamab 11.3 months, n = 52) are published; their use for the Dutch sequence is an
assumption (A).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from hecon.evidence.fit import SurvivalFit, fit_survival
from hecon.evidence.guyot import reconstruct_ipd
from hecon.evidence.ipd import arm_data
from hecon.evidence.outputs import workbook_rows
from hecon.evidence.published_points import guyot_inputs
from hecon.examples.rrmm.common import P, beta
from hecon.examples.rrmm.states import HOSP_THERAPY, ON, REC, TF, alive_state
from hecon.examples.rrmm.strategies import SEQ_BSAB_CART, SEQ_CART_BSAB
from hecon.model.spec import Distribution, Parameter, State, Strategy, SurvivalPoint, Transition, TransitionReward

TIME_UNIT = "months"
#: The states of the sequences (in the order of the States sheet, after the shared states).
BSAB_AFTER_CART = "Seq_BsAb_after_CART"
CART_BRIDGING = "Seq_CART_Bridging"
CART_RECOVERY = "Seq_CART_Recovery"
CART_REMISSION = "Seq_CART_Remission"
PD_LAST = "PD_Last_BCMA"
#: The states of the second therapy: on treatment or treatment-free, though progressed on the first line
SECOND_THERAPY_STATES = (BSAB_AFTER_CART, CART_BRIDGING, CART_RECOVERY, CART_REMISSION)
#: (first-line progressed state, share of its entries that start the second therapy, its first state).
#: After CAR-T every CAR-T strategy routes relapses (the one-time arm's bispecific salvage share, the
#: sequence's share fit for it: ``q_bsab_after_cart``, :mod:`.subsequent`); after the bispecific only
#: the sequence does.
ROUTES = (
    ("PD_CART", "q_bsab_after_cart", BSAB_AFTER_CART),
    ("PD_BsAb", "seq_bsab_cart * p_cart_after_bsab", CART_BRIDGING),
)

DIMA = "Dima et al., Blood Cancer J 2025;15:111 (teclistamab after prior BCMA-directed therapy, n = 193)"
CARTITUDE2C = "Cohen et al., Blood 2023;141(3):219 (CARTITUDE-2 cohort C, cilta-cel after prior BCMA therapy, n = 20)"


@dataclass(frozen=True)
class SecondLineCurve:
    """The PFS of a second BCMA-directed therapy, from its published points.

    prefix     : start of its parameter names (``<prefix>_exp_rate``)
    therapy    : what the points describe (from the start of the second therapy)
    points     : the published median [months, with its 95% CI] and number of patients
    """

    prefix: str
    therapy: str
    points: tuple[SurvivalPoint, ...]


def _points(
    strategy: str, median: float, lower: float | None, upper: float | None, n: int, source: str
) -> tuple[SurvivalPoint, ...]:
    population = "patients with prior BCMA-directed therapy, from the start of the second therapy"
    return (
        SurvivalPoint(strategy, "PFS", "median", None, median, lower, upper, population, False, source=f"P: {source}"),
        SurvivalPoint(strategy, "PFS", "at_risk", 0.0, n, population=population, source=f"P: {source}"),
    )


SECOND_LINE: tuple[SecondLineCurve, ...] = (
    SecondLineCurve(
        "pfs_tec_prior_bcma",
        "teclistamab after prior BCMA-directed therapy",
        _points(SEQ_CART_BSAB, 4.6, None, None, 193, DIMA),
    ),
    SecondLineCurve(
        "pfs_cilta_prior_bcma",
        "cilta-cel after prior BCMA-directed therapy",
        _points(SEQ_BSAB_CART, 9.1, 1.5, None, 20, CARTITUDE2C),
    ),
)


@cache
def fits() -> dict[str, SurvivalFit]:
    """Curve prefix -> the exponential fitted to its published points (landmark reconstruction: constant hazard
    between the points, no Kaplan-Meier figure)."""
    out = {}
    for curve in SECOND_LINE:
        ipd_curve, at_risk = guyot_inputs(curve.points, range(len(curve.points)), time_unit=TIME_UNIT)
        ipd = reconstruct_ipd(ipd_curve, at_risk)
        data = arm_data(ipd.time, ipd.event, source=f"the published PFS points of {curve.therapy}")
        fit = fit_survival(data, "exp", time_unit=TIME_UNIT)
        if not fit.converged:
            raise RuntimeError(f"the exponential fit of {curve.prefix} did not converge")
        out[curve.prefix] = fit
    return out


def strategies() -> tuple[Strategy, ...]:
    """The sequences' rows of the Strategies sheet."""
    return (
        Strategy(
            SEQ_CART_BSAB,
            {"start_rwpc": 0, "start_cart": 1, "seq_cart_bsab": 1},
            "One-time CAR-T (cilta-cel), then at relapse a weekly bispecific (teclistamab) for those fit for "
            "it, with the efficacy seen after prior BCMA therapy",
        ),
        Strategy(
            SEQ_BSAB_CART,
            {"start_rwpc": 0, "start_bsab": 1, "seq_bsab_cart": 1},
            "Weekly bispecific (teclistamab), then at progression CAR-T (cilta-cel) for those apheresed, with the "
            "efficacy seen after prior BCMA therapy",
        ),
    )


def parameters() -> list[Parameter]:
    """Switches, shares receiving the second therapy, second-line efficacy, survival after the
    last BCMA line, and the per-cycle probabilities (D)."""
    return _switches_and_shares() + _efficacy() + _derived()


def _switches_and_shares() -> list[Parameter]:
    return [
        P(
            "seq_cart_bsab",
            0,
            "0/1",
            "1 = at relapse after CAR-T a bispecific for those fit for it",
            "A: model structure (strategy switch)",
        ),
        P(
            "seq_bsab_cart",
            0,
            "0/1",
            "1 = at progression on the bispecific CAR-T for those apheresed",
            "A: model structure (strategy switch)",
        ),
        P(
            "p_bsab_after_cart",
            58 / 68,
            "share",
            "Share of those relapsing after CAR-T who start the bispecific (sequence CAR-T then bispecific)",
            "P: 58/68 patients relapsing after BCMA CAR-T received a further line (Blood Adv 2024;8(9):2207); A: the "
            "treated are those fit for a bispecific",
            beta(58, 10),
            0.5,
            0.95,
        ),
        P(
            "p_cart_after_bsab",
            88 / 179,
            "share",
            "Share of those progressing on the bispecific who are apheresed for CAR-T (sequence bispecific then CAR-T)",
            "P: 88/179 referred patients reached apheresis ('Stalled CARs', Blood 2024;144(Suppl 1):6937, US); A: "
            "the same share of Dutch patients progressing on a bispecific (fitness, referral, slot access)",
            beta(88, 91),
            0.3,
            0.85,
        ),
    ]


def _efficacy() -> list[Parameter]:
    rows: list[Parameter] = []
    for curve in SECOND_LINE:
        fit = fits()[curve.prefix]
        (row,) = workbook_rows([fit], prefix=curve.prefix).parameters
        args = dict(item.split("=") for item in str(row["distribution_args"]).replace(" ", "").split(";"))
        meanlog, sdlog = float(args["meanlog"]), float(args["sdlog"])
        rows.append(
            P(
                str(row["name"]),
                float(row["value"]),  # type: ignore[arg-type]
                str(row["unit"]),
                f"Exponential PFS rate of {curve.therapy} (from its start)",
                f"D: {row['source']}; points: {curve.points[0].source[3:]}, median {curve.points[0].value} months; "
                "one median identifies one parameter (exponential). PSA: LogNormal from the fit's standard error; "
                "DSA: its 95% interval",
                Distribution("lognormal", {"meanlog": meanlog, "sdlog": sdlog}),
                round(math.exp(meanlog - 1.96 * sdlog), 6),
                round(math.exp(meanlog + 1.96 * sdlog), 6),
            )
        )
    return rows + [
        P(
            "prior_bcma_efficacy",
            1,
            "0/1",
            "1 = the second BCMA-directed therapy has the efficacy seen after prior BCMA therapy; 0 = its first-line "
            "efficacy (scenario)",
            "A: model structure (the scenario shows what the reduced efficacy costs)",
        ),
        P(
            "seq_bsab_pfs_rate",
            "if_else(prior_bcma_efficacy, pfs_tec_prior_bcma_exp_rate, pfs_rwpc_exp_rate * hr_pfs_bsab)",
            "per month",
            "PFS rate on a bispecific after CAR-T",
            "D: fitted rate after prior BCMA therapy, or the first-line bispecific rate (RWPC x HR)",
        ),
        P(
            "seq_cart_pfs_rate",
            "if_else(prior_bcma_efficacy, pfs_cilta_prior_bcma_exp_rate, pfs_cilta_exp_rate)",
            "per month",
            "PFS rate after CAR-T following a bispecific (from infusion)",
            "D: fitted rate after prior BCMA therapy, or the first-line cilta-cel exponential fit",
        ),
        P(
            "seq_bsab_doses_per_week",
            1.0,
            "doses per week",
            "Bispecific doses per week after CAR-T (weekly until progression)",
            "A: the switch to every 2 weeks needs >= CR for 6 months (label); after prior BCMA therapy few reach it "
            "before progressing (median PFS 4.6 months); range 0.5-1",
            None,
            0.5,
            1.0,
        ),
        P(
            "nrm_seq_cart",
            4 / 20,
            "share",
            "Non-relapse mortality in the first year after CAR-T following a bispecific",
            f"P: {CARTITUDE2C}: 4 of 20 died of adverse events (1 treatment-related) by a median follow-up of 11.3 "
            "months; A: as a first-year constant hazard, kept while in remission",
            beta(4, 16),
            0.075,
            0.30,
        ),
        P(
            "pps_median_last_bcma",
            "pps_median_bsab",
            "months",
            "Median survival after progression on the second BCMA-directed therapy (constant hazard)",
            "A: as after progression on a first-line bispecific (pps_median_bsab: median OS from the first salvage "
            "after teclistamab failure, 11.3 months, Yu et al., IMS 2025; 21% of its 52 had prior BCMA therapy), after "
            "either sequence's second therapy; one draw with it in the PSA (the same source)",
        ),
    ]


def _derived() -> list[Parameter]:
    return [
        P(
            "e_seq_bsab",
            "rate_to_prob(seq_bsab_pfs_rate, cycle_months)",
            "per cycle",
            "PFS event per cycle on the bispecific after CAR-T",
            "D: formula in the value",
        ),
        P(
            "d_seq_bsab",
            "max(gp_mort(), f_pfs_death_bsab * e_seq_bsab)",
            "per cycle",
            "Death before progression per cycle on the bispecific after CAR-T",
            "D: the first-line bispecific's share of PFS events, general-population floor",
        ),
        P(
            "g_seq_bsab",
            "max(e_seq_bsab - d_seq_bsab, 0)",
            "per cycle",
            "Progression per cycle on the bispecific after CAR-T",
            "D: PFS events that are not deaths",
        ),
        P(
            "e_seq_cart",
            "rate_to_prob(seq_cart_pfs_rate, cycle_months)",
            "per cycle",
            "PFS event per cycle after CAR-T following a bispecific",
            "D: formula in the value",
        ),
        P(
            "d_seq_cart",
            "max(gp_mort(), rate_to_prob(-log(1 - nrm_seq_cart) / 12, cycle_months))",
            "per cycle",
            "Death before progression per cycle after CAR-T following a bispecific",
            "D: first-year non-relapse mortality at a constant hazard, general-population floor",
        ),
        P(
            "g_seq_cart",
            "max(e_seq_cart - d_seq_cart, 0)",
            "per cycle",
            "Progression per cycle after CAR-T following a bispecific",
            "D: PFS events that are not deaths",
        ),
        P(
            "p_seq_infused",
            "1 / t_inf",
            "per cycle",
            "Infusion per cycle of waiting for the second-line CAR-T product",
            "D: mean wait = the vein-to-vein time (t_inf cycles; A: memoryless wait, since patients enter at any time)",
        ),
        P(
            "p_seq_dropout",
            "p_seq_infused * p_not_infused / (1 - p_not_infused)",
            "per cycle",
            "Dropout per cycle of waiting for the second-line CAR-T product",
            "D: so that dropout / (dropout + infusion) = p_not_infused, the first-line share (A)",
        ),
        P(
            "p_seq_recovered",
            "1 / (cart_adm_cycles + cart_rec_cycles)",
            "per cycle",
            "End of admission and recovery per cycle after the second-line infusion",
            "D: mean = admission + recovery cycles (A: memoryless)",
        ),
        P(
            "p_death_pd_last",
            "max(gp_mort(), rate_to_prob(median_to_rate(pps_median_last_bcma), cycle_months))",
            "per cycle",
            "Death per cycle after progression on the second BCMA-directed therapy",
            "D: constant hazard, general-population floor",
        ),
    ]


def states() -> tuple[State, ...]:
    """The sequences' states (after the shared ones on the States sheet)."""
    infections = "cart_serious_infections / (cart_adm_cycles + cart_rec_cycles)"
    doses = "seq_bsab_doses_per_week * cycle_weeks"
    return (
        alive_state(
            BSAB_AFTER_CART,
            "Bispecific after relapse following CAR-T, weekly until progression (the CAR-T strategies' bispecific "
            "salvage; in the sequence CAR-T then bispecific for all fit for it)",
            "u_pf_on - inf_bsab_cycle * du_infection / cycle_years",
            {ON, HOSP_THERAPY},
            {
                "drug": f"{doses} * bsab_dose_cost",
                "administration": f"{doses} * c_sc_admin",
                "monitoring": "monitoring_cycle * c_outpatient",
                "adverse_events": "p_ivig_bsab * c_ivig_cycle + inf_bsab_cycle * c_serious_infection",
            },
            {
                "administrations": doses,
                "hospital_days": "inf_bsab_cycle * infection_days",
                "serious_infections": "inf_bsab_cycle",
                "hospital_contacts": f"{doses} + inf_bsab_cycle",
            },
        ),
        alive_state(
            CART_BRIDGING,
            "Progressed on the bispecific, apheresed, waiting for CAR-T on bridging therapy (sequence bispecific "
            "then CAR-T)",
            "u_pd",
            {ON, HOSP_THERAPY},
            {
                "drug": "p_bridging * c_rwpc_drug_cycle",
                "administration": "p_bridging * rwpc_admin_cycle * c_day_treatment",
                "monitoring": "monitoring_cycle * c_outpatient",
            },
            {
                "administrations": "p_bridging * rwpc_admin_cycle",
                "hospital_contacts": "p_bridging * rwpc_admin_cycle + monitoring_cycle",
            },
        ),
        alive_state(
            CART_RECOVERY,
            "Admission and recovery after CAR-T following a bispecific (the admission's costs are charged at infusion)",
            f"u_pf_off - du_recovery - {infections} * du_infection / cycle_years",
            {REC, HOSP_THERAPY},
            {
                "monitoring": "cart_followup_visits_per_week * cycle_weeks * c_outpatient",
                "adverse_events": f"{infections} * c_serious_infection + p_ivig_cart_recovery * c_ivig_cycle + "
                "unscheduled_rec_cycle * c_ed_visit",
            },
            {
                "hospital_days": f"{infections} * infection_days",
                "serious_infections": infections,
                "hospital_contacts": f"cart_followup_visits_per_week * cycle_weeks + unscheduled_rec_cycle + {infections} "
                "+ p_ivig_cart_recovery * ivig_visits_cycle",
            },
        ),
        alive_state(
            CART_REMISSION,
            "Treatment-free after CAR-T following a bispecific, until progression",
            "u_pf_off",
            {TF},
            {"monitoring": "monitoring_cycle * c_outpatient"},
            {"hospital_contacts": "monitoring_cycle"},
        ),
        alive_state(
            PD_LAST,
            "Progressed after the second BCMA-directed therapy of a sequence (non-BCMA regimens)",
            "u_pd",
            set(),
            {
                "subsequent_therapy": "p_subseq_rwpc * c_rwpc_drug_cycle",
                "administration": "p_subseq_rwpc * rwpc_admin_cycle * c_day_treatment",
                "adverse_events": "p_subseq_rwpc * c_ae_rwpc_cycle",
                "monitoring": "monitoring_cycle * c_outpatient",
            },
            {
                "hospital_days": "p_subseq_rwpc * rwpc_ae_adm_cycle * ae_g34_days_rwpc",
                "hospital_contacts": "monitoring_cycle + p_subseq_rwpc * (rwpc_admin_cycle + rwpc_ae_adm_cycle)",
            },
        ),
    )


def route_progressions(rows: Iterable[Transition]) -> tuple[Transition, ...]:
    """The shared transitions with each first-line progression split by :data:`ROUTES`: a row
    ``X -> PD_CART`` (or ``PD_BsAb``) with probability p becomes p x (1 - share) to the
    progressed state and p x share to the second therapy."""
    out: list[Transition] = []
    for row in rows:
        route = next((r for r in ROUTES if r[0] == row.to_state != row.from_state), None)
        if route is None:
            out.append(row)
            continue
        _, share, second = route
        out.append(Transition(row.from_state, row.to_state, f"({row.probability}) * (1 - {share})"))
        out.append(Transition(row.from_state, second, f"({row.probability}) * {share}"))
    return tuple(out)


def transitions() -> tuple[Transition, ...]:
    """The sequences' own transitions."""
    T = Transition
    rows = [
        T(BSAB_AFTER_CART, "Dead", "d_seq_bsab"),
        T(BSAB_AFTER_CART, PD_LAST, "g_seq_bsab"),
        T(BSAB_AFTER_CART, BSAB_AFTER_CART, "#"),
        T(CART_BRIDGING, "Dead", "gp_mort()"),
        T(CART_BRIDGING, "PD_BsAb", "p_seq_dropout"),
        T(CART_BRIDGING, CART_RECOVERY, "p_seq_infused"),
        T(CART_BRIDGING, CART_BRIDGING, "#"),
    ]
    for s in (CART_RECOVERY, CART_REMISSION):
        rows += [T(s, "Dead", "d_seq_cart"), T(s, PD_LAST, "g_seq_cart")]
    rows += [
        T(CART_RECOVERY, CART_REMISSION, "p_seq_recovered * (1 - d_seq_cart - g_seq_cart)"),
        T(CART_RECOVERY, CART_RECOVERY, "#"),
        T(CART_REMISSION, CART_REMISSION, "#"),
        T(PD_LAST, "Dead", "p_death_pd_last"),
        T(PD_LAST, PD_LAST, "#"),
    ]
    return tuple(rows)


def rewards() -> tuple[TransitionReward, ...]:
    """One-off costs, QALY changes and counts of the second therapies."""
    R = TransitionReward
    stepup_contacts = "bsab_stepup_admins"
    stepup_days = (
        "p_stepup_inpatient * bsab_stepup_inpatient_days + (1 - p_stepup_inpatient) * p_crs_admission_outpatient "
        "* crs_admission_days"
    )
    rows = [
        # bispecific after CAR-T: the step-up week
        R(BSAB_AFTER_CART, "bsab_stepup_drug_cost", "cost", "drug"),
        R(BSAB_AFTER_CART, "bsab_stepup_admins * c_sc_admin", "cost", "administration"),
        R(BSAB_AFTER_CART, f"c_hosp_day * ({stepup_days})", "cost", "hospital"),
        R(BSAB_AFTER_CART, "c_stepup_ae", "cost", "adverse_events"),
        R(BSAB_AFTER_CART, "informal_care_hours_stepup * c_informal_hour", "cost", "informal_care"),
        R(BSAB_AFTER_CART, f"{stepup_contacts} * c_travel_visit", "cost", "travel"),
        R(
            BSAB_AFTER_CART,
            "-du_bsab_stepup - du_inpatient * p_stepup_inpatient * bsab_stepup_inpatient_days / 365.25",
            "qaly",
            "qaly",
        ),
        R(BSAB_AFTER_CART, "bsab_stepup_admins", "count", "administrations"),
        R(BSAB_AFTER_CART, stepup_days, "count", "hospital_days"),
        R(BSAB_AFTER_CART, stepup_contacts, "count", "hospital_contacts"),
        # CAR-T after the bispecific: apheresis on entering the wait, the course at infusion
        R(CART_BRIDGING, "c_apheresis", "cost", "administration"),
        R(CART_BRIDGING, "c_travel_visit", "cost", "travel"),
        R(CART_BRIDGING, "1", "count", "hospital_contacts"),
        R(CART_RECOVERY, "c_cart_course_drug", "cost", "drug", CART_BRIDGING),
        R(CART_RECOVERY, "c_cart_procedure", "cost", "administration", CART_BRIDGING),
        R(CART_RECOVERY, "c_hosp_day * cart_los_days + c_cart_course_hospital", "cost", "hospital", CART_BRIDGING),
        R(CART_RECOVERY, "c_cart_course_ae", "cost", "adverse_events", CART_BRIDGING),
        R(CART_RECOVERY, "c_cytopenia_support_cart", "cost", "cytopenia_support", CART_BRIDGING),
        R(
            CART_RECOVERY,
            "informal_care_hours_cart * informal_care_weeks_cart * c_informal_hour",
            "cost",
            "informal_care",
            CART_BRIDGING,
        ),
        R(CART_RECOVERY, "(lymphodepletion_days + 1) * c_travel_visit", "cost", "travel", CART_BRIDGING),
        R(CART_RECOVERY, "-du_cart_course - du_inpatient * cart_los_days / 365.25", "qaly", "qaly", CART_BRIDGING),
        R(CART_RECOVERY, "1", "count", "cart_infusions", CART_BRIDGING),
        R(CART_RECOVERY, "cart_los_days", "count", "hospital_days", CART_BRIDGING),
        R(CART_RECOVERY, "lymphodepletion_days + 1", "count", "administrations", CART_BRIDGING),
        R(CART_RECOVERY, "lymphodepletion_days + 1", "count", "hospital_contacts", CART_BRIDGING),
    ]
    # the step-up week's QALY loss also for those who progress in it and go on to CAR-T
    rows += [R(CART_BRIDGING, "-du_bsab_stepup", "qaly", "qaly", s) for s in ("BsAb_StepUp_In", "BsAb_StepUp_Out")]
    return tuple(rows)
