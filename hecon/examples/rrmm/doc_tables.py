"""The tables of docs/rrmm.md that come from a run: base-case results, both model structures side by
side, the fitted curves, the external survival checks, the face-validity checks, the subgroups and the
re-dosing headroom (``python -m hecon.examples.rrmm.doc_tables`` prints them; ``tests/examples/test_rrmm.py``,
``tests/examples/test_rrmm_fits.py`` and ``tests/examples/test_rrmm_subgroups.py`` check that docs/rrmm.md
contains them as printed from a fresh run). Every table runs over the model's strategies, so strategies
added to the example appear in it.

Sources: the model (:func:`hecon.examples.rrmm.rrmm_model`), :data:`.survival.EXTERNAL_CHECKS`,
:data:`.published_results.PUBLISHED_RESULTS` (Wu et al. 2022; MAMMOTH), Zorginstituut Nederland 2025, Jagannath et al. 2025,
:func:`.subgroups.subgroups` and :data:`.decision.HEADROOM`.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from hecon.examples.rrmm.outputs import external_check_value, landmark, survival_medians, tfi_metrics
from hecon.examples.rrmm.published_results import published
from hecon.examples.rrmm.strategies import BSAB, CART, OPTIONS, RWPC, STRATEGIES
from hecon.examples.rrmm.survival import (
    DERIVED_INPUTS,
    EXTERNAL_CHECKS,
    NOT_A_CHECK,
    ONE_SIDED,
    OUTSIDE,
    PARTLY_DEPENDENT,
    WEAK,
    WITHIN,
    DerivedInput,
    ExternalCheck,
)
from hecon.model.spec import PARTITIONED_SURVIVAL, ModelSpec, SurvivalPoint

#: A run: its spec and results (xarray Dataset of hecon.engine.run.run_model).
Run = tuple[ModelSpec, Any]
#: Scenario whose CAR-T is ide-cel, and the teclistamab price that ZIN's condition sets.
IDE_CEL = "CAR-T product: ide-cel"
TEC_PRICE_CUT = "Teclistamab price -40%"
TEC_PRICE_US = "Teclistamab price: US list price"


def _value(results: Any, name: str, strategy: str) -> float:
    return float(results[name].sel(strategy=strategy)[0])


def results_table(results: Any) -> str:
    """Base-case costs, QALYs, LYs (discounted), treatment burden (undiscounted) and each strategy
    versus the weekly bispecific (the primary comparison) and versus RWPC (the historical reference),
    in words (:func:`hecon.analysis.incremental.describe_icer`), as a markdown table."""
    from hecon.analysis.incremental import describe_icer

    lines = [
        "| Strategy | Costs (EUR) | QALYs | LYs | Years on treatment | TF years | Share of LYs TF | Hospital days "
        "| vs weekly bispecific (primary) | vs RWPC (historical reference) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def versus(reference: str, c: float, q: float) -> str:
        if s == reference:
            return "reference"
        return describe_icer(c - _value(results, "total_costs", reference), q - _value(results, "qalys", reference))

    for s in STRATEGIES:
        c, q, ly = _value(results, "total_costs", s), _value(results, "qalys", s), _value(results, "lys", s)
        m = tfi_metrics(results, s)
        lines.append(
            f"| {s} | {c:,.0f} | {q:.2f} | {ly:.2f} | {m['years_on_treatment']:.2f} | {m['treatment_free_years']:.2f} "
            f"| {m['share_treatment_free']:.0%} | {m['hospital_days']:.1f} | {versus(BSAB, c, q)} | {versus(RWPC, c, q)} |"
        )
    return "\n".join(lines)


def incremental_table(results: Any) -> str:
    """Full incremental analysis of the base case among the decision's options (efficiency frontier,
    dominance in words, sequential ICERs [EUR per QALY]; RWPC, the historical reference, is outside
    it, as in the report) as a markdown table (:func:`hecon.analysis.incremental.incremental_analysis`)."""
    from hecon.analysis.incremental import incremental_analysis

    costs = [_value(results, "total_costs", s) for s in OPTIONS]
    qalys = [_value(results, "qalys", s) for s in OPTIONS]
    lines = [
        "| Strategy (by cost) | Status | Compared with | Incremental costs | Incremental QALYs | ICER (EUR/QALY) |"
    ]
    lines.append("|---|---|---|---|---|---|")
    for row in incremental_analysis(OPTIONS, costs, qalys):
        if row.comparator is None:
            lines.append(f"| {row.strategy} | {row.status} | | | | |")
        else:
            lines.append(
                f"| {row.strategy} | {row.status} | {row.comparator} | {row.incremental_cost:,.0f} "
                f"| {row.incremental_effect:.2f} | {row.icer:,.0f} |"
            )
    return "\n".join(lines)


def _has(results: Any, strategy: str) -> bool:
    return strategy in [str(x) for x in results["strategy"].values]


def structures_table(st: Any, ps: Any) -> str:
    """Both model structures side by side: discounted costs, QALYs, LYs and each strategy versus the
    weekly bispecific (the primary comparison), in words; a strategy without a partitioned-survival
    version says so (:data:`hecon.examples.rrmm.partitioned.NO_PARTITION_REASON`)."""
    from hecon.analysis.incremental import describe_icer
    from hecon.examples.rrmm.partitioned import NO_PARTITION_REASON

    lines = [
        "| Strategy | Costs, ST (EUR) | Costs, PS (EUR) | QALYs, ST | QALYs, PS | LYs, ST | LYs, PS "
        "| vs weekly bispecific, ST | vs weekly bispecific, PS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in [str(x) for x in st["strategy"].values]:
        row = [s]
        cells: list[tuple[str, str, str, str] | None] = []
        for r in (st, ps):
            if not _has(r, s):
                cells.append(None)
                continue
            c, q = _value(r, "total_costs", s), _value(r, "qalys", s)
            vs = (
                "reference"
                if s == BSAB
                else describe_icer(c - _value(r, "total_costs", BSAB), q - _value(r, "qalys", BSAB))
            )
            cells.append((f"{c:,.0f}", f"{q:.2f}", f"{_value(r, 'lys', s):.2f}", vs))
        none = ("no partitioned version: " + NO_PARTITION_REASON,) + ("",) * 3
        a, b = cells[0] or none, cells[1] or none
        row += [a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def alternatives_table(st_spec: ModelSpec, ps_spec: ModelSpec) -> str:
    """The deterministic result of each structural alternative (structure x cilta-cel PFS plateau,
    with the weights the PSA draws them with) and their weighted expectation
    (:mod:`hecon.analysis.structural_expectation`, as the report's section "Deterministic results by
    structural alternative"): each strategy versus the weekly bispecific, in words; the headline (the
    deterministic base case above) is marked."""
    from hecon.analysis.run import structural_alternative_runs
    from hecon.analysis.structural_expectation import structural_expectation

    exp = structural_expectation(structural_alternative_runs(st_spec, ps_spec), BSAB)
    assert exp is not None
    others = [x.name for x in st_spec.strategies if x.name != BSAB]
    lines = [
        "| Alternative | Weight | " + " | ".join(f"{x} vs weekly bispecific" for x in others) + " |",
        "|---|---|" + "---|" * len(others),
    ]
    for alt in (*exp.alternatives, exp.expected):
        versus = {inc.strategy: inc for inc in alt.versus_comparator}
        cells = []
        for x in others:
            inc = versus.get(x)
            if inc is None:
                cells.append("no partitioned version" if alt is not exp.expected else "ST only (see above)")
            else:
                cells.append(f"{inc.incremental_cost:,.0f} / {inc.incremental_qalys:.2f}: {inc.description}")
        label = (
            "**Weighted expectation**" if alt is exp.expected else alt.label + (" (headline)" if alt.headline else "")
        )
        lines.append(f"| {label} | {alt.weight:.0%} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fits_table() -> str:
    """Every fitted curve: the published points it was fitted to, the chosen family with its AIC,
    the lowest AIC of the other families, and its parameters (:mod:`hecon.examples.rrmm.fitted`)."""
    from hecon.examples.rrmm.fitted import FITTED, aic_table, chosen_fits, tied_cure_fit
    from hecon.examples.rrmm.survival import survival_points

    points = survival_points()
    lines = [
        "| Curve | Published points fitted | Family (AIC) | Lowest AIC of the other families | Parameters |",
        "|---|---|---|---|---|",
    ]
    for c in FITTED:
        mine = [p for p in points if p.strategy == c.strategy and p.endpoint == c.endpoint]
        shown = []
        for p in mine:
            if p.kind == "median":
                shown.append(f"median {p.value:g}")
            elif p.kind == "survival":
                shown.append(f"S({p.time:g}) = {p.value:.3f}")
            else:
                shown.append(f"n = {p.value:g}")
        aic = aic_table()[c.prefix]
        chosen = aic[c.chosen]
        other = min(a for label, a in aic.items() if label != c.chosen)
        fits = chosen_fits(c.prefix)
        params = "; ".join(
            f"{'cure Weibull ' if f.cure else ''}"
            + ", ".join(f"{k} {v:.4g}" for k, v in f.estimates.items())
            + ("" if not f.cure else f" (AIC {f.aic:.2f})")
            for f in fits
        )
        if c.cure_given:
            tied = tied_cure_fit(c.prefix)
            params += f"; cure Weibull at the theta of {c.cure_given} ({tied.theta:.4g}): " + ", ".join(
                f"{k} {v:.4g}" for k, v in tied.estimates.items()
            )
        lines.append(
            f"| {c.prefix} ({c.strategy}, {c.endpoint}) | {', '.join(shown)} | {c.chosen} ({chosen:.2f}) | "
            f"{other:.2f} | {params} |"
        )
    return "\n".join(lines)


def _check_format(check: ExternalCheck) -> str:
    """How a check's values are shown: a share, a hazard ratio or months."""
    if check.endpoint == "os_hr":
        return "{:.2f}"
    return "{:.1%}" if check.month is not None else "{:.1f} months"


