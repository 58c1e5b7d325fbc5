"""Disease burden (QALY shortfall) and the Dutch reference value per QALY it implies.

Zorginstituut Nederland (ZIN) ties the reference value against which an ICER is judged to
the burden of the disease, measured as the *proportional shortfall* (PS): the share of the
remaining QALYs that a patient loses to the disease under current care,

    absolute shortfall      = Qn − Qd        [QALY]
    proportional shortfall  = (Qn − Qd) / Qn [0-1]

* Qn: remaining QALYs of people of the same age and sex mix in the general population,
  from the life table (general-population mortality) and general-population utility norms
  by age and sex (:func:`hecon.analysis.reference_value.remaining_qalys_general_population`, the method of the
  iMTA Disease Burden Calculator);
* Qd: remaining QALYs of the patients under current care: the comparator's QALYs in the
  model's base case.

Classes: PS 0.10-0.40 -> EUR 20,000 per QALY, 0.41-0.70 -> EUR 50,000, 0.71-1.00 -> EUR 80,000
(:func:`hecon.analysis.reference_value.dutch_reference_value`; ZIN, Kosteneffectiviteit in de praktijk, 2015;
Ziektelast in de praktijk, 2018; Versteegh et al., PharmacoEconomics 2019;37:1155-1163).

Choices made here (each reported with the result)
-------------------------------------------------
* The burden class is read from **undiscounted** QALYs (Qn and Qd): the burden is a
  property of the disease over the remaining lifetime, not a valuation over time. The same
  quantities discounted at the effects rate are reported beside them, so a reader sees
  whether the class would change.
* Life table: ``settings.life_table`` (or the model's first life table); a model without
  one uses the bundled CBS 2019 Dutch table (``nl_cbs_2019``).
* A start age that is not a whole number: Qn is interpolated linearly between the two
  whole ages around it.
* Utility norms (:class:`hecon.model.spec.UtilityNorm`): a sex-specific band is used for its sex;
  a band with sex ``all`` for both sexes where no sex-specific band covers the age. Every
  age from the start age to the life table's last age must be covered; a missing age is an
  error (it is never filled in silently).
* Qd is truncated at the model's horizon. When more than 1% of the comparator's cohort is
  still alive at the horizon, the result carries a warning: the shortfall is then overstated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from hecon.analysis.reference_value import dutch_reference_value, qaly_shortfall, remaining_qalys_general_population
from hecon.methods.lifetable import bundled_lifetable
from hecon.model.problems import Element, ModelError, Problem, topic
from hecon.model.spec import LifeTable, ModelSpec, UtilityNorm
from hecon.model.types import FloatArray

__all__ = [
    "ALIVE_AT_HORIZON_WARNING",
    "DiseaseBurden",
    "disease_burden",
    "general_population_qalys",
    "judge_icers",
    "utility_by_age",
]

SEXES_OF_NORMS = ("male", "female", "all")
ALIVE_AT_HORIZON_WARNING = 0.01
"""Share of the comparator's cohort alive at the horizon above which Qd counts as truncated."""


@dataclass(frozen=True)
class DiseaseBurden:
    """QALY shortfall of the patients and the reference value it implies.

    start_age, proportion_male : the cohort [years], [0-1]
    life_table                 : name of the life table used for Qn
    comparator                 : strategy whose QALYs are Qd (current care)
    qalys_general_population   : Qn, undiscounted [QALY]
    qalys_patients             : Qd, undiscounted [QALY]
    absolute_shortfall         : Qn − Qd [QALY]
    proportional_shortfall     : (Qn − Qd) / Qn [0-1]
    burden_class               : ZIN class, e.g. "class 3 (proportional shortfall 0.71-1.00)"
    reference_value            : EUR per QALY for that class (None below PS 0.10)
    *_discounted               : the same with QALYs discounted at ``discount_rate`` [per year]
    alive_at_horizon           : share of the comparator's cohort alive at the horizon [0-1]
    warnings                   : what the reader should know (e.g. truncated horizon)
    norms_sources              : sources of the utility norms used
    """

    start_age: float
    proportion_male: float
    life_table: str
    comparator: str
    qalys_general_population: float
    qalys_patients: float
    absolute_shortfall: float
    proportional_shortfall: float
    burden_class: str
    reference_value: float | None
    discount_rate: float
    qalys_general_population_discounted: float
    qalys_patients_discounted: float
    proportional_shortfall_discounted: float
    burden_class_discounted: str
    alive_at_horizon: float
    warnings: tuple[str, ...] = ()
    norms_sources: tuple[str, ...] = field(default=())


