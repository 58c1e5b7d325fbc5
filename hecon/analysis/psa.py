"""Probabilistic sensitivity analysis (PSA): the model run over drawn parameter samples (its
summaries, intervals, CE plane, CEAC, CEAF, EVPI and convergence: :mod:`hecon.analysis.psa_summary`).

Running
-------
:func:`run_psa` draws every parameter with a distribution (:func:`hecon.model.distributions.draw_parameters`)
and runs every strategy over the samples, in chunks of ``chunk_size`` samples so that
memory stays bounded whatever the number of samples. In one process the strategies of a chunk
run together, block by block, evaluating the values they share once
(:func:`hecon.engine.run.simulate_strategies`); on Dask the unit of work is one strategy on one
chunk (:func:`hecon.engine.run.simulate_chunk`), run in parallel on the workers (``workers=K`` starts a local cluster of K processes,
``scheduler=ADDRESS`` uses an existing ``dask.distributed`` cluster, whose workers need
hecon installed). The model specification is sent to each worker once and compiled there.
Across chunks only the per-sample outcomes and the draws are kept: in memory up to the bound
:data:`hecon.model.limits.PSA_VALUES`, beyond it in a temporary file read back lazily
(:mod:`hecon.analysis.psa_store`), with the same numbers.

Reproducibility: sample ``i`` of every parameter depends only on (seed, parameter name, i),
and the engine computes each sample on its own, so every per-sample outcome is identical,
bit for bit, whatever ``chunk_size``, the number of workers or the order in which units
finish; summaries are computed from the per-sample outcomes in sample order. (The mean
Markov trace is therefore not kept: it would be a sum whose rounding depends on the
chunking.)

Result: an :class:`xarray.Dataset` with the per-sample outcomes of
:func:`hecon.engine.results.label` (``total_costs``, ``qalys``, ``lys``, ``costs`` by category,
``counts``, ``time_in`` and their ``_undiscounted`` twins; dims ``strategy``, ``sample``)
and the drawn inputs as ``parameters`` (sample, parameter). A ``discrete`` parameter's
draws are the positions (1, 2, ...) of the alternatives drawn; their labels and weights are in
the attribute ``discrete_alternatives`` (:data:`ALTERNATIVES_ATTR`), a JSON object
``{parameter: {label: weight}}`` with the labels in position order
(:func:`hecon.model.distributions.discrete_alternatives`; absent without discrete
parameters). :func:`save_psa` writes it as netCDF (h5netcdf engine), readable with
``xarray.open_dataset`` in Python or ``ncdf4``/``stars`` in R.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from hecon.analysis.progress import progress_bar
from hecon.analysis.psa_store import InMemory, OnDisk
from hecon.engine.compiler import CompiledModel, compile_model
from hecon.engine.incremental import compiled as compile_once
from hecon.engine.outcomes import outcome_columns
from hecon.engine.run import simulate_chunk, simulate_strategies, strategies_steps
from hecon.model.distributions import discrete_alternatives, draw_parameters, sample_chunks
from hecon.model.limits import PSA_VALUES, gigabytes, short_of_memory
from hecon.model.problems import Location, ModelError, Problem, topic
from hecon.model.spec import MAX_SEED, ModelSpec
from hecon.model.types import FloatArray

__all__ = ["ALTERNATIVES_ATTR", "DEFAULT_CHUNK_SIZE", "ZIN_MINIMUM_SAMPLES", "run_psa", "save_psa", "load_psa"]

ALTERNATIVES_ATTR = "discrete_alternatives"
"""Attribute of the PSA dataset with the labels and weights of the discrete parameters (JSON)."""

DEFAULT_CHUNK_SIZE = 1024
"""Samples per chunk: a multiple of :data:`hecon.model.distributions.BLOCK_SIZE`, so no random block is drawn twice."""
ZIN_MINIMUM_SAMPLES = 1000
"""Zorginstituut Nederland asks for at least 1,000 PSA iterations."""


# --------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------

_COMPILED: dict[str, CompiledModel] = {}
_COMPILED_LOCK = threading.Lock()


def _spec_key(spec: ModelSpec) -> str:
    return hashlib.sha256(pickle.dumps(spec, protocol=4)).hexdigest()


def _compiled(spec: ModelSpec, key: str) -> CompiledModel:
    """The compiled model of ``spec``, compiled once per process (workers keep the last few)."""
    with _COMPILED_LOCK:
        model = _COMPILED.get(key)
        if model is None:
            if len(_COMPILED) >= 4:
                _COMPILED.pop(next(iter(_COMPILED)))
            model = _COMPILED[key] = compile_model(spec)
        return model


def _run_unit(
    spec: ModelSpec, key: str, index: int, start: int, stop: int, seed: int
) -> tuple[FloatArray, FloatArray] | list[Problem]:
    """One strategy on samples [start, stop): (discounted, undiscounted), each (n, n_outcomes);
    or the model's problems (plain frozen dataclasses: they travel back from a worker intact)."""
    try:
        draws = draw_parameters(spec.parameters, stop - start, seed, start=start)
        result = simulate_chunk(_compiled(spec, key), index, draws, stop - start, keep_cycles=False)
    except ModelError as e:
        return e.problems
    return result.discounted, result.undiscounted


