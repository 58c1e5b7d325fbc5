"""Unrelated medical costs in life-years lived (the Dutch 2024 guideline asks for them, computed
with PAID), as an age-dependent cost per year alive; cost category ``unrelated_medical``
(healthcare perspective).

PAID 3.0 (Kellerborg et al., Value Health 2020;23(11):1453; iMTA PAID R Shiny tool) gives
per-capita healthcare costs by age, sex and time to death, with the costs of the disease being
evaluated (here multiple myeloma, ICD-10 C90) left out to avoid double counting. PAID 3.0 is an
interactive tool whose output is not published as a table, and it could not be run here, so the
example carries an age profile in four bands whose values are placeholders (tag G; their order of
magnitude is recalled, not read, V): EUR 3,500 (< 70), 6,000 (70-79), 11,000 (80-89) and 18,000
(>= 90) per year alive (:data:`BANDS`). Replace them with the PAID 3.0 output for survivors (the
extra costs in the last year of life are not modelled, A).

Sources: Kellerborg et al. 2020 (method); the values are gaps (G).
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P
from hecon.model.spec import Parameter

_GAP = (
    "G: PAID 3.0 (Kellerborg et al., Value Health 2020;23(11):1453) is the iMTA R Shiny tool; its per-capita costs "
    "by age excluding myeloma are not published as a table and the tool could not be run here, so this band is a "
    "placeholder whose order of magnitude is recalled, not read (V); replace with the PAID 3.0 output "
    "(survivors, both sexes weighted 59% men); range +-50% (A); the scenario 'No unrelated medical costs' shows "
    "their weight"
)


def _band(name: str, value: float, ages: str) -> Parameter:
    return P(
        name,
        value,
        "EUR per year",
        f"Unrelated medical costs per year alive, ages {ages}",
        _GAP,
        None,
        0.5 * value,
        1.5 * value,
    )


#: The placeholder bands: parameter, EUR per year alive, ages.
BANDS = (
    ("paid_under_70", 3500.0, "< 70"),
    ("paid_70_79", 6000.0, "70-79"),
    ("paid_80_89", 11000.0, "80-89"),
    ("paid_90_plus", 18000.0, ">= 90"),
)


def parameters() -> list[Parameter]:
    """The four age bands and the cost per year and per cycle alive."""
    return [
        *(_band(name, value, ages) for name, value, ages in BANDS),
        P(
            "c_unrelated_medical_year",
            "if_else(age < 70, paid_under_70, if_else(age < 80, paid_70_79, if_else(age < 90, paid_80_89, "
            "paid_90_plus)))",
            "EUR per year",
            "Unrelated medical costs per year alive at the cohort's current age (PAID)",
            "D: the age band of the cohort's age (start age + model years)",
        ),
        P(
            "c_unrelated_cycle",
            "c_unrelated_medical_year * cycle_years",
            "EUR per cycle",
            "Unrelated medical costs per cycle alive",
            "D: formula in the value",
        ),
    ]