def utility_by_age(norms: Sequence[UtilityNorm], ages: Sequence[float] | FloatArray, sex: str) -> FloatArray:
    """General-population utility at each age for one sex, from age-band norms.

    Parameters
    ----------
    norms : utility norms by age band (``age_from`` <= age, and age < ``age_to + 1`` for a band
            closed at ``age_to``, i.e. ``age_to`` is the last whole age of the band; None = open)
    ages  : whole ages [years]
    sex   : "male" or "female"

    Returns
    -------
    numpy.ndarray of utilities [QALY weight], one per age: the band of that sex covering the
    age, else the band of sex "all".

    Raises
    ------
    ModelError naming the ages no band covers.

    Examples
    --------
    >>> utility_by_age([UtilityNorm(0, 69, "all", 0.9), UtilityNorm(70, None, "all", 0.8)], [68, 70], "male")
    array([0.9, 0.8])
    """
    out = np.full(len(ages), np.nan)
    for preferred in (sex, "all"):
        for norm in norms:
            if norm.sex != preferred:
                continue
            for i, age in enumerate(ages):
                if np.isnan(out[i]) and age >= norm.age_from and (norm.age_to is None or age <= norm.age_to):
                    out[i] = norm.utility
    missing = [int(a) for a, u in zip(ages, out) if np.isnan(u)]
    if missing:
        raise ModelError(
            Problem(
                topic("UtilityNorms"),
                f"no utility norm for {sex} at age{'s' if len(missing) > 1 else ''} {_ranges(missing)}",
                f"bands (sex {sex} or all) that cover every age from the start age to the "
                "life table's last age (an open-ended last band, age_to blank, covers the rest)",
            )
        )
    return out


def _ranges(values: list[int]) -> str:
    parts: list[str] = []
    start = prev = values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)


def _life_table(spec: ModelSpec) -> tuple[LifeTable, list[str]]:
    name = spec.settings.life_table
    tables = {t.name: t for t in spec.life_tables}
    if name and name in tables:
        return tables[name], []
    if spec.life_tables and not name:
        return spec.life_tables[0], []
    return bundled_lifetable("nl_cbs_2019"), [
        "the model has no life table; the disease burden uses the bundled CBS 2019 Dutch life table (nl_cbs_2019)"
    ]


def general_population_qalys(
    norms: Sequence[UtilityNorm], table: LifeTable, start_age: float, proportion_male: float, discount_rate: float = 0.0
) -> float:
    """Qn: remaining (discounted) QALYs of the general population from ``start_age`` [QALY].

    Life-table method of :func:`hecon.analysis.reference_value.remaining_qalys_general_population` (annual steps,
    mid-year deaths, the last age of the table open-ended), with utilities from ``norms``
    (:func:`utility_by_age`). A start age between whole ages a and a + 1 is interpolated
    linearly: Qn(a + f) = (1 − f) Qn(a) + f Qn(a + 1).
    """
    ages = np.asarray(table.ages, dtype=float)
    if not (math.isfinite(start_age) and ages[0] <= start_age <= ages[-1]):
        raise ModelError(
            Problem(
                topic("settings.start_age"),
                f"{start_age:g} is outside the life table '{table.name}' (ages {table.ages[0]}-{table.ages[-1]})",
                "a start age covered by the life table",
            )
        )
    low = math.floor(start_age + 1e-9)
    frac = start_age - low
    first = int(np.flatnonzero(ages == low)[0])
    covered = ages[first:]
    by_sex = {sex: np.full(len(ages), 1.0) for sex in ("male", "female")}
    for sex in by_sex:
        if (sex == "male" and proportion_male > 0) or (sex == "female" and proportion_male < 1):
            by_sex[sex][first:] = utility_by_age(norms, covered, sex)

    def qn(age: float) -> float:
        return remaining_qalys_general_population(
            age, proportion_male, table.qx_male, table.qx_female, table.ages, by_sex, discount_rate
        )

    if frac < 1e-9 or low + 1 > ages[-1]:
        return qn(float(low))
    return (1.0 - frac) * qn(float(low)) + frac * qn(float(low + 1))


def _constant_proportion_male(spec: ModelSpec) -> float:
    value = spec.settings.proportion_male
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    from hecon.engine.context import BlockContext
    from hecon.engine.incremental import compiled

    model = compiled(spec)
    ctx = BlockContext(model, model.strategies[0], {}, 0, 0, {})
    result = np.asarray(model.strategies[0].proportion_male.evaluate(ctx), dtype=float)
    if result.size != 1:
        raise ModelError(
            Problem(topic("settings.proportion_male"), "has no single value", "a share of men fixed at the start")
        )
    return float(result.reshape(-1)[0])


