"""Probabilistic sensitivity analysis (PSA): drawing parameter samples.

Each :class:`~hecon.model.spec.Parameter` may carry a :class:`~hecon.model.spec.Distribution`;
:func:`draw_parameters` turns those into one array of ``n_samples`` values per parameter
(the ``sample`` dimension of the model). Parameters without a distribution, or with kind
``fixed``, are not sampled: the model keeps their deterministic value.

Distributions and their arguments
---------------------------------
Arguments are numbers (``int``, ``float`` or numeric text such as ``"0.25"``), except
``transform``, or formulas of other parameters evaluated once with their deterministic values,
e.g. ``sd = (upper - lower) / 3.92`` (:mod:`hecon.model.distribution_arguments`). "unit" is the
parameter's own unit (EUR, QALY weight, per cycle, ...).
The names of a ``discrete`` distribution's arguments are its own labels.

============  ===============================================================================
kind          arguments
============  ===============================================================================
fixed         none; the parameter keeps its deterministic value
normal        ``mean`` [unit], ``sd`` [unit, >= 0]
lognormal     ``meanlog``, ``sdlog`` [log of unit; sdlog >= 0], as R's ``rlnorm``;
              or ``mean`` [unit, > 0], ``se`` [unit, >= 0] on the natural scale
beta          ``alpha``, ``beta`` [dimensionless, > 0; e.g. events and non-events];
              or ``mean`` [0-1], ``se`` [>= 0]
gamma         ``shape`` [dimensionless, > 0], ``rate`` [1/unit, > 0] as R's
              ``rgamma(shape, rate)`` (mean = shape / rate); or ``shape`` and ``scale``
              [unit, > 0] as ``rgamma(shape, scale = scale)`` (rate = 1 / scale);
              or ``mean`` [unit, > 0], ``se`` [unit, >= 0]
uniform       ``min``, ``max`` [unit, min <= max]
triangular    ``min``, ``mode``, ``max`` [unit, min <= mode <= max]
dirichlet     ``alpha`` [count, > 0]; every parameter of the ``group`` has its own alpha
              and the group's values sum to 1 in every sample
mvnormal      ``mean`` [scale of the draw]; ``cov_<name>`` for every parameter <name> of
              the ``group``, including itself (its variance): this parameter's row of the
              covariance matrix, e.g. R's ``vcov(fit)`` of a flexsurv fit (log-scale
              coefficients); optional ``transform``: ``"exp"`` returns exp of the draw
              (flexsurv's natural-scale parameters), ``"none"`` (default) the draw itself
discrete      ``<label>=<weight>`` for each alternative, in order, e.g. ``weibull=0.5;
              cure=0.5``: labels are names (letters, digits, ``_``; not starting with a
              digit), weights [dimensionless, >= 0, not all 0] are normalised to sum 1.
              A sample's value is the position of the drawn alternative (1 = first label,
              2 = second, ...); see "Structural uncertainty" below
empirical     no arguments; a table of joint draws [unit]: every parameter of the ``group``
              (one or more) has its column in ``Distribution.draws`` (a workbook's ``Draws``
              sheet), and row i of the columns is one joint draw; see "Empirical joint
              distributions" below
============  ===============================================================================

Method of moments (the ``mean``, ``se`` forms; Briggs, Claxton & Sculpher, *Decision
Modelling for Health Economic Evaluation*, OUP 2006, ch. 4):

* lognormal: sdlog^2 = log(1 + se^2 / mean^2), meanlog = log(mean) - sdlog^2 / 2
* beta: alpha = mean (mean (1 - mean) / se^2 - 1), beta = (1 - mean) (mean (1 - mean) / se^2 - 1);
  impossible unless se^2 < mean (1 - mean)
* gamma: shape = mean^2 / se^2, rate = mean / se^2

A standard error (or sd, sdlog, variance) of 0 gives exactly the mean in every sample, so
a PSA with all uncertainty switched off reproduces the deterministic run.

Structural uncertainty (discrete alternatives)
-----------------------------------------------
A ``discrete`` parameter chooses among named alternatives, e.g. two extrapolations of
progression-free survival, so that the PSA averages over model structures with the given
weights (model averaging: Jackson CH, Thompson SG, Sharples LD. Accounting for uncertainty in
health economic decision models by using model averaging. J R Stat Soc A 2009;172:383-404;
Jackson CH, Bojke L, Thompson SG, Claxton K, Sharples LD. A framework for addressing
structural uncertainty in decision models. Med Decis Making 2011;31:662-674). Expressions use
its value, the position of the alternative, e.g.
``if_else(cart_pfs_model == 2, surv_prob(pfs_cure), surv_prob(pfs_weibull))``.

* Its deterministic (base-case) value is its own ``value``, which must be a position 1..K
  (checked by :func:`check_parameters` when it is a number; a formula, e.g.
  ``if_else(x > 0, 2, 1)``, must give a position, which is not checked).
* In sample ``i`` the position is drawn by inverting the cumulative weights at one uniform
  number: position = 1 + the number of cumulative weights ``w_1, w_1 + w_2, ..., 1`` that are
  <= u, with ``u`` from ``Generator.random`` in [0, 1). An alternative of weight 0 is never drawn.
* It has no DSA range of its own: give ``dsa_low`` and ``dsa_high`` as positions (e.g. 1 and
  2: the tornado then shows alternative 1 against alternative 2), which must be whole numbers
  1..K like the value.
* :func:`discrete_alternatives` gives the labels and weights of every discrete parameter, for
  results by alternative (:mod:`hecon.analysis.psa_structural`).

Empirical joint distributions (tables of draws)
-----------------------------------------------
An ``empirical`` group takes its samples from a table of joint draws instead of a formula: a
bootstrap of patient data (:func:`hecon.evidence.bootstrap.bootstrap_fit`, or R's ``boot``),
posterior draws of a Bayesian fit, or another model's PSA. Whole rows are drawn, so the
dependence between the group's parameters is the table's, whatever its shape (a cure fraction
that is exactly 0 in some rows, skewness, a bounded range); no covariance is assumed.

* Every member of the group has the same number R of draws, all finite numbers, and
  R >= :data:`MIN_EMPIRICAL_DRAWS` (40 rows, so that the 2.5% and 97.5% quantiles fall between
  rows rather than at the table's extremes). A group of one parameter is allowed.
* Rows are drawn in passes over the table: sample ``i`` takes row ``pi_c(i mod R)``, where
  ``c = floor(i / R)`` and ``pi_c`` is a random permutation of the R rows, drawn for pass ``c``
  by the group's stream (the pass is the stream's block, see "Reproducibility"). So a PSA of
  ``n_samples = R`` uses every row exactly once (its sample means are the table's means), one of
  ``n_samples < R`` a simple random sample of rows without replacement, and one of
  ``n_samples > R`` every row ``floor(n / R)`` times plus a random sample of the others without
  replacement: the table is resampled with replacement, balanced so that no row is drawn more
  than once more than any other. Sample ``i`` depends only on ``(seed, group, i)``, as for every
  other distribution.
* Its deterministic (base-case) value is the parameter's own ``value`` (e.g. the
  maximum-likelihood fit), not the table's mean.
* Its DSA range, when ``dsa_low``/``dsa_high`` are not given, is the 2.5% and 97.5% quantiles of
  its column (linear interpolation between order statistics: numpy's default, R's
  ``quantile(type = 7)``); :func:`empirical_summary` gives them with the mean, for reports.

Reproducibility
---------------
The value of sample ``i`` of a parameter depends only on ``(seed, name, i)``:

* Every parameter has its own random stream, keyed by a stable 128-bit hash (BLAKE2b) of
  its name; a Dirichlet, multivariate-normal or empirical group has one stream keyed by its
  group name. Adding, removing or reordering parameters never changes the other parameters'
  draws (changing the members of a joint group changes that group's draws).
* Each stream is cut into blocks of :data:`BLOCK_SIZE` samples (an empirical group: of R
  samples, one pass over its table). Block ``b`` is drawn by its
  own generator, ``PCG64(SeedSequence(seed, spawn_key=(stream, *name_hash, b)))``, which is
  the ``b``-th child (``SeedSequence.spawn``) of the stream's SeedSequence. A block is
  always drawn whole and then sliced, so rejection samplers (gamma, beta) consume the same
  random numbers whatever slice is requested.
* ``draw_parameters(params, n, seed, start=k)`` draws only the blocks that overlap
  ``[k, k + n)``. Hence the PSA is identical whatever the chunking (:func:`sample_chunks`)
  or the number of workers, bit for bit.

Streams are reproducible for a given numpy version; numpy does not promise identical
beta/gamma/normal streams across its major versions, so record the numpy version with the
seed.
"""