def _check_arguments(
    n_samples: object, seed: object, chunk_size: object, workers: object, scheduler: object, client: object
) -> None:
    problems = []
    for label, value, minimum in (("n_samples", n_samples, 1), ("seed", seed, 0), ("chunk_size", chunk_size, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
            problems.append(Problem(topic("PSA settings"), f"{label} = {value!r}", f"a whole number >= {minimum}"))
        elif label == "seed" and value > MAX_SEED:
            problems.append(Problem(topic("PSA settings"), f"seed = {value}", f"a whole number from 0 to {MAX_SEED}"))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1):
        problems.append(Problem(topic("PSA settings"), f"workers = {workers!r}", "a whole number >= 1"))
    if sum(x is not None for x in (workers, scheduler, client)) > 1:
        problems.append(
            Problem(
                topic("PSA settings"),
                "more than one of workers, scheduler and client given",
                "local workers, a scheduler address or a client, not several",
            )
        )
    if problems:
        raise ModelError(problems)


PSA = topic("PSA")
"""Where a PSA's problems are when no option or cell gave its number of samples."""


def values_per_sample(spec: ModelSpec) -> int:
    """Values of 8 bytes a PSA keeps per sample: strategies x outcomes (QALYs, life years, each cost
    category, count and time flag; discounted and undiscounted) and the drawn parameters. Needs only
    the model as read."""
    outcomes = 2 + len(spec.cost_categories) + len(spec.count_names) + len(spec.flags)  # as outcome_columns
    return max(len(spec.strategies) * outcomes * 2 + len(spec.parameters), 1)


def kept_in_memory(spec: ModelSpec, n_samples: int) -> bool:
    """Whether a PSA of ``n_samples`` keeps its per-sample outcomes in memory: within the bound
    :data:`~hecon.model.limits.PSA_VALUES` and this machine's memory. Beyond them it keeps them in a
    temporary file (:class:`hecon.analysis.psa_store.OnDisk`); the numbers are the same."""
    size = n_samples * values_per_sample(spec)
    return size <= PSA_VALUES.value and short_of_memory(size * 8) is None


def check_psa_size(spec: ModelSpec, n_samples: int, where: Location = PSA) -> None:
    """Raise ModelError before anything runs when the PSA's per-sample outcomes (n_samples x
    :func:`values_per_sample` values of 8 bytes) fit neither in memory (:func:`kept_in_memory`) nor
    in the free space of the temporary folder (``tempfile.gettempdir()``, set by ``TMPDIR``) that
    holds them beyond it. Needs only the model as read, so that a run checks it before it validates
    the model. ``where``: where the number of samples was given (the command line's ``--psa``)."""
    if kept_in_memory(spec, n_samples):
        return
    import shutil
    import tempfile

    per_sample = values_per_sample(spec)
    folder = tempfile.gettempdir()
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the folder's space is unknown: writing the file will say what is wrong
    if n_samples * per_sample * 8 > free:
        raise ModelError(
            Problem(
                where,
                f"{n_samples:,} samples x {per_sample:,} values per sample (strategies x outcomes, discounted and "
                f"undiscounted, and parameters) are {gigabytes(n_samples * per_sample * 8)}: more than memory holds "
                f"(a PSA of at most {PSA_VALUES.value:,} {PSA_VALUES.unit}; raise the limit with {PSA_VALUES.variable}) "
                f"and more than the {gigabytes(free)} free in the temporary "
                f"folder {folder}",
                f"at most {free // (8 * per_sample):,} samples for this model, or a temporary folder with more "
                "space (set TMPDIR)",
            )
        )


def worker_cap() -> int:
    """Most local PSA worker processes: this machine's cores, and what its open-file limit allows
    (each worker holds some 32 files and sockets open)."""
    try:
        import resource

        files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        files = 1024
    return max(1, min(os.cpu_count() or 1, (files if files > 0 else 1024) // 32))


def run_psa(
    spec: ModelSpec,
    n_samples: int,
    seed: int | None = None,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool | None = None,
    label: str = "PSA",
) -> xr.Dataset:
    """Run the probabilistic sensitivity analysis of ``spec``.

    Parameters
    ----------
    spec       : the model; parameters with a distribution are drawn, the others keep their value
    n_samples  : number of PSA samples [>= 1]; Zorginstituut Nederland asks for >= 1,000
    seed       : seed [>= 0]; default ``spec.settings.seed``
    chunk_size : samples run at once [>= 1]; bounds memory, never changes results
    workers    : run the units on a local Dask cluster of this many worker processes
    scheduler  : address of an existing dask.distributed scheduler, e.g. ``tcp://10.0.0.5:8786``
    client     : an existing ``distributed.Client`` (e.g. of a ``LocalCluster`` in a notebook)
    progress   : draw a progress bar (only ever on a terminal); default: when stderr is a terminal
    label      : the progress bar's name, before the number of samples (``PSA (1,000 samples)``)

    Returns
    -------
    xarray.Dataset
        Per-sample outcomes (dims strategy, sample; see the module docs) and the drawn
        ``parameters`` (sample, parameter); attributes record the seed, n_samples and the
        numpy version (random streams are reproducible for a given numpy version).

    Raises
    ------
    ModelError
        For bad arguments, a model that does not compile, bad distributions, or a sample in
        which the model cannot run (e.g. a probability outside [0, 1]).

    Examples
    --------
    >>> ds = run_psa(model, 1000, seed=1)                           # doctest: +SKIP
    >>> ds["qalys"].mean("sample").to_series()                       # doctest: +SKIP
    """
    seed = spec.settings.seed if seed is None else seed
    _check_arguments(n_samples, seed, chunk_size, workers, scheduler, client)
    check_psa_size(spec, int(n_samples))
    workers = None if workers is None else min(int(workers), worker_cap())
    compiled = compile_once(spec)
    draw_parameters(spec.parameters, 1, seed)  # checks every distribution before anything runs
    chunks = sample_chunks(int(n_samples), int(chunk_size))
    n_strategies = len(compiled.strategies)
    units = [(c, i) for c in range(len(chunks)) for i in range(n_strategies)]
    cols = outcome_columns(compiled)
    out: InMemory | OnDisk
    if kept_in_memory(spec, int(n_samples)):
        out = InMemory(n_strategies, int(n_samples), len(cols), chunks)
    else:
        out = OnDisk(compiled, cols, int(n_samples), chunks, lambda start, stop: _draws(spec, seed, start, stop))

    in_process = workers is None and scheduler is None and client is None
    # steps: in one process the blocks of each chunk (its strategies run together), on Dask the units
    total = sum(strategies_steps(compiled, stop - start) for start, stop in chunks) if in_process else len(units)
    with _discarded_on_error(out), progress_bar(f"{label} ({n_samples:,} samples)", total, progress) as advance:
        if in_process:
            for c, (start, stop) in enumerate(chunks):
                draws = draw_parameters(spec.parameters, stop - start, seed, start=start)
                for i, r in enumerate(simulate_strategies(compiled, draws, stop - start, False, advance)):
                    out.store(c, i, (r.discounted, r.undiscounted))
        else:
            _run_on_dask(spec, chunks, n_strategies, seed, workers, scheduler, client, out, advance)

        attrs = _attributes(spec, int(n_samples), int(seed), int(chunk_size))
        if isinstance(out, OnDisk):
            return out.dataset(attrs)
    matrix, names = _draws(spec, int(seed), 0, int(n_samples))
    ds = out.dataset(compiled, cols, xr.DataArray(matrix, dims=("sample", "parameter"), coords={"parameter": names}))
    ds.attrs.update(attrs)
    return ds


@contextmanager
def _discarded_on_error(out: InMemory | OnDisk) -> Iterator[None]:
    """Remove a PSA's temporary file when the run fails."""
    try:
        yield
    except BaseException:
        if isinstance(out, OnDisk):
            out.discard()
        raise


def _draws(spec: ModelSpec, seed: int, start: int, stop: int) -> tuple[FloatArray, list[str]]:
    """The drawn inputs of samples [start, stop) as (sample, parameter), and the parameters' names
    (the order of :func:`hecon.model.distributions.draw_parameters`), drawn in pieces of
    :data:`DEFAULT_CHUNK_SIZE` written into one matrix (the draws do not depend on the pieces)."""
    matrix: FloatArray | None = None
    names: list[str] = []
    for a in range(start, stop, DEFAULT_CHUNK_SIZE):
        b = min(stop, a + DEFAULT_CHUNK_SIZE)
        drawn = draw_parameters(spec.parameters, b - a, seed, start=a)
        if matrix is None:
            names = list(drawn)
            matrix = np.empty((stop - start, len(names)))
        for k, values in enumerate(drawn.values()):
            matrix[a - start : b - start, k] = values
    return (matrix if matrix is not None else np.zeros((stop - start, 0))), names


def _attributes(spec: ModelSpec, n_samples: int, seed: int, chunk_size: int) -> dict[str, Any]:
    from hecon.version import __version__

    attrs: dict[str, Any] = {}
    alternatives = discrete_alternatives(spec.parameters)
    if alternatives:
        attrs[ALTERNATIVES_ATTR] = json.dumps(alternatives)
    attrs.update(
        {
            "analysis": "probabilistic sensitivity analysis",
            "seed": seed,
            "n_samples": n_samples,
            "chunk_size": chunk_size,
            "numpy_version": np.__version__,
            "hecon_version": __version__,
        }
    )
    return attrs


def _run_on_dask(
    spec: ModelSpec,
    chunks: list[tuple[int, int]],
    n_strategies: int,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    client: Any,
    out: InMemory | OnDisk,
    advance: Any,
) -> None:
    from distributed import Client, LocalCluster, as_completed

    own_client = own_cluster = None
    try:
        if client is None:
            if scheduler is not None:
                try:
                    client = own_client = Client(scheduler, timeout="20s")
                except (OSError, TimeoutError) as exc:
                    raise ModelError(
                        Problem(
                            topic(f"scheduler '{scheduler}'"),
                            f"cannot connect ({exc})",
                            "the address of a running dask.distributed scheduler, e.g. tcp://10.0.0.5:8786",
                        )
                    ) from None
            else:
                own_cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # not the heartbeats that a closing cluster may lose
                    env={"HECON_THREADS": "1"},
                )
                client = own_client = Client(own_cluster)
        key = _spec_key(spec)
        [spec_future] = client.scatter([spec], broadcast=True)
        futures = {}
        for c, (start, stop) in enumerate(chunks):
            for i in range(n_strategies):
                f = client.submit(_run_unit, spec_future, key, i, start, stop, seed, pure=False)
                futures[f] = (c, i)
        for f in as_completed(futures):
            value = f.result()
            if isinstance(value, list):  # the model's problems in this chunk
                for other in futures:
                    other.cancel()
                raise ModelError(value)
            out.store(*futures[f], value)
            advance(1)
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def save_psa(ds: xr.Dataset, path: str | Path) -> None:
    """Write a PSA dataset as netCDF-4 (h5netcdf engine): ``xarray.open_dataset(path)`` in
    Python, ``ncdf4::nc_open(path)`` in R."""
    clean = ds.copy()
    clean.attrs = {k: v for k, v in ds.attrs.items() if v is not None}
    for name in clean.variables:
        clean[name].attrs = {k: v for k, v in clean[name].attrs.items() if v is not None}
    clean.to_netcdf(path, engine="h5netcdf")


def load_psa(path: str | Path) -> xr.Dataset:
    """Read a PSA dataset written by :func:`save_psa` (loaded into memory, file closed)."""
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()