def external_check_verdict(check: ExternalCheck, got: float) -> str:
    """The verdict of ``check`` on the model value ``got``: no external check, within or outside its range."""
    if check.verdict == NOT_A_CHECK:
        return NOT_A_CHECK
    return WITHIN if check.accepts(got) else OUTSIDE


#: A check within its range is at the edge when the model value lies in the outer tenth of a closed range, or within
#: 5% of the one end of a range open on the other side: a small change of an input would change its verdict.
EDGE_SHARE_OF_WIDTH, EDGE_SHARE_OF_BOUND = 0.10, 0.05
AT_THE_EDGE = "at the edge of its range"


def at_the_edge(check: ExternalCheck, got: float) -> bool:
    """Whether ``got``, within ``check``'s range, lies at its edge (:data:`EDGE_SHARE_OF_WIDTH`,
    :data:`EDGE_SHARE_OF_BOUND`)."""
    if external_check_verdict(check, got) != WITHIN:
        return False
    if check.low is not None and check.high is not None:
        return min(got - check.low, check.high - got) < EDGE_SHARE_OF_WIDTH * (check.high - check.low)
    bound = check.low if check.low is not None else check.high
    assert bound is not None
    return abs(got - bound) < EDGE_SHARE_OF_BOUND * abs(bound)


