"""Survival: the three PFS curves (RWPC exponential; CAR-T Weibull from infusion with an optional
cure fraction; bispecific = RWPC curve x hazard ratio), the published survival points that the
report draws against the model (the SurvivalPoints sheet, each with its population), and
:data:`EXTERNAL_CHECKS`, the published survival values that the model is checked against and
that no input was derived from.

Sources: mm-inputs §2.6 (curve forms, tag D); LocoMMotion (Mateos et al., Leukemia 2024; n=248,
median PFS 4.6 (3.9-5.6) and OS 13.8 (10.8-17.0) months, mm-inputs §2.5); CARTITUDE-1 (97 of 113
apheresed patients infused; median PFS 34.9 months; PFS 76.6% (66.0-84.3) at 12 months and OS
88.5% (80.2-93.5) at 12 months, Madduri et al., ASH 2020; PFS 60.5% (48.5-70.4) at 24 months,
21.7-month update; median OS 60.7 months (41.9-NE), Jagannath et al., JCO 2025); KarMMa; the
pooled BCMA CAR-T meta-analysis; MajesTEC-1; the bispecifics' hazard ratios (Krishnan et al.
2023; elranatamab MAIC 2025).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from hecon.examples.rrmm.common import CARTITUDE_LT, LOCOMMOTION, clopper_pearson
from hecon.examples.rrmm.published_results import MAMMOTH
from hecon.examples.rrmm.sequences import BSAB_AFTER_CART, PD_LAST
from hecon.examples.rrmm.strategies import BSAB, CART, RWPC, SEQ_BSAB_CART, SEQ_CART_BSAB
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION, SurvivalCurve, SurvivalPoint


def curves() -> tuple[SurvivalCurve, ...]:
    """The SurvivalCurves sheet: PFS of RWPC, CAR-T (from infusion) and the bispecific [time unit: months]."""
    return (
        SurvivalCurve(
            "pfs_rwpc",
            "exp",
            {"rate": "pfs_rwpc_exp_rate"},
            "months",
            hazard_ratio="hr_pfs_subgroup",
            source=f"D: exponential fitted to the published PFS points of {LOCOMMOTION} (maximum-likelihood fit)",
        ),
        SurvivalCurve(
            "pfs_cart",
            "weibull",
            {"shape": "cart_pfs_shape", "scale": "cart_pfs_scale"},
            "months",
            hazard_ratio="cart_pfs_hr_psa",
            cure_fraction="cart_cure_fraction",
            source="D: CAR-T PFS from infusion (base case cilta-cel: fitted to the CARTITUDE-1 points, exponential "
            "or mixture cure Weibull by cart_pfs_plateau); product, cure fraction and "
            "DSA multiplier are parameters",
        ),
        SurvivalCurve(
            "pfs_bsab",
            "exp",
            {"rate": "pfs_rwpc_exp_rate"},
            "months",
            hazard_ratio="hr_pfs_bsab * hr_pfs_subgroup",
            source="D: RWPC exponential PFS (fitted) x hazard ratio of the bispecific vs RWPC ("
            "preferred route for PSA consistency)",
        ),
    )


#: Where CAR-T patients are after relapse: non-BCMA salvage (PD_CART), or a bispecific salvage and then
#: progressed after it (:mod:`.sequences`, :mod:`.subsequent`).
POST_RELAPSE_STATES = ("PD_CART", BSAB_AFTER_CART, PD_LAST)
#: Who the CARTITUDE-1 points describe: the model's CAR-T strategy is the whole cohort from apheresis.
CARTITUDE_INFUSED = "infused patients from infusion (CARTITUDE-1: 97 of 113 apheresed)"
#: The model states of CARTITUDE-1's population (infused patients while alive): the report compares
#: its points with these states' curves from the infusion, like for like (SurvivalPoint.states).
CART_INFUSED_STATES = ("CART_Infusion", "CART_Recovery", "CART_Remission", *POST_RELAPSE_STATES)
#: Who the LocoMMotion points describe: the model's RWPC strategy starts everyone on physician's choice.
LOCOMMOTION_COHORT = "all 248 patients on real-world physician's choice (LocoMMotion)"


def survival_points() -> tuple[SurvivalPoint, ...]:
    """The SurvivalPoints sheet: the published medians, landmarks (with their 95% CIs where the
    source gives them) and numbers of patients that the curves were derived from [months].

    The CARTITUDE-1 values are for infused patients from infusion: they name the model states of
    infused patients (:data:`CART_INFUSED_STATES`), so the report compares them with those states'
    curves from the infusion (like for like), not with the ITT cohort from apheresis.
    """
    S = SurvivalPoint
    madduri = "P: Madduri et al., ASH 2020 (CARTITUDE-1, mFU 12.4 mo)"
    points = (
        S(RWPC, "PFS", "median", None, 4.6, 3.9, 5.6, LOCOMMOTION_COHORT, True, source=f"P: {LOCOMMOTION}"),
        S(RWPC, "OS", "median", None, 13.8, 10.8, 17.0, LOCOMMOTION_COHORT, True, source=f"P: {LOCOMMOTION}"),
        S(RWPC, "PFS", "at_risk", 0.0, 248, population=LOCOMMOTION_COHORT, source=f"P: {LOCOMMOTION}"),
        S(RWPC, "OS", "at_risk", 0.0, 248, population=LOCOMMOTION_COHORT, source=f"P: {LOCOMMOTION}"),
        S(
            CART,
            "PFS",
            "median",
            None,
            34.9,
            population=CARTITUDE_INFUSED,
            comparable=False,
            source="P: CARTITUDE-1 final analysis, ASCO 2023 (mFU 33.4 mo), as reported; no CI reported there",
        ),
        S(CART, "PFS", "survival", 12.0, 0.766, 0.660, 0.843, CARTITUDE_INFUSED, False, source=madduri),
        S(
            CART,
            "PFS",
            "survival",
            24.0,
            0.605,
            0.485,
            0.704,
            CARTITUDE_INFUSED,
            False,
            source="P: CARTITUDE-1 21.7-month update, ASH 2021 abstract (data cut 22 July 2021)",
        ),
        S(
            CART,
            "PFS",
            "survival",
            60.0,
            32 / 97,
            population=CARTITUDE_INFUSED,
            comparable=False,
            source=f"P: {CARTITUDE_LT}: 32/97 alive and progression-free at 5 years (a crude share, not a "
            "Kaplan-Meier estimate; no CI reported)",
        ),
        S(CART, "OS", "survival", 12.0, 0.885, 0.802, 0.935, CARTITUDE_INFUSED, False, source=madduri),
        S(
            CART,
            "OS",
            "median",
            None,
            60.7,
            41.9,
            None,
            CARTITUDE_INFUSED,
            False,
            source="P: Jagannath et al., JCO 2025;43(25):2766 (CARTITUDE-1, mFU 61.3 mo); upper limit not estimable",
        ),
        S(
            CART,
            "OS",
            "survival",
            36.0,
            0.629,
            population=CARTITUDE_INFUSED,
            comparable=False,
            source="V: Lin et al., ASCO 2023 (CARTITUDE-1 final analysis, mFU 33.4 mo): 36-month OS 62.9%, as "
            "reported by Blood Cancers Today (2025); not re-read in the abstract; no CI found",
        ),
        S(
            CART,
            "PFS",
            "at_risk",
            0.0,
            97,
            population=CARTITUDE_INFUSED,
            source="P: Berdeja et al., Lancet 2021 (CARTITUDE-1): 97 patients infused",
        ),
        S(
            CART,
            "OS",
            "at_risk",
            0.0,
            97,
            population=CARTITUDE_INFUSED,
            source="P: Berdeja et al., Lancet 2021 (CARTITUDE-1): 97 patients infused",
        ),
        *_majestec_points(),
    )
    points = tuple(replace(p, states=CART_INFUSED_STATES) if p.strategy == CART else p for p in points)
    return tuple(replace(p, fitted_in=FITTED_IN[(p.strategy, p.endpoint)]) for p in points)


#: The model structures whose curves were fitted to the points of each strategy and endpoint (the report marks
#: each point "fitted" or "held out" for the structure it runs). State transition: RWPC's PFS, cilta-cel PFS and
#: teclistamab's duration of treatment (p_disc_bsab) are fitted; RWPC's OS (its post-progression hazard is MAMMOTH's,
#: not solved to the OS), cilta-cel OS and teclistamab's PFS and OS (RWPC x hazard ratios) are held out. Partitioned
#: survival: every curve is fitted to its points.
FITTED_IN: dict[tuple[str, str], tuple[str, ...]] = {
    (RWPC, "PFS"): (STATE_TRANSITION, PARTITIONED_SURVIVAL),
    (RWPC, "OS"): (PARTITIONED_SURVIVAL,),
    (CART, "PFS"): (STATE_TRANSITION, PARTITIONED_SURVIVAL),
    (CART, "OS"): (PARTITIONED_SURVIVAL,),
    (BSAB, "PFS"): (PARTITIONED_SURVIVAL,),
    (BSAB, "OS"): (PARTITIONED_SURVIVAL,),
    (BSAB, "TTD"): (STATE_TRANSITION, PARTITIONED_SURVIVAL),
}


#: Who the MajesTEC-1 points describe: the model's bispecific strategy starts at the first step-up dose.
MAJESTEC_COHORT = "all 165 treated patients of MajesTEC-1 cohort A, from the first dose"


def _majestec_points() -> tuple[SurvivalPoint, ...]:
    """Teclistamab's own published points (MajesTEC-1 cohort A, 165 patients) [months]: PFS, OS and
    time to treatment discontinuation (the median duration of treatment), each one median."""
    S = SurvivalPoint
    moreau = "P: Moreau et al., NEJM 2022;387:495 (MajesTEC-1, mFU 14.1 mo)"
    return (
        S(BSAB, "PFS", "median", None, 11.3, 8.8, 17.1, MAJESTEC_COHORT, True, source=f"{moreau}; 95% CI 8.8-17.1"),
        S(
            BSAB,
            "OS",
            "median",
            None,
            22.2,
            population=MAJESTEC_COHORT,
            comparable=True,
            source="V: Garfall et al., ASCO 2024 (MajesTEC-1, mFU 30.4 mo): data cut confirmed, median not re-read"
            "; no CI found",
        ),
        S(
            BSAB,
            "TTD",
            "median",
            None,
            8.5,
            population=MAJESTEC_COHORT,
            comparable=True,
            source="P: MajesTEC-1 median duration of treatment (Horizonscan Geneesmiddelen, teclistamab entry v5); "
            "G: the date of entry version 5 not recorded",
        ),
        *(S(BSAB, e, "at_risk", 0.0, 165, population=MAJESTEC_COHORT, source=moreau) for e in ("PFS", "OS", "TTD")),
    )


#: The verdicts of an external check: the model's value lies within the accepted range or outside it, or the
#: row is shown but is no external check (the reason says why).
WITHIN, OUTSIDE, NOT_A_CHECK = "within", "outside", "not an external check"
#: What weakens a check (ExternalCheck ``caveats``, shown beside its verdict; the reason says why): an input of the
#: checked model comes from the same patients or data cut as the source (partly dependent); the source gives only a
#: bound, so one side of the model's value is not tested (one-sided); the accepted range is so wide, or the source so
#: unlike the model's quantity, that only a gross error would fall outside (weak). A check whose source is not like
#: for like, with biases of unknown net sign, is no check at all (:data:`NOT_A_CHECK`), not a weak one.
PARTLY_DEPENDENT, ONE_SIDED, WEAK = "partly dependent", "one-sided", "weak"
CAVEATS = (PARTLY_DEPENDENT, ONE_SIDED, WEAK)


@dataclass(frozen=True)
class ExternalCheck:
    """A published survival value that no input of the checked structure was derived from, compared
    with the model.

    label     : what is compared (product and source)
    strategy  : the strategy whose trace is compared; scenario: the scenario that selects the product
    endpoint  : "pfs" or "os" (``month``: the landmark [months], None for the median);
                "relapse_median": median survival from relapse after CAR-T [months] of the model's post-relapse
                course (a cohort started at relapse, :func:`hecon.examples.rrmm.outputs.relapse_cohort`);
                "progression_median": median survival after progression on physician's choice [months] (a cohort
                started in PD_RWPC, :func:`hecon.examples.rrmm.outputs.progression_median`);
                "tot_median": median time on treatment [months] (the strategy's on-treatment states from the
                start); "rate_median": ln 2 / the exponential rate ``parameter`` [months]; "os_hr": the model's
                OS hazard ratio of ``strategy`` versus ``versus`` as the ratio of their median OS (A: proportional,
                constant hazards); "nrm_share": the share of infused patients dead before progression by
                ``month`` months after the infusion, from the run (:func:`.outputs.deaths_before_progression`);
                "pf_death_share": the share of the strategy's cohort dead before progression by ``month``, the share
                ``parameter`` of its PFS events by then (from the run's progression-free share); "tot_share": the share
                of the cohort on treatment at ``month`` (the strategy's on-treatment states from the start)
    source    : the published value [months for a median, share for a landmark or share]
    low, high : the accepted range [source units] (None: open on that side); both None for a row that is
                no external check
    basis     : where the range comes from: the source's 95% CI, or a stated +-% with its reason
    verdict   : :data:`WITHIN`, :data:`OUTSIDE` or :data:`NOT_A_CHECK`, the expected verdict (a test computes it
                from a fresh run)
    reason    : why the model and the source differ (required unless the verdict is within), or what the row is
    structure : the model structure checked (its inputs do not contain ``source``)
    inputs    : the derived or calibrated inputs (:data:`DERIVED_INPUTS`) that the check tests
    caveats   : what weakens the check (:data:`CAVEATS`; the reason explains each); none for a row that is no
                external check; a range open on one side is one-sided whether listed or not (:attr:`notes`)
    cohorts   : the names of the source's trial or cohort (and its first author) as an input's source would spell them:
                a test fails when one appears in the source of an input the checked quantity reads and the row is
                neither partly dependent nor argues its independence (the reason says "independent" and names the
                input)
    """

    label: str
    strategy: str
    scenario: str | None
    endpoint: str
    month: float | None
    source: float
    low: float | None
    high: float | None
    basis: str
    verdict: str
    reason: str = ""
    structure: str = STATE_TRANSITION
    parameter: str = ""
    versus: str = ""
    inputs: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    cohorts: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """The caveats in :data:`CAVEATS` order, with :data:`ONE_SIDED` added for a range open on one side (a source
        range "x to not reached" tests only one side of the model's value)."""
        open_side = (self.low is None) != (self.high is None)
        return tuple(n for n in CAVEATS if n in self.caveats or (n == ONE_SIDED and open_side))

    def accepts(self, value: float) -> bool:
        """Whether ``value`` lies in the accepted range (a row that is no external check accepts nothing)."""
        if self.low is None and self.high is None:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _ci(low: float | None, high: float | None, what: str) -> tuple[float | None, float | None, str]:
    """An accepted range that is the source's 95% CI (``what`` names it)."""
    return low, high, f"the source's 95% CI ({what})"


def _median_ci(median: float, events: int, where: str) -> tuple[float, float, str]:
    """The approximate 95% CI of a median survival time estimated from ``events`` events (no CI published):
    median x exp(+-1.96 / sqrt(d)): for exponential survival the maximum-likelihood rate d / T has var(log rate)
    = 1 / d, and the median is ln 2 / rate (Collett, Modelling Survival Data in Medical Research, 3rd ed. 2015,
    the exponential distribution's inference); ``where`` says where d comes from."""
    factor = math.exp(1.96 / math.sqrt(events))
    return (
        median / factor,
        median * factor,
        f"approximate 95% CI of a median from d = {events} events: median times or divided by "
        f"exp(1.96 / sqrt({events})) = {factor:.3f} (Collett; no CI published); {where}",
    )


def _exact(share: float, n: int, who: str) -> tuple[float, float, str]:
    """The exact (Clopper-Pearson) 95% CI of a published ``share`` of ``n`` patients (no CI published): of
    round(share x n) events of n (:func:`.common.clopper_pearson`)."""
    events = round(share * n)
    low, high = clopper_pearson(events, n)
    return (
        low,
        high,
        f"exact 95% CI of {share:.1%} of {n} {who}: {events} of {n} (Clopper-Pearson, Clopper & Pearson, Biometrika "
        "1934;26:404; no CI published)",
    )


def _at_least(events: int, n: int, who: str) -> tuple[float, None, str]:
    """An accepted range open above whose lower end is the exact (Clopper-Pearson) lower 95% limit of ``events`` of
    ``n`` (:func:`.common.clopper_pearson`): the source gives only that at least ``events`` of ``n`` had the outcome."""
    low, _ = clopper_pearson(events, n)
    return (
        low,
        None,
        f"a lower bound: at least {events} of {n} {who}; the exact (Clopper-Pearson) lower 95% limit of {events} of "
        f"{n} (Clopper & Pearson, Biometrika 1934;26:404), open above",
    )


_NONE: tuple[None, None, str] = (None, None, "none: not an external check")
#: Filippatos C, Ntanasis-Stathopoulos I, Briasoulis A, Malandrakis P, Terpos E, Gavriatopoulou M. Real-world
#: experience with approved CAR T-cell therapies ciltacabtagene autoleucel and idecabtagene vicleucel in 1272
#: relapsed/refractory multiple myeloma patients. Cancers 2026;18(6):1013 (TriNetX: 697 cilta-cel patients, 12-month
#: OS 89.6%; read in the abstract, V).
FILIPPATOS = "V: Filippatos et al., Cancers 2026;18(6):1013, abstract"
#: KarMMa-3's standard-regimen arm (132 patients, 2-4 prior lines, triple-class exposed; daratumumab, pomalidomide,
#: bortezomib, carfilzomib, ixazomib or elotuzumab combinations): 3 of 132 died of an adverse event within 6 months of
#: randomization (6 of malignant disease, 0 of other causes), the table "Summary of deaths in patients who died within
#: 6 months of randomization, in the ITT population" of the KarMMa-3 final PFS analysis (Ailawadhi S et al., Blood
#: 2024;144(23):2389; the table read on ashpublications.org without its article page, so V).
KARMMA3_SR = "V: KarMMa-3 standard regimens, Ailawadhi et al., Blood 2024;144(23):2389, deaths within 6 months"
#: Razzo BM et al., Blood Cancer Discovery 2025 (US Multiple Myeloma Immunotherapy Consortium, 509 patients on
#: standard-of-care teclistamab, median follow-up 10.1 months): infections contributed to death in 5% (V: read in
#: HealthDay's report of the article, 16 July 2025).
RAZZO = (
    "V: Razzo et al., Blood Cancer Discov 2025 (509 real-world teclistamab patients), read second-hand in HealthDay's "
    "report of the article"
)
#: Usmani SZ et al., Lancet 2021;398(10301):665 (MajesTEC-1 phase 1): of the 40 patients at the recommended phase 2 dose
#: (1.5 mg/kg weekly), 65% responded (26 of 40), and 85% of the responders (22 of 26) were alive and continuing treatment at
#: a median follow-up of 7.1 months (IQR 5.1-9.1). Two reports of the article differ: Fondazione Bonadonna's says "85% of
#: respondents [responders]", CancerNetwork's "85% of the 40"; the responders' reading is used, as it is the stricter
#: one (only a lower bound for the 40 follows) and 85% of 26 is a whole number of patients (22.1), 85% of 40 is 34 (V:
#: the Lancet abstract itself not read).
USMANI = (
    "V: Usmani et al., Lancet 2021;398(10301):665 (MajesTEC-1 phase 1, 40 at the phase 2 dose), read second-hand in "
    "Fondazione Bonadonna's and CancerNetwork's reports of the article"
)
USMANI_N = 40
USMANI_RESPONDERS = round(0.65 * USMANI_N)  # 26
USMANI_ON_TREATMENT = round(0.85 * USMANI_RESPONDERS)  # 22
_USMANI_SHARE = (
    f"the share of the 40 phase 1 patients at the phase 2 dose alive and on treatment at a median follow-up of 7.1 "
    f"months ({USMANI}: 85% of the 26 responders, so at least 22 of 40)"
)
_USMANI_REASON = (
    "one-sided and weak: the source gives only a lower bound, so a time on treatment that is too long cannot fail it, "
    "and the bound is low (the exact lower 95% limit of 22 of 40), so only a time on treatment far shorter than "
    "MajesTEC-1's would; the source is read as 85% of the 26 responders (65% of 40; Fondazione Bonadonna's report of "
    "the article), not 85% of all 40 (CancerNetwork's): 22 responders on treatment, and non-responders still on "
    "treatment are not reported; it is a crude share at the data cut, when a quarter had been followed for less than "
    "5.1 months. Partly dependent: the 40 are among MajesTEC-1's 165 whose median duration of treatment is the "
    "source of the model's time on treatment. No other teclistamab time on treatment was found (searched: MajesTEC-1 "
    "updates; the real-world cohorts read, the IMWG cohort, Razzo 2025 and the TriNetX study of dosing patterns, give "
    "response, PFS, OS or dosing intervals, not time on treatment; claims studies)"
)
VAN_OEKELEN = "Van Oekelen et al., Blood 2023;141(7):756"
#: Sidana S et al. Safety and efficacy of standard-of-care ciltacabtagene autoleucel for relapsed/refractory multiple
#: myeloma. Blood 2025;145(1):85-97 (US Multiple Myeloma Immunotherapy Consortium, 236 treated; non-relapse mortality
#: 10%, median follow-up 13 months; abstract read).
SIDANA = "Sidana et al., Blood 2025;145(1):85"
#: Remission conversion drives outcomes after CAR-T cell therapy for multiple myeloma: a registry analysis from the
#: DRST. Blood 2025;146(14):1677, doi 10.1182/blood.2025028330 (343 patients: 77 cilta-cel, 266 ide-cel; non-relapse
#: mortality at 10 months 7% vs 5%; abstract read; the first author was not found: the abstract pages and the
#: CERTAINTY consortium's news item read name no authors).
GERMAN_REGISTRY = "German registry (DRST), Blood 2025;146(14):1677"
#: Sidana et al. 2025: real-world PFS at 12 months 68% (95% CI 62-74%) among the 236 treated with standard-of-care
#: cilta-cel; the German registry: PFS at 10 months 76% of its 77 cilta-cel patients (no CI in the abstract read).
#: Both read as from infusion (A), like the model's infused patients.
SIDANA_PFS12, SIDANA_PFS12_LOW, SIDANA_PFS12_HIGH = 0.68, 0.62, 0.74
GERMAN_PFS10, GERMAN_CILTA_N = 0.76, 77
_RW_CILTA_PFS = (
    "the model's curve is fitted to CARTITUDE-1's points (97 selected trial patients), so it is the trial's PFS; "
    "Sidana's real-world patients are less selected: 54% would not have met CARTITUDE-1's criteria (among them prior "
    "BCMA-directed therapy, poor performance status, comorbidities), so a lower PFS is expected. The source is a "
    "Kaplan-Meier estimate at a median follow-up of 13 months (A: from infusion, like the model's); independent of "
    "p_not_infused, whose source names Sidana's dropout share (7.5%) only for a scenario and which acts before the "
    "infusion, on patients the comparison leaves out"
)
#: Martin T, Krishnan A, Yong K, et al. Comparative effectiveness of ciltacabtagene autoleucel in CARTITUDE-1 versus
#: physician's choice of therapy in the Flatiron Health multiple myeloma cohort registry. EJHaem 2022;3(1):97-108
#: (issue of February 2022, online 10 December 2021; doi 10.1002/jha2.312; authors from DOAJ's record). Table 3, the
#: real-world (Flatiron) cohort unadjusted: median PFS 4.47 months (95% CI 3.78-5.03), median OS 14.78 (12.29-17.84).
EJHAEM_RW = (
    "US real-world (Flatiron Health) external control cohort of CARTITUDE-1, Martin et al., EJHaem 2022;3(1):97 (doi "
    "10.1002/jha2.312), Table 3, unadjusted"
)
EJHAEM_PFS, EJHAEM_PFS_LOW, EJHAEM_PFS_HIGH = 4.47, 3.78, 5.03
_EJHAEM_PFS_REASON = (
    "another real-world cohort than the curve's source: LocoMMotion (prospective, Europe and the US, 2019-2020) gives "
    "the curve, the Flatiron Health registry (US, retrospective; the unadjusted cohort, not the one weighted to "
    "CARTITUDE-1) checks it; the same article's median OS checks the survival after progression"
)
#: Repeat BCMA-directed therapy after BCMA CAR-T relapse (68 patients; median PFS of a repeat BCMA CAR-T 8.3 months,
#: 95% CI 7.9-not reached): "Salvage therapies including retreatment with BCMA-directed approaches after BCMA CAR-T
#: relapses for multiple myeloma", Blood Adv 2024;8(9):2207 (abstract read; the first author was not found: the
#: abstract pages read name no authors).
RETREATMENT = (
    "Blood Adv 2024;8(9):2207, 'Salvage therapies including retreatment with BCMA-directed approaches after BCMA CAR-T "
    "relapses' (68 patients; first author not found)"
)
#: The same cohort's median OS from relapse after BCMA CAR-T: 18 months (95% CI 13.2-not reached), 68 patients.
RETREATMENT_OS_FROM_RELAPSE, RETREATMENT_OS_LOW = 18.0, 13.2
_AFTER_RELAPSE_68 = (
    "another cohort than Van Oekelen's, so independent of the share 35/79 that starts a bispecific after relapse in "
    "one-time CAR-T (w_bsab_after_cart_relapse, Van Oekelen's); independent of p_bsab_after_cart too (this cohort's "
    "58/68 treated at relapse): q_bsab_after_cart names it, but only the sequence CAR-T then bispecific uses it. The "
    "model's median is shorter for the reasons given for Van Oekelen's row: the bispecific branch ends in the 11.3 "
    "months after teclistamab failure (Yu 2025) and the rest has the hazard after physician's choice (MAMMOTH's median "
    "8.6 months), whereas this cohort was often retreated with BCMA-directed therapy (a repeat CAR-T had a "
    "median PFS of 8.3 months). One-sided: the CI is open above (not reached), so only a model median that is too "
    "short can fail it (as it does)"
)
#: The IMWG Immunotherapy Working Group's real-world teclistamab cohort (210 patients, 9 centres, 5 countries; 6-month
#: OS 73%, 95% CI 67-80%), Blood Cancer J 2025, doi 10.1038/s41408-025-01259-z (abstract read; the first author was
#: not found: the article page read names no authors).
IMWG_TEC = (
    "IMWG real-world teclistamab cohort, Blood Cancer J 2025, doi 10.1038/s41408-025-01259-z (210 patients; first "
    "author not found)"
)
#: The IMWG cohort's 6-month PFS: 53% (95% CI 46-61%) of all 210; 43% (33-55%) of those with prior BCMA-directed
#: therapy and 63% (54-73%) of the BCMA-naive, the like-for-like part (MajesTEC-1 cohort A excluded prior BCMA therapy).
IMWG_TEC_NAIVE_PFS6, IMWG_TEC_NAIVE_PFS6_LOW, IMWG_TEC_NAIVE_PFS6_HIGH = 0.63, 0.54, 0.73
_IMWG_PFS_REASON = (
    "the BCMA-naive patients are compared, as MajesTEC-1 cohort A excluded prior BCMA-directed therapy (the whole "
    "cohort's 6-month PFS is 53%, 95% CI 46-61%, with 44% BCMA-exposed); they are still real-world patients (83% of the "
    "cohort triple-class refractory, many outside trial criteria), with a median follow-up of 5.3 months"
)
#: Van Oekelen et al. 2023: median OS from the date of relapse after BCMA CAR-T 17.9 months (95% CI 14.0-not
#: estimable; 79 patients); first salvage regimen's median PFS 3.5 months (95% CI 2.5-4.6).
VAN_OEKELEN_OS_FROM_RELAPSE, VAN_OEKELEN_OS_LOW = 17.9, 14.0
VAN_OEKELEN_SALVAGE_PFS, VAN_OEKELEN_SALVAGE_LOW, VAN_OEKELEN_SALVAGE_HIGH = 3.5, 2.5, 4.6
_AFTER_RELAPSE = (
    "partly dependent: the mix of the model's course after relapse is Van Oekelen's own (35 of its 79 had a "
    "T-cell-engaging salvage: the share 35/79 that starts a bispecific, q_bsab_after_cart), so the check tests the "
    "survival of each branch, which comes from other cohorts: the bispecific branch has the PFS seen after prior BCMA "
    "therapy (real world, median 4.6 months) and then the survival after the last BCMA line (11.3 months), the rest "
    "the hazard after physician's choice (MAMMOTH's median 8.6 months); Van Oekelen's academic cohort lived longer, "
    "above all its 35 with a T-cell-engaging salvage (response rate 91%, median OS not reached at 21.3 months' "
    "follow-up), whereas the model's bispecific branch ends in the 11.3 months after teclistamab failure (Yu 2025, "
    "A for this use). No piece is calibrated to the 17.9 months; the scenario 'Sequences: survival after the last "
    "BCMA line 17.9 months' shows the weight of the weakest one. One-sided: the CI is open above (not estimable), so "
    "only a model median that is too short can fail it (as it does)"
)
_PS_RELAPSE = (
    "not an external check: partitioned survival has no survival from relapse (time in progression is the area "
    "between CARTITUDE-1's OS and PFS curves, with no link between a patient's progression and death), so "
    "Van Oekelen's median survival from relapse has no like-for-like model quantity; the model value is the mean "
    "months alive in progression per infused patient"
)

#: Checks made alike in both structures (the same curve, source value and model value).
_SIDANA_CILTA_PFS = ExternalCheck(
    f"cilta-cel, infused: PFS(12) from infusion (curve fitted to CARTITUDE-1's points) vs {SIDANA} (real-world "
    "PFS at 12 months, 236 treated)",
    CART,
    None,
    "pfs",
    12.0,
    SIDANA_PFS12,
    *_ci(SIDANA_PFS12_LOW, SIDANA_PFS12_HIGH, "62-74%"),
    OUTSIDE,
    _RW_CILTA_PFS,
    cohorts=("Sidana",),
)

_DRST_CILTA_PFS = ExternalCheck(
    f"cilta-cel, infused: PFS(10) from infusion (curve fitted to CARTITUDE-1's points) vs {GERMAN_REGISTRY} "
    "(real-world PFS at 10 months, 77 cilta-cel patients)",
    CART,
    None,
    "pfs",
    10.0,
    GERMAN_PFS10,
    *_exact(GERMAN_PFS10, GERMAN_CILTA_N, "cilta-cel patients"),
    WITHIN,
    "no CI in the abstract read, so the exact interval of 59 of 77; it ignores censoring, so it is narrower than "
    "the Kaplan-Meier estimate's own",
    cohorts=("DRST", "German registry"),
)

_FLATIRON_RWPC_PFS = ExternalCheck(
    f"RWPC median PFS (curve fitted to LocoMMotion's median PFS, 4.6 months) vs {EJHAEM_RW}",
    RWPC,
    None,
    "pfs",
    None,
    EJHAEM_PFS,
    *_ci(EJHAEM_PFS_LOW, EJHAEM_PFS_HIGH, "3.78-5.03 months"),
    WITHIN,
    _EJHAEM_PFS_REASON,
    cohorts=("Flatiron", "EJHaem"),
)

#: Published survival values compared with the model as external checks. State-transition version: no OS of a
#: compared strategy is an input of it (MAMMOTH's OS from refractoriness is its survival after progression on
#: physician's choice, A) (the CAR-T values are for infused patients from infusion and are compared
#: with the model's infused patients from infusion). Partitioned-survival version: its OS curves are
#: fitted to CARTITUDE-1, MajesTEC-1 and LocoMMotion, so it is checked against other sources.
EXTERNAL_CHECKS: tuple[ExternalCheck, ...] = (
    ExternalCheck(
        "cilta-cel OS(12), CARTITUDE-1 (Madduri 2020)",
        CART,
        None,
        "os",
        12.0,
        0.885,
        *_ci(0.802, 0.935, "80.2-93.5%"),
        WITHIN,
        "partly dependent: the model's PFS is fitted to the same 97 patients, and the 7 deaths from adverse events in "
        "year 1 (a later data cut of the same trial) are in nrm_cart_y1_rate, so the check is of the deaths after "
        "relapse",
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("CARTITUDE-1", "Madduri"),
    ),
    ExternalCheck(
        "cilta-cel OS(36), CARTITUDE-1 (V, Lin 2023)",
        CART,
        None,
        "os",
        36.0,
        0.629,
        *_NONE,
        NOT_A_CHECK,
        "not an external check: the same data cut (Lin 2023, median follow-up 33.4 months) gave the 18 deaths from "
        "adverse events that nrm_cart_y1_rate and nrm_cart_late_rate are estimated from (35 of its 97 died)",
        cohorts=("CARTITUDE-1",),
    ),
    _SIDANA_CILTA_PFS,
    _DRST_CILTA_PFS,
    ExternalCheck(
        "cilta-cel median OS, CARTITUDE-1 (Jagannath 2025)",
        CART,
        None,
        "os",
        None,
        60.7,
        *_ci(41.9, None, "41.9-not estimable"),
        WITHIN,
        "partly dependent: the PFS curve is fitted to the points of the same 97 CARTITUDE-1 patients (among them 32/97 "
        "progression-free at 5 years, Jagannath 2025's own data cut), and the deaths before progression "
        "(nrm_cart_y1_rate, nrm_cart_late_rate) are CARTITUDE-1's; only the survival after relapse comes from other "
        "cohorts (MAMMOTH's hazard, the bispecific salvage), so the check is mainly of it, as for the OS at 12 months. "
        "One-sided: the CI is open above (not estimable), so a model OS that is too long cannot fail it",
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("CARTITUDE-1", "Jagannath"),
    ),
    ExternalCheck(
        f"cilta-cel, infused: median survival from relapse (ST post-relapse course after one-time CAR-T) vs "
        f"{VAN_OEKELEN} (median OS from relapse after BCMA CAR-T, 79 patients)",
        CART,
        None,
        "relapse_median",
        None,
        VAN_OEKELEN_OS_FROM_RELAPSE,
        *_ci(VAN_OEKELEN_OS_LOW, None, "14.0-not estimable"),
        OUTSIDE,
        _AFTER_RELAPSE,
        inputs=("pfs_tec_prior_bcma_exp_rate", "pps_median_bsab", "pps_median_rwpc"),
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("Van Oekelen",),
    ),
    ExternalCheck(
        f"cilta-cel, infused: median survival from relapse (ST post-relapse course after one-time CAR-T) vs "
        f"{RETREATMENT} (median OS from relapse after BCMA CAR-T)",
        CART,
        None,
        "relapse_median",
        None,
        RETREATMENT_OS_FROM_RELAPSE,
        *_ci(RETREATMENT_OS_LOW, None, "13.2-not reached"),
        OUTSIDE,
        _AFTER_RELAPSE_68,
        inputs=("pfs_tec_prior_bcma_exp_rate", "pps_median_bsab", "pps_median_rwpc"),
        cohorts=("Blood Adv 2024",),
    ),
    ExternalCheck(
        "cilta-cel, infused: dead before progression by 12 months after the infusion (from the run; nrm_cart_y1_rate "
        f"from CARTITUDE-1's deaths) vs real-world non-relapse mortality after cilta-cel ({GERMAN_REGISTRY}: 7% of 77 at "
        f"10 months; {SIDANA}: 10% of 236 at a median follow-up of 13 months)",
        CART,
        None,
        "nrm_share",
        12.0,
        0.07,
        0.05,
        0.10,
        "the published real-world range 5-10% (Sidana 2025: 10%; German registry: 7% for cilta-cel, 5% for ide-cel); "
        "the source value is the German registry's cilta-cel share, the same product",
        WITHIN,
        "the sources' times differ from the model's 12 months (10 months; a crude share at a median follow-up of 13 "
        "months), so the published range, not one value, is the accepted range; independent of p_not_infused, whose "
        "source names Sidana's dropout share (7.5%) only for a scenario and which acts before the infusion, on patients "
        "the comparison leaves out",
        inputs=("nrm_cart_y1_rate",),
        cohorts=("DRST", "German registry", "Sidana"),
    ),
    ExternalCheck(
        f"RWPC median OS, LocoMMotion ({LOCOMMOTION}): checks the post-progression hazard after physician's choice "
        "(MAMMOTH's 8.6 months, not solved to this OS) with LocoMMotion's PFS",
        RWPC,
        None,
        "os",
        None,
        13.8,
        *_ci(10.8, 17.0, "10.8-17.0 months"),
        WITHIN,
        "partly dependent: the PFS and the share of PFS events that are deaths come from LocoMMotion too; MAMMOTH's "
        "patients (refractory to a CD38 antibody, published 2019) are the post-progression evidence",
        inputs=("pps_median_rwpc",),
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("LocoMMotion",),
    ),
    ExternalCheck(
        f"RWPC median OS, {EJHAEM_RW}",
        RWPC,
        None,
        "os",
        None,
        14.78,
        *_ci(12.29, 17.84, "12.29-17.84 months"),
        WITHIN,
        inputs=("pps_median_rwpc",),
        cohorts=("Flatiron", "EJHaem"),
    ),
    _FLATIRON_RWPC_PFS,
    ExternalCheck(
        f"median survival after progression on physician's choice (pps_median_rwpc) vs {MAMMOTH} (median OS from "
        "refractoriness to a CD38 antibody)",
        RWPC,
        None,
        "progression_median",
        None,
        8.6,
        *_NONE,
        NOT_A_CHECK,
        "not an external check: pps_median_rwpc is this median (A: MAMMOTH's survival used after progression on "
        "physician's choice), so the row shows only that it holds through the general-population floor; its external "
        "checks are LocoMMotion's and the US real-world cohort's median OS",
        cohorts=("MAMMOTH",),
    ),
    ExternalCheck(
        f"physician's choice: dead before progression by 6 months (f_pfs_death_rwpc = 19/248, LocoMMotion's deaths "
        f"from adverse events) vs deaths from an adverse event within 6 months on standard regimens ({KARMMA3_SR}: "
        "3 of 132)",
        RWPC,
        None,
        "pf_death_share",
        6.0,
        3 / 132,
        *_exact(3 / 132, 132, "patients on standard regimens"),
        WITHIN,
        "weak: the model's share is well above the source's (the Difference column), and within the range only because "
        "3 deaths among 132 give a wide exact interval, so only a share beyond its upper end would fail; the direction "
        "is the expected one, as KarMMa-3's arm counts deaths from adverse events only, not other deaths before "
        "progression, and is earlier (2-4 prior lines), whereas the model's share is the LocoMMotion share of every "
        "PFS event by 6 months",
        parameter="f_pfs_death_rwpc",
        inputs=("f_pfs_death_rwpc",),
        caveats=(WEAK,),
        cohorts=("KarMMa-3", "Ailawadhi"),
    ),
    ExternalCheck(
        "teclistamab median time on treatment (p_disc_bsab) vs MajesTEC-1 median duration of treatment (Horizonscan)",
        BSAB,
        None,
        "tot_median",
        None,
        8.5,
        *_NONE,
        NOT_A_CHECK,
        "not an external check: p_disc_bsab is derived from this median (discontinuation hazard = its hazard minus "
        "the PFS hazard), so the row shows only that the derivation holds through the step-up week, the Q2W switch "
        "and the general-population floor; its external check is the share on treatment at 7.1 months (Usmani 2021; "
        "one-sided and weak)",
        cohorts=("MajesTEC-1", "Horizonscan"),
    ),
    ExternalCheck(
        f"teclistamab: dead before progression by 10.1 months (f_pfs_death_bsab = 21/165, MajesTEC-1's infection "
        f"deaths) vs deaths an infection contributed to in real-world teclistamab ({RAZZO}: 5% at a median "
        "follow-up of 10.1 months)",
        BSAB,
        None,
        "pf_death_share",
        10.1,
        0.05,
        *_NONE,
        NOT_A_CHECK,
        "not an external check: not like for like: the source counts deaths an infection contributed to at any time, "
        "before or after "
        "progression, which makes it larger than a share dead before progression (direction: the source too high); it "
        "leaves out deaths before progression of other causes, which the model's share (every death before "
        "progression, at MajesTEC-1's rate of infection deaths) includes (direction: the source too low); and its share "
        "is crude at the median follow-up (A: read as the share by 10.1 months). The two biases work against each other "
        "with unknown net sign, so a model value inside or outside the source's exact 95% CI (25 of 509) would say "
        "nothing; the row is shown, and f_pfs_death_bsab has no external check (G, DERIVED_INPUTS)",
        parameter="f_pfs_death_bsab",
        cohorts=("Razzo",),
    ),
    ExternalCheck(
        f"teclistamab on treatment at 7.1 months (p_disc_bsab, from MajesTEC-1's median duration of treatment 8.5 "
        f"months) vs {_USMANI_SHARE}",
        BSAB,
        None,
        "tot_share",
        7.1,
        USMANI_ON_TREATMENT / USMANI_N,
        *_at_least(USMANI_ON_TREATMENT, USMANI_N, "patients at the phase 2 dose alive and on treatment"),
        WITHIN,
        _USMANI_REASON,
        inputs=("p_disc_bsab",),
        caveats=(ONE_SIDED, WEAK, PARTLY_DEPENDENT),
        cohorts=("MajesTEC-1", "Usmani"),
    ),
    ExternalCheck(
        f"teclistamab after prior BCMA therapy (Dima 2025, median PFS 4.6, fitted) vs first salvage after BCMA "
        f"CAR-T relapse ({VAN_OEKELEN}, median PFS 3.5)",
        SEQ_CART_BSAB,
        None,
        "rate_median",
        None,
        VAN_OEKELEN_SALVAGE_PFS,
        *_ci(VAN_OEKELEN_SALVAGE_LOW, VAN_OEKELEN_SALVAGE_HIGH, "2.5-4.6 months"),
        OUTSIDE,
        "weak (the regimens differ): Van Oekelen's first salvage after CAR-T relapse (2017-2021) is any "
        "regimen, 44% T-cell engaging, with a response rate of 43%; Dima's 193 got teclistamab itself (response "
        "48.7%), so a longer PFS is expected",
        parameter="pfs_tec_prior_bcma_exp_rate",
        inputs=("pfs_tec_prior_bcma_exp_rate",),
        caveats=(WEAK,),
        cohorts=("Van Oekelen",),
    ),
    ExternalCheck(
        "cilta-cel after a non-cellular anti-BCMA therapy (CARTITUDE-2 cohort C, median PFS 9.1, fitted) vs a "
        f"repeat BCMA CAR-T after CAR-T relapse ({RETREATMENT}, median PFS 8.3)",
        SEQ_BSAB_CART,
        None,
        "rate_median",
        None,
        8.3,
        *_ci(7.9, None, "7.9-not reached"),
        WITHIN,
        "weak: not the same prior therapy: CARTITUDE-2 cohort C's 20 got cilta-cel after a non-cellular anti-BCMA "
        "therapy (an antibody-drug conjugate or a bispecific), the source's 68 a repeat BCMA CAR-T after relapse on a "
        "BCMA CAR-T, a later line with CAR-T-specific resistance; both are BCMA CAR-T after BCMA exposure, so the row "
        "shows only that the fitted PFS is of the order seen after prior BCMA therapy. One-sided: the CI is open "
        "above (not reached), so a model PFS that is too long cannot fail it",
        parameter="pfs_cilta_prior_bcma_exp_rate",
        inputs=("pfs_cilta_prior_bcma_exp_rate",),
        caveats=(WEAK,),
        cohorts=("Blood Adv 2024",),
    ),
    ExternalCheck(
        "teclistamab median PFS, MajesTEC-1 (Moreau et al., NEJM 2022;387:495): checks the PFS route (RWPC curve x "
        "Krishnan's hazard ratio 0.43), which is not derived from this median",
        BSAB,
        None,
        "pfs",
        None,
        11.3,
        *_ci(8.8, 17.1, "8.8-17.1 months"),
        WITHIN,
        "partly dependent: Krishnan's hazard ratio compares MajesTEC-1's 165 patients (their individual data, IPTW) "
        "with a real-world cohort, so the same patients stand behind it; it is not derived from the median",
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("MajesTEC-1", "Moreau"),
    ),
    ExternalCheck(
        "teclistamab PFS(6): the PFS route (RWPC curve x Krishnan's hazard ratio 0.43) vs the BCMA-naive patients of "
        f"the {IMWG_TEC} (6-month PFS 63%)",
        BSAB,
        None,
        "pfs",
        6.0,
        IMWG_TEC_NAIVE_PFS6,
        *_ci(IMWG_TEC_NAIVE_PFS6_LOW, IMWG_TEC_NAIVE_PFS6_HIGH, "54-73%"),
        WITHIN,
        _IMWG_PFS_REASON,
        cohorts=("IMWG",),
    ),
    ExternalCheck(
        "teclistamab median OS, MajesTEC-1 (V, Garfall 2024): checks the PFS route (RWPC x hazard ratio) with the "
        "survival after progression of Yu 2025 (pps_rate_bsab), neither derived from MajesTEC-1's OS",
        BSAB,
        None,
        "os",
        None,
        22.2,
        *_median_ci(
            22.2,
            83,
            "d = 83, half of the 165 patients: at the median half of those followed so long have died, and with "
            "follow-up to the median for (nearly) all (median follow-up 30.4 months; A: minimum follow-up beyond 22.2 "
            "months, not read) at least 165 / 2 died by then; the deaths at the cut were not found (G), so this is the "
            "widest interval the size allows",
        ),
        WITHIN,
        "partly dependent: not the OS, but the PFS route's hazard ratio 0.43 (Krishnan's IPTW comparison of MajesTEC-1's "
        "165 patients with a real-world cohort), the share of PFS events that are deaths (f_pfs_death_bsab = 21/165, "
        "MajesTEC-1's infection deaths) and the time on treatment come from MajesTEC-1's patients; the survival after "
        "progression (Yu 2025) comes from other patients",
        inputs=("pps_median_bsab",),
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("MajesTEC-1", "Garfall"),
    ),
    ExternalCheck(
        "teclistamab vs RWPC OS hazard ratio (Krishnan 2023, IPTW): model RWPC median OS / teclistamab median OS",
        BSAB,
        None,
        "os_hr",
        None,
        0.82,
        *_ci(0.59, 1.14, "0.59-1.14"),
        WITHIN,
        "partly dependent: the teclistamab arm's PFS is the RWPC curve x Krishnan's PFS hazard ratio 0.43, from the same "
        "analysis (the same MajesTEC-1 patients and real-world cohort), and its deaths before progression are "
        "MajesTEC-1's (f_pfs_death_bsab = 21/165). "
        "The model's hazard ratio is the ratio of the model's medians (A: proportional, constant hazards); the OS "
        "hazard ratio 0.82 is not an input of the state-transition version. The model's ratio is below the source's "
        "point estimate (the Difference column), and a ratio at the edge of the CI (the verdict says whether it is) "
        "means the model's OS gain of teclistamab over RWPC is about the largest the trial comparison allows: it comes "
        "from the PFS hazard ratio 0.43 and the longer survival after progression on teclistamab (Yu's 11.3 months "
        "against MAMMOTH's 8.6 after physician's choice), not from this ratio",
        versus=RWPC,
        inputs=("pps_median_bsab",),
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("Krishnan", "MajesTEC-1"),
    ),
    ExternalCheck(
        "ide-cel median OS, KarMMa",
        CART,
        "CAR-T product: ide-cel",
        "os",
        None,
        24.8,
        *_ci(19.9, 31.2, "19.9-31.2 months"),
        WITHIN,
        "partly dependent: the scenario's PFS is KarMMa's (median 8.8 months, Munshi 2021, the same 128 patients), so "
        "the check is of the deaths before progression and the survival after relapse, which come from other sources; "
        "the vein-to-vein time is KarMMa-3's",
        caveats=(PARTLY_DEPENDENT,),
        cohorts=("KarMMa",),
    ),
    ExternalCheck(
        "elranatamab OS(15), MagnetisMM-3",
        BSAB,
        "Bispecific product: elranatamab",
        "os",
        15.0,
        0.567,
        *_exact(0.567, 123, "patients of cohort A"),
        OUTSIDE,
        "the model is too optimistic: MagnetisMM-3's OS(15) is only 5.8 points above its PFS(15) (50.9%), so "
        "survival after progression on elranatamab was shorter than the 11.3 months after teclistamab failure (Yu "
        "2025) that the model applies to every product (A for elranatamab), and the model's PFS (RWPC curve x the "
        "MAIC hazard ratio 0.32) is longer than MagnetisMM-3's own. Independent of pps_rate_bsab, whose source names "
        "MagnetisMM-3 only as this check, and of elra_q2w_share (MagnetisMM-3's share switched to every 2 weeks, "
        "Lesokhin 2023), which sets the dosing, not the survival",
        inputs=("pps_median_bsab",),
        cohorts=("MagnetisMM-3", "Lesokhin"),
    ),
    ExternalCheck(
        f"RWPC median OS, {EJHAEM_RW}",
        RWPC,
        None,
        "os",
        None,
        14.78,
        *_ci(12.29, 17.84, "12.29-17.84 months"),
        WITHIN,
        structure=PARTITIONED_SURVIVAL,
        cohorts=("Flatiron", "EJHaem"),
    ),
    replace(_FLATIRON_RWPC_PFS, structure=PARTITIONED_SURVIVAL),
    replace(_SIDANA_CILTA_PFS, structure=PARTITIONED_SURVIVAL),
    replace(_DRST_CILTA_PFS, structure=PARTITIONED_SURVIVAL),
    ExternalCheck(
        f"cilta-cel OS(12), real-world TriNetX cohort of 697 treated patients ({FILIPPATOS}: 89.6%)",
        CART,
        None,
        "os",
        12.0,
        0.896,
        *_exact(0.896, 697, "cilta-cel patients"),
        OUTSIDE,
        "the partitioned CAR-T OS curve is fitted to CARTITUDE-1 (88.5% at 12 months, 97 patients treated 2018-2019); "
        "the real-world patients of 2022-2024 lived longer in year 1, although 54% would not have met CARTITUDE-1's "
        "criteria (Sidana 2025), perhaps as CAR-T care (bridging, infection prophylaxis) improved; the binomial "
        "interval ignores censoring, so it is narrower than the Kaplan-Meier estimate's own",
        structure=PARTITIONED_SURVIVAL,
        cohorts=("Filippatos", "TriNetX"),
    ),
    ExternalCheck(
        f"cilta-cel, infused: survival from relapse vs {VAN_OEKELEN} (median OS from relapse 17.9 months)",
        CART,
        None,
        "pd_months",
        None,
        VAN_OEKELEN_OS_FROM_RELAPSE,
        *_NONE,
        NOT_A_CHECK,
        _PS_RELAPSE,
        PARTITIONED_SURVIVAL,
        cohorts=("Van Oekelen",),
    ),
    ExternalCheck(
        f"cilta-cel, infused: survival from relapse vs {RETREATMENT} (median OS from relapse 18 months)",
        CART,
        None,
        "pd_months",
        None,
        RETREATMENT_OS_FROM_RELAPSE,
        *_NONE,
        NOT_A_CHECK,
        _PS_RELAPSE.replace("Van Oekelen's median", "the cohort's median"),
        PARTITIONED_SURVIVAL,
        cohorts=("Blood Adv 2024",),
    ),
    ExternalCheck(
        f"teclistamab OS(6), {IMWG_TEC}",
        BSAB,
        None,
        "os",
        6.0,
        0.73,
        *_ci(0.67, 0.80, "67-80%"),
        OUTSIDE,
        "the real-world cohort is sicker than MajesTEC-1 (44% had prior BCMA-directed therapy, 83% triple-class "
        "refractory, patients outside trial criteria)",
        PARTITIONED_SURVIVAL,
        cohorts=("IMWG",),
    ),
    ExternalCheck(
        "teclistamab PFS(6) (curve fitted to MajesTEC-1's median PFS) vs the BCMA-naive patients of the "
        f"{IMWG_TEC} (6-month PFS 63%)",
        BSAB,
        None,
        "pfs",
        6.0,
        IMWG_TEC_NAIVE_PFS6,
        *_ci(IMWG_TEC_NAIVE_PFS6_LOW, IMWG_TEC_NAIVE_PFS6_HIGH, "54-73%"),
        WITHIN,
        _IMWG_PFS_REASON,
        PARTITIONED_SURVIVAL,
        cohorts=("IMWG",),
    ),
    ExternalCheck(
        "teclistamab on treatment at 7.1 months (the time-to-discontinuation curve, exponential fitted to MajesTEC-1's "
        f"median duration of treatment 8.5 months, its own source and so no check of it) vs {_USMANI_SHARE}",
        BSAB,
        None,
        "tot_share",
        7.1,
        USMANI_ON_TREATMENT / USMANI_N,
        *_at_least(USMANI_ON_TREATMENT, USMANI_N, "patients at the phase 2 dose alive and on treatment"),
        WITHIN,
        _USMANI_REASON,
        PARTITIONED_SURVIVAL,
        caveats=(ONE_SIDED, WEAK, PARTLY_DEPENDENT),
        cohorts=("MajesTEC-1", "Usmani"),
    ),
)


@dataclass(frozen=True)
class DerivedInput:
    """An input of the state-transition version derived or calibrated from published values.

    name    : the parameter (or, with ``subgroup``, the parameter the subgroup overrides)
    targets : the published values it was derived from or calibrated to (months, shares or ratios); no external
              check may have one of them as its source value
    gap     : "" when an external check tests it (its ``inputs`` name it); otherwise "G: " and what was searched
    """

    name: str
    targets: tuple[float, ...]
    gap: str = ""
    subgroup: str | None = None


#: The derived and calibrated inputs that external checks test, each with the values it was derived from.
DERIVED_INPUTS: tuple[DerivedInput, ...] = (
    DerivedInput("f_pfs_death_rwpc", (19 / 248, 33 / 248)),
    DerivedInput(
        "f_pfs_death_bsab",
        (21 / 165,),
        "G: no share of teclistamab patients dead before progression from another source than MajesTEC-1 was found: "
        "real-world teclistamab (Razzo et al., Blood Cancer Discov 2025, read second-hand in HealthDay's report) gives "
        "only the deaths an infection contributed to (5% of 509), before or after progression, a row shown as no "
        "external check (biases of unknown net sign); the IMWG real-world cohort's abstract (210 patients) gives no "
        "deaths before progression",
    ),
    DerivedInput("p_disc_bsab", (8.5,)),
    DerivedInput("pps_median_rwpc", (8.6,)),
    DerivedInput("pps_median_bsab", (11.3, 7.3)),
    DerivedInput("nrm_cart_y1_rate", (7 / 97,)),
    DerivedInput(
        "nrm_cart_late_rate",
        (11 / 97,),
        "G: no death rate before progression after year 1 of cilta-cel from another source than CARTITUDE-1 was found: "
        "the real-world cohorts report non-relapse mortality at their (short) median follow-up only, Sidana et al., "
        "Blood 2025;145(1):85 (10% at 13 months) and the German registry (DRST, Blood 2025;146(14):1677; 7% at 10 "
        "months for cilta-cel); CARTITUDE-4 (San-Miguel et al., NEJM 2023;389:335, an earlier line, 1-3 prior lines) "
        "and the manufacturer's summary of deaths in the cilta-cel trials (J&J Medical Connect, 'CARVYKTI - Adverse "
        "Event - Mortality') were searched: the text found gives CARTITUDE-1's deaths by day (the source of this rate) "
        "and CARTITUDE-2 cohort A's (earlier lines: one death not from progression after day 365, sepsis "
        "on day 394, at a median follow-up of 29.9 months; too few for a rate), but no CARTITUDE-4 deaths by time; the "
        "CARTITUDE-1 OS at 36 months (the same data cut) is shown but is no check",
    ),
    DerivedInput("pfs_tec_prior_bcma_exp_rate", (4.6,)),
    DerivedInput("pfs_cilta_prior_bcma_exp_rate", (9.1,)),
    DerivedInput(
        "cart_pfs_hr_psa",
        (0.61, 0.80, 0.42, 0.72),
        "G: no high-risk PFS after cilta-cel other than the ASH 2025 real-world cohort it is derived from was found: "
        "CARTITUDE-1's high-risk subgroup PFS (Martin et al., JCO 2023;41(6):1265; 23 of 91 with high-risk "
        "cytogenetics) and CARTITUDE-4's high-risk PFS (carvyktihcp.com) were searched, and only response rates and "
        "hazard ratios against standard care were found in the text read; Sidana et al., Blood 2025;145(1):85 reports "
        "high-risk cytogenetics as a predictor of PFS without a number in its abstract, and a national real-world "
        "cohort of 73 (compared with CARTITUDE-1) gives no high-risk PFS",
        "High-risk cytogenetics",
    ),
)
