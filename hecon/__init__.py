"""hecon: vectorised cohort state-transition models for health-economic evaluation.

The package is laid out in layers (see the README's Layout): ``model`` (the model language),
``methods`` (health-economic building blocks), ``engine`` (compile and run), ``analysis``
(decision analysis), ``workbook`` (Excel front end), ``report`` (presentation), ``examples``
and ``cli``. Importing :mod:`hecon` loads none of them; the names below are imported on
first use, so ``import hecon`` starts no threads and compiles nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from hecon.version import __version__

_LAZY = {
    "compile_model": "hecon.engine.compiler",
    "run_model": "hecon.engine.run",
    "ModelError": "hecon.model.problems",
    "Problem": "hecon.model.problems",
}

__all__ = ["ModelError", "Problem", "__version__", "compile_model", "run_model"]


def __getattr__(name: str) -> Any:
    """``hecon.run_model`` and friends, imported when first asked for (PEP 562)."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hecon' has no attribute {name!r}")
