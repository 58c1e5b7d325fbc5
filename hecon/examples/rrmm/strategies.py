"""The four strategies of the RRMM example: their names, the 0/1 switches that start the cohort
on each pathway (Parameters rows that the StrategyParameters sheet sets per strategy), and the
initial state distribution.

Sources: model structure (tag A). The cohort is synchronised: everyone in a strategy starts its
treatment at model time 0 (apheresis, first step-up dose, or start of physician's choice). RWPC
is listed first and is a reference strategy (role ``reference``): run and reported, outside the
decision, because its cohort (LocoMMotion, 2019-2020) predates both new classes, which are both
reimbursed options in Dutch practice (ZIN 2025); the comparator is the weekly bispecific.
"""

from __future__ import annotations

from hecon.examples.rrmm.common import P
from hecon.model.spec import REFERENCE, Expr, Parameter, Strategy

RWPC = "RWPC"
CART = "One-time CAR-T"
BSAB = "Weekly bispecific"
REDOSE = "Annual CAR-T re-dosing"
#: The sequences (issue 13; their rows, states and transitions are in :mod:`.sequences`)
SEQ_CART_BSAB = "CAR-T then bispecific"
SEQ_BSAB_CART = "Bispecific then CAR-T"
STRATEGIES = (RWPC, CART, BSAB, REDOSE, SEQ_CART_BSAB, SEQ_BSAB_CART)
#: Reference strategies (role ``reference``): run and reported, outside the decision
REFERENCES = (RWPC,)
#: The decision's options, in model order
OPTIONS = tuple(s for s in STRATEGIES if s not in REFERENCES)


def parameters() -> list[Parameter]:
    """Strategy switches (0/1; set per strategy on the StrategyParameters sheet)."""
    return [
        P(
            "start_rwpc",
            1,
            "0/1",
            "1 = the cohort starts on physician's choice (RWPC strategy)",
            "A: model structure (strategy switch)",
        ),
        P(
            "start_cart",
            0,
            "0/1",
            "1 = the cohort starts at apheresis for CAR-T (both CAR-T strategies)",
            "A: model structure (strategy switch)",
        ),
        P(
            "start_bsab",
            0,
            "0/1",
            "1 = the cohort starts bispecific step-up dosing",
            "A: model structure (strategy switch)",
        ),
        P(
            "redose",
            0,
            "0/1",
            "1 = annual CAR-T re-dosing for those alive, progression-free and eligible",
            "A: model structure (strategy switch)",
        ),
    ]


def strategies() -> tuple[Strategy, ...]:
    """The Strategies sheet: each strategy's switch values, RWPC first."""
    return (
        Strategy(
            RWPC,
            {},
            "Real-world physician's choice (LocoMMotion-like basket of regimens) until progression: "
            "historical reference (LocoMMotion 2019-2020, before CAR-T and bispecifics, both now reimbursed "
            "options in Dutch practice, ZIN 2025), so not an option of today's decision",
            REFERENCE,
        ),
        Strategy(
            CART,
            {"start_rwpc": 0, "start_cart": 1},
            "One-time BCMA CAR-T (base case cilta-cel), intention to "
            "treat from apheresis: bridging while manufacturing, dropout before infusion, lymphodepletion and "
            "infusion with a 2-week admission, recovery, then no treatment until progression",
        ),
        Strategy(
            BSAB,
            {"start_rwpc": 0, "start_bsab": 1},
            "Weekly BCMA x CD3 bispecific (base case teclistamab): "
            "step-up week, weekly SC doses, every 2 weeks for those who qualify, until progression",
        ),
        Strategy(
            REDOSE,
            {"start_rwpc": 0, "start_cart": 1, "redose": 1},
            "Hypothetical: the one-time CAR-T "
            "pathway, then a new course every year (admission, recovery, rest of the year treatment-free) for "
            "those alive, progression-free and eligible",
        ),
    )


def initial() -> dict[str, Expr]:
    """Initial state distribution: the switches put the whole cohort in its strategy's first state."""
    return {
        "PF_RWPC": "start_rwpc",
        "Bridging": "start_cart",
        "BsAb_StepUp_In": "start_bsab * p_stepup_inpatient",
        "BsAb_StepUp_Out": "start_bsab * (1 - p_stepup_inpatient)",
    }
