"""Real-world physician's choice (RWPC), the comparator: PFS, OS, post-progression survival,
subsequent lines, anti-myeloma drug cost and visits. Bridging therapy, subsequent lines and the
CAR-T patients never infused use the same regimen inputs.

Sources: LocoMMotion final analysis (Mateos et al., Leukemia 2024; median PFS 4.6 and OS 13.8
months, 61.3% on a subsequent line); Seefat et al., Eur J Haematol 2023 (Dutch anti-myeloma drug
cost per month, indexed to 2024); the post-progression hazard is ln 2 / MAMMOTH's median OS from
refractoriness to a CD38 antibody (Gandhi et al., Leukemia 2019; tag P with an A for its use), not solved to any OS
value; the death share of PFS events is LocoMMotion's deaths from adverse events (tag D); the visit
frequencies are assumptions (tag A);
grade 3/4 adverse events from the LocoMMotion interim analysis (Mateos et al., Leukemia 2022;
52.8% of patients), each costed as an admission of assumed length (tag A) at the Costing
Manual's nursing-day price, on every physician's-choice regimen (index line, bridging, later lines).
"""

from __future__ import annotations

import math

from hecon.examples.rrmm.common import LOCOMMOTION, P, beta, gamma_se, lognormal
from hecon.examples.rrmm.published_results import MAMMOTH
from hecon.model.spec import Parameter

LOCOMMOTION_AE = "Mateos et al., Leukemia 2022;36:1371 (LocoMMotion interim analysis, safety)"


def parameters() -> list[Parameter]:
    """Real-world physician's choice (comparator; non-infused; bridging)."""
    return [
        P(
            "median_os_rwpc",
            13.8,
            "months",
            "Median OS on physician's choice (the OS points are fitted by maximum likelihood; not used in transitions)",
            f"P: {LOCOMMOTION}; 95% CI 10.8-17.0",
        ),
        P(
            "f_pfs_death_rwpc",
            19 / 248,
            "share",
            "Share of PFS events that are deaths before progression (RWPC)",
            f"D: {LOCOMMOTION_AE}: 19 of 248 patients died of a treatment-emergent adverse event (of 107 deaths: 74 "
            "progressive disease, 19 TEAEs, 14 other reasons); A: a death from a TEAE is a death before progression "
            "(TEAEs are counted on the index line, given until progression) and every patient eventually has a PFS "
            "event, so the share of patients is the share of PFS events; the PFS event count at that cut is not "
            "published (G). Range: exact binomial 95% CI of 19/248; the 14 deaths of other reasons (33/248 = 0.133) "
            "would be the upper end if all were before progression. PSA: Beta(19, 229) from the counts",
            beta(19, 229),
            0.047,
            0.133,
        ),
        P(
            "pps_median_rwpc",
            8.6,
            "months",
            "Median survival after progression on physician's choice",
            f"P: {MAMMOTH}: median OS from refractoriness to a CD38 antibody 8.6 months (95% CI 7.5-9.9); A: used as "
            "the survival after progression on a physician's-choice line (LocoMMotion reports PFS, PFS2 and OS from "
            "the start of the line, not from progression, and no survival after progression on physician's choice in "
            "this population was found, G). Not calibrated: LocoMMotion's median OS 13.8 months and the US real-world "
            "cohort's 14.78 months are its external checks. PSA: LogNormal, sdlog = (ln 9.9 - ln 7.5) / (2 x 1.96) = "
            "0.0708 from the 95% CI; range the CI",
            lognormal(math.log(8.6), 0.0708),
            7.5,
            9.9,
        ),
        P(
            "pps_rate_rwpc",
            "median_to_rate(pps_median_rwpc)",
            "per month",
            "Post-progression death hazard after physician's choice (constant, after progression on physician's choice)",
            "D: ln 2 / the median survival after progression on physician's choice (MAMMOTH, pps_median_rwpc); not "
            "solved to any OS value (the calibration to LocoMMotion's OS is the scenario 'Survival after progression "
            "on physician's choice calibrated to LocoMMotion's OS')",
        ),
        P(
            "p_subseq_rwpc",
            0.613,
            "share",
            "Share of progressed patients (after RWPC) on a subsequent line",
            f"P: {LOCOMMOTION}: 61.3% received a subsequent line",
            beta(152, 96),
        ),
        P(
            "c_mm_drug_month_2019",
            3111.0,
            "EUR 2019 per month",
            "Anti-myeloma drug cost per month on treatment (RWPC regimen, bridging, non-BCMA subsequent lines), "
            "2019 euros",
            "P: Seefat et al., Eur J Haematol 2023 (Dutch MM patients 2017-2019); price year about 2019. PSA: "
            "Gamma, SE 20% (A)",
            gamma_se(3111.0, 622.2),
            2488.8,
            3733.2,
        ),
        P(
            "c_mm_drug_month",
            "c_mm_drug_month_2019 * cpi_2024 / cpi_2019",
            "EUR per month",
            "Anti-myeloma drug cost per month on treatment, 2024 euros",
            "D: Seefat 2019 basket x CPI 2024 / 2019 (CBS consumer price index)",
        ),
        P(
            "p_ae_g34_rwpc",
            131 / 248,
            "share",
            "Share with a grade 3/4 treatment-emergent adverse event during a physician's-choice line",
            f"P: {LOCOMMOTION_AE}: TEAEs in 83.5%, grade 3/4 in 52.8% of 248 patients (131/248) over a median of 4 "
            "cycles of the index line",
            beta(131, 117),
        ),
        P(
            "ae_g34_days_rwpc",
            5.0,
            "days",
            "Inpatient days per patient with a grade 3/4 adverse event on a physician's-choice line",
            "A: one admission of 5 days (range 2-10) per patient with a grade 3/4 TEAE (mostly haematological "
            "toxicity and infections in LocoMMotion); the Dutch per-event resource use was not found (G)",
            None,
            2.0,
            10.0,
        ),
        P(
            "rwpc_ae_adm_cycle",
            "p_ae_g34_rwpc * pfs_rwpc_exp_rate * cycle_months",
            "admissions per cycle",
            "Admissions for grade 3/4 adverse events per cycle on a physician's-choice regimen",
            "D: the index line's grade 3/4 risk spread over the mean time on it (mean PFS = 1 / the fitted "
            "exponential RWPC PFS rate, A: treated to progression)",
        ),
        P(
            "c_ae_rwpc_cycle",
            "rwpc_ae_adm_cycle * ae_g34_days_rwpc * c_hosp_day",
            "EUR per cycle",
            "Adverse-event admissions per cycle on a physician's-choice regimen (index line, bridging, later lines)",
            "D: admissions x days x the nursing-day price (Costing Manual 2024)",
        ),
        P(
            "rwpc_admin_per_week",
            0.5,
            "visits per week",
            "Hospital administration visits (day treatment) per week on an RWPC regimen, bridging or a subsequent line",
            "A: mixed oral/IV/SC regimens (91 distinct regimens in LocoMMotion); range 0.25-1",
            None,
            0.25,
            1.0,
        ),
        P(
            "monitoring_visits_per_week",
            0.25,
            "visits per week",
            "Outpatient haematology visits per week (every 4 weeks) while on treatment, in remission or progressed",
            "A: assumption (monthly review)",
            None,
            0.125,
            0.5,
        ),
    ]