def verdict_cell(check: ExternalCheck, got: float) -> str:
    """The verdict in bold with what weakens the check: its caveats (:attr:`ExternalCheck.notes`, one-sided for a range
    open on one side) and, when within, whether at the edge."""
    verdict = external_check_verdict(check, got)
    notes = [*check.notes, *([AT_THE_EDGE] if at_the_edge(check, got) else [])]
    return f"**{verdict}**" + (f" ({', '.join(notes)})" if notes else "")


def distinct_checks(values: list[tuple[ExternalCheck, float]]) -> list[tuple[ExternalCheck, float]]:
    """The rows that are distinct checks: a row that repeats an earlier one of the other structure with the same label,
    scenario, endpoint, time and source value and the same model value (to 1e-9, relative) tests the same curve
    against the same value and is left out."""
    out: list[tuple[ExternalCheck, float]] = []
    for c, g in values:
        key = (c.label, c.scenario, c.endpoint, c.month, c.source)
        if not any(
            (d.label, d.scenario, d.endpoint, d.month, d.source) == key
            and d.structure != c.structure
            and math.isclose(g, h, rel_tol=1e-9)
            for d, h in out
        ):
            out.append((c, g))
    return out


def external_checks_summary(values: list[tuple[ExternalCheck, float]]) -> str:
    """One sentence counting the distinct checks (:func:`distinct_checks`) by verdict, and those within their range
    that are weakened (partly dependent, one-sided or weak, or at the edge), so the table's weak rows are not read as
    strong ones."""
    distinct = distinct_checks(values)
    repeats = len(values) - len(distinct)
    verdicts = [(c, g, external_check_verdict(c, g)) for c, g in distinct]
    within = [(c, g) for c, g, v in verdicts if v == WITHIN]
    outside = sum(v == OUTSIDE for _, _, v in verdicts)
    none = sum(v == NOT_A_CHECK for _, _, v in verdicts)
    weak = [bool(c.notes or at_the_edge(c, g)) for c, g in within]
    weakened = [c for (c, _), w in zip(within, weak) if w]
    independent = [c for (c, _), w in zip(within, weak) if not w]
    by = {note: sum(note in c.notes for c, _ in within) for note in (PARTLY_DEPENDENT, ONE_SIDED, WEAK)} | {
        AT_THE_EDGE: sum(at_the_edge(c, g) for c, g in within)
    }
    detail = ", ".join(f"{n} {note}" for note, n in by.items() if n)
    counted = (
        f"Of the {len(values)} rows, {repeats} repeat a row of the other structure (the same curve, source value and "
        f"model value) and are counted once; of the {len(distinct)} distinct rows"
        if repeats
        else f"Of the {len(values)} rows"
    )
    sources = len({c.cohorts or (c.label,) for c in independent})
    return (
        f"{counted}, {len(within)} are external checks within their range, {outside} outside and "
        f"{none} no external check; of the {len(within)} within, {len(weakened)} are weakened"
        + (f" ({detail}; a row can have more than one)" if detail else "")
        + f"; independent checks within their range: {len(independent)}"
        + (
            f", from {sources} source{'s' if sources != 1 else ''} (a source can check more than one curve)."
            if independent
            else "."
        )
    )


