"""Price indexation to 2024 euros: the Dutch consumer price index (CPI, all items) of the price
years the example's older prices come from.

A price of year Y becomes a 2024 price as ``price * cpi_2024 / cpi_Y``.

Sources: CBS StatLine 70936ned ("Jaarmutatie consumentenprijsindex; vanaf 1963"), annual CPI
changes 2019 +2.6%, 2020 +1.3%, 2021 +2.7%, 2022 +10.0%, 2023 +3.8%, 2024 +3.3%, chained to an
index 1962 = 100 (as tabulated from CBS by teltel.nl). Check: 2022 -> 2024 gives 850.3 / 793.0 =
1.072, the factor 1.073 of the Costing Manual's indexation (tatooheene ``df_cpi_combined``,
mm-inputs §7.1) to rounding.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P
from hecon.model.spec import Parameter

CBS_CPI = (
    "P: CBS StatLine 70936ned, annual CPI (all items) changes chained to an index 1962 = 100 (as tabulated from "
    "CBS by teltel.nl); 2022 -> 2024 = 1.072, the Costing Manual's 1.073 to rounding"
)


def parameters() -> list[Parameter]:
    """CPI levels of the price years used (index 1962 = 100)."""
    return [
        P("cpi_2018", 675.4, "index", "Dutch CPI 2018 (1962 = 100)", CBS_CPI),
        P("cpi_2019", 692.9, "index", "Dutch CPI 2019 (1962 = 100)", CBS_CPI),
        P("cpi_2023", 823.1, "index", "Dutch CPI 2023 (1962 = 100)", CBS_CPI),
        P("cpi_2024", 850.3, "index", "Dutch CPI 2024 (1962 = 100)", CBS_CPI),
    ]
