"""The partitioned-survival version of the RRMM example (co-primary structure beside the state-
transition model; NICE DSU TSD 19): the Partitions rows, the survival curves they read, their
derived inputs, and the one-off rewards that the partitioned version values on entries into states.

Which strategies: those whose every curve has its own published evidence, fitted to all its points
(:mod:`hecon.examples.rrmm.fitted`):

- **RWPC**: PF = PFS, PD = OS - PFS (LocoMMotion, exponential fits).
- **One-time CAR-T**, by intention to treat from apheresis. Everyone is in bridging until the
  infusion cycle ``t_inf``. The never-infused share ``p_not_infused`` (16/113, CARTITUDE-1) then
  enters progression (``PD_RWPC``) and dies at the post-progression hazard after physician's choice
  (``pps_rate_rwpc``, D; CARTITUDE-1 gives no survival of its non-infused patients, G). The infused
  follow CARTITUDE-1's PFS and OS from infusion (97 infused), shifted by ``t_inf``: PF = (1 - d)
  S_PFS(s), infused alive = (1 - d) S_OS(s), with s the time since infusion. The PF phases
  (admission, recovery, remission) are the PF share during their model-time windows. OS is the
  exponential fit in the base case; with the PFS plateau (``cart_pfs_plateau`` = 2) it is the
  mixture cure Weibull fit, whose cured fraction dies at the general-population rate (a Gompertz
  curve fitted to the life table, :func:`gp_gompertz`), so that nobody is immortal.
- **Weekly bispecific**: teclistamab's own MajesTEC-1 curves, not the RWPC x hazard-ratio route of
  the state-transition model: on treatment = TTD (median duration of treatment 8.5 months), PF =
  PFS, alive = OS, each an exponential fit to its median (165 patients). The step-up week holds
  everyone at time 0; after the label switch week the share ``p_q2w_ps`` of those on treatment is
  dosed every 2 weeks.

Annual re-dosing (hypothetical) has no survival evidence of its own, so it has no partitioned
version (nor would the sequences of CAR-T and bispecific): the structural check names it.

One-off rewards. The partitioned engine values a reward on entering row k from any state on the
fall of the row above, C_(k-1)(t) - C_(k-1)(t+1): the share crossing into row k *or beyond*. The
state-transition rewards on a transition from one state cannot be valued that way, so they are
marked ``state_transition`` (:func:`state_transition_only`) and :func:`rewards` gives the
partitioned version's own entry rewards for the same events:

- apheresis: on leaving bridging (the whole cohort, as in the state-transition model);
- the CAR-T course (product, lymphodepletion, ICU, tocilizumab, QALY loss, counts): on leaving
  bridging x (1 - p_not_infused), the infused share (the fall of the bridging row includes the
  dropouts);
- step-up CRS QALY loss: on leaving the step-up week (everyone);
- first entry into a treatment-free state: after CAR-T, the fall of the recovery row in its last
  cycle (the PF share reaching remission); after the bispecific, the fall of the on-treatment row
  x the share of discontinuations that are not progressions or deaths, 1 - rate_PFS / rate_TTD
  (competing exponential hazards; D);
- terminal care at death: the shared "*" -> Dead rewards, valued on the fall of OS.

Sources: the fitted curves (:mod:`hecon.examples.rrmm.fitted`); the CBS 2019 life table (Gompertz
fit, D); Woods B et al., NICE DSU TSD 19 (2017).
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import numpy as np

from hecon.examples.rrmm.common import P
from hecon.examples.rrmm.fitted import cure_fraction_expression, cure_names, exp_rate_name
from hecon.examples.rrmm.strategies import BSAB, CART, RWPC
from hecon.methods.lifetable import bundled_lifetable
from hecon.model.spec import (
    ANY_STATE,
    PARTITIONED_SURVIVAL,
    START,
    STATE_TRANSITION,
    Parameter,
    Partition,
    SurvivalCurve,
    TransitionReward,
)

#: Strategies with a partitioned-survival version.
PARTITIONED = (RWPC, CART, BSAB)
#: Why the others have none (docs and the Assumptions sheet).
NO_PARTITION_REASON = (
    "no published PFS and OS of their own (re-dosing is hypothetical; a sequence's OS is not reported)"
)

_START_AGE = 63.0  # settings.start_age of the base case [years]
_GP_YEARS = 37  # horizon [years]: age 63 to 100


def curves() -> tuple[SurvivalCurve, ...]:
    """The survival curves that only the partitioned version reads [months, except gp_cohort: years]."""
    fitted = "D: exponential fitted to the published points (maximum-likelihood fit)"
    return (
        SurvivalCurve("os_rwpc", "exp", {"rate": exp_rate_name("os_rwpc")}, "months", source=f"{fitted}, LocoMMotion"),
        SurvivalCurve(
            "os_cart",
            "weibull",
            {"shape": "cilta_os_shape", "scale": "cilta_os_scale"},
            "months",
            source="D: cilta-cel OS from infusion fitted to the CARTITUDE-1 points: exponential, or the uncured part "
            "of the mixture cure Weibull with the plateau (cart_pfs_plateau = 2)",
        ),
        SurvivalCurve("pfs_tec", "exp", {"rate": exp_rate_name("pfs_tec")}, "months", source=f"{fitted}, MajesTEC-1"),
        SurvivalCurve("os_tec", "exp", {"rate": exp_rate_name("os_tec")}, "months", source=f"{fitted}, MajesTEC-1"),
        SurvivalCurve("ttd_tec", "exp", {"rate": exp_rate_name("ttd_tec")}, "months", source=f"{fitted}, MajesTEC-1"),
        SurvivalCurve(
            "gp_cohort",
            "gompertz",
            {"shape": "gp_gompertz_shape", "rate": "gp_gompertz_rate"},
            "years",
            source="D: general-population survival of the cohort from age 63 (CBS 2019, sex mix p_male), Gompertz "
            "fitted by least squares on log S",
        ),
    )


@cache
def gp_gompertz(p_male: float = 0.59) -> tuple[float, float, float]:
    """Gompertz (shape [1/year], rate [1/year]) fitted to the cohort's general-population survival
    from age 63 (CBS 2019 life table; a share ``p_male`` of men at the start, each sex surviving
    by its own qx), by least squares on log S at whole years 1..37; and the largest absolute
    difference in S over those years. S(t) = exp(-rate/shape (exp(shape t) - 1)) (flexsurv)."""
    from scipy.optimize import least_squares

    table = bundled_lifetable("nl_cbs_2019")
    ages = np.array(table.ages)

    def survival(qx: tuple[float, ...]) -> np.ndarray:
        q = np.array([qx[int(np.searchsorted(ages, min(_START_AGE + k, ages[-1])))] for k in range(_GP_YEARS)])
        return np.concatenate(([1.0], np.cumprod(1.0 - q)))

    s = p_male * survival(table.qx_male) + (1.0 - p_male) * survival(table.qx_female)
    t = np.arange(_GP_YEARS + 1, dtype=float)

    def log_s(x: np.ndarray) -> np.ndarray:
        shape, rate = x[0], math.exp(x[1])
        return np.asarray(-rate / shape * np.expm1(shape * t))

    def residuals(x: np.ndarray) -> np.ndarray:
        return log_s(x)[1:] - np.log(s[1:])

    fit = least_squares(residuals, x0=[0.09, math.log(0.01)])
    shape, rate = float(fit.x[0]), math.exp(float(fit.x[1]))
    worst = float(np.max(np.abs(np.exp(log_s(fit.x)) - s)))
    return shape, rate, worst


def parameters() -> list[Parameter]:
    """Derived inputs of the partitioned version (tag D)."""
    cure = cure_names("os_cilta")
    shape, rate, worst = gp_gompertz()
    gp_source = (
        f"D: Gompertz fit to the cohort's CBS 2019 survival from age 63 with 59% men (largest difference in S "
        f"{worst:.4f})"
    )
    return [
        P(
            "cilta_os_shape",
            f"if_else(cart_pfs_plateau == 2, {cure['shape']}, 1)",
            "shape",
            "Weibull shape of cilta-cel OS from infusion (1 = the exponential fit; partitioned survival)",
            "D: selects the maximum-likelihood fit by cart_pfs_plateau",
        ),
        P(
            "cilta_os_scale",
            f"if_else(cart_pfs_plateau == 2, {cure['scale']}, 1 / {exp_rate_name('os_cilta')})",
            "months",
            "Weibull scale of cilta-cel OS (of the uncured with the plateau)",
            "D: selects the maximum-likelihood fit by cart_pfs_plateau",
        ),
        P(
            "cilta_os_cure_fraction",
            f"if_else(cart_pfs_plateau == 2, {cure_fraction_expression('os_cilta')}, 0)",
            "share",
            "Cilta-cel OS cure fraction (0 without the plateau); the cured die at the general-population rate",
            "D: the PFS cure fit's theta when cart_pfs_plateau is 2 (the cured are progression-free; OS's uncured "
            "Weibull is fitted given it)",
        ),
        P(
            "gp_gompertz_shape",
            shape,
            "per year",
            "Gompertz shape of the cohort's general-population survival",
            gp_source,
        ),
        P("gp_gompertz_rate", rate, "per year", "Gompertz rate of the cohort's general-population survival", gp_source),
        P(
            "ps_years_since_inf",
            "t_since_inf * cycle_years",
            "years",
            "Years since the CAR-T infusion (0 before it)",
            "D: formula in the value",
        ),
        P(
            "ps_pf_cart",
            "if_else(model_time < t_inf, 1, (1 - p_not_infused) * (surv(pfs_cart, ps_years_since_inf) - "
            "cart_cure_fraction * (1 - surv(gp_cohort, ps_years_since_inf))))",
            "share",
            "CAR-T strategy: share in bridging or alive and progression-free after infusion (ITT)",
            "D: infused share x CARTITUDE-1 PFS from infusion (the dropouts enter progression at t_inf); with the "
            "plateau the cured fraction dies at the general-population rate",
        ),
        P(
            "ps_os_cart_infused",
            "if_else(model_time < t_inf, 1, (1 - p_not_infused) * (cilta_os_cure_fraction * "
            "surv(gp_cohort, ps_years_since_inf) + (1 - cilta_os_cure_fraction) * ps_os_cart_floored))",
            "share",
            "CAR-T strategy: share in bridging or infused and alive (ITT)",
            "D: infused share x CARTITUDE-1 OS from infusion (the cured fraction with the plateau at the "
            "general-population rate)",
        ),
        P(
            "ps_os_cart_gp_years",
            f"if_else(cart_pfs_plateau == 2, 1000, max(0, log(12 * {exp_rate_name('os_cilta')} / gp_gompertz_rate) "
            "/ gp_gompertz_shape))",
            "years",
            "Years after infusion from which the general-population hazard exceeds the exponential OS hazard of "
            "cilta-cel (1000: none, with the plateau)",
            "D: the Gompertz hazard rate x exp(shape t) equals the exponential OS rate at t = log(12 rate / "
            "gp_gompertz_rate) / gp_gompertz_shape",
        ),
        P(
            "ps_os_cart_floored",
            "if_else(ps_years_since_inf < ps_os_cart_gp_years, surv(os_cart, ps_years_since_inf), "
            "surv(os_cart, ps_os_cart_gp_years) * surv(gp_cohort, ps_years_since_inf) / "
            "surv(gp_cohort, ps_os_cart_gp_years))",
            "share",
            "Cilta-cel OS of the uncured from infusion, with the general-population hazard as a floor",
            "D: hazard max(exponential OS hazard, general-population hazard): the fitted curve until the hazards "
            "cross, then general-population survival; the plateau's Weibull of the uncured has no floor (its "
            "cured fraction already dies at the general-population rate)",
        ),
        P(
            "ps_os_cart",
            "if_else(model_time < t_inf, 1, ps_os_cart_infused + p_not_infused * "
            "exp(-pps_rate_rwpc * ps_years_since_inf * 12))",
            "share",
            "CAR-T strategy: share alive (ITT): the infused plus the dropouts",
            "D: the dropouts die at the post-progression hazard after physician's choice from t_inf (A: no survival "
            "of CARTITUDE-1's non-infused patients was found, G)",
        ),
        P(
            "ps_ttd_bsab",
            "surv(ttd_tec, model_years)",
            "share",
            "Weekly bispecific: share still on treatment (MajesTEC-1 duration of treatment)",
            "D: formula in the value",
        ),
        P(
            "p_q2w_ps",
            "if_else(model_time >= bsab_switch_cycle, min(1, bsab_q2w_share / surv(ttd_tec, bsab_switch_cycle * "
            "cycle_years)), 0)",
            "share",
            "Weekly bispecific, partitioned survival: share of those on treatment dosed every 2 weeks (from the "
            "switch week)",
            "D: share of starters in sustained CR / share on treatment at the switch (A: independent of later "
            "discontinuation)",
        ),
        P(
            "ps_tf_share_bsab",
            f"max(1 - {exp_rate_name('pfs_tec')} / {exp_rate_name('ttd_tec')}, 0)",
            "share",
            "Share of bispecific discontinuations that are not progression or death (first treatment-free day)",
            "D: competing exponential hazards, 1 - rate_PFS / rate_TTD",
        ),
    ]


def partitions() -> tuple[Partition, ...]:
    """The Partitions sheet: per strategy, states best first and the share in each state or an
    earlier row's (``#``: the rest)."""
    Pt = Partition
    recovery_end = "t_inf + cart_adm_cycles + cart_rec_cycles"
    return (
        Pt("PF_RWPC", "surv(pfs_rwpc, model_years)", RWPC, "LocoMMotion PFS (exponential fit)"),
        Pt("PD_RWPC", "surv(os_rwpc, model_years)", RWPC, "LocoMMotion OS (exponential fit)"),
        Pt("Dead", "#", RWPC),
        Pt("Bridging", "if_else(model_time < t_inf, 1, 0)", CART, "everyone until the infusion cycle"),
        Pt(
            "CART_Infusion",
            "if_else(model_time < t_inf + cart_adm_cycles, ps_pf_cart, 0)",
            CART,
            "progression-free during the index admission",
        ),
        Pt(
            "CART_Recovery",
            f"if_else(model_time < {recovery_end}, ps_pf_cart, 0)",
            CART,
            "progression-free in recovery",
        ),
        Pt("CART_Remission", "ps_pf_cart", CART, "ITT PFS: infused share x CARTITUDE-1 PFS from infusion"),
        Pt("PD_CART", "ps_os_cart_infused", CART, "infused and alive: infused share x CARTITUDE-1 OS from infusion"),
        Pt("PD_RWPC", "ps_os_cart", CART, "ITT OS: plus the never infused, alive after dropout"),
        Pt("Dead", "#", CART),
        Pt("BsAb_StepUp_In", "if_else(model_time < 1, p_stepup_inpatient, 0)", BSAB, "step-up week, inpatient"),
        Pt("BsAb_StepUp_Out", "if_else(model_time < 1, 1, 0)", BSAB, "step-up week (everyone at time 0)"),
        Pt("BsAb_Weekly", "ps_ttd_bsab * (1 - p_q2w_ps)", BSAB, "on treatment, weekly (MajesTEC-1 TTD)"),
        Pt("BsAb_Q2W", "ps_ttd_bsab * (1 - p_q2w_ps * bsab_stop_in_cr)", BSAB, "on treatment (MajesTEC-1 TTD)"),
        Pt("BsAb_Stopped", "surv(pfs_tec, model_years)", BSAB, "MajesTEC-1 PFS (exponential fit)"),
        Pt("PD_BsAb", "surv(os_tec, model_years)", BSAB, "MajesTEC-1 OS (exponential fit)"),
        Pt("Dead", "#", BSAB),
    )


