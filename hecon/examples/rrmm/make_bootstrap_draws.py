"""Regenerate :data:`hecon.examples.rrmm.bootstrap_draws.DRAWS_FILE`: ``python -m
hecon.examples.rrmm.make_bootstrap_draws`` refits :data:`~hecon.examples.rrmm.bootstrap_draws.N_BOOT`
bootstrap replicates of each cilta-cel cure fit with its seed (:mod:`hecon.examples.rrmm.bootstrap_draws`
says why)."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

from hecon.evidence.bootstrap import bootstrap_fit
from hecon.examples.rrmm.bootstrap_draws import COLUMNS, DRAWS_FILE, N_BOOT, SEEDS
from hecon.examples.rrmm.fitted import FITTED, TIME_UNIT, reconstructed


def generate(n_boot: int = N_BOOT) -> list[tuple[str, int, float, float, float]]:
    """The table's rows, fresh: ``n_boot`` bootstrap refits of each cure curve."""
    rows: list[tuple[str, int, float, float, float]] = []
    for curve in (c for c in FITTED if c.cure):
        data = reconstructed(curve.strategy, curve.endpoint)
        fits = bootstrap_fit(data, "weibull", cure=True, n_boot=n_boot, seed=SEEDS[curve.prefix], time_unit=TIME_UNIT)
        for b, (theta, shape, scale) in enumerate(fits.draws):
            rows.append((curve.prefix, b, float(theta), float(shape), float(scale)))
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
