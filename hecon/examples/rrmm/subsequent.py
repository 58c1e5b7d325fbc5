"""Strategy-specific subsequent therapy after progression (issue 13), cost category
``subsequent_therapy``, and the bispecific share of the salvage after CAR-T relapse.

Every progressed state charges the share on a subsequent line x the Dutch anti-myeloma drug
basket (Seefat et al. 2023, indexed to 2024 in :mod:`.rwpc`): after physician's choice and after
a bispecific that basket is what follows (non-BCMA regimens, A).

Relapse after CAR-T is now often treated with a BCMA x CD3 bispecific. Both CAR-T strategies and
the sequence "CAR-T then bispecific" share one post-relapse course (:mod:`.sequences`): at relapse
a share starts a bispecific (state ``Seq_BsAb_after_CART``, with the efficacy seen after prior
BCMA therapy, then survival after the last BCMA line), the rest get non-BCMA salvage
(``PD_CART``: the basket, and the survival after progression on physician's choice). In the
one-time and re-dosing CAR-T strategies that share is :data:`w_bsab_after_cart_relapse`, the share
of Van Oekelen's cohort that got a T-cell-engaging salvage; in the sequence it is the share fit for
further treatment (``p_bsab_after_cart``). So the sequence decomposes the one-time arm's
post-relapse course with the same pieces, and the survival after CAR-T relapse that Van Oekelen
observed (median 17.9 months) is an external check of the mixture, not an input
(:data:`.survival.EXTERNAL_CHECKS`). The partitioned-survival version has no bispecific state
after CAR-T (its progressed state follows CARTITUDE-1's OS), so it charges the bispecific salvage
once on entering ``PD_CART``: the step-up week plus the mean time on the bispecific after prior
BCMA therapy times its extra monthly cost over the basket (:func:`rewards`).

Sources: Van Oekelen et al., Blood 2023;141(7):756 (79 patients relapsing after BCMA CAR-T, 35
of them (44.3%) got a T-cell-engaging therapy, a bispecific or another CAR-T); that all of them
get a bispecific is an assumption (A).
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, beta
from hecon.model.spec import PARTITIONED_SURVIVAL, Parameter, TransitionReward

VAN_OEKELEN = "Van Oekelen et al., Blood 2023;141(7):756"


def parameters() -> list[Parameter]:
    """The bispecific share of the salvage after CAR-T relapse (one-time and re-dosing CAR-T) and
    the share of relapses that start a bispecific in each CAR-T strategy."""
    return [
        P(
            "w_bsab_after_cart_relapse",
            35 / 79,
            "share",
            "Share of those relapsing after CAR-T who get a BCMA x CD3 bispecific (one-time and re-dosing CAR-T)",
            f"P: 35 of 79 patients relapsing after BCMA CAR-T got a T-cell-engaging salvage ({VAN_OEKELEN}); A: "
            "all of them a bispecific (some got another CAR-T); no Dutch share found",
            beta(35, 44),
            0.2,
            0.7,
        ),
        P(
            "q_bsab_after_cart",
            "seq_cart_bsab * p_bsab_after_cart + (1 - seq_cart_bsab) * w_bsab_after_cart_relapse",
            "share",
            "Share of the relapses after CAR-T that start a bispecific: the sequence's share fit for it, else the "
            "salvage share",
            "D: formula in the value",
        ),
        P(
            "c_bsab_month",
            "(bsab_dose_cost + c_sc_admin) * days_per_month / 7",
            "EUR per month",
            "Bispecific given weekly: drug and SC administration per month",
            "D: weekly dose cost and administration x weeks per month",
        ),
        P(
            "c_bsab_stepup_episode",
            "bsab_stepup_drug_cost + bsab_stepup_admins * c_sc_admin + c_stepup_ae + c_hosp_day * "
            "(p_stepup_inpatient * bsab_stepup_inpatient_days + (1 - p_stepup_inpatient) * "
            "p_crs_admission_outpatient * crs_admission_days)",
            "EUR per start",
            "Bispecific step-up week: drugs, administrations, CRS management and admission",
            "D: the step-up states' costs, inpatient and outpatient weighted",
        ),
        P(
            "c_bsab_salvage",
            "c_bsab_stepup_episode + (c_bsab_month - c_mm_drug_month) / pfs_tec_prior_bcma_exp_rate",
            "EUR per patient given it",
            "A bispecific after relapse following CAR-T (partitioned-survival version): step-up plus the mean time "
            "on it x its extra monthly cost over the basket",
            "D: mean time on treatment = mean PFS after prior BCMA therapy, 1 / the fitted rate (A: treated to "
            "progression); costs undiscounted within the episode (A)",
        ),
    ]


def rewards() -> tuple[TransitionReward, ...]:
    """The bispecific salvage after CAR-T relapse in the partitioned-survival version, once on
    entering PD_CART (the state-transition version has it as the state ``Seq_BsAb_after_CART``)."""
    return (
        TransitionReward(
            "PD_CART",
            "w_bsab_after_cart_relapse * c_bsab_salvage",
            "cost",
            "subsequent_therapy",
            structure=PARTITIONED_SURVIVAL,
        ),
    )
