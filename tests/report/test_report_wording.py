"""Numbers inside the report's wording: a share too small to show and a distribution's arguments
(the texts expected are written out by hand)."""

from __future__ import annotations

import dataclasses

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.spec import Distribution
from hecon.report.decision import burden_section
from hecon.report.tables import inputs_table
from tests.models import full_model


def test_distribution_arguments_have_no_thousands_separators():
    spec = full_model()
    gamma = Distribution("gamma", {"mean": 3111.0, "se": 622.2})
    spec = dataclasses.replace(
        spec,
        parameters=tuple(
            dataclasses.replace(p, value=3111.0, distribution=gamma) if p.name == "c_pd" else p for p in spec.parameters
        ),
    )
    table = inputs_table(spec)
    column = [c.header for c in table.columns].index("PSA distribution")
    row = next(r for r in table.rows if r[0] == "c_pd")
    assert row[column] == "gamma(mean=3111, se=622.2)"


def test_a_cohort_share_alive_too_small_to_show_is_written_below_a_tenth_of_a_percent():
    results = summarise_run(run_analysis(full_model(), progress=False))
    burden = dataclasses.replace(results.burden.burden, alive_at_horizon=1.0923e-11)
    results = dataclasses.replace(results, burden=dataclasses.replace(results.burden, burden=burden))
    (table, *_) = burden_section(results).tables
    value = {r[0]: r[1] for r in table.rows}["Share of comparator cohort alive at the horizon"]
    assert value == "< 0.1%"
