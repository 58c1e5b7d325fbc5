"""The first screen of the report in plain sentences: the decision at the applicable reference
value and where that value comes from, the prices (threshold values) at which each strategy
becomes cost-effective, and the parameter that drives the result most (one-way analysis).

Every number is a field of :class:`~hecon.analysis.results.Results`; these functions only word
it (numbers written by :mod:`hecon.report.numbers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hecon.analysis.results import Results
from hecon.analysis.wording import title_of
from hecon.model.spec import OPTION
from hecon.report.numbers import count, money, percent, significant

#: A code name in a unit text: a word with an underscore (``cart_price``), never a plain word.
_CODE_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*\b")


def readable_unit(results: Results, unit: str) -> str:
    """``unit`` with each parameter's code name in it replaced by the parameter's description:
    ``share of cart_price`` -> ``share of CAR-T product price per infusion``."""
    described = {p.name: p.description for p in results.spec.parameters if p.description}
    return _CODE_NAME.sub(lambda m: described.get(m.group(0), m.group(0)), unit)


def _unit(results: Results, name: str) -> str:
    try:
        return readable_unit(results, str(results.spec.parameter(name).unit))
    except KeyError:
        return ""


def _parameter_words(results: Results, name: str) -> str:
    """``price of a further course relative to the first``: the parameter as a reader names it, by its
    description's first clause (:func:`hecon.analysis.wording.title_of`; lower case unless it starts
    with a name or an abbreviation), never its code name."""
    title = title_of(results.spec, name)
    return f"{title[0].lower()}{title[1:]}" if title[1:2].islower() and title[1:2].isalpha() else title


def _value_words(value: float, unit: str) -> str:
    """A parameter value with four significant digits and its unit, read as a sentence reads it:
    a share as a percentage (``60% of the CAR-T product price``; a share above 1 as ``1.5 times the
    ...``), a currency code before the
    number (``EUR 60.26 per mg``), any other unit after it (``1.5 months``).

    >>> _value_words(0.6, "share of the CAR-T product price"), _value_words(0.95, "share")
    ('60% of the CAR-T product price', '95%')
    >>> _value_words(70.0, "share of Drug per cycle")
    '70 times the Drug per cycle'
    >>> _value_words(60.2649, "EUR per mg"), _value_words(1.5, "months")
    ('EUR 60.26 per mg', '1.5 months')
    """
    first, _, rest = unit.strip().partition(" ")
    if first == "share" and 0.0 <= value <= 1.0:
        return f"{significant(100.0 * value, 4)}%{' ' + rest if rest else ''}"
    if first == "share":  # a multiple, not a part
        return f"{significant(value, 4)} times{' the ' + rest.removeprefix('of ') if rest else ''}"
    if len(first) == 3 and first.isalpha() and first.isupper():
        return f"{first} {significant(value, 4)}{' ' + rest if rest else ''}"
    return f"{significant(value, 4)} {unit}".strip()


def decision_sentence(results: Results) -> str:
    """The strategy with the highest net monetary benefit at the headline willingness to pay,
    with the derivation of that value (disease-burden class and the patients' proportional
    shortfall) when it is a reference value; "" without a decision."""
    head = results.headline
    if head.optimal is None:
        return ""
    cur = results.currency
    if head.is_reference_value and results.burden is not None:
        b = results.burden.burden
        where = (
            f", the reference value for this disease burden (proportional QALY shortfall "
            f"{significant(b.proportional_shortfall, 3)} of patients under {b.comparator}: {b.burden_class}),"
        )
    else:
        where = f" ({head.source})"
    text = f"At {money(head.wtp, cur)} per QALY{where} {head.optimal} has the highest net monetary benefit."
    check = results.structure_check
    if check is not None:
        text += f" (Deterministic base case, {check.structures[0]} version.)"
    return text


def reference_sentence(results: Results) -> str:
    """Which strategies are references (Strategies role) and why they are outside the decision,
    in words; "" without any."""
    refs = [s for s in results.spec.strategies if s.role != OPTION]
    if not refs:
        return ""
    names = " and ".join(s.name for s in refs)
    verb = "is a reference strategy" if len(refs) == 1 else "are reference strategies"
    why = "; ".join(
        s.description.rstrip(".") if len(refs) == 1 else f"{s.name}: {s.description.rstrip('.')}"
        for s in refs
        if s.description
    )
    return (
        f"{names} {verb}: run and reported for information (totals and comparison with "
        f"{results.comparator}), but not an option of the decision"
        + (f" ({why})" if why else "")
        + (". It is" if len(refs) == 1 else ". They are")
        + " therefore left out of the efficiency frontier, the acceptability curves (CEAC/CEAF), "
        "the probabilities of being cost-effective, EVPI/EVPPI, the decision and the threshold analyses."
    )


def threshold_sentences(results: Results) -> list[str]:
    """Per threshold query (Thresholds sheet): the value of the parameter (e.g. a price) at which
    the strategy becomes cost-effective against its comparator, and on which side of it; then
    the decision options that no query asks about, and why they have no such price."""
    return _found_sentences(results) + _unasked_sentences(results)


def _unasked_sentences(results: Results) -> list[str]:
    asked = {t.strategy for t in results.thresholds}
    unasked = [s for s in results.spec.options if s not in asked]
    if not unasked or len(results.spec.options) < 2:
        return []
    names = " and ".join([", ".join(unasked[:-1]), unasked[-1]] if len(unasked) > 1 else unasked)
    them = "them" if len(unasked) > 1 else "it"
    return [f"No threshold price is given for {names}: the Thresholds sheet has no query for {them}."]


def _found_sentences(results: Results) -> list[str]:
    cur = results.currency
    out = []
    for t in results.thresholds:
        unit = _unit(results, t.parameter)
        what = _parameter_words(results, t.parameter)
        if not t.found or t.value is None:
            out.append(
                f"{t.strategy} does not become cost-effective against {t.comparator} at {money(t.wtp, cur)} per "
                f"QALY for any {what} between {_value_words(t.lower, unit)} and {_value_words(t.upper, unit)}."
            )
            continue
        side = ""
        if t.icer_at_lower is not None and t.icer_at_upper is not None:
            # cost-effective at the lower end: an ICER below the wtp when the strategy gains QALYs, a saving
            # per QALY lost above it when it loses them (south-west quadrant: ICER = ΔC / ΔQ > 0 there too)
            loses = t.incremental_qalys_at_value is not None and t.incremental_qalys_at_value < 0
            cost_effective_low = t.icer_at_lower > t.wtp if loses else t.icer_at_lower < t.wtp
            side = " or less" if cost_effective_low else " or more"
        # a strategy already cost-effective at the base-case value stays so up to the threshold
        already = (t.base <= t.value) if side == " or less" else (t.base >= t.value) if side else False
        verb = "is cost-effective" if already else "becomes cost-effective"
        out.append(
            f"{t.strategy} {verb} against {t.comparator} at {money(t.wtp, cur)} per QALY when "
            f"the {what} is {_value_words(t.value, unit)}{side} (base case {_value_words(t.base, unit)}"
            + (", so it is cost-effective now)." if already else ").")
            + _decides(results, t.parameter, t.value, unit, f"{t.strategy} and {t.comparator}")
        )
    return out


def _decides(results: Results, name: str, value: float, unit: str, pair: str) -> str:
    """ " That lies within ...": when a threshold value lies within the parameter's one-way range
    (its plausible values, Parameters sheet dsa_low/dsa_high), that input decides the pair; "" else."""
    try:
        p = results.spec.parameter(name)
    except KeyError:
        return ""
    if p.dsa_low is None or p.dsa_high is None:
        return ""
    low, high = sorted((float(p.dsa_low), float(p.dsa_high)))
    if not low <= value <= high:
        return ""
    return (
        f" That lies within the range considered for it ({_value_words(low, unit)} to {_value_words(high, unit)}), "
        f"so this input decides between {pair}."
    )


def driver_sentence(results: Results) -> str:
    """The parameter with the largest swing of the incremental net monetary benefit of each
    strategy against the comparator (one-way analysis); "" without one."""
    dsa = results.dsa
    if dsa is None:
        return ""
    cur = results.currency
    parts = []
    refs = set(results.spec.references)
    # the decision's options first; a reference strategy (outside the decision) last, and said so
    for strategy in sorted(dsa.tornado, key=lambda s: s in refs):
        rows = dsa.tornado[strategy]
        if not rows:
            continue
        top = rows[0]
        who = f"{strategy} (a reference strategy, outside the decision)" if strategy in refs else strategy
        low, high = sorted((top.low, top.high))
        parts.append(
            f"for {who}, the {_parameter_words(results, top.parameter)}: the incremental net monetary benefit "
            f"ranges from {money(min(top.inmb_low, top.inmb_high), cur)} to "
            f"{money(max(top.inmb_low, top.inmb_high), cur)} as it goes from "
            f"{_value_words(low, readable_unit(results, top.unit))} "
            f"to {_value_words(high, readable_unit(results, top.unit))}"
        )
    if not parts:
        return ""
    return (
        f"Main driver of the result (one-way sensitivity analysis, versus {dsa.comparator} at "
        f"{money(dsa.tornado_wtp, cur)} per QALY): " + "; ".join(parts) + "."
    )


def probability_sentence(results: Results) -> str:
    """The probability that each decision option has the highest net monetary benefit at the headline
    willingness to pay, from the PSA the decision rests on: both model structures averaged when the model
    has both (:attr:`~hecon.analysis.results.Results.psa_structures`), else the PSA; "" without a PSA."""
    head = results.headline
    cur = results.currency
    pooled = results.psa_structures
    at_pooled = pooled.summary.at(head.wtp) if pooled is not None else None
    if pooled is not None and at_pooled is not None:
        text = (
            f"Probability of the highest net monetary benefit at {money(head.wtp, cur)} per QALY (PSA of both model "
            f"structures averaged, {count(pooled.n_samples)} samples): {_probabilities(at_pooled.ceac)}"
        )
        if pooled.only_in:
            names = list(pooled.only_in)
            listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
            text += (
                f"; {listed} {'is' if len(names) == 1 else 'are'} modelled in one structure only "
                "(their probabilities: Results overview)"
            )
        return text + "."
    psa = results.psa
    at = psa.at(head.wtp) if psa is not None else None
    if psa is None or at is None:
        return ""
    return (
        f"Probability of the highest net monetary benefit at {money(head.wtp, cur)} per QALY (PSA, "
        f"{count(psa.n_samples)} samples): {_probabilities(at.ceac)}."
    )


def _probabilities(ceac: Mapping[str, float]) -> str:
    """``One-time CAR-T 10%, Weekly bispecific 90%``: each option's probability, whole percentages."""
    return ", ".join(f"{name} {percent(p, 0)}" for name, p in ceac.items())


