"""The PSA of the cilta-cel PFS plateau: one-time CAR-T versus the weekly bispecific, per structural
alternative (``cart_pfs_plateau`` 1: no plateau, 2: plateau) and averaged over both, beside the
deterministic result of each alternative, and how the drawn PFS curves sit against the data: the
share of samples whose 5-year PFS (infused patients, from infusion) lies within the 95% CI of
CARTITUDE-1's 32/97 (Jagannath et al., JCO 2025), and the share above 0.45.

The source gives no CI for 32/97 (a crude share of 97 patients), so the interval is the exact
binomial (Clopper-Pearson) one: the 2.5% quantile of Beta(32, 66) and the 97.5% quantile of
Beta(33, 65) (Clopper CJ, Pearson ES. Biometrika 1934;26:404-413). A sample's 5-year PFS is the
drawn curve at 60 months: exp(-60 rate) without the plateau, theta + (1 - theta)
exp(-(60 / scale)^shape) with it (the fits of :mod:`hecon.examples.rrmm.fitted`).
``python -m hecon.examples.rrmm.doc_tables`` prints the table (block ``plateau_psa`` of
docs/rrmm.md); ``tests/examples/test_rrmm_plateau.py`` checks the page against a fresh run.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hecon.examples.rrmm.common import clopper_pearson
from hecon.examples.rrmm.fitted import cure_names, exp_rate_name
from hecon.examples.rrmm.psa_tables import MAKE_RUN_PSA
from hecon.examples.rrmm.strategies import BSAB, CART
from hecon.model.spec import ModelSpec

#: PSA samples of each structure (the model's seed): those of ``make run``'s PSA
#: (:data:`hecon.examples.rrmm.psa_tables.MAKE_RUN_PSA`; the model's seed is the Makefile's).
SAMPLES = MAKE_RUN_PSA
#: CARTITUDE-1: alive and progression-free at 5 years, of the infused (Jagannath et al., JCO 2025).
EVENTS_FREE, INFUSED = 32, 97
HIGH_PFS = 0.45
"""A 5-year PFS above this is far above the data (32/97 = 0.33; above the CI's upper limit 0.43)."""
_WTP = (50_000.0, 80_000.0)
_LABELS = {1: "no plateau (exponential)", 2: "plateau (mixture cure Weibull)"}


def binomial_ci(events: int = EVENTS_FREE, n: int = INFUSED) -> tuple[float, float]:
    """Exact (Clopper-Pearson) 95% CI of the share events / n (:func:`.common.clopper_pearson`)."""
    return clopper_pearson(events, n)


def pfs_at_60(samples: dict[str, Any]) -> np.ndarray:
    """Cilta-cel PFS at 60 months of each sample's drawn curve (the alternative it drew)."""
    cure = cure_names("pfs_cilta")
    theta, shape, scale = (np.asarray(samples[cure[p]]) for p in ("theta", "shape", "scale"))
    plateau = theta + (1.0 - theta) * np.exp(-((60.0 / scale) ** shape))
    none = np.exp(-60.0 * np.asarray(samples[exp_rate_name("pfs_cilta")]))
    return np.where(np.asarray(samples["cart_pfs_plateau"]) == 2, plateau, none)


def _increments(spec: ModelSpec, results: Any) -> tuple[np.ndarray, np.ndarray]:
    dc = (results["total_costs"].sel(strategy=CART) - results["total_costs"].sel(strategy=BSAB)).values
    dq = (results["qalys"].sel(strategy=CART) - results["qalys"].sel(strategy=BSAB)).values
    return np.asarray(dc, dtype=float), np.asarray(dq, dtype=float)


def plateau_rows(spec: ModelSpec, n: int = SAMPLES) -> list[dict[str, float | str]]:
    """One row per alternative and one averaged: share of samples, mean incremental costs and QALYs of
    CAR-T versus the bispecific, the deterministic incremental QALYs, P(cost-effective) at EUR 50,000 and
    80,000 per QALY, and the shares of 5-year PFS within the CI of 32/97 and above :data:`HIGH_PFS`."""
    from hecon.engine.run import run_model
    from hecon.model.distributions import draw_parameters

    samples = draw_parameters(spec.parameters, n, spec.settings.seed)
    dc, dq = _increments(spec, run_model(spec, samples))
    pfs60 = pfs_at_60(samples)
    low, high = binomial_ci()
    drawn = np.asarray(samples["cart_pfs_plateau"])
    rows: list[dict[str, float | str]] = []
    for label, mask, position in [(_LABELS[1], drawn == 1, 1), (_LABELS[2], drawn == 2, 2), ("both", drawn > 0, 0)]:
        det = float("nan")
        if position:
            _, det_q = _increments(spec, run_model(spec.with_parameters({"cart_pfs_plateau": position})))
            det = float(det_q[0])
        row: dict[str, float | str] = {
            "alternative": label,
            "share": float(np.mean(mask)),
            "costs": float(np.mean(dc[mask])),
            "qalys": float(np.mean(dq[mask])),
            "deterministic_qalys": det,
            "pfs60_in_ci": float(np.mean((pfs60[mask] >= low) & (pfs60[mask] <= high))),
            "pfs60_high": float(np.mean(pfs60[mask] > HIGH_PFS)),
        }
        for w in _WTP:
            row[f"p_ce_{w:.0f}"] = float(np.mean(w * dq[mask] - dc[mask] > 0))
        rows.append(row)
    return rows


def plateau_table(st_spec: ModelSpec, ps_spec: ModelSpec, n: int = SAMPLES) -> str:
    """:func:`plateau_rows` of both structures as a markdown table."""
    low, high = binomial_ci()
    lines = [
        "| Structure | Cilta-cel PFS | Share of samples | Mean incremental costs (EUR) | Mean incremental QALYs "
        "| Deterministic incremental QALYs | P(cost-effective) at EUR 50,000 / 80,000 "
        f"| 5-year PFS within {low:.3f}–{high:.3f} | 5-year PFS > {HIGH_PFS:.2f} |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for structure, spec in (("ST", st_spec), ("PS", ps_spec)):
        for r in plateau_rows(spec, n):
            det = r["deterministic_qalys"]
            lines.append(
                f"| {structure} | {r['alternative']} | {r['share']:.0%} | {r['costs']:,.0f} | {r['qalys']:.2f} "
                f"| {'' if math.isnan(float(det)) else f'{det:.2f}'} | {r['p_ce_50000']:.0%} / {r['p_ce_80000']:.0%} "
                f"| {r['pfs60_in_ci']:.0%} | {r['pfs60_high']:.0%} |"
            )
    return "\n".join(lines)