def disease_burden(spec: ModelSpec, results: xr.Dataset, comparator: str) -> DiseaseBurden:
    """The disease burden of the patients in ``spec`` under ``comparator`` (current care).

    Parameters
    ----------
    spec       : the model, with ``utility_norms`` (and a life table; see the module docs)
    results    : its deterministic results (:func:`hecon.engine.run.run_model`), for Qd
    comparator : the strategy that represents current care

    Raises
    ------
    ModelError when the model has no utility norms, they do not cover every age, or the
    start age lies outside the life table.
    """
    if not spec.utility_norms:
        raise ModelError(
            Problem(
                topic("UtilityNorms"),
                "the model has no general-population utility norms",
                "utilities by age band and sex (UtilityNorms sheet) to compute the disease burden",
            )
        )
    table, warnings = _life_table(spec)
    settings = spec.settings
    male = _constant_proportion_male(spec)
    r = settings.discount_rate_effects
    qn = general_population_qalys(spec.utility_norms, table, settings.start_age, male)
    qn_disc = general_population_qalys(spec.utility_norms, table, settings.start_age, male, r)
    at = results.sel(strategy=comparator).isel(sample=0)
    qd = float(at["qalys_undiscounted"])
    qd_disc = float(at["qalys"])
    problems = []
    if qd > qn:
        problems.append(
            Problem(
                Element("strategy", comparator),
                f"the patients' remaining QALYs ({qd:.4g}) exceed the general population's "
                f"({qn:.4g}), so there is no shortfall",
                "patients' QALYs below the general population's (check the utility norms, "
                "the life table and the start age)",
            )
        )
    if problems:
        raise ModelError(problems)
    shortfall = qaly_shortfall(qn, qd)
    ps_disc = qaly_shortfall(qn_disc, min(qd_disc, qn_disc)).proportional
    reference = dutch_reference_value(shortfall.proportional)
    dead = [s.name for s in spec.states if s.is_dead]
    trace = results["trace"].sel(strategy=comparator).isel(cycle=-1)
    alive = float(1.0 - trace.sel(state=dead).sum()) if dead else 1.0
    if alive > ALIVE_AT_HORIZON_WARNING:
        warnings.append(
            f"{alive:.1%} of the {comparator} cohort is still alive at the end of the "
            f"{settings.horizon_years:g}-year horizon: the patients' QALYs are truncated and the "
            "shortfall is overstated; use a lifetime horizon"
        )
    sources = tuple(dict.fromkeys(n.source for n in spec.utility_norms if n.source))
    return DiseaseBurden(
        start_age=settings.start_age,
        proportion_male=male,
        life_table=table.name,
        comparator=comparator,
        qalys_general_population=qn,
        qalys_patients=qd,
        absolute_shortfall=shortfall.absolute,
        proportional_shortfall=shortfall.proportional,
        burden_class=reference.burden_class,
        reference_value=reference.reference_value_eur_per_qaly,
        discount_rate=r,
        qalys_general_population_discounted=qn_disc,
        qalys_patients_discounted=qd_disc,
        proportional_shortfall_discounted=ps_disc,
        burden_class_discounted=dutch_reference_value(ps_disc).burden_class,
        alive_at_horizon=alive,
        warnings=tuple(warnings),
        norms_sources=sources,
    )


def judge_icers(
    rows: Sequence[dict[str, Any]], reference_value: float | None, currency: str = "EUR"
) -> list[dict[str, Any]]:
    """Each comparison (rows of :func:`hecon.analysis.incremental.versus_comparator`) judged against a reference value.

    A strategy is cost-effective versus its comparator at reference value R when its
    incremental net monetary benefit R x ΔQALY − Δcost is >= 0. This reads every quadrant
    correctly: dominant strategies are cost-effective, dominated ones are not, and in the
    south-west quadrant (less costly, less effective) the saving per QALY lost must be at
    least R.

    Returns one dict per row: strategy, comparator, icer, status, reference_value, inmb and
    ``verdict`` ("cost-effective" / "not cost-effective" / "no reference value").
    """
    out = []
    for row in rows:
        entry = {
            k: row.get(k)
            for k in ("strategy", "comparator", "icer", "status", "incremental_cost", "incremental_effect")
        }
        entry["reference_value"] = reference_value
        if reference_value is None:
            entry["inmb"] = None
            entry["verdict"] = "no reference value"
        else:
            inmb = reference_value * row["incremental_effect"] - row["incremental_cost"]
            entry["inmb"] = inmb
            entry["verdict"] = "cost-effective" if inmb >= 0 else "not cost-effective"
            entry["text"] = (
                f"{row['strategy']} versus {row['comparator']}: {entry['verdict']} at "
                f"{currency} {reference_value:,.0f} per QALY"
            )
        out.append(entry)
    return out
