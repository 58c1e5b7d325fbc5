"""Subgroups of the RRMM example (the Subgroups sheet): high-risk cytogenetics and patients aged
65 or younger, each override with its source, and the parameter through which a subgroup's PFS
hazard reaches the physician's-choice and bispecific curves.

Sources: high-risk cytogenetics after cilta-cel: a US multicentre real-world analysis of 598
patients (ASH 2025; 12-month PFS 61% with adapted IMS-IMWG high-risk disease, 42% of the cohort,
vs 80% without), read in conference coverage (tag V: the abstract read up to its methods); no high-risk PFS of
MajesTEC-1 (29% high risk, Martin et al., Cancer 2026;132:e70237) or LocoMMotion was found (tag A);
the age split of CARTITUDE-1 (63.9% younger than 65); the age dependence of ICANS
after CAR-T (CIBMTR, 1,916 adults with CD19 CAR-T for large B-cell lymphoma: ICANS hazard ratio 1.65,
95% CI 1.33-2.1, beyond age 64, and no age effect on CRS or survival; Blood Neoplasia 2025, read in
its abstract, tag V), transferred to BCMA CAR-T in myeloma (A). Age-specific CRS, infections or
non-relapse mortality of cilta-cel or teclistamab could not be sourced (G).
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P
from hecon.model.spec import Parameter, Scenario

HIGH_RISK = "High-risk cytogenetics"
YOUNGER = "Aged 65 or younger"

#: 12-month PFS after cilta-cel with and without high-risk disease, and the high-risk share (V, see above).
RW_CILTA = (
    "US multicentre real-world cilta-cel (15 academic centres, 598 patients treated 5/2022-12/2024), ASH 2025 abstract, "
    "Blood 2025;146(Supplement 1) (V: the abstract read up to its methods; the 12-month PFS 61% vs 80% read in "
    "conference coverage; abstract number and first author not found)"
)
#: The CAR-T PFS hazard ratio of the high-risk subgroup vs the whole population, under proportional hazards.
HR_CART_HIGH_RISK = "log(0.61) / log(0.42 * 0.61 + 0.58 * 0.80)"
#: ICANS risk of those aged 64 or younger relative to the whole (CARTITUDE-1) population: 63.9% younger,
#: the others at 1.65 times their risk (the hazard ratio taken as a risk ratio, A).
ICANS_YOUNGER = "(0.639 + 0.361 * 1.65)"
CIBMTR_AGE = (
    "ICANS HR 1.65 (1.33-2.1) beyond age 64, no age effect on CRS (CIBMTR, CD19 CAR-T in large B-cell lymphoma, "
    "n=1,916, Blood Neoplasia 2025; V: read in the abstract; transferred to BCMA CAR-T in myeloma, A); 63.9% of "
    "CARTITUDE-1 younger than 65"
)


def parameters() -> list[Parameter]:
    """The subgroup PFS hazard ratio on the physician's-choice curve (and so on the bispecific's)."""
    return [
        P(
            "hr_pfs_subgroup",
            1.0,
            "hazard ratio",
            "PFS hazard ratio of a subgroup vs the whole population on the physician's-choice curve and the "
            "bispecific's (1 = whole population; the Subgroups sheet sets it)",
            "A: model structure (subgroup switch)",
        ),
    ]


def subgroups() -> tuple[Scenario, ...]:
    """The Subgroups sheet."""
    return (
        Scenario(
            HIGH_RISK,
            {"cart_pfs_hr_psa": HR_CART_HIGH_RISK, "hr_pfs_subgroup": 1.5},
            "Patients with high-risk cytogenetics (del(17p), t(4;14), t(14;16), gain/amp(1q)): a shorter PFS on "
            "every treatment; post-progression survival and toxicity as the whole population (no subgroup data, G)",
            {
                "cart_pfs_hr_psa": "D: ln S_HR(12) / ln S_all(12) = 1.51 from 12-month PFS 61% (high risk, 42%) vs "
                f"80% (not high risk), {RW_CILTA}; proportional hazards (A)",
                "hr_pfs_subgroup": "A: the CAR-T subgroup's hazard ratio, rounded, for physician's choice and the "
                "bispecific: no high-risk PFS of MajesTEC-1 (29% high risk, Martin et al., Cancer 2026;132:e70237) "
                "or LocoMMotion was found (G); vary 1-2",
            },
        ),
        Scenario(
            YOUNGER,
            {
                "settings.start_age": 58.0,
                "settings.horizon_years": 42.0,
                "p_paid_work": 0.35,
                "p_icans_cart": f"cilta_p_icans / {ICANS_YOUNGER}",
                "p_icans_g3_cart": f"cilta_p_icans_g3 / {ICANS_YOUNGER}",
            },
            "Patients aged 65 or younger at the start: longer life expectancy, more in paid work, less CAR-T "
            "neurotoxicity (ICANS); efficacy, CRS, infections and non-relapse mortality as the whole population "
            "(no age-specific values sourced, G)",
            {
                "settings.start_age": "A: midpoint of the younger part of the cohort (CARTITUDE-1: median 61, 63.9% "
                "younger than 65)",
                "settings.horizon_years": "D: to age 100 (lifetime horizon, Dutch guideline 2024)",
                "p_paid_work": "A: more in paid work at 58 than at 63 (base case 0.20, AOW age 67); range 0.2-0.5",
                "p_icans_cart": f"D: cilta-cel ICANS / (0.639 + 0.361 x 1.65): {CIBMTR_AGE}",
                "p_icans_g3_cart": f"D: cilta-cel grade >= 3 ICANS / (0.639 + 0.361 x 1.65): {CIBMTR_AGE}",
            },
        ),
    )
