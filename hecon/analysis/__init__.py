"""Decision analysis on model results: one concern per module.

Pure functions on numbers (no model): :mod:`~hecon.analysis.incremental` (frontier,
dominance, ICERs), :mod:`~hecon.analysis.net_benefit` (NMB, NHB, CEAC, CEAF),
:mod:`~hecon.analysis.voi` (EVPI), :mod:`~hecon.analysis.convergence` (running means, Monte
Carlo error), :mod:`~hecon.analysis.reference_value` (Dutch QALY shortfall and reference
values), :mod:`~hecon.analysis.checks` (their input checks).

On models: :mod:`~hecon.analysis.variations` (parameters varied sample by sample),
:mod:`~hecon.analysis.dsa` (one-way sensitivity), :mod:`~hecon.analysis.threshold` (threshold
prices), :mod:`~hecon.analysis.psa` (probabilistic analysis), :mod:`~hecon.analysis.disease_burden`
(proportional shortfall of a model's comparator), and :mod:`~hecon.analysis.run`, which wires a
whole run.

The analysis result: :mod:`~hecon.analysis.results` turns a run into one immutable result with
every number the report shows (summary.json is its serialisation, :mod:`~hecon.analysis.serialise`),
from :mod:`~hecon.analysis.summary` (per scenario), :mod:`~hecon.analysis.model_survival` (PFS and
OS from the trace, with :mod:`~hecon.analysis.landmarks`), :mod:`~hecon.analysis.timeline`
(treatment-burden categories over time), :mod:`~hecon.analysis.decision` (scenarios, net benefit,
reference value), :mod:`~hecon.analysis.dsa_summary` and :mod:`~hecon.analysis.psa_summary`.

May import :mod:`hecon.model`, :mod:`hecon.methods` and :mod:`hecon.engine`.
"""
