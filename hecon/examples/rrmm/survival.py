"""Survival: the three PFS curves (RWPC exponential; CAR-T Weibull from infusion with an optional
cure fraction; bispecific = RWPC curve x hazard ratio), the source landmarks drawn in the
report's survival figure, and :data:`SURVIVAL_TARGETS`, the source medians and landmarks that
the model's survival is checked against.

Sources: mm-inputs §2.6 (curve forms, tag D); LocoMMotion (Mateos et al., Leukemia 2024);
CARTITUDE-1 (median PFS 34.9 months, PFS 60.5% at 24 months; OS 88.5% at 12 months, Madduri et
al., ASH 2020; median OS 60.7 months, Jagannath et al., JCO 2025); KarMMa; the pooled BCMA CAR-T
meta-analysis; MajesTEC-1; the bispecifics' hazard ratios (Krishnan et al. 2023; elranatamab MAIC
2025). The post-progression medians that make the model reproduce the OS targets are in the
product modules (tag D, calibrated).
"""

from __future__ import annotations

from typing import Any

from hecon.examples.rrmm.common import LOCOMMOTION, P
from hecon.examples.rrmm.strategies import BSAB, CART, RWPC
from hecon.model.spec import Parameter, SurvivalCurve


def curves() -> tuple[SurvivalCurve, ...]:
    """The SurvivalCurves sheet: PFS of RWPC, CAR-T (from infusion) and the bispecific [time unit: months]."""
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


def parameters() -> list[Parameter]:
    """Source landmarks for the report's survival figure (hecon.analysis.landmarks: the unit
    says what the value is); not used by any transition."""
    lm = "Source landmark for the report (not used in transitions); "
    return [
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
