"""Inputs of the committee's decision analyses: the perspective of each cost category (the
CostCategories sheet), the parameter groups whose EVPPI is estimated (EvppiGroups) and the budget
impact inputs with the 'sluis' thresholds (BudgetImpact).

Sources: ZIN's guideline (Richtlijn economische evaluaties, 2024: societal perspective; productivity,
travel and informal care are costs outside healthcare); ZIN's cilta-cel package advice of 20 Oct 2022
(about 1,100 diagnoses of multiple myeloma a year in the Netherlands); the 'sluis' criteria: the
AMvB of 1 July 2018 (>= EUR 50,000 per patient per year together with a total of >= EUR 10
million a year; rijksoverheid.nl, 15 May 2018) and the total threshold lowered to EUR 20 million a
year from 1 July 2023 (minister Kuipers; Skipr, Jan 2023): into the sluis when the total is >= EUR
20 million, or >= EUR 50,000 per patient and >= EUR 10 million in total. The number of Dutch patients after >= 3 lines and the uptake of each strategy are gaps (G).
"""

from __future__ import annotations

from hecon.analysis.two_way import TwoWayQuery
from hecon.examples.rrmm.care_costs import CATEGORY_PERSPECTIVE
from hecon.examples.rrmm.settings import POPULATION_SIZE
from hecon.examples.rrmm.strategies import BSAB, CART, REDOSE, RWPC
from hecon.model.spec import BudgetItem

#: Cost category -> perspective (one table, kept with the costs it tags). Every category of the
#: model must be there (an untagged one is a validation error), so a new category is placed on purpose.
COST_PERSPECTIVES = CATEGORY_PERSPECTIVE


def evppi_groups() -> dict[str, tuple[str, ...]]:
    """The EvppiGroups sheet: the survival curves built from more than one sampled input, prices and
    utilities (at most 4 a group). Every drawn parameter, the structural choice ``cart_pfs_plateau``
    (discrete) and the CAR-T cure Weibull's coefficients (an empirical group of bootstrap refits,
    ``pfs_cilta_weibull_cure``) get their own EVPPI without a row here; the CAR-T exponential curve
    has one coefficient, ``pfs_cilta_exp_rate``."""
    return {
        "Curves: RWPC PFS and OS": ("pfs_rwpc_exp_rate", "os_rwpc_exp_rate"),
        "Curve: bispecific PFS (RWPC x HR)": ("pfs_rwpc_exp_rate", "tec_hr_pfs"),
        "Prices: hospital care": ("c_hosp_day", "c_icu_day", "c_day_treatment", "c_outpatient"),
        "Prices: other care": ("c_sc_admin", "c_ed_visit", "c_mm_drug_month_2019", "c_home_nursing_hour"),
        "Utilities": ("u_pf_on", "u_pf_off", "u_pd", "du_inpatient"),
    }


#: Budget years (ZIN asks for 3 years; 5 shows the CAR-T cohort's follow-up costs too).
YEARS = 5
ELIGIBLE_SOURCE = (
    f"G: no Dutch count of patients starting a 4th or later line was found; ~1,100 diagnoses of myeloma a year "
    f"(ZIN package advice cilta-cel, 20 Oct 2022, P), of whom a minority reaches a 4th line; {POPULATION_SIZE:g} "
    "is the placeholder of the population EVPI (settings.population_size)"
)
#: Share of new patients per strategy in the new world, by budget year (1..YEARS).
NEW_SHARES = {
    CART: (0.10, 0.15, 0.20, 0.25, 0.25),
    BSAB: (0.40, 0.45, 0.50, 0.50, 0.50),
    REDOSE: (0.0,) * YEARS,
}
NEW_SOURCE = (
    "G: uptake not published; placeholder: CAR-T limited by the capacity of the Dutch CAR-T centres (10% rising "
    "to 25%), the bispecific for most of the rest (40% to 50%), physician's choice for the remainder; annual "
    "re-dosing is hypothetical (0)"
)
CURRENT_SOURCE = (
    "G: the current world as if neither BCMA therapy were reimbursed (cilta-cel: ZIN advised reimbursement "
    "after price negotiation, 18 Feb 2025, no agreement yet; teclistamab: ZIN 14 Apr 2025, only after a > 40% "
    "price decrease); today's Dutch mix was not found"
)


def budget() -> tuple[BudgetItem, ...]:
    """The BudgetImpact sheet: eligible patients, the shares of both worlds, drug costs, 'sluis' thresholds."""
    B = BudgetItem

    rows = [B("eligible", POPULATION_SIZE, y, source=ELIGIBLE_SOURCE) for y in range(1, YEARS + 1)]
    for year in range(1, YEARS + 1):
        rows.append(B("share", 1.0, year, RWPC, "current", source=CURRENT_SOURCE))
        new = {s: shares[year - 1] for s, shares in NEW_SHARES.items()}
        for strategy, share in new.items():
            rows.append(B("share", share, year, strategy, "new", source=NEW_SOURCE))
        rows.append(B("share", round(1.0 - sum(new.values()), 10), year, RWPC, "new", source=NEW_SOURCE))
    rows += [
        B("drug_category", category="drug"),
        B(
            "sluis_per_patient",
            50_000.0,
            source="P: 'sluis' criterion per patient, EUR 50,000 or more per patient per year (AMvB in force from "
            "1 Jul 2018, rijksoverheid.nl 15 May 2018; unchanged in 2023, Skipr Jan 2023)",
        ),
        B(
            "sluis_total",
            20_000_000.0,
            source="P: 'sluis' criterion on the total, EUR 20 million a year or more for a new indication, from "
            "1 Jul 2023 (was EUR 40 million; minister Kuipers, Skipr Jan 2023)",
        ),
        B(
            "sluis_total_with_per_patient",
            10_000_000.0,
            source="V: the per-patient criterion applies when the expected total is also EUR 10 million a year or "
            "more (AMvB of 1 Jul 2018, Besluit zorgverzekering art. 2.4a; unchanged in 2023 per Skipr Jan 2023, "
            "which states the per-patient criterion but not the EUR 10 million in the text read: verify)",
        ),
    ]
    return tuple(rows)


#: The re-dosing headroom (issue 14): where annual re-dosing is cost-effective against one-time CAR-T
#: over its efficacy (hazard ratio of a further course) and its price (share of the product price).
#: The efficacy runs from 0 (a further course halts progression entirely) to 1.5, the price share from
#: 0 (free) to 1, so that an empty region means "no course, however effective or cheap" (A).
#: ``make run`` passes :data:`HEADROOM_OPTION` to ``hecon run --two-way``.
HEADROOM = TwoWayQuery("hr_redose", "redose_price_share", REDOSE, CART, (0.0, 1.5), (0.0, 1.0))
HEADROOM_OPTION = f"hr_redose=0:1.5,redose_price_share=0:1,{REDOSE},{CART}"
