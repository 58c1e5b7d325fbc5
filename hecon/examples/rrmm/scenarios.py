"""Scenarios (CAR-T and bispecific products, trial medians, dropout before infusion, discounting,
cure plateau, re-dosing price and efficacy, outpatient step-up dosing, teclistamab price, start
age, life table), the sequences' and issue 13's cost scenarios, and the threshold-price queries.

Sources: each scenario's description names its source (KarMMa; the pooled BCMA CAR-T
meta-analysis and Van Oekelen 2023; the elranatamab MAIC; MajesTEC-1; CARTITUDE-4; the Dutch
2016 guideline; Sandahl 2025; Zorginstituut Nederland's price condition of 14 Apr 2025;
LocoMMotion's OS and median age; the AG2024 projection; the US teclistamab launch price); the re-dosing scenarios are assumptions (tag A).
"""

from __future__ import annotations

from hecon.examples.rrmm.bispecifics import TEC_PRICE_EUROPE, TEC_PRICE_US
from hecon.model.spec import Expr, Scenario, ThresholdQuery


def scenarios() -> tuple[Scenario, ...]:
    """The Scenarios sheet."""
    S = Scenario
    ide: dict[str, Expr] = {
        "cart_pfs_shape": 1,
        "cart_pfs_scale": "ide_pfs_scale",
        "cart_cure_fraction": 0,
        "cart_price": "ide_price",
        "cart_v2v_days": "ide_v2v_days",
        "p_bridging": "ide_p_bridging",
        "p_crs_cart": "ide_p_crs",
        "p_crs_g3_cart": "ide_p_crs_g3",
        "p_icans_cart": "ide_p_icans",
        "p_icans_g3_cart": "ide_p_icans_g3",
    }
    pooled = dict(ide, cart_pfs_scale="pooled_pfs_scale", cart_price="pooled_price")
    elra = {
        "hr_pfs_bsab": "elra_hr_pfs",
        "bsab_dose_cost": "elra_dose_cost",
        "bsab_stepup_drug_cost": "elra_stepup_drug_cost",
        "bsab_stepup_admins": "elra_stepup_admins",
        "bsab_stepup_inpatient_days": "elra_stepup_inpatient_days",
        "bsab_switch_weeks": "elra_switch_weeks",
        "bsab_q2w_share": "elra_q2w_share",
        "bsab_ttd_median": "elra_ttd_median",
        "p_crs_bsab": "elra_p_crs",
        "p_crs_g3_bsab": "elra_p_crs_g3",
        "p_ivig_bsab": "elra_p_ivig",
    }
    return (
        S(
            "CAR-T product: ide-cel",
            ide,
            "Ide-cel (KarMMa, >= 3 prior lines): exponential PFS median 8.8 months, "
            "OS median 24.8 months, KarMMa safety, 49-day vein-to-vein time, placeholder price (G)",
        ),
        S(
            "CAR-T product: pooled BCMA CAR-T",
            pooled,
            "Pooled BCMA CAR-T profile (meta-analysis of 20 studies, "
            "n=447: response 84%, CR 43%, median PFS 11 months), the same post-relapse course as every CAR-T, "
            "ide-cel safety, class placeholder price",
        ),
        S(
            "Bispecific product: elranatamab",
            elra,
            "Elranatamab (MagnetisMM-3; MAIC vs LocoMMotion PFS HR 0.32, "
            "OS HR 0.50), 76 mg weekly, every 2 weeks after 24 weeks, placeholder prices (G)",
        ),
        S(
            "Bispecific: teclistamab trial medians",
            {"hr_pfs_bsab": "tec_trial_hr_pfs"},
            "Teclistamab PFS and OS from MajesTEC-1 itself (median PFS 11.3 months, P; median OS 22.2 months, V) "
            "instead of the RWPC curve x adjusted hazard ratios (OS HR 0.82, 95% CI 0.59-1.14)",
        ),
        S(
            "Real-world CAR-T pathway",
            {
                "p_not_infused": 0.075,
                "cart_pfs_shape": 1,
                "cart_pfs_scale": "cilta_rw_pfs_scale",
                "cart_cure_fraction": 0,
            },
            "Real world with real world: 7.5% never infused (US real-world cilta-cel, 236/255) and the real-world "
            "PFS (68% at 12 months, Sidana et al., Blood 2025) instead of CARTITUDE-1's 16/113 and its PFS",
        ),
        S(
            "Dropout 7.5% with trial efficacy",
            {"p_not_infused": 0.075},
            "The real-world dropout paired with the trial PFS (mixed sources; the earlier base case), for comparison",
        ),
        S(
            "Discounting 2016 guideline (4% / 1.5%)",
            {"settings.discount_rate_costs": 0.04, "settings.discount_rate_effects": 0.015},
            "Dutch 2016 guideline discount rates instead of the 2024 rates (3% / 1.5%)",
        ),
        S(
            "CAR-T cure plateau",
            {"cart_pfs_plateau": 2},
            "Cilta-cel PFS with a plateau: the mixture cure Weibull fitted to the CARTITUDE-1 points "
            "(maximum-likelihood fit) instead of the exponential fit",
        ),
        S("Re-dosing price 50%", {"redose_price_share": 0.5}, "Further courses at half the product price"),
        S("Re-dosing efficacy HR 1.0", {"hr_redose": 1.0}, "A further course has no effect on the ongoing hazard"),
        S("Re-dosing efficacy HR 0.5", {"hr_redose": 0.5}, "A further course halves the ongoing hazard"),
        S(
            "Re-dosing restarts the remission clock",
            {"redose_restarts_clock": 1, "hr_redose": 1.5},
            "The earlier reading: each course restarts the PFS curve (its early, higher hazard) with hazard x 1.5 "
            "(anchors: shorter remissions on BCMA re-exposure after relapse)",
        ),
        S(
            "Re-dosing with a different CAR-T product",
            {"redose_price": "ide_price", "hr_redose": 1.0},
            "Further courses with ide-cel after cilta-cel (a different BCMA CAR-T product; price ide_price, G), "
            "efficacy HR 1.0 (A: no data on switching products)",
        ),
        S(
            "Bispecific: stop in CR",
            {"bsab_stop_in_cr": 1},
            "Fixed duration: those with >= CR for 6 months stop at the switch week instead of continuing every 2 "
            "weeks (treatment-free until progression, progression hazard unchanged, A)",
        ),
        S(
            "Step-up dosing 10 inpatient days",
            {"tec_stepup_inpatient_days": 10.0},
            "Step-up admission of 10 days (IQVIA claims mean 10.1 days for teclistamab)",
        ),
        S(
            "Step-up dosing outpatient",
            {"p_stepup_inpatient": 0.0},
            "Outpatient step-up dosing: admitted only for CRS (31.6% x 2 days, Sandahl 2025)",
        ),
        S(
            "Teclistamab price -40%",
            {"tec_price_per_mg": round(0.6 * TEC_PRICE_EUROPE, 2)},
            "The > 40% price decrease that ZIN set as the condition for reimbursement (14 Apr 2025) applied to the "
            "base-case price (the Swiss list price in euros, G for the Dutch price)",
        ),
        S(
            "Teclistamab price: US list price",
            {"tec_price_per_mg": TEC_PRICE_US},
            "Teclistamab at the US launch price (USD 39,500 a month, 2022, V), about twice the Swiss list price of "
            "the base case: the upper end of the price uncertainty that decides the primary pair",
        ),
        S(
            "Start age 68",
            {"settings.start_age": 68.0, "settings.horizon_years": 32.0},
            "Start age of LocoMMotion (median 68); horizon to age 100",
        ),
        S(
            "Life table AG2024",
            {"settings.life_table": "nl_ag2024"},
            "General-population mortality from the AG2024 projection for 2024 (ages to 120)",
        ),
        *sequence_and_cost_scenarios(),
    )


