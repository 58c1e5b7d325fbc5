"""hecon against a Python peer on a textbook model, each run as a whole process (not a test).

The model is the time-independent Sick-Sicker model of Alarid-Escudero F, Krijkamp EM, Enns EA,
et al. An Introductory Tutorial on Cohort State-Transition Models in R Using a
Cost-Effectiveness Analysis Example. Med Decis Making 2023;43(1):3-20: four states (Healthy,
Sick, Sicker, Dead), four strategies (standard of care, A, B, AB), a cohort aged 25 followed for
75 years, 3% discounting, the tutorial's Simpson 1/3 within-cycle weights (darthtools
``gen_wcc``), and its probabilistic analysis: the distributions of ``generate_psa_params`` in
``R/Functions_cSTM_time_indep.R`` of github.com/DARTH-git/cohort-modeling-tutorial-intro,
1,000 samples. It is run with annual cycles (75) and weekly cycles (3,913 of 7 days; costs and
QALYs per cycle are the annual ones times the cycle length, discounting (1 + r)^-t at t years).

The peer is heormodel (PyPI, MIT; its ``MarkovModel`` cohort engine, ``ParameterSet``
sampling, ``run_psa`` with its default parallel workers, ``ceac`` and ``evpi``), installed by
this script into a virtual environment of its own (``--peer-venv``), never into hecon's: no
peer code enters hecon's dependencies. hecon runs ``hecon run model.xlsx --psa 1000``, which
also validates the workbook and writes the report folder (report.html with figures,
results.xlsx, summary.json, psa.nc); the peer script writes its CEAC and EVPI to CSV.

Each repetition runs the two as processes started from this one, in alternating order (paired
runs), and records the wall time and the processor time of each (the process and its children).
Before timing, the base case of both is compared: the two implementations must give the same
deterministic costs and QALYs (relative difference below 1e-6), otherwise the script stops.

The Markdown table is written between the ``<!-- generated: peer benchmark -->`` markers of
README.md (``--readme``); its numbers are this script's output, never typed.

Usage: python benchmarks/bench_peer.py [--repeats 5] [--samples 1000] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hecon.model.spec import ModelSpec

ROOT = Path(__file__).resolve().parents[1]
PEER = "heormodel==0.7.4"
DEFAULT_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hecon-bench" / "heormodel-0.7.4"
SEED = 71818  # generate_psa_params(seed = 071818)
YEARS = 75
CYCLES = {"annual": 365.25, "weekly": 7.0}
STRATEGIES = ("Standard of care", "Strategy A", "Strategy B", "Strategy AB")
BEGIN = "<!-- generated: peer benchmark (python benchmarks/bench_peer.py) -->"
END = "<!-- end generated: peer benchmark -->"

# (name, base-case value, PSA distribution as in generate_psa_params: kind and arguments)
PARAMETERS: tuple[tuple[str, float, str, dict[str, float]], ...] = (
    ("r_HD", 0.002, "gamma", {"shape": 20, "rate": 10000}),
    ("r_HS1", 0.15, "gamma", {"shape": 30, "rate": 170 + 30}),
    ("r_S1H", 0.5, "gamma", {"shape": 60, "rate": 60 + 60}),
    ("r_S1S2", 0.105, "gamma", {"shape": 84, "rate": 716 + 84}),
    ("hr_S1", 3.0, "lognormal", {"meanlog": math.log(3), "sdlog": 0.01}),
    ("hr_S2", 10.0, "lognormal", {"meanlog": math.log(10), "sdlog": 0.02}),
    ("hr_S1S2_trtB", 0.6, "lognormal", {"meanlog": math.log(0.6), "sdlog": 0.02}),
    ("c_H", 2000.0, "gamma", {"shape": 100, "scale": 20}),
    ("c_S1", 4000.0, "gamma", {"shape": 177.8, "scale": 22.5}),
    ("c_S2", 15000.0, "gamma", {"shape": 225, "scale": 66.7}),
    ("c_trtA", 12000.0, "gamma", {"shape": 73.5, "scale": 163.3}),
    ("c_trtB", 13000.0, "gamma", {"shape": 86.2, "scale": 150.8}),
    ("u_H", 1.0, "beta", {"alpha": 200, "beta": 3}),
    ("u_S1", 0.75, "beta", {"alpha": 130, "beta": 45}),
    ("u_S2", 0.5, "beta", {"alpha": 230, "beta": 230}),
    ("u_trtA", 0.95, "beta", {"alpha": 300, "beta": 15}),
)

PEER_SCRIPT = '''
"""Sick-Sicker (Alarid-Escudero et al. 2023) in heormodel: base case and PSA; written by bench_peer.py."""
import json, sys
import numpy as np, pandas as pd
from heormodel.cea import ceac
from heormodel.models.markov import CohortSpec, MarkovModel
from heormodel.params import Beta, Gamma, LogNormal, ParameterSet
from heormodel.run import run_psa
from heormodel.voi import evpi

cycle_days, n, seed, out = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
PARAMETERS = json.loads(sys.argv[5])
dt = cycle_days / 365.25
n_cycles = round(YEARS * 365.25 / cycle_days)


def transitions_and_rewards(p, strategy):
    prob = lambda rate: 1.0 - np.exp(-rate * dt)
    treat_a, treat_b = strategy in ("Strategy A", "Strategy AB"), strategy in ("Strategy B", "Strategy AB")
    p_hd, p_s1d, p_s2d = prob(p["r_HD"]), prob(p["r_HD"] * p["hr_S1"]), prob(p["r_HD"] * p["hr_S2"])
    p_hs1, p_s1h = prob(p["r_HS1"]), prob(p["r_S1H"])
    p_s1s2 = prob(p["r_S1S2"] * (p["hr_S1S2_trtB"] if treat_b else 1.0))
    transition = np.array([
        [(1 - p_hd) * (1 - p_hs1), (1 - p_hd) * p_hs1, 0.0, p_hd],
        [(1 - p_s1d) * p_s1h, (1 - p_s1d) * (1 - p_s1h - p_s1s2), (1 - p_s1d) * p_s1s2, p_s1d],
        [0.0, 0.0, 1 - p_s2d, p_s2d],
        [0.0, 0.0, 0.0, 1.0],
    ])
    c_trt = (p["c_trtA"] if treat_a else 0.0) + (p["c_trtB"] if treat_b else 0.0)
    cost = np.array([p["c_H"], p["c_S1"] + c_trt, p["c_S2"] + c_trt, 0.0]) * dt
    utility = np.array([p["u_H"], p["u_trtA"] if treat_a else p["u_S1"], p["u_S2"], 0.0]) * dt
    return CohortSpec(transition, cost, utility)


engine = MarkovModel(
    states=("H", "S1", "S2", "D"), interventions=STRATEGIES, transitions_and_rewards=transitions_and_rewards,
    n_cycles=n_cycles, initial_state="H", cycle_length=dt, discount_rate=0.03, cycle_correction="simpson",
)
kinds = {
    "gamma": lambda a: Gamma(a["shape"], a.get("scale", 1 / a.get("rate", 1.0))),
    "lognormal": lambda a: LogNormal(a["meanlog"], a["sdlog"]),
    "beta": lambda a: Beta(a["alpha"], a["beta"]),
}
draws = ParameterSet({name: kinds[kind](args) for name, _, kind, args in PARAMETERS}).sample(n, seed=seed)
base = pd.DataFrame([{name: value for name, value, _, _ in PARAMETERS}], index=pd.RangeIndex(1, name="iteration"))
base_out = engine.evaluate(base)
outcomes = run_psa(engine, draws, seed=seed, progress=False).outcomes
wtp = np.arange(0, 200_001, 5_000.0)
ceac(outcomes, wtp).to_csv(out + ".ceac.csv")
evpi(outcomes, wtp).to_csv(out + ".evpi.csv")
json.dump({
    "base_costs": base_out.costs_wide().iloc[0].to_dict(), "base_qalys": base_out.effects_wide().iloc[0].to_dict(),
    "psa_costs": outcomes.costs_wide().mean().to_dict(), "psa_qalys": outcomes.effects_wide().mean().to_dict(),
}, open(out, "w"))
'''


def sick_sicker(cycle_days: float) -> ModelSpec:
    """The hecon ModelSpec of the model in the module docs, with ``cycle_days``-day cycles."""
    from hecon.model.spec import Distribution, ModelSpec, Parameter, Settings, State, Strategy, Transition

    n_cycles = round(YEARS * 365.25 / cycle_days)
    weights = [4.0 / 3.0 if k % 2 == 0 else 2.0 / 3.0 for k in range(n_cycles + 1)]  # darthtools gen_wcc
    weights[0] = weights[-1] = 1.0 / 3.0
    parameters = [
        Parameter(name, value, distribution=Distribution(kind, dict(args))) for name, value, kind, args in PARAMETERS
    ]
    parameters += [
        Parameter("hr_S1S2", 1.0),  # hr_S1S2_trtB under B and AB
        Parameter("c_trt", 0.0),
        Parameter("p_HD", "rate_to_prob(r_HD, cycle_years)"),
        Parameter("p_S1D", "rate_to_prob(r_HD * hr_S1, cycle_years)"),
        Parameter("p_S2D", "rate_to_prob(r_HD * hr_S2, cycle_years)"),
        Parameter("p_HS1", "rate_to_prob(r_HS1, cycle_years)"),
        Parameter("p_S1H", "rate_to_prob(r_S1H, cycle_years)"),
        Parameter("p_S1S2", "rate_to_prob(r_S1S2 * hr_S1S2, cycle_years)"),
    ]
    t = Transition
    transitions = (
        t("H", "S1", "(1 - p_HD) * p_HS1"),
        t("H", "D", "p_HD"),
        t("H", "H", "#"),
        t("S1", "H", "(1 - p_S1D) * p_S1H"),
        t("S1", "S2", "(1 - p_S1D) * p_S1S2"),
        t("S1", "D", "p_S1D"),
        t("S1", "S1", "#"),
        t("S2", "D", "p_S2D"),
        t("S2", "S2", "#"),
    )
    states = (  # costs are per cycle, utilities per year
        State("H", utility="u_H", costs={"care": "c_H * cycle_years"}),
        State("S1", utility="u_S1", costs={"care": "c_S1 * cycle_years", "treatment": "c_trt * cycle_years"}),
        State("S2", utility="u_S2", costs={"care": "c_S2 * cycle_years", "treatment": "c_trt * cycle_years"}),
        State("D", flags=frozenset({"dead"})),
    )
    strategies = (
        Strategy("Standard of care"),
        Strategy("Strategy A", {"u_S1": "u_trtA", "c_trt": "c_trtA"}),
        Strategy("Strategy B", {"hr_S1S2": "hr_S1S2_trtB", "c_trt": "c_trtB"}),
        Strategy("Strategy AB", {"u_S1": "u_trtA", "hr_S1S2": "hr_S1S2_trtB", "c_trt": "c_trtA + c_trtB"}),
    )
    settings = Settings(
        cycle_length_days=cycle_days,
        horizon_years=n_cycles * cycle_days / 365.25,
        start_age=25.0,
        discount_rate_costs=0.03,
        discount_rate_effects=0.03,
        discount_timing="cycle",
        within_cycle="custom",
        cycle_weights=tuple(weights),
        currency="USD",
        wtp=(50_000.0, 100_000.0, 150_000.0),
        seed=SEED,
    )
    return ModelSpec(
        settings, states, transitions, strategies, tuple(parameters), initial={"H": 1.0}, title="Sick-Sicker"
    )


def peer_python(venv: Path) -> Path:
    """The peer environment's python, created with the peer installed when missing."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PEER], check=True)
    return python


