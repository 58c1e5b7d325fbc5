"""The cohort engine: compile a ModelSpec, run it over samples and cycles, label the outcomes.

* :mod:`~hecon.engine.compiler` -- checks a ModelSpec and compiles it (parsed expressions,
  tunnel-expanded sparse transition structure);
* :mod:`~hecon.engine.context` -- evaluates expressions for one block of cycles and samples;
* :mod:`~hecon.engine.packing` -- packs and checks the values for the kernel;
* :mod:`~hecon.engine.kernels` -- the compiled (numba) cohort advance and valuation;
* :mod:`~hecon.engine.run` -- :func:`~hecon.engine.run.run_model`: chunks, blocks, threads;
* :mod:`~hecon.engine.outcomes`, :mod:`~hecon.engine.results` -- the outcome columns and the
  labelled xarray Dataset at the boundary with the analyses;
* :mod:`~hecon.engine.allocator` -- glibc malloc settings, applied on the first run.

May import :mod:`hecon.model` and :mod:`hecon.methods`.
"""
