"""Hypothetical annual CAR-T re-dosing: eligibility at each anniversary, efficacy of further
courses, non-relapse mortality, admission, recovery, interval, price and IVIG per course.

Sources: every value is an assumption (tag A; mm-inputs §5 and the clinician interview), anchored
on repeat BCMA CAR-T after relapse (Blood Adv 2024;8(9):2207; CARTITUDE-2 cohort C, Blood 2023),
first-course real-world non-relapse mortality (Sidana et al., Blood 2025; German registry) and
hypogammaglobulinaemia after one course (Kambhampati et al., Blood Adv 2022).
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, beta_se, gamma_se, lognormal_se
from hecon.model.spec import Parameter


def parameters() -> list[Parameter]:
    """Annual CAR-T re-dosing (hypothetical; every value is an assumption)."""
    return [
        P(
            "p_redose_eligible",
            0.8,
            "share",
            "Share of those alive and progression-free at an anniversary who get "
            "the next course (the others stop re-dosing for good)",
            "A: clinician interview and authors' assumption (range 60-95%)",
            beta_se(0.8, 0.08),
            0.6,
            0.95,
        ),
        P(
            "hr_redose",
            0.7,
            "hazard ratio",
            "Efficacy of a further course: progression hazard after it relative to the first course's hazard at the "
            "same time since the first infusion (< 1: the course keeps the disease under control; 1: no effect)",
            "A: the interview's premise (re-dosing keeps the disease under control between courses), no trial of "
            "scheduled re-dosing; range 0.5-1.5; salvage anchors (after relapse, not scheduled): repeat "
            "BCMA CAR-T ORR 60-89%, mPFS 8-9 months (Blood Adv 2024;8(9):2207; CARTITUDE-2 cohort C, Blood "
            "2023;141(3):219)",
            lognormal_se(0.7, 0.2),
            0.5,
            1.5,
        ),
        P(
            "redose_restarts_clock",
            0,
            "0/1",
            "0 = a further course acts on the ongoing first remission (clock since the first infusion; the early-"
            "hazard part of the curve is not restarted); 1 = each course starts a new remission (the curve restarts)",
            "A: model structure; base case 0 (the interview's reading: disease kept under control between courses); "
            "the clock-restart reading is the scenario 'Re-dosing restarts the remission clock'",
        ),
        P(
            "redose_price",
            "cart_price",
            "EUR per course",
            "List price of the product given at a further course (the same CAR-T product in the base case)",
            "D: product selector; the scenario 'Re-dosing with a different CAR-T product' gives ide-cel after cilta-cel",
        ),
        P(
            "nrm_redose_course",
            0.05,
            "probability per course",
            "Non-relapse mortality per further course (admission and recovery)",
            "A: clinician interview and authors' assumption (range 2-10%); first-course real-world NRM 5-10% (Sidana 2025; German registry)",
            beta_se(0.05, 0.02),
            0.02,
            0.10,
        ),
        P(
            "redose_los_days",
            17.0,
            "days",
            "Length of stay per further course",
            "A: interview, 2-3 weeks (range 11-22); cf. index LOS 15 d (US NIS)",
            gamma_se(17.0, 3.0),
            11.0,
            22.0,
        ),
        P(
            "redose_recovery_months",
            1.5,
            "months",
            "Recovery after discharge per further course",
            "A: interview, 1-2 months",
            None,
            1.0,
            2.0,
        ),
        P(
            "redose_interval_weeks",
            52.0,
            "weeks",
            "Interval between courses (annual)",
            "A: interview (annual schedule)",
        ),
        P(
            "redose_price_share",
            1.0,
            "share of the CAR-T product price",
            "Price of a further course relative to the first",
            "A: new apheresis and manufacture each year, full price per course; price-model scenario 0.5",
            None,
            0.5,
            1.0,
        ),
        P(
            "p_ivig_redose",
            0.76,
            "share",
            "Share on IVIG throughout re-dosing (cumulative hypogammaglobulinaemia)",
            "A: carry IVIG for the whole strategy; P: hypogammaglobulinaemia 76% at 1 year after one "
            "course (Kambhampati et al., Blood Adv 2022;6(7):2045)",
            beta_se(0.76, 0.05),
        ),
    ]