def derived_inputs_summary(values: list[tuple[ExternalCheck, float]], inputs: tuple[DerivedInput, ...]) -> str:
    """One sentence counting the derived or calibrated inputs (``inputs``, :data:`DERIVED_INPUTS`) by the strength of
    their checks: at least one external check without caveats (within or outside its range: a check that could fail
    either way), only weakened checks (partly dependent, one-sided, weak or at the edge; named), or none (a gap, G;
    named)."""
    checks = [(c, g) for c, g in distinct_checks(values) if external_check_verdict(c, g) != NOT_A_CHECK]
    strong, weak, none = [], [], []
    for item in inputs:
        name = item.name + (f" ({item.subgroup})" if item.subgroup else "")
        own = [(c, g) for c, g in checks if item.name in c.inputs and not item.subgroup]
        plain = [external_check_verdict(c, g) for c, g in own if not c.notes and not at_the_edge(c, g)]
        if plain:
            strong.append(f"{name} {WITHIN if WITHIN in plain else OUTSIDE}")
        elif own:
            weak.append(name)
        else:
            none.append(name)

    def named(names: list[str], tail: str = "") -> str:
        return f" ({', '.join(names)}{tail})" if names else ""

    return (
        f"By input: of the {len(inputs)} derived or calibrated inputs (`DERIVED_INPUTS`), {len(strong)} have an "
        f"external check without caveats{named(strong, '; within if one such check is, else outside')}, "
        f"{len(weak)} only weakened checks{named(weak)} and {len(none)} no external check"
        f"{named(none, ': a gap, G, with the search recorded in `DERIVED_INPUTS`')}."
    )


def external_check_values(
    runs: dict[str | None, Run], partitioned: dict[str | None, Run]
) -> list[tuple[ExternalCheck, float]]:
    """Each external check with the model's value (``runs`` and ``partitioned`` as :func:`external_checks_table`)."""
    out = []
    for check in EXTERNAL_CHECKS:
        spec, results = (partitioned if check.structure == PARTITIONED_SURVIVAL else runs)[check.scenario]
        out.append((check, external_check_value(spec, results, check)))
    return out