@dataclass
class Timed:
    wall: float
    cpu: float


def timed(command: list[str], cwd: Path) -> Timed:
    """Wall and processor time [s] of ``command`` run to completion (processor: it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timed(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def commands(folder: Path, name: str, cycle_days: float, samples: int, python: Path) -> tuple[list[str], list[str]]:
    """The hecon and peer commands for one cycle length (the workbook and script written to ``folder``)."""
    from hecon.workbook import write_workbook

    book = folder / f"sick_sicker_{name}.xlsx"
    write_workbook(sick_sicker(cycle_days), book)
    script = folder / "peer_sick_sicker.py"
    script.write_text(
        f"YEARS = {YEARS}\nSTRATEGIES = {STRATEGIES!r}\n" + PEER_SCRIPT,
        encoding="utf-8",
    )
    hecon = [sys.executable, "-m", "hecon", "run", str(book), "--psa", str(samples), "--seed", str(SEED)]
    hecon += ["--out", str(folder / f"hecon_{name}")]
    peer = [str(python), str(script), str(cycle_days), str(samples), str(SEED), str(folder / f"peer_{name}.json")]
    return hecon, [*peer, json.dumps(PARAMETERS)]


Base = dict[str, tuple[float, float, float, float]]
"""Per strategy: hecon's base-case costs and QALYs, then the peer's."""


def check_same_model(folder: Path, name: str) -> Base:
    """Per strategy: hecon's and the peer's base-case costs and QALYs; stops when they differ."""
    summary = json.loads((folder / f"hecon_{name}" / "summary.json").read_text(encoding="utf-8"))
    peer = json.loads((folder / f"peer_{name}.json").read_text(encoding="utf-8"))
    base = summary["scenarios"]["base case"]["strategies"]
    out = {}
    for s in STRATEGIES:
        ours = (base[s]["costs"], base[s]["qalys"])
        theirs = (peer["base_costs"][s], peer["base_qalys"][s])
        if any(abs(a - b) > 1e-6 * abs(b) for a, b in zip(ours, theirs)):
            raise SystemExit(f"{name}, {s}: hecon {ours} but the peer {theirs}: not the same model")
        out[s] = (*ours, *theirs)
    return out


PUBLISHED = {
    "Standard of care": (151_580, 20.711),
    "Strategy A": (284_805, 21.499),
    "Strategy B": (259_100, 22.184),
    "Strategy AB": (378_875, 23.137),
}
"""Alarid-Escudero et al. (2023), table of total expected discounted costs [USD] and QALYs."""


def check_published(base: Base) -> None:
    """Stops unless the annual base case is the tutorial's table (to its rounding)."""
    for s, (cost, qalys) in PUBLISHED.items():
        if abs(base[s][0] - cost) > 0.5 or abs(base[s][1] - qalys) > 0.0005:
            raise SystemExit(f"{s}: {base[s][:2]}, not the published {(cost, qalys)}")