def driver_brief(results: Results) -> str:
    """:func:`driver_sentence` for the first screen: for each strategy on the efficiency frontier (each
    decision option when the comparator is the only one), the parameter with the largest swing of its
    incremental net monetary benefit versus the comparator (named without its bracketed detail), its range
    and that benefit's range, in one clause; "" without a one-way analysis."""
    dsa = results.dsa
    if dsa is None:
        return ""
    cur = results.currency
    options = [s for s in dsa.tornado if s in results.spec.options and dsa.tornado[s]]
    frontier = {r.strategy for r in results.base.incremental if r.on_frontier}
    chosen = [s for s in options if s in frontier] or options
    parts = []
    for strategy in chosen:
        top = dsa.tornado[strategy][0]
        low, high = sorted((top.low, top.high))
        unit = readable_unit(results, top.unit)
        what = _BRACKETED.sub("", _parameter_words(results, top.parameter))
        parts.append(
            f"for {strategy}, the {what}: from {_value_words(low, unit)} to {_value_words(high, unit)}, incremental "
            f"net monetary benefit {money(min(top.inmb_low, top.inmb_high), cur)} to "
            f"{money(max(top.inmb_low, top.inmb_high), cur)}"
        )
    if not parts:
        return ""
    others = "" if chosen == options else "; every strategy: Results overview"
    return (
        f"Main driver of the result (one-way sensitivity analysis, versus {dsa.comparator} at "
        f"{money(dsa.tornado_wtp, cur)} per QALY{others}): " + "; ".join(parts) + "."
    )


#: A bracketed remark in a parameter's description: `` (the others stop re-dosing for good)``.
_BRACKETED = re.compile(r"\s*\([^()]*\)")
