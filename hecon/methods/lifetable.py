"""General-population mortality: life tables of one-year death probabilities (qx).

A life table gives, for each single year of age and each sex, qx: the probability that a
person of exact age x dies before age x + 1 [probability per year]. A table may be given as
px = 1 - qx, the death rate mx or survivors lx instead; :func:`to_qx` converts (formulas and
sources there) and :func:`life_table` builds a table from any of them. hecon reads tables from
CSV files, looks up qx by age, and converts a table into per-cycle death probabilities for a
cohort of mixed sex (:func:`cohort_death_probability`), the background mortality used by
``gp_mort()``.

Bundled tables (``hecon/data``; each file's '#' header lines give source and retrieval route):

* ``"nl_cbs_2019"`` -- CBS StatLine 37360ned, calendar year 2019, ages 0-99 (observed).
* ``"nl_ag2024"``   -- Koninklijk Actuarieel Genootschap Prognosetafel AG2024, calendar year
  2024, ages 0-120 (projected; not for ages below ~20, see the file header).

Conventions
-----------
* Ages are in years. qx is looked up at ``floor(age)``; ages past the last row keep the last
  row's qx; ages below the first row are an error.
* A year is 365.25 days (:data:`hecon.model.spec.DAYS_PER_YEAR`); ``cycle_length_years`` is
  ``cycle_length_days / 365.25``.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from hecon.model.problems import Element, FileLine, ModelError, Problem, ProblemCollector, topic
from hecon.model.spec import LIFE_TABLE_QUANTITIES, LifeTable
from hecon.model.types import FloatArray

__all__ = [
    "BUNDLED_LIFETABLES",
    "BUNDLED_TITLES",
    "LIFE_TABLE_QUANTITIES",
    "SEXES",
    "life_table",
    "life_table_title",
    "quantity_problems",
    "to_qx",
    "read_lifetable_csv",
    "bundled_lifetable",
    "annual_qx",
    "cohort_death_probability",
]

#: Names accepted by :func:`bundled_lifetable` and the file in ``hecon/data`` each reads.
BUNDLED_LIFETABLES: dict[str, str] = {
    "nl_cbs_2019": "nl_lifetable_2019.csv",
    "nl_ag2024": "nl_lifetable_2024_ag2024.csv",
}

#: Each bundled table as a reader names it (the report prints these, never the code name).
BUNDLED_TITLES: dict[str, str] = {
    "nl_cbs_2019": "CBS Statistics Netherlands life table 2019",
    "nl_ag2024": "Royal Dutch Actuarial Association projection table AG2024 (for 2024)",
}


def life_table_title(name: str) -> str:
    """The title of a life table: :data:`BUNDLED_TITLES` for a bundled one, else its name as given."""
    return BUNDLED_TITLES.get(name, name)


#: Values of the ``sex`` column / argument.
SEXES = ("male", "female")

_DATA_DIR = Path(__file__).resolve().parents[1] / "data"
_HEADER = ["age", "sex", "qx"]

# An age within this many years below a whole number is taken as that whole number when
# looking up qx (about 0.03 seconds). It absorbs floating-point error in ages computed as
# start_age + k * cycle_length_years, e.g. 50 + 52 * (1/52) = 50.99999999999999.
_AGE_TOLERANCE_YEARS = 1e-9


# --------------------------------------------------------------------------------------
# Quantities: qx, px, mx, lx
# --------------------------------------------------------------------------------------

#: What each quantity's value must be, for messages.
QUANTITY_EXPECTED: dict[str, str] = {
    "qx": "a probability between 0 and 1",
    "px": "a survival probability (1 - qx) between 0 and 1",
    "mx": "a death rate per year >= 0",
    "lx": "a number of survivors >= 0 that never increases with age",
}


def quantity_problems(quantity: str, values: Sequence[float]) -> list[tuple[int, str]]:
    """Values that are not a valid column of ``quantity``, as (position, what is wrong).

    Parameters
    ----------
    quantity : str
        One of :data:`~hecon.model.spec.LIFE_TABLE_QUANTITIES`.
    values : sequence of float
        The column, ordered by consecutive ascending age.

    Returns
    -------
    list of (int, str)
        Position in ``values`` and what is wrong there; empty when the column is valid:
        qx and px in [0, 1], mx finite and >= 0, lx finite, >= 0 and never above the value of
        the age before (a value above it is reported at its own position). What is expected is
        :data:`QUANTITY_EXPECTED` ``[quantity]``.
    """
    out: list[tuple[int, str]] = []
    for i, v in enumerate(values):
        if quantity in ("qx", "px") and not 0.0 <= v <= 1.0:  # also rejects nan
            out.append((i, f"{quantity} {v:g} is outside [0, 1]"))
        elif quantity in ("mx", "lx") and not (math.isfinite(v) and v >= 0.0):
            out.append((i, f"{quantity} {v:g} is not a finite number >= 0"))
        elif quantity == "lx" and i > 0 and math.isfinite(values[i - 1]) and v > values[i - 1]:
            out.append((i, f"lx {v:g} is above {values[i - 1]:g}, the value of the age before (lx increases)"))
    return out


def to_qx(quantity: str, values: Sequence[float]) -> tuple[float, ...]:
    """One-year death probabilities qx from a valid column of another life-table quantity.

    Parameters
    ----------
    quantity : str
        ``"qx"`` (returned as given), ``"px"`` survival probability [probability per year],
        ``"mx"`` central death rate [1/year] or ``"lx"`` survivors at exact age [persons].
    values : sequence of float
        The column, by consecutive ascending age; valid (:func:`quantity_problems` is empty).

    Returns
    -------
    tuple of float
        qx at each age [probability per year].

    Notes
    -----
    * px: :math:`q_x = 1 - p_x`.
    * mx: :math:`q_x = 1 - e^{-m_x}`, the rate held constant within the year of age. This is
      the assumption under which hecon turns qx into a cycle probability,
      :math:`1 - (1 - q_x)^{\\Delta} = 1 - e^{-m_x \\Delta}` (:func:`cohort_death_probability`), so
      a table given as mx gives exactly the cycle probabilities of its rates (Briggs A, Claxton K,
      Sculpher M. Decision Modelling for Health Economic Evaluation. OUP 2006, eq. 3.1; the
      actuarial :math:`q = m / (1 + (1 - a) m)` of a period life table assumes deaths spread
      over the year instead and is not used).
    * lx: :math:`q_x = 1 - l_{x+1} / l_x` (Preston SH, Heuveline P, Guillot M. Demography:
      Measuring and Modeling Population Processes. Blackwell 2001, section 3.2). The last age
      has no :math:`l_{x+1}`: it is the table's open last age group, whose qx is 1, and so is
      the qx of an age with :math:`l_x = 0`.

    Examples
    --------
    >>> to_qx("lx", [200, 150, 75])
    (0.25, 0.5, 1.0)
    >>> round(to_qx("mx", [0.01])[0], 12)
    0.009950166251
    """
    v = [float(x) for x in values]
    if quantity == "qx":
        return tuple(v)
    if quantity == "px":
        return tuple(1.0 - p for p in v)
    if quantity == "mx":
        return tuple(-math.expm1(-m) for m in v)
    if quantity == "lx":
        nxt = v[1:] + [0.0]
        return tuple(1.0 - b / a if a > 0 else 1.0 for a, b in zip(v, nxt))
    raise ValueError(f"unknown life-table quantity {quantity!r}")


def life_table(
    name: str,
    ages: Sequence[int],
    male: Sequence[float],
    female: Sequence[float],
    quantity: str = "qx",
    source: str = "",
) -> LifeTable:
    """A life table from columns of qx, px, mx or lx by age and sex.

    Parameters
    ----------
    name : str
        Name of the table in the model.
    ages : sequence of int
        Consecutive ascending whole ages [years].
    male, female : sequence of float
        The column of ``quantity`` for each sex, one value per age.
    quantity : str
        One of :data:`~hecon.model.spec.LIFE_TABLE_QUANTITIES` (see :func:`to_qx`).
    source : str
        Where the table comes from.

    Returns
    -------
    LifeTable
        qx by :func:`to_qx`; a table given as another quantity keeps ``quantity`` and the given
        values.

    Raises
    ------
    ModelError
        At the life table, for an unknown quantity, columns whose length differs from the ages,
        or every invalid value (:func:`quantity_problems`), naming age and sex.
    """
    where = Element("life_table", name)
    if quantity not in LIFE_TABLE_QUANTITIES:
        raise ModelError(Problem(where, f"unknown quantity {quantity!r}", "one of " + ", ".join(LIFE_TABLE_QUANTITIES)))
    problems = ProblemCollector()
    for sex, column in (("male", male), ("female", female)):
        if len(column) != len(ages):
            problems.add(where, f"{len(column)} {sex} values for {len(ages)} ages", "one value per age")
            continue
        for i, what in quantity_problems(quantity, column):
            problems.add(where, f"age {ages[i]}, {sex}: {what}", QUANTITY_EXPECTED[quantity])
    problems.raise_if_any()
    given = quantity != "qx"
    return LifeTable(
        name,
        tuple(ages),
        to_qx(quantity, male),
        to_qx(quantity, female),
        source,
        quantity,
        tuple(float(x) for x in male) if given else (),
        tuple(float(x) for x in female) if given else (),
    )


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_lifetable_csv(path: str | Path, name: str) -> LifeTable:
    """Read a life table of one-year death probabilities from a CSV file.

    Parameters
    ----------
    path : str or Path
        CSV file. Lines starting with ``#`` are comments (the source of the data); the first
        other line is the header ``age,sex,qx`` (or ``age,sex,px``, ``age,sex,mx``,
        ``age,sex,lx``: the quantity the third column holds, converted by :func:`to_qx`); then
        one row per age and sex:

        * ``age`` -- whole number of years (age last birthday) [years]
        * ``sex`` -- ``male`` or ``female``
        * ``qx``  -- probability of dying before the next birthday, in [0, 1] [1/year]
          (``px`` = 1 - qx; ``mx`` death rate [1/year]; ``lx`` survivors at exact age)

        Blank lines are ignored. Rows may come in any order.
    name : str
        Name of the table in the model (what ``Settings.life_table`` refers to).

    Returns
    -------
    LifeTable
        Ages in ascending order; ``source`` is the comment lines, without their leading
        ``#`` (and one following space), joined with newlines.

    Raises
    ------
    ModelError
        If the file cannot be read, or with every problem found in it, each naming file and
        line and quoting the value: a header other than ``age,sex,<quantity>``, a row without
        three fields, an age that is not a whole number >= 0, a sex other than male/female, a
        value that is not a number valid for the quantity (:func:`quantity_problems`: e.g. qx
        outside [0, 1], lx increasing with age), a repeated age for a sex, a sex missing, ages
        that are not consecutive, or ages that differ between the sexes.

    Examples
    --------
    >>> t = read_lifetable_csv("hecon/data/nl_lifetable_2019.csv", "nl_cbs_2019")
    >>> t.ages[0], t.ages[-1], t.qx_male[63]
    (0, 99, 0.0079)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(
            Problem(Element("life_table", name), f"cannot read file {path}: {exc}", "a readable UTF-8 CSV file")
        ) from None

    problems = ProblemCollector()
    comments: list[str] = []
    header_seen = False
    quantity = "qx"
    # sex -> {age: (qx, line number)}
    rows: dict[str, dict[int, tuple[float, int]]] = {sex: {} for sex in SEXES}

    def where(lineno: int) -> FileLine:
        return FileLine(str(path), lineno)

    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            body = stripped[1:]
            comments.append(body[1:] if body.startswith(" ") else body)
            continue
        if not stripped:
            continue
        fields = [f.strip() for f in next(csv.reader([line]))]
        if not header_seen:
            header_seen = True
            lowered = [f.lower() for f in fields]
            if len(lowered) != 3 or lowered[:2] != _HEADER[:2] or lowered[2] not in LIFE_TABLE_QUANTITIES:
                problems.add(
                    where(lineno),
                    f"header {line.strip()!r}",
                    "the header 'age,sex,qx' (or px, mx, lx in place of qx)",
                )
                break
            quantity = lowered[2]
            continue
        if len(fields) != 3:
            problems.add(where(lineno), f"{line.strip()!r} has {len(fields)} fields", f"3 fields: age,sex,{quantity}")
            continue
        age_text, sex_text, qx_text = fields
        ok = True

        age = _parse_age(age_text)
        if age is None:
            problems.add(
                where(lineno), f"age {age_text!r} is not a whole number >= 0", "an age in whole years, e.g. 63"
            )
            ok = False
        sex = sex_text.lower()
        if sex not in SEXES:
            problems.add(where(lineno), f"sex {sex_text!r} is not recognised", "one of male, female")
            ok = False
        try:
            qx = float(qx_text)
        except ValueError:
            problems.add(where(lineno), f"{quantity} {qx_text!r} is not a number", QUANTITY_EXPECTED[quantity])
            ok = False
        else:
            if quantity != "lx" and quantity_problems(quantity, [qx]):  # lx is checked by age below
                problems.add(where(lineno), quantity_problems(quantity, [qx])[0][1], QUANTITY_EXPECTED[quantity])
                ok = False
        if age is None or not ok:
            continue
        if age in rows[sex]:
            first = rows[sex][age][1]
            problems.add(where(lineno), f"age {age}, {sex} repeats line {first}", "one row per age and sex")
            continue
        rows[sex][age] = (qx, lineno)

    if not header_seen:
        problems.add(FileLine(str(path)), "no header and no data rows", "the header 'age,sex,qx' followed by rows")
    elif not problems.problems:
        _check_ages(path, rows, problems)
    if not problems.problems:
        for sex in SEXES:
            by_age = sorted(rows[sex].items())
            for i, what in quantity_problems(quantity, [value for _, (value, _) in by_age]):
                problems.add(where(by_age[i][1][1]), f"{what} ({sex}, age {by_age[i][0]})", QUANTITY_EXPECTED[quantity])
    problems.raise_if_any()

    ages = tuple(sorted(rows["male"]))
    return life_table(
        name,
        ages,
        [rows["male"][a][0] for a in ages],
        [rows["female"][a][0] for a in ages],
        quantity,
        "\n".join(comments).strip(),
    )


