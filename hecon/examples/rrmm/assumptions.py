"""The Assumptions sheet: the modelling assumptions in words, listed in the report.

Sources: each entry names its own (with the evidence tags of mm-inputs.md: P published, V
recalled, D derived, A assumption, G gap).
"""

from __future__ import annotations

from hecon.examples.rrmm.bispecifics import TEC_PRICE_EUROPE
from hecon.examples.rrmm.bootstrap_draws import N_BOOT

ASSUMPTIONS = (
    "Population: adults with RRMM after >= 3 prior lines (PI, IMiD, anti-CD38 exposed). Start age 63 (A; trials "
    "61-65, LocoMMotion 68: scenario), 59% men (CARTITUDE-1, P). Settings sources: cycle 7 days (weekly dosing, "
    "2-3 week admissions, step-up dosing); horizon 37 years = to age 100 (lifetime, Dutch guideline 2024); "
    "discounting 3% costs / 1.5% effects (guideline 2024; 4%/1.5% of 2016 as scenario); societal perspective; "
    "2024 euros.",
    "Every input is on the Parameters sheet with its source; the source starts with the evidence tag: "
    "P published (read), V published (recalled, verify), D derived by us (method stated), "
    "A assumption (needs expert opinion), G gap (placeholder: replace before any reimbursement use).",
    "Gaps (G) a user must replace with Dutch values: teclistamab price per mg (tec_price_per_mg; the Swiss list "
    f"price in euros, EUR {TEC_PRICE_EUROPE:.2f}, for want of a Dutch one; it decides CAR-T versus the bispecific, see the threshold "
    "price and the scenarios at ZIN's -40% and the US price), elranatamab "
    "vial prices (elra_price_76mg, elra_price_44mg), ide-cel price (ide_price), IVIG price per gram "
    "(c_ivig_per_g), elranatamab IgG-replacement use (elra_p_ivig), the apheresis tariff (c_apheresis), "
    "terminal-care use (terminal_hosp_days, terminal_home_nursing_hours), unrelated medical costs in "
    "life-years lived by age band (paid_under_70, paid_70_79, paid_80_89, paid_90_plus), placeholders for the "
    "PAID 3.0 table, which could not be obtained; unit prices of cytopenia support after CAR-T (c_gcsf_dose, "
    "c_platelet_unit, c_tpo_course); the red-cell unit (c_rbc_unit) is Sanquin's 2023 tariff as reported (V); also the net (negotiated) cilta-cel price (cilta_price is the "
    "2022 asking price), Dutch vein-to-vein times (V), health-state utilities by progression status from the "
    "trials, digitised Kaplan-Meier curves with numbers at risk over time, and the primary publication of "
    "the pooled BCMA CAR-T median PFS (pooled_pfs_median, quoted in a clinician interview; scenario only).",
    "The cohort is synchronised: everyone in a strategy starts treatment at model time 0 (apheresis, first "
    "step-up dose, or physician's choice), so phase changes (end of bridging, discharge, end of recovery, "
    "anniversaries) are conditions on model_time; no tunnel states are needed. Phase lengths are rounded to "
    "whole weekly cycles (hospital days use the exact lengths of stay).",
    "Within-cycle correction: half-cycle (trapezoid rule; Elbasha & Chhatwal 2016). With weekly cycles it "
    "only changes the first and last trace points; the one-week step-up episode that the cohort occupies at "
    "the start is charged as a one-off '(start)' reward so that the correction does not halve it. Simpson's "
    "rule is not used: its alternating weights 4/3, 2/3 would over- or under-count one-week episodes.",
    "Survival: progression-free states leave with the per-cycle PFS event probability 1 - S(t+1)/S(t) of "
    "the strategy's curve (clock: months since apheresis for RWPC, since the first step-up dose for "
    "bispecifics, since infusion for CAR-T); a share of PFS events are deaths before progression "
    "(f_pfs_death_* for RWPC and bispecifics, D from published deaths: LocoMMotion's 19/248 deaths from adverse "
    "events, MajesTEC-1's 21/165 infection deaths; after CAR-T CARTITUDE-1's death rates before progression, "
    "nrm_cart_y1_rate over the first year and nrm_cart_late_rate to its median follow-up of 33.4 months, "
    "estimated from its 18 of 97 deaths from adverse events by day after infusion (7 in year 1, 11 after), "
    "never from OS), never less than general-population mortality. Progressed states have a constant "
    "death hazard: after RWPC set so that the model's mean OS equals that of the LocoMMotion OS fit (D, the last "
    "resort: no survival after progression on physician's choice was found, G; checked against another cohort's "
    "median OS); after bispecifics ln 2 / the median survival after teclistamab failure (11.3 months, Yu 2025, P; "
    "checked against MajesTEC-1's OS, Krishnan's OS hazard ratio and MagnetisMM-3's OS(15)). "
    "After CAR-T relapse a share starts a bispecific (35/79 with a T-cell-engaging salvage in Van Oekelen, "
    "Blood 2023; in the sequence CAR-T then bispecific the 58/68 fit for it), with its PFS after prior BCMA "
    "therapy and then the survival after the last BCMA line; the rest have the hazard after RWPC (A, non-BCMA "
    "salvage); Van Oekelen's median 17.9 months after relapse checks this mixture. None is solved to hit a median; "
    "general-population mortality is a floor everywhere.",
    "Curves (tag D): fitted by maximum likelihood to patients reconstructed "
    "from the published landmarks and medians (constant hazard between the points; no Kaplan-Meier curve "
    "was digitised) from every published point on the SurvivalPoints sheet: RWPC exponential PFS (LocoMMotion median "
    "4.6 months, 248 patients); cilta-cel PFS (CARTITUDE-1: 12 and 24 months, median 34.9, 32/97 at 5 years; "
    "97 patients) exponential, or mixture cure Weibull as the structural alternative cart_pfs_plateau (equal "
    "PSA weights, A); the PSA draws each exponential rate from its lognormal and each cure fit's parameters "
    f"jointly from {N_BOOT:,} bootstrap refits of the reconstructed patients. Bispecifics: RWPC curve x "
    "adjusted hazard ratio (teclistamab 0.43, Krishnan 2023; elranatamab 0.32, MAIC 2025). OS is not a "
    "target: published OS (CARTITUDE-1, KarMMa, MajesTEC-1, the OS hazard ratios, a US real-world cohort) is "
    "compared with the model as external checks (listed with the model values in the documentation of the example).",
    "Partitioned-survival version (co-primary structure; the report's "
    "structural cross-check): RWPC from the LocoMMotion PFS and OS fits; one-time CAR-T by intention to treat "
    "(bridging until t_inf, then the never-infused share in progression dying at the post-progression hazard "
    "after RWPC, the infused on the CARTITUDE-1 PFS and OS fits from infusion; with the plateau the cured "
    "fractions die at the general-population rate, a Gompertz fit to the life table); weekly bispecific on "
    "teclistamab's own MajesTEC-1 PFS, OS and duration-of-treatment fits. Annual re-dosing and the "
    "sequences have no partitioned version (no OS of their own). The PSA's decision outputs average the two "
    "structures with weight 0.5 each (setting partitioned_survival_weight, A) over the strategies both model. "
    "One-off events on transitions from one state are "
    "valued in the partitioned version on entries into states (TransitionRewards column structure).",
    "General-population mortality: CBS 2019 life table (37360ned, ages 0-99); ages past 99 keep the qx of "
    "age 99 (the table has no older ages). Scenario: AG2024 projection table for 2024 (ages to 120).",
    "CAR-T intention to treat from apheresis: apheresis cost for everyone; bridging therapy (share p_bridging) "
    "during the vein-to-vein time; a share p_not_infused (CARTITUDE-1 16/113, the trial whose PFS is used) "
    "leaves during that time (constant hazard) into progression (PD_RWPC: they drop out mostly because the "
    "disease progresses), carrying apheresis and bridging costs. Infused patients: lymphodepletion, product, index admission with CRS, ICANS, ICU and "
    "tocilizumab; recovery with infections, IVIG and weekly visits; then treatment-free until progression "
    "(no maintenance). Trial PFS/OS include treatment-related deaths, so no extra mortality is added for "
    "the first course.",
    "Annual re-dosing (hypothetical; all A): at each anniversary of the first infusion, a share "
    "p_redose_eligible of those alive and progression-free start a new course (new apheresis, full price "
    "x redose_price_share, lymphodepletion, 17-day admission, 1.5 months of recovery, non-relapse "
    "mortality nrm_redose_course); the others stop re-dosing for good. After each further course the "
    "progression hazard is the first remission's hazard (clock since the first infusion: the early-hazard "
    "part of the curve is not restarted) x the course's efficacy hr_redose (0.7); the clock-restart reading "
    "(redose_restarts_clock = 1, hazard x 1.5) and a different product at further courses are scenarios. "
    "Those who stop return to the first course's hazard (first-course clock, hazard ratio 1: the "
    "effect of re-dosing ends with the courses; no source says otherwise). IVIG throughout re-dosing (share p_ivig_redose).",
    "Bispecifics: step-up week (inpatient by default, 7 days teclistamab / 5 days elranatamab; outpatient "
    "scenario admits only for CRS), weekly full doses from week 2, switch to every 2 weeks for a share of "
    "starters (>= CR for teclistamab) once the CR has lasted 6 months (label); time on treatment exponential "
    "with MajesTEC-1's median duration of treatment 8.5 months (those who stop without progression are "
    "treatment-free; elranatamab: until progression); stop-in-CR (fixed duration) is a scenario; serious infections at the IVIG-weighted rate of Frerichs 2024; IVIG for the "
    "share with IgG replacement; unscheduled care in the first 125 days.",
    "Subsequent therapy after progression: share on a further line (61.3% after RWPC, 85% after CAR-T, "
    "70% after bispecifics) x anti-myeloma drug cost per month (Seefat 2023, 2019 prices x CBS CPI to 2024); "
    "after CAR-T relapse the share w_bsab_after_cart_relapse (35/79, Van Oekelen 2023) on a bispecific is "
    "costed as the bispecific of the sequence CAR-T then bispecific (step-up week, weekly doses until "
    "progression); "
    "terminal care (placeholder, G) is charged once at death. Grade 3/4 adverse events on physician's-choice "
    "regimens (index line, bridging, later lines): 52.8% of patients over the index line (LocoMMotion, P), each "
    "an admission of 5 days (A), spread over the mean time on the regimen. Productivity: friction cost method for the 20% "
    "in paid work (A) over the friction period from treatment start. Informal care: a caregiver present 24 h "
    "a day for 4 weeks after each CAR-T infusion (A; 8 h a day is a scenario), 20 h in the step-up week (A). "
    "Travel: 60 km and parking per hospital contact. CAR-T procedure: the Dutch CEA's lymphodepletion "
    "(EUR 6,301) and infusion (EUR 15,932) costs of 2018 x CPI to 2024 (PMC7497258), the admission's nursing "
    "days bottom-up; cytopenia support (G-CSF, transfusions, TPO-receptor agonist; Logue 2022 shares, unit "
    "prices G) once per infusion. Unrelated medical costs by age (PAID placeholders, G) in every year alive.",
    "Sequences (reported beside the primary pair): CAR-T then bispecific (at "
    "relapse 58/68 start teclistamab, weekly until progression) and bispecific then CAR-T (at progression "
    "88/179 are apheresed; dropout as first-line CAR-T; cilta-cel). The second therapy's PFS is an exponential "
    "fitted to the published median of patients with prior BCMA therapy (teclistamab 4.6 months, n = 193, Dima "
    "2025; cilta-cel 9.1 months, n = 20, CARTITUDE-2 cohort C); non-relapse mortality after CAR-T following a "
    "bispecific 4/20 (CARTITUDE-2 cohort C); after the second therapy survival is that after teclistamab "
    "failure (median 11.3 months, Yu 2025, A) with the non-BCMA basket. The wait for the second-line product "
    "and its recovery are memoryless with the first-line mean durations (A: entry times differ). Those who do "
    "not get the second therapy follow the first-line pathway after progression.",
    "Treatment-burden flags: on_treatment = receiving the strategy's anti-myeloma treatment "
    "before progression (RWPC regimen, bridging, CAR-T lymphodepletion/infusion admission, bispecific "
    "dosing); hospitalised = a cycle with an admission (hospital_days counts the exact days); recovering = "
    "recovery after a CAR-T course; progression_free = alive without progression; treatment_free = alive, "
    "progression-free, not on treatment and not recovering (CAR-T: from infusion + 3 months to progression "
    "or death; bispecifics: only after discontinuation without progression, default 0; re-dosing: the rest "
    "of each year between courses); tox = Q-TWiST's TOX time (A: grade >= 3 adverse-event windows "
    "approximated by the CAR-T admission and recovery after each course and the bispecific step-up week, "
    "inpatient or outpatient; infections during weekly dosing have no TOX window); dead. Subsequent lines after progression are not counted as "
    "on_treatment or administrations (they are costed and their visits are hospital contacts).",
    "Counts: hospital_days (admissions, infections, CRS admissions, terminal care); administrations "
    "(anti-myeloma administrations before progression: RWPC and bridging visits, lymphodepletion days, "
    "CAR-T infusions, bispecific doses); hospital_contacts (all hospital visits and admissions, incl. "
    "apheresis, IVIG, monitoring, unscheduled care, progressed-state visits and terminal care); "
    "cart_infusions; serious_infections.",
    "Mean time to the first treatment-free day = helper_tf_first_entry_years / helper_tf_first_entries, both undiscounted: "
    "every first entry into a treatment-free state (CART_Recovery -> CART_Remission, bispecific -> "
    "BsAb_Stopped) counts 1 and adds its entry time (model_years + cycle_years); the ratio is the mean "
    "entry time among those who reach a treatment-free day, and helper_tf_first_entries the share who do. "
    "Share of life-years treatment-free = treatment-free years / life-years.",
    "Utilities (A; trial EQ-5D-5L by state not retrieved): 0.74 progression-free on treatment, 0.78 off "
    "treatment, 0.64 progressed, -0.15 while admitted, -0.10 during recovery; one-off QALY losses for CRS "
    "and ICANS (Howell 2022) and serious infections (-0.19 for 14 days). No age adjustment (values stay "
    "below the Dutch age norms).",
    "Checks run with the example's tests: how close a fitted curve passes to the published points it was "
    "fitted to is shown in the Landmarks table, not tested (it is no validation); the state-transition OS is "
    "compared with published OS values it was not fitted to (external checks, with model and source side by "
    "side in the example's documentation); nobody is on treatment after death; all costs are non-negative.",
)