from __future__ import annotations

import hashlib
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from hecon.model.distribution_arguments import evaluate_arguments
from hecon.model.memo import IdentityMemo
from hecon.model.problems import Element, ModelError, Problem, topic
from hecon.model.spec import Distribution, Parameter
from hecon.model.types import FloatArray

if TYPE_CHECKING:
    from scipy.stats.distributions import rv_frozen

__all__ = [
    "BLOCK_SIZE",
    "DISTRIBUTION_ARGS",
    "DISTRIBUTION_HELP",
    "JOINT_KINDS",
    "MIN_EMPIRICAL_DRAWS",
    "EmpiricalSummary",
    "check_distribution",
    "check_parameters",
    "discrete_alternatives",
    "draw_parameters",
    "dsa_bounds",
    "empirical_summary",
    "sample_chunks",
]

BLOCK_SIZE = 1024
"""Samples per independently seeded block of a parameter's stream. Changing it changes
every draw, so it is fixed."""

MIN_EMPIRICAL_DRAWS = 40
"""Fewest rows of an empirical group's table: 1 / 0.025, so that its 2.5% and 97.5% quantiles are
interpolated between rows rather than being its smallest and largest values."""

COV_PREFIX = "cov_"
TRANSFORMS = ("none", "exp")

DISTRIBUTION_ARGS: dict[str, tuple[str, ...]] = {
    "fixed": (),
    "normal": ("mean", "sd"),
    "lognormal": ("meanlog", "sdlog", "mean", "se"),
    "beta": ("alpha", "beta", "mean", "se"),
    "gamma": ("shape", "rate", "scale", "mean", "se"),
    "uniform": ("min", "max"),
    "triangular": ("min", "mode", "max"),
    "dirichlet": ("alpha",),
    # "cov_<name>" stands for one argument per member <name> of the group.
    "mvnormal": ("mean", "cov_<name>", "transform"),
    # "<label>" stands for one argument per alternative, named by its label.
    "discrete": ("<label>",),
    "empirical": (),
}
"""Distribution kind -> accepted argument names (see the module docstring for units)."""

DISTRIBUTION_HELP: dict[str, str] = {
    "fixed": "no arguments; the parameter keeps its deterministic value",
    "normal": "mean [unit], sd [unit, >= 0]",
    "lognormal": "meanlog, sdlog [log scale, as R's rlnorm]; or mean [> 0], se [natural scale]",
    "beta": "alpha, beta [> 0, e.g. events and non-events]; or mean [0-1], se",
    "gamma": "shape [> 0], rate [1/unit, > 0] (mean = shape/rate); or shape, scale [unit, > 0] "
    "(mean = shape x scale); or mean [> 0], se",
    "uniform": "min, max [unit]",
    "triangular": "min, mode, max [unit]",
    "dirichlet": "alpha [count, > 0] for each parameter of the group; values sum to 1",
    "mvnormal": (
        "mean, cov_<name> for every parameter of the group (its row of the covariance "
        "matrix, e.g. R's vcov()), optional transform 'exp'"
    ),
    "discrete": (
        "label=weight for each alternative, in order, e.g. weibull=0.5; cure=0.5 (weights >= 0, "
        "normalised to sum 1); a sample's value is the position of the drawn alternative (1, 2, ...), "
        "the base-case value is the position given as value"
    ),
    "empirical": (
        "no arguments; the group's table of joint draws: one column per parameter of the group on the Draws "
        f"sheet, headed by its name, one joint draw per row (at least {MIN_EMPIRICAL_DRAWS} rows); the PSA draws "
        "whole rows"
    ),
}
"""Distribution kind -> one line on its arguments and units, for templates and messages."""

JOINT_KINDS = ("dirichlet", "mvnormal", "empirical")
"""Kinds drawn jointly for all parameters sharing a ``group``."""

# Alternative parameterisations: kind -> tuple of argument sets (exactly one is given).
_FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "normal": (("mean", "sd"),),
    "lognormal": (("meanlog", "sdlog"), ("mean", "se")),
    "beta": (("alpha", "beta"), ("mean", "se")),
    "gamma": (("shape", "rate"), ("shape", "scale"), ("mean", "se")),
    "uniform": (("min", "max"),),
    "triangular": (("min", "mode", "max"),),
    "dirichlet": (("alpha",),),
    "mvnormal": (("mean",),),
}

_Q_LOW, _Q_HIGH = 0.025, 0.975


