"""BCMA CAR-T: the products (cilta-cel in the base case; ide-cel and a pooled BCMA CAR-T profile
as scenarios), the class selectors that the product scenarios re-point, and the pathway
(apheresis -> bridging -> lymphodepletion/infusion -> admission -> recovery).

Sources: CARTITUDE-1 (Madduri et al., ASH 2020; final analysis, ASCO 2023; Jagannath et al., JCO
2025) and CARTITUDE-4 for cilta-cel; KarMMa (Munshi et al., NEJM 2021; Anderson et al., ASCO 2021)
and KarMMa-3 for ide-cel; a meta-analysis of 20 BCMA CAR-T studies (pooled profile); Van Oekelen
et al., Blood 2023 (survival after relapse, an external check); US real-world cilta-cel (Sidana et al., Blood 2025);
Logue et al., Blood Adv 2022 (infections, IVIG); the US National Inpatient Sample (length of stay);
Zorginstituut Nederland's package advice of 2022 (cilta-cel price); the ide-cel price is a gap
(tag G).
"""

from __future__ import annotations

import math

from hecon.examples.rrmm.common import CARTITUDE_LT, P, beta, beta_se, gamma_se, lognormal
from hecon.examples.rrmm.fitted import aic_table, cure_fraction_expression, cure_names, exp_rate_name
from hecon.model.spec import Distribution, Parameter

CURE = cure_names("pfs_cilta")


def parameters() -> list[Parameter]:
    """Products, class selectors and pathway, in that order."""
    return _products() + _class_selectors() + _pathway()


def _plateau_source() -> str:
    """Source text of ``cart_pfs_plateau``: both alternatives are fitted to every published PFS point."""
    aic = aic_table()["pfs_cilta"]
    return (
        "A: equal weights; the exponential and the mixture cure Weibull are both fitted to every published "
        "cilta-cel PFS point up to 60 months (PFS(12), PFS(24), the median and PFS(60) = 32/97, Jagannath, JCO "
        "2025: the 5-year point is one of the fitted points, not an external check), which cannot discriminate "
        f"them (AIC {aic['exp']:.1f} exponential vs {aic['weibull cure']:.1f} cure: the cure model's two extra "
        "parameters buy no better fit). Base case: no plateau (lowest AIC); the PSA averages both and shows each"
    )


#: CARTITUDE-1's deaths after infusion (97 infused; Lin Y et al., ASCO 2023, final analysis, median follow-up 33.4
#: months; J&J Medical Information, "CARVYKTI - Adverse Event - Mortality", Table "CARTITUDE-1: Deaths", version
#: of 11/06/2024): 35 deaths, 17 of progressive disease (days 253-980) and 18 of adverse events, with the day of
#: each death after infusion below (12 unrelated, 6 treatment-related). The page's 2025 version gives CARTITUDE-1's
#: follow-up as 29.9 months, which is CARTITUDE-2 cohort A's (Hillengass 2023) on the same page: 33.4 is used (V).
CARTITUDE1_AE_DEATH_DAYS = (45, 99, 109, 119, 121, 162, 247, 418, 445, 582, 718, 733, 793, 803, 829, 887, 917, 945)
CARTITUDE1_INFUSED, CARTITUDE1_FOLLOW_UP = 97, 33.4
#: Days per month of the death days (the model's months, 365.25 / 12).
_DAYS_PER_MONTH = 30.4375


def ae_deaths(start_month: float, end_month: float) -> int:
    """CARTITUDE-1's deaths from adverse events (not from progression) in [start_month, end_month) after infusion."""
    return sum(start_month <= d / _DAYS_PER_MONTH < end_month for d in CARTITUDE1_AE_DEATH_DAYS)


