"""Costs of a CAR-T course that the bottom-up build-up left out or undercounted: the Dutch CAR-T
procedure costs (lymphodepletion administration and infusion), cytopenia support after the
infusion (G-CSF, transfusions, thrombopoietin-receptor agonists) and the caregiver who must be
present around the clock for the first weeks (issue 13).

Cost categories (kept stable; the perspective each belongs to is in :data:`CATEGORY_PERSPECTIVE`):
the procedure costs are ``administration``, cytopenia support is ``cytopenia_support``, the
caregiver is ``informal_care``.

Sources: the Dutch tisagenlecleucel CEA (Eur J Haematol 2020, PMC7497258, Table 1: infusion /
administration EUR 15,932, lymphodepletion EUR 6,301; price year 2018 as we read the paper's
list price year, V), indexed with the CBS CPI (:mod:`.indexation`); supportive care to day 100
after standard-of-care ide-cel (Logue et al., Blood Adv 2022;6(24):6109: G-CSF 88%, red-cell
transfusion 63%, platelet transfusion 42%, TPO-receptor agonist 21%); Sanquin's 2023 red-cell
tariff (EUR 264 per unit, as reported, tag V) indexed to 2024; the Dutch unit prices of G-CSF,
platelet units and TPO-receptor agonists were not found (tag G); the caregiver presence is
an assumption (A) on the label requirement to stay near the treatment centre for 4 weeks.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, beta_se, gamma_se
from hecon.model.spec import Parameter, TransitionReward

PMC7497258 = "Dutch tisagenlecleucel CEA, Eur J Haematol 2020 (PMC7497258), Table 1"
LOGUE = "Logue et al., Blood Adv 2022;6(24):6109 (standard-of-care ide-cel, supportive care to day 100)"

#: Every cost category of the example and the perspective it belongs to (Dutch guideline 2024:
#: the healthcare perspective holds all medical costs, related and unrelated; the societal
#: perspective adds patient and family costs and productivity losses).
CATEGORY_PERSPECTIVE: dict[str, str] = {
    "drug": "healthcare",
    "administration": "healthcare",
    "hospital": "healthcare",
    "monitoring": "healthcare",
    "adverse_events": "healthcare",
    "cytopenia_support": "healthcare",
    "subsequent_therapy": "healthcare",
    "terminal_care": "healthcare",
    "unrelated_medical": "healthcare",
    "informal_care": "societal",
    "travel": "societal",
    "productivity": "societal",
}


def parameters() -> list[Parameter]:
    """Procedure costs, cytopenia support and caregiver presence, in that order."""
    return _procedure() + _cytopenia_support() + _caregiver()


def _procedure() -> list[Parameter]:
    return [
        P(
            "cart_procedure_nl",
            1,
            "0/1",
            "1 = the Dutch CAR-T procedure costs (lymphodepletion administration and infusion, PMC7497258); 0 = the "
            "bottom-up build-up (3 day treatments for lymphodepletion, infusion not costed separately)",
            "A: the Dutch CEA's procedure costs are the only Dutch CAR-T procedure costs found; their "
            "scope (whether the infusion cost holds part of the admission) was not re-read, so the nursing days "
            "of the admission stay costed bottom-up and the build-up is the scenario 'CAR-T procedure costs "
            "bottom-up'",
        ),
        P(
            "c_cart_infusion_nl_2018",
            15932.0,
            "EUR 2018 per infusion",
            "CAR-T infusion / administration cost (Dutch CEA)",
            f"P: {PMC7497258}; price year 2018 (V: the year of the paper's list price, not re-read). PSA: Gamma, SE "
            "20% (A)",
            gamma_se(15932.0, 3186.4),
        ),
        P(
            "c_lymphodepletion_nl_2018",
            6301.0,
            "EUR 2018 per course",
            "Lymphodepletion administration cost (Dutch CEA)",
            f"P: {PMC7497258}; price year 2018 (V). PSA: Gamma, SE 20% (A)",
            gamma_se(6301.0, 1260.2),
        ),
        P(
            "c_cart_procedure",
            "if_else(cart_procedure_nl, (c_cart_infusion_nl_2018 + c_lymphodepletion_nl_2018) * cpi_2024 / cpi_2018, "
            "lymphodepletion_days * c_day_treatment)",
            "EUR per course",
            "CAR-T procedure (lymphodepletion administration and infusion), 2024 euros",
            "D: Dutch CEA costs x CPI 2024 / 2018, or the bottom-up build-up (cart_procedure_nl = 0)",
        ),
    ]


def _cytopenia_support() -> list[Parameter]:
    return [
        P("p_gcsf_cart", 0.88, "share", "Share given G-CSF after a CAR-T infusion", f"P: {LOGUE}", beta_se(0.88, 0.03)),
        P(
            "gcsf_doses_cart",
            7.0,
            "doses",
            "G-CSF doses per patient given G-CSF",
            "A: one week of daily filgrastim (range 3-14)",
            None,
            3.0,
            14.0,
        ),
        P(
            "c_gcsf_dose",
            60.0,
            "EUR per dose",
            "G-CSF (filgrastim biosimilar) per dose",
            "G: Dutch price not found; placeholder (range 30-120, A)",
            None,
            30.0,
            120.0,
        ),
        P("p_rbc_cart", 0.63, "share", "Share given red-cell transfusions after a CAR-T infusion", f"P: {LOGUE}"),
        P("rbc_units_cart", 4.0, "units", "Red-cell units per transfused patient", "A: range 2-8", None, 2.0, 8.0),
        P(
            "c_rbc_unit_2023",
            264.0,
            "EUR 2023 per unit",
            "Red-cell concentrate per unit (Sanquin tariff 2023)",
            "V: EUR 264 per unit, the 2023 tariff that the minister set for Sanquin (Staatscourant, Oct 2022), as "
            "reported by Metro (Oct 2023; the Staatscourant text itself not read); the 2012 tariff was EUR 210.50 "
            "(P: minister Schippers, Aanhangsel Handelingen II 2011-2012 nr. 1981); the 2024 tariff list was searched "
            "for and not found",
        ),
        P(
            "c_rbc_unit",
            "c_rbc_unit_2023 * cpi_2024 / cpi_2023",
            "EUR per unit",
            "Red-cell concentrate per unit, 2024 euros",
            "D: the 2023 Sanquin tariff x CPI 2024 / 2023 (CBS consumer price index)",
        ),
        P("p_platelets_cart", 0.42, "share", "Share given platelet transfusions after a CAR-T infusion", f"P: {LOGUE}"),
        P("platelet_units_cart", 3.0, "units", "Platelet units per transfused patient", "A: range 1-6", None, 1.0, 6.0),
        P(
            "c_platelet_unit",
            550.0,
            "EUR per unit",
            "Platelet concentrate per unit",
            "G: Sanquin's platelet tariff not found (its tariffs are set yearly by the minister; only the red-cell "
            "tariff is quoted in public sources); placeholder about twice the red-cell unit (range 450-650, A)",
        ),
        P("p_tpo_cart", 0.21, "share", "Share given a TPO-receptor agonist after a CAR-T infusion", f"P: {LOGUE}"),
        P(
            "c_tpo_course",
            1500.0,
            "EUR per course",
            "TPO-receptor agonist course (about 1 month)",
            "G: Dutch price not found; placeholder (A)",
        ),
        P(
            "c_cytopenia_support_cart",
            "p_gcsf_cart * gcsf_doses_cart * c_gcsf_dose + p_rbc_cart * rbc_units_cart * (c_rbc_unit + "
            "c_day_treatment / 2) + p_platelets_cart * platelet_units_cart * (c_platelet_unit + c_day_treatment) + "
            "p_tpo_cart * c_tpo_course",
            "EUR per infusion",
            "Cytopenia support after a CAR-T infusion (to day 100)",
            "D: shares x units x unit prices; one day treatment per 2 red-cell units and per platelet unit (A); "
            "cilta-cel assumed like standard-of-care ide-cel (A)",
        ),
    ]


def _caregiver() -> list[Parameter]:
    return [
        P(
            "caregiver_hours_per_day",
            24.0,
            "hours per day",
            "Caregiver presence per day in the first weeks after each CAR-T infusion (informal care hours)",
            "A: patients stay near the treatment centre for about 4 weeks after infusion (label, V) with a caregiver "
            "present around the clock (centre protocols, A); all 24 hours are valued as informal care (range 8 = "
            "waking-hours care only to 24)",
            None,
            8.0,
            24.0,
        ),
    ]


def rewards() -> tuple[TransitionReward, ...]:
    """Cytopenia support, charged once on each first-line or further CAR-T infusion (the second-line
    infusion of a sequence is charged in :mod:`.sequences`)."""
    R = TransitionReward
    courses = (
        ("CART_Infusion", "Bridging"),
        ("Redose_Admission", "CART_Remission"),
        ("Redose_Admission", "Redose_Remission"),
    )
    return tuple(R(to, "c_cytopenia_support_cart", "cost", "cytopenia_support", frm) for to, frm in courses)