# --------------------------------------------------------------------------------------
# Checking and resolving one distribution
# --------------------------------------------------------------------------------------


@dataclass
class _Resolved:
    """A distribution in canonical form.

    kind : "constant" (value), "normal" (mean, sd), "lognormal" (meanlog, sdlog),
           "beta" (alpha, beta), "gamma" (shape, rate), "uniform" (min, max),
           "triangular" (min, mode, max), "dirichlet" (alpha),
           "mvnormal" (mean, var; ``cov`` holds its covariance row by parameter name),
           "discrete" (label -> weight normalised to sum 1, in the order of the alternatives),
           "empirical" (``draws``: its column of the group's table)
    """

    kind: str
    values: dict[str, float] = field(default_factory=dict)
    cov: dict[str, float] = field(default_factory=dict)  # mvnormal: other name -> covariance
    transform: str = "none"  # mvnormal only
    draws: tuple[float, ...] = ()  # empirical only


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _kind_of(dist: Distribution) -> str:
    return str(dist.kind).strip().lower()


def _to_number(raw: object) -> float | None:
    """A finite float from a number or numeric text, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, np.integer, np.floating)):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


class _Checks:
    """Problems found while resolving one parameter's distribution, and range checks that
    record a problem and say whether the argument passed."""

    def __init__(
        self, name: str, kind: str, values: dict[str, float], formulas: Mapping[str, str] | None = None
    ) -> None:
        self.where = Element("parameter", name, part="distribution")
        self.kind = kind
        self.values = values
        self.formulas = formulas or {}  # argument -> the formula its value came from
        self.problems: list[Problem] = []
        self.deferred = False  # an argument is a formula not yet evaluated

    def bad(self, what: str, expected: str = "") -> None:
        self.problems.append(Problem(self.where, what, expected))

    def shown(self, arg: str) -> str:
        """``sd = -0.1``, or ``sd = (lo - hi) / 3.92 = -0.1`` for an argument given as a formula."""
        formula = f"{self.formulas[arg]} = " if arg in self.formulas else ""
        return f"{arg} = {formula}{_fmt(self.values[arg])}"

    def nonneg(self, arg: str) -> bool:
        if self.values[arg] < 0:
            self.bad(f"{self.kind} {self.shown(arg)} is negative", f"{arg} >= 0")
            return False
        return True

    def positive(self, arg: str) -> bool:
        if self.values[arg] <= 0:
            self.bad(f"{self.kind} {self.shown(arg)} is not positive", f"{arg} > 0")
            return False
        return True


def _constant(value: float) -> _Resolved:
    return _Resolved("constant", {"value": value})


def _resolve(
    name: str, dist: Distribution, formulas: Mapping[str, str] | None = None
) -> tuple[list[Problem], _Resolved | None]:
    """Check one parameter's distribution on its own and bring it to canonical form; None
    without a problem while an argument is a formula (evaluated with the other parameters by
    :func:`hecon.model.distribution_arguments.evaluate_arguments`)."""
    kind = _kind_of(dist)
    checks = _Checks(name, kind, {}, formulas)
    if kind not in DISTRIBUTION_ARGS:
        checks.bad(f"unknown distribution kind {dist.kind!r}", "one of " + ", ".join(DISTRIBUTION_ARGS))
        return checks.problems, None
    args = dict(dist.args or {})
    draws = tuple(dist.draws or ())
    if draws and kind != "empirical":
        checks.problems.append(
            Problem(
                Element("parameter", name, part="draws"),
                f"{len(draws):,} draws are given for a {kind} distribution",
                "draws only for an empirical distribution",
            )
        )
    if kind in ("fixed", "empirical") and args:
        checks.bad(f"{kind} takes no arguments, got {', '.join(map(repr, args))}", _usage(kind))
    if kind == "fixed":
        return checks.problems, None
    if kind == "empirical":
        _check_draws(draws, checks)
        resolved = _Resolved("empirical", draws=tuple(map(float, draws))) if not checks.problems else None
        return checks.problems, resolved
    if kind == "discrete":
        resolved = _discrete(args, checks)
        return checks.problems, resolved if not checks.problems else None
    form = _arguments(kind, args, checks)
    if form is None or checks.problems:
        return checks.problems, None
    resolved = _RESOLVERS[kind](name, form, args, checks)
    return checks.problems, resolved if not checks.problems else None


def _usage(kind: str) -> str:
    return f"{kind}: {DISTRIBUTION_HELP[kind]}"


def _arguments(kind: str, args: Mapping[str, object], checks: _Checks) -> tuple[str, ...] | None:
    """Check the argument names, find the one complete parameterisation and read the numbers
    into ``checks.values``; the parameterisation used, or None when there is none."""
    numeric: list[str] = []
    for arg in args:
        if kind == "mvnormal" and arg.startswith(COV_PREFIX) and len(arg) > len(COV_PREFIX):
            numeric.append(arg)
        elif kind == "mvnormal" and arg == "transform":
            continue
        elif arg in DISTRIBUTION_ARGS[kind]:
            numeric.append(arg)
        else:
            accepted = ", ".join(repr(a) for a in DISTRIBUTION_ARGS[kind])
            checks.bad(f"{kind} has no argument {arg!r}", f"arguments {accepted}")

    forms = _FORMS[kind]
    present = set(args)
    complete = [form for form in forms if set(form) <= present]
    touched = [form for form in forms if set(form) & present]
    alternatives = " or ".join("(" + ", ".join(form) + ")" for form in forms)
    given = present & {a for form in forms for a in form}
    if not any(given <= set(form) for form in forms):
        # e.g. lognormal with meanlog and se: two parameterisations mixed (gamma's shape is in two)
        own = [a for a in args if any(a in form for form in forms)]
        checks.bad(f"{kind} arguments {', '.join(own)} mix two parameterisations", f"either {alternatives}")
        return None
    if not complete:
        form = touched[0] if touched else forms[0]
        missing = [a for a in form if a not in present]
        checks.bad(f"{kind} is missing argument{'s' if len(missing) > 1 else ''} {', '.join(missing)}", _usage(kind))
        return None
    for arg in numeric:
        value = _to_number(args[arg])
        if value is None and isinstance(args[arg], str):
            checks.deferred = True  # a formula: evaluated with the other parameters
        elif value is None:
            checks.bad(f"{kind} argument {arg} = {args[arg]!r} is not a number", "a finite number")
        else:
            checks.values[arg] = value
    return None if checks.deferred else complete[0]


_Resolver = Callable[[str, tuple[str, ...], Mapping[str, object], _Checks], "_Resolved | None"]


def _normal(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    v = c.values
    if not c.nonneg("sd"):
        return None
    return _constant(v["mean"]) if v["sd"] == 0 else _Resolved("normal", {"mean": v["mean"], "sd": v["sd"]})


def _lognormal(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    v = c.values
    if form == ("meanlog", "sdlog"):
        if not c.nonneg("sdlog"):
            return None
        if v["sdlog"] == 0:
            return _constant(math.exp(v["meanlog"]))
        return _Resolved("lognormal", {"meanlog": v["meanlog"], "sdlog": v["sdlog"]})
    if not (c.positive("mean") & c.nonneg("se")):
        return None
    if v["se"] == 0:
        return _constant(v["mean"])
    sdlog2 = math.log1p((v["se"] / v["mean"]) ** 2)
    return _Resolved("lognormal", {"meanlog": math.log(v["mean"]) - sdlog2 / 2, "sdlog": math.sqrt(sdlog2)})


def _beta(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    v = c.values
    if form == ("alpha", "beta"):
        ok = c.positive("alpha") & c.positive("beta")
        return _Resolved("beta", {"alpha": v["alpha"], "beta": v["beta"]}) if ok else None
    mean, se = v["mean"], v["se"]
    if not c.nonneg("se"):
        return None
    if se == 0:
        if 0 <= mean <= 1:
            return _constant(mean)
        c.bad(f"beta mean = {_fmt(mean)} is outside [0, 1]", "0 <= mean <= 1")
    elif not 0 < mean < 1:
        c.bad(f"beta mean = {_fmt(mean)} is outside (0, 1)", "0 < mean < 1")
    elif se**2 >= mean * (1 - mean):
        c.bad(
            f"beta with mean {_fmt(mean)} and se {_fmt(se)} is impossible: "
            f"se^2 = {_fmt(se**2)} >= mean*(1-mean) = {_fmt(mean * (1 - mean))}",
            f"se < sqrt(mean*(1-mean)) = {_fmt(math.sqrt(mean * (1 - mean)))}",
        )
    else:
        common = mean * (1 - mean) / se**2 - 1
        return _Resolved("beta", {"alpha": mean * common, "beta": (1 - mean) * common})
    return None


def _gamma(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    v = c.values
    if form == ("shape", "rate"):
        ok = c.positive("shape") & c.positive("rate")
        return _Resolved("gamma", {"shape": v["shape"], "rate": v["rate"]}) if ok else None
    if form == ("shape", "scale"):  # R's rgamma(shape, scale = s): rate = 1 / scale
        ok = c.positive("shape") & c.positive("scale")
        return _Resolved("gamma", {"shape": v["shape"], "rate": 1.0 / v["scale"]}) if ok else None
    mean, se = v["mean"], v["se"]
    if not c.nonneg("se"):
        return None
    if se == 0:
        if mean >= 0:
            return _constant(mean)
        c.bad(f"gamma mean = {_fmt(mean)} is negative", "mean >= 0")
        return None
    return _Resolved("gamma", {"shape": mean**2 / se**2, "rate": mean / se**2}) if c.positive("mean") else None


def _uniform(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    lo, hi = c.values["min"], c.values["max"]
    if lo > hi:
        c.bad(f"uniform min = {_fmt(lo)} is above max = {_fmt(hi)}", "min <= max")
        return None
    return _constant(lo) if lo == hi else _Resolved("uniform", {"min": lo, "max": hi})


def _triangular(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    lo, mode, hi = c.values["min"], c.values["mode"], c.values["max"]
    if not lo <= mode <= hi:
        c.bad(
            f"triangular min = {_fmt(lo)}, mode = {_fmt(mode)}, max = {_fmt(hi)} are out of order",
            "min <= mode <= max",
        )
        return None
    return _constant(lo) if lo == hi else _Resolved("triangular", {"min": lo, "mode": mode, "max": hi})


def _dirichlet(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    return _Resolved("dirichlet", {"alpha": c.values["alpha"]}) if c.positive("alpha") else None


def _mvnormal(name: str, form: tuple[str, ...], args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    values = c.values
    transform = str(args.get("transform", "none")).strip().lower()
    if transform not in TRANSFORMS:
        c.bad(f"mvnormal transform {args['transform']!r} is not known", "'exp' or 'none'")
    variance = COV_PREFIX + name
    if variance not in values:
        c.bad(f"mvnormal is missing argument {variance} (its variance)", _usage("mvnormal"))
    elif values[variance] < 0:
        c.bad(f"mvnormal variance {variance} = {_fmt(values[variance])} is negative", f"{variance} >= 0")
    if c.problems:
        return None
    cov = {a[len(COV_PREFIX) :]: x for a, x in values.items() if a.startswith(COV_PREFIX)}
    return _Resolved("mvnormal", {"mean": values["mean"], "var": values[variance]}, cov=cov, transform=transform)


#: The entries of each empirical column that are not finite numbers, by the column's identity: a
#: model's columns hold thousands of draws, checked once however many scenarios are compiled.
_BAD_DRAWS: IdentityMemo[tuple[int, ...]] = IdentityMemo(size=256)


def _bad_draws(draws: tuple[float, ...]) -> tuple[int, ...]:
    """The indices of the entries of ``draws`` that are not finite numbers."""
    return tuple(i for i, raw in enumerate(draws) if _to_number(raw) is None or isinstance(raw, str))


def _check_draws(draws: tuple[float, ...], c: _Checks) -> None:
    """An empirical column: at least MIN_EMPIRICAL_DRAWS finite numbers; each bad entry located by its
    index (the workbook places it at its Draws cell)."""
    if len(draws) < MIN_EMPIRICAL_DRAWS:
        c.problems.append(
            Problem(
                Element("parameter", c.where.name, part="draws"),
                f"empirical has {len(draws)} draw{'' if len(draws) == 1 else 's'}",
                f"at least {MIN_EMPIRICAL_DRAWS} rows of joint draws (a column headed by the parameter's name on "
                "the Draws sheet)",
            )
        )
    for i in _BAD_DRAWS(_bad_draws, draws):
        c.problems.append(
            Problem(
                Element("parameter", c.where.name, part="draws", index=i),
                f"empirical draw {i + 1} = {draws[i]!r} is not a finite number",
                "a finite number in every row of the group's table",
            )
        )


def _discrete(args: Mapping[str, object], c: _Checks) -> _Resolved | None:
    """Labels and weights of a discrete distribution; the weights normalised to sum 1."""
    if not args:
        c.bad("discrete has no alternatives", _usage("discrete"))
        return None
    weights: dict[str, float] = {}
    for label, raw in args.items():
        if not str(label).isidentifier():
            c.bad(
                f"discrete alternative {str(label)!r} is not a name",
                "a label of letters, digits and _ that does not start with a digit, e.g. weibull=0.5",
            )
            continue
        weight = _to_number(raw)
        if weight is None and isinstance(raw, str):
            c.deferred = True  # a formula: evaluated with the other parameters
        elif weight is None:
            c.bad(f"discrete weight {label} = {raw!r} is not a number", "a finite number >= 0")
        elif weight < 0:
            c.values[label] = weight
            c.bad(f"discrete weight {c.shown(label)} is negative", "a weight >= 0")
        else:
            weights[label] = weight
    if c.problems or c.deferred:
        return None
    total = sum(weights.values())
    if total <= 0:
        c.bad("discrete weights are all 0", "at least one weight > 0")
        return None
    return _Resolved("discrete", {label: w / total for label, w in weights.items()})


_RESOLVERS: dict[str, _Resolver] = {
    "normal": _normal,
    "lognormal": _lognormal,
    "beta": _beta,
    "gamma": _gamma,
    "uniform": _uniform,
    "triangular": _triangular,
    "dirichlet": _dirichlet,
    "mvnormal": _mvnormal,
}


def check_distribution(name: str, dist: Distribution) -> list[Problem]:
    """Problems with one parameter's distribution, checked on its own.

    Parameters
    ----------
    name : the parameter's name, used in ``Problem.where`` as ``parameter '<name>'``
    dist : its distribution

    Returns
    -------
    list of Problem, empty if the distribution is valid. Checks the kind, argument names,
    that exactly one parameterisation is complete, that arguments are finite numbers, and
    their ranges (sd >= 0, beta se^2 < mean (1 - mean), ...). What needs the other members
    of a Dirichlet or multivariate-normal group is checked by :func:`check_parameters`.

    Examples
    --------
    >>> check_distribution("u_pfs", Distribution("beta", {"mean": 0.5, "se": 0.6}))[0].what
    'beta with mean 0.5 and se 0.6 is impossible: se^2 = 0.36 >= mean*(1-mean) = 0.25'
    """
    return _resolve(name, dist)[0]


# --------------------------------------------------------------------------------------
# Checking a whole parameter list (groups)
# --------------------------------------------------------------------------------------


@dataclass
class _Group:
    name: str
    kind: str
    members: list[str]  # sorted by name: the column order of the joint draw
    resolved: dict[str, _Resolved]
    cov: FloatArray | None = None  # mvnormal covariance, rows/columns as members


def _analyse(parameters: Sequence[Parameter]) -> tuple[list[Problem], dict[str, _Resolved], dict[str, _Group]]:
    """Check all parameters; resolved independent distributions and joint groups."""
    evaluated = evaluate_arguments(parameters)
    parameters = evaluated.parameters
    problems: list[Problem] = list(evaluated.problems)
    single: dict[str, _Resolved] = {}
    by_group: dict[str, list[str]] = {}  # group -> names of its members
    kind_of: dict[str, str] = {}  # parameter -> its distribution kind
    resolved: dict[str, _Resolved] = {}
    seen: set[str] = set()

    for p in parameters:
        where = Element("parameter", p.name, part="group")
        if p.name in seen:
            problems.append(
                Problem(
                    Element("parameter", p.name, part="name"), "is defined more than once", "unique parameter names"
                )
            )
            continue
        seen.add(p.name)
        if p.distribution is None:
            continue
        dist = p.distribution
        kind = kind_of[p.name] = _kind_of(dist)
        found: list[Problem] = []
        res: _Resolved | None = None
        if p.name not in evaluated.failed:  # a failed formula argument is reported; nothing to resolve
            found, res = _resolve(p.name, dist, evaluated.formulas.get(p.name))
        problems += found
        group = dist.group.strip() if isinstance(dist.group, str) and dist.group.strip() else None
        if kind in JOINT_KINDS:
            if group is None:
                problems.append(
                    Problem(where, f"{kind} needs a group", "the same group name on every parameter drawn jointly")
                )
                continue
            by_group.setdefault(group, []).append(p.name)
        elif group is not None and kind in DISTRIBUTION_ARGS:
            problems.append(
                Problem(
                    where,
                    f"group {group!r} is given for a {kind} distribution, which is drawn independently",
                    "a group only for " + " or ".join(JOINT_KINDS),
                )
            )
        if res is not None:
            (resolved if kind in JOINT_KINDS else single)[p.name] = res
            if res.kind == "discrete":
                problems += _position_problems(p, list(res.values))

    groups: dict[str, _Group] = {}
    for gname, names in by_group.items():
        first = Element("parameter", names[0], part="group")
        kinds = {kind_of[n] for n in names}
        if len(kinds) > 1:
            detail = ", ".join(f"'{n}' {kind_of[n]}" for n in names)
            problems.append(
                Problem(first, f"group {gname!r} mixes distribution kinds ({detail})", "one kind per group")
            )
            continue
        kind = kinds.pop()
        if len(names) < 2 and kind != "empirical":
            problems.append(
                Problem(first, f"{kind} group {gname!r} has only this parameter", "two or more parameters in the group")
            )
            continue
        if any(n not in resolved for n in names):
            continue  # members' own problems are already reported
        joint = _Group(gname, kind, sorted(names), {n: resolved[n] for n in names})
        if kind == "mvnormal":
            found, cov = _covariance(gname, names, joint.members, joint.resolved)
            problems += found
            joint.cov = cov
        if kind == "empirical":
            found = _table_problems(gname, names, joint.resolved)
            if found:
                problems += found
                continue
        groups[gname] = joint
    return problems, single, groups


def _table_problems(gname: str, names: list[str], resolved: dict[str, _Resolved]) -> list[Problem]:
    """An empirical group's columns must be rows of one table: the same number of draws."""
    rows = len(resolved[names[0]].draws)
    return [
        Problem(
            Element("parameter", n, part="draws"),
            f"empirical group {gname!r}: '{n}' has {len(resolved[n].draws):,} draws, '{names[0]}' {rows:,}",
            "the same number of draws (rows of the table) for every parameter of the group",
        )
        for n in names[1:]
        if len(resolved[n].draws) != rows
    ]