def state_transition_only(rewards: tuple[TransitionReward, ...]) -> tuple[TransitionReward, ...]:
    """``rewards`` with every reward on a transition from one state marked ``state_transition``
    (the partitioned version values the same events by :func:`rewards`)."""
    return tuple(
        r if r.from_state in (ANY_STATE, START) or r.structure else replace(r, structure=STATE_TRANSITION)
        for r in rewards
    )


def rewards(st_rewards: tuple[TransitionReward, ...]) -> tuple[TransitionReward, ...]:
    """The partitioned version's entry rewards for the events that ``st_rewards`` (the state-
    transition rewards) charge on transitions from one state (see the module notes)."""
    out: list[TransitionReward] = []

    def ps(r: TransitionReward, to: str, value: str) -> TransitionReward:
        return replace(r, to_state=to, value=value, from_state=ANY_STATE, structure=PARTITIONED_SURVIVAL)

    apheresis = {
        (r.kind, r.name, str(r.value)) for r in st_rewards if (r.from_state, r.to_state) == ("Bridging", "Dead")
    }
    for r in st_rewards:
        if (r.from_state, r.to_state) == ("Bridging", "CART_Infusion"):
            whole_cohort = (r.kind, r.name, str(r.value)) in apheresis
            out.append(ps(r, "CART_Infusion", str(r.value) if whole_cohort else f"(1 - p_not_infused) * ({r.value})"))
        elif (r.from_state, r.to_state) == ("BsAb_StepUp_In", "BsAb_Weekly"):
            out.append(ps(r, "BsAb_Weekly", str(r.value)))
    remission = "if_else(model_time == t_inf + cart_adm_cycles + cart_rec_cycles - 1, 1, 0)"
    R = TransitionReward
    out += [
        R("CART_Remission", remission, "count", "helper_tf_first_entries", structure=PARTITIONED_SURVIVAL),
        R(
            "CART_Remission",
            f"{remission} * (model_years + cycle_years)",
            "count",
            "helper_tf_first_entry_years",
            structure=PARTITIONED_SURVIVAL,
        ),
        R("BsAb_Stopped", "ps_tf_share_bsab", "count", "helper_tf_first_entries", structure=PARTITIONED_SURVIVAL),
        R(
            "BsAb_Stopped",
            "ps_tf_share_bsab * (model_years + cycle_years)",
            "count",
            "helper_tf_first_entry_years",
            structure=PARTITIONED_SURVIVAL,
        ),
    ]
    return tuple(out)
