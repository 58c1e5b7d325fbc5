"""Regenerate :data:`hecon.examples.rrmm.bootstrap_draws.DRAWS_FILE`: ``python -m
hecon.examples.rrmm.make_bootstrap_draws`` refits :data:`~hecon.examples.rrmm.bootstrap_draws.N_BOOT`
bootstrap replicates of cilta-cel's PFS cure fit, then OS's uncured part at each replicate's PFS cure
fraction on the same resample (:mod:`hecon.examples.rrmm.bootstrap_draws` says why)."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

from hecon.evidence.bootstrap import bootstrap_fit
from hecon.evidence.cure_given import bootstrap_given_cure_fraction
from hecon.examples.rrmm.bootstrap_draws import COLUMNS, DRAWS_FILE, N_BOOT, SEED
from hecon.examples.rrmm.fitted import TIME_UNIT, reconstructed
from hecon.examples.rrmm.strategies import CART


def generate(n_boot: int = N_BOOT) -> list[tuple[str, int, float, float, float]]:
    """The table's rows, fresh: ``n_boot`` bootstrap refits of the PFS cure fit, then of OS's uncured
    part at replicate b's PFS cure fraction, on resample b of the same seed (97 patients each)."""
    pfs = bootstrap_fit(
        reconstructed(CART, "PFS"), "weibull", cure=True, n_boot=n_boot, seed=SEED, time_unit=TIME_UNIT
    ).draws
    thetas = [float(theta) for theta in pfs[:, 0]]
    uncured = bootstrap_given_cure_fraction(
        reconstructed(CART, "OS"), "weibull", thetas, seed=SEED, time_unit=TIME_UNIT
    )
    rows = [("pfs_cilta", b, float(t), float(shape), float(scale)) for b, (t, shape, scale) in enumerate(pfs)]
    rows += [("os_cilta", b, thetas[b], float(shape), float(scale)) for b, (shape, scale) in enumerate(uncured)]
    return rows


def write(rows: list[tuple[str, int, float, float, float]], path: Path = DRAWS_FILE) -> None:
    """Write the table atomically (a temporary sibling, then renamed over ``path``)."""
    handle, tmp = tempfile.mkstemp(prefix=".~", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(COLUMNS)
            out.writerows([c, b, *(f"{x:.10g}" for x in values)] for c, b, *values in rows)
        os.chmod(tmp, 0o644)  # a data file of the package, readable by all (mkstemp makes it private)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":  # pragma: no cover - the generator, run by hand
    write(generate())
    print(f"wrote {DRAWS_FILE}", file=sys.stderr)
