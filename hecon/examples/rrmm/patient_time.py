"""Patients' own time per hospital contact and per hospital day (hecon.analysis.burden_rates reads
parameters named ``<kind>_per_<count>``): hours travelling and in clinic, nights away from home,
caregiver hours. They turn the model's counts into the time a patient and a carer spend on care.

Sources: none published for Dutch myeloma care that could be found (tag A or D from A). The return
distance per visit is mm-inputs §7.4 (2 x 30 km, A); the rest are assumptions to vary.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P
from hecon.model.spec import Parameter


def parameters() -> list[Parameter]:
    """Patient-time factors (numbers: applied to the base case's counts, not sampled)."""
    return [
        P(
            "travel_hours_per_hospital_contacts",
            1.0,
            "hours per contact",
            "Hours travelling to and from hospital per hospital contact",
            "D: 60 km return per visit (km_per_visit, A) at an average 60 km/h (A)",
            None,
            0.5,
            2.0,
        ),
        P(
            "clinic_hours_per_hospital_contacts",
            3.0,
            "hours per contact",
            "Hours in clinic per hospital contact (waiting, blood tests, consultation, injection and observation)",
            "A: assumption (an SC injection visit with pre-checks and observation, or an outpatient visit with "
            "laboratory tests); range 1.5-5",
            None,
            1.5,
            5.0,
        ),
        P(
            "nights_away_per_hospital_days",
            1.0,
            "nights per day",
            "Nights away from home per hospital day (an inpatient day is a night in hospital)",
            "D: definition (one inpatient day = one night)",
        ),
        P(
            "caregiver_hours_per_hospital_contacts",
            2.0,
            "hours per contact",
            "Hours a carer spends per hospital contact (accompanying to and from hospital and in clinic)",
            "A: half of the visits accompanied for travel and clinic time, 0.5 x (1 + 3) hours; range 0-4",
            None,
            0.0,
            4.0,
        ),
    ]
