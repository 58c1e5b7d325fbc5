"""Type aliases for the arrays that every layer passes around.

``FloatArray`` is a numpy array of float64 of any shape: probabilities [0-1], times,
costs, utilities and the like; ``BoolArray`` a mask. They are the one spelling of these
types in hecon, so that ``mypy --strict`` checks array code without each module inventing
its own alias.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["BoolArray", "FloatArray"]

#: float64 array of any shape.
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: Boolean mask of any shape (e.g. which samples or cycles a condition holds for).
BoolArray: TypeAlias = npt.NDArray[np.bool_]
