"""PSA-sized engine benchmark (not a test): prints seconds, ns per sample-state-cycle and peak memory.

Workload (issue 2): 10,000 samples x 3 strategies, weekly cycles over 30 years, 63 states
after tunnel expansion (admission 3 weeks, recovery 8 weeks, progression-free with a
52-week tunnel for time-since-entry hazards, progressed, dead). Transitions come from
sampled Weibull curves (clock: time in state), a hazard ratio per strategy and the Dutch
life table as a mortality floor; costs and utilities are sampled.

Usage: python benchmarks/bench_engine.py [n_samples] [chunk_size] [repeats]
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from hecon.engine.compiler import compile_model
from hecon.engine.run import THREADS, simulate_strategy
from hecon.methods.lifetable import bundled_lifetable
from hecon.model.distributions import draw_parameters
from hecon.model.spec import (
    Distribution,
    ModelSpec,
    Parameter,
    Settings,
    State,
    Strategy,
    SurvivalCurve,
    Transition,
    TransitionReward,
)


def benchmark_model() -> ModelSpec:
    def p(name, value, kind=None, **args):
        return Parameter(name, value, distribution=Distribution(kind, args) if kind else None)

    parameters = (
        p("pfs_shape", 1.1, "lognormal", mean=1.1, se=0.1),
        p("pfs_scale", 2.0, "lognormal", mean=2.0, se=0.2),
        p("pps_rate", 0.6, "gamma", mean=0.6, se=0.06),
        p("hr", 1.0),
        p("p_nrm", 0.02, "beta", mean=0.02, se=0.005),
        p("u_pf", 0.78, "beta", mean=0.78, se=0.03),
        p("u_pd", 0.64, "beta", mean=0.64, se=0.04),
        p("u_adm", 0.6, "beta", mean=0.6, se=0.05),
        p("c_adm", 5000.0, "gamma", mean=5000.0, se=1000.0),
        p("c_rec", 800.0, "gamma", mean=800.0, se=160.0),
        p("c_pf", 300.0, "gamma", mean=300.0, se=60.0),
        p("c_pd", 2500.0, "gamma", mean=2500.0, se=500.0),
        p("c_death", 8000.0, "gamma", mean=8000.0, se=1600.0),
    )
    states = (
        State(
            "Admission",
            utility="u_adm",
            costs={"hospital": "c_adm"},
            tunnel=3,
            flags=frozenset({"hospitalised", "on_treatment"}),
        ),
        State(
            "Recovery", utility="u_pf - 0.05", costs={"follow_up": "c_rec"}, tunnel=8, flags=frozenset({"on_treatment"})
        ),
        State(
            "PF",
            utility="u_pf",
            costs={"follow_up": "c_pf"},
            tunnel=52,
            flags=frozenset({"progression_free", "treatment_free"}),
        ),
        State("PD", utility="u_pd", costs={"subsequent": "c_pd"}),
        State("Dead", flags=frozenset({"dead"})),
    )
    T = Transition
    transitions = (
        T("Admission", "Dead", "max(p_nrm, gp_mort())"),
        T("Admission", "Recovery", "if_else(state_time >= 2, 1 - max(p_nrm, gp_mort()), 0)"),
        T("Admission", "Admission", "#"),
        T("Recovery", "Dead", "gp_mort()"),
        T("Recovery", "PF", "if_else(state_time >= 7, 1 - gp_mort(), 0)"),
        T("Recovery", "Recovery", "#"),
        T("PF", "PD", "surv_prob(pfs, state_time)"),
        T("PF", "Dead", "gp_mort()"),
        T("PF", "PF", "#"),
        T("PD", "Dead", "max(rate_to_prob(pps_rate, cycle_years), gp_mort())"),
        T("PD", "PD", "#"),
    )
    strategies = (Strategy("one-time"), Strategy("better", {"hr": 0.7}), Strategy("best", {"hr": 0.5}))
    settings = Settings(
        cycle_length_days=7.0,
        horizon_years=30.0,
        start_age=60.0,
        proportion_male=0.6,
        discount_rate_costs=0.03,
        discount_rate_effects=0.015,
        within_cycle="simpson",
        life_table="nl_cbs_2019",
    )
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial={"Admission": 1.0},
        transition_rewards=(TransitionReward("Dead", "c_death", name="terminal"),),
        survival_curves=(
            SurvivalCurve("pfs", "weibull", {"shape": "pfs_shape", "scale": "pfs_scale"}, "years", hazard_ratio="hr"),
        ),
        life_tables=(bundled_lifetable("nl_cbs_2019"),),
    )


def main(n_samples: int = 10_000, chunk_size: int = 1000, repeats: int = 3) -> None:
    spec = benchmark_model()
    model = compile_model(spec)
    samples = draw_parameters(spec.parameters, n_samples, seed=1)

    def psa(draws: dict[str, np.ndarray], n: int) -> list:
        """The PSA path of the engine (as hecon.analysis.psa runs it): per-sample totals only."""
        return [
            simulate_strategy(model, i, draws, n, chunk_size, keep_cycles=False) for i in range(len(spec.strategies))
        ]

    psa({k: v[:2] for k, v in samples.items()}, 2)  # compile the numba kernels (cached on disk)
    seconds = []
    for _ in range(repeats):  # a shared virtual machine's speed drifts: report the best and the median
        start = time.perf_counter()
        results = psa(samples, n_samples)
        seconds.append(time.perf_counter() - start)
    work = n_samples * len(spec.strategies) * model.n_states * model.n_cycles
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best, median = min(seconds), float(np.median(seconds))
    print(
        f"samples={n_samples} strategies={len(spec.strategies)} states={model.n_states} "
        f"cycles={model.n_cycles} chunk={chunk_size} threads={THREADS} repeats={repeats}"
    )
    print(f"seconds best={best:.2f} median={median:.2f}")
    print(f"ns_per_sample_state_cycle best={best / work * 1e9:.3f} median={median / work * 1e9:.3f}")
    print(f"peak_rss_mb={peak_mb:.0f}")
    qalys = [float(r.discounted[:, 0].mean()) for r in results]  # column 0: QALYs
    print("mean QALYs: " + ", ".join(f"{s.name} {q:.4f}" for s, q in zip(spec.strategies, qalys)))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