def _parse_age(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or value != int(value):
        return None
    return int(value)


def _check_ages(path: Path, rows: dict[str, dict[int, tuple[float, int]]], problems: ProblemCollector) -> None:
    """Both sexes present, each with consecutive whole ages, the same for both."""
    for sex in SEXES:
        if not rows[sex]:
            problems.add(FileLine(str(path)), f"no rows for sex '{sex}'", "rows for both male and female")
    if any(not rows[sex] for sex in SEXES):
        return
    for sex in SEXES:
        ages = sorted(rows[sex])
        missing = sorted(set(range(ages[0], ages[-1] + 1)) - set(ages))
        if missing:
            problems.add(
                FileLine(str(path)),
                f"ages for {sex} are not consecutive: missing {_list_ints(missing)} between {ages[0]} and {ages[-1]}",
                "one row for every whole age from the first to the last",
            )
    male, female = set(rows["male"]), set(rows["female"])
    if male != female:
        only_m, only_f = sorted(male - female), sorted(female - male)
        parts = []
        if only_m:
            parts.append(f"ages {_list_ints(only_m)} only for male")
        if only_f:
            parts.append(f"ages {_list_ints(only_f)} only for female")
        problems.add(FileLine(str(path)), "; ".join(parts), "the same ages for male and female")


def _list_ints(values: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


@functools.cache
def bundled_lifetable(name: str) -> LifeTable:
    """One of the life tables shipped with hecon.

    Parameters
    ----------
    name : str
        ``"nl_cbs_2019"`` (CBS 37360ned, 2019, ages 0-99) or ``"nl_ag2024"`` (AG Prognosetafel
        AG2024, calendar year 2024, ages 0-120).

    Returns
    -------
    LifeTable
        With ``name`` as given and the file's header as ``source``.

    Raises
    ------
    ModelError
        For an unknown name, listing the valid names.

    Examples
    --------
    >>> bundled_lifetable("nl_cbs_2019").qx_female[63]
    0.00608
    """
    if name not in BUNDLED_LIFETABLES:
        valid = ", ".join(f"'{n}'" for n in BUNDLED_LIFETABLES)
        raise ModelError(
            Problem(Element("setting", "life_table"), f"no bundled life table named {name!r}", f"one of {valid}")
        )
    return read_lifetable_csv(_DATA_DIR / BUNDLED_LIFETABLES[name], name)


# --------------------------------------------------------------------------------------
# Look-up and conversion
# --------------------------------------------------------------------------------------


def _qx_column(table: LifeTable, sex: str) -> FloatArray:
    if sex == "male":
        return np.asarray(table.qx_male, dtype=float)
    if sex == "female":
        return np.asarray(table.qx_female, dtype=float)
    raise ModelError(
        Problem(Element("life_table", table.name), f"sex {sex!r} is not recognised", "one of 'male', 'female'")
    )


def annual_qx(table: LifeTable, ages: ArrayLike, sex: str) -> FloatArray:
    """One-year death probability qx at each age.

    Parameters
    ----------
    table : LifeTable
        Life table with ascending whole ages.
    ages : array-like
        Ages [years], any shape; need not be whole.
    sex : str
        ``"male"`` or ``"female"``.

    Returns
    -------
    numpy.ndarray
        qx [probability per year], same shape as ``ages``: the row of ``floor(age)`` (an age
        within 1e-9 years below a whole number counts as that number, to absorb rounding
        error). Ages past the last row get the last row's qx.

    Raises
    ------
    ModelError
        If any age is below the table's first age or is not finite, or ``sex`` is unknown.

    Examples
    --------
    >>> t = bundled_lifetable("nl_cbs_2019")
    >>> annual_qx(t, [63, 63.9, 120], "male").tolist()  # 120 > 99 keeps age 99's qx
    [0.0079, 0.0079, 0.40244]
    """
    qx = _qx_column(table, sex)
    table_ages = np.asarray(table.ages, dtype=float)
    if qx.size == 0 or qx.size != table_ages.size:
        raise ModelError(
            Problem(
                Element("life_table", table.name),
                f"{table_ages.size} ages but {qx.size} qx values for {sex}",
                "one qx per age",
            )
        )
    a = np.asarray(ages, dtype=float)
    floor_age = np.floor(a + _AGE_TOLERANCE_YEARS)
    bad = ~np.isfinite(a)
    if bad.any():
        raise ModelError(
            Problem(
                Element("life_table", table.name),
                f"{int(bad.sum())} ages are not finite, e.g. {a[bad].flat[0]}",
                "finite ages in years",
            )
        )
    if a.size and floor_age.min() < table_ages[0]:
        raise ModelError(
            Problem(
                Element("life_table", table.name),
                f"age {a.min():g} is below the table's first age {table.ages[0]}",
                f"ages >= {table.ages[0]} (the table has ages {table.ages[0]}-{table.ages[-1]})",
            )
        )
    # Row of the last table age <= floor(age): for consecutive ages this is floor(age) - first
    # age, clipped to the last row.
    index = np.searchsorted(table_ages, floor_age, side="right") - 1
    return qx[index]


def cohort_death_probability(
    table: LifeTable,
    start_age: float,
    proportion_male: ArrayLike,
    cycle_length_years: float,
    n_cycles: int,
) -> FloatArray:
    """Per-cycle probability of death from general-population mortality for a mixed-sex cohort.

    Parameters
    ----------
    table : LifeTable
        One-year death probabilities qx by age and sex.
    start_age : float
        Age of the cohort at model time 0 [years]. Must not be below the table's first age.
    proportion_male : array-like
        Share of men at model time 0 [0-1]; a scalar, or an array, e.g. of PSA samples with
        shape (n_samples,).
    cycle_length_years : float
        Cycle length Δ [years] (``cycle_length_days / 365.25``), > 0.
    n_cycles : int
        Number of cycles, >= 0.

    Returns
    -------
    numpy.ndarray
        p[..., k], the probability that a member of the cohort alive at the start of cycle k
        dies during cycle k [probability per cycle], shape
        ``np.shape(proportion_male) + (n_cycles,)``.

    Raises
    ------
    ModelError
        If ``proportion_male`` is outside [0, 1], ``cycle_length_years`` is not > 0,
        ``n_cycles`` is not a whole number >= 0, or ``start_age`` is below the table.

    Notes
    -----
    Cycle k (k = 0, ..., n_cycles - 1) covers model time [kΔ, (k+1)Δ) years. Within it
    each sex has the qx of its age at the start of the cycle, ``floor(start_age + kΔ)``
    (ages past the table's last row keep the last qx). qx is converted to the cycle length
    through the rate, assuming a constant hazard within the year of age:

    .. math::

        p_s(k) = 1 - (1 - q_s(\\lfloor a_0 + k\\Delta \\rfloor))^{\\Delta},
        \\qquad S_s(k) = \\prod_{j<k} (1 - p_s(j)), \\qquad s \\in \\{m, f\\}

    (for Δ = 1 this is qx itself, returned unchanged). Men die faster than women, so the
    cohort's sex mix shifts toward women over time. With m the share of men at time 0:

    .. math::

        S(k) = m S_m(k) + (1 - m) S_f(k), \\qquad p(k) = 1 - S(k+1) / S(k),

    computed as the equivalent weighted mean
    ``p(k) = w(k) p_m(k) + (1 - w(k)) p_f(k)`` with ``w(k) = m S_m(k) / S(k)`` the share of
    men among survivors at the start of cycle k (so p always lies between p_f and p_m). If
    the whole cohort is dead (S(k) = 0, only possible with qx = 1), p(k) = 1.

    References
    ----------
    Conversion ``p_cycle = 1 - (1 - qx)^(cycle_days / 365.25)``: hecon model inputs
    (mm-inputs.md §8, general-population mortality); Briggs A, Claxton K, Sculpher M.
    Decision Modelling for Health Economic Evaluation. Oxford University Press, 2006, ch. 3
    (rates and probabilities). Data: CBS StatLine 37360ned (``nl_cbs_2019``), AG Prognosetafel
    AG2024 (``nl_ag2024``).

    Examples
    --------
    A cohort of men aged 63 with annual cycles gets the table's qx (CBS 2019, men 63: 0.0079);
    with weekly cycles, 1 - (1 - 0.0079)^(7/365.25) = 0.00015199...:

    >>> t = bundled_lifetable("nl_cbs_2019")
    >>> float(cohort_death_probability(t, 63, 1.0, 1.0, 1)[0])
    0.0079
    >>> round(float(cohort_death_probability(t, 63, 1.0, 7 / 365.25, 1)[0]), 9)
    0.000151993
    """
    problems = ProblemCollector()
    m = np.asarray(proportion_male, dtype=float)
    bad = ~((m >= 0.0) & (m <= 1.0))  # also catches nan
    if bad.any():
        problems.add(topic("proportion_male"), f"{m[bad].flat[0]:g} is outside [0, 1]", "a share of men in [0, 1]")
    delta = float(cycle_length_years)
    if not (math.isfinite(delta) and delta > 0):
        problems.add(
            topic("cycle_length_years"),
            f"{cycle_length_years} is not > 0",
            "a cycle length in years > 0",
        )
    if not (isinstance(n_cycles, (int, np.integer)) and not isinstance(n_cycles, bool) and n_cycles >= 0):
        problems.add(
            topic("n_cycles"),
            f"{n_cycles!r} is not a whole number >= 0",
            "a number of cycles >= 0",
        )
    problems.raise_if_any()

    ages = float(start_age) + np.arange(n_cycles) * delta  # (n_cycles,)
    qx_m = annual_qx(table, ages, "male")
    qx_f = annual_qx(table, ages, "female")
    if delta == 1.0:
        p_m, p_f = qx_m, qx_f  # exact: (1 - qx)^1
    else:
        with np.errstate(divide="ignore"):  # qx = 1 -> log(0) = -inf -> p = 1
            p_m = -np.expm1(delta * np.log1p(-qx_m))
            p_f = -np.expm1(delta * np.log1p(-qx_f))

    # Survival of each sex at the start of each cycle: S(0) = 1, S(k) = prod_{j<k} (1 - p(j)).
    s_m = np.concatenate(([1.0], np.cumprod(1.0 - p_m)[:-1])) if n_cycles else np.ones(0)
    s_f = np.concatenate(([1.0], np.cumprod(1.0 - p_f)[:-1])) if n_cycles else np.ones(0)

    # In place, two arrays of the result's size at a time (a PSA's samples x cycles can be
    # tens of megabytes): the same operations, in the same order, as
    # share = m S_m / S (0 where S = 0); p = share p_m + (1 - share) p_f; 1 where S = 0.
    m = m[..., np.newaxis]  # (..., 1) broadcasts against cycles
    share_m = m * s_m  # m S_m(k)
    p = (1.0 - m) * s_f
    np.add(share_m, p, out=p)  # S(k)
    alive = p > 0
    np.divide(share_m, p, out=share_m, where=alive)  # where S(k) = 0, m S_m(k) = 0 is kept
    np.multiply(share_m, p_m, out=p)
    np.subtract(1.0, share_m, out=share_m)
    np.multiply(share_m, p_f, out=share_m)
    np.add(p, share_m, out=p)
    p[~alive] = 1.0
    return p
