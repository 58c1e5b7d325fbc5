"""PSA convergence (hecon.analysis.convergence).

Reference numbers are worked by hand in the comments or taken from published examples
(cited where used); none is produced by the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.analysis import convergence
from hecon.model.problems import ModelError


def test_running_mean_and_monte_carlo_se():
    # running mean of 2, 4, 9: 2, 3, 5
    np.testing.assert_allclose(convergence.running_mean([2.0, 4.0, 9.0]), [2, 3, 5])
    # 2-D: per column
    np.testing.assert_allclose(convergence.running_mean([[1, 10], [3, 20]]), [[1, 10], [2, 15]])
    # x = 2, 4, 9: mean 5, squared deviations 9 + 1 + 16 = 26, sd = sqrt(26 / 2) = sqrt(13)
    # se = sqrt(13) / sqrt(3)
    assert convergence.monte_carlo_se([2.0, 4.0, 9.0]) == pytest.approx(math.sqrt(13 / 3))
    with pytest.raises(ModelError, match="at least 2 sample"):
        convergence.monte_carlo_se([1.0])


def test_running_monte_carlo_se():
    # x = 2, 4, 9. After 2: mean 3, sd sqrt(2), se sqrt(2)/sqrt(2) = 1; after 3: sqrt(13)/sqrt(3) (above)
    se = convergence.running_monte_carlo_se([2.0, 4.0, 9.0])
    assert math.isnan(se[0])
    np.testing.assert_allclose(se[1:], [1.0, math.sqrt(13 / 3)], rtol=1e-12)
    # a constant outcome has no Monte Carlo error (the variance is clipped at 0, not negative)
    np.testing.assert_array_equal(convergence.running_monte_carlo_se([0.1] * 5)[1:], 0.0)