def external_checks_table(runs: dict[str | None, Run], partitioned: dict[str | None, Run]) -> str:
    """The external survival checks: model vs source, the accepted range with its basis and the verdict, as a
    markdown table. ``runs`` and ``partitioned`` map a scenario name (None: base case) to its state-transition, or
    partitioned-survival (:func:`hecon.analysis.structure.other_structure`), spec and results."""
    lines = [
        "| Structure | Check | Source | Model | Difference | Accepted range (basis) | Verdict | Why they differ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    values = external_check_values(runs, partitioned)
    for check, got in values:
        fmt = _check_format(check)
        # a row that is no external check may show another quantity than the source's (months per infused patient)
        diff = "not comparable" if check.endpoint == "pd_months" else f"{(got - check.source) / check.source:+.0%}"
        structure = "PS" if check.structure == PARTITIONED_SURVIVAL else "ST"
        if check.low is None and check.high is None:
            accepted = check.basis
        else:
            low = "-" if check.low is None else fmt.format(check.low)
            high = "no upper limit" if check.high is None else fmt.format(check.high)
            accepted = f"{low} to {high} ({check.basis})"
        lines.append(
            f"| {structure} | {check.label} | {fmt.format(check.source)} | {fmt.format(got)} | {diff} | "
            f"{accepted} | {verdict_cell(check, got)} | {check.reason or '-'} |"
        )
    return (
        "\n".join(lines)
        + "\n\n"
        + external_checks_summary(values)
        + " "
        + derived_inputs_summary(values, DERIVED_INPUTS)
    )


def published_points_table(st: Run, ps: Run) -> str:
    """The published survival points beside both structures' base case, as the report's Landmarks table
    computes them (:func:`hecon.analysis.model_survival.survival_summary`), each marked fitted or held out
    for that structure (SurvivalPoints ``fitted_in``) and, when held out, with the report's verdict against the
    source's 95% CI, as a markdown table."""
    from hecon.analysis.landmarks import HELD_OUT, LIKE_FOR_LIKE
    from hecon.analysis.model_survival import survival_summary

    def compared(run: Run) -> dict[int, Any]:
        spec, results = run
        trace = results["trace"]
        strategies = [str(s) for s in trace["strategy"].values]
        return {lm.point: lm for lm in survival_summary(trace, spec, strategies).landmarks}

    a, b = compared(st), compared(ps)
    lines = [
        "| Strategy | Point | Source | State transition | Partitioned survival | Comparison |",
        "|---|---|---|---|---|---|",
    ]

    def shown(lm: Any, value: float | None) -> str:
        if value is None:
            return "–"
        return f"{value:.1%}" if not lm.what.startswith("median") else f"{value:.1f}"

    def cell(lm: Any, run: Run) -> str:
        verdict = f", {lm.verdict}" if lm.fit == HELD_OUT else ""
        spec = run[0]
        if lm.fit == HELD_OUT and lm.lower is None and lm.upper is None:
            check = _external_check_of(spec.survival_points[lm.point - 1], spec.settings.structure)
            if check is not None and lm.model is not None:  # no CI published: the external check's range decides
                verdict = (
                    f", no 95% CI published; external check: {external_check_verdict(check, lm.model)} the "
                    f"{check.basis.split(':')[0]} (External checks)"
                )
        return f"{shown(lm, lm.model)} ({lm.fit}{verdict})"

    for point, lm in a.items():
        other = b.get(point)
        cells = [cell(lm, st), cell(other, ps) if other is not None else "no partitioned version"]
        comparison = (
            f"{LIKE_FOR_LIKE}: {lm.population}" if lm.comparison.startswith(LIKE_FOR_LIKE + ":") else lm.comparison
        )
        lines.append(f"| {lm.strategy} | {lm.what} | {shown(lm, lm.source)} | {cells[0]} | {cells[1]} | {comparison} |")
    return "\n".join(lines)


def _external_check_of(point: SurvivalPoint, structure: str) -> ExternalCheck | None:
    """The base-case external check of ``structure`` of the published ``point`` (same strategy, endpoint, time and
    value), or None."""
    for check in EXTERNAL_CHECKS:
        if (
            check.scenario is None
            and check.structure == structure
            and check.verdict != NOT_A_CHECK
            and (check.strategy, check.endpoint, check.month, check.source)
            == (point.strategy, point.endpoint.lower(), point.time if point.kind == "survival" else None, point.value)
        ):
            return check
    return None


# --------------------------------------------------------------------------------------
# Subgroups and the re-dosing headroom (issue 14)
# --------------------------------------------------------------------------------------


def subgroups_table(runs: dict[str, Any]) -> str:
    """Each subgroup (first: the whole population) with each strategy's discounted costs and QALYs
    and its comparison with the weekly bispecific in words, as a markdown table. ``runs`` maps a
    subgroup name to the model's results for it."""
    from hecon.analysis.incremental import describe_icer

    lines = [
        "| Subgroup | Strategy | Costs (EUR) | QALYs | LYs | vs weekly bispecific |",
        "|---|---|---|---|---|---|",
    ]
    for name, results in runs.items():
        ref_c, ref_q = _value(results, "total_costs", BSAB), _value(results, "qalys", BSAB)
        for s in STRATEGIES:
            c, q, ly = _value(results, "total_costs", s), _value(results, "qalys", s), _value(results, "lys", s)
            versus = "reference" if s == BSAB else describe_icer(c - ref_c, q - ref_q)
            lines.append(f"| {name} | {s} | {c:,.0f} | {q:.2f} | {ly:.2f} | {versus} |")
    return "\n".join(lines)


def headroom_table(result: Any) -> str:
    """The re-dosing headroom (:func:`hecon.analysis.two_way.two_way_threshold` of
    :data:`.decision.HEADROOM`): for each re-dosing efficacy of the grid up to the first at which
    re-dosing is cost-effective at no price share, the highest price share at which it is
    cost-effective against one-time CAR-T at each willingness to pay, as a markdown table."""
    wtps = [w for w in result.wtp if w >= 50_000]
    lines = [
        f"| {result.x} | " + " | ".join(f"highest {result.y}, EUR {w:,.0f} per QALY" for w in wtps) + " |",
        "|---|" + "---|" * len(wtps),
    ]
    for i, x in enumerate(result.x_values):
        shares = [result.boundary[w][i] for w in wtps]
        lines.append(f"| {x:.3f} | " + " | ".join("none" if v is None else f"{v:.3f}" for v in shares) + " |")
        if all(v is None for v in shares):
            break
    return "\n".join(lines)


def headroom_text(result: Any) -> str:
    """Where re-dosing becomes cost-effective, in a sentence per willingness to pay (>= 50,000)."""
    from hecon.analysis.incremental import describe_icer

    parts = []
    searched = (
        f"the grid searched ({result.x} {result.x_values[0]:g} to {result.x_values[-1]:g}, {result.y} "
        f"{result.y_values[0]:g} to {result.y_values[-1]:g})"
    )
    for w in (w for w in result.wtp if w >= 50_000):
        edge = [(x, v) for x, v in zip(result.x_values, result.boundary[w]) if v is not None]
        if not edge:
            inmb = result.inmb(w)
            j, i = divmod(int(inmb.argmax()), len(result.x_values))
            best = describe_icer(result.d_cost[j][i], result.d_qaly[j][i])
            anywhere = "cost-effective everywhere" if inmb.min() > 0 else "not cost-effective anywhere"
            parts.append(
                f"At EUR {w:,.0f} per QALY re-dosing is {anywhere} on {searched}; its best point, "
                f"{result.x} = {result.x_values[i]:g} at {result.y} = {result.y_values[j]:g}, comes to {best}."
            )
            continue
        (x0, v0), (x1, v1) = edge[0], edge[-1]
        falling = f", falling to {v1:.1%} at {result.x} = {x1:.2f}" if len(edge) > 1 else ""
        parts.append(
            f"At EUR {w:,.0f} per QALY re-dosing is cost-effective against one-time CAR-T only if a further course "
            f"costs at most {v0:.1%} of the product price at {result.x} = {x0:.2f} (its best efficacy on the grid)"
            f"{falling}; at {result.x} >= {result.x_values[len(edge)]:.2f} "
            f"not even a free further course is cost-effective (base case {result.x} = {result.base_x:g}, "
            f"{result.y} = {result.base_y:g})."
        )
    return " ".join(parts)


def subgroup_runs(spec: ModelSpec) -> dict[str, Any]:
    """The model's results for the whole population and each subgroup."""
    from hecon.engine.run import run_model
    from hecon.model.scenarios import apply_scenario

    runs: dict[str, Any] = {"Whole population": run_model(spec)}
    for sg in spec.subgroups:
        runs[sg.name] = run_model(apply_scenario(spec, sg))
    return runs


def _wu_reason(run: Run, product: str, qalys: str, survivors: str) -> str:
    """Why the model's incremental QALYs of a CAR-T product vs RWPC differ from Wu et al.'s, with the run's
    numbers: the product arm's 5-year survival and median OS, and the comparator's median OS against MAMMOTH's."""
    spec, r = run
    wu_q, wu_s = published(qalys).value, published(survivors).value
    mammoth = published("mammoth_os_median").value
    dq = _value(r, "qalys", CART) - _value(r, "qalys", RWPC)
    os60 = landmark(spec, r, CART, "os", 60.0)
    m_cart = survival_medians(spec, r, CART)["os_median"]
    m_rwpc = survival_medians(spec, r, RWPC)["os_median"]
    return (
        f"{product}: {dq:+.2f} QALYs in the model against Wu's {wu_q:+.2f}. The CAR-T arm is "
        f"{'longer' if os60 > wu_s else 'shorter'}-lived than Wu's ({os60:.1%} of the infused alive at 5 years, median "
        f"OS {m_cart:.1f} months, against Wu's {wu_s:.1%} long-term survivors), so the "
        f"{'smaller' if dq < wu_q else 'larger'} gain comes from the comparator: RWPC's median OS in the model is "
        f"{m_rwpc:.1f} months (LocoMMotion's PFS, then MAMMOTH's survival after progression), {m_rwpc / mammoth:.1f} "
        f"times MAMMOTH's {mammoth:g} months from refractoriness to a CD38 antibody (Wu's salvage chemotherapy); besides, the model counts CAR-T by intention to treat "
        "from apheresis, starts at 63 (Wu: 60) and discounts effects at 1.5%; Wu's QALY weights and life-years are "
        "not in the abstract (G)"
    )


def face_validity_table(st: dict[str | None, Run], ps: dict[str | None, Run]) -> str:
    """Face validity: incremental QALYs and LYs of the CAR-T products vs RWPC against Wu et al. 2022,
    teclistamab vs RWPC against ZIN's 2025 conclusion, and cilta-cel's 5-year PF share against
    CARTITUDE-1. ``st`` and ``ps`` map None (base case) and the scenarios :data:`IDE_CEL` and
    :data:`TEC_PRICE_CUT` to their runs (absent: no such version)."""
    from hecon.analysis.incremental import describe_icer

    lines = [
        "| Check | Source | State transition | Partitioned survival | Why they differ |",
        "|---|---|---|---|---|",
    ]

    def increments(run: Run | None, strategy: str) -> str:
        if run is None or not _has(run[1], strategy):
            return "no partitioned version"
        r = run[1]
        dq = _value(r, "qalys", strategy) - _value(r, "qalys", RWPC)
        dl = _value(r, "lys", strategy) - _value(r, "lys", RWPC)
        return f"{dq:+.2f} QALYs / {dl:+.2f} LYs"

    cilta, ide = published("wu2022_cilta_qalys"), published("wu2022_ide_qalys")
    lines.append(
        f"| cilta-cel vs RWPC | {cilta.value:+.2f} QALYs ({cilta.source}, {cilta.location}) | "
        f"{increments(st[None], CART)} | {increments(ps.get(None), CART)} | "
        f"{_wu_reason(st[None], 'cilta-cel', cilta.name, 'wu2022_cilta_survivors_5y')} |"
    )
    ide_run = st.get(IDE_CEL)
    ide_reason = (
        _wu_reason(ide_run, "ide-cel", ide.name, "wu2022_ide_survivors_5y") if ide_run is not None else "not run"
    )
    lines.append(
        f"| ide-cel vs RWPC (scenario) | {ide.value:+.2f} QALYs ({ide.source}, {ide.location}) | "
        f"{increments(ide_run, CART)} | {increments(ps.get(IDE_CEL), CART)} | {ide_reason}; ide-cel's OS has no "
        "partitioned fit |"
    )

    def icer(run: Run | None) -> str:
        if run is None:
            return "not run"
        r = run[1]
        return describe_icer(
            _value(r, "total_costs", BSAB) - _value(r, "total_costs", RWPC),
            _value(r, "qalys", BSAB) - _value(r, "qalys", RWPC),
        )

    lines.append(
        "| teclistamab vs RWPC, at the base-case price / with the price 40% lower | ZIN 2025: reimbursed only after a "
        f"price decrease of more than 40% | {icer(st[None])} / {icer(st.get(TEC_PRICE_CUT))} | "
        f"{icer(ps.get(None))} / {icer(ps.get(TEC_PRICE_CUT))} | the QALY gain over RWPC is small against the "
        "product cost per patient (decomposition below: the cut needed at EUR 80,000 per QALY and the QALY gain at "
        "which a 40% cut would suffice); the teclistamab price is the Swiss list price in euros (G) and the "
        "Dutch list price that ZIN's condition applies to was not found (medicijnkosten.nl, Farmacotherapeutisch "
        "Kompas and ZIN's 2024 and 2025 advice give no vial price) |"
    )

    def pf60(run: Run | None) -> str:
        if run is None or not _has(run[1], CART):
            return "no partitioned version"
        return f"{landmark(run[0], run[1], CART, 'pfs', 60.0):.1%}"

    lines.append(
        f"| cilta-cel alive and progression-free at 5 years (infused, from infusion) | 32/97 = {32 / 97:.1%} "
        f"(Jagannath 2025) | {pf60(st[None])} | {pf60(ps.get(None))} | not an independent check: the PFS fit includes "
        "32/97 at 60 months (with PFS(12), PFS(24) and the median); the exponential passes below it, the cure "
        "alternative through it |"
    )
    return "\n".join(lines)


def runs_for_docs() -> tuple[dict[str | None, Run], dict[str | None, Run]]:
    """Fresh state-transition and partitioned-survival runs of the base case and of the scenarios the
    tables need (full horizon)."""
    from hecon.analysis.structure import other_structure
    from hecon.engine.run import run_model
    from hecon.examples.rrmm.model import rrmm_model
    from hecon.model.scenarios import apply_scenario

    spec = rrmm_model()
    st: dict[str | None, Run] = {None: (spec, run_model(spec))}
    ps: dict[str | None, Run] = {}
    wanted = {c.scenario for c in EXTERNAL_CHECKS} | {IDE_CEL, TEC_PRICE_CUT, TEC_PRICE_US}
    named = [*spec.scenarios, *spec.subgroups]  # a check may need a subgroup's run
    for name, s in [(None, spec)] + [(sc.name, apply_scenario(spec, sc)) for sc in named if sc.name in wanted]:
        if name is not None:
            st[name] = (s, run_model(s))
        other = other_structure(s)
        ps_wanted = {None, TEC_PRICE_CUT, TEC_PRICE_US} | {
            c.scenario for c in EXTERNAL_CHECKS if c.structure == PARTITIONED_SURVIVAL
        }
        if other is not None and name in ps_wanted:
            ps[name] = (other, run_model(other))
    return st, ps


#: A generated block of docs/rrmm.md lies between these two lines (the first names the block).
BEGIN, END = (
    "<!-- generated: {} (python -m hecon.examples.rrmm.doc_tables --write docs/rrmm.md) -->",
    "<!-- end generated -->",
)


def blocks() -> dict[str, str]:
    """Every generated block of docs/rrmm.md by name, from fresh runs."""
    from hecon.analysis.two_way import two_way_threshold
    from hecon.examples.rrmm import plateau_psa, redose_conditions, sequence_tables, tec_decomposition, tec_price
    from hecon.examples.rrmm.decision import HEADROOM
    from hecon.examples.rrmm.psa_tables import decision_psa_table

    st, ps = runs_for_docs()
    base = st[None][1]
    spec = st[None][0]
    headroom = two_way_threshold(spec, HEADROOM, spec.settings.wtp)
    return {
        "results": results_table(base),
        "incremental": incremental_table(base),
        "tec_price": tec_price.price_table(st, ps),
        "tec_price_text": tec_price.price_text(st, ps),
        "structures": structures_table(base, ps[None][1]),
        "alternatives": alternatives_table(spec, ps[None][0]),
        "tec_decomposition": tec_decomposition.decomposition_block(
            st[None], st[TEC_PRICE_CUT], ps[None], ps[TEC_PRICE_CUT]
        ),
        "psa_decision": decision_psa_table(st[None][0], ps[None][0]),
        "plateau_psa": plateau_psa.plateau_table(st[None][0], ps[None][0]),
        "fits": fits_table(),
        "external_checks": external_checks_table(st, ps),
        "published_points": published_points_table(st[None], ps[None]),
        "face_validity": face_validity_table(st, ps),
        "subgroups": subgroups_table(subgroup_runs(spec)),
        "headroom": headroom_table(headroom),
        "headroom_text": headroom_text(headroom),
        "redose_conditions": redose_conditions.conditions_table(spec),
        "sequences": sequence_tables.versus_primary_table(base),
        "sequence_difference": sequence_tables.difference_text(spec),
        "costs_by_category": sequence_tables.cost_table(base),
    }


def fill(text: str, generated: dict[str, str]) -> str:
    """``text`` with each generated block replaced by its new content; a block named in ``text``
    that ``generated`` lacks, or one of ``generated`` that ``text`` lacks, is an error."""
    out, rest = [], text
    seen = set()
    while True:
        start = rest.find("<!-- generated: ")
        if start < 0:
            break
        name = rest[start + len("<!-- generated: ") :].split(" ", 1)[0]
        head = BEGIN.format(name)
        if not rest.startswith(head, start) or name not in generated:
            raise ValueError(f"docs: unknown or malformed generated block at {rest[start : start + 80]!r}")
        end = rest.find(END, start)
        if end < 0:
            raise ValueError(f"docs: the generated block {name!r} has no end line")
        out.append(rest[:start] + head + "\n" + generated[name] + "\n")
        rest = rest[end:]
        seen.add(name)
    missing = set(generated) - seen
    if missing:
        raise ValueError(f"docs: no generated block for {sorted(missing)}")
    return "".join(out) + rest


def main(argv: list[str]) -> None:
    """Print the generated blocks from fresh runs, or with ``--write PATH`` put them into PATH."""
    generated = blocks()
    if argv[:1] == ["--write"] and len(argv) == 2:
        path = Path(argv[1])
        text = fill(path.read_text(encoding="utf-8"), generated)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        print(f"wrote {path}")
        return
    for name, block in generated.items():
        print(BEGIN.format(name))
        print(block)
        print(END)
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
