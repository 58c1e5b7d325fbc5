"""BCMA x CD3 bispecific antibodies: the products (teclistamab in the base case, elranatamab as a
scenario, and teclistamab's own trial medians as a scenario), the class selectors that the
product scenarios re-point, step-up dosing and its delivery (inpatient or outpatient),
discontinuation, and the dosing schedules (weekly, every 2 weeks).

Sources: Krishnan et al., J Comp Eff Res 2023 (teclistamab vs RWPC hazard ratios); the MAIC of
elranatamab vs LocoMMotion (J Comp Eff Res 2025); MajesTEC-1 (Moreau et al., NEJM 2022; Garfall
et al., ASCO 2024); MagnetisMM-3 (Lesokhin et al., Nat Med 2023); the Tecvayli product text and
Elrexfio EU SmPC (doses, vials, switch to every 2 weeks); Nooka et al., Cancer 2024 (IgG
replacement; its 21 infection deaths give the share of PFS events that are deaths); Yu et al., IMS 2025
(survival after teclistamab failure, the post-progression hazard); Sandahl et al., JCO Oncol Pract 2025 (outpatient step-up dosing); compendium.ch
(Swiss Tecvayli price, the teclistamab base-case price for want of a Dutch one) and the ECB
reference rate 2024; the Dutch drug prices are gaps (tag G).
"""

from __future__ import annotations

import math

from hecon.examples.rrmm.common import P, beta, beta_se, gamma_se, lognormal
from hecon.model.spec import Parameter, Schedule, ScheduleSegment

#: The source of the survival after progression on a bispecific (and, A, after the second BCMA line of a sequence).
YU_2025 = (
    "Yu et al., IMS 2025 poster 'Clinical outcomes after teclistamab failure in relapsed/refractory multiple myeloma' "
    "(191 treated with teclistamab, 2019-2024, data cut March 2025)"
)
KRISHNAN = "Krishnan et al., J Comp Eff Res 2023;12(6):e220186 (teclistamab vs RWPC, IPTW)"
ELRA_MAIC = "J Comp Eff Res 2025, doi 10.57264/cer-2024-0236 (elranatamab vs LocoMMotion MAIC, 28.4-mo data)"

#: Tecvayli 30 mg/3 mL, Swiss public price [CHF per vial] (compendium.ch, 2024).
TEC_CH_PRICE_30MG = 943.95
#: ECB euro reference rate, 2024 annual average [CHF per EUR] (V).
EUR_CHF_2024 = 0.9526
#: Teclistamab base-case price [EUR per mg]: the Swiss list price in euros (no Dutch list price is public).
TEC_PRICE_EUROPE = round(TEC_CH_PRICE_30MG / 30 / EUR_CHF_2024, 2)
#: Teclistamab at the US launch price [EUR per mg]: USD 39,500 a month (2022) x 0.92 EUR/USD / (4.35 doses x
#: 120 mg billed at 69 kg); the scenario 'Teclistamab price: US list price'.
TEC_PRICE_US = 70.0


def parameters() -> list[Parameter]:
    """Products, then class selectors and delivery."""
    return _products() + _class_selectors()


