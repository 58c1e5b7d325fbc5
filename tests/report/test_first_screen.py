"""The first screen of the report: the decision at the reference value with its derivation, the
threshold prices, the main driver, and a loud warning (report and command line) when the headline
willingness to pay is not a reference value derived from the disease burden."""

from __future__ import annotations

import dataclasses

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.report.sections import key_results_section
from hecon.workbook import write_workbook
from tests.models import full_model


def test_without_utility_norms_the_fallback_is_a_loud_warning_in_report_and_cli(textbook_20y, invoke, cwd):
    assert not textbook_20y.utility_norms
    results = summarise_run(run_analysis(textbook_20y, progress=False))
    warning = results.headline.warning
    first_wtp = textbook_20y.settings.wtp[0]
    assert f"{first_wtp:,.0f} per QALY" in warning and "UtilityNorms sheet is empty" in warning
    assert "not a reference value" in warning
    section = key_results_section(results)
    assert section.warnings == [warning[:1].upper() + warning[1:] + "."]

    path = cwd / "textbook.xlsx"
    write_workbook(textbook_20y, path)
    result = invoke("run", path, "--out", "rep")
    assert result.exit_code == 0, result.output
    assert f"warning: {warning}" in result.stderr
    page = (cwd / "rep" / "report.html").read_text(encoding="utf-8")
    assert '<p class="warning"><strong>Warning:</strong> The headline willingness to pay' in page


def test_with_a_reference_value_the_first_screen_states_its_derivation_thresholds_and_driver():
    spec = full_model()
    results = summarise_run(run_analysis(spec, seed=3, dsa=True, progress=False))
    head, burden = results.headline, results.burden.burden
    assert head.is_reference_value and head.warning == ""
    text = " ".join(key_results_section(results).bullets)
    # the decision, with the reference value's derivation (shortfall of the comparator's patients)
    ps = f"{burden.proportional_shortfall:.3g}"
    assert f"proportional QALY shortfall {ps} of patients under {burden.comparator}: {burden.burden_class}" in text
    assert f"{head.optimal} has the highest net monetary benefit." in text
    # the threshold value of the Thresholds sheet's query, with the parameter's description and unit
    t = results.thresholds[0]
    p = spec.parameter(t.parameter)
    assert t.found
    assert f"{t.strategy} becomes cost-effective against {t.comparator}" in text
    # named by its description (lower case), never its code name; the unit with the value
    assert p.description == "One-off product price" and p.unit == "EUR"
    assert f"when the one-off product price is EUR {t.value:,.0f}" in text
    assert t.parameter not in text
    # the options no query asks about, and why they have no threshold price
    assert t.strategy == "One-off therapy" and len(results.thresholds) == 1
    assert (
        "No threshold price is given for Standard care and Continuous therapy: the Thresholds sheet has no "
        "query for them" in text
    )
    # the main driver: the first tornado row of each strategy, by its description
    for strategy, rows in results.dsa.tornado.items():
        title = spec.parameter(rows[0].parameter).description
        assert f"for {strategy}, the {title[0].lower()}{title[1:]}: " in text
    assert "Main driver of the result" in text


def test_no_decision_sentence_without_a_positive_willingness_to_pay():
    spec = full_model()
    spec = dataclasses.replace(
        spec, utility_norms=(), thresholds=(), settings=dataclasses.replace(spec.settings, wtp=())
    )
    results = summarise_run(run_analysis(spec, progress=False))
    bullets = key_results_section(results).bullets
    assert not any("highest net monetary benefit." in b for b in bullets)
    assert "no willingness-to-pay value in the settings" in results.headline.warning


