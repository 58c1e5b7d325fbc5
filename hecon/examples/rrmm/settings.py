"""Run settings and population of the RRMM example: weekly cycles, lifetime horizon, discounting,
life tables, willingness-to-pay values, the population size for the population EVPI, and the
Parameters rows of the population (share of men, body weight, body surface area) and time units.

Sources: Dutch pharmacoeconomic guideline 2024 (lifetime horizon, discount rates 3% costs / 1.5%
effects, societal perspective); CBS 2019 life table (37360ned) and the AG2024 projection, bundled
with :mod:`hecon.methods.lifetable`; CARTITUDE-1 (share of men); MajesTEC-1 (body weight); start
age 63 and body surface area are assumptions (tag A), the population size a gap (tag G). The first
entry of :data:`hecon.examples.rrmm.assumptions.ASSUMPTIONS` explains the settings.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, beta
from hecon.examples.rrmm.strategies import BSAB
from hecon.methods.lifetable import bundled_lifetable
from hecon.model.spec import LifeTable, Parameter, Settings

#: Patients per year in the Netherlands eligible for BCMA-directed therapy after >= 3 prior lines,
#: for the population EVPI. G: gap — no source was found; 150 is a placeholder to replace.
POPULATION_SIZE = 150.0


def model_settings() -> Settings:
    """Settings sheet: weekly cycles to age 100, 2024 euros, the weekly bispecific as the comparator
    (the primary pair is one-time CAR-T vs bispecific, both reimbursed in the Netherlands, ZIN 2025;
    RWPC is the historical reference)."""
    return Settings(
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
        comparator=BSAB,
        population_size=POPULATION_SIZE,
        population_years=10.0,
        # A: the state-transition and partitioned-survival versions are co-primary (issue 13), so
        # the PSA's decision outputs average them with equal weights
        partitioned_survival_weight=0.5,
    )


def life_tables() -> tuple[LifeTable, ...]:
    """General-population mortality: CBS 2019 (base case) and AG2024 (scenario)."""
    return (bundled_lifetable("nl_cbs_2019"), bundled_lifetable("nl_ag2024"))


def parameters() -> list[Parameter]:
    """Population, units and time structure."""
    return [
        P(
            "p_male",
            0.59,
            "share",
            "Share of men at start (weights the men's and women's life tables)",
            "P: CARTITUDE-1, 57/97 male (Martin et al., EJHaem 2022;3(1):97, doi 10.1002/jha2.312, Table 1)",
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
        P(
            "days_per_month",
            30.4375,
            "days",
            "Days per month (365.25 / 12)",
            "D: 365.25 days a year (the Julian year) / 12 months",
        ),
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