def _products() -> list[Parameter]:
    """Bispecific products: teclistamab (base case) and elranatamab (scenario)."""
    return [
        # teclistamab (base case)
        P(
            "tec_hr_pfs",
            0.43,
            "hazard ratio",
            "PFS hazard ratio teclistamab vs RWPC",
            f"P: {KRISHNAN}; 95% CI 0.33-0.56",
            lognormal(-0.844, 0.135),
        ),
        P(
            "tec_hr_os",
            0.82,
            "hazard ratio",
            "OS hazard ratio teclistamab vs RWPC: external check of the model's OS (not in transitions)",
            f"P: {KRISHNAN}; 95% CI 0.59-1.14",
        ),
        P(
            "tec_trial_pfs_median",
            11.3,
            "months",
            "Teclistamab median PFS in MajesTEC-1 (scenario)",
            "P: Moreau et al., NEJM 2022;387:495 (mFU 14.1 mo); 11.4 months at mFU 30.4 (V, Garfall, ASCO 2024)",
        ),
        P(
            "tec_trial_os_median",
            22.2,
            "months",
            "Teclistamab median OS in MajesTEC-1: external check (not in transitions)",
            "V: Garfall et al., ASCO 2024 (mFU 30.4 mo); not re-read, verify",
        ),
        P(
            "tec_trial_hr_pfs",
            "log(2) / (tec_trial_pfs_median * pfs_rwpc_exp_rate)",
            "hazard ratio",
            "PFS hazard ratio that turns the fitted RWPC curve into an exponential with the trial's median (scenario)",
            "D: ln 2 / (11.3 months x the fitted RWPC PFS rate)",
        ),
        P(
            "tec_full_mg_per_kg",
            1.5,
            "mg/kg",
            "Teclistamab full dose, weekly SC",
            "P: Moreau et al., NEJM 2022 (MajesTEC-1), methods; Tecvayli product text (compendium.ch)",
        ),
        P(
            "tec_step1_mg_per_kg",
            0.06,
            "mg/kg",
            "Teclistamab step-up dose 1 (day 1)",
            "P: Moreau et al., NEJM 2022 (MajesTEC-1), methods",
        ),
        P(
            "tec_step2_mg_per_kg",
            0.3,
            "mg/kg",
            "Teclistamab step-up dose 2 (day 4)",
            "P: Moreau et al., NEJM 2022 (MajesTEC-1), methods",
        ),
        P(
            "tec_vial_small_mg",
            30.0,
            "mg",
            "Teclistamab vial 30 mg/3 mL",
            "P: openFDA NDC listing; Swiss compendium (compendium.ch); G: web listings without a date, the date of access not recorded",
        ),
        P(
            "tec_vial_large_mg",
            153.0,
            "mg",
            "Teclistamab vial 153 mg/1.7 mL",
            "P: openFDA NDC listing; Swiss compendium (compendium.ch); G: web listings without a date, the date of access not recorded",
        ),
        P(
            "tec_billed_mg_full",
            "min(ceil(tec_full_mg_per_kg * body_weight_kg / tec_vial_small_mg) * tec_vial_small_mg, "
            "ceil(tec_full_mg_per_kg * body_weight_kg / tec_vial_large_mg) * tec_vial_large_mg)",
            "mg",
            "Teclistamab billed per full dose (cheapest whole vials)",
            "D: 103.5 mg at 69 kg -> 4 x 30 mg = 120 mg; A: no vial sharing, same price per mg for both vials",
        ),
        P(
            "tec_billed_mg_stepup",
            "ceil(tec_step1_mg_per_kg * body_weight_kg / tec_vial_small_mg) * tec_vial_small_mg + "
            "ceil(tec_step2_mg_per_kg * body_weight_kg / tec_vial_small_mg) * tec_vial_small_mg + tec_billed_mg_full",
            "mg",
            "Teclistamab billed in the step-up week (two step-up doses and the first full dose)",
            "D: 30 + 30 + 120 mg at 69 kg (A: no vial sharing)",
        ),
        P(
            "tec_price_per_mg",
            TEC_PRICE_EUROPE,
            "EUR per mg",
            "Teclistamab price per mg",
            f"G: the Dutch list price was searched for and not found (medicijnkosten.nl, the Farmacotherapeutisch "
            f"Kompas, Horizonscan Geneesmiddelen and ZIN's teclistamab advice of 10 Jul 2024 and reassessment of 14 Apr "
            f"2025, which asks for a > 40% price decrease, give no vial price); used: the only European list price "
            f"found, the Swiss public price CHF {TEC_CH_PRICE_30MG:.2f} per 30 mg/3 mL vial (P, compendium.ch, "
            f"2024; a confidential refund applies) / 30 mg / {EUR_CHF_2024} CHF per EUR (V: ECB reference rate, 2024 "
            f"annual average, not re-read) = EUR {TEC_PRICE_EUROPE:.2f}/mg; the US launch price (about EUR "
            f"{TEC_PRICE_US:.0f}/mg, V, 2022) is the scenario 'Teclistamab price: US list price'. This price decides "
            "the primary pair (see the threshold price); replace it with the Dutch price when found",
            None,
            round(0.6 * TEC_PRICE_EUROPE, 2),
            TEC_PRICE_US,
        ),
        P(
            "tec_dose_cost",
            "tec_price_per_mg * tec_billed_mg_full",
            "EUR per dose",
            "Teclistamab cost per full dose",
            "D: price x billed mg",
        ),
        P(
            "tec_stepup_drug_cost",
            "tec_price_per_mg * tec_billed_mg_stepup",
            "EUR",
            "Teclistamab drug cost of the step-up week",
            "D: price x billed mg",
        ),
        P(
            "tec_stepup_admins",
            3,
            "doses",
            "Administrations in the step-up week (days 1, 4, 7)",
            "P: Moreau et al., NEJM 2022 (MajesTEC-1), methods (step-up 1, step-up 2, first full dose within week 1)",
        ),
        P(
            "tec_stepup_inpatient_days",
            7.0,
            "days",
            "Inpatient days for teclistamab step-up dosing",
            "A: US practice survey, planned 7-day stay in 10/14 practices (PMID 38745451); MajesTEC-1 protocol "
            "admitted for each step-up dose",
            None,
            3.0,
            10.0,
        ),
        P(
            "tec_time_to_cr_weeks",
            17.0,
            "weeks",
            "Time from the first dose to >= CR among those who reach it",
            "A: about 4 months; not found in the publications reviewed (G: the MajesTEC-1 time to CR); range 8-35 weeks",
            None,
            8.0,
            35.0,
        ),
        P(
            "tec_switch_weeks",
            "tec_time_to_cr_weeks + 26",
            "weeks",
            "Week of the switch to every-2-weeks dosing for those who qualify",
            "D: label-conform, >= CR maintained >= 6 months (26 weeks) (P: EU label, compendium.ch)",
        ),
        P(
            "tec_ttd_median",
            8.5,
            "months",
            "Teclistamab median duration of treatment (time to treatment discontinuation)",
            "P: MajesTEC-1 median duration of treatment 8.5 months (Horizonscan Geneesmiddelen, teclistamab entry v5); "
            "PSA: Gamma with SE 25% (A); G: the date of entry version 5 not recorded",
            gamma_se(8.5, 2.125),
            6.0,
            11.3,
        ),
        P(
            "tec_q2w_share",
            0.394,
            "share of starters",
            "Share of teclistamab starters who switch to every 2 weeks",
            "P: >= CR 39.4% (Moreau et al., NEJM 2022;387:495); A: all with >= CR switch",
            beta_se(0.394, 0.038),
        ),
        P(
            "tec_p_crs",
            0.721,
            "share",
            "CRS any grade with teclistamab",
            "P: Moreau et al., NEJM 2022 (72.1%)",
            beta(119, 46),
        ),
        P(
            "tec_p_crs_g3",
            0.006,
            "share",
            "CRS grade >= 3 with teclistamab",
            "P: Moreau et al., NEJM 2022 (0.6%)",
            beta(1, 164),
        ),
        P(
            "tec_p_ivig",
            0.461,
            "share",
            "Share on IgG replacement during teclistamab",
            "P: Nooka et al., Cancer 2024 (46.1%)",
            beta(76, 89),
        ),
        # elranatamab (scenario)
        P(
            "elra_hr_pfs",
            0.32,
            "hazard ratio",
            "PFS hazard ratio elranatamab vs LocoMMotion",
            f"P: {ELRA_MAIC}; 95% CI 0.21-0.50",
            lognormal(-1.139, 0.221),
        ),
        P(
            "elra_hr_os",
            0.50,
            "hazard ratio",
            "OS hazard ratio elranatamab vs LocoMMotion: external check of the model's OS (not in transitions)",
            f"P: {ELRA_MAIC}; 95% CI 0.33-0.78",
        ),
        P(
            "elra_price_76mg",
            12000.0,
            "EUR per vial",
            "Elranatamab 76 mg vial (one full dose)",
            "G: gap, placeholder: US list price USD 13,051 (V, Pfizer Aug 2023) x 0.92 EUR/USD (A); replace with the "
            "Dutch list price (in the 'sluis' since Dec 2023, Stcrt 2023-35409)",
            None,
            6000.0,
            14000.0,
        ),
        P(
            "elra_price_44mg",
            6950.0,
            "EUR per vial",
            "Elranatamab 44 mg vial (each step-up dose)",
            "G: gap, placeholder: US list price USD 7,556 (V) x 0.92 EUR/USD (A)",
        ),
        P(
            "elra_dose_cost",
            "elra_price_76mg",
            "EUR per dose",
            "Elranatamab cost per full dose (76 mg = one vial)",
            "P: Elrexfio EU SmPC (EMA, 2024): 76 mg SC weekly",
        ),
        P(
            "elra_stepup_drug_cost",
            "2 * elra_price_44mg",
            "EUR",
            "Elranatamab step-up week drug cost (12 mg day 1, 32 mg day 4, one 44 mg vial each)",
            "P: Elrexfio EU SmPC (EMA, 2024); A: no vial sharing",
        ),
        P(
            "elra_stepup_admins",
            2,
            "doses",
            "Administrations in the step-up week (first full dose on day 8)",
            "P: Elrexfio EU SmPC (EMA, 2024)",
        ),
        P(
            "elra_stepup_inpatient_days",
            5.0,
            "days",
            "Inpatient days for elranatamab step-up dosing",
            "A: monitoring 48 h after each step-up dose (SmPC, P); IQVIA claims mean 5.1 days when admitted "
            "(Blood 2025;146 Suppl 1:2790)",
            None,
            2.0,
            7.0,
        ),
        P(
            "elra_ttd_median",
            "log(2) / (pfs_rwpc_exp_rate * elra_hr_pfs)",
            "months",
            "Elranatamab median duration of treatment (scenario)",
            "A: no duration-of-treatment data for elranatamab published: treatment until progression (equal to the "
            "PFS median, so no discontinuation without progression)",
        ),
        P(
            "elra_switch_weeks",
            24.0,
            "weeks",
            "Week of the switch to every-2-weeks dosing",
            "P: Elrexfio EU SmPC (EMA, 2024): after >= 24 weeks with response",
        ),
        P(
            "elra_q2w_share",
            50 / 123,
            "share of starters",
            "Share of elranatamab starters switched to every 2 weeks",
            "P: Lesokhin et al., Nat Med 2023 (50/123 at the primary analysis)",
            beta(50, 73),
        ),
        P(
            "elra_p_crs",
            0.577,
            "share",
            "CRS any grade with elranatamab",
            "P: Lesokhin et al., Nat Med 2023 (57.7%)",
            beta(71, 52),
        ),
        P(
            "elra_p_crs_g3",
            0.0,
            "share",
            "CRS grade >= 3 with elranatamab",
            "P: Lesokhin et al., Nat Med 2023 (0%)",
        ),
        P(
            "elra_p_ivig",
            "tec_p_ivig",
            "share",
            "Share on IgG replacement during elranatamab",
            "G: not found; A: as teclistamab (46.1%)",
        ),
    ]


