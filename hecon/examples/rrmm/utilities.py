"""Utilities: QALY weights of the health states, decrements while admitted or recovering, the
one-off QALY losses of CRS and ICANS, and the Dutch general-population utility norms by age
(for the disease burden).

Sources: NICE TA1133 EAG (anchor of the progression-free utility, 0.737); Howell et al.,
Pharmacoecon Open 2022 (QALY losses of the CAR-T adverse-event vignettes); Mangen et al., Health
Qual Life Outcomes 2017 (Dutch age norms); the state utilities and decrements are assumptions
(tag A) until trial EQ-5D-5L values by state are retrieved.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, beta_se
from hecon.model.spec import Parameter, UtilityNorm

HOWELL = "Howell et al., Pharmacoecon Open 2022;6(3):367 (UK TTO, CAR-T AE vignettes; QALY loss over the vignette year)"


def parameters() -> list[Parameter]:
    """Utilities."""
    return [
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
            "A: authors' assumption (range 0.05-0.30)",
            beta_se(0.15, 0.05),
            0.05,
            0.30,
        ),
        P(
            "du_recovery",
            0.10,
            "QALY weight",
            "Utility decrement during recovery after a CAR-T course",
            "A: clinician interview and authors' assumption (range 0.05-0.20)",
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


def utility_norms() -> tuple[UtilityNorm, ...]:
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
