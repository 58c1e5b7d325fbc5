"""The flagship example: relapsed/refractory multiple myeloma (RRMM), Dutch setting.

One-time BCMA CAR-T vs weekly BCMA x CD3 bispecific antibodies vs hypothetical annual CAR-T
re-dosing vs real-world physician's choice (RWPC), for adults after >= 3 prior lines, from the
societal perspective, lifetime horizon, 2024 euros, weekly cycles. Issue 4; inputs and sources
from ``mm-inputs.md`` (v0.2).

This package is the reviewable text source of ``inputs/rrmm_example.xlsx``: every input is one
row in a topic module with its value, unit, description and source, and the source text starts
with the evidence tag of mm-inputs.md:

* ``P:`` published value, read in the cited source
* ``V:`` published value recalled, not re-read: verify before use
* ``D:`` derived by us from P values; the method is in the text (often the formula itself)
* ``A:`` assumption, needs expert opinion; vary widely
* ``G:`` gap, no value found: a placeholder a user must replace with a local (Dutch) value

The modules, in the order of their rows on the Parameters sheet, then the model structure:

* :mod:`.settings`: run settings, life tables, population (sex, body weight, body surface area)
* :mod:`.strategies`: strategy names, the switches that start each pathway, initial states
* :mod:`.rwpc`: real-world physician's choice, the comparator (LocoMMotion)
* :mod:`.cart`: CAR-T products (cilta-cel, ide-cel, pooled), class selectors, pathway
* :mod:`.redosing`: hypothetical annual CAR-T re-dosing (all assumptions)
* :mod:`.bispecifics`: teclistamab and elranatamab, class selectors, step-up dosing, schedules
* :mod:`.costs`: infections and IVIG, Dutch unit prices, terminal care, societal costs
* :mod:`.utilities`: health-state utilities, decrements, QALY losses, Dutch age norms
* :mod:`.derived`: time structure in cycles, per-cycle event probabilities, state costs (tag D)
* :mod:`.survival`: PFS curves, published survival points (SurvivalPoints sheet), :data:`EXTERNAL_CHECKS`
* :mod:`.states`, :mod:`.transitions`: states with flags, transitions, one-off rewards
* :mod:`.scenarios`: scenarios and threshold-price queries
* :mod:`.assumptions`: the Assumptions sheet
* :mod:`.model`: :func:`rrmm_model` assembles the ModelSpec; :func:`main` writes the workbook
* :mod:`.outputs`: outputs that need the trace (survival medians and landmarks, treatment burden)

Regenerate the workbook after any change (``tests/examples/test_rrmm.py`` checks that the
committed workbook equals this source)::

    python -m hecon.examples.rrmm inputs/rrmm_example.xlsx

The model is written entirely in hecon's model language: no code path in the engine knows
about myeloma. Structure (why each part is there is in :data:`.assumptions.ASSUMPTIONS`):

* The cohort is *synchronised*: everyone in a strategy starts its treatment at model time 0
  (apheresis, first step-up dose, or start of physician's choice). Treatment phases (bridging,
  admission, recovery, annual re-dosing) therefore start and end at known model times, so the
  phase transitions are conditions on ``model_time`` and no tunnel states are needed; the
  clock of a survival curve is an expression (e.g. cycles since infusion).
* Progression-free (PF) states leave to progression or death with the per-cycle PFS event
  probability of the strategy's curve (``surv_prob``), split into deaths (a share of PFS
  events, never below general-population mortality) and progressions. Progressed states have
  a constant post-progression death hazard from published or derived evidence (after physician's
  choice: set so that the model's mean OS equals the LocoMMotion OS fit's, tag D, the last resort, checked
  against another cohort's median OS); after CAR-T
  relapse a share starts a bispecific (:mod:`.subsequent`, :mod:`.sequences`) and the rest have
  the hazard after physician's choice, so Van Oekelen et al.'s survival after relapse (Blood 2023)
  checks the model; deaths before progression after CAR-T are CARTITUDE-1's deaths from adverse events
  (year 1, then up to its 33.4-month median follow-up), checked against real-world year-1 non-relapse mortality.
* Treatment-burden flags: ``on_treatment``, ``on_hospital_therapy`` (stricter: therapy in
  hospital, recovery after a CAR-T course included), ``hospitalised``, ``recovering``, ``tox`` (Q-TWiST's TOX time),
  ``progression_free``, ``treatment_free``, ``dead``; counts ``hospital_days``,
  ``administrations``, ``hospital_contacts``, ``cart_infusions``, ``serious_infections``, the
  terminal-care counts ``terminal_hospital_days`` and ``terminal_hospital_contacts`` (reported
  apart from treatment burden) and the pair ``helper_tf_first_entries`` / ``helper_tf_first_entry_years`` for
  the mean time to the first treatment-free day (see :func:`tfi_metrics`).
* :mod:`.patient_time`: hours travelling and in clinic per contact, nights away, caregiver hours.
* :mod:`.subgroups`: the Subgroups sheet (high-risk cytogenetics, aged 65 or younger).
* :mod:`.decision`: cost categories' perspectives, EVPPI groups, budget impact and 'sluis' inputs.
"""

from __future__ import annotations

from hecon.examples.rrmm.assumptions import ASSUMPTIONS
from hecon.examples.rrmm.model import main, rrmm_model
from hecon.examples.rrmm.outputs import (
    STATE_GROUPS,
    external_check_value,
    landmark,
    survival_curves,
    survival_medians,
    tfi_metrics,
)
from hecon.examples.rrmm.settings import POPULATION_SIZE
from hecon.examples.rrmm.strategies import BSAB, CART, REDOSE, RWPC, STRATEGIES
from hecon.examples.rrmm.survival import EXTERNAL_CHECKS

__all__ = [
    "rrmm_model",
    "main",
    "STRATEGIES",
    "RWPC",
    "CART",
    "BSAB",
    "REDOSE",
    "STATE_GROUPS",
    "EXTERNAL_CHECKS",
    "ASSUMPTIONS",
    "POPULATION_SIZE",
    "tfi_metrics",
    "survival_curves",
    "survival_medians",
    "landmark",
    "external_check_value",
]