def markdown(
    rows: list[dict[str, Any]], repeats: int, samples: int, load: tuple[str, str], base: dict[str, Base]
) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    soc = base["annual"]["Standard of care"] if "annual" in base else (math.nan, math.nan)
    lines = [
        BEGIN,
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit.strip() or '?'} on {os.cpu_count()} cores "
        f"({platform.python_implementation()} {platform.python_version()}), {PEER} in its own environment; "
        f"{repeats} paired runs of each (alternating order), {samples:,} PSA samples; load average before "
        f"{load[0]}, after {load[1]}. Wall time of the whole process [s], median (fastest); processor time "
        "of the process and its children beside it; speed-up: the median of the paired ratios peer / hecon. "
        f"Both give the same base case (checked; annual, standard of care: USD {soc[0]:,.0f}, {soc[1]:.3f} "
        "QALYs, as published).",
        "",
        "| Sick-Sicker, 4 strategies | cycles | hecon wall | hecon processor | heormodel wall | heormodel processor | hecon faster by |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['cycles']:,} | {r['hecon_wall']:.2f} ({r['hecon_min']:.2f}) | {r['hecon_cpu']:.2f} | "
            f"{r['peer_wall']:.2f} ({r['peer_min']:.2f}) | {r['peer_cpu']:.2f} | {r['ratio']:.1f}× |"
        )
    lines.append(END)
    return "\n".join(lines)


