"""Survival evidence: from patient data or digitised Kaplan–Meier curves to fitted curves.

Reads individual patient data, reconstructs it from published Kaplan–Meier figures (Guyot et
al. 2012), estimates Kaplan–Meier curves and fits parametric survival models by maximum
likelihood in R flexsurv's parameterisations, ready for the workbook's Survival sheet and the
PSA's mvnormal groups.

May import :mod:`hecon.model` and :mod:`hecon.methods`.
"""
