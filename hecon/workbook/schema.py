"""The workbook schema: every sheet, column and setting of an hecon input workbook.

This one definition drives the template and writer (headers, units, descriptions, comments,
drop-downs, widths), the reader (column look-up, type conversion, required cells, allowed
values) and the README sheet, so the three cannot drift apart.

Layout of every data sheet (all but README and Settings' special rows)
----------------------------------------------------------------------
* row 1 (:data:`HEADER_ROW`)       column names, matched case-insensitively
* row 2 (:data:`UNIT_ROW`)         units, for the reader of the workbook only
* row 3 (:data:`DESCRIPTION_ROW`)  what the column holds, for the reader only
* row 4 onwards (:data:`FIRST_DATA_ROW`) one record per row; blank rows are ignored

Columns may come in any order; a column whose header starts with ``#`` is a note column
and is ignored. Cells hold plain values or Excel formulas (their cached results are read).

Cell kinds (:class:`Column.kind`)
---------------------------------
============  ==========================================================================
kind          what the cell holds
============  ==========================================================================
text          any text
name          a name (text), used to refer to the row from other sheets
number        a number (numeric text such as ``'0.5`` is accepted too)
integer       a whole number
expression    a number, or a formula in hecon's expression language (``u_pfs - 0.05``);
              a leading ``=`` is allowed and ignored
probability   an expression whose constant value must lie in [0, 1]; or ``#``, the rest
choice        one of the column's allowed values (a drop-down in the template)
list          names separated by commas, e.g. ``on_treatment, hospitalised``
numbers       numbers separated by ``;`` (or ``,``), e.g. ``20000; 50000; 80000``
arguments     ``name=value`` pairs separated by ``;``, e.g. ``mean=0.8; se=0.05``
value         a number or text whose meaning depends on the row (Settings.value,
              Scenarios.value); checked against the setting or target it belongs to
flag          yes or no (also TRUE/FALSE, y/n, 1/0, x); blank = no
============  ==========================================================================
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hecon.methods import survival
from hecon.model import distributions, expressions
from hecon.model.spec import (
    ANY_STATE,
    BUDGET_ITEMS,
    BUDGET_WORLDS,
    COMPLEMENT,
    DISCOUNT_TIMINGS,
    LIFE_TABLE_QUANTITIES,
    PERSPECTIVES,
    REWARD_KINDS,
    REWARD_TIMINGS,
    REWARD_WEIGHTS,
    START,
    STRATEGY_ROLES,
    STRUCTURES,
    SURVIVAL_ENDPOINTS,
    SURVIVAL_POINT_KINDS,
    TIME_UNITS,
    WITHIN_CYCLE_METHODS,
    Settings,
)

HEADER_ROW = 1
UNIT_ROW = 2
DESCRIPTION_ROW = 3
FIRST_DATA_ROW = 4
NOTE_PREFIX = "#"
"""A header starting with this marks a note column, which the reader ignores."""
ALL_STRATEGIES = "all"
"""Strategy cell value (or blank) meaning: every strategy."""
LAST_VALIDATED_ROW = 2000
"""Drop-downs in the template cover data rows FIRST_DATA_ROW..LAST_VALIDATED_ROW."""

KINDS: dict[str, str] = {
    "text": "any text",
    "name": "a name, used to refer to the row from other sheets",
    "number": "a number",
    "integer": "a whole number",
    "expression": "a number or a formula in hecon's expression language (see the README)",
    "probability": f"a number in [0, 1], a formula, or {COMPLEMENT} for 'the rest'",
    "choice": "one of the allowed values (drop-down)",
    "list": "names separated by commas",
    "numbers": "numbers separated by ;",
    "arguments": "name=value pairs separated by ;",
    "value": "a number or text, depending on the row (a setting's value, a scenario's override)",
    "flag": "yes or no (blank = no)",
}
"""Cell kind -> what the cell holds (shown in the README)."""

COMMON_FLAGS = ("on_treatment", "hospitalised", "progression_free", "dead")
"""Flags the reports know; any other label is allowed too."""
YES_NO = ("yes", "no")
NORM_SEXES = ("male", "female", "all")
"""Sexes of a utility norm (:class:`hecon.model.spec.UtilityNorm`); "all" applies to both."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one row of the Settings sheet).

    name        : header text (Settings: the setting's name in column A)
    kind        : one of :data:`KINDS`
    required    : the column must exist and every record must fill it
    unit        : unit shown in the unit row, e.g. "EUR per cycle"
    description : what the cell holds; shown in the description row, the header comment and
                  the README
    allowed     : allowed values of a ``choice`` column, or suggested values of a ``list``
    suggest     : ``allowed`` is only a suggestion (the drop-down accepts other values)
    default     : value used for a blank cell of an optional column
    width       : column width in the template [characters]
    lookup      : ``"Sheet"``: the drop-down lists the names in column A of that sheet
    must_exist  : the column must exist even though its cells may be blank (always true
                  for required columns)
    """

    name: str
    kind: str
    required: bool = False
    unit: str = ""
    description: str = ""
    allowed: tuple[str, ...] = ()
    suggest: bool = False
    default: object = None
    width: int = 14
    lookup: str | None = None
    must_exist: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.required:
            object.__setattr__(self, "must_exist", True)


@dataclass(frozen=True)
class ColumnFamily:
    """Columns named ``<prefix><something>``, one per cost category or count, e.g. ``cost:drug``."""

    prefix: str
    kind: str
    unit: str
    description: str
    examples: tuple[str, ...]
    width: int = 14

    def column(self, name: str) -> Column:
        """The column for a concrete header, e.g. ``cost:drug``."""
        return Column(name, self.kind, unit=self.unit, description=self.description, width=self.width)


@dataclass(frozen=True)
class SheetSchema:
    """A sheet: name, what it holds, its columns, and whether the workbook must have it."""

    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = False
    families: tuple[ColumnFamily, ...] = ()
    key: tuple[str, ...] = ()
    """Columns whose values must be unique together (duplicates are reported)."""
    when_used: bool = False
    """Written (and listed in the README sheet) only when the model has rows for it, or in a blank
    template: an optional analysis that most models do not use."""

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def family_of(self, header: str) -> ColumnFamily | None:
        for f in self.families:
            if header.startswith(f.prefix):
                return f
        return None


def _c(*args: object, **kwargs: object) -> Column:
    return Column(*args, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Settings: one row per setting (name | value | unit | description | source)
# --------------------------------------------------------------------------------------

_SETTING_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Settings)}

SETTINGS: tuple[Column, ...] = (
    _c("title", "text", description="Title of the model, shown in reports", width=40),
    _c("model_description", "text", description="What the model is for, in a sentence or two"),
    _c(
        "cycle_length_days",
        "number",
        required=True,
        unit="days",
        description="Length of one cycle: 7 = weekly, 30.4375 = monthly, 365.25 = yearly",
    ),
    _c(
        "horizon_years",
        "number",
        required=True,
        unit="years",
        description="Time horizon; cycles = round(horizon_years * 365.25 / cycle_length_days)",
    ),
    _c("start_age", "number", unit="years", description="Age of the cohort at model start"),
    _c(
        "proportion_male",
        "expression",
        unit="share 0-1",
        description="Share of men at start (for the life table); a number or a formula",
    ),
    _c("discount_rate_costs", "number", unit="per year", description="Annual discount rate for costs, e.g. 0.04"),
    _c(
        "discount_rate_effects",
        "number",
        unit="per year",
        description="Annual discount rate for QALYs, life-years and counts, e.g. 0.015",
    ),
    _c(
        "discount_timing",
        "choice",
        allowed=DISCOUNT_TIMINGS,
        description="cycle: factor (1+r)^-t at the exact time t in years; annual: constant within each model year",
    ),
    _c(
        "within_cycle",
        "choice",
        allowed=WITHIN_CYCLE_METHODS,
        description="Within-cycle correction: none, end, half-cycle, trapezoid, simpson (Simpson's 1/3) "
        "or custom (weights in cycle_weights)",
    ),
    _c(
        "cycle_weights",
        "numbers",
        unit="weights",
        description="Only for within_cycle = custom: one weight per trace point 0..cycles, separated by ; "
        "(or, for many cycles, on the CycleWeights sheet)",
    ),
    _c(
        "life_table",
        "text",
        description="Life table used by gp_mort(): a table on the LifeTable sheet or a bundled one "
        "(nl_cbs_2019, nl_ag2024); blank = the first table",
    ),
    _c("currency", "text", description="Currency of all costs, e.g. EUR"),
    _c("price_year", "integer", unit="year", description="Price year of all costs, e.g. 2024"),
    _c("wtp", "numbers", unit="currency per QALY", description="Willingness-to-pay thresholds, separated by ;"),
    _c("seed", "integer", description="Random seed of the probabilistic analysis (same seed, same numbers)"),
    _c(
        "comparator",
        "text",
        description="Strategy that the others are compared with in the incremental analysis; blank = the first",
    ),
    _c(
        "population_size",
        "number",
        unit="patients per year",
        description="Patients eligible per year, for the population value of information; blank = not reported",
    ),
    _c(
        "population_years",
        "number",
        unit="years",
        description="Years over which the decision affects patients, for the population value of information",
    ),
    _c(
        "structure",
        "choice",
        allowed=STRUCTURES,
        description="state_transition: the cohort moves by the Transitions; partitioned_survival: occupancy "
        "from the Partitions sheet's survival curves. A model with both is run both ways (cross-check)",
    ),
    _c(
        "partitioned_survival_weight",
        "number",
        unit="weight 0-1",
        description="A model with both structures: weight of the partitioned-survival version in the PSA "
        "averaged over the structures (state transition: 1 - weight); blank = 0.5 (co-primary)",
    ),
    _c(
        "reward_timing",
        "choice",
        allowed=REWARD_TIMINGS,
        description="When one-off transition rewards are valued (discounted) within their cycle: start, "
        "middle (default) or end",
    ),
    _c(
        "reward_weights",
        "choice",
        allowed=REWARD_WEIGHTS,
        description="none (default) or within-cycle: one-off transition rewards also carry the within-cycle "
        "weight of the trace point at the start or end of their cycle",
    ),
)
"""The rows of the Settings sheet. Every field of :class:`hecon.model.spec.Settings` has one, plus
``title`` and ``model_description`` (the ModelSpec's title and description)."""

SETTING_FIELDS = {"title": "title", "model_description": "description"}
"""Settings rows stored on the ModelSpec itself rather than on its Settings."""


def setting_default(name: str) -> object:
    """Default of a setting (the :class:`~hecon.model.spec.Settings` field default)."""
    if name in SETTING_FIELDS:
        return ""
    return _SETTING_DEFAULTS[name]


SETTINGS_SHEET = SheetSchema(
    "Settings",
    "Run settings: one row per setting. Blank values take the default shown in the template.",
    (
        _c("name", "name", required=True, description="Setting name (fixed list, see README)", width=24),
        _c("value", "value", must_exist=True, width=24, description="Value of the setting; blank = the default"),
        _c("unit", "text", description="Unit of the value", width=18),
        _c("description", "text", description="What the setting does", width=60),
        _c("source", "text", description="Where the value comes from (guideline, publication)", width=40),
    ),
    required=True,
    key=("name",),
)

#: Longest text Excel keeps in a cell [characters]; a cell that reaches it may have been cut.
EXCEL_CELL_CHARACTERS = 32_767

CYCLE_WEIGHTS_SHEET = SheetSchema(
    "CycleWeights",
    "Custom within-cycle weights (within_cycle = custom), one row per trace point 0..cycles: for models "
    "with many cycles (a weekly lifetime model has about 3,900 points), instead of the cycle_weights setting.",
    (
        _c(
            "point", "integer", required=True, unit="trace point", width=10, description="Trace point 0, 1, ..., cycles"
        ),
        _c("weight", "number", required=True, unit="weight", width=14, description="Weight of the trace point"),
    ),
    key=("point",),
    when_used=True,
)

# --------------------------------------------------------------------------------------
# Draws: tables of joint draws of empirical PSA distributions (hecon.model.spec.Distribution.draws)
# --------------------------------------------------------------------------------------

DRAWS_SHEET = SheetSchema(
    "Draws",
    "Tables of joint draws for the PSA (distribution empirical on the Parameters sheet): one column per "
    "parameter, headed by its name, one joint draw per row, e.g. bootstrap refits of a survival curve or "
    "posterior draws. The columns of one group are one table (row r of each is one joint draw); the PSA "
    f"draws whole rows. At least {distributions.MIN_EMPIRICAL_DRAWS} rows a group.",
    (),
    families=(
        ColumnFamily(
            "",
            "number",
            "as the parameter",
            "Draws of the parameter named in the header (its distribution is empirical); every row of its group filled",
            ("pfs_cure_theta", "pfs_cure_shape", "pfs_cure_scale"),
        ),
    ),
    when_used=True,
)

# --------------------------------------------------------------------------------------
# CostCategories: the perspective of each cost category (hecon.model.spec.ModelSpec.cost_perspectives)
# --------------------------------------------------------------------------------------

COST_CATEGORIES_SHEET = SheetSchema(
    "CostCategories",
    "The perspective of cost categories: healthcare (counted from both perspectives) or societal (counted "
    "only from the societal perspective, e.g. productivity losses, informal care, travel). Once the sheet "
    "has rows, every cost category of the model needs one (an untagged category is an error). With a societal category the report shows both perspectives side by side.",
    (
        _c("category", "name", required=True, width=18, description="A cost category of the States sheet"),
        _c(
            "perspective",
            "choice",
            required=True,
            allowed=PERSPECTIVES,
            width=12,
            description="healthcare or societal",
        ),
        _c("description", "text", width=40, description="What the category holds"),
    ),
    key=("category",),
    when_used=True,
)

# --------------------------------------------------------------------------------------
# EvppiGroups: named groups of parameters for the EVPPI (hecon.model.spec.ModelSpec.evppi_groups)
# --------------------------------------------------------------------------------------

EVPPI_GROUPS_SHEET = SheetSchema(
    "EvppiGroups",
    "Named groups of parameters whose joint partial EVPI is estimated (e.g. prices, utilities), one member "
    "per row; every sampled parameter and every mvnormal, Dirichlet or empirical group gets its own EVPPI anyway. "
    "At most 4 parameters a group.",
    (
        _c("group", "name", required=True, width=18, description="Name of the group"),
        _c(
            "parameter",
            "name",
            required=True,
            lookup="Parameters",
            width=22,
            description="A parameter drawn in the PSA",
        ),
    ),
    key=("group", "parameter"),
    when_used=True,
)

# --------------------------------------------------------------------------------------
# BudgetImpact: eligible patients, uptake, drug categories, 'sluis' thresholds (hecon.model.spec.BudgetItem)
# --------------------------------------------------------------------------------------

BUDGET_SHEET = SheetSchema(
    "BudgetImpact",
    "Budget impact analysis (ZIN; ISPOR, Sullivan 2014): patients starting treatment per year, the share "
    "given each strategy without (current) and with (new) the new strategies, the cost categories that "
    "are drug costs, and the thresholds of the 'sluis' for expensive medicines. Every row but "
    "drug_category needs its source (G: a gap).",
    (
        _c(
            "item",
            "choice",
            required=True,
            allowed=BUDGET_ITEMS,
            width=18,
            description="eligible: patients starting treatment in the year; share: the share of them given "
            "the strategy in the world; drug_category: a cost category holding drug costs; "
            "sluis_per_patient / sluis_total: the sluis thresholds; sluis_total_with_per_patient: the "
            "yearly total the per-patient criterion needs as well",
        ),
        _c("year", "integer", unit="budget year", width=8, description="1, 2, ... (eligible and share rows)"),
        _c(
            "strategy",
            "name",
            lookup="Strategies",
            width=18,
            description="Strategy the share is of (share rows)",
        ),
        _c(
            "world",
            "choice",
            allowed=BUDGET_WORLDS,
            width=10,
            description="current: without the new strategies; new: with them (share rows)",
        ),
        _c("category", "text", width=16, description="Cost category of the States sheet (drug_category rows)"),
        _c(
            "value",
            "number",
            unit="persons / share / currency",
            width=14,
            description="eligible: persons; share: 0-1; sluis_per_patient: currency per patient per year; "
            "sluis_total, sluis_total_with_per_patient: currency per year",
        ),
        _c("source", "text", width=40, description="Where the value comes from (G: a gap, with the reason)"),
    ),
    when_used=True,
)

# --------------------------------------------------------------------------------------
# SurvivalPoints: published landmarks, medians and numbers at risk (hecon.model.spec.SurvivalPoint)
# --------------------------------------------------------------------------------------

SURVIVAL_POINTS_SHEET = SheetSchema(
    "SurvivalPoints",
    "Published survival points (Kaplan-Meier landmarks, medians with their 95% CI, numbers at risk), one per "
    "row: drawn against the model's PFS and OS of their strategy in the report, with their population; "
    "points with numbers at risk can be fitted (hecon fit-survival --points).",
    (
        _c(
            "strategy",
            "name",
            required=True,
            lookup="Strategies",
            width=18,
            description="Strategy whose model curve the point is compared with",
        ),
        _c(
            "endpoint",
            "choice",
            required=True,
            allowed=SURVIVAL_ENDPOINTS,
            width=10,
            description="PFS, OS or TTD (time to treatment discontinuation)",
        ),
        _c(
            "kind",
            "choice",
            required=True,
            allowed=SURVIVAL_POINT_KINDS,
            width=10,
            description="survival: the share event-free at the time; median: the median time; at_risk: the "
            "number of patients at risk at the time",
        ),
        _c(
            "time",
            "number",
            unit="time_unit",
            width=8,
            description="Time since the source's time zero, of a survival or at_risk row; blank for a median",
        ),
        _c(
            "time_unit",
            "choice",
            allowed=tuple(TIME_UNITS),
            default="months",
            width=10,
            description="Unit of the time and of a median",
        ),
        _c(
            "value",
            "number",
            required=True,
            unit="share 0-1, time_unit or patients",
            width=12,
            description="survival: share 0-1 at the time; median: the median [time_unit]; at_risk: patients at risk",
        ),
        _c(
            "lower",
            "number",
            unit="as value",
            width=10,
            description="Lower limit of the 95% confidence interval (survival, median); blank = not reported",
        ),
        _c(
            "upper",
            "number",
            unit="as value",
            width=10,
            description="Upper limit of the 95% confidence interval; blank = not reported or not estimable (NE)",
        ),
        _c(
            "population",
            "text",
            width=30,
            description="Who the source describes and from when, e.g. 'ITT from apheresis' or 'infused patients, "
            "from infusion'; printed in the report",
        ),
        _c(
            "comparable",
            "choice",
            allowed=YES_NO,
            width=12,
            description="yes: the population and time zero are those of the model's curve (the strategy's whole "
            "cohort from model start); no: they differ, and the report says 'not like for like'; blank = not stated",
        ),
        _c("source", "text", width=40, description="The publication: table, figure or page"),
        _c(
            "states",
            "text",
            width=30,
            description="Model states of the source's population while alive, comma-separated (e.g. the states "
            "of infused patients): the model's curve is then theirs from when they are first occupied, like for "
            "like; blank = the strategy's whole cohort from model start",
        ),
        _c(
            "fitted_in",
            "text",
            width=30,
            description="Model structures whose curves were fitted to this point, comma-separated (state_transition, "
            "partitioned_survival), or none: held out of every fit (a check of the model); the report marks the "
            "point fitted or held out for the structure it runs; blank = not stated",
        ),
    ),
)

# --------------------------------------------------------------------------------------
# Data sheets
# --------------------------------------------------------------------------------------

_STRATEGY_CELL = (
    "Strategy the row applies to; blank or 'all' for every strategy "
    "(a strategy's own row replaces the 'all' row with the same from and to)"
)

SHEETS: tuple[SheetSchema, ...] = (
    SETTINGS_SHEET,
    CYCLE_WEIGHTS_SHEET,
    SheetSchema(
        "Strategies",
        "The strategies compared; they share the states and differ in parameter values "
        "(StrategyParameters) and transitions (Transitions.strategy).",
        (
            _c("name", "name", required=True, description="Strategy name, e.g. CAR-T", width=20),
            _c("description", "text", description="What the strategy is", width=60),
            _c(
                "role",
                "choice",
                allowed=STRATEGY_ROLES,
                width=12,
                description="option (blank) = a choice of the decision; reference = run and reported for "
                "information (e.g. a historical comparator), left out of the efficiency frontier, CEAC, "
                "P(CE), EVPI/EVPPI, the decision and the threshold analyses; say why in the description",
            ),
        ),
        required=True,
        key=("name",),
    ),
    SheetSchema(
        "Parameters",
        "Model inputs: base-case value, unit, source, PSA distribution and DSA range.",
        (
            _c(
                "name",
                "name",
                required=True,
                width=22,
                description="Name used in formulas: letters, digits and _, not starting with a digit",
            ),
            _c(
                "value",
                "expression",
                required=True,
                unit="see unit",
                width=16,
                description="Base-case value: a number, or a formula of other parameters",
            ),
            _c("unit", "text", width=16, description="Unit of the value, e.g. EUR per cycle, per year, QALY weight"),
            _c("description", "text", width=40, description="What the parameter is"),
            _c(
                "source",
                "text",
                width=40,
                description="Where the value comes from (publication, table, page); reports cite it",
            ),
            _c(
                "distribution",
                "choice",
                allowed=tuple(distributions.DISTRIBUTION_ARGS),
                width=14,
                description="PSA distribution; blank = not sampled (keeps its value)",
            ),
            _c(
                "distribution_args",
                "arguments",
                width=30,
                unit="name=value; ...",
                description="Arguments of the distribution, e.g. mean=0.8; se=0.05 or alpha=57; beta=40, or "
                "weibull=0.5; cure=0.5 for a discrete choice between alternatives (see README for each distribution)",
            ),
            _c(
                "group",
                "text",
                width=12,
                description="Only for dirichlet, mvnormal and empirical: the same group name on every parameter drawn jointly",
            ),
            _c(
                "dsa_low",
                "number",
                unit="see unit",
                width=12,
                description="Low value in one-way sensitivity analysis; blank = from the distribution",
            ),
            _c(
                "dsa_high",
                "number",
                unit="see unit",
                width=12,
                description="High value in one-way sensitivity analysis; blank = from the distribution",
            ),
            _c(
                "dsa",
                "flag",
                allowed=YES_NO,
                width=8,
                description="yes: vary the parameter in the one-way sensitivity analysis (tornado); blank = no",
            ),
        ),
        required=True,
        key=("name",),
    ),
    DRAWS_SHEET,
    SheetSchema(
        "StrategyParameters",
        "Strategy-specific values: the parameter takes this value in this strategy only.",
        (
            _c(
                "strategy",
                "name",
                required=True,
                lookup="Strategies",
                width=20,
                description="Strategy (from the Strategies sheet)",
            ),
            _c(
                "parameter",
                "name",
                required=True,
                lookup="Parameters",
                width=22,
                description="Parameter (from the Parameters sheet)",
            ),
            _c(
                "value",
                "expression",
                required=True,
                unit="as the parameter",
                width=20,
                description="Value in this strategy: a number or a formula",
            ),
        ),
        key=("strategy", "parameter"),
    ),
    SheetSchema(
        "States",
        "Health states shared by all strategies, with their utility, costs per cycle by category "
        "(one column cost:<category> per category) and counts per cycle (count:<name>).",
        (
            _c("name", "name", required=True, description="State name, e.g. PFS", width=18),
            _c("description", "text", description="What the state is", width=30),
            _c(
                "utility",
                "expression",
                unit="QALY weight per year",
                default=0.0,
                width=14,
                description="QALY weight per year in the state (0 if blank)",
            ),
            _c(
                "tunnel",
                "integer",
                unit="cycles",
                default=1,
                width=10,
                description="Cycles of state residence tracked (for state_time); 1 = none",
            ),
            _c(
                "flags",
                "list",
                allowed=COMMON_FLAGS,
                suggest=True,
                width=24,
                description="Labels separated by commas: on_treatment, hospitalised, progression_free, "
                "dead (excluded from life-years) or your own",
            ),
        ),
        required=True,
        families=(
            ColumnFamily(
                "cost:",
                "expression",
                "currency per cycle",
                "Cost in the state for the category named after 'cost:'; blank = none. The unit row says per "
                "what: per cycle, per day, per week, per month (365.25/12 days) or per year (e.g. 'EUR per year'); "
                "hecon converts it to the cycle",
                ("cost:drug", "cost:care"),
            ),
            ColumnFamily(
                "count:",
                "expression",
                "per cycle",
                "Count in the state (e.g. administrations, hospital days) named after 'count:'; blank = none; "
                "per cycle, day, week, month or year as its unit row says",
                ("count:administrations",),
            ),
        ),
        key=("name",),
    ),
    SheetSchema(
        "Initial",
        "Where the cohort starts: share per state (blank sheet = everyone in the first state).",
        (
            _c("state", "name", required=True, lookup="States", width=18, description="State"),
            _c(
                "share",
                "expression",
                required=True,
                unit="share 0-1",
                width=12,
                description="Share of the cohort starting in the state; shares add up to 1",
            ),
        ),
        key=("state",),
    ),
    SheetSchema(
        "Transitions",
        f"Per-cycle transition probabilities; {COMPLEMENT} means one minus the other probabilities "
        "out of the same state. A state without rows is absorbing.",
        (
            _c(
                "strategy",
                "name",
                default=ALL_STRATEGIES,
                lookup="Strategies",
                suggest=True,
                width=14,
                description=_STRATEGY_CELL,
            ),
            _c("from", "name", required=True, lookup="States", width=16, description="State left"),
            _c("to", "name", required=True, lookup="States", width=16, description="State entered"),
            _c(
                "probability",
                "probability",
                required=True,
                unit="per cycle",
                width=50,
                description=f"Probability per cycle: a number in [0, 1], a formula, or {COMPLEMENT} for the rest",
            ),
        ),
        required=True,
        key=("strategy", "from", "to"),
    ),
    SheetSchema(
        "Partitions",
        "Partitioned survival (used when settings.structure is partitioned_survival; NICE DSU TSD 19): "
        "states from best to worst, each with the share of the cohort in it or an earlier row's state, "
        f"e.g. PF surv(pfs, model_years), PD surv(os, model_years), Dead {COMPLEMENT}. Occupancy is the "
        "difference of successive rows; where curves cross the later state is held at 0 and reported.",
        (
            _c(
                "strategy",
                "name",
                default=ALL_STRATEGIES,
                lookup="Strategies",
                suggest=True,
                width=14,
                description="Strategy the row applies to; blank or 'all' for every strategy (a strategy's own rows "
                "replace all of the shared rows)",
            ),
            _c("state", "name", required=True, lookup="States", width=16, description="State, best first"),
            _c(
                "survival",
                "probability",
                required=True,
                unit="share 0-1",
                width=50,
                description=f"Share in this state or an earlier row's, a formula of model time; {COMPLEMENT} in the "
                "last row (the rest)",
            ),
            _c("description", "text", width=40, description="What the curve is and where it comes from"),
        ),
        key=("strategy", "state"),
    ),
    SheetSchema(
        "TransitionRewards",
        "One-off costs, QALY changes or counts on a transition (e.g. product cost at infusion, "
        "terminal care at death); not within-cycle corrected.",
        (
            _c(
                "strategy",
                "name",
                default=ALL_STRATEGIES,
                lookup="Strategies",
                suggest=True,
                width=14,
                description="Strategy the reward applies to; blank or 'all' for every strategy",
            ),
            _c(
                "from",
                "name",
                default=ANY_STATE,
                lookup="States",
                suggest=True,
                width=14,
                description=f"State left; {ANY_STATE} (or blank) = any other state; {START} = the cohort "
                "placed in the state at the start (once, at time 0)",
            ),
            _c("to", "name", required=True, lookup="States", width=14, description="State entered"),
            _c(
                "kind",
                "choice",
                allowed=REWARD_KINDS,
                default="cost",
                width=10,
                description="cost (in a cost category), qaly (QALY change) or count",
            ),
            _c(
                "name",
                "name",
                default="other",
                width=16,
                description="Cost category or count name (ignored for qaly); blank = other",
            ),
            _c(
                "value",
                "expression",
                required=True,
                unit="currency, QALYs or units",
                width=30,
                description="Amount per member of the cohort making the transition",
            ),
            _c(
                "structure",
                "choice",
                allowed=STRUCTURES,
                width=18,
                description="Blank: both model structures; state_transition or partitioned_survival: only when "
                "the model runs as that structure (a partitioned-survival run values only entries from *)",
            ),
        ),
    ),
    SheetSchema(
        "Survival",
        "Parametric survival curves in R flexsurv's parameterisation (paste its estimates), used with "
        "surv_prob(curve), surv(curve, years) and hazard(curve, years).",
        (
            _c("name", "name", required=True, width=16, description="Curve name used in formulas"),
            _c(
                "distribution",
                "choice",
                required=True,
                allowed=tuple(survival.DISTRIBUTIONS),
                width=14,
                description="flexsurv distribution",
            ),
            _c(
                "time_unit",
                "choice",
                allowed=tuple(TIME_UNITS),
                default="years",
                width=10,
                description="Time unit the curve was fitted in",
            ),
            _c(
                "parameters",
                "arguments",
                required=True,
                unit="name=value; ...",
                width=36,
                description="flexsurv parameters on the natural scale, e.g. shape=1.2; scale=3.5 "
                "(values may be formulas)",
            ),
            _c(
                "hazard_ratio",
                "expression",
                default=1.0,
                width=12,
                description="Proportional-hazards adjustment HR: S(t)^HR",
            ),
            _c(
                "acceleration_factor",
                "expression",
                default=1.0,
                width=12,
                description="Time ratio AF: S(t / AF); AF > 1 lengthens survival",
            ),
            _c(
                "cure_fraction",
                "expression",
                default=0.0,
                unit="share 0-1",
                width=12,
                description="Mixture cure fraction pi: S(t) = pi + (1 - pi) S_uncured(t)",
            ),
            _c("source", "text", width=40, description="Where the curve comes from"),
        ),
        key=("name",),
    ),
    SURVIVAL_POINTS_SHEET,
    SheetSchema(
        "LifeTable",
        "General-population death probabilities by single year of age (one row per age); "
        "ages past the last row keep its qx. The columns may hold px, mx or lx instead of qx "
        "(quantity column), converted to qx.",
        (
            _c("table", "name", required=True, width=14, description="Table name"),
            _c("age", "integer", required=True, unit="years", width=8, description="Age last birthday"),
            _c(
                "qx_male",
                "number",
                required=True,
                unit="per year",
                width=12,
                description="Probability that a man of this age dies before the next birthday "
                "(or the quantity named in the quantity column)",
            ),
            _c(
                "qx_female",
                "number",
                required=True,
                unit="per year",
                width=12,
                description="Probability that a woman of this age dies before the next birthday "
                "(or the quantity named in the quantity column)",
            ),
            _c(
                "quantity",
                "choice",
                allowed=LIFE_TABLE_QUANTITIES,
                width=10,
                description="What qx_male and qx_female hold, the same on every row of a table: qx (blank), "
                "px = 1 - qx, mx death rate per year (qx = 1 - exp(-mx)) or lx survivors at exact age "
                "(qx = 1 - lx+1 / lx; the last age's qx is 1)",
            ),
            _c("source", "text", width=40, description="Source of the table (first row of the table)"),
        ),
        key=("table", "age"),
    ),
    SheetSchema(
        "Schedules",
        "Dosing and visit patterns counted per cycle by doses(schedule, clock); one row per segment, "
        "several rows with the same name form one schedule.",
        (
            _c("name", "name", required=True, width=14, description="Schedule name used in doses()"),
            _c(
                "start_day",
                "number",
                required=True,
                unit="days",
                width=10,
                description="Day of the first administration of the segment (0 = start of the clock)",
            ),
            _c(
                "every_days",
                "number",
                required=True,
                unit="days",
                width=10,
                description="Days between administrations, e.g. 7 = weekly",
            ),
            _c(
                "end_day",
                "number",
                unit="days",
                width=10,
                description="Administrations stop before this day; blank = no end",
            ),
            _c(
                "amount",
                "number",
                default=1.0,
                unit="per administration",
                width=12,
                description="What each administration counts for (1 for a dose count)",
            ),
            _c("description", "text", width=40, description="What the schedule is (first row of the schedule)"),
        ),
    ),
    SheetSchema(
        "UtilityNorms",
        "General-population utilities by age band and sex, for the disease burden (QALY shortfall) "
        "and its reference willingness to pay.",
        (
            _c("age_from", "number", required=True, unit="years", width=10, description="First age of the band"),
            _c(
                "age_to",
                "number",
                unit="years",
                width=10,
                description="Last age of the band (inclusive); blank = no upper end",
            ),
            _c(
                "sex",
                "choice",
                required=True,
                allowed=NORM_SEXES,
                width=10,
                description="male, female, or all (used for a sex without its own band)",
            ),
            _c(
                "utility",
                "number",
                required=True,
                unit="QALY weight",
                width=10,
                description="Mean utility of the general population in the band",
            ),
            _c("source", "text", width=40, description="Where the norm comes from"),
        ),
        key=("sex", "age_from"),
    ),
    SheetSchema(
        "Thresholds",
        "Threshold (price) analyses: the value of a parameter at which a strategy's ICER versus its "
        "comparator equals a willingness to pay.",
        (
            _c(
                "parameter",
                "name",
                required=True,
                lookup="Parameters",
                width=22,
                description="Parameter whose threshold value is sought, e.g. a price",
            ),
            _c(
                "strategy",
                "name",
                required=True,
                lookup="Strategies",
                width=18,
                description="Strategy whose ICER is set to the willingness to pay",
            ),
            _c(
                "comparator",
                "name",
                lookup="Strategies",
                suggest=True,
                width=18,
                description="Strategy it is compared with; blank = the model's comparator",
            ),
            _c(
                "wtp",
                "number",
                unit="currency per QALY",
                width=12,
                description="Willingness to pay; blank = the reference value for the disease burden "
                "(needs UtilityNorms)",
            ),
            _c(
                "lower",
                "number",
                unit="as the parameter",
                width=12,
                description="Lowest value searched; blank = 0 (or 10 x the base value if negative)",
            ),
            _c(
                "upper",
                "number",
                unit="as the parameter",
                width=12,
                description="Highest value searched; blank = 10 x the base value",
            ),
        ),
    ),
    COST_CATEGORIES_SHEET,
    EVPPI_GROUPS_SHEET,
    BUDGET_SHEET,
    SheetSchema(
        "Scenarios",
        "Named sets of overrides; one row per override, several rows with the same scenario form one scenario.",
        (
            _c("scenario", "name", required=True, width=20, description="Scenario name"),
            _c(
                "target",
                "name",
                required=True,
                width=24,
                description="What is overridden: a parameter name, parameter[strategy], or settings.<setting>",
            ),
            _c(
                "value",
                "value",
                required=True,
                width=20,
                description="The value in this scenario: a number or formula for a parameter, "
                "the setting's value for settings.<setting>",
            ),
            _c("description", "text", width=40, description="What the scenario tests (first row of the scenario)"),
        ),
        key=("scenario", "target"),
    ),
    SheetSchema(
        "Subgroups",
        "Subgroups of patients as named sets of overrides (start age, sex mix, subgroup hazard ratios or "
        "curve parameters, eligibility), one row per override; each subgroup is run and reported on its own "
        "beside the whole population. Every override needs its source (P published, A assumption, ...).",
        (
            _c("subgroup", "name", required=True, width=20, description="Subgroup name"),
            _c(
                "target",
                "name",
                required=True,
                width=24,
                description="What differs in the subgroup: a parameter name, parameter[strategy], or "
                "settings.<setting> (e.g. settings.start_age)",
            ),
            _c(
                "value",
                "value",
                required=True,
                width=20,
                description="The value in this subgroup: a number or formula for a parameter, the setting's "
                "value for settings.<setting>",
            ),
            _c(
                "source",
                "text",
                required=True,
                width=40,
                description="Where the subgroup's value comes from (publication and table; A: an assumption)",
            ),
            _c("description", "text", width=40, description="Who the subgroup is (first row of the subgroup)"),
        ),
        key=("subgroup", "target"),
        when_used=True,
    ),
    SheetSchema(
        "Assumptions",
        "Modelling assumptions in plain words, one per row, listed in the report.",
        (_c("assumption", "text", required=True, width=100, description="One assumption"),),
    ),
)
"""Every sheet the reader knows, in the order the writer puts them (after README)."""

SHEET_BY_NAME = {s.name: s for s in SHEETS}


def written_sheets(used: set[str], blank: bool = False) -> tuple[SheetSchema, ...]:
    """The sheets a workbook has: every sheet but a :attr:`SheetSchema.when_used` one whose name is
    not in ``used`` (the sheets with rows); all of them in a ``blank`` template."""
    return tuple(s for s in SHEETS if blank or not s.when_used or s.name in used)


def sheet(name: str) -> SheetSchema:
    return SHEET_BY_NAME[name]


def setting(name: str) -> Column:
    for c in SETTINGS:
        if c.name == name:
            return c
    raise KeyError(name)


def expression_functions() -> list[tuple[str, str]]:
    """(function, what it does) for the README."""
    return [(name, " ".join(f.doc.split())) for name, f in expressions.FUNCTIONS.items()]