def write_readme(readme: Path, block: str) -> None:
    """Replace the generated block of ``readme`` (it must have the markers) atomically."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme}: no block between {BEGIN!r} and {END!r}")
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
    os.replace(tmp, readme)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--peer-venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md", help="README to write the table into")
    parser.add_argument("--only", choices=sorted(CYCLES), action="append", help="cycle lengths to run (default all)")
    args = parser.parse_args()
    python = peer_python(args.peer_venv)
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows: list[dict[str, Any]] = []
    base: dict[str, Base] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in args.only or list(CYCLES):
            days = CYCLES[name]
            hecon, peer = commands(folder, name, days, args.samples, python)
            timed(hecon, folder), timed(peer, folder)  # warm: numba cache, file cache, the peer's imports
            base[name] = check_same_model(folder, name)
            if name == "annual":
                check_published(base[name])
            pairs: list[tuple[Timed, Timed]] = []
            for k in range(args.repeats):
                if k % 2 == 0:
                    h = timed(hecon, folder)
                    p = timed(peer, folder)
                else:
                    p = timed(peer, folder)
                    h = timed(hecon, folder)
                pairs.append((h, p))
                print(f"{name} {k + 1}/{args.repeats}: hecon {h.wall:.2f} s, peer {p.wall:.2f} s", flush=True)
            rows.append(
                {
                    "name": name,
                    "cycles": round(YEARS * 365.25 / days),
                    "hecon_wall": statistics.median(h.wall for h, _ in pairs),
                    "hecon_min": min(h.wall for h, _ in pairs),
                    "hecon_cpu": statistics.median(h.cpu for h, _ in pairs),
                    "peer_wall": statistics.median(p.wall for _, p in pairs),
                    "peer_min": min(p.wall for _, p in pairs),
                    "peer_cpu": statistics.median(p.cpu for _, p in pairs),
                    "ratio": statistics.median(p.wall / h.wall for h, p in pairs),
                }
            )
    load_after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    block = markdown(rows, args.repeats, args.samples, (load_before, load_after), base)
    print(block)
    if args.readme and not args.only:
        write_readme(args.readme, block)


if __name__ == "__main__":
    main()
