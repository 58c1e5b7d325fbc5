"""Survival curves fitted to the published survival points (issue 13, step 1).

Each curve of :data:`FITTED` is derived, never typed in: the SurvivalPoints rows of its strategy,
endpoint and population (every landmark and median the source gives, and its number of patients;
:func:`hecon.examples.rrmm.survival.survival_points`) are turned into patients by a landmark
reconstruction: a survival curve with a constant hazard between the published points
(:func:`hecon.evidence.published_points.guyot_inputs`) and only the number of patients at time 0, whose
events are placed by the event-allocation step of Guyot's algorithm
(:func:`hecon.evidence.guyot.reconstruct_ipd`). It is not a Guyot reconstruction of a Kaplan-Meier figure
(no digitised curve, no numbers at risk over time): the patients carry no information beyond the points.
Every distribution of
:func:`hecon.evidence.fit.fit_all` is fitted by maximum likelihood, and the chosen one becomes
Parameters rows with their PSA distribution (:func:`hecon.evidence.outputs.workbook_rows`:
lognormal for an exponential rate, sdlog = 1/sqrt(events)). The mixture cure Weibull fits' PSA
distribution is the table of their bootstrap refits (one ``empirical`` group for PFS and OS, theta on
[0, 1]; :mod:`hecon.examples.rrmm.bootstrap_draws` says why and how they were made).

Cilta-cel's OS cure fit takes PFS's cure fraction (``cure_given``): the cured never progress, so they are
cured in both endpoints; OS's uncured Weibull is fitted to the OS points given that theta
(:func:`hecon.evidence.cure_given.fit_uncured_given_cure_fraction`). A freely fitted OS cure fraction
(34.5% against PFS's 11.7%, from three OS points) left a quarter of the infused alive in progression at
general-population mortality (about 50 months alive in progression per infused patient), whereas Van Oekelen's
patients relapsing after CAR-T had a median survival of 17.9 months (Blood 2023).
``tests/examples/test_rrmm_fits.py`` re-derives the fits from the published points with the
library functions and checks that the example's values are theirs.

Family choice (NICE DSU TSD 14): every curve here is known only up to its last published point
(a median or a landmark; no Kaplan-Meier figure with numbers at risk over time has been sourced,
mm-inputs §2.6 and §12), so the data identify little more than the average hazard up to that
point. For cilta-cel PFS the points reach 5 years (32/97 alive and progression-free, Jagannath, JCO
2025, entered as PFS(60) = 32/97); the exponential and the mixture cure Weibull are both kept, the
choice being the PSA's discrete parameter ``cart_pfs_plateau`` (:func:`aic_table` gives every
family's AIC).

Sources: the published points (their rows name them); Guyot et al., BMC Med Res Methodol 2012;12:9 (the
event-allocation step);
flexsurv parameterisations (Jackson, J Stat Softw 2016;70(8)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from hecon.evidence.cure_given import ConditionalCureFit, fit_uncured_given_cure_fraction
from hecon.evidence.fit import SurvivalFit, fit_all
from hecon.evidence.guyot import reconstruct_ipd
from hecon.evidence.ipd import ArmData, arm_data
from hecon.evidence.outputs import workbook_rows
from hecon.evidence.published_points import guyot_inputs, select_points
from hecon.examples.rrmm.bootstrap_draws import N_BOOT, SEED, cure_draws
from hecon.examples.rrmm.strategies import BSAB, CART, RWPC
from hecon.examples.rrmm.survival import survival_points
from hecon.model.spec import Distribution, Parameter

TIME_UNIT = "months"


@dataclass(frozen=True)
class FittedCurve:
    """One fitted curve of the example.

    prefix   : start of its parameter names (``<prefix>_<family>_<parameter>``)
    strategy : the strategy whose SurvivalPoints rows are fitted
    endpoint : PFS, OS or TTD (time to treatment discontinuation)
    chosen   : the flexsurv family used (the cure alternative, if any, is also put in)
    cure     : True when the mixture cure Weibull is put in as the structural alternative
    reason   : why this family (in the parameters' source text)
    cure_given: prefix of the curve whose cure fraction the cure fit takes ("" = its own, fitted)
    """

    prefix: str
    strategy: str
    endpoint: str
    chosen: str
    cure: bool
    reason: str
    cure_given: str = ""


_ONE_POINT = "one median is all the source gives: it identifies one parameter (exponential, lowest AIC)"
FITTED: tuple[FittedCurve, ...] = (
    FittedCurve("pfs_rwpc", RWPC, "PFS", "exp", False, _ONE_POINT),
    FittedCurve("os_rwpc", RWPC, "OS", "exp", False, _ONE_POINT),
    FittedCurve(
        "pfs_cilta",
        CART,
        "PFS",
        "exp",
        True,
        "exponential and mixture cure Weibull fitted through PFS(12), PFS(24), the median and PFS(60) = 32/97; "
        "the two are the structural alternatives without and with a plateau",
    ),
    FittedCurve(
        "os_cilta",
        CART,
        "OS",
        "exp",
        True,
        "exponential (lowest AIC) fitted through OS(12), OS(36) and the median; with the PFS plateau "
        "(the plateau alternative) a mixture cure Weibull whose cure fraction is PFS's (the cured are progression-free) "
        "and whose uncured part is fitted to the same OS points given it",
        cure_given="pfs_cilta",
    ),
    FittedCurve("pfs_tec", BSAB, "PFS", "exp", False, _ONE_POINT),
    FittedCurve("os_tec", BSAB, "OS", "exp", False, _ONE_POINT),
    FittedCurve("ttd_tec", BSAB, "TTD", "exp", False, _ONE_POINT),
)


def reconstructed(strategy: str, endpoint: str) -> ArmData:
    """Patients [months] reconstructed from the published points of ``strategy`` and ``endpoint``."""
    points = survival_points()
    indices = select_points(points, strategy, endpoint)
    curve, at_risk = guyot_inputs(points, indices, time_unit=TIME_UNIT)
    ipd = reconstruct_ipd(curve, at_risk)
    cited = "; ".join(dict.fromkeys(_citation(points[i].source) for i in indices))
    return arm_data(ipd.time, ipd.event, source=f"the published {endpoint} points of {strategy} ({cited})")


def _citation(source: str) -> str:
    """A point's source without its tag and detail: ``P: Mateos et al., Leukemia 2024;38(12):2554 (LocoMMotion
    ...)`` -> ``Mateos et al., Leukemia 2024;38(12):2554``."""
    text = source.split(": ", 1)[1] if source[:3] in ("P: ", "V: ", "A: ", "D: ", "G: ") else source
    return text.split(" (")[0].split(": ")[0].strip()


@cache
def all_fits(prefix: str) -> tuple[SurvivalFit, ...]:
    """Every distribution (and the cure models) fitted to the curve ``prefix`` of :data:`FITTED`."""
    spec = _spec(prefix)
    return fit_all([reconstructed(spec.strategy, spec.endpoint)], time_unit=TIME_UNIT)


def chosen_fits(prefix: str) -> tuple[SurvivalFit, ...]:
    """The chosen fit of curve ``prefix``, then its Weibull cure alternative when it has one."""
    spec = _spec(prefix)
    fits = all_fits(prefix)
    out = [next(f for f in fits if f.distribution == spec.chosen and not f.cure)]
    if spec.cure and not spec.cure_given:
        out.append(next(f for f in fits if f.distribution == "weibull" and f.cure))
    if not all(f.converged for f in out):
        raise RuntimeError(f"a chosen fit of {prefix} did not converge")
    return tuple(out)


@cache
def tied_cure_fit(prefix: str) -> ConditionalCureFit:
    """The cure fit of curve ``prefix`` at the cure fraction of the curve it takes it from (``cure_given``):
    that curve's maximum-likelihood theta, the uncured Weibull fitted to this curve's patients."""
    spec = _spec(prefix)
    theta = chosen_fits(spec.cure_given)[-1].estimates["theta"]
    data = reconstructed(spec.strategy, spec.endpoint)
    fit = fit_uncured_given_cure_fraction(data, "weibull", theta, time_unit=TIME_UNIT)
    if not fit.converged:
        raise RuntimeError(f"the cure fit of {prefix} given the cure fraction of {spec.cure_given} did not converge")
    return fit


def aic_table() -> dict[str, dict[str, float]]:
    """Curve prefix -> family label -> AIC, for the converged fits (for docs and tests)."""
    return {c.prefix: {f.label: f.aic for f in all_fits(c.prefix) if f.converged} for c in FITTED}


def parameters() -> list[Parameter]:
    """Parameters rows of the chosen fits, with their PSA distributions (tag D)."""
    rows: list[Parameter] = []
    for spec in FITTED:
        fits = chosen_fits(spec.prefix)
        best = min(f.aic for f in all_fits(spec.prefix) if f.converged)
        if spec.cure_given:
            rows += _tied_cure_rows(spec)
        for fit in fits:
            if fit.cure:
                rows += _cure_rows(spec, fit, best)
                continue
            for row in workbook_rows([fit], prefix=spec.prefix).parameters:
                rows.append(
                    Parameter(
                        str(row["name"]),
                        float(row["value"]),  # type: ignore[arg-type]
                        str(row["unit"]),
                        f"{row['description']}; {spec.endpoint} of {spec.strategy}",
                        f"D: {row['source']}; lowest AIC of all families {best:.2f}; choice: {spec.reason}",
                        _distribution(str(row["distribution"]), str(row["distribution_args"]), row["group"]),
                    )
                )
    return rows


def _cure_rows(spec: FittedCurve, fit: SurvivalFit, best: float) -> list[Parameter]:
    """The mixture cure Weibull's theta, shape and scale at the maximum-likelihood fit, drawn in the PSA
    as one empirical group: the bootstrap refits of :mod:`hecon.examples.rrmm.bootstrap_draws`."""
    draws = cure_draws(spec.prefix)
    zero = sum(theta == 0.0 for theta in draws["theta"])
    source = (
        f"D: {fit.label} fitted by maximum likelihood to the patients reconstructed from the published "
        f"{spec.endpoint} points of {spec.strategy} (n = {fit.n}, events = {fit.events}, AIC {fit.aic:.2f}; lowest "
        f"AIC of all families {best:.2f}); choice: {spec.reason}. PSA: {N_BOOT:,} bootstrap refits of the "
        f"resampled patients (seed {SEED}; {zero} with the cure fraction at 0, kept as 0), on the Draws sheet"
    )
    return _cure_parameters(spec, fit.estimates, source, ("theta", "shape", "scale"))


def _tied_cure_rows(spec: FittedCurve) -> list[Parameter]:
    """Shape and scale of the uncured part of a cure fit that takes its cure fraction from another curve,
    drawn with that curve's bootstrap refits (the same resamples; one empirical group)."""
    fit = tied_cure_fit(spec.prefix)
    source = (
        f"D: uncured Weibull of a mixture cure model fitted by maximum likelihood to the patients reconstructed "
        f"from the published {spec.endpoint} points of {spec.strategy}, at the cure fraction of {spec.cure_given} "
        f"(theta = {fit.theta:.4f}: the cured are progression-free, so they are the same patients); choice: "
        f"{spec.reason}. PSA: {N_BOOT:,} bootstrap refits, each on the same resample as {spec.cure_given}'s "
        f"replicate and at its cure fraction (seed {SEED}), on the Draws sheet"
    )
    return _cure_parameters(spec, fit.estimates, source, ("shape", "scale"))