def sequence_and_cost_scenarios() -> tuple[Scenario, ...]:
    """Scenarios for the sequences and the costs added in issue 13 (hecon.examples.rrmm.sequences,
    care_costs, unrelated_costs, subsequent)."""
    S = Scenario
    no_paid: dict[str, Expr] = dict.fromkeys(("paid_under_70", "paid_70_79", "paid_80_89", "paid_90_plus"), 0.0)
    return (
        S(
            "Sequences: second therapy with first-line efficacy",
            {"prior_bcma_efficacy": 0},
            "The second BCMA-directed therapy as effective as in BCMA-naive patients (teclistamab RWPC x HR 0.43; "
            "cilta-cel CARTITUDE-1 exponential), instead of the efficacy after prior BCMA therapy: what the reduced "
            "efficacy costs; the bispecific after CAR-T relapse is one piece shared by every CAR-T strategy, so the "
            "one-time and re-dosing CAR-T's bispecific salvage changes too",
        ),
        S(
            "Sequences: fewer receive the second therapy",
            {"p_bsab_after_cart": 0.5, "p_cart_after_bsab": 0.3},
            "50% start the bispecific after CAR-T relapse, 30% are apheresed after the bispecific (A, low ends)",
        ),
        S(
            "Sequences: more receive the second therapy",
            {"p_bsab_after_cart": 0.95, "p_cart_after_bsab": 0.85},
            "95% start the bispecific after CAR-T relapse, 85% are apheresed after the bispecific (A, high ends)",
        ),
        S(
            "Survival after progression on physician's choice calibrated to LocoMMotion's OS",
            {"pps_rate_rwpc": "(1 - f_pfs_death_rwpc) / (1 / os_rwpc_exp_rate - 1 / pfs_rwpc_exp_rate)"},
            "The former base case: the post-progression hazard after physician's choice solved so that the model's "
            "mean OS equals that of the exponential OS fit to LocoMMotion (mean OS = mean PFS + (1 - f_pfs_death_rwpc) "
            "x mean post-progression survival), instead of MAMMOTH's 8.6 months; LocoMMotion's OS is then its target, "
            "not its check",
        ),
        S(
            "Sequences: survival after the last BCMA line 17.9 months",
            {"pps_median_last_bcma": 17.9},
            "Survival after the second BCMA-directed therapy as after CAR-T relapse (Van Oekelen 2023) instead of "
            "11.3 months after teclistamab failure (Yu 2025)",
        ),
        S(
            "Bispecific share of salvage after CAR-T relapse 0%",
            {"w_bsab_after_cart_relapse": 0.0},
            "No bispecific in the salvage after CAR-T relapse (non-BCMA salvage only: the basket, survival as after "
            "physician's choice), in the one-time and re-dosing CAR-T strategies",
        ),
        S(
            "CAR-T procedure costs bottom-up",
            {"cart_procedure_nl": 0},
            "Lymphodepletion as 3 day treatments and no separate infusion cost, instead of the Dutch CEA's "
            "procedure costs (PMC7497258)",
        ),
        S(
            "CAR-T caregiver 8 hours a day",
            {"caregiver_hours_per_day": 8.0},
            "Only 8 hours a day of the caregiver's presence in the first 4 weeks valued as informal care",
        ),
        S(
            "No unrelated medical costs",
            no_paid,
            "Unrelated medical costs in life-years lived left out (the 2016 practice; the 2024 guideline asks for "
            "them)",
        ),
    )


def thresholds() -> tuple[ThresholdQuery, ...]:
    """Prices at which each strategy would meet the reference value that fits the disease burden,
    within the decision (RWPC is a reference strategy, outside it): CAR-T's price against the
    weekly bispecific, and the bispecific's price against one-time CAR-T."""
    return (
        ThresholdQuery("cilta_price", "One-time CAR-T", "Weekly bispecific", lower=0.0, upper=1_000_000.0),
        ThresholdQuery("tec_price_per_mg", "Weekly bispecific", "One-time CAR-T", lower=0.0, upper=200.0),
        ThresholdQuery("redose_price_share", "Annual CAR-T re-dosing", "One-time CAR-T", lower=0.0, upper=1.0),
    )
