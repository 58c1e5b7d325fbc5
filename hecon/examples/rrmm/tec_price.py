"""The teclistamab price decides the primary pair (one-time CAR-T vs the weekly bispecific): the
docs/rrmm.md blocks ``tec_price`` and ``tec_price_text``, from runs at three prices (the base case,
ZIN's > 40% cut of it and the US launch price) in both model structures.

No Dutch list price of teclistamab is public, so the base case uses the Swiss list price in euros
(:data:`.bispecifics.TEC_PRICE_EUROPE`, tag G). Every teclistamab cost is the price per mg times
the billed mg, and no QALY depends on the price, so the incremental costs of CAR-T over the
bispecific are linear in the price p [EUR per mg]: ΔC(p) = ΔC0 + s (p - p0) with
s = (ΔC1 - ΔC0) / (p1 - p0) from two runs (p0, p1). CAR-T's ICER against the bispecific equals the
willingness to pay λ where ΔC(p) = λ ΔQ, at the threshold price p* = p0 + (λ ΔQ - ΔC0) / s
(ICER = ΔC / ΔQ; Drummond et al., Methods for the Economic Evaluation of Health Care Programmes,
4th ed., 2015, ch. 11 on threshold analysis). With s < 0 (a dearer bispecific makes CAR-T
relatively cheaper) the bispecific is the better buy at λ when its price is below p*.
"""

from __future__ import annotations

from typing import Any

from hecon.examples.rrmm.strategies import BSAB, CART
from hecon.model.spec import ModelSpec

#: The teclistamab price parameter [EUR per mg] and the scenarios at the other two prices.
PRICE = "tec_price_per_mg"
CUT = "Teclistamab price -40%"
US = "Teclistamab price: US list price"
#: The willingness-to-pay values of the table [EUR per QALY].
WTPS = (50_000.0, 80_000.0)
STRUCTURE_NAMES = {"st": "State transition", "ps": "Partitioned survival"}

Run = tuple[ModelSpec, Any]


def price(spec: ModelSpec) -> float:
    """The run's teclistamab price [EUR per mg]."""
    return float(spec.parameter(PRICE).value)


def increments(run: Run) -> tuple[float, float]:
    """Incremental costs [EUR] and QALYs of one-time CAR-T over the weekly bispecific (discounted)."""
    r = run[1]

    def v(name: str, s: str) -> float:
        return float(r[name].sel(strategy=s).isel(sample=0))

    return v("total_costs", CART) - v("total_costs", BSAB), v("qalys", CART) - v("qalys", BSAB)


def threshold_price(base: Run, other: Run, wtp: float) -> float | None:
    """The teclistamab price [EUR per mg] at which CAR-T's ICER against the bispecific is ``wtp``
    (see the module docs); None when the QALY gain or the slope is 0 (no such price)."""
    (c0, q0), (c1, _) = increments(base), increments(other)
    p0, p1 = price(base[0]), price(other[0])
    slope = (c1 - c0) / (p1 - p0)
    if slope == 0 or q0 == 0:
        return None
    return p0 + (wtp * q0 - c0) / slope


def _icer_words(run: Run | None) -> str:
    from hecon.analysis.incremental import describe_icer

    if run is None:
        return "not run"
    return describe_icer(*increments(run))


def _threshold_words(value: float | None) -> str:
    if value is None:
        return "no such price"
    if value < 0:
        return "no price (CAR-T is preferred even with a free bispecific)"
    return f"EUR {value:,.2f} per mg"


def price_table(st: dict[str | None, Run], ps: dict[str | None, Run]) -> str:
    """Per structure: CAR-T versus the bispecific at the three prices, and the price below which the
    bispecific is the better buy at each of :data:`WTPS`, as a markdown table."""
    prices = {name: price(st[name][0]) for name in (CUT, None, US)}
    labels = {CUT: "ZIN -40%", None: "base case", US: "US list price"}
    head = (
        "| Structure | "
        + " | ".join(f"CAR-T vs bispecific at EUR {prices[n]:.2f}/mg ({labels[n]})" for n in (CUT, None, US))
        + " | "
        + " | ".join(f"bispecific preferred at EUR {w:,.0f} per QALY when its price is below" for w in WTPS)
        + " |"
    )
    lines = [head, "|---|" + "---|" * (3 + len(WTPS))]
    for key, runs in (("st", st), ("ps", ps)):
        if None not in runs:
            continue
        cells = [_icer_words(runs.get(n)) for n in (CUT, None, US)]
        cells += [_threshold_words(threshold_price(runs[None], runs[CUT], w)) for w in WTPS]
        lines.append(f"| {STRUCTURE_NAMES[key]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def price_text(st: dict[str | None, Run], ps: dict[str | None, Run]) -> str:
    """Where each threshold price lies against the price's range (ZIN's cut to the US price), in
    sentences: inside it, the teclistamab price decides the primary pair."""
    p = st[None][0].parameter(PRICE)
    low, high = sorted((float(p.dsa_low), float(p.dsa_high)))  # type: ignore[arg-type]
    inside: list[str] = []
    above: list[str] = []
    below: list[str] = []
    for key, runs in (("st", st), ("ps", ps)):
        if None not in runs:
            continue
        for w in WTPS:
            v = threshold_price(runs[None], runs[CUT], w)
            where = f"{STRUCTURE_NAMES[key].lower()} version at EUR {w:,.0f} per QALY"
            if v is None:
                continue
            (inside if low <= v <= high else above if v > high else below).append(f"{where} (EUR {v:,.2f})")
    parts = [
        f"The price range considered runs from EUR {low:.2f} per mg (ZIN's > 40% cut of the base-case price) to "
        f"EUR {high:.2f} per mg (the US launch price); the base case is EUR {price(st[None][0]):.2f} per mg, the "
        "Swiss list price in euros, since no Dutch list price is public."
    ]
    if above:
        parts.append("The bispecific is preferred at every price in that range in the " + "; ".join(above) + ".")
    if below:
        parts.append("CAR-T is preferred at every price in that range in the " + "; ".join(below) + ".")
    if inside:
        parts.append(
            "The threshold price lies inside the range in the "
            + "; ".join(inside)
            + ": there **the teclistamab price decides the primary pair**, and the report's first screen says so "
            "next to the threshold price at the reference value (Thresholds sheet)."
        )
    else:
        parts.append(
            "No threshold price lies inside the range: the price does not change which of the pair is preferred."
        )
    return " ".join(parts)
