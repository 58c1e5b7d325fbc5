"""Example models, by name, for templates (``hecon template --example NAME``) and notebooks.

:data:`EXAMPLES` maps a name to a function that returns the example's ModelSpec.
"""

from __future__ import annotations

from collections.abc import Callable

from hecon.examples.rrmm import rrmm_model
from hecon.examples.textbook import textbook_model
from hecon.model.spec import ModelSpec

EXAMPLES: dict[str, Callable[[], ModelSpec]] = {
    "textbook": textbook_model,
    "rrmm": rrmm_model,
}
"""Example name -> function returning its ModelSpec."""

__all__ = ["EXAMPLES", "rrmm_model", "textbook_model"]
