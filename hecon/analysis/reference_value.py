"""Dutch disease burden: QALY shortfall, its classes and their reference values per QALY.

References
----------
Versteegh MM, Corro Ramos I, Buyukkaramikli NC, Ansaripour A, Reckers-Droog VT,
    Brouwer WBF. Severity-adjusted probability of being cost effective.
    PharmacoEconomics 2019;37(9):1155-1163. doi:10.1007/s40273-019-00810-8.
Zorginstituut Nederland. Kosteneffectiviteit in de praktijk (26 Jun 2015); Ziektelast in
    de praktijk (7 May 2018).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from hecon.analysis.checks import check_finite, float_array
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.types import FloatArray


class QalyShortfall(NamedTuple):
    """Absolute shortfall [QALY] and proportional shortfall [0-1]."""

    absolute: float
    proportional: float


def qaly_shortfall(expected_qalys_without_disease: float, expected_qalys_with_disease: float) -> QalyShortfall:
    """Absolute and proportional QALY shortfall of patients with the disease.

    Parameters
    ----------
    expected_qalys_without_disease : float
        Remaining QALYs of the general population of the same age and sex mix, Qn
        [QALY]; see :func:`remaining_qalys_general_population`. > 0.
    expected_qalys_with_disease : float
        Remaining QALYs of the patients under current (standard) care, Qd [QALY]; in
        [0, Qn].

    Returns
    -------
    QalyShortfall
        ``absolute`` = Qn - Qd [QALY]; ``proportional`` = (Qn - Qd) / Qn [0-1].

    Notes
    -----
    Versteegh et al., PharmacoEconomics 2019;37:1155-1163 (Table 1); ZIN, Ziektelast in
    de praktijk (2018).

    Examples
    --------
    >>> qaly_shortfall(25.0, 15.0)   # Versteegh et al. 2019, Table 1, model run 1
    QalyShortfall(absolute=10.0, proportional=0.4)
    """
    qn, qd = expected_qalys_without_disease, expected_qalys_with_disease
    problems: list[Problem] = []
    if not isinstance(qn, (int, float, np.integer, np.floating)) or not math.isfinite(qn) or qn <= 0:
        problems.append(Problem(topic("qaly_shortfall"), f"expected_qalys_without_disease is {qn!r}", "a number > 0"))
    if not isinstance(qd, (int, float, np.integer, np.floating)) or not math.isfinite(qd) or qd < 0:
        problems.append(Problem(topic("qaly_shortfall"), f"expected_qalys_with_disease is {qd!r}", "a number >= 0"))
    if not problems and qd > qn:
        problems.append(
            Problem(
                topic("qaly_shortfall"),
                f"expected_qalys_with_disease ({qd}) exceeds expected_qalys_without_disease ({qn})",
                "patients' remaining QALYs no higher than the general population's",
            )
        )
    if problems:
        raise ModelError(problems)
    absolute = float(qn) - float(qd)
    return QalyShortfall(absolute, absolute / float(qn))


class ReferenceValue(NamedTuple):
    """Dutch disease-burden class and its reference value [EUR per QALY] (None below 0.10)."""

    burden_class: str
    reference_value_eur_per_qaly: float | None


#: ZIN disease-burden classes: (upper bound of proportional shortfall, label, EUR per QALY).
#: Lower bounds are exclusive except for the first class, which starts at 0.10 inclusive.
DUTCH_REFERENCE_VALUES: tuple[tuple[float, str, float], ...] = (
    (0.40, "class 1 (proportional shortfall 0.10-0.40)", 20_000.0),
    (0.70, "class 2 (proportional shortfall 0.41-0.70)", 50_000.0),
    (1.00, "class 3 (proportional shortfall 0.71-1.00)", 80_000.0),
)
_BELOW_FIRST_CLASS = "below 0.10: no reference value"


def dutch_reference_value(proportional_shortfall: float) -> ReferenceValue:
    """Dutch reference value per QALY for a disease burden (proportional shortfall).

    Parameters
    ----------
    proportional_shortfall : float
        Proportional QALY shortfall [0-1], e.g. from :func:`qaly_shortfall`.

    Returns
    -------
    ReferenceValue
        ``(burden_class, reference_value_eur_per_qaly)``:

        ===========================  ==================  =============
        proportional shortfall (PS)  class               EUR per QALY
        ===========================  ==================  =============
        PS < 0.10                    below 0.10          None
        0.10 <= PS <= 0.40           class 1             20,000
        0.40 <  PS <= 0.70           class 2             50,000
        0.70 <  PS <= 1.00           class 3             80,000
        ===========================  ==================  =============

    Notes
    -----
    ZIN publishes the classes with two decimals (0.10-0.40, 0.41-0.70, 0.71-1.00), which
    leaves gaps such as 0.405. hecon closes them by making each class run up to and
    including its upper bound: anything above 0.40 (up to 0.70) is class 2, anything
    above 0.70 is class 3. The unrounded PS is compared (after rounding to 10 decimals to
    absorb floating-point noise such as 0.30000000000000004); round the PS yourself first
    if you want ZIN's two-decimal reading (e.g. 0.404 -> 0.40 -> class 1).

    ZIN gives no reference value for a PS below 0.10; the class is then
    ``"below 0.10: no reference value"`` and the value is None.

    Sources: Zorginstituut Nederland, Kosteneffectiviteit in de praktijk (26 Jun 2015) and
    Ziektelast in de praktijk (7 May 2018); Versteegh et al., PharmacoEconomics
    2019;37:1155-1163.

    Examples
    --------
    >>> dutch_reference_value(0.75).reference_value_eur_per_qaly
    80000.0
    """
    ps = proportional_shortfall
    if (
        not isinstance(ps, (int, float, np.integer, np.floating))
        or not math.isfinite(ps)
        or not (0.0 <= round(float(ps), 10) <= 1.0)
    ):
        raise ModelError(
            Problem(topic("dutch_reference_value"), f"proportional_shortfall is {ps!r}", "a proportion in [0, 1]")
        )
    ps = round(float(ps), 10)
    if ps < 0.10:
        return ReferenceValue(_BELOW_FIRST_CLASS, None)
    for upper, label, value in DUTCH_REFERENCE_VALUES:
        if ps <= upper:
            return ReferenceValue(label, value)
    raise AssertionError("unreachable: ps <= 1.0 was checked")  # pragma: no cover


UtilityInput = Callable[[float], float] | ArrayLike


def _utilities(utility: UtilityInput, ages: FloatArray, label: str, problems: list[Problem]) -> FloatArray | None:
    where = topic("remaining_qalys_general_population")
    if callable(utility):
        try:
            u = np.asarray([float(utility(float(a))) for a in ages])
        except (TypeError, ValueError) as exc:
            problems.append(
                Problem(where, f"{label}: calling it failed ({exc})", "a function of age returning a utility")
            )
            return None
    else:
        u = float_array(utility, label, where)
        if u.shape != ages.shape:
            problems.append(Problem(where, f"{label} has shape {u.shape}", f"one utility per age, shape {ages.shape}"))
            return None
    check_finite(u, label, where, problems)
    if np.any(u > 1):
        problems.append(Problem(where, f"{label} has a value {u.max()} above 1", "utilities <= 1"))
    return u


def remaining_qalys_general_population(
    start_age: float,
    proportion_male: float,
    qx_male_by_age: ArrayLike,
    qx_female_by_age: ArrayLike,
    ages: ArrayLike,
    utility_by_age: UtilityInput | Mapping[str, UtilityInput],
    discount_rate: float = 0.0,
    open_ended_last_age: bool = True,
) -> float:
    """Expected remaining (discounted) QALYs of the general population from ``start_age``.

    The "QALYs without the disease" (Qn) of the proportional-shortfall calculation, as in
    the iMTA Disease Burden Calculator (Versteegh MM, iMTA 2016; Versteegh et al.,
    PharmacoEconomics 2019;37:1155-1163), which combines a life table with age-specific
    EQ-5D population norms.

    Parameters
    ----------
    start_age : float
        Age at which the patients' remaining QALYs are counted [years]; must be one of
        ``ages`` (whole years).
    proportion_male : float
        Share of men [0-1]; the result is the weighted mean of the men's and women's
        values.
    qx_male_by_age, qx_female_by_age : array-like, shape (n_ages,)
        One-year probability of dying at each age [0-1] (e.g. CBS 37360ned ``Sterftekans``).
    ages : array-like, shape (n_ages,)
        Consecutive whole ages [years], increasing by 1.
    utility_by_age : callable, array-like of shape (n_ages,), or mapping
        General-population utility [QALY weight per year] at each age: a function
        ``f(age) -> utility``, an array over ``ages``, or a mapping
        ``{"male": ..., "female": ...}`` of either for sex-specific norms.
    discount_rate : float
        Annual discount rate for effects [per year]; default 0 (undiscounted).
    open_ended_last_age : bool
        How the life table is closed at its last age (see Notes).

    Returns
    -------
    float
        Expected remaining QALYs per person [QALY].

    Notes
    -----
    Life-table method in annual steps, per sex. Of l_x persons alive at exact age x,
    d_x = l_x q_x die during the year; they are assumed to die mid-year (uniform deaths),
    so the person-years lived in the year are L_x = l_x - d_x / 2 (mid-year correction).
    With l_{start_age} = 1 and t = x - start_age,

        QALYs = sum_x L_x u_x / (1 + r)^t,

    i.e. discounting at the start of each year of age (year 0 undiscounted), as hecon's
    ``discount_timing="annual"``.

    Closing the table at its last age x_max (CBS single-year tables stop at 99):

    * ``open_ended_last_age=True`` (default): x_max is an open age group; its q and u are
      applied to every later year, adding the geometric tail
      l_{x_max} (1 - q/2) u v^t_max / (1 - (1 - q) v) with v = 1/(1 + r), which reduces
      to l (1 - q/2) u / q undiscounted. Requires q > 0 at x_max.
    * ``open_ended_last_age=False``: everyone alive at x_max dies during that year
      (q_{x_max} taken as 1), so they live half of it.

    Examples
    --------
    Constant q = 0.5, utility 1, undiscounted: l = 1, 0.5, 0.25, ...; each year contributes
    0.75 l, so QALYs = 0.75 * 2 = 1.5:

    >>> remaining_qalys_general_population(0, 0.5, [0.5, 0.5], [0.5, 0.5], [0, 1], [1, 1])
    1.5
    """
    where = topic("remaining_qalys_general_population")
    problems: list[Problem] = []
    a = float_array(ages, "ages", where)
    qm = float_array(qx_male_by_age, "qx_male_by_age", where)
    qf = float_array(qx_female_by_age, "qx_female_by_age", where)

    if a.ndim != 1 or a.size == 0:
        raise ModelError(Problem(where, f"ages has shape {a.shape}", "a 1-D array of ages"))
    check_finite(a, "ages", where, problems)
    if not problems and (np.any(a != np.round(a)) or np.any(np.diff(a) != 1)):
        problems.append(
            Problem(where, "ages are not consecutive whole years", "ages increasing by exactly 1, e.g. 0, 1, ..., 99")
        )
    for name, q in (("qx_male_by_age", qm), ("qx_female_by_age", qf)):
        if q.shape != a.shape:
            problems.append(Problem(where, f"{name} has shape {q.shape}", f"one probability per age, shape {a.shape}"))
            continue
        check_finite(q, name, where, problems)
        if np.any((q < 0) | (q > 1)):
            problems.append(
                Problem(where, f"{name} has a value outside [0, 1]", "one-year death probabilities in [0, 1]")
            )
    if not (isinstance(proportion_male, (int, float, np.integer, np.floating)) and 0.0 <= proportion_male <= 1.0):
        problems.append(Problem(where, f"proportion_male is {proportion_male!r}", "a share in [0, 1]"))
    if not (math.isfinite(discount_rate) and discount_rate >= 0):
        problems.append(Problem(where, f"discount_rate is {discount_rate!r}", "an annual rate >= 0, e.g. 0.015"))
    if not (
        isinstance(start_age, (int, float, np.integer, np.floating))
        and math.isfinite(start_age)
        and start_age in set(a.tolist())
    ):
        problems.append(
            Problem(where, f"start_age {start_age!r} is not in ages", f"a whole age between {a[0]:g} and {a[-1]:g}")
        )
    if isinstance(utility_by_age, Mapping):
        missing = {"male", "female"} - set(utility_by_age)
        if missing:
            problems.append(Problem(where, f"utility_by_age lacks {sorted(missing)}", "keys 'male' and 'female'"))
            raise ModelError(problems)
        um = _utilities(utility_by_age["male"], a, "utility_by_age['male']", problems)
        uf = _utilities(utility_by_age["female"], a, "utility_by_age['female']", problems)
    else:
        um = uf = _utilities(utility_by_age, a, "utility_by_age", problems)
    if problems:
        raise ModelError(problems)
    assert um is not None and uf is not None  # None only with a problem

    k0 = int(np.flatnonzero(a == start_age)[0])
    v = 1.0 / (1.0 + discount_rate)

    def one_sex(q_all: FloatArray, u_all: FloatArray, label: str) -> float:
        q = q_all[k0:].copy()
        u = u_all[k0:]
        if not open_ended_last_age:
            q[-1] = 1.0
        elif q[-1] <= 0:
            raise ModelError(
                Problem(
                    where,
                    f"{label} is 0 at the last age {a[-1]:g}, so nobody ever dies",
                    "a death probability > 0 at the last age, or open_ended_last_age="
                    "False, or a life table extended to older ages",
                )
            )
        alive = np.concatenate(([1.0], np.cumprod(1.0 - q)[:-1]))  # l_x, with l_start = 1
        person_years = alive * (1.0 - q / 2.0)  # L_x = l_x - d_x / 2
        t = np.arange(len(q))
        total = float(np.sum(person_years * u * v**t))
        if open_ended_last_age:
            # years after the last age, with the last age's q and u: geometric series
            tail_start = alive[-1] * (1.0 - q[-1]) * v ** len(q)  # l at x_max + 1, discounted
            total += float(tail_start * (1.0 - q[-1] / 2.0) * u[-1] / (1.0 - (1.0 - q[-1]) * v))
        return total

    male = one_sex(qm, um, "qx_male_by_age") if proportion_male > 0 else 0.0
    female = one_sex(qf, uf, "qx_female_by_age") if proportion_male < 1 else 0.0
    return float(proportion_male * male + (1.0 - proportion_male) * female)