def _cure_parameters(
    spec: FittedCurve, estimates: Mapping[str, float], source: str, which: tuple[str, ...]
) -> list[Parameter]:
    names = cure_names(spec.prefix)
    draws = cure_draws(spec.prefix)
    units = {"theta": "share", "shape": "shape", "scale": TIME_UNIT}
    what = {"theta": "cure fraction", "shape": "shape (uncured)", "scale": "scale (uncured)"}
    return [
        Parameter(
            names[p],
            estimates[p],
            units[p],
            f"weibull cure {what[p]}, {spec.endpoint} of {spec.strategy} (flexsurv parameterisation)",
            source,
            Distribution("empirical", group=CURE_GROUP, draws=draws[p]),
        )
        for p in which
    ]


def _distribution(kind: str, args: str, group: object) -> Distribution:
    parsed: dict[str, float | str] = {}
    for item in args.split(";"):
        key, value = (part.strip() for part in item.split("=", 1))
        parsed[key] = value if key == "transform" else float(value)
    return Distribution(kind, parsed, None if group is None else str(group))


def _spec(prefix: str) -> FittedCurve:
    for spec in FITTED:
        if spec.prefix == prefix:
            return spec
    raise KeyError(prefix)


def exp_rate_name(prefix: str) -> str:
    """Name of the rate parameter of the exponential fit of curve ``prefix``."""
    return f"{prefix}_exp_rate"


CURE_GROUP = "pfs_cilta_weibull_cure"
"""The empirical PSA group of every cure fit's parameters (PFS and OS of cilta-cel, drawn jointly)."""


def cure_names(prefix: str) -> dict[str, str]:
    """Names of the Weibull cure fit's parameters of curve ``prefix`` (theta, the cure fraction, on [0, 1];
    for a curve with ``cure_given``, the other curve's theta)."""
    base = f"{prefix}_weibull_cure"
    given = _spec(prefix).cure_given
    theta = cure_names(given)["theta"] if given else f"{base}_theta"
    return {"theta": theta, "shape": f"{base}_shape", "scale": f"{base}_scale"}


def cure_fraction_expression(prefix: str) -> str:
    """The cure fraction of curve ``prefix``'s cure fit as an expression."""
    return cure_names(prefix)["theta"]