def nrm_rate(start_month: float, end_month: float) -> tuple[float, int, float]:
    """Death rate before progression [per month] from ``start_month`` to ``end_month`` after a CAR-T infusion, and
    the deaths and progression-free person-months it rests on: CARTITUDE-1's adverse-event deaths in the window
    (:func:`ae_deaths`; A: all before progression, the source does not say) over the person-months that its 97
    infused spend alive and progression-free in the window on the fitted exponential PFS (rate r):
    97 (exp(-start r) - exp(-end r)) / r. Everyone is counted to the median follow-up (A)."""
    rate = chosen_pfs_rate()
    deaths = ae_deaths(start_month, end_month)
    exposure = CARTITUDE1_INFUSED * (math.exp(-start_month * rate) - math.exp(-end_month * rate)) / rate
    return deaths / exposure, deaths, exposure


def chosen_pfs_rate() -> float:
    """The exponential rate of cilta-cel PFS fitted to the CARTITUDE-1 points [per month]."""
    from hecon.examples.rrmm.fitted import chosen_fits

    return chosen_fits("pfs_cilta")[0].estimates["rate"]


_DEATHS_SOURCE = (
    f"CARTITUDE-1's deaths from adverse events by day after infusion (97 infused; Lin et al., ASCO 2023, median "
    f"follow-up {CARTITUDE1_FOLLOW_UP} months; J&J Medical Information, CARVYKTI - Adverse Event - Mortality, table "
    "CARTITUDE-1: Deaths)"
)


def _nrm_row(name: str, start: float, end: float, desc: str) -> Parameter:
    """A death rate before progression from CARTITUDE-1's adverse-event deaths in [start, end) months."""
    rate, deaths, exposure = nrm_rate(start, end)
    return P(
        name,
        rate,
        "per month",
        desc,
        f"D: {_DEATHS_SOURCE}: {deaths} died of adverse events from month {start:g} to {end:g}, over "
        f"{CARTITUDE1_INFUSED} x (exp(-{start:g} r) - exp(-{end:g} r)) / r = {exposure:.0f} person-months "
        f"progression-free (r = {chosen_pfs_rate():.4f}/month, the exponential PFS fit; everyone followed to the "
        "median follow-up, A; every adverse-event death counted as before progression, A: the source does not say) "
        f"= {rate:.5f}/month. The same trial as the PFS (one source set); not fitted to any OS value. PSA: gamma "
        f"with SE = rate / sqrt({deaths}) (Poisson count)",
        gamma_se(rate, rate / math.sqrt(deaths)),
        rate * 0.5,
        rate * 1.5,
    )


def _nrm() -> list[Parameter]:
    """Deaths before progression after a CAR-T infusion: year 1 and after, both from CARTITUDE-1's death table."""
    until = P(
        "nrm_cart_late_until",
        CARTITUDE1_FOLLOW_UP,
        "months",
        "Months after a CAR-T infusion up to which the death rate before progression after year 1 applies (general-population mortality after)",
        f"A: the end of the evidence, CARTITUDE-1's median follow-up of {CARTITUDE1_FOLLOW_UP} months (Lin et al., "
        "ASCO 2023); no death rate before progression beyond it was found (G), so it is not extrapolated; the "
        "whole horizon is the DSA's upper end",
        None,
        24.0,
        444.0,
    )
    return [
        _nrm_row(
            "nrm_cart_y1_rate",
            0.0,
            12.0,
            "Death rate before progression in the first 12 months after a CAR-T infusion (non-relapse mortality)",
        ),
        until,
        _nrm_row(
            "nrm_cart_late_rate",
            12.0,
            CARTITUDE1_FOLLOW_UP,
            "Death rate before progression from 12 months after a CAR-T infusion (non-relapse mortality after year 1)",
        ),
    ]


