"""Costs shared by the strategies: infections and IVIG (with the QALY loss per serious infection),
the Dutch reference unit prices, travel, tocilizumab, lymphodepletion and apheresis, terminal care
and productivity (unrelated medical costs are in :mod:`.unrelated_costs`).

Sources: Kostenhandleiding 2024 (Zorginstituut Nederland) reference prices, 2022 values indexed to
2024 (:data:`MANUAL`); Frerichs et al., Blood Adv 2024 (serious infections with and without IVIG);
Horizonscan Geneesmiddelen (tocilizumab); the Dutch tisagenlecleucel CEA (Eur J Haematol 2020;
lymphodepletion drugs); CBS StatLine via tatooheene (friction period); the IVIG price, apheresis
tariff and terminal care are gaps (tag G).
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P, gamma_se
from hecon.model.spec import Parameter

MANUAL = "P: Kostenhandleiding 2024 (Zorginstituut Nederland) reference price, 2022 value x CPI 1.073 to 2024 (R package tatooheene, reference-price and CPI tables)"
SE20 = " PSA: Gamma with SE 20% of the mean (A)."


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


def parameters() -> list[Parameter]:
    """Infections and IVIG, unit prices, terminal care and societal costs, in that order."""
    return _infections() + _unit_prices() + _terminal_and_societal()


def _infections() -> list[Parameter]:
    """Infections and IVIG."""
    return [
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
            "A: authors' assumption (resource use)",
            None,
            4.0,
            10.0,
        ),
        P(
            "du_infection",
            0.0073,
            "QALY per episode",
            "QALY loss per serious infection",
            "P: utility -0.19 for 14 days (PMC8984780, Table 1; duration an authors' assumption); G: authors and year of PMC8984780 not recorded",
            None,
            0.0036,
            0.011,
        ),
        P(
            "ivig_g_per_kg",
            0.4,
            "g/kg",
            "IVIG dose per infusion",
            "A: 0.4 g/kg every 4 weeks; MajesTEC-1 guidance every 3-6 weeks if IgG < 400 mg/dL (IMS 2023 OA-51)",
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
            "D: 7 inpatient days x nursing-day price (A: authors' assumption (resource use))",
        ),
    ]


def _unit_prices() -> list[Parameter]:
    """Unit prices (Costing Manual 2024) and the prices built from them."""
    return [
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
        P("c_car_km", 0.28, "EUR per km", "Travel by car per km (2022: 0.26)", MANUAL),
        P("c_parking", 4.21, "EUR per visit", "Parking per hospital visit (2022: 3.92)", MANUAL),
        P(
            "km_per_visit",
            60.0,
            "km",
            "Return distance per hospital visit",
            "A: 2 x 30 km",
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
            "163.90 * cpi_2024 / cpi_2018",
            "EUR per 80 mg vial",
            "Tocilizumab 80 mg/4 mL vial, 2024 euros",
            "D: EUR 163.90 (P: Horizonscan Geneesmiddelen, tocilizumab entry; price year "
            "about 2018) x CPI 2024 / 2018 (CBS consumer price index)",
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
            "P: Munshi et al., NEJM 2021 (KarMMa); Berdeja et al., Lancet 2021 (CARTITUDE-1): fludarabine 30 mg/m2 + cyclophosphamide 300 mg/m2 on 3 days",
        ),
        P(
            "c_apheresis",
            "2 * c_day_treatment",
            "EUR per apheresis",
            "Leukapheresis procedure",
            "G: no Dutch apheresis tariff found; A: 2 x day treatment",
        ),
    ]


def _terminal_and_societal() -> list[Parameter]:
    """Terminal care and societal costs."""
    return [
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
            "P: CBS StatLine 80472ned via the R package tatooheene (friction-period table), 2023 (19.1 weeks); 5-year average 120.7 days",
        ),
        P(
            "c_productivity_cycle",
            "if_else(model_time * cycle_days < friction_days, p_paid_work * work_hours_per_week * "
            "cycle_weeks * c_productivity_hour, 0)",
            "EUR per cycle",
            "Productivity loss per cycle alive (friction method, from treatment start)",
            "D: friction cost method (Dutch guideline)",
        ),
    ]