def test_threshold_values_have_four_significant_digits_and_units_name_no_code():
    """ "6.93204 EUR per mg" and "share of cart_price" reached the committee."""
    from hecon.report.first_screen import threshold_sentences

    spec = full_model()
    spec = dataclasses.replace(
        spec,
        parameters=tuple(
            dataclasses.replace(p, unit="share of c_drug") if p.name == "c_product" else p for p in spec.parameters
        ),
    )
    results = summarise_run(run_analysis(spec, progress=False))
    (t,) = results.thresholds
    fake = dataclasses.replace(t, value=6.932041, base=70.0, found=True, icer_at_lower=1.0, icer_at_upper=2.0)
    (found, unasked) = threshold_sentences(dataclasses.replace(results, thresholds=(fake,)))
    drug = spec.parameter("c_drug").description
    assert drug == "Drug per cycle on treatment"
    assert f"is 6.932 times the {drug} or less (base case 70 times the {drug})" in found
    assert "c_drug" not in found and "6.93204" not in found
    assert unasked.startswith("No threshold price is given for Standard care and Continuous therapy:")
    ask_all = dataclasses.replace(
        results, thresholds=tuple(dataclasses.replace(fake, strategy=s) for s in spec.options)
    )
    assert not any(x.startswith("No threshold price") for x in threshold_sentences(ask_all))


def test_a_threshold_inside_the_parameters_range_says_that_input_decides_the_pair():
    """The RRMM teclistamab price: its threshold against CAR-T lies between the Swiss and US prices, so
    the first screen says the price decides the pair; a threshold outside the range says nothing more."""
    from hecon.report.first_screen import threshold_sentences

    spec = full_model()
    results = summarise_run(run_analysis(spec, progress=False))
    (t,) = results.thresholds

    def with_range(low: float, high: float) -> list[str]:
        params = tuple(
            dataclasses.replace(p, dsa_low=low, dsa_high=high) if p.name == t.parameter else p for p in spec.parameters
        )
        fake = dataclasses.replace(t, value=120000.0, found=True, icer_at_lower=1.0, icer_at_upper=2.0)
        return threshold_sentences(
            dataclasses.replace(results, spec=dataclasses.replace(spec, parameters=params), thresholds=(fake,))
        )

    inside = with_range(200000.0, 100000.0)[0]  # either order
    assert inside.endswith(
        f" That lies within the range considered for it (EUR 100,000 to EUR 200,000), so this input decides between "
        f"{t.strategy} and {t.comparator}."
    )
    assert "decides" not in with_range(130000.0, 200000.0)[0]
    assert "decides" not in with_range(0.0, 0.0)[0]


def test_a_strategy_that_loses_qalys_is_cost_effective_below_its_threshold_price():
    """The RRMM bispecific against CAR-T loses QALYs and saves money: it is cost-effective when its saving
    per QALY lost exceeds the wtp, i.e. at prices at or below the threshold (the ICER, a saving per QALY
    lost, falls as the price rises). It was worded 'or more' because the ICER falls with the price."""
    from hecon.report.first_screen import threshold_sentences

    results = summarise_run(run_analysis(full_model(), progress=False))
    (t,) = results.thresholds
    # south-west quadrant: saving per QALY lost 150,000 at the lower end, 20,000 at the upper (wtp in between)
    sw = dataclasses.replace(
        t, value=50.0, found=True, icer_at_lower=150_000.0, icer_at_upper=20_000.0, incremental_qalys_at_value=-1.0
    )
    ne = dataclasses.replace(sw, icer_at_lower=20_000.0, icer_at_upper=150_000.0, incremental_qalys_at_value=1.0)
    assert t.wtp < 150_000.0 and t.wtp > 20_000.0
    assert " or less (base case" in threshold_sentences(dataclasses.replace(results, thresholds=(sw,)))[0]
    assert " or less (base case" in threshold_sentences(dataclasses.replace(results, thresholds=(ne,)))[0]
    rising = dataclasses.replace(ne, icer_at_lower=150_000.0, icer_at_upper=20_000.0)  # e.g. a utility
    assert " or more (base case" in threshold_sentences(dataclasses.replace(results, thresholds=(rising,)))[0]