def _products() -> list[Parameter]:
    """CAR-T products: cilta-cel (base case), ide-cel and pooled BCMA CAR-T (scenarios)."""
    return [
        # cilta-cel (base case)
        P(
            "cart_pfs_plateau",
            1,
            "alternative number",
            "Cilta-cel PFS plateau: 1 none (exponential fit), 2 plateau (mixture cure Weibull fit)",
            _plateau_source(),
            Distribution("discrete", {"no_plateau": 0.5, "plateau": 0.5}),
            1,
            2,
        ),
        P(
            "cilta_pfs_shape",
            f"if_else(cart_pfs_plateau == 2, {CURE['shape']}, 1)",
            "shape",
            "Weibull shape of cilta-cel PFS (flexsurv weibull; 1 = the exponential fit)",
            "D: selects the maximum-likelihood fit by cart_pfs_plateau",
        ),
        P(
            "cilta_pfs_scale",
            f"if_else(cart_pfs_plateau == 2, {CURE['scale']}, 1 / {exp_rate_name('pfs_cilta')})",
            "months",
            "Weibull scale of cilta-cel PFS (of the uncured with the plateau)",
            "D: selects the maximum-likelihood fit by cart_pfs_plateau",
        ),
        P(
            "cilta_cure_fraction",
            f"if_else(cart_pfs_plateau == 2, {cure_fraction_expression('pfs_cilta')}, 0)",
            "share",
            "Cilta-cel cure fraction (0 without the plateau)",
            "D: the mixture cure Weibull fit's theta (maximum-likelihood fit) when cart_pfs_plateau is 2",
        ),
        P(
            "cilta_os_median",
            60.7,
            "months",
            "Cilta-cel median OS (infused): external check of the model OS (not in transitions)",
            f"P: {CARTITUDE_LT}; 95% CI 41.9-NE",
        ),
        P(
            "cilta_os_s12",
            0.885,
            "share",
            "Cilta-cel OS at 12 months: external check of the model OS (not in transitions)",
            "P: Madduri et al., ASH 2020 (CARTITUDE-1, mFU 12.4 mo); 95% CI 80.2-93.5%",
        ),
        P(
            "cilta_price",
            420000.0,
            "EUR per infused patient",
            "Cilta-cel (Carvykti) price per infusion",
            "P: manufacturer's asking price, Zorginstituut Nederland package advice 20 Oct 2022; "
            "list price in 2022 euros, not indexed; net price after the 2025 negotiation is confidential (G)",
            None,
            336000.0,
            504000.0,
        ),
        P(
            "cilta_v2v_days",
            44.0,
            "days",
            "Cilta-cel apheresis-to-infusion (vein-to-vein) time",
            "V: CARTITUDE-4 median 44 days (range 25-127), Transplant Cell Ther 2024;30(1):17, Table 3; confirm with "
            "Dutch centres (G)",
            None,
            28.0,
            70.0,
        ),
        P(
            "cilta_p_bridging",
            0.75,
            "share",
            "Share receiving bridging therapy (cilta-cel)",
            "P: Berdeja et al., Lancet 2021 (CARTITUDE-1): 75% received bridging therapy",
            beta(73, 24),
        ),
        P(
            "cilta_p_crs",
            92 / 97,
            "share",
            "CRS any grade after cilta-cel",
            "P: Berdeja et al., Lancet 2021 (CARTITUDE-1): CRS in 92 of 97 infused",
            beta(92, 5),
        ),
        P(
            "cilta_p_crs_g3",
            4 / 97,
            "share",
            "CRS grade >= 3 after cilta-cel",
            "P: Berdeja et al., Lancet 2021 (CARTITUDE-1): CRS grade >= 3 in 4 of 97",
            beta(4, 93),
        ),
        P(
            "cilta_p_icans",
            0.14,
            "share",
            "ICANS any grade after cilta-cel",
            "P: US real-world cilta-cel 14% (Sidana et al., Blood 2025;145(1):85)",
            beta_se(0.14, 0.02),
        ),
        P(
            "cilta_p_icans_g3",
            0.04,
            "share",
            "ICANS grade >= 3 after cilta-cel",
            "P: Sidana et al., Blood 2025 (4%)",
            beta_se(0.04, 0.012),
        ),
        # ide-cel (scenario)
        P(
            "ide_pfs_median",
            8.8,
            "months",
            "Ide-cel median PFS, KarMMa (>= 3 prior lines); exponential",
            "P: Munshi et al., NEJM 2021 (KarMMa, n=128); 95% CI 5.6-11.6",
            lognormal(math.log(8.8), 0.186),
        ),
        P(
            "ide_pfs_scale",
            "ide_pfs_median / log(2)",
            "months",
            "Ide-cel PFS as a Weibull with shape 1 (exponential)",
            "D: exponential scale = median / ln 2 (median 12.70 months)",
        ),
        P(
            "ide_os_median",
            24.8,
            "months",
            "Ide-cel median OS: external check of the model OS (not in transitions)",
            "P: KarMMa long-term update, Anderson et al., ASCO 2021 (mFU 24.8 mo); 95% CI 19.9-31.2",
        ),
        P(
            "ide_price",
            350000.0,
            "EUR per infused patient",
            "Ide-cel (Abecma) price per infusion",
            "G: gap, placeholder: Dutch CAR-T prices 'around EUR 350,000' (Uyl-de Groot, mednet 2023); replace with the "
            "Dutch list price (ZIN 19 May 2025: not reimbursed)",
            None,
            280000.0,
            420000.0,
        ),
        P(
            "ide_v2v_days",
            49.0,
            "days",
            "Ide-cel vein-to-vein time",
            "V: KarMMa-3 median 49 days (range 34-117), Transplant Cell Ther 2024;30(1):17, Table 3",
        ),
        P(
            "ide_p_bridging",
            0.88,
            "share",
            "Share receiving bridging therapy (ide-cel)",
            "P: Munshi et al., NEJM 2021 (KarMMa): 88% received bridging therapy",
            beta(113, 15),
        ),
        P(
            "ide_p_crs",
            107 / 128,
            "share",
            "CRS any grade after ide-cel",
            "P: Munshi et al., NEJM 2021 (KarMMa): CRS in 107 of 128",
            beta(107, 21),
        ),
        P(
            "ide_p_crs_g3",
            7 / 128,
            "share",
            "CRS grade >= 3 after ide-cel",
            "P: Munshi et al., NEJM 2021 (KarMMa): CRS grade >= 3 in 7 of 128",
            beta(7, 121),
        ),
        P(
            "ide_p_icans",
            0.18,
            "share",
            "Neurotoxicity any grade after ide-cel",
            "P: Munshi et al., NEJM 2021 (KarMMa): neurotoxicity 18%",
            beta_se(0.18, 0.034),
        ),
        P(
            "ide_p_icans_g3",
            0.03,
            "share",
            "Neurotoxicity grade >= 3 after ide-cel",
            "P: Munshi et al., NEJM 2021 (KarMMa): neurotoxicity grade 3 in 3%",
            beta_se(0.03, 0.015),
        ),
        # pooled BCMA CAR-T profile (scenario)
        P(
            "pooled_pfs_median",
            11.0,
            "months",
            "Median PFS of the pooled BCMA CAR-T profile (response 84%, CR 43%); exponential",
            "G: meta-analysis of 20 BCMA CAR-T studies, n=447, as quoted in the clinician interview; the primary "
            "publication was not identified (published values, but no citation to give)",
        ),
        P(
            "pooled_pfs_scale",
            "pooled_pfs_median / log(2)",
            "months",
            "Pooled profile PFS as a Weibull with shape 1",
            "D: median / ln 2",
        ),
        P(
            "pooled_price",
            350000.0,
            "EUR per infused patient",
            "Price per infusion, pooled BCMA CAR-T profile",
            "A: class placeholder EUR 350,000 per infused patient (scenario +-20%)",
        ),
    ]


