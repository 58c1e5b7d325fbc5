"""ModelSpec: the language-neutral description of a cohort state-transition model.

Plain, immutable Python objects. The workbook reader produces a ModelSpec, the compiler
and engine consume one, and a model can be written directly in Python (notebooks, tests)
without any workbook. Nothing here knows about Excel or numpy.

Conventions (the glossary used throughout hecon)
-------------------------------------------------
* An *expression* (``Expr``) is a number or the text of a formula in hecon's expression
  language (see :mod:`hecon.model.expressions`).
* Time inside the model is counted in cycles. ``cycle_length_days`` sets the cycle; a
  year is 365.25 days.
* State costs are **per cycle** spent in the state; utilities are **QALY weights per
  year**; counts (administrations, hospital days) are **per cycle**.
* Transition rewards are one-off amounts on a transition (costs in currency, QALY
  changes in QALYs, counts in units); they are not within-cycle corrected.
* ``COMPLEMENT`` (``"#"``) as a transition probability means "one minus the other
  probabilities out of this state" (as TreeAge's ``#`` and heemod's ``C``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

Expr = str | float | int

COMPLEMENT = "#"
ANY_STATE = "*"
START = "(start)"
DAYS_PER_YEAR = 365.25
MAX_SEED = 2**63 - 1
"""Largest random seed (a 64-bit integer, as the PSA file stores it)."""

WITHIN_CYCLE_METHODS = ("none", "end", "half-cycle", "trapezoid", "simpson", "custom")
DISCOUNT_TIMINGS = ("cycle", "annual")
#: When in its cycle a one-off transition reward is valued (discounted).
REWARD_TIMINGS = ("start", "middle", "end")
#: Whether one-off transition rewards carry the within-cycle weight of the trace point they are valued at.
REWARD_WEIGHTS = ("none", "within-cycle")
STATE_TRANSITION, PARTITIONED_SURVIVAL = "state_transition", "partitioned_survival"
STRUCTURES = (STATE_TRANSITION, PARTITIONED_SURVIVAL)
REWARD_KINDS = ("cost", "qaly", "count")
TIME_UNITS = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_YEAR / 12.0, "years": DAYS_PER_YEAR}
DEAD_FLAG = "dead"
#: Strategy roles (Strategies sheet, column ``role``): an ``option`` is one of the choices of the
#: decision; a ``reference`` (e.g. a historical comparator) is run and reported for information
#: but is left out of the efficiency frontier, the CEAC/CEAF, P(CE), EVPI/EVPPI, the decision
#: sentence and the threshold analyses.
OPTION = "option"
REFERENCE = "reference"
STRATEGY_ROLES = (OPTION, REFERENCE)


@dataclass(frozen=True)
class Settings:
    """Run settings.

    cycle_length_days      : length of one cycle [days] (7 = weekly, 365.25 = yearly)
    horizon_years          : time horizon [years]; the number of cycles is
                             round(horizon_years * 365.25 / cycle_length_days)
    start_age              : age of the cohort at model start [years]
    proportion_male        : share of men at start [0-1]; an expression, so it can be sampled
    discount_rate_costs    : annual discount rate for costs [per year, e.g. 0.03]
    discount_rate_effects  : annual discount rate for QALYs, life-years, counts [per year]
    discount_timing        : "cycle": factor (1+r)^-t at the exact time t in years;
                             "annual": (1+r)^-floor(t), constant within each model year
    within_cycle           : within-cycle correction, one of WITHIN_CYCLE_METHODS
    cycle_weights          : weights for the n_cycles + 1 trace points when within_cycle
                             is "custom"
    reward_timing          : when a one-off transition reward of cycle t (between trace points t
                             and t + 1) is valued: "start" (time t), "middle" (t + 1/2, the
                             default) or "end" (t + 1), in cycles
    reward_weights         : "none" (default) or "within-cycle": the reward also carries the
                             within-cycle weight of trace point t ("start") or t + 1 ("end"), as
                             models from other tools that value transitions at a trace point do
    life_table             : name of the life table used by ``gp_mort()``; default the first
    currency, price_year   : reporting only
    wtp                    : willingness-to-pay values [currency per QALY]
    seed                   : seed for probabilistic analysis
    comparator             : strategy the others are compared with (default: the first decision option)
    population_size        : patients eligible per year, for population EVPI (None: not reported)
    population_years       : years over which the decision affects patients, for population EVPI
    structure              : "state_transition" (the cohort moves by the Transitions) or
                             "partitioned_survival" (occupancy read off the Partitions' curves);
                             a model that defines both is run both ways (NICE DSU TSD 19)
    partitioned_survival_weight : for a model that defines both structures, the weight [0-1] of
                             the partitioned-survival version in the PSA averaged over the
                             structures (the state-transition version has 1 - weight;
                             :mod:`hecon.analysis.structure_average`); None: 0.5 (co-primary)
    """

    cycle_length_days: float = DAYS_PER_YEAR
    horizon_years: float = 10.0
    start_age: float = 0.0
    proportion_male: Expr = 0.5
    discount_rate_costs: float = 0.0
    discount_rate_effects: float = 0.0
    discount_timing: str = "cycle"
    within_cycle: str = "none"
    cycle_weights: tuple[float, ...] | None = None
    reward_timing: str = "middle"
    reward_weights: str = "none"
    life_table: str | None = None
    currency: str = "EUR"
    price_year: int | None = None
    wtp: tuple[float, ...] = (20_000.0, 50_000.0, 80_000.0)
    seed: int = 20241126
    comparator: str | None = None
    population_size: float | None = None
    population_years: float = 10.0
    structure: str = "state_transition"
    partitioned_survival_weight: float | None = None

    @property
    def cycle_length_years(self) -> float:
        """Cycle length [years]."""
        return self.cycle_length_days / DAYS_PER_YEAR

    @property
    def n_cycles(self) -> int:
        """Number of cycles in the horizon; 0 when the horizon or cycle length is not a positive finite number."""
        try:
            cycles = self.horizon_years * DAYS_PER_YEAR / self.cycle_length_days
        except (TypeError, ZeroDivisionError):
            return 0
        return int(round(cycles)) if math.isfinite(cycles) and cycles > 0 else 0


@dataclass(frozen=True)
class Distribution:
    """A PSA distribution of a parameter: ``kind`` and its named arguments.

    Kinds and arguments are defined by :mod:`hecon.model.distributions`; ``group`` ties parameters that are
    drawn jointly (Dirichlet, multivariate normal, empirical). ``draws`` is the parameter's column of an
    ``empirical`` group's table of joint draws [the parameter's unit]: entry i of every member of the group
    is one joint draw (e.g. one bootstrap refit); empty for every other kind.
    """

    kind: str
    args: Mapping[str, Expr] = field(default_factory=dict)
    group: str | None = None
    draws: tuple[float, ...] = ()


@dataclass(frozen=True)
class Parameter:
    """A named model input.

    value : number or expression of other parameters
    """

    name: str
    value: Expr
    unit: str = ""
    description: str = ""
    source: str = ""
    distribution: Distribution | None = None
    dsa_low: float | None = None
    dsa_high: float | None = None
    dsa: bool = False  # include in one-way sensitivity analysis


@dataclass(frozen=True)
class UtilityNorm:
    """General-population utility for an age band and sex (``sex`` male, female or all;
    ``age_to`` None = open-ended), used for the QALY shortfall of the disease burden."""

    age_from: float
    age_to: float | None
    sex: str
    utility: float
    source: str = ""


@dataclass(frozen=True)
class ThresholdQuery:
    """Find the value of ``parameter`` at which the ICER of ``strategy`` versus ``comparator``
    equals ``wtp`` (None: the reference value that applies to the disease burden).

    lower, upper : search interval for the parameter's value (None: 0 and 10 x its base
                   value; see :mod:`hecon.analysis.threshold`)
    """

    parameter: str
    strategy: str
    comparator: str | None = None
    wtp: float | None = None
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class State:
    """A health state shared by all strategies.

    utility : QALY weight per year in the state (expression)
    costs   : cost per cycle in the state, by category (expressions)
    counts  : other per-cycle tallies, e.g. ``{"administrations": "doses(tec, state_time)"}``
    flags   : labels whose time is reported (``on_treatment``, ``hospitalised``,
              ``progression_free``, ...); the flag ``dead`` excludes the state from life-years
    tunnel  : number of cycles of state residence tracked. ``tunnel=L`` expands the state into
              L sub-states; ``state_time`` is 0 in the first cycle after entry and is held
              at L-1 in the last sub-state, which the cohort does not leave by staying.
    """

    name: str
    utility: Expr = 0.0
    costs: Mapping[str, Expr] = field(default_factory=dict)
    counts: Mapping[str, Expr] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    tunnel: int = 1
    description: str = ""

    @property
    def is_dead(self) -> bool:
        return DEAD_FLAG in self.flags


@dataclass(frozen=True)
class Transition:
    """Per-cycle probability of moving ``from_state`` -> ``to_state``.

    probability : expression in [0, 1], or COMPLEMENT ("#") for the rest of the row
    strategy    : None for all strategies; a strategy's own row replaces the shared row
                  with the same from/to states
    """

    from_state: str
    to_state: str
    probability: Expr
    strategy: str | None = None


@dataclass(frozen=True)
class Partition:
    """One boundary of a partitioned-survival structure (NICE DSU TSD 19; Woods et al. 2017).

    A strategy's partition rows, in order, list states from the best to the worst; ``survival``
    is the share of the cohort in ``state`` *or a state listed before it*, as an expression of
    model time (e.g. ``surv(pfs, model_years)``); the last row's survival is ``#``: the rest of
    the cohort. Occupancy is then the difference of successive survivals: with rows PF
    (``S_PFS``), PD (``S_OS``), Dead (``#``): PF = S_PFS, PD = S_OS - S_PFS, Dead = 1 - S_OS.

    strategy : None for all strategies; a strategy's own rows replace the shared rows
    """

    state: str
    survival: Expr
    strategy: str | None = None
    description: str = ""


@dataclass(frozen=True)
class TransitionReward:
    """A one-off reward on entering ``to_state`` (from ``from_state``, or from any other
    state with ``"*"``): a cost in category ``name``, a QALY change, or a count ``name``.

    With ``from_state = "(start)"`` the reward applies once to the cohort placed in
    ``to_state`` at the start of the model (time 0, undiscounted, not corrected), e.g. the
    one-off cost of the first treatment step.

    structure : None for both model structures; one of :data:`STRUCTURES` for a reward that
                applies only when the model runs as that structure. A partitioned-survival run
                can value only entries into a state (``"*"``) and ``(start)`` rewards, so a model
                with both structures marks its rewards on transitions from one state as
                ``state_transition`` and gives the partitioned version its own entry rewards.
    """

    to_state: str
    value: Expr
    kind: str = "cost"
    name: str = "other"
    from_state: str = ANY_STATE
    strategy: str | None = None
    structure: str | None = None


@dataclass(frozen=True)
class SurvivalCurve:
    """A parametric survival curve in R flexsurv's parameterisation.

    distribution        : flexsurv name (exp, weibull, weibullPH, gompertz, llogis, lnorm,
                          gamma, gengamma, gengamma.orig)
    parameters          : flexsurv parameter name -> expression (natural scale, as printed)
    time_unit           : unit the curve was fitted in (days, weeks, months, years)
    hazard_ratio        : proportional-hazards adjustment, S(t)^HR
    acceleration_factor : time ratio, S(t / AF) (AF > 1 lengthens survival)
    cure_fraction       : mixture cure, S(t) = pi + (1 - pi) S_uncured(t)
    """

    name: str
    distribution: str
    parameters: Mapping[str, Expr]
    time_unit: str = "years"
    hazard_ratio: Expr = 1.0
    acceleration_factor: Expr = 1.0
    cure_fraction: Expr = 0.0
    source: str = ""


#: Endpoints of the model's survival curves (:mod:`hecon.analysis.model_survival`): PFS is the
#: share in states flagged progression_free, OS the share not flagged dead.
#: PFS, OS and time to treatment discontinuation (TTD; the report does not draw the model's TTD, so
#: a TTD point is kept for fitting and shown without a model value).
SURVIVAL_ENDPOINTS = ("PFS", "OS", "TTD")
#: What a published survival point gives (:class:`SurvivalPoint`).
SURVIVAL_POINT_KINDS = ("survival", "median", "at_risk")


@dataclass(frozen=True)
class SurvivalPoint:
    """A published survival point: a Kaplan–Meier landmark, a median, or a number at risk.

    strategy   : the strategy whose model curve the point is compared with (or fitted for)
    endpoint   : one of :data:`SURVIVAL_ENDPOINTS`
    kind       : "survival": ``value`` is S(``time``) [share 0-1], with its 95% CI;
                 "median": ``value`` is the median time [``time_unit``], with its 95% CI, and
                 ``time`` is None; "at_risk": ``value`` is the number of patients at risk at
                 ``time`` [whole number], without CI
    time       : time since the source's time zero [``time_unit``]; None for a median
    lower      : lower limit of the 95% CI, in the unit of ``value`` (None: not reported)
    upper      : upper limit of the 95% CI (None: not reported, or not estimable)
    population : who the source describes and from when, as printed in the report (e.g.
                 "infused patients, from infusion", "ITT from apheresis")
    comparable : True when the source's population and time zero are those of the model's
                 curve of the strategy (its whole cohort from model start), False when they
                 differ (the report says "not like for like"), None when not stated
    time_unit  : unit of ``time`` and of a median (days, weeks, months, years)
    source     : the publication (table, figure, page)
    states     : the model states of the source's population while alive (e.g. the states of
                 infused patients); the model's curve compared with the point is then that of these
                 states from the first trace point where they are occupied, rescaled to 1 there
                 (PFS: those of them flagged progression_free): like for like with a source whose
                 population and time zero differ from the whole cohort's. Empty: the whole cohort
                 from model start.
    fitted_in  : the model structures (:data:`STRUCTURES`) whose curves were fitted to the point;
                 () when it is held out of every fit (a check of the model); None when not stated.
                 The report marks the point "fitted" or "held out" for the structure it runs, so that
                 agreement with a fitted point is not read as validation.
    """

    strategy: str
    endpoint: str
    kind: str
    time: float | None
    value: float
    lower: float | None = None
    upper: float | None = None
    population: str = ""
    comparable: bool | None = None
    time_unit: str = "months"
    source: str = ""
    states: tuple[str, ...] = ()
    fitted_in: tuple[str, ...] | None = None


LIFE_TABLE_QUANTITIES = ("qx", "px", "mx", "lx")
"""What a life table's columns may hold (converted to qx by :func:`hecon.methods.lifetable.life_table`):
qx one-year death probability, px = 1 - qx survival probability, mx central death rate [1/year],
lx survivors at exact age x of a birth cohort."""


@dataclass(frozen=True)
class LifeTable:
    """General-population one-year death probabilities qx by single year of age.

    Ages past the last row keep the last row's qx. ``qx_male``/``qx_female`` always hold qx.
    A table given as another quantity (``quantity`` px, mx or lx; see
    :data:`LIFE_TABLE_QUANTITIES`) keeps the values as given in ``given_male``/``given_female``,
    so that a workbook is written back as it was read; build such a table with
    :func:`hecon.methods.lifetable.life_table`, which converts them.
    """

    name: str
    ages: tuple[int, ...]
    qx_male: tuple[float, ...]
    qx_female: tuple[float, ...]
    source: str = ""
    quantity: str = "qx"
    given_male: tuple[float, ...] = ()
    given_female: tuple[float, ...] = ()


@dataclass(frozen=True)
class ScheduleSegment:
    """Administrations every ``every_days`` days from ``start_day`` until before ``end_day``.

    ``amount`` is what each administration counts for (1 for a dose count, or a quantity).
    """

    start_day: float
    every_days: float
    end_day: float | None = None
    amount: float = 1.0


@dataclass(frozen=True)
class Schedule:
    """A dosing or visit pattern, counted per cycle by ``doses(schedule, clock)``."""

    name: str
    segments: tuple[ScheduleSegment, ...]
    description: str = ""


PERSPECTIVES = ("healthcare", "societal")
"""Perspectives of a cost category: healthcare (in both perspectives) or societal (only in the
societal perspective, e.g. productivity losses, informal care, travel)."""

BUDGET_ITEMS = (
    "eligible",
    "share",
    "drug_category",
    "sluis_per_patient",
    "sluis_total",
    "sluis_total_with_per_patient",
)
"""What a row of the budget impact inputs gives (:class:`BudgetItem`)."""
BUDGET_WORLDS = ("current", "new")
"""The two worlds a budget impact analysis compares: without and with the new strategies."""


@dataclass(frozen=True)
class BudgetItem:
    """One input of the budget impact analysis (the BudgetImpact sheet; :mod:`hecon.analysis.budget_impact`).

    item : one of :data:`BUDGET_ITEMS`:
        eligible          ``value`` patients start treatment in ``year`` (1, 2, ...) [persons]
        share             the share [0-1] of them given ``strategy`` in ``world`` (current: without
                          the new strategies; new: with them); each year's shares of a world sum to 1
        drug_category     the cost category ``category`` holds drug costs (reported apart)
        sluis_per_patient the threshold of the Dutch 'sluis' for expensive medicines on the drug
                          cost per patient per year [currency per patient per year]
        sluis_total       its threshold on the yearly drug spending [currency per year]
        sluis_total_with_per_patient  the threshold on the yearly drug spending that applies
                          together with sluis_per_patient (the per-patient criterion counts only
                          when the total also reaches it) [currency per year]
    source : where the value comes from (required for every item but drug_category)
    """

    item: str
    value: float | None = None
    year: int | None = None
    strategy: str | None = None
    world: str | None = None
    category: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Strategy:
    """A strategy: shares the states, may override parameters and transitions.

    role : one of :data:`STRATEGY_ROLES`; ``"reference"`` keeps the strategy out of the decision
           (see :data:`OPTION`); the description says why
    """

    name: str
    parameters: Mapping[str, Expr] = field(default_factory=dict)
    description: str = ""
    role: str = OPTION


@dataclass(frozen=True)
class Scenario:
    """Named overrides. Targets: ``param`` (base value), ``param[strategy]`` (a strategy's
    value) or ``settings.field``. ``sources``: target -> where its value comes from (the
    Subgroups sheet's source column; empty for scenarios)."""

    name: str
    overrides: Mapping[str, Expr]
    description: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelSpec:
    """A complete cohort model."""

    settings: Settings
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    strategies: tuple[Strategy, ...]
    parameters: tuple[Parameter, ...] = ()
    initial: Mapping[str, Expr] = field(default_factory=dict)
    transition_rewards: tuple[TransitionReward, ...] = ()
    survival_curves: tuple[SurvivalCurve, ...] = ()
    life_tables: tuple[LifeTable, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    title: str = ""
    description: str = ""
    assumptions: tuple[str, ...] = ()
    utility_norms: tuple[UtilityNorm, ...] = ()
    thresholds: tuple[ThresholdQuery, ...] = ()
    partitions: tuple[Partition, ...] = ()
    survival_points: tuple[SurvivalPoint, ...] = ()
    budget: tuple[BudgetItem, ...] = ()
    cost_perspectives: Mapping[str, str] = field(default_factory=dict)
    """Cost category -> one of :data:`PERSPECTIVES` (CostCategories sheet); empty = no perspectives
    (every cost counted), otherwise every cost category of the model must be tagged."""
    evppi_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Named groups of parameters whose joint EVPPI is estimated (EvppiGroups sheet), e.g. prices."""
    #: Subgroups: named overrides as scenarios (start age, sex mix, subgroup hazard ratios or
    #: curves, eligibility), each run and reported on its own (:mod:`hecon.analysis.run`)
    subgroups: tuple[Scenario, ...] = ()

    def state(self, name: str) -> State:
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def options(self) -> tuple[str, ...]:
        """Names of the strategies that are decision options (role ``option``), in model order."""
        return tuple(s.name for s in self.strategies if s.role == OPTION)

    @property
    def references(self) -> tuple[str, ...]:
        """Names of the reference strategies (run and reported, outside the decision)."""
        return tuple(s.name for s in self.strategies if s.role != OPTION)

    @property
    def cost_categories(self) -> tuple[str, ...]:
        """Cost categories in first-seen order (state costs, then transition rewards)."""
        names = [c for s in self.states for c in s.costs]
        names += [r.name for r in self.transition_rewards if r.kind == "cost"]
        return tuple(dict.fromkeys(names))

    @property
    def count_names(self) -> tuple[str, ...]:
        names = [c for s in self.states for c in s.counts]
        names += [r.name for r in self.transition_rewards if r.kind == "count"]
        return tuple(dict.fromkeys(names))

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for s in self.states for f in sorted(s.flags) if f != DEAD_FLAG))

    def with_parameters(self, values: Mapping[str, Expr]) -> ModelSpec:
        """A copy with the base values of the named parameters replaced."""
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        params = tuple(replace(p, value=values[p.name]) if p.name in values else p for p in self.parameters)
        return replace(self, parameters=params)
