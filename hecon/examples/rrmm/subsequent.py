"""Strategy-specific subsequent therapy after progression (issue 13), cost category
``subsequent_therapy``.

Every progressed state charges the share on a subsequent line x the Dutch anti-myeloma drug
basket (Seefat et al. 2023, indexed to 2024 in :mod:`.rwpc`): after physician's choice and after
a bispecific that basket is what follows (non-BCMA regimens, A). Relapse after CAR-T, however, is
now often treated with a BCMA x CD3 bispecific: in the CAR-T strategies (one-time and re-dosing)
a share of the treated patients get one, charged once on entering ``PD_CART`` as the step-up
week plus the mean time on the bispecific after prior BCMA therapy (the mean of the fitted
exponential PFS, :mod:`.sequences`) times the difference between its monthly cost and the
basket's (so the basket is not counted twice). The survival after CAR-T relapse (Van Oekelen
2023, 17.9 months) already reflects such a salvage mix, so no survival effect is added. In the
sequence "CAR-T then bispecific" the bispecific is modelled explicitly, and those who progress
into ``PD_CART`` there are the ones not fit for it: they get no bispecific.

Sources: the share getting a bispecific at relapse after CAR-T is an assumption (A; no Dutch
figure found); the bispecific's prices and dosing are those of :mod:`.bispecifics`.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, beta_se
from hecon.model.spec import Parameter, TransitionReward


def parameters() -> list[Parameter]:
    """The bispecific share of the salvage after CAR-T relapse and its cost."""
    return [
        P(
            "w_bsab_after_cart_relapse",
            0.4,
            "share",
            "Share of the patients treated after relapse following CAR-T (CAR-T strategies) who get a BCMA x CD3 "
            "bispecific",
            "A: relapse after CAR-T is now often treated with a bispecific (issue 13; Van Oekelen 2023: T-cell "
            "engagers among the salvage regimens); no Dutch share found (range 0.2-0.6)",
            beta_se(0.4, 0.1),
            0.2,
            0.6,
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
            "A bispecific after relapse following CAR-T: step-up plus the mean time on it x its extra monthly cost "
            "over the basket",
            "D: mean time on treatment = mean PFS after prior BCMA therapy, 1 / the fitted rate (A: treated to "
            "progression); costs undiscounted within the episode (A); the fitted rate itself, not the sequences' "
            "seq_bsab_pfs_rate, so the sequence scenarios leave the one-time CAR-T arm unchanged",
        ),
    ]


def rewards() -> tuple[TransitionReward, ...]:
    """The bispecific salvage after CAR-T relapse, once on entering PD_CART (not in the sequence
    "CAR-T then bispecific", where it is modelled as a state)."""
    return (
        TransitionReward(
            "PD_CART",
            "p_subseq_cart * w_bsab_after_cart_relapse * (1 - seq_cart_bsab) * c_bsab_salvage",
            "cost",
            "subsequent_therapy",
        ),
    )
