"""Example models, by name, for templates (``hecon template --example NAME``) and notebooks.

:data:`EXAMPLES` maps a name to a function that returns the example's ModelSpec.
"""

from __future__ import annotations

from typing import Callable

from hecon.examples.textbook import textbook_model
from hecon.spec import ModelSpec

EXAMPLES: dict[str, Callable[[], ModelSpec]] = {
    "textbook": textbook_model,
}
"""Example name -> function returning its ModelSpec."""

__all__ = ["EXAMPLES", "textbook_model"]