def _position_problems(p: Parameter, labels: list[str]) -> list[Problem]:
    """A discrete parameter's value, dsa_low and dsa_high must be positions 1..K of its
    alternatives; a value that is a formula (e.g. as one-way sensitivity analysis rewrites it,
    :mod:`hecon.analysis.variations`) is the modeller's to get right."""
    k = len(labels)
    shown = ", ".join(f"{i} = {label}" for i, label in enumerate(labels, start=1))
    expected = f"a position from 1 to {k} ({shown})"
    out = []
    for part, raw in (("value", p.value), ("dsa_low", p.dsa_low), ("dsa_high", p.dsa_high)):
        number = _to_number(raw)
        if number is not None and (number != int(number) or not 1 <= number <= k):
            where = Element("parameter", p.name, part=part)
            out.append(Problem(where, f"the {part} {_fmt(number)} is not the position of an alternative", expected))
    return out


def _covariance(
    gname: str, names: list[str], order: list[str], resolved: dict[str, _Resolved]
) -> tuple[list[Problem], FloatArray | None]:
    """The covariance matrix of an mvnormal group, checked: complete, symmetric, PSD."""
    problems: list[Problem] = []
    member_set = set(names)
    for n in names:
        row = resolved[n].cov
        missing = [m for m in names if m not in row]
        extra = [m for m in row if m not in member_set]
        where = Element("parameter", n, part="covariance")
        if missing:
            problems.append(
                Problem(
                    where,
                    f"mvnormal group {gname!r} has no covariance with "
                    + ", ".join(f"'{m}' ({COV_PREFIX}{m})" for m in missing),
                    "one cov_<name> argument for every parameter of the group",
                )
            )
        if extra:
            problems.append(
                Problem(
                    where,
                    "covariance given with "
                    + ", ".join(f"'{m}'" for m in extra)
                    + f", which {'is' if len(extra) == 1 else 'are'} not in mvnormal group {gname!r}",
                    "members " + ", ".join(repr(m) for m in names),
                )
            )
    if problems:
        return problems, None

    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ab, ba = resolved[a].cov[b], resolved[b].cov[a]
            scale = math.sqrt(resolved[a].cov[a] * resolved[b].cov[b])
            if abs(ab - ba) > 1e-6 * max(scale, abs(ab), abs(ba)):
                problems.append(
                    Problem(
                        Element("parameter", a, part="covariance"),
                        f"covariance matrix of mvnormal group {gname!r} is not symmetric: "
                        f"'{a}' has {COV_PREFIX}{b} = {_fmt(ab)} but '{b}' has {COV_PREFIX}{a} = {_fmt(ba)}",
                        "equal covariances both ways, as in R's vcov()",
                    )
                )
    if problems:
        return problems, None

    k = len(order)
    cov = np.empty((k, k))
    for i, a in enumerate(order):
        for j, b in enumerate(order):
            cov[i, j] = 0.5 * (resolved[a].cov[b] + resolved[b].cov[a])
    eig = np.linalg.eigvalsh(cov)
    if eig[0] < -1e-10 * max(abs(eig[-1]), abs(eig[0])):
        listing = ", ".join(repr(n) for n in names)
        hints = []
        for i, a in enumerate(order):
            for j in range(i + 1, k):
                limit = math.sqrt(cov[i, i] * cov[j, j])
                if abs(cov[i, j]) > limit * (1 + 1e-12):
                    hints.append(
                        f"|cov('{a}', '{order[j]}')| = {_fmt(abs(cov[i, j]))} exceeds sqrt(var * var) = {_fmt(limit)}"
                    )
        detail = f"smallest eigenvalue {_fmt(eig[0])}" + ("; " + "; ".join(hints) if hints else "")
        problems.append(
            Problem(
                Element("parameter", names[0], part="covariance"),
                f"covariance matrix of mvnormal group {gname!r} (parameters {listing}) "
                f"is not positive semi-definite: {detail}",
                "a symmetric positive semi-definite matrix such as R's vcov(fit)",
            )
        )
        return problems, None
    return problems, cov