def _class_selectors() -> list[Parameter]:
    """CAR-T class selectors (the product scenarios re-point these)."""
    return [
        P(
            "cart_pfs_shape",
            "cilta_pfs_shape",
            "shape",
            "Weibull shape of the CAR-T PFS curve (from infusion)",
            "D: selects the product (base case cilta-cel)",
        ),
        P(
            "cart_pfs_scale",
            "cilta_pfs_scale",
            "months",
            "Weibull scale of the CAR-T PFS curve",
            "D: product selector",
        ),
        P(
            "cart_cure_fraction",
            "cilta_cure_fraction",
            "share",
            "Mixture-cure fraction of the CAR-T PFS curve (0 = no plateau)",
            "D: product selector (cilta-cel: cilta_cure_fraction, set by cart_pfs_plateau; 0 for the others)",
        ),
        P(
            "cart_pfs_hr_psa",
            1.0,
            "hazard ratio",
            "Multiplier on the CAR-T PFS hazard: 1 (one-way sensitivity analysis only)",
            "A: the PSA carries the curve's uncertainty by the fit's own distribution (maximum-likelihood fit); "
            "DSA range: the relative uncertainty of the adjusted PFS HR of cilta-cel vs RWPC (Martin et al., EJHaem 2022;3(1):97, "
            "Table 3)",
            None,
            0.66,
            1.5,
        ),
        *_nrm(),
        P(
            "cart_price",
            "cilta_price",
            "EUR per infusion",
            "CAR-T product price per infusion",
            "D: product selector",
        ),
        P("cart_v2v_days", "cilta_v2v_days", "days", "Vein-to-vein time", "D: product selector"),
        P("p_bridging", "cilta_p_bridging", "share", "Share receiving bridging therapy", "D: product selector"),
        P("p_crs_cart", "cilta_p_crs", "share", "CRS any grade per CAR-T course", "D: product selector"),
        P("p_crs_g3_cart", "cilta_p_crs_g3", "share", "CRS grade >= 3 per CAR-T course", "D: product selector"),
        P("p_icans_cart", "cilta_p_icans", "share", "ICANS any grade per CAR-T course", "D: product selector"),
        P(
            "p_icans_g3_cart",
            "cilta_p_icans_g3",
            "share",
            "ICANS grade >= 3 per CAR-T course",
            "D: product selector",
        ),
    ]


