"""The one-way sensitivity analysis as reported (summary.json ``dsa``): the varied parameters,
the base-case increments and one tornado per strategy versus the comparator
(:class:`hecon.analysis.dsa.DsaResult`).

Costs and incremental net monetary benefit (INMB = WTP x ΔQALY − Δcost) are in the model's
currency per patient, QALYs and life-years per patient, ICERs and WTP in currency per QALY.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hecon.analysis.dsa import DsaResult
from hecon.analysis.serialise import NOT_IN_JSON, frozen
from hecon.analysis.summary import increment_text

__all__ = ["DsaIncrement", "DsaParameterRange", "DsaSummary", "TornadoRow", "WtpInmb", "summarise_dsa"]


@dataclass(frozen=True)
class WtpInmb:
    """The incremental net monetary benefit [currency] at one willingness to pay [currency per QALY]."""

    wtp: float
    inmb: float


@dataclass(frozen=True)
class DsaIncrement:
    """A strategy versus the comparator in the base case of the DSA.

    incremental_cost [currency], incremental_qalys [QALY], incremental_lys [life-years],
    icer [currency per QALY; None when it has no meaning], status (see
    :func:`hecon.analysis.incremental.versus_comparator`), inmb at each WTP of the DSA;
    description : the increment in words; inmb_at_tornado_wtp : the INMB the tornado is drawn around
    """

    incremental_cost: float
    incremental_qalys: float
    incremental_lys: float
    icer: float | None
    status: str
    inmb: tuple[WtpInmb, ...]
    description: str = field(default="", metadata=NOT_IN_JSON)
    inmb_at_tornado_wtp: float = field(default=0.0, metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class DsaParameterRange:
    """A varied parameter: base, low and high value [its unit] and where the range comes from."""

    name: str
    unit: str
    base: float
    low: float
    high: float
    range_source: str


@dataclass(frozen=True)
class TornadoRow:
    """One parameter in a tornado (:meth:`hecon.analysis.dsa.DsaResult.tornado`).

    parameter, unit, description, base, low, high, range_source : the parameter and its range
    icer_low/high, status_low/high, incremental_cost_low/high, incremental_qalys_low/high :
        the comparison with the parameter at its low and high value
    frontier_low/high : the strategy's status on the efficiency frontier of the decision options
        with the parameter at its low and high value ("reference", "non-dominated", "dominated",
        "extendedly dominated"; "" for a reference strategy, outside the decision)
    inmb_low/high : INMB at the tornado's WTP [currency]; swing : |inmb_high − inmb_low|
    result_low/high : the increments in words
    """

    parameter: str
    unit: str
    description: str
    base: float
    low: float
    high: float
    range_source: str
    icer_low: float | None
    icer_high: float | None
    status_low: str
    status_high: str
    incremental_cost_low: float
    incremental_cost_high: float
    incremental_qalys_low: float
    incremental_qalys_high: float
    inmb_low: float
    inmb_high: float
    swing: float
    result_low: str = field(default="", metadata=NOT_IN_JSON)
    result_high: str = field(default="", metadata=NOT_IN_JSON)
    frontier_low: str = ""
    frontier_high: str = ""


@dataclass(frozen=True)
class DsaSummary:
    """The one-way sensitivity analysis (summary.json ``dsa``).

    comparator         : the strategy compared with
    tornado_wtp        : the WTP the tornado is sorted by [currency per QALY], and its source
    wtp                : every WTP of the INMB [currency per QALY]
    currency           : the model's currency
    n_variations       : model evaluations (base case, then low and high of each parameter)
    parameters         : the varied parameters in model order
    base_case          : per strategy other than the comparator, its base-case increments
    tornado            : per strategy, every parameter, largest swing first
    """

    comparator: str
    tornado_wtp: float
    tornado_wtp_source: str
    wtp: tuple[float, ...]
    currency: str
    n_variations: int
    parameters: tuple[DsaParameterRange, ...]
    base_case: Mapping[str, DsaIncrement]
    tornado: Mapping[str, tuple[TornadoRow, ...]]


def _increment(outcome: Mapping[str, Any], tornado_wtp: float, currency: str) -> DsaIncrement:
    return DsaIncrement(
        outcome["incremental_cost"],
        outcome["incremental_qalys"],
        outcome["incremental_lys"],
        outcome["icer"],
        outcome["status"],
        tuple(WtpInmb(w, v) for w, v in outcome["inmb"].items()),
        increment_text(outcome["incremental_cost"], outcome["incremental_qalys"], currency),
        outcome["inmb"][tornado_wtp],
    )


def _tornado_row(row: Mapping[str, Any], currency: str) -> TornadoRow:
    return TornadoRow(
        **row,
        result_low=increment_text(row["incremental_cost_low"], row["incremental_qalys_low"], currency),
        result_high=increment_text(row["incremental_cost_high"], row["incremental_qalys_high"], currency),
    )


def summarise_dsa(result: DsaResult, currency: str = "EUR") -> DsaSummary:
    """The DSA's parameters, base-case increments and one tornado per strategy."""
    others = [s for s in result.strategies if s != result.comparator]
    return DsaSummary(
        comparator=result.comparator,
        tornado_wtp=result.tornado_wtp,
        tornado_wtp_source=result.tornado_wtp_source,
        wtp=tuple(result.wtp),
        currency=currency,
        n_variations=int(result.results.sizes["sample"]),
        parameters=tuple(
            DsaParameterRange(p.name, p.unit, p.base, p.low, p.high, p.range_source) for p in result.parameters
        ),
        base_case=frozen({s: _increment(result.outcomes(s)[0], result.tornado_wtp, currency) for s in others}),
        tornado=frozen({s: tuple(_tornado_row(r, currency) for r in result.tornado(s)) for s in others}),
    )
