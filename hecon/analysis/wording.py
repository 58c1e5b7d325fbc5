"""Model elements named for a reader rather than by their code names.

A parameter's code name (``cart_pfs_plateau``) is what the workbook and its expressions use; a
report names it by its description, shortened to its first clause ("Cilta-cel PFS plateau"), and
a discrete parameter's alternatives by their labels with spaces ("no plateau").
"""

from __future__ import annotations

import re
import textwrap

from hecon.model.spec import ModelSpec, Parameter

__all__ = ["TITLE_CHARS", "choice_words", "parameter_title", "title_of"]

TITLE_CHARS = 120
"""Longest parameter title [characters]; a longer first clause is shortened at a word."""


def parameter_title(p: Parameter) -> str:
    """The parameter's description up to its first ": " or "; " (a longer first clause shortened to
    :data:`TITLE_CHARS` at a word); its name when it has no description.

    >>> parameter_title(Parameter("cart_pfs_plateau", 1, description="Cilta-cel PFS plateau: 1 none, 2 plateau"))
    'Cilta-cel PFS plateau'
    """
    first = re.split(r": |; ", p.description.strip(), maxsplit=1)[0].strip() if p.description else ""
    return textwrap.shorten(first, TITLE_CHARS, placeholder=" …") if first else p.name


def title_of(spec: ModelSpec, name: str) -> str:
    """:func:`parameter_title` of the parameter ``name`` of ``spec``; ``name`` itself when it is none."""
    p = next((p for p in spec.parameters if p.name == name), None)
    return parameter_title(p) if p is not None else name


def choice_words(label: str) -> str:
    """A discrete parameter's alternative label in words: ``no_plateau`` -> ``no plateau``."""
    return label.replace("_", " ").strip()