def _pathway() -> list[Parameter]:
    """CAR-T pathway (apheresis -> bridging -> lymphodepletion/infusion -> admission -> recovery)."""
    return [
        P(
            "p_not_infused",
            "16 / 113",
            "share",
            "Share of apheresed patients never infused (mostly progression or death while waiting; manufacturing "
            "failure is rare); they enter progression after physician's choice, not progression-free",
            "P: CARTITUDE-1, 97 of 113 apheresed infused (16/113 = 14.2%): the trial whose efficacy the CAR-T "
            "curve uses (trial with trial); the real-world pairing (US real-world cilta-cel 236/255 infused, 7.5%, "
            "with real-world PFS, Sidana et al., Blood 2025) is the scenario 'Real-world CAR-T pathway'; other "
            "trials 8.6-15.4% (KarMMa 12/140, KarMMa-3 29/254, CARTITUDE-4 32/208)",
            beta(16, 97),
            0.075,
            0.154,
        ),
        P(
            "cilta_rw_pfs_s12",
            0.68,
            "share",
            "Real-world cilta-cel PFS at 12 months (from infusion), for the real-world pathway scenario",
            "P: Sidana et al., Blood 2025;145(1):85 (16 US centres, mFU 13 mo; 95% CI 62-74%)",
        ),
        P(
            "cilta_rw_pfs_scale",
            "-12 / log(cilta_rw_pfs_s12)",
            "months",
            "Exponential scale (Weibull shape 1) through the real-world PFS at 12 months (scenario)",
            "D: S(12) = exp(-12 / scale); one published point, no number at risk published, so no fit",
        ),
        P(
            "cart_los_days",
            15.0,
            "days",
            "Length of stay of the index admission (lymphodepletion, infusion, CRS/ICANS monitoring)",
            "P: US National Inpatient Sample, MM CAR-T admissions 2018-2022 (n=1890), mean LOS 15 d "
            "(IQR 11-22). PSA: Gamma(15, SE 3 A)",
            gamma_se(15.0, 3.0),
            11.0,
            22.0,
        ),
        P(
            "p_icu_cart",
            0.10,
            "share",
            "Share of CAR-T courses with ICU admission",
            "A: not found for myeloma (lymphoma cohorts 27-35%, V: Crit Care 2024 review); range 5-35%",
            beta_se(0.10, 0.04),
            0.05,
            0.35,
        ),
        P(
            "icu_days_cart",
            5.0,
            "days",
            "ICU days per ICU admission (within the length of stay)",
            "A: assumption (range 2-10)",
            gamma_se(5.0, 1.5),
            2.0,
            10.0,
        ),
        P(
            "p_tocilizumab_cart",
            0.49,
            "share",
            "Share of CAR-T courses with tocilizumab within 30 days",
            "P: MM CAR-T cohort n=101, Blood Cancer J 2024 (s41408-024-01048-0)",
            beta(49, 52),
        ),
        P(
            "p_subseq_cart",
            58 / 68,
            "share",
            "Share of progressed patients (after CAR-T) on a subsequent line",
            "P: post-CAR-T relapse, 58/68 treated (Blood Adv 2024;8(9):2207)",
            beta(58, 10),
        ),
        P(
            "cart_recovery_weeks",
            11.0,
            "weeks",
            "Recovery after discharge (cytopenias, infections, IVIG, weekly "
            "visits); treatment-free time starts at infusion + admission + recovery",
            "A: model definition: CAR-T treatment-free interval starts at infusion + 3 months (= 2-week admission + 11 "
            "weeks); grade >= 3 cytopenia persists at day 30 in 65% and day 90 in 40% (Logue et al., Blood Adv "
            "2022;6(24):6109); interview: 1-2 months",
            None,
            4.0,
            13.0,
        ),
        P(
            "cart_followup_visits_per_week",
            1.0,
            "visits per week",
            "Outpatient visits (with labs) per week during recovery",
            "A: weekly outpatient visit + labs in months 1-3",
            None,
            0.5,
            2.0,
        ),
        P(
            "cart_serious_infections",
            0.23,
            "per infused patient",
            "Serious (grade >= 3) infections in the first 100 days after infusion, charged during recovery",
            "P: standard-of-care ide-cel, 23% grade >= 3 by day 100 "
            "(Logue et al., Blood Adv 2022); cilta-cel grade 3-4 pneumonia 8.2%, sepsis 4.1% (Madduri, ASH 2020)",
            beta_se(0.23, 0.04),
        ),
        P(
            "p_ivig_cart_recovery",
            0.13,
            "share",
            "Share on IVIG during recovery",
            "P: Logue et al., Blood Adv 2022 (IVIG 13% by day 100)",
            beta_se(0.13, 0.03),
        ),
        P(
            "p_ivig_cart_late",
            22 / 47,
            "share",
            "Share on IgG replacement in months 4-8 after infusion",
            "P: EJHP 2024;31(Suppl 1):A208: 22/47 patients, median start day 123, IgG recovery about month 8",
            beta(22, 25),
        ),
        P(
            "ivig_late_start_weeks",
            17.0,
            "weeks",
            "Start of late IgG replacement after infusion",
            "P: median start day 123 (EJHP 2024) = 17.6 weeks",
        ),
        P(
            "ivig_late_end_weeks",
            35.0,
            "weeks",
            "End of late IgG replacement after infusion",
            "P: IgG recovery about month 8 (EJHP 2024) = 35 weeks",
        ),
        P(
            "informal_care_hours_cart",
            "caregiver_hours_per_day * 7",
            "hours per week",
            "Informal care in the first weeks after each CAR-T infusion",
            "D: caregiver hours per day x 7 (was 40 h/week, A)",
        ),
        P(
            "informal_care_weeks_cart",
            4.0,
            "weeks",
            "Weeks of informal care after each CAR-T infusion",
            "A: authors' assumption (societal resource use)",
        ),
        P(
            "unscheduled_contacts_125d",
            3.7,
            "contacts per patient",
            "Unscheduled care contacts (emergency visits) in the first 125 days of bispecific or CAR-T treatment",
            "P: Blood Adv 2024;8(12):3246 (mean 3.7; 89% >= 1); A: same rate for both classes, CAR-T from discharge",
            gamma_se(3.7, 0.74),
        ),
        P(
            "unscheduled_per_week",
            "unscheduled_contacts_125d / (125 / 7)",
            "contacts per week",
            "Unscheduled contacts per week in the first 125 days",
            "D: unscheduled_contacts_125d / (125/7)",
        ),
    ]