def _class_selectors() -> list[Parameter]:
    """Bispecific class selectors and delivery."""
    return [
        P(
            "hr_pfs_bsab",
            "tec_hr_pfs",
            "hazard ratio",
            "PFS hazard ratio of the bispecific vs RWPC (on the RWPC exponential PFS curve)",
            "D: product selector; the RWPC curve x hazard ratio is the preferred route for bispecifics (consistent PSA)",
        ),
        P(
            "pps_median_bsab",
            11.3,
            "months",
            "Median survival after progression on a bispecific (constant hazard), every product",
            f"P: {YU_2025}: median OS from the first salvage after teclistamab failure 11.3 months (95% CI 7.3 to an "
            "upper limit cut off in the text read; 52 salvaged of the 109 of 191 treated who progressed; 79% without "
            "prior BCMA therapy, as the model's first-line bispecific); A: the same after elranatamab. PSA: LogNormal, "
            "sdlog 0.223 = ln(11.3 / 7.3) / 1.96 from the lower 95% limit; range 7.3 to 17.5 (the lower limit "
            "mirrored on the log scale)",
            lognormal(math.log(11.3), 0.223),
            7.3,
            17.5,
        ),
        P(
            "pps_rate_bsab",
            "median_to_rate(pps_median_bsab)",
            "per month",
            "Post-progression death hazard after a bispecific (constant, after progression on a bispecific), every product",
            "D: ln 2 / the median survival after teclistamab failure (Yu 2025, not calibrated); external checks that "
            "are not its target: MajesTEC-1's median OS, Krishnan's OS hazard ratio and MagnetisMM-3's OS(15)",
        ),
        P(
            "f_pfs_death_bsab",
            21 / 165,
            "share",
            "Share of PFS events on a bispecific that are deaths before progression",
            "D: 21 of 165 MajesTEC-1 patients died of infections (18 COVID-19) by a median follow-up of 22.8 months "
            "(Nooka et al., Cancer 2024); A: an infection death is a death before progression (teclistamab is given "
            "until progression) and every patient eventually has a PFS event, so the share of patients is the share "
            "of PFS events; deaths from other adverse events and the PFS event count at that cut were not found (G), "
            "so this is a lower estimate. Range: exact binomial 95% CI of 21/165. PSA: Beta(21, 144) from the counts",
            beta(21, 144),
            0.081,
            0.188,
        ),
        P(
            "p_subseq_bsab",
            0.70,
            "share",
            "Share of progressed patients (after a bispecific) on a subsequent line",
            "A: between RWPC (61.3%) and post-CAR-T (85%)",
            beta_se(0.70, 0.08),
            0.6,
            0.85,
        ),
        P(
            "bsab_dose_cost",
            "tec_dose_cost",
            "EUR per dose",
            "Bispecific drug cost per full dose",
            "D: product selector",
        ),
        P(
            "bsab_stepup_drug_cost",
            "tec_stepup_drug_cost",
            "EUR",
            "Bispecific drug cost of the step-up week",
            "D: product selector",
        ),
        P(
            "bsab_stepup_admins",
            "tec_stepup_admins",
            "doses",
            "Administrations in the step-up week",
            "D: product selector",
        ),
        P(
            "bsab_stepup_inpatient_days",
            "tec_stepup_inpatient_days",
            "days",
            "Inpatient days for step-up dosing",
            "D: product selector",
        ),
        P(
            "bsab_switch_weeks",
            "tec_switch_weeks",
            "weeks",
            "Week of the switch to every 2 weeks",
            "D: product selector",
        ),
        P(
            "bsab_ttd_median",
            "tec_ttd_median",
            "months",
            "Median time to treatment discontinuation of the bispecific",
            "D: product selector",
        ),
        P(
            "bsab_stop_in_cr",
            0,
            "0/1",
            "1 = those with >= CR stop at the switch week (fixed duration / stop in CR) instead of going to every 2 "
            "weeks",
            "A: base case 0 (label: treatment until progression); 1 is the scenario 'Bispecific: stop in CR'",
        ),
        P(
            "bsab_q2w_share",
            "tec_q2w_share",
            "share of starters",
            "Share of starters switching to every 2 weeks",
            "D: product selector",
        ),
        P("p_crs_bsab", "tec_p_crs", "share", "CRS any grade during step-up", "D: product selector"),
        P("p_crs_g3_bsab", "tec_p_crs_g3", "share", "CRS grade >= 3 during step-up", "D: product selector"),
        P(
            "p_ivig_bsab",
            "tec_p_ivig",
            "share",
            "Share on IgG replacement while on the bispecific",
            "D: product selector",
        ),
        P(
            "p_stepup_inpatient",
            1.0,
            "share",
            "Share with inpatient step-up dosing (the rest: outpatient)",
            "A: Dutch base case inpatient; Dutch centres are moving step-up dosing to outpatient (2025 expert-panel "
            "abstract, VUmc/Erasmus MC/St Antonius); scenario 0",
            None,
            0.0,
            1.0,
        ),
        P(
            "p_crs_admission_outpatient",
            0.316,
            "share",
            "Share admitted for CRS after outpatient step-up dosing",
            "P: Mayo outpatient step-up dosing, CRS 31.6% (Sandahl et al., JCO Oncol Pract 2025;21(5):702)",
            beta_se(0.316, 0.05),
        ),
        P(
            "crs_admission_days",
            2.0,
            "days",
            "Length of a CRS admission after outpatient step-up dosing",
            "P: median CRS stay 2 days (Sandahl 2025)",
        ),
        P(
            "p_tocilizumab_given_crs_bsab",
            0.41,
            "share",
            "Share of bispecific CRS cases treated with tocilizumab",
            "P: Dutch registry, 41% of CRS cases (2025 expert-panel abstract)",
            beta_se(0.41, 0.06),
        ),
        P(
            "informal_care_hours_stepup",
            20.0,
            "hours",
            "Informal care in the step-up week",
            "A: authors' assumption (societal resource use)",
            None,
            10.0,
            40.0,
        ),
        P(
            "p_disc_bsab",
            "rate_to_prob(max(median_to_rate(bsab_ttd_median) - pfs_rwpc_exp_rate * hr_pfs_bsab, 0), cycle_months)",
            "per cycle",
            "Per-cycle discontinuation of the bispecific without progression (then treatment-free)",
            "D: treatment ends at a PFS event or at discontinuation without progression; with an exponential time to "
            "discontinuation (median bsab_ttd_median) and the exponential PFS, the discontinuation hazard is the "
            "difference of the two hazards (0 when PFS is the shorter)",
        ),
    ]


def schedules() -> tuple[Schedule, ...]:
    """The Schedules sheet: bispecific dosing every week and every 2 weeks [days between doses]."""
    return (
        Schedule(
            "weekly",
            (ScheduleSegment(0.0, 7.0),),
            "One full dose a week (teclistamab 1.5 mg/kg, elranatamab 76 mg) from week 2; clock: model time",
        ),
        Schedule(
            "every_2_weeks",
            (ScheduleSegment(0.0, 14.0),),
            "One full dose every 2 weeks from the switch; clock: cycles since the switch",
        ),
    )
