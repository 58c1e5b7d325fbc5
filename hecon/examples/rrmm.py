"""The flagship example: relapsed/refractory multiple myeloma (RRMM), Dutch setting.

One-time BCMA CAR-T vs weekly BCMA x CD3 bispecific antibodies vs hypothetical annual CAR-T
re-dosing vs real-world physician's choice (RWPC), for adults after >= 3 prior lines, from the
societal perspective, lifetime horizon, 2024 euros, weekly cycles. Issue 4; inputs and sources
from ``mm-inputs.md`` (v0.2).

This file is the reviewable text source of ``inputs/rrmm_example.xlsx``: every input is one
row below with its value, unit, description and source, and the source text starts with the
evidence tag of mm-inputs.md:

* ``P:`` published value, read in the cited source
* ``V:`` published value recalled, not re-read: verify before use
* ``D:`` derived by us from P values; the method is in the text (often the formula itself)
* ``A:`` assumption, needs expert opinion; vary widely
* ``G:`` gap, no value found: a placeholder a user must replace with a local (Dutch) value

Regenerate the workbook after any change (``tests/test_rrmm.py`` checks that the committed
workbook equals this source)::

    python -m hecon.examples.rrmm inputs/rrmm_example.xlsx

The model is written entirely in hecon's model language: no code path in the engine knows
about myeloma. Structure (why each part is there is in ``ASSUMPTIONS`` below):

* The cohort is *synchronised*: everyone in a strategy starts its treatment at model time 0
  (apheresis, first step-up dose, or start of physician's choice). Treatment phases (bridging,
  admission, recovery, annual re-dosing) therefore start and end at known model times, so the
  phase transitions are conditions on ``model_time`` and no tunnel states are needed; the
  clock of a survival curve is an expression (e.g. cycles since infusion).
* Progression-free (PF) states leave to progression or death with the per-cycle PFS event
  probability of the strategy's curve (``surv_prob``), split into deaths (a share of PFS
  events, never below general-population mortality) and progressions. Progressed states have
  a constant post-progression death hazard calibrated (tag D) so that the model's median
  overall survival reproduces the source median (``calibrate_pps_median``).
* Treatment-burden flags: ``on_treatment``, ``hospitalised``, ``recovering``,
  ``progression_free``, ``treatment_free``, ``dead``; counts ``hospital_days``,
  ``administrations``, ``hospital_contacts``, ``cart_infusions``, ``serious_infections`` and
  the pair ``tf_first_entries`` / ``tf_first_entry_years`` for the mean time to the first
  treatment-free day (see :func:`tfi_metrics`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from hecon.methods.lifetable import bundled_lifetable
from hecon.model.spec import (
    START,
    Distribution,
    ModelSpec,
    Parameter,
    Scenario,
    Schedule,
    ScheduleSegment,
    Settings,
    State,
    Strategy,
    SurvivalCurve,
    ThresholdQuery,
    Transition,
    TransitionReward,
    UtilityNorm,
)

__all__ = [
    "rrmm_model",
    "main",
    "STRATEGIES",
    "STATE_GROUPS",
    "SURVIVAL_TARGETS",
    "tfi_metrics",
    "survival_curves",
    "survival_medians",
    "landmark",
    "calibrate_pps_median",
]

# ----------------------------------------------------------------------------------------
# Strategy names (RWPC first: the default comparator of `hecon run`)
# ----------------------------------------------------------------------------------------
RWPC = "RWPC"
CART = "One-time CAR-T"
BSAB = "Weekly bispecific"
REDOSE = "Annual CAR-T re-dosing"
STRATEGIES = (RWPC, CART, BSAB, REDOSE)

# ----------------------------------------------------------------------------------------
# Source texts used several times
# ----------------------------------------------------------------------------------------
MANUAL = "P: Kostenhandleiding 2024 (Zorginstituut Nederland) reference price, 2022 value x CPI 1.073 to 2024 (tatooheene df_ref_prices / df_cpi_combined); mm-inputs §7.1"
SE20 = " PSA: Gamma with SE 20% of the mean (A)."
LOCOMMOTION = "Mateos et al., Leukemia 2024;38(12):2554 (LocoMMotion final analysis, n=248, mFU 26.4 mo)"
CARTITUDE_LT = "Jagannath et al., JCO 2025;43(25):2766 (CARTITUDE-1, mFU 61.3 mo)"
KRISHNAN = "Krishnan et al., J Comp Eff Res 2023;12(6):e220186 (teclistamab vs RWPC, IPTW)"
ELRA_MAIC = "J Comp Eff Res 2025, doi 10.57264/cer-2024-0236 (elranatamab vs LocoMMotion MAIC, 28.4-mo data)"
HOWELL = "Howell et al., Pharmacoecon Open 2022;6(3):367 (UK TTO, CAR-T AE vignettes; QALY loss over the vignette year)"
CALIBRATED = (
    "D: calibrated by bisection with hecon.examples.rrmm.calibrate_pps_median so that the model's median "
    "overall survival equals {target} (constant post-progression death hazard = ln 2 / this median; "
    "general-population mortality as a floor)"
)


def _dist(kind: str, **args: float) -> Distribution:
    return Distribution(kind, dict(args))


def beta(alpha: float, beta_: float) -> Distribution:
    return _dist("beta", alpha=alpha, beta=beta_)


def beta_se(mean: float, se: float) -> Distribution:
    return _dist("beta", mean=mean, se=se)


def gamma_se(mean: float, se: float) -> Distribution:
    return _dist("gamma", mean=mean, se=se)


def lognormal(meanlog: float, sdlog: float) -> Distribution:
    return _dist("lognormal", meanlog=meanlog, sdlog=sdlog)


def lognormal_se(mean: float, se: float) -> Distribution:
    return _dist("lognormal", mean=mean, se=se)


def P(
    name: str,
    value: Any,
    unit: str,
    description: str,
    source: str,
    dist: Distribution | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Parameter:
    """One parameter row: name | value | unit | description | source | PSA | DSA range.
    A parameter with a DSA range is flagged for the one-way sensitivity analysis."""
    return Parameter(name, value, unit, description, source, dist, low, high, dsa=low is not None and high is not None)


def price(name: str, value: float, unit: str, description: str, source: str = MANUAL) -> Parameter:
    """A Dutch reference unit price (Costing Manual 2024) with Gamma(SE 20%) and DSA +-20%."""
    return P(
        name,
        value,
        unit,
        description,
        source + "." + SE20,
        gamma_se(value, round(0.2 * value, 4)),
        round(0.8 * value, 4),
        round(1.2 * value, 4),
    )


# ----------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------
def _parameters() -> tuple[Parameter, ...]:
    rows: list[Parameter] = []
    add = rows.extend

    # -- population, units and time structure ------------------------------------------
    add(
        [
            P(
                "p_male",
                0.59,
                "share",
                "Share of men at start (used by the life table through settings.proportion_male)",
                "P: CARTITUDE-1, 57/97 male (EJHaem 2021;3(1):97, doi 10.1002/jha2.312, Table 1)",
                beta(57, 40),
            ),
            P(
                "body_weight_kg",
                69.0,
                "kg",
                "Body weight for weight-based dosing (teclistamab, IVIG, tocilizumab)",
                "P: MajesTEC-1 pooled global trial cohort median 69 kg (Martin et al., Cancer 2026;132:e70237); range 58-80 A",
                None,
                58.0,
                80.0,
            ),
            P(
                "bsa_m2",
                1.9,
                "m2",
                "Body surface area for fludarabine/cyclophosphamide",
                "A: assumption (range 1.7-2.1)",
                None,
                1.7,
                2.1,
            ),
            P("days_per_month", 30.4375, "days", "Days per month (365.25 / 12)", "P: convention of mm-inputs.md"),
            P(
                "cycle_months",
                "cycle_days / days_per_month",
                "months",
                "Cycle length in months",
                "D: cycle_days / days_per_month",
            ),
            P(
                "cycle_weeks",
                "cycle_days / 7",
                "weeks",
                "Cycle length in weeks (1 with weekly cycles)",
                "D: cycle_days / 7",
            ),
        ]
    )

    # -- strategy switches (0/1; set per strategy on the StrategyParameters sheet) ---------
    add(
        [
            P(
                "start_rwpc",
                1,
                "0/1",
                "1 = the cohort starts on physician's choice (RWPC strategy)",
                "A: model structure (strategy switch)",
            ),
            P(
                "start_cart",
                0,
                "0/1",
                "1 = the cohort starts at apheresis for CAR-T (both CAR-T strategies)",
                "A: model structure (strategy switch)",
            ),
            P(
                "start_bsab",
                0,
                "0/1",
                "1 = the cohort starts bispecific step-up dosing",
                "A: model structure (strategy switch)",
            ),
            P(
                "redose",
                0,
                "0/1",
                "1 = annual CAR-T re-dosing for those alive, progression-free and eligible",
                "A: model structure (strategy switch)",
            ),
        ]
    )

    # -- real-world physician's choice (comparator; non-infused; bridging) ---------------
    add(
        [
            P(
                "median_pfs_rwpc",
                4.6,
                "months",
                "Median PFS on real-world physician's choice (exponential PFS curve)",
                f"P: {LOCOMMOTION}; 95% CI 3.9-5.6",
                lognormal(math.log(4.6), 0.092),
            ),
            P(
                "median_os_rwpc",
                13.8,
                "months",
                "Median OS on physician's choice: calibration target of pps_median_rwpc "
                "and basis of the bispecifics' OS targets (not used in transitions)",
                f"P: {LOCOMMOTION}; 95% CI 10.8-17.0",
            ),
            P(
                "f_pfs_death_rwpc",
                0.15,
                "share",
                "Share of PFS events that are deaths before progression (RWPC)",
                "A: assumption (range 0.05-0.30); no source reports the split",
                beta_se(0.15, 0.05),
                0.05,
                0.30,
            ),
            P(
                "pps_median_rwpc",
                8.57,
                "months",
                "Median post-progression survival after physician's choice (constant hazard in PD_RWPC)",
                CALIBRATED.format(target="13.8 months (LocoMMotion, median_os_rwpc)")
                + ". PSA: LogNormal with the relative SE of the OS median (A).",
                lognormal(math.log(8.57), 0.116),
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
                "c_mm_drug_month",
                3111.0,
                "EUR per month",
                "Anti-myeloma drug cost per month on treatment (RWPC regimen, bridging, subsequent lines)",
                "P: Seefat et al., Eur J Haematol 2023 (Dutch MM patients 2017-2019); price year "
                "about 2019, not indexed (G: index to 2024). PSA: Gamma, SE 20% (A)",
                gamma_se(3111.0, 622.2),
                2488.8,
                3733.2,
            ),
            P(
                "rwpc_admin_per_week",
                0.5,
                "visits per week",
                "Hospital administration visits (day treatment) per week on "
                "an RWPC regimen, bridging or a subsequent line",
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
    )

    # -- CAR-T: products ------------------------------------------------------------------
    add(
        [
            # cilta-cel (base case)
            P(
                "cilta_pfs_median",
                34.9,
                "months",
                "Cilta-cel median PFS (infused, CARTITUDE-1 final analysis)",
                "P: CARTITUDE-1 final analysis, ASCO 2023 (mFU 33.4 mo), as reported; median DOR 34 mo",
            ),
            P(
                "cilta_pfs_s24",
                0.605,
                "share",
                "Cilta-cel PFS at 24 months",
                "P: CARTITUDE-1 21.7-month update; 95% CI 48.5-70.4%",
            ),
            P(
                "cilta_pfs_shape",
                "log(log(cilta_pfs_s24) / log(0.5)) / log(24 / cilta_pfs_median)",
                "shape",
                "Weibull shape of cilta-cel PFS (flexsurv weibull), through the median and S(24)",
                "D: mm-inputs §2.6, Weibull S(t)=exp(-(t/scale)^shape) solved through S(24)=0.605 and S(34.9)=0.5 "
                "(= 0.859; implies S(60)=0.33, matching 32/97 progression-free at 5 years)",
            ),
            P(
                "cilta_pfs_scale",
                "24 / (-log(cilta_pfs_s24)) ^ (1 / cilta_pfs_shape)",
                "months",
                "Weibull scale of cilta-cel PFS",
                "D: as cilta_pfs_shape (= 53.5 months)",
            ),
            P(
                "cilta_cure_fraction",
                "32 / 97",
                "share",
                "Cilta-cel cure fraction for the plateau scenario (mixture cure)",
                f"P: {CARTITUDE_LT}: 32/97 alive and progression-free >= 5 years; used as the cure fraction (D)",
                beta(32, 65),
            ),
            P(
                "cilta_cure_shape",
                "log(log((cilta_pfs_s24 - cilta_cure_fraction) / (1 - cilta_cure_fraction)) / "
                "log((0.5 - cilta_cure_fraction) / (1 - cilta_cure_fraction))) / log(24 / cilta_pfs_median)",
                "shape",
                "Weibull shape of the uncured in the mixture-cure scenario",
                "D: uncured Weibull solved so that the mixture passes through S(24)=0.605 and S(34.9)=0.5 (implies S(60)=0.38 "
                "vs 0.33 observed: the plateau scenario is optimistic by construction)",
            ),
            P(
                "cilta_cure_scale",
                "24 / (-log((cilta_pfs_s24 - cilta_cure_fraction) / (1 - cilta_cure_fraction))) ^ "
                "(1 / cilta_cure_shape)",
                "months",
                "Weibull scale of the uncured in the mixture-cure scenario",
                "D: as cilta_cure_shape",
            ),
            P(
                "cilta_os_median",
                60.7,
                "months",
                "Cilta-cel median OS (infused): calibration target (not in transitions)",
                f"P: {CARTITUDE_LT}; 95% CI 41.9-NE",
            ),
            P(
                "cilta_os_s12",
                0.885,
                "share",
                "Cilta-cel OS at 12 months: calibration target (not in transitions)",
                "P: Madduri et al., ASH 2020 (CARTITUDE-1, mFU 12.4 mo); 95% CI 80.2-93.5%",
            ),
            P(
                "cilta_pps_median",
                26.68,
                "months",
                "Median post-progression survival after cilta-cel",
                CALIBRATED.format(
                    target="60.7 months (cilta_os_median), jointly with f_pfs_death_cart for OS(12)=0.885"
                )
                + "; cf. median OS from relapse after BCMA CAR-T 17.9-18 months (Van Oekelen, Blood 2023;141(7):756). "
                "PSA: LogNormal, sdlog 0.2 (A)",
                lognormal(math.log(26.68), 0.2),
            ),
            P(
                "cilta_price",
                420000.0,
                "EUR per infused patient",
                "Cilta-cel (Carvykti) price per infusion",
                "P: manufacturer's asking price, Zorginstituut Nederland package advice 20 Oct 2022 (shared/data/nl_prices.csv); "
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
                "P: CARTITUDE-1 75% (Blood review table)",
                beta(73, 24),
            ),
            P(
                "cilta_p_crs",
                92 / 97,
                "share",
                "CRS any grade after cilta-cel",
                "P: CARTITUDE-1 92/97 (Blood review Table 1)",
                beta(92, 5),
            ),
            P("cilta_p_crs_g3", 4 / 97, "share", "CRS grade >= 3 after cilta-cel", "P: CARTITUDE-1 4/97", beta(4, 93)),
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
                "D: exponential scale = median / ln 2 (12.70 months, mm-inputs §2.6)",
            ),
            P(
                "ide_os_median",
                24.8,
                "months",
                "Ide-cel median OS: calibration target (not in transitions)",
                "P: KarMMa long-term update, Anderson et al., ASCO 2021 (mFU 24.8 mo); 95% CI 19.9-31.2",
            ),
            P(
                "ide_pps_median",
                27.08,
                "months",
                "Median post-progression survival after ide-cel",
                CALIBRATED.format(target="24.8 months (ide_os_median) with f_pfs_death_cart")
                + ". PSA: LogNormal, sdlog "
                "0.115 (relative SE of the OS median, A)",
                lognormal(math.log(27.08), 0.115),
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
                "P: KarMMa 88% (Blood review table)",
                beta(113, 15),
            ),
            P("ide_p_crs", 107 / 128, "share", "CRS any grade after ide-cel", "P: KarMMa 107/128", beta(107, 21)),
            P("ide_p_crs_g3", 7 / 128, "share", "CRS grade >= 3 after ide-cel", "P: KarMMa 7/128", beta(7, 121)),
            P(
                "ide_p_icans",
                0.18,
                "share",
                "Neurotoxicity any grade after ide-cel",
                "P: KarMMa (NEJM 2021) 18%",
                beta_se(0.18, 0.034),
            ),
            P(
                "ide_p_icans_g3",
                0.03,
                "share",
                "Neurotoxicity grade >= 3 after ide-cel",
                "P: KarMMa 3%",
                beta_se(0.03, 0.015),
            ),
            # pooled BCMA CAR-T profile (scenario)
            P(
                "pooled_pfs_median",
                11.0,
                "months",
                "Median PFS of the pooled BCMA CAR-T profile (response 84%, CR 43%); exponential",
                "P: meta-analysis of 20 BCMA CAR-T studies, n=447, as quoted in the clinician interview "
                "(mm-inputs §0); primary publication not identified (G)",
            ),
            P(
                "pooled_pfs_scale",
                "pooled_pfs_median / log(2)",
                "months",
                "Pooled profile PFS as a Weibull with shape 1",
                "D: median / ln 2",
            ),
            P(
                "pooled_pps_median",
                17.9,
                "months",
                "Median post-progression survival, pooled profile (no OS reported)",
                "P: median OS from relapse after BCMA CAR-T 17.9 months (Van Oekelen et al., Blood 2023;141(7):756, n=79)",
            ),
            P(
                "pooled_price",
                350000.0,
                "EUR per infused patient",
                "Price per infusion, pooled BCMA CAR-T profile",
                "A: class placeholder EUR 350,000 per infused patient (mm-inputs §7.2; scenario +-20%)",
            ),
        ]
    )

    # -- CAR-T: class selectors (the product scenarios re-point these) --------------------
    add(
        [
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
                0,
                "share",
                "Mixture-cure fraction of the CAR-T PFS curve (0 = no plateau)",
                "A: base case without an explicit plateau (the Weibull already passes through 33% at 5 years); "
                "plateau scenario uses cilta_cure_fraction",
            ),
            P(
                "cart_pfs_hr_psa",
                1.0,
                "hazard ratio",
                "Multiplier on the CAR-T PFS hazard: 1 in the base case, sampled "
                "in the PSA to carry the curve's uncertainty",
                "A: no fitted curve with covariance is public (G); PSA: "
                "LogNormal(0, 0.207), the relative uncertainty of the adjusted PFS HR of cilta-cel vs RWPC "
                "(EJHaem 2021;3(1):97, Table 3)",
                lognormal(0.0, 0.207),
                0.66,
                1.5,
            ),
            P(
                "pps_median_cart",
                "cilta_pps_median",
                "months",
                "Median post-progression survival after CAR-T (constant hazard in PD_CART)",
                "D: product selector",
            ),
            P(
                "f_pfs_death_cart",
                0.379,
                "share",
                "Share of PFS events after CAR-T that are deaths before progression",
                "D: calibrated jointly with cilta_pps_median so that model OS(12 months) = 0.885 (Madduri, ASH 2020) and "
                "median OS = 60.7 months; cf. real-world non-relapse mortality 5-10% in year 1 (Sidana, Blood 2025; German "
                "registry, Blood 2025;146(14):1677) vs 24% PFS events in year 1",
                beta_se(0.379, 0.06),
                0.2,
                0.5,
            ),
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
    )

    # -- CAR-T pathway (apheresis -> bridging -> lymphodepletion/infusion -> admission -> recovery)
    add(
        [
            P(
                "p_not_infused",
                0.075,
                "share",
                "Share of apheresed patients never infused (progression, death or "
                "manufacturing failure while waiting); they follow the RWPC curves",
                "P: US real-world cilta-cel, 236/255 infused (Sidana et al., Blood 2025); trials 8.6-15.4% "
                "(KarMMa 12/140, CARTITUDE-1 16/113, KarMMa-3 29/254, CARTITUDE-4 32/208); interview ~10%",
                beta(19, 236),
                0.075,
                0.15,
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
                "A: mm-inputs §9: CAR-T treatment-free interval starts at infusion + 3 months (= 2-week admission + 11 "
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
                "A: weekly outpatient visit + labs in months 1-3 (mm-inputs §7.3)",
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
                40.0,
                "hours per week",
                "Informal care in the first weeks after each CAR-T infusion",
                "A: mm-inputs §7.4",
                None,
                20.0,
                60.0,
            ),
            P(
                "informal_care_weeks_cart",
                4.0,
                "weeks",
                "Weeks of informal care after each CAR-T infusion",
                "A: mm-inputs §7.4",
            ),
            P(
                "unscheduled_contacts_125d",
                3.7,
                "contacts per patient",
                "Unscheduled care contacts (emergency visits) in the first 125 days of bispecific or CAR-T treatment",
                "P: Blood Adv 2024;8(12):3246 (mean 3.7; 89% >= 1); "
                "A: same rate for both classes, CAR-T from discharge",
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
    )

    # -- annual CAR-T re-dosing (hypothetical; every value is an assumption) ---------------
    add(
        [
            P(
                "p_redose_eligible",
                0.8,
                "share",
                "Share of those alive and progression-free at an anniversary who get "
                "the next course (the others stop re-dosing for good)",
                "A: mm-inputs §5 (range 60-95%)",
                beta_se(0.8, 0.08),
                0.6,
                0.95,
            ),
            P(
                "hr_redose",
                1.5,
                "hazard ratio",
                "Progression hazard after each further course relative to the first course (> 1: shorter remission)",
                "A: mm-inputs §5 (range 1.0-3.0); anchors: repeat BCMA CAR-T after "
                "relapse ORR 60-89%, mPFS 8-9 months (Blood Adv 2024;8(9):2207; CARTITUDE-2 cohort C, Blood 2023;141(3):219)",
                lognormal_se(1.5, 0.4),
                1.0,
                3.0,
            ),
            P(
                "redose_restarts_clock",
                1,
                "0/1",
                "1 = each course starts a new remission (the PFS curve restarts at the "
                "course); 0 = courses act as boosters on the first remission (clock since the first infusion)",
                "A: model structure; with a decreasing hazard (Weibull shape < 1) a restart raises the hazard, so the "
                "booster scenario is the optimistic reading",
            ),
            P(
                "nrm_redose_course",
                0.05,
                "probability per course",
                "Non-relapse mortality per further course (admission and recovery)",
                "A: mm-inputs §5 (range 2-10%); first-course real-world NRM 5-10% (Sidana 2025; German registry)",
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
                "A: interview, 1-2 months (mm-inputs §5)",
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
                "share of cart_price",
                "Price of a further course relative to the first",
                "A: new apheresis and manufacture each year, full price per course (mm-inputs §5); price-model scenario 0.5",
                None,
                0.5,
                1.0,
            ),
            P(
                "p_ivig_redose",
                0.76,
                "share",
                "Share on IVIG throughout re-dosing (cumulative hypogammaglobulinaemia)",
                "A: carry IVIG for the whole strategy (mm-inputs §5); P: hypogammaglobulinaemia 76% at 1 year after one "
                "course (Kambhampati et al., Blood Adv 2022;6(7):2045)",
                beta_se(0.76, 0.05),
            ),
        ]
    )

    # -- bispecifics: products -----------------------------------------------------------
    add(
        [
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
                "OS hazard ratio teclistamab vs RWPC: sets the OS calibration target "
                "median_os_rwpc / tec_hr_os = 16.8 months (not in transitions)",
                f"P: {KRISHNAN}; 95% CI 0.59-1.14",
            ),
            P(
                "tec_pps_median",
                4.5,
                "months",
                "Median post-progression survival after teclistamab",
                CALIBRATED.format(target="median_os_rwpc / tec_hr_os = 16.8 months") + ". PSA: LogNormal, sdlog 0.168 "
                "(relative SE of the OS HR, A)",
                lognormal(math.log(4.5), 0.168),
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
                "Teclistamab median OS in MajesTEC-1: calibration target of the trial scenario (not in transitions)",
                "V: Garfall et al., ASCO 2024 (mFU 30.4 mo); not re-read, verify",
            ),
            P(
                "tec_trial_hr_pfs",
                "median_pfs_rwpc / tec_trial_pfs_median",
                "hazard ratio",
                "PFS hazard ratio that turns the RWPC curve into the trial's exponential PFS (scenario)",
                "D: ratio of exponential medians (4.6 / 11.3)",
            ),
            P(
                "tec_trial_pps_median",
                8.61,
                "months",
                "Median post-progression survival after teclistamab, trial scenario",
                CALIBRATED.format(target="22.2 months (tec_trial_os_median)"),
            ),
            P(
                "tec_full_mg_per_kg",
                1.5,
                "mg/kg",
                "Teclistamab full dose, weekly SC",
                "P: Tecvayli product text (compendium.ch) and MajesTEC-1 methods",
            ),
            P("tec_step1_mg_per_kg", 0.06, "mg/kg", "Teclistamab step-up dose 1 (day 1)", "P: Tecvayli product text"),
            P("tec_step2_mg_per_kg", 0.3, "mg/kg", "Teclistamab step-up dose 2 (day 4)", "P: Tecvayli product text"),
            P(
                "tec_vial_small_mg",
                30.0,
                "mg",
                "Teclistamab vial 30 mg/3 mL",
                "P: openFDA NDC listing; Swiss compendium",
            ),
            P(
                "tec_vial_large_mg",
                153.0,
                "mg",
                "Teclistamab vial 153 mg/1.7 mL",
                "P: openFDA NDC listing; Swiss compendium",
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
                70.0,
                "EUR per mg",
                "Teclistamab price per mg",
                "G: gap, placeholder: US launch price about USD 39,500 per month (V, 2022) x 0.92 EUR/USD (A) / 4.35 doses "
                "/ 120 mg; Swiss price CHF 943.95 per 30 mg (P, compendium.ch) is about half. Replace with the Dutch "
                "list price (ZIN 14 Apr 2025: reimburse only after a > 40% price decrease)",
                None,
                35.0,
                80.0,
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
                "P: Tecvayli product text (step-up 1, step-up 2, first full dose within week 1)",
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
                "tec_switch_weeks",
                36.0,
                "weeks",
                "Week of the switch to every-2-weeks dosing for those who qualify",
                "A: EU label requires >= CR maintained >= 6 months (P, compendium.ch); assumes CR by about month 2-3",
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
                "OS hazard ratio elranatamab vs LocoMMotion: OS calibration target 27.6 months (not in transitions)",
                f"P: {ELRA_MAIC}; 95% CI 0.33-0.78",
            ),
            P(
                "elra_pps_median",
                10.38,
                "months",
                "Median post-progression survival after elranatamab",
                CALIBRATED.format(target="median_os_rwpc / elra_hr_os = 27.6 months")
                + ". PSA: LogNormal, sdlog 0.219 (A)",
                lognormal(math.log(10.38), 0.219),
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
                "P: 76 mg SC weekly, Elrexfio EU SmPC",
            ),
            P(
                "elra_stepup_drug_cost",
                "2 * elra_price_44mg",
                "EUR",
                "Elranatamab step-up week drug cost (12 mg day 1, 32 mg day 4, one 44 mg vial each)",
                "P: Elrexfio EU SmPC; A: no vial sharing",
            ),
            P(
                "elra_stepup_admins",
                2,
                "doses",
                "Administrations in the step-up week (first full dose on day 8)",
                "P: Elrexfio EU SmPC",
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
                "elra_switch_weeks",
                24.0,
                "weeks",
                "Week of the switch to every-2-weeks dosing",
                "P: Elrexfio EU SmPC (after >= 24 weeks with response)",
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
    )

    # -- bispecifics: class selectors and delivery ------------------------------------------
    add(
        [
            P(
                "hr_pfs_bsab",
                "tec_hr_pfs",
                "hazard ratio",
                "PFS hazard ratio of the bispecific vs RWPC (on the RWPC exponential PFS curve)",
                "D: product selector; mm-inputs §2.6: RWPC curve + HR is the preferred route for bispecifics",
            ),
            P(
                "pps_median_bsab",
                "tec_pps_median",
                "months",
                "Median post-progression survival after the bispecific",
                "D: product selector",
            ),
            P(
                "f_pfs_death_bsab",
                0.15,
                "share",
                "Share of PFS events on a bispecific that are deaths before progression",
                "A: assumption (range 0.05-0.30); cf. 21/165 infection deaths with teclistamab (Nooka et al., Cancer 2024)",
                beta_se(0.15, 0.05),
                0.05,
                0.30,
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
                "A: mm-inputs §7.4",
                None,
                10.0,
                40.0,
            ),
            P(
                "p_disc_bsab_year",
                0.0,
                "per year",
                "Discontinuation of the bispecific without progression (then treatment-free)",
                "A: mm-inputs §9 'rare; default 0'",
                None,
                0.0,
                0.10,
            ),
            P(
                "p_disc_bsab",
                "rate_to_prob(prob_to_rate(p_disc_bsab_year), cycle_years)",
                "per cycle",
                "Per-cycle discontinuation without progression",
                "D: through the rate",
            ),
        ]
    )

    # -- infections and IVIG -------------------------------------------------------------
    add(
        [
            P(
                "inf_rate_ivig",
                0.12,
                "per patient-year",
                "Serious infections per patient-year on a bispecific with IVIG prophylaxis",
                "P: Frerichs et al., Blood Adv 2024;8(1):194 (Amsterdam UMC)",
                gamma_se(0.12, 0.04),
            ),
            P(
                "inf_rate_no_ivig",
                1.36,
                "per patient-year",
                "Serious infections per patient-year on a bispecific without IVIG",
                "P: Frerichs et al., Blood Adv 2024",
                gamma_se(1.36, 0.2),
            ),
            P(
                "infection_days",
                7.0,
                "days",
                "Inpatient days per serious infection",
                "A: mm-inputs §7.3",
                None,
                4.0,
                10.0,
            ),
            P(
                "du_infection",
                0.0073,
                "QALY per episode",
                "QALY loss per serious infection",
                "P: utility -0.19 for 14 days (PMC8984780, Table 1; duration an authors' assumption)",
                None,
                0.0036,
                0.011,
            ),
            P(
                "ivig_g_per_kg",
                0.4,
                "g/kg",
                "IVIG dose per infusion",
                "A: 0.4 g/kg every 4 weeks (mm-inputs §7.2); "
                "MajesTEC-1 guidance every 3-6 weeks if IgG < 400 mg/dL (IMS 2023 OA-51)",
            ),
            P("ivig_interval_days", 28.0, "days", "Days between IVIG infusions", "A: every 4 weeks"),
            P(
                "c_ivig_per_g",
                60.0,
                "EUR per g",
                "IVIG price per gram",
                "G: gap, placeholder EUR 60/g (range 40-80, A); replace with the Dutch hospital price",
                None,
                40.0,
                80.0,
            ),
            P(
                "c_ivig_cycle",
                "(ivig_g_per_kg * body_weight_kg * c_ivig_per_g + c_iv_admin) * cycle_days / ivig_interval_days",
                "EUR per cycle",
                "IVIG cost per cycle for a patient on IVIG (drug + IV administration)",
                "D: dose x price + administration, per interval",
            ),
            P(
                "ivig_visits_cycle",
                "cycle_days / ivig_interval_days",
                "visits per cycle",
                "IVIG visits per cycle for a patient on IVIG",
                "D: formula in the value",
            ),
            P(
                "inf_bsab_cycle",
                "(p_ivig_bsab * inf_rate_ivig + (1 - p_ivig_bsab) * inf_rate_no_ivig) * cycle_years",
                "per cycle",
                "Serious infections per cycle on a bispecific",
                "D: IVIG-weighted rate x cycle length",
            ),
            P(
                "c_serious_infection",
                "infection_days * c_hosp_day",
                "EUR per episode",
                "Cost of a serious infection",
                "D: 7 inpatient days x nursing-day price (A: mm-inputs §7.3)",
            ),
        ]
    )

    # -- unit prices (Costing Manual 2024) -------------------------------------------------
    rows += [
        price("c_hosp_day", 691.01, "EUR per day", "Hospital nursing day incl. personnel (2022: 644.00)"),
        price("c_icu_day", 2926.07, "EUR per day", "ICU day incl. diagnostics and medication (2022: 2,727.00)"),
        price("c_day_treatment", 359.46, "EUR per visit", "Day treatment, hospital (2022: 335.00)"),
        price("c_iv_admin", 183.48, "EUR per administration", "IV administration, hospital (2022: 171.00)"),
        price("c_sc_admin", 80.78, "EUR per administration", "SC administration, hospital (2022: 75.28)"),
        price("c_outpatient", 128.76, "EUR per visit", "Outpatient visit, hospital (2022: 120.00)"),
        price("c_ed_visit", 276.83, "EUR per visit", "Emergency care visit (2022: 258.00)"),
        price("c_home_nursing_hour", 80.48, "EUR per hour", "Home nursing per hour (2022: 75.00)"),
        price("c_informal_hour", 20.17, "EUR per hour", "Informal care, replacement cost per hour (2022: 18.80)"),
        price("c_productivity_hour", 42.79, "EUR per hour", "Productivity cost per hour of paid work (2022: 39.88)"),
    ]
    add(
        [
            P("c_car_km", 0.28, "EUR per km", "Travel by car per km (2022: 0.26)", MANUAL),
            P("c_parking", 4.21, "EUR per visit", "Parking per hospital visit (2022: 3.92)", MANUAL),
            P(
                "km_per_visit",
                60.0,
                "km",
                "Return distance per hospital visit",
                "A: 2 x 30 km (mm-inputs §7.4)",
                None,
                20.0,
                100.0,
            ),
            P(
                "c_travel_visit",
                "km_per_visit * c_car_km + c_parking",
                "EUR per visit",
                "Patient travel per hospital contact",
                "D: km x price + parking",
            ),
            P(
                "c_tocilizumab_vial",
                163.90,
                "EUR per 80 mg vial",
                "Tocilizumab 80 mg/4 mL vial",
                "P: Horizonscan Geneesmiddelen, tocilizumab entry (shared/data/nl_prices.csv); price year about 2018, not "
                "indexed (G)",
            ),
            P(
                "c_tocilizumab_dose",
                "ceil(8 * body_weight_kg / 80) * c_tocilizumab_vial",
                "EUR per dose",
                "Tocilizumab 8 mg/kg, whole 80 mg vials",
                "D: 552 mg at 69 kg -> 7 vials (A: no vial sharing)",
            ),
            P(
                "c_lymphodepletion_drugs",
                "521 * bsa_m2 / 1.3",
                "EUR per course",
                "Fludarabine + cyclophosphamide drugs",
                "D: Dutch cost EUR 521 at BSA 1.3 m2 (Dutch tisagenlecleucel CEA, Eur J Haematol 2020, PMC7497258, Table 1; "
                "P) rescaled to the adult BSA",
            ),
            P(
                "lymphodepletion_days",
                3.0,
                "days",
                "Lymphodepletion administrations (days -5 to -3)",
                "P: KarMMa and CARTITUDE-1 (Flu 30 mg/m2 + Cy 300 mg/m2, 3 days)",
            ),
            P(
                "c_apheresis",
                "2 * c_day_treatment",
                "EUR per apheresis",
                "Leukapheresis procedure",
                "G: no Dutch apheresis tariff found; A: 2 x day treatment (mm-inputs §7.3)",
            ),
        ]
    )

    # -- terminal care and societal costs ----------------------------------------------------
    add(
        [
            P(
                "terminal_hosp_days",
                10.0,
                "days",
                "Hospital days in the last 3 months of life (charged at death)",
                "G: gap, placeholder (A); replace with Dutch end-of-life hospital use in myeloma",
                None,
                5.0,
                20.0,
            ),
            P(
                "terminal_home_nursing_hours",
                52.0,
                "hours",
                "Home nursing hours in the last 3 months of life",
                "G: gap, placeholder 4 hours a week for 13 weeks (A)",
                None,
                0.0,
                104.0,
            ),
            P(
                "c_terminal_care",
                "terminal_hosp_days * c_hosp_day + terminal_home_nursing_hours * c_home_nursing_hour",
                "EUR per death",
                "Terminal care (hospital and home nursing) before death",
                "D: from G placeholders; anti-myeloma drugs in the last months are in the progressed-state costs "
                "(Seefat 2023: 85% treated in the last 3 months), so not added here",
            ),
            P(
                "p_paid_work",
                0.20,
                "share",
                "Share of the cohort in paid work at start",
                "A: start age 63, AOW age 67",
                None,
                0.0,
                0.4,
            ),
            P(
                "work_hours_per_week",
                32.0,
                "hours per week",
                "Paid working hours per week of those working",
                "A: assumption",
            ),
            P(
                "friction_days",
                133.9,
                "days",
                "Friction period (productivity losses counted for this long)",
                "P: CBS StatLine 80472ned via tatooheene df_fp, 2023 (19.1 weeks); 5-year average 120.7 days",
            ),
            P(
                "c_productivity_cycle",
                "if_else(model_time * cycle_days < friction_days, p_paid_work * work_hours_per_week * "
                "cycle_weeks * c_productivity_hour, 0)",
                "EUR per cycle",
                "Productivity loss per cycle alive (friction method, from treatment start)",
                "D: friction cost method (Dutch guideline)",
            ),
            P(
                "c_unrelated_medical_year",
                0.0,
                "EUR per year",
                "Unrelated medical costs in life-years gained",
                "G: gap; the 2024 guideline requires them (PAID 3.0 by age, sex and time to death; Kellerborg et al., "
                "Value Health 2020;23(11):1453); 0 until PAID values are added",
            ),
            P(
                "c_unrelated_cycle",
                "c_unrelated_medical_year * cycle_years",
                "EUR per cycle",
                "Unrelated medical costs per cycle alive",
                "D: formula in the value",
            ),
        ]
    )

    # -- utilities -------------------------------------------------------------------------
    add(
        [
            P(
                "u_pf_on",
                0.74,
                "QALY weight",
                "Progression-free, on active treatment",
                "A: anchor NICE TA1133 EAG PF utility 0.737 (2L MM); trial EQ-5D-5L values by state not retrieved (G)",
                beta_se(0.74, 0.03),
                0.68,
                0.80,
            ),
            P(
                "u_pf_off",
                0.78,
                "QALY weight",
                "Progression-free, off treatment (treatment-free remission)",
                "A: must stay below the age norm (0.94 at 65-69, 0.86 at >= 85; Mangen et al., HQLO 2017)",
                beta_se(0.78, 0.03),
                0.72,
                0.84,
            ),
            P(
                "u_pd",
                0.64,
                "QALY weight",
                "Progressed disease",
                "A: typical value in MM HTA submissions (V); replace with a trial-based value",
                beta_se(0.64, 0.04),
                0.56,
                0.72,
            ),
            P(
                "du_inpatient",
                0.15,
                "QALY weight",
                "Utility decrement while admitted (CAR-T, step-up, re-dosing)",
                "A: mm-inputs §6 (range 0.05-0.30)",
                beta_se(0.15, 0.05),
                0.05,
                0.30,
            ),
            P(
                "du_recovery",
                0.10,
                "QALY weight",
                "Utility decrement during recovery after a CAR-T course",
                "A: mm-inputs §5 (range 0.05-0.20)",
                beta_se(0.10, 0.03),
                0.05,
                0.20,
            ),
            P(
                "du_crs_g12",
                0.03,
                "QALY",
                "QALY loss per CRS grade 1-2",
                f"A: midpoint of grade 1 (0.01) and grade 2 (0.05), P: {HOWELL}",
                None,
                0.01,
                0.05,
            ),
            P("du_crs_g34", 0.23, "QALY", "QALY loss per CRS grade 3-4", f"P: {HOWELL}", None, 0.1, 0.35),
            P(
                "du_icans_g12",
                0.04,
                "QALY",
                "QALY loss per neurological event grade 1-2",
                f"P: {HOWELL}",
                None,
                0.01,
                0.08,
            ),
            P(
                "du_icans_g34",
                0.18,
                "QALY",
                "QALY loss per neurological event grade 3-4",
                f"P: {HOWELL}",
                None,
                0.08,
                0.3,
            ),
            P(
                "du_cart_course",
                "(p_crs_cart - p_crs_g3_cart) * du_crs_g12 + p_crs_g3_cart * du_crs_g34 + "
                "(p_icans_cart - p_icans_g3_cart) * du_icans_g12 + p_icans_g3_cart * du_icans_g34",
                "QALY",
                "Expected QALY loss from CRS and ICANS per CAR-T course",
                "D: incidence x QALY loss",
            ),
            P(
                "du_bsab_stepup",
                "(p_crs_bsab - p_crs_g3_bsab) * du_crs_g12 + p_crs_g3_bsab * du_crs_g34",
                "QALY",
                "Expected QALY loss from CRS during step-up dosing",
                "D: incidence x QALY loss",
            ),
        ]
    )

    # -- derived time structure (cycles; the cohort is synchronised) -------------------------
    add(
        [
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
    )

    # -- per-cycle event probabilities (D) --------------------------------------------------
    def pf_events(tag: str, event: str, share: str, desc: str) -> list[Parameter]:
        return [
            P(
                f"e_pfs_{tag}",
                event,
                "per cycle",
                f"PFS event probability per cycle, {desc}",
                "D: 1 - S(t + cycle) / S(t) of the PFS curve",
            ),
            P(
                f"d_{tag}",
                f"max(gp_mort(), {share} * e_pfs_{tag})",
                "per cycle",
                f"Death before progression per cycle, {desc}",
                "D: share of PFS events, general-population floor",
            ),
            P(
                f"g_{tag}",
                f"max(e_pfs_{tag} - d_{tag}, 0)",
                "per cycle",
                f"Progression per cycle, {desc}",
                "D: PFS events that are not deaths",
            ),
        ]

    add(pf_events("rwpc", "surv_prob(pfs_rwpc, model_time)", "f_pfs_death_rwpc", "physician's choice (from start)"))
    add(pf_events("cart", "surv_prob(pfs_cart, t_since_inf)", "f_pfs_death_cart", "after the first CAR-T infusion"))
    add(
        pf_events(
            "redose",
            "apply_hr(surv_prob(pfs_cart, if_else(redose_restarts_clock, redose_phase, t_since_inf)), hr_redose)",
            "f_pfs_death_cart",
            "after a further CAR-T course",
        )
    )
    add(
        pf_events(
            "stopped",
            "apply_hr(e_pfs_cart, hr_redose)",
            "f_pfs_death_cart",
            "after stopping re-dosing (first-course clock, A)",
        )
    )
    add(pf_events("bsab", "surv_prob(pfs_bsab, model_time)", "f_pfs_death_bsab", "on a bispecific (from start)"))
    add(
        [
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
                "max(gp_mort(), rate_to_prob(median_to_rate(pps_median_rwpc), cycle_months))",
                "per cycle",
                "Death per cycle after progression on physician's choice",
                "D: constant hazard, general-population floor",
            ),
            P(
                "p_death_pd_cart",
                "max(gp_mort(), rate_to_prob(median_to_rate(pps_median_cart), cycle_months))",
                "per cycle",
                "Death per cycle after progression after CAR-T",
                "D: formula in the value",
            ),
            P(
                "p_death_pd_bsab",
                "max(gp_mort(), rate_to_prob(median_to_rate(pps_median_bsab), cycle_months))",
                "per cycle",
                "Death per cycle after progression on a bispecific",
                "D: formula in the value",
            ),
        ]
    )

    # -- per-cycle state costs and counts (D) ---------------------------------------------------
    add(
        [
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
                "redose_price_share * cart_price + c_lymphodepletion_drugs",
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
                "CRS management during step-up dosing (tocilizumab; grade >= 3: 5 ICU days, A mm-inputs §7.3)",
                "D: formula in the value",
            ),
        ]
    )

    # -- source landmarks for the report's survival figure (hecon.analysis.landmarks: the unit
    #    says what the value is); not used by any transition ------------------------------
    lm = "Source landmark for the report (not used in transitions); "
    add(
        [
            P(
                "lm_rwpc_pfs_median",
                "median_pfs_rwpc",
                "median PFS in months for RWPC",
                lm + "LocoMMotion median PFS",
                "P: Mateos et al., Leukemia 2024;38(12):2554",
            ),
            P(
                "lm_rwpc_os_median",
                "median_os_rwpc",
                "median OS in months for RWPC",
                lm + "LocoMMotion median OS",
                "P: Mateos et al., Leukemia 2024;38(12):2554",
            ),
            P(
                "lm_cart_pfs_median",
                "cilta_pfs_median",
                "median PFS in months for One-time CAR-T",
                lm + "CARTITUDE-1 median PFS (infused patients, from infusion)",
                "P: CARTITUDE-1 final analysis, ASCO 2023",
            ),
            P(
                "lm_cart_pfs_24",
                "cilta_pfs_s24",
                "PFS at 24 months for One-time CAR-T",
                lm + "CARTITUDE-1 PFS at 24 months (infused patients, from infusion)",
                "P: CARTITUDE-1 21.7-month update",
            ),
            P(
                "lm_cart_os_12",
                "cilta_os_s12",
                "OS at 12 months for One-time CAR-T",
                lm + "CARTITUDE-1 OS at 12 months (infused patients, from infusion)",
                "P: Madduri et al., ASH 2020",
            ),
            P(
                "lm_cart_os_median",
                "cilta_os_median",
                "median OS in months for One-time CAR-T",
                lm + "CARTITUDE-1 median OS (infused patients, from infusion)",
                "P: Jagannath et al., JCO 2025;43(25):2766",
            ),
        ]
    )
    return tuple(rows)


# ----------------------------------------------------------------------------------------
# States
# ----------------------------------------------------------------------------------------
PF = "progression_free"
ON = "on_treatment"
HOSP = "hospitalised"
REC = "recovering"
TF = "treatment_free"


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


def _states() -> tuple[State, ...]:
    pd_costs = lambda share: {  # noqa: E731
        "subsequent_therapy": f"{share} * c_rwpc_drug_cycle",
        "administration": f"{share} * rwpc_admin_cycle * c_day_treatment",
        "monitoring": "monitoring_cycle * c_outpatient",
    }
    pd_counts = lambda share: {"hospital_contacts": f"monitoring_cycle + {share} * rwpc_admin_cycle"}  # noqa: E731
    return (
        _state(
            "PF_RWPC",
            "Progression-free on a physician's-choice regimen (RWPC strategy from the start; CAR-T "
            "patients never infused, from dropout)",
            "u_pf_on",
            {PF, ON},
            {
                "drug": "c_rwpc_drug_cycle",
                "administration": "rwpc_admin_cycle * c_day_treatment",
                "monitoring": "monitoring_cycle * c_outpatient",
            },
            {"administrations": "rwpc_admin_cycle", "hospital_contacts": "rwpc_admin_cycle + monitoring_cycle"},
        ),
        _state(
            "Bridging",
            "Apheresis done; CAR-T manufacturing with bridging therapy (vein-to-vein time)",
            "u_pf_on",
            {PF, ON},
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
        _state(
            "CART_Infusion",
            "Lymphodepletion, CAR-T infusion and index admission (CRS, ICANS, ICU)",
            "u_pf_on - du_inpatient",
            {PF, ON, HOSP},
            {"hospital": "c_hosp_day * cart_los_days / cart_adm_cycles", "informal_care": "informal_cart_first"},
            {"hospital_days": "cart_los_days / cart_adm_cycles"},
        ),
        _state(
            "CART_Recovery",
            "Recovery after discharge: cytopenias, infections, IVIG, weekly visits",
            "u_pf_off - du_recovery - inf_cart_cycle * du_infection / cycle_years",
            {PF, REC},
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
            {PF, ON, HOSP},
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
            {PF, REC},
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
            {PF, ON, HOSP},
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
            {PF, ON},
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
            {PF, ON},
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
            {PF, ON},
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
            pd_costs("p_subseq_rwpc"),
            pd_counts("p_subseq_rwpc"),
        ),
        _state(
            "PD_CART",
            "Progressed after CAR-T (one-time or re-dosing)",
            "u_pd",
            set(),
            pd_costs("p_subseq_cart"),
            pd_counts("p_subseq_cart"),
        ),
        _state(
            "PD_BsAb",
            "Progressed after a bispecific",
            "u_pd",
            set(),
            pd_costs("p_subseq_bsab"),
            pd_counts("p_subseq_bsab"),
        ),
        State("Dead", flags=frozenset({"dead"}), description="Dead (absorbing)"),
    )


# ----------------------------------------------------------------------------------------
# Transitions
# ----------------------------------------------------------------------------------------
def _pf_rows(state: str, tag: str, pd: str, death: str | None = None) -> list[Transition]:
    death = death or f"d_{tag}"
    return [Transition(state, "Dead", death), Transition(state, pd, f"g_{tag}")]


def _next(tag: str, death: str | None = None) -> str:
    return f"(1 - {death or 'd_' + tag} - g_{tag})"


def _transitions() -> tuple[Transition, ...]:
    T = Transition
    rows: list[Transition] = []
    # physician's choice
    rows += _pf_rows("PF_RWPC", "rwpc", "PD_RWPC") + [T("PF_RWPC", "PF_RWPC", "#")]
    # CAR-T pathway (timing is set by model_time: the cohort is synchronised)
    rows += [
        T("Bridging", "Dead", "gp_mort()"),
        T("Bridging", "PF_RWPC", "p_ni_cycle"),
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
        T("BsAb_Weekly", "BsAb_Stopped", f"p_disc_bsab * {_next('bsab')}"),
        T(
            "BsAb_Weekly",
            "BsAb_Q2W",
            f"if_else(model_time == bsab_switch_cycle - 1, p_q2w_switch * (1 - p_disc_bsab) * {_next('bsab')}, 0)",
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


# ----------------------------------------------------------------------------------------
# Transition rewards (one-off)
# ----------------------------------------------------------------------------------------
def _rewards() -> tuple[TransitionReward, ...]:
    R = TransitionReward
    rows: list[TransitionReward] = []
    # apheresis: charged once to everyone leaving Bridging (to infusion, dropout or death)
    for to in ("CART_Infusion", "PF_RWPC", "Dead"):
        rows += [
            R(to, "c_apheresis", "cost", "administration", "Bridging"),
            R(to, "1", "count", "hospital_contacts", "Bridging"),
            R(to, "c_travel_visit", "cost", "travel", "Bridging"),
        ]

    def course(to: str, frm: str, drug: str, extra_admin: str = "") -> list[TransitionReward]:
        admin = "lymphodepletion_days * c_day_treatment" + extra_admin
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
            R(to, "1", "count", "tf_first_entries", frm),
            R(to, "model_years + cycle_years", "count", "tf_first_entry_years", frm),
        ]
    # terminal care before death
    rows += [
        R("Dead", "c_terminal_care", "cost", "terminal_care"),
        R("Dead", "terminal_hosp_days", "count", "hospital_days"),
        R("Dead", "1", "count", "hospital_contacts"),
        R("Dead", "c_travel_visit", "cost", "travel"),
    ]
    return tuple(rows)


# ----------------------------------------------------------------------------------------
# Survival curves, schedules, strategies, scenarios
# ----------------------------------------------------------------------------------------
def _curves() -> tuple[SurvivalCurve, ...]:
    return (
        SurvivalCurve(
            "pfs_rwpc",
            "exp",
            {"rate": "median_to_rate(median_pfs_rwpc)"},
            "months",
            source=f"D: exponential through the median PFS of {LOCOMMOTION} (mm-inputs §2.6)",
        ),
        SurvivalCurve(
            "pfs_cart",
            "weibull",
            {"shape": "cart_pfs_shape", "scale": "cart_pfs_scale"},
            "months",
            hazard_ratio="cart_pfs_hr_psa",
            cure_fraction="cart_cure_fraction",
            source="D: CAR-T PFS from infusion (base case cilta-cel Weibull through the CARTITUDE-1 median "
            "and S(24), mm-inputs §2.6); product, cure fraction and PSA multiplier are parameters",
        ),
        SurvivalCurve(
            "pfs_bsab",
            "exp",
            {"rate": "median_to_rate(median_pfs_rwpc)"},
            "months",
            hazard_ratio="hr_pfs_bsab",
            source="D: RWPC exponential PFS x hazard ratio of the bispecific vs RWPC (mm-inputs §2.6, "
            "preferred route for PSA consistency)",
        ),
    )


def _schedules() -> tuple[Schedule, ...]:
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


def _strategies() -> tuple[Strategy, ...]:
    return (
        Strategy(
            RWPC,
            {},
            "Real-world physician's choice (LocoMMotion-like basket of regimens) until "
            "progression: the reference comparator",
        ),
        Strategy(
            CART,
            {"start_rwpc": 0, "start_cart": 1},
            "One-time BCMA CAR-T (base case cilta-cel), intention to "
            "treat from apheresis: bridging while manufacturing, dropout before infusion, lymphodepletion and "
            "infusion with a 2-week admission, recovery, then no treatment until progression",
        ),
        Strategy(
            BSAB,
            {"start_rwpc": 0, "start_bsab": 1},
            "Weekly BCMA x CD3 bispecific (base case teclistamab): "
            "step-up week, weekly SC doses, every 2 weeks for those who qualify, until progression",
        ),
        Strategy(
            REDOSE,
            {"start_rwpc": 0, "start_cart": 1, "redose": 1},
            "Hypothetical: the one-time CAR-T "
            "pathway, then a new course every year (admission, recovery, rest of the year treatment-free) for "
            "those alive, progression-free and eligible",
        ),
    )


def _scenarios() -> tuple[Scenario, ...]:
    S = Scenario
    ide = {
        "cart_pfs_shape": 1,
        "cart_pfs_scale": "ide_pfs_scale",
        "pps_median_cart": "ide_pps_median",
        "cart_price": "ide_price",
        "cart_v2v_days": "ide_v2v_days",
        "p_bridging": "ide_p_bridging",
        "p_crs_cart": "ide_p_crs",
        "p_crs_g3_cart": "ide_p_crs_g3",
        "p_icans_cart": "ide_p_icans",
        "p_icans_g3_cart": "ide_p_icans_g3",
    }
    pooled = dict(
        ide, cart_pfs_scale="pooled_pfs_scale", pps_median_cart="pooled_pps_median", cart_price="pooled_price"
    )
    elra = {
        "hr_pfs_bsab": "elra_hr_pfs",
        "pps_median_bsab": "elra_pps_median",
        "bsab_dose_cost": "elra_dose_cost",
        "bsab_stepup_drug_cost": "elra_stepup_drug_cost",
        "bsab_stepup_admins": "elra_stepup_admins",
        "bsab_stepup_inpatient_days": "elra_stepup_inpatient_days",
        "bsab_switch_weeks": "elra_switch_weeks",
        "bsab_q2w_share": "elra_q2w_share",
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
            "n=447: response 84%, CR 43%, median PFS 11 months), post-progression survival 17.9 months (Van Oekelen "
            "2023), ide-cel safety, class placeholder price",
        ),
        S(
            "Bispecific product: elranatamab",
            elra,
            "Elranatamab (MagnetisMM-3; MAIC vs LocoMMotion PFS HR 0.32, "
            "OS HR 0.50), 76 mg weekly, every 2 weeks after 24 weeks, placeholder prices (G)",
        ),
        S(
            "Bispecific: teclistamab trial medians",
            {"hr_pfs_bsab": "tec_trial_hr_pfs", "pps_median_bsab": "tec_trial_pps_median"},
            "Teclistamab PFS and OS from MajesTEC-1 itself (median PFS 11.3 months, P; median OS 22.2 months, V) "
            "instead of the RWPC curve x adjusted hazard ratios (OS HR 0.82, 95% CI 0.59-1.14)",
        ),
        S(
            "Dropout before infusion 15%",
            {"p_not_infused": 0.15},
            "15% of apheresed patients never infused (CARTITUDE-4 15.4%) instead of 7.5%",
        ),
        S("Dropout before infusion 10%", {"p_not_infused": 0.10}, "10% never infused (clinician interview)"),
        S(
            "Discounting 2016 guideline (4% / 1.5%)",
            {"settings.discount_rate_costs": 0.04, "settings.discount_rate_effects": 0.015},
            "Dutch 2016 guideline discount rates instead of the 2024 rates (3% / 1.5%)",
        ),
        S(
            "CAR-T cure plateau",
            {
                "cart_cure_fraction": "cilta_cure_fraction",
                "cart_pfs_shape": "cilta_cure_shape",
                "cart_pfs_scale": "cilta_cure_scale",
            },
            "Mixture cure for cilta-cel: 32/97 (progression-free at 5 years) cured, uncured Weibull through the "
            "median and S(24)",
        ),
        S("Re-dosing price 50%", {"redose_price_share": 0.5}, "Further courses at half the product price"),
        S("Re-dosing efficacy HR 1.0", {"hr_redose": 1.0}, "Each further course as durable as the first"),
        S("Re-dosing efficacy HR 3.0", {"hr_redose": 3.0}, "Each further course much less durable (HR 3)"),
        S(
            "Re-dosing as booster",
            {"redose_restarts_clock": 0, "hr_redose": 0.7},
            "Optimistic: further courses do not restart the remission but lower the ongoing hazard (HR 0.7, A)",
        ),
        S(
            "Step-up dosing outpatient",
            {"p_stepup_inpatient": 0.0},
            "Outpatient step-up dosing: admitted only for CRS (31.6% x 2 days, Sandahl 2025)",
        ),
        S(
            "Teclistamab price -40%",
            {"tec_price_per_mg": 42.0},
            "The > 40% price decrease that ZIN set as the "
            "condition for reimbursement (14 Apr 2025) applied to the placeholder price",
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
    )


# ----------------------------------------------------------------------------------------
# Assumptions (the workbook's Assumptions sheet, listed in the report)
# ----------------------------------------------------------------------------------------
ASSUMPTIONS = (
    "Population: adults with RRMM after >= 3 prior lines (PI, IMiD, anti-CD38 exposed). Start age 63 (A; trials "
    "61-65, LocoMMotion 68: scenario), 59% men (CARTITUDE-1, P). Settings sources: cycle 7 days (weekly dosing, "
    "2-3 week admissions, step-up dosing); horizon 37 years = to age 100 (lifetime, Dutch guideline 2024); "
    "discounting 3% costs / 1.5% effects (guideline 2024; 4%/1.5% of 2016 as scenario); societal perspective; "
    "2024 euros.",
    "Every input is on the Parameters sheet with its source; the source starts with the evidence tag of "
    "mm-inputs.md: P published (read), V published (recalled, verify), D derived by us (method stated), "
    "A assumption (needs expert opinion), G gap (placeholder: replace before any reimbursement use).",
    "Gaps (G) a user must replace with Dutch values: teclistamab price per mg (tec_price_per_mg), elranatamab "
    "vial prices (elra_price_76mg, elra_price_44mg), ide-cel price (ide_price), IVIG price per gram "
    "(c_ivig_per_g), elranatamab IgG-replacement use (elra_p_ivig), the apheresis tariff (c_apheresis), "
    "terminal-care use (terminal_hosp_days, terminal_home_nursing_hours), unrelated medical costs in "
    "life-years gained (c_unrelated_medical_year, PAID 3.0; currently 0); also the net (negotiated) "
    "cilta-cel price (cilta_price is the 2022 asking price), the indexation to 2024 of the 2019 drug cost "
    "(c_mm_drug_month) and the 2018 tocilizumab price, Dutch vein-to-vein times (V), health-state utilities "
    "by progression status from the trials, survival curves fitted to reconstructed patient-level data, and "
    "unit prices for cytopenia support after CAR-T (G-CSF 88%, red-cell transfusion 63%, platelets 42% by day "
    "100, Logue 2022), which are not costed separately (only the weekly visits during recovery are).",
    "The cohort is synchronised: everyone in a strategy starts treatment at model time 0 (apheresis, first "
    "step-up dose, or physician's choice), so phase changes (end of bridging, discharge, end of recovery, "
    "anniversaries) are conditions on model_time; no tunnel states are needed. Phase lengths are rounded to "
    "whole weekly cycles (hospital days use the exact lengths of stay).",
    "Within-cycle correction: half-cycle (trapezoid rule; Elbasha & Chhatwal 2016). With weekly cycles it "
    "only changes the first and last trace points; the one-week step-up episode that the cohort occupies at "
    "the start is charged as a one-off '(start)' reward so that the correction does not halve it. Simpson's "
    "rule is not used: its alternating weights 4/3, 2/3 would over- or under-count one-week episodes.",
    "Survival: progression-free states leave with the per-cycle PFS event probability 1 - S(t+1)/S(t) of "
    "the strategy's curve (clock: months since apheresis for RWPC, since the first step-up dose for "
    "bispecifics, since infusion for CAR-T); a share of PFS events are deaths before progression "
    "(f_pfs_death_*), never less than general-population mortality. Progressed states have a constant "
    "death hazard (median pps_median_*) calibrated so that model median OS equals the source median; "
    "general-population mortality is a floor everywhere.",
    "Curves (mm-inputs §2.6, tag D, not published fits): RWPC exponential PFS (median 4.6 months, "
    "LocoMMotion); cilta-cel Weibull PFS through median 34.9 months and S(24) = 60.5% (CARTITUDE-1); "
    "bispecifics: RWPC curve x adjusted hazard ratio (teclistamab 0.43, Krishnan 2023; elranatamab 0.32, "
    "MAIC 2025). OS targets: RWPC 13.8 months; cilta-cel 60.7 months and OS(12) = 88.5%; teclistamab "
    "13.8 / 0.82 = 16.8 months; elranatamab 13.8 / 0.50 = 27.6 months; ide-cel 24.8 months.",
    "General-population mortality: CBS 2019 life table (37360ned, ages 0-99); ages past 99 keep the qx of "
    "age 99 (the table has no older ages). Scenario: AG2024 projection table for 2024 (ages to 120).",
    "CAR-T intention to treat from apheresis: apheresis cost for everyone; bridging therapy (share p_bridging) "
    "during the vein-to-vein time; a share p_not_infused leaves during that time (constant hazard) to "
    "physician's choice and follows the RWPC curves with the clock from apheresis, carrying apheresis and "
    "bridging costs. Infused patients: lymphodepletion, product, index admission with CRS, ICANS, ICU and "
    "tocilizumab; recovery with infections, IVIG and weekly visits; then treatment-free until progression "
    "(no maintenance). Trial PFS/OS include treatment-related deaths, so no extra mortality is added for "
    "the first course.",
    "Annual re-dosing (hypothetical; all A): at each anniversary of the first infusion, a share "
    "p_redose_eligible of those alive and progression-free start a new course (new apheresis, full price "
    "x redose_price_share, lymphodepletion, 17-day admission, 1.5 months of recovery, non-relapse "
    "mortality nrm_redose_course); the others stop re-dosing for good. After each further course the "
    "progression hazard is the first-course hazard x hr_redose with the clock restarted at the course "
    "(redose_restarts_clock = 1; 0 = booster reading, clock since the first infusion). Those who stop keep "
    "the first-course clock x hr_redose. IVIG throughout re-dosing (share p_ivig_redose).",
    "Bispecifics: step-up week (inpatient by default, 7 days teclistamab / 5 days elranatamab; outpatient "
    "scenario admits only for CRS), weekly full doses from week 2, switch to every 2 weeks at a fixed week "
    "for a share of starters (>= CR for teclistamab), treatment until progression (time to treatment "
    "discontinuation = PFS); serious infections at the IVIG-weighted rate of Frerichs 2024; IVIG for the "
    "share with IgG replacement; unscheduled care in the first 125 days.",
    "Subsequent therapy after progression: share on a further line (61.3% after RWPC, 85% after CAR-T, "
    "70% after bispecifics) x anti-myeloma drug cost per month (Seefat 2023); terminal care (placeholder, "
    "G) is charged once at death. Productivity: friction cost method for the 20% in paid work (A) over the "
    "friction period from treatment start. Informal care: 40 h/week for 4 weeks after each CAR-T infusion, "
    "20 h in the step-up week (A). Travel: 60 km and parking per hospital contact.",
    "Treatment-burden flags (mm-inputs §9): on_treatment = receiving the strategy's anti-myeloma treatment "
    "before progression (RWPC regimen, bridging, CAR-T lymphodepletion/infusion admission, bispecific "
    "dosing); hospitalised = a cycle with an admission (hospital_days counts the exact days); recovering = "
    "recovery after a CAR-T course; progression_free = alive without progression; treatment_free = alive, "
    "progression-free, not on treatment and not recovering (CAR-T: from infusion + 3 months to progression "
    "or death; bispecifics: only after discontinuation without progression, default 0; re-dosing: the rest "
    "of each year between courses); dead. Subsequent lines after progression are not counted as "
    "on_treatment or administrations (they are costed and their visits are hospital contacts).",
    "Counts: hospital_days (admissions, infections, CRS admissions, terminal care); administrations "
    "(anti-myeloma administrations before progression: RWPC and bridging visits, lymphodepletion days, "
    "CAR-T infusions, bispecific doses); hospital_contacts (all hospital visits and admissions, incl. "
    "apheresis, IVIG, monitoring, unscheduled care, progressed-state visits and terminal care); "
    "cart_infusions; serious_infections.",
    "Mean time to the first treatment-free day = tf_first_entry_years / tf_first_entries, both undiscounted: "
    "every first entry into a treatment-free state (CART_Recovery -> CART_Remission, bispecific -> "
    "BsAb_Stopped) counts 1 and adds its entry time (model_years + cycle_years); the ratio is the mean "
    "entry time among those who reach a treatment-free day, and tf_first_entries the share who do. "
    "Share of life-years treatment-free = treatment-free years / life-years.",
    "Utilities (A; trial EQ-5D-5L by state not retrieved): 0.74 progression-free on treatment, 0.78 off "
    "treatment, 0.64 progressed, -0.15 while admitted, -0.10 during recovery; one-off QALY losses for CRS "
    "and ICANS (Howell 2022) and serious infections (-0.19 for 14 days). No age adjustment (values stay "
    "below the Dutch age norms).",
    "Face validity (tests/test_rrmm.py): model median PFS and OS reproduce the source medians and "
    "landmarks within 5% (for CAR-T among infused patients, from infusion); one-time CAR-T gives more "
    "treatment-free time than bispecifics; re-dosing gives more hospital days than one-time CAR-T; "
    "nobody is on treatment after death; all costs are non-negative.",
)


# ----------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------
#: Patients per year in the Netherlands eligible for BCMA-directed therapy after >= 3 prior lines,
#: for the population EVPI. G: gap — no source was found; 150 is a placeholder to replace.
POPULATION_SIZE = 150.0

#: One-cycle states that the cohort occupies only at the start: their costs and counts are
#: charged once to the initial cohort ("(start)" rewards), so the half-cycle correction, which
#: rightly halves the first point of a survival curve, does not halve a one-off episode.
ONE_OFF_AT_START = ("BsAb_StepUp_In", "BsAb_StepUp_Out")


def _one_off_at_start(states: tuple[State, ...]) -> tuple[tuple[State, ...], tuple[TransitionReward, ...]]:
    rewards: list[TransitionReward] = []
    out = []
    for st in states:
        if st.name in ONE_OFF_AT_START:
            rewards += [TransitionReward(st.name, v, "cost", c, START) for c, v in st.costs.items()]
            rewards += [TransitionReward(st.name, v, "count", c, START) for c, v in st.counts.items()]
            st = replace(st, costs={}, counts={})
        out.append(st)
    return tuple(out), tuple(rewards)


def _utility_norms() -> tuple[UtilityNorm, ...]:
    """Dutch general-population utility by age, for the disease burden (proportional shortfall).

    Only two Dutch age bands could be sourced (Mangen et al. 2017, EQ-5D-3L): 0.94 at 65-69 and
    0.86 at 85+. The bands in between are a linear interpolation and ages 63-64 carry the 65-69
    value: both assumptions, to be replaced by the full age- and sex-specific Dutch norms."""
    mangen = (
        "P: Mangen et al., Health Qual Life Outcomes 2017 (48,634 community-dwelling Dutch elderly, "
        "EQ-5D-3L, Dutch tariff), abstract"
    )
    interp = "A: assumption, linear interpolation between Mangen 2017's 0.94 (65-69) and 0.86 (85+); replace (G)"
    return (
        UtilityNorm(63, 64, "all", 0.94, "A: assumption, Mangen 2017's 65-69 value carried to ages 63-64; replace (G)"),
        UtilityNorm(65, 69, "all", 0.94, mangen),
        UtilityNorm(70, 74, "all", 0.92, interp),
        UtilityNorm(75, 79, "all", 0.90, interp),
        UtilityNorm(80, 84, "all", 0.88, interp),
        UtilityNorm(85, None, "all", 0.86, mangen),
    )


def _thresholds() -> tuple[ThresholdQuery, ...]:
    """Prices at which each strategy would meet the reference value that fits the disease burden."""
    return (
        ThresholdQuery("cilta_price", "One-time CAR-T", "RWPC", lower=0.0, upper=1_000_000.0),
        ThresholdQuery("tec_price_per_mg", "Weekly bispecific", "RWPC", lower=0.0, upper=200.0),
        ThresholdQuery("redose_price_share", "Annual CAR-T re-dosing", "One-time CAR-T", lower=0.0, upper=1.0),
    )


def rrmm_model() -> ModelSpec:
    """The RRMM example model (see the module docstring)."""
    settings = Settings(
        cycle_length_days=7.0,
        horizon_years=37.0,
        start_age=63.0,
        proportion_male="p_male",
        discount_rate_costs=0.03,
        discount_rate_effects=0.015,
        discount_timing="cycle",
        within_cycle="half-cycle",
        life_table="nl_cbs_2019",
        currency="EUR",
        price_year=2024,
        wtp=(20_000.0, 50_000.0, 80_000.0),
        comparator="RWPC",
        population_size=POPULATION_SIZE,
        population_years=10.0,
    )
    initial = {
        "PF_RWPC": "start_rwpc",
        "Bridging": "start_cart",
        "BsAb_StepUp_In": "start_bsab * p_stepup_inpatient",
        "BsAb_StepUp_Out": "start_bsab * (1 - p_stepup_inpatient)",
    }
    states, start_rewards = _one_off_at_start(_states())
    return ModelSpec(
        settings=settings,
        states=states,
        transitions=_transitions(),
        strategies=_strategies(),
        parameters=_parameters(),
        initial=initial,
        transition_rewards=start_rewards + _rewards(),
        survival_curves=_curves(),
        life_tables=(bundled_lifetable("nl_cbs_2019"), bundled_lifetable("nl_ag2024")),
        schedules=_schedules(),
        scenarios=_scenarios(),
        utility_norms=_utility_norms(),
        thresholds=_thresholds(),
        title="RRMM after >= 3 prior lines: one-time CAR-T vs weekly bispecifics vs annual CAR-T re-dosing vs "
        "physician's choice (Netherlands)",
        description="Cost-utility and treatment-burden model, societal perspective, lifetime horizon, 2024 euros, "
        "weekly cycles. Generated from hecon/examples/rrmm.py; edit that file and regenerate "
        "(python -m hecon.examples.rrmm inputs/rrmm_example.xlsx) rather than this workbook.",
        assumptions=ASSUMPTIONS,
    )


# ----------------------------------------------------------------------------------------
# Outputs that need the trace: treatment-burden ratios, survival medians, calibration
# ----------------------------------------------------------------------------------------
STATE_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    # per strategy: the progression-free and alive states of the population a survival source describes
    # (for CAR-T: patients infused, from infusion; for the others: everyone, from model start)
    RWPC: {"pf": ("PF_RWPC",), "alive": ("PF_RWPC", "PD_RWPC")},
    CART: {
        "pf": ("CART_Infusion", "CART_Recovery", "CART_Remission"),
        "alive": ("CART_Infusion", "CART_Recovery", "CART_Remission", "PD_CART"),
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
            "PD_CART",
        ),
    },
}

#: Source medians [months] and landmarks (months -> survival) the curves were derived from, per product.
#: "strategy" is the strategy whose trace is compared; "scenario" the scenario that selects the product.
SURVIVAL_TARGETS: dict[str, dict[str, Any]] = {
    "RWPC (LocoMMotion)": {"strategy": RWPC, "scenario": None, "pfs_median": 4.6, "os_median": 13.8},
    "cilta-cel (CARTITUDE-1)": {
        "strategy": CART,
        "scenario": None,
        "pfs_median": 34.9,
        "os_median": 60.7,
        "pfs_landmarks": {12: 0.766, 24: 0.605},
        "os_landmarks": {12: 0.885},
    },
    "teclistamab (RWPC x HR)": {"strategy": BSAB, "scenario": None, "pfs_median": 4.6 / 0.43, "os_median": 13.8 / 0.82},
    "teclistamab (MajesTEC-1)": {
        "strategy": BSAB,
        "scenario": "Bispecific: teclistamab trial medians",
        "pfs_median": 11.3,
        "os_median": 22.2,
    },
    "ide-cel (KarMMa)": {"strategy": CART, "scenario": "CAR-T product: ide-cel", "pfs_median": 8.8, "os_median": 24.8},
    "cilta-cel, cure plateau": {
        "strategy": CART,
        "scenario": "CAR-T cure plateau",
        "pfs_median": 34.9,
        "pfs_landmarks": {24: 0.605},
    },
    "pooled BCMA CAR-T": {"strategy": CART, "scenario": "CAR-T product: pooled BCMA CAR-T", "pfs_median": 11.0},
    "elranatamab (LocoMMotion x HR)": {
        "strategy": BSAB,
        "scenario": "Bispecific product: elranatamab",
        "pfs_median": 4.6 / 0.32,
        "os_median": 13.8 / 0.50,
        "pfs_landmarks": {15: 0.509},
    },
}


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
    entries = undiscounted.get("tf_first_entries", 0.0)
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
            undiscounted.get("tf_first_entry_years", 0.0) / entries if entries > 1e-12 else float("nan")
        ),
    }


def calibrate_pps_median(
    spec: ModelSpec,
    strategy: str,
    parameter: str,
    os_median: float,
    lo: float = 1.0,
    hi: float = 120.0,
    tol: float = 0.005,
) -> float:
    """The value of ``parameter`` (a post-progression median survival [months]) that makes the
    model's median OS of ``strategy`` equal ``os_median`` [months], by bisection.

    Median OS increases with the post-progression median, so bisection on [lo, hi] converges.
    Only ``strategy`` is run. Used to derive the ``*_pps_median`` inputs (tag D).
    """
    from hecon.engine.run import run_model

    one = replace(spec, strategies=tuple(s for s in spec.strategies if s.name == strategy), scenarios=())

    def median(value: float) -> float:
        return survival_medians(one, run_model(one.with_parameters({parameter: value})), strategy)["os_median"]

    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if median(mid) < os_median:
            lo = mid
        else:
            hi = mid
        if hi - lo < tol:
            break
    return round(0.5 * (lo + hi), 2)


def main(argv: list[str] | None = None) -> int:
    """``python -m hecon.examples.rrmm PATH``: write the example workbook to PATH."""
    from hecon.workbook import write_workbook

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m hecon.examples.rrmm PATH.xlsx", file=sys.stderr)
        return 2
    path = Path(args[0])
    write_workbook(rrmm_model(), path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