def check_parameters(parameters: Sequence[Parameter]) -> list[Problem]:
    """All problems with the PSA distributions of a parameter list, groups included.

    Adds to :func:`check_distribution`: unique names; a group on every Dirichlet,
    multivariate-normal and empirical parameter, one kind per group and at least two members
    (one is enough for empirical); for mvnormal a complete, symmetric (relative tolerance
    1e-6), positive semi-definite covariance matrix; for empirical the same number of draws
    for every member.
    """
    return _analyse(parameters)[0]


# --------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------


def _name_key(tag: int, name: str) -> tuple[int, ...]:
    """Stable stream key: a tag (0 parameter, 1 group) and 4 x 32 bits of BLAKE2b(name)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return (tag,) + tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def _draw_stream(
    seed: int,
    key: tuple[int, ...],
    start: int,
    n: int,
    draw_block: Callable[[np.random.Generator], FloatArray],
    block_size: int = BLOCK_SIZE,
) -> FloatArray:
    """Samples [start, start + n) of a stream made of independently seeded blocks of ``block_size``."""
    first, last = start // block_size, (start + n - 1) // block_size
    blocks = [
        draw_block(np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key + (b,)))))
        for b in range(first, last + 1)
    ]
    offset = start - first * block_size
    return np.concatenate(blocks, axis=0)[offset : offset + n]


def _block_drawer(res: _Resolved) -> Callable[[np.random.Generator], FloatArray]:
    v, size = res.values, BLOCK_SIZE
    if res.kind == "normal":
        return lambda rng: rng.normal(v["mean"], v["sd"], size)
    if res.kind == "lognormal":
        return lambda rng: rng.lognormal(v["meanlog"], v["sdlog"], size)
    if res.kind == "beta":
        return lambda rng: rng.beta(v["alpha"], v["beta"], size)
    if res.kind == "gamma":
        return lambda rng: rng.gamma(v["shape"], 1.0 / v["rate"], size)
    if res.kind == "uniform":
        return lambda rng: rng.uniform(v["min"], v["max"], size)
    if res.kind == "triangular":
        return lambda rng: rng.triangular(v["min"], v["mode"], v["max"], size)
    if res.kind == "discrete":
        cumulative = np.cumsum(list(v.values()))
        cumulative /= cumulative[-1]  # exactly 1 at the end, so every u in [0, 1) finds a position
        return lambda rng: (np.searchsorted(cumulative, rng.random(size), side="right") + 1).astype(float)
    raise AssertionError(res.kind)  # pragma: no cover


def _psd_factor(cov: FloatArray) -> FloatArray:
    """Lower-triangular L with L L^T = cov, for a positive semi-definite cov.

    Plain Cholesky, except that a pivot at or below 1e-12 x the largest variance gives a
    zero column (degenerate directions, e.g. a zero variance). Unlike an eigen- or SVD-based
    factor it is unique, so the draws do not depend on the LAPACK build.
    """
    k = len(cov)
    low = np.zeros((k, k))
    tol = 1e-12 * float(np.max(np.diag(cov), initial=0.0))
    for j in range(k):
        pivot = cov[j, j] - float(np.dot(low[j, :j], low[j, :j]))
        if pivot <= tol:
            continue
        low[j, j] = math.sqrt(pivot)
        for i in range(j + 1, k):
            low[i, j] = (cov[i, j] - float(np.dot(low[i, :j], low[j, :j]))) / low[j, j]
    return low


def _group_drawer(group: _Group) -> Callable[[np.random.Generator], FloatArray]:
    """A block drawer returning (BLOCK_SIZE, n_members), columns in group.members order."""
    if group.kind == "dirichlet":
        alpha = np.array([group.resolved[m].values["alpha"] for m in group.members])
        return lambda rng: rng.dirichlet(alpha, BLOCK_SIZE)
    if group.kind == "empirical":  # one block = one pass over the table, its rows in random order
        table = np.column_stack([np.asarray(group.resolved[m].draws) for m in group.members])
        return lambda rng: table[rng.permutation(len(table))]

    assert group.cov is not None
    low = _psd_factor(group.cov)
    mean = [group.resolved[m].values["mean"] for m in group.members]
    k = len(mean)

    def draw(rng: np.random.Generator) -> FloatArray:
        z = rng.standard_normal((BLOCK_SIZE, k))
        out = np.empty((BLOCK_SIZE, k))
        for i in range(k):  # explicit sums in a fixed order: no BLAS-dependent rounding
            x = np.zeros(BLOCK_SIZE)
            for j in range(i + 1):
                x += z[:, j] * low[i, j]
            out[:, i] = mean[i] + x
        return out

    return draw


def _check_int(value: object, label: str, minimum: int) -> tuple[int | None, Problem | None]:
    try:
        number = operator.index(value)  # type: ignore[arg-type]  # any object; non-integers raise TypeError
    except TypeError:
        return None, Problem(
            topic("PSA settings"), f"{label} = {value!r} is not an integer", f"an integer >= {minimum}"
        )
    if number < minimum:
        return None, Problem(
            topic("PSA settings"), f"{label} = {number} is below {minimum}", f"an integer >= {minimum}"
        )
    return number, None


def draw_parameters(
    parameters: Sequence[Parameter], n_samples: int, seed: int, *, start: int = 0
) -> dict[str, FloatArray]:
    """Draw PSA samples ``start, ..., start + n_samples - 1`` of every sampled parameter.

    Parameters
    ----------
    parameters : the model's parameters; those with ``distribution=None`` or kind
                 ``fixed`` are skipped (the model keeps their deterministic value)
    n_samples  : number of samples to draw [>= 0]
    seed       : PSA seed [non-negative integer], e.g. ``Settings.seed``
    start      : index of the first sample [>= 0]; chunks of one PSA share the seed and
                 differ in ``start`` (see :func:`sample_chunks`)

    Returns
    -------
    dict parameter name -> float64 array of shape (n_samples,), in the order of
    ``parameters``. Values are in the parameter's own unit (after ``transform`` for
    mvnormal).

    Raises
    ------
    ModelError
        with every problem found (:func:`check_parameters`), or a bad n_samples, seed or start.

    Notes
    -----
    Sample ``i`` depends only on ``(seed, name, i)`` (the module docstring explains how),
    so ``draw_parameters(ps, n, seed)`` equals the concatenation of
    ``draw_parameters(ps, stop - lo, seed, start=lo)`` over ``sample_chunks(n, size)``.

    Examples
    --------
    >>> p = Parameter("c_visit", 100.0, distribution=Distribution("gamma", {"mean": 100, "se": 20}))
    >>> draw_parameters([p], 3, seed=1)["c_visit"].shape
    (3,)
    """
    checks = [
        _check_int(n_samples, "n_samples", 0),
        _check_int(seed, "seed", 0),
        _check_int(start, "start", 0),
    ]
    bad_settings = [p for _, p in checks if p is not None]
    problems, single, groups = _analyse(parameters)
    if bad_settings or problems:
        raise ModelError(bad_settings + problems)
    n, seed_, start_ = (c[0] for c in checks)
    assert n is not None and seed_ is not None and start_ is not None

    drawn: dict[str, FloatArray] = {}
    for name, res in single.items():
        if n == 0:
            drawn[name] = np.empty(0)
        elif res.kind == "constant":
            drawn[name] = np.full(n, res.values["value"])
        else:
            drawn[name] = _draw_stream(seed_, _name_key(0, name), start_, n, _block_drawer(res))
    for gname, group in groups.items():
        if n == 0:
            joint = np.empty((0, len(group.members)))
        else:
            block = len(group.resolved[group.members[0]].draws) if group.kind == "empirical" else BLOCK_SIZE
            joint = _draw_stream(seed_, _name_key(1, gname), start_, n, _group_drawer(group), block)
        for col, name in enumerate(group.members):
            values = np.ascontiguousarray(joint[:, col])
            if group.resolved[name].transform == "exp":
                values = np.exp(values)
            drawn[name] = values

    order = [p.name for p in parameters if p.name in drawn]
    return {name: drawn[name] for name in dict.fromkeys(order)}


def sample_chunks(n_samples: int, chunk_size: int) -> list[tuple[int, int]]:
    """Split samples ``0 .. n_samples - 1`` into consecutive chunks.

    Parameters
    ----------
    n_samples  : total number of PSA samples [>= 0]
    chunk_size : samples per chunk [>= 1]; the last chunk may be shorter

    Returns
    -------
    list of half-open ``(start, stop)`` ranges covering ``[0, n_samples)``; draw a chunk
    with ``draw_parameters(params, stop - start, seed, start=start)``. Chunk sizes that
    are multiples of :data:`BLOCK_SIZE` avoid drawing a block twice.

    Examples
    --------
    >>> sample_chunks(5, 2)
    [(0, 2), (2, 4), (4, 5)]
    """
    checks = [_check_int(n_samples, "n_samples", 0), _check_int(chunk_size, "chunk_size", 1)]
    bad = [p for _, p in checks if p is not None]
    if bad:
        raise ModelError(bad)
    n, size = (c[0] for c in checks)
    assert n is not None and size is not None
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def _quantiles(res: _Resolved, qs: tuple[float, float]) -> tuple[float, float]:
    from scipy import stats  # local: scipy is only needed for DSA ranges

    v = res.values
    frozen: rv_frozen
    if res.kind == "constant":
        return v["value"], v["value"]
    if res.kind == "empirical":
        lo, hi = np.quantile(np.asarray(res.draws), qs)
        return float(lo), float(hi)
    if res.kind == "normal":
        frozen = stats.norm(loc=v["mean"], scale=v["sd"])
    elif res.kind == "lognormal":
        frozen = stats.lognorm(s=v["sdlog"], scale=math.exp(v["meanlog"]))
    elif res.kind == "beta":
        frozen = stats.beta(v["alpha"], v["beta"])
    elif res.kind == "gamma":
        frozen = stats.gamma(v["shape"], scale=1.0 / v["rate"])
    elif res.kind == "uniform":
        frozen = stats.uniform(loc=v["min"], scale=v["max"] - v["min"])
    elif res.kind == "triangular":
        width = v["max"] - v["min"]
        frozen = stats.triang((v["mode"] - v["min"]) / width, loc=v["min"], scale=width)
    else:  # mvnormal marginal: normal(mean, sqrt(variance)), then the transform
        sd = math.sqrt(v["var"])
        lo, hi = (v["mean"], v["mean"]) if sd == 0 else stats.norm(v["mean"], sd).ppf(qs)
        if res.transform == "exp":
            return math.exp(lo), math.exp(hi)
        return float(lo), float(hi)
    lo, hi = frozen.ppf(qs)
    return float(lo), float(hi)


def dsa_bounds(parameter: Parameter, model: Sequence[Parameter] = ()) -> tuple[float, float]:
    """Low and high values of a parameter for deterministic sensitivity analysis.

    Parameters
    ----------
    parameter : a parameter with ``dsa_low``/``dsa_high`` and/or a distribution
    model     : the model's parameters, read by distribution arguments given as formulas

    Returns
    -------
    (low, high) in the parameter's unit: ``dsa_low`` and ``dsa_high`` where given, otherwise
    the 2.5% and 97.5% quantiles of its PSA distribution (for mvnormal, of its marginal
    normal, then ``transform``; for empirical, of its column of draws).

    Raises
    ------
    ModelError
        if a bound is missing and there is no usable distribution (none, ``fixed``, an invalid
        one, ``dirichlet``, whose marginal needs the whole group, or ``discrete``, whose
        alternatives are compared only as the user chooses: give dsa_low/dsa_high).

    Examples
    --------
    >>> dsa_bounds(Parameter("p", 0.3, distribution=Distribution("uniform", {"min": 0, "max": 1})))
    (0.025, 0.975)
    """
    low, high = parameter.dsa_low, parameter.dsa_high
    if low is not None and high is not None:
        return float(low), float(high)
    where = Element("parameter", parameter.name, part="dsa")
    dist = parameter.distribution
    if dist is None or _kind_of(dist) == "fixed":
        raise ModelError(
            Problem(where, "has no DSA range and no distribution", "dsa_low and dsa_high, or a PSA distribution")
        )
    kind = _kind_of(dist)
    if kind == "dirichlet":
        raise ModelError(
            Problem(
                where,
                "has no DSA range; a dirichlet marginal depends on the whole group",
                "dsa_low and dsa_high",
            )
        )
    if kind == "discrete":
        raise ModelError(
            Problem(
                where,
                "has no DSA range of its own; a discrete parameter switches between alternatives",
                "both dsa_low and dsa_high: the positions of the two alternatives to compare, e.g. 1 and 2",
            )
        )
    evaluated = evaluate_arguments([parameter], model or [parameter])
    if evaluated.problems:
        raise ModelError(evaluated.problems)
    dist = evaluated.parameters[0].distribution
    assert dist is not None
    problems, res = _resolve(parameter.name, dist, evaluated.formulas.get(parameter.name))
    if problems or res is None:
        raise ModelError(problems)
    q_low, q_high = _quantiles(res, (_Q_LOW, _Q_HIGH))
    return (float(low) if low is not None else q_low, float(high) if high is not None else q_high)


def discrete_alternatives(parameters: Sequence[Parameter]) -> dict[str, dict[str, float]]:
    """The alternatives of every ``discrete`` parameter, for results by alternative.

    Parameters
    ----------
    parameters : the model's parameters (others than discrete ones are ignored)

    Returns
    -------
    dict parameter name -> {label: weight}, parameters in the order given and labels in the
    order of their positions (the first label is position 1); weights normalised to sum 1.

    Raises
    ------
    ModelError
        with the problems of any discrete distribution (:func:`check_distribution`).

    Examples
    --------
    >>> p = Parameter("pfs_model", 1, distribution=Distribution("discrete", {"weibull": 3, "cure": 1}))
    >>> discrete_alternatives([p])
    {'pfs_model': {'weibull': 0.75, 'cure': 0.25}}
    """
    discrete = [p for p in parameters if p.distribution is not None and _kind_of(p.distribution) == "discrete"]
    evaluated = evaluate_arguments(discrete, parameters)
    problems: list[Problem] = list(evaluated.problems)
    out: dict[str, dict[str, float]] = {}
    for p in evaluated.parameters:
        if p.distribution is None or p.name in evaluated.failed:
            continue
        found, res = _resolve(p.name, p.distribution, evaluated.formulas.get(p.name))
        problems += found
        if res is not None:
            out[p.name] = dict(res.values)
    if problems:
        raise ModelError(problems)
    return out


@dataclass(frozen=True)
class EmpiricalSummary:
    """The column of one parameter of an empirical group, summarised for reports.

    rows : number of joint draws (rows of the group's table)
    mean : their mean [the parameter's unit]
    low, high : their 2.5% and 97.5% quantiles (linear interpolation, R's ``quantile(type = 7)``)
    """

    rows: int
    mean: float
    low: float
    high: float


def empirical_summary(dist: Distribution) -> EmpiricalSummary:
    """Rows, mean and 2.5%/97.5% quantiles of an empirical distribution's draws.

    Raises
    ------
    ModelError
        if ``dist`` is not an empirical distribution with valid draws.

    Examples
    --------
    >>> empirical_summary(Distribution("empirical", group="g", draws=tuple(float(i) for i in range(41))))
    EmpiricalSummary(rows=41, mean=20.0, low=1.0, high=39.0)
    """
    problems, res = _resolve("empirical", dist)
    if res is None or res.kind != "empirical":
        raise ModelError(
            problems or [Problem(topic("PSA"), f"a {dist.kind} distribution has no draws", "an empirical distribution")]
        )
    column = np.asarray(res.draws)
    low, high = np.quantile(column, (_Q_LOW, _Q_HIGH))
    return EmpiricalSummary(len(column), float(np.mean(column)), float(low), float(high))
