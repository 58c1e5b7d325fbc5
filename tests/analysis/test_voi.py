"""Population EVPI (hecon.analysis.voi).

Reference numbers are worked by hand in the comments or taken from published examples
(cited where used); none is produced by the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from hecon.analysis import voi
from hecon.model.problems import ModelError


def test_population_evpi():
    # N = 1000 per year, 3 years, r = 4%: 1000 * (1 + 1/1.04 + 1/1.0816)
    #   = 1000 * (1 + 0.9615384615 + 0.9245562130) = 2886.0946746
    # per-patient EVPI (0, 100) -> (0, 288609.46746)
    assert voi.discounted_population(1000, 3, 0.04) == pytest.approx(2886.0946745562)
    np.testing.assert_allclose(voi.population_evpi([0.0, 100.0], 1000, 3, 0.04), [0.0, 288609.46745562], rtol=1e-12)
    assert voi.population_evpi(50.0, 1000, 1, 0.04) == 50_000.0  # first year undiscounted
    assert voi.population_evpi(50.0, 1000, 10, 0.0) == 500_000.0
    with pytest.raises(ModelError, match="years is 0"):
        voi.population_evpi(50.0, 1000, 0, 0.04)
    with pytest.raises(ModelError, match="discount_rate is -0.1"):
        voi.population_evpi(50.0, 1000, 5, -0.1)
