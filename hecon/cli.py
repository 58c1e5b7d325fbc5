"""The ``hecon`` command line: ``template``, ``validate``, ``run``, ``reconstruct-ipd`` and
``fit-survival``.

User mistakes (a missing file, a wrong suffix, a bad workbook, an unknown scenario) are
reported as clear lines on stderr with a non-zero exit status, never as a traceback:

* exit 1: the workbook has problems, or the run or report could not be done;
* exit 2: the command line itself is wrong (click's usage errors);
* exit 3: an internal error (a bug in hecon): one line naming a log file with the details.

Problems are printed one per line as ``Sheet!A12: what is wrong; expected ...``.
"""

from __future__ import annotations

import os
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from hecon.model.limits import KERNEL_THREADS, fixed_limits, limit_problems
from hecon.model.problems import Element, ModelError, Problem
from hecon.version import __version__

if TYPE_CHECKING:
    from hecon.analysis.timings import PhaseTimings

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EXIT_PROBLEMS = 1
EXIT_USAGE = 2  # as click's usage errors: the command line or its environment is wrong
EXIT_INTERNAL = 3


class WorkbookPath(click.Path):
    """A path to an Excel workbook (.xlsx), checked up front."""

    name = "workbook"

    def __init__(self, exists: bool = True, suffixes: Sequence[str] = WORKBOOK_SUFFIXES) -> None:
        super().__init__(exists=exists, dir_okay=False, path_type=Path)
        self.suffixes = tuple(suffixes)

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        path = super().convert(value, param, ctx)
        if Path(path).suffix.lower() not in self.suffixes:
            self.fail(
                f"{os.fsdecode(value)!r} is not an Excel workbook; expected a file name ending in "
                + " or ".join(self.suffixes),
                param,
                ctx,
            )
        return path


def _error(message: str) -> None:
    click.echo(f"error: {message}", err=True)


def _exit(code: int = EXIT_PROBLEMS) -> NoReturn:
    raise SystemExit(code)


def _print_problems(problems: Iterable[Problem], err: bool = True) -> None:
    for p in problems:
        click.echo(str(p), err=err)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _display(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _not_a_workbook(path: Path, exc: Exception) -> NoReturn:
    _error(
        f"{path} is not a readable Excel workbook ({type(exc).__name__}: {exc}); "
        "expected an .xlsx file saved by Excel or written by 'hecon template'"
    )
    _exit()


def _unreadable_errors() -> tuple[type[BaseException], ...]:
    from openpyxl.utils.exceptions import InvalidFileException

    return (zipfile.BadZipFile, InvalidFileException, OSError)


# --------------------------------------------------------------------------------------


class _Command(click.Command):
    """A command that checks the ``HECON_MAX_*`` variables when it runs: after its arguments are
    read, so that ``hecon run --help`` still shows the help whatever the variables hold."""

    def invoke(self, ctx: click.Context) -> Any:
        problems = limit_problems()  # a HECON_MAX_* variable that is set but not a bound: before any work
        for p in problems:
            _error(str(p))
        if problems:
            _exit(EXIT_USAGE)
        if KERNEL_THREADS.value > KERNEL_THREADS.default:
            click.echo(
                f"note: HECON_THREADS={KERNEL_THREADS.value} is more than this machine's {KERNEL_THREADS.default} "
                f"cores; using {KERNEL_THREADS.default}",
                err=True,
            )
        with fixed_limits():
            return super().invoke(ctx)


class _Commands(click.Group):
    """The command group, with the last-resort handler: an exception that is not a user's mistake
    (a bug in hecon) is written with its traceback to a log file, and reported in one line as
    an internal error with exit status 3, never as a traceback on the terminal."""

    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        import warnings

        try:
            with warnings.catch_warnings():
                # numpy's "invalid value encountered in log" names hecon's source line, not a cell:
                # hecon checks every value itself and reports a NaN or inf at its cell
                warnings.simplefilter("ignore", RuntimeWarning)
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001  # the last resort: every other exception
            import tempfile
            import traceback

            fd, log = tempfile.mkstemp(prefix="hecon-error-", suffix=".log")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"hecon {__version__}\n{' '.join(sys.argv)}\n\n{traceback.format_exc()}")
            _error(f"internal error, please report it with the file {log} ({type(exc).__name__}: {str(exc)[:200]})")
            raise SystemExit(EXIT_INTERNAL) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="hecon")
def main() -> None:
    """hecon: cohort state-transition (Markov) models for health-economic evaluation,
    driven by an Excel workbook.

    \b
    Example session:
      hecon template my_model.xlsx --example textbook   # a filled-in example workbook
      hecon validate my_model.xlsx                      # list every problem, if any
      hecon run my_model.xlsx                           # report in reports/my_model/

    Run 'hecon COMMAND --help' for the options of a command.
    """


def entry_point() -> NoReturn:
    """The ``hecon`` program (the ``hecon`` script and ``python -m hecon``): :func:`main`, then
    the process ends at once with its exit status, after the exit handlers (``atexit``:
    temporary files, worker processes) but without tearing down the interpreter.

    Tearing down frees every object and module one by one: after a run that loaded numba,
    scipy, xarray, dask and matplotlib it took 0.4-1 s of processor time, a quarter of a small
    model's whole run (measured with ``benchmarks/bench_peer.py``'s model), for nothing: every
    file of a command is written and closed before :func:`main` returns, and standard output and
    error are flushed here. An exception other than ``SystemExit`` (never raised by a command,
    whose errors end in an exit status) goes on as Python handles it.
    """
    import atexit
    import contextlib

    try:
        main(prog_name="hecon")
        status: Any = 0
    except SystemExit as stop:
        status = stop.code
    if status is None:
        status = 0
    elif not isinstance(status, int):  # as Python does with SystemExit("message")
        print(status, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (hecon ... | head) or stream
            stream.flush()
    os._exit(status)


@main.command()
@click.argument("path", type=WorkbookPath(exists=False, suffixes=(".xlsx",)), metavar="PATH")
@click.option(
    "--example",
    metavar="NAME",
    default=None,
    help="Pre-fill the workbook with a shipped example model instead of leaving it blank. Example: --example textbook",
)
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="Replace PATH if it already exists (by default an existing file is never overwritten). Example: --force",
)
def template(path: Path, example: str | None, force: bool) -> None:
    """Write a documented input workbook to PATH (.xlsx).

    \b
    Examples:
      hecon template my_model.xlsx
      hecon template rrmm.xlsx --example textbook
    """
    from hecon.examples import EXAMPLES
    from hecon.workbook import write_template

    if example is not None and example not in EXAMPLES:
        _error(f"--example: unknown example '{example}'; expected one of {', '.join(sorted(EXAMPLES))}")
        _exit()
    if path.exists() and not force:
        _error(f"{path} already exists; choose another name, or add --force to replace it")
        _exit()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        _error(f"folder {folder} does not exist; create it first or choose another PATH")
        _exit()
    try:
        write_template(path, EXAMPLES[example]() if example else None)  # written beside PATH, then moved into place
    except ModelError as e:
        _error(f"cannot write {path}:")
        _print_problems(e.problems)
        _exit()
    except OSError as e:
        _error(f"cannot write {path}: {e.strerror or e}")
        _exit()
    what = f"example '{example}'" if example else "blank template"
    click.echo(f"Wrote {what} to {path}")


@main.command()
@click.argument("path", type=WorkbookPath(), metavar="PATH")
def validate(path: Path) -> None:
    """Check the workbook PATH and list every problem, one per line, as
    'Sheet!Cell: what is wrong; expected ...'.

    Exits with status 0 when the workbook is valid and 1 when it has problems. Shows its progress
    on stderr as 'hecon run' does (the problems go to stdout).

    \b
    Example:
      hecon validate my_model.xlsx
    """
    from hecon.analysis.progress import phase, plain_lines, progress_bar
    from hecon.workbook.reader import read
    from hecon.workbook.validate import validate_result, validation_steps

    try:
        with plain_lines():  # progress as plain lines when stderr is not a terminal
            with phase("Reading the workbook", None):
                result = read(path)
            steps = validation_steps(result.spec) if result.spec is not None else 1
            with progress_bar("Checking the workbook", steps, None, every=1.0) as advance:
                problems = validate_result(result, advance=advance)
    except _unreadable_errors() as e:
        _not_a_workbook(path, e)
    for warning in result.locations.warnings:
        click.echo(f"warning: {warning}", err=True)
    if problems:
        _print_problems(problems, err=False)
        _error(f"{path}: {_plural(len(problems), 'problem')} found")
        _exit()
    click.echo(f"OK: {path} is valid")


@main.command()
@click.argument("path", type=WorkbookPath(), metavar="PATH")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Report folder to write (created if needed; an earlier report there is replaced). "
    "Default: reports/<workbook name>/ in the current folder. Example: --out results/base",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME",
    help="Also run the scenario NAME from the Scenarios sheet; repeat for several. "
    "Example: --scenario 'no discounting' --scenario 'cure 20%'",
)
@click.option(
    "--all-scenarios",
    is_flag=True,
    default=False,
    help="Also run every scenario of the workbook. Example: --all-scenarios",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**63 - 1),
    default=None,
    metavar="N",
    help="Seed for random sampling (probabilistic analyses); default: the workbook's seed "
    "setting. Example: --seed 12345",
)
@click.option(
    "--comparator",
    default=None,
    metavar="STRATEGY",
    help="Strategy that the others are compared with; default: the comparator setting of the "
    "workbook, else the first decision option. Example: --comparator SoC",
)
@click.option(
    "--dsa",
    is_flag=True,
    default=False,
    help="One-way sensitivity analysis of every parameter flagged dsa = yes (tornado data). Example: --dsa",
)
@click.option(
    "--psa",
    "psa_samples",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Probabilistic sensitivity analysis with N samples (Zorginstituut Nederland asks for at "
    "least 1000); samples and outcomes are saved as psa.nc in the report folder. Example: --psa 1000",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="Run the PSA in parallel on K local Dask worker processes (same results as without). "
    "Example: --psa 10000 --workers 4",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run the PSA on an existing dask.distributed cluster (its workers need hecon installed). "
    "Example: --psa 100000 --scheduler tcp://10.0.0.5:8786",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="PSA samples computed at once (bounds memory; never changes results); default 1024. "
    "Example: --chunk-size 4096",
)
@click.option(
    "--two-way",
    "two_way",
    multiple=True,
    metavar="X=LO:HI,Y=LO:HI,STRATEGY[,COMPARATOR]",
    help="Two-way threshold analysis: where STRATEGY is cost-effective against COMPARATOR (default: the "
    "comparator) over parameters X and Y, at each willingness to pay of the settings; repeat for several. "
    "Example: --two-way 'hr_redose=0.2:1.5,redose_price_share=0:1,Annual CAR-T re-dosing,One-time CAR-T'",
)
@click.option(
    "--qtwist-horizon",
    "qtwist_horizon",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="YEARS",
    help="Horizon of the Q-TWiST restricted means [years]; default the model's horizon. Example: --qtwist-horizon 5",
)
@click.option(
    "--verbose",
    is_flag=True,
    default=False,
    help="Print the wall time of each phase (read, validate, compile, analyses, report files) on stderr; "
    "summary.json records them always (key 'timings'). Example: --verbose",
)
def run(
    path: Path,
    out: Path | None,
    scenarios: tuple[str, ...],
    all_scenarios: bool,
    seed: int | None,
    comparator: str | None,
    dsa: bool = False,
    psa_samples: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    qtwist_horizon: float | None = None,
    two_way: tuple[str, ...] = (),
    verbose: bool = False,
) -> None:
    """Run the model in workbook PATH and write a report folder with summary.json,
    results.xlsx and report.html (and psa.nc with --psa). Prints the folder's path.

    The workbook is validated first: if it has problems they are listed on stderr and
    nothing is written. The workbook itself is only read, never changed. Disease burden
    (with utility norms) and threshold analyses (Thresholds sheet) always run. Every phase
    shows its progress on stderr: bars on a terminal, else a plain line when it starts and
    one with its time when it ends.

    \b
    Examples:
      hecon run my_model.xlsx
      hecon run my_model.xlsx --out reports/final --all-scenarios --seed 42
      hecon run my_model.xlsx --dsa --psa 1000 --seed 42 --workers 4
    """
    from hecon.analysis.timings import Stopwatch

    stopwatch = Stopwatch()
    with stopwatch.phase("imports"):  # what validation needs; the analyses and the report once it passed
        from hecon.analysis.progress import phase, plain_lines
        from hecon.workbook.validate import place_found, read_checked

    if scenarios and all_scenarios:
        raise click.UsageError("use either --scenario NAME or --all-scenarios, not both")
    if workers is not None and scheduler is not None:
        raise click.UsageError("use either --workers K or --scheduler ADDRESS, not both")
    for name, value in (("--workers", workers), ("--scheduler", scheduler), ("--chunk-size", chunk_size)):
        if value is not None and psa_samples is None:
            raise click.UsageError(f"{name} applies to the probabilistic analysis; add --psa N")
    queries = [_two_way_query(text) for text in two_way]
    out_dir = out if out is not None else Path("reports") / path.stem
    if _inside(path, out_dir):
        _error(
            f"the report folder {out_dir} contains the input workbook {path}, which replacing the folder "
            "would delete; choose another --out"
        )
        _exit()

    if workers is not None:
        from hecon.analysis.psa import worker_cap

        if workers > worker_cap():
            click.echo(f"note: --workers {workers} is more than this machine allows; using {worker_cap()}", err=True)
            workers = worker_cap()
    with plain_lines():  # progress as plain lines when stderr is not a terminal
        samples = psa_samples
        try:
            spec, locations = read_checked(  # every check of 'hecon validate', then the model
                path,
                stopwatch,
                None if samples is None else lambda spec: _check_psa_size(spec, samples),
                progress=None,
            )
        except ModelError as e:
            _report_problems(path, e.problems)
        except _unreadable_errors() as e:
            _not_a_workbook(path, e)
        with stopwatch.phase("imports"):
            from hecon.analysis.results import summarise_run
            from hecon.analysis.run import file_sha256, run_analysis
            from hecon.report import write_report
        with stopwatch.phase("read"):
            sha256 = file_sha256(path)  # after the check that it is a regular file of bounded size
        for warning in locations.warnings:
            click.echo(f"warning: {warning}", err=True)

        chosen = "all" if all_scenarios else (list(scenarios) or None)
        if psa_samples is not None and psa_samples < 1000:
            click.echo(
                f"note: --psa {psa_samples} is below the 1000 iterations Zorginstituut Nederland asks for", err=True
            )
        try:
            run = run_analysis(
                spec,
                chosen,
                seed,
                comparator=comparator,
                input_path=path,
                input_sha256=sha256,
                dsa=dsa,
                psa_samples=psa_samples,
                chunk_size=chunk_size,
                qtwist_horizon_years=qtwist_horizon,
                two_way=queries,
                workers=workers,
                scheduler=scheduler,
                stopwatch=stopwatch,
            )
        except ModelError as e:
            _error(f"cannot run {path} ({_plural(len(e.problems), 'problem')}; nothing was written):")
            _print_problems(place_found(e.problems, locations, spec, sampled=samples is not None))
            _exit()
        with phase("Summarising the results"):
            results = summarise_run(run, stopwatch)
        check = results.structure_check
        headline = (results.headline.warning,) if results.headline.warning else ()
        for warning in headline + results.warnings + (check.warnings if check is not None else ()):
            click.echo(f"warning: {warning}", err=True)
        try:
            folder = write_report(results, out_dir, stopwatch)
        except ModelError as e:
            _error("cannot write the report (nothing was written):")
            _print_problems(e.problems)
            _exit()
        except OSError as e:
            _error(
                f"cannot write the report to {out_dir}: {e.strerror or e}"
                + (f" ({e.filename})" if e.filename else "")
                + "; nothing was written"
            )
            _exit()
        if verbose:
            _print_timings(stopwatch.timings())
        click.echo(_display(folder))


def _check_psa_size(spec: Any, samples: int) -> None:
    """Refuse a PSA of ``samples`` samples that would not fit in memory, at ``--psa``."""
    from hecon.analysis.psa import check_psa_size

    check_psa_size(spec, samples, Element("option", "--psa", detail=str(samples)))


def _print_timings(timings: PhaseTimings) -> None:
    """The wall and processor time of each phase [s] in the order they ran, and the totals, on stderr."""
    width = max((len(name) for name in timings.phases), default=0)
    click.echo(f"  {'phase':<{width}}  {'wall [s]':>8}  {'cpu [s]':>8}", err=True)
    for name, seconds in timings.phases.items():
        click.echo(f"  {name:<{width}}  {seconds:8.2f}  {timings.cpu[name]:8.2f}", err=True)
    click.echo(f"  {'total':<{width}}  {timings.total:8.2f}  {timings.cpu_total:8.2f}", err=True)


@main.command("export-excel")
@click.argument("path", type=WorkbookPath(), metavar="MODEL")
@click.argument("out", type=WorkbookPath(exists=False, suffixes=(".xlsx",)), metavar="OUT")
@click.option(
    "--scenario",
    "scenario",
    metavar="NAME",
    default=None,
    help="Export the scenario NAME of the Scenarios sheet instead of the base case. Example: --scenario 'no discounting'",
)
def export_excel(path: Path, out: Path, scenario: str | None) -> None:
    """Write the model MODEL as the workbook OUT that recomputes its deterministic results with
    live Excel formulas (Inputs as named cells, one sheet per strategy with the transition
    probabilities, trace and values per cycle, Results and Checks sheets; no macros, no links).

    Nothing is written when the model has problems or uses something the export cannot express;
    the workbook MODEL is only read.

    \b
    Example:
      hecon export-excel my_model.xlsx my_model_formulas.xlsx
      hecon export-excel my_model.xlsx scenario.xlsx --scenario 'no discounting'
    """
    from hecon.model.scenarios import get_scenario, scenario_spec
    from hecon.workbook.export import export_excel as export
    from hecon.workbook.validate import place_found, read_checked

    if out.resolve() == path.resolve():
        _error(f"OUT {out} is the model workbook itself; choose another file name")
        _exit()
    try:
        spec, locations = read_checked(path)
        if scenario is not None:
            spec = scenario_spec(spec, get_scenario(spec, scenario))
    except ModelError as e:
        _report_problems(path, e.problems)
    except _unreadable_errors() as e:
        _not_a_workbook(path, e)
    try:
        exported = export(spec, out)
    except ModelError as e:
        _error(f"cannot export {path} to Excel ({_plural(len(e.problems), 'problem')}; nothing was written):")
        _print_problems(place_found(e.problems, locations, spec))
        _exit()
    except OSError as e:
        _error(f"cannot write {out}: {e.strerror or e}; nothing was written")
        _exit()
    for note in exported.notes:
        click.echo(f"note: {note}", err=True)
    size = out.stat().st_size
    click.echo(f"{_display(out)}: {len(exported.totals)} strategies, {size / 1e6:.1f} MB")


class CsvPath(click.Path):
    """A path to a CSV file (.csv), checked up front."""

    name = "csv"

    def __init__(self, exists: bool = True) -> None:
        super().__init__(exists=exists, dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        path = super().convert(value, param, ctx)
        if Path(path).suffix.lower() != ".csv":
            self.fail(f"{os.fsdecode(value)!r} is not a CSV file; expected a file name ending in .csv", param, ctx)
        return path


def _total_events(values: tuple[str, ...]) -> dict[str | None, int]:
    """``--events`` values, ``N`` or ``ARM=N``, as a mapping arm -> total (None: no arms)."""
    totals: dict[str | None, int] = {}
    for value in values:
        arm, _, number = value.rpartition("=")
        if not number.strip().isdigit():
            raise click.BadParameter(
                f"{value!r}: expected N or ARM=N with N a whole number, e.g. 127", param_hint="--events"
            )
        totals[arm.strip() if "=" in value else None] = int(number)
    return totals


#: --spread, for a digitised Kaplan–Meier curve (reconstruct-ipd, and fit-survival --at-risk).
SPREAD = click.option(
    "--spread",
    is_flag=True,
    help="Spread the events between two digitised points evenly over the interval (the curve joined by "
    "straight lines) instead of at the later point: for sparse clicks that skip drops of the curve "
    "(fit-survival: with --at-risk). Example: --spread",
)


@main.command("reconstruct-ipd")
@click.argument("coordinates", type=CsvPath(), metavar="COORDS.csv")
@click.option(
    "--at-risk",
    "at_risk",
    type=CsvPath(),
    required=True,
    metavar="NRISK.csv",
    help="Numbers at risk printed under the figure: columns time,n_risk (and arm), the first at "
    "time 0. Example: --at-risk inputs/km_example/keynote189_os_at_risk.csv",
)
@click.option(
    "--events",
    "events",
    multiple=True,
    metavar="N|ARM=N",
    help="Total number of events the paper reports, if it does; with arms, once per arm as "
    "ARM=N. Example: --events 108, or --events placebo-combination=108",
)
@click.option(
    "--out",
    "out",
    type=CsvPath(exists=False),
    required=True,
    metavar="IPD.csv",
    help="File to write the reconstructed patients to, columns time,event (and arm); replaced "
    "if it exists. Example: --out ipd.csv",
)
@SPREAD
def reconstruct_ipd(coordinates: Path, at_risk: Path, events: tuple[str, ...], out: Path, spread: bool) -> None:
    """Reconstruct individual patient data from a published Kaplan–Meier figure
    (Guyot et al., BMC Med Res Methodol 2012;12:9).

    COORDS.csv holds the digitised curve, columns time,survival (survival a proportion in
    [0, 1]), and optionally arm for several curves. Problems in either file are listed on
    stderr as 'file.csv:LINE: what is wrong; expected ...' and nothing is written. The input
    files are only read.

    \b
    Example:
      hecon reconstruct-ipd inputs/km_example/keynote189_os_coordinates.csv \\
          --at-risk inputs/km_example/keynote189_os_at_risk.csv --out ipd.csv
    """
    from hecon.evidence.km_files import reconstruct_from_files, write_ipd

    totals = _total_events(events)
    for given in (coordinates, at_risk):
        if os.path.realpath(out) == os.path.realpath(given):
            _error(f"--out {out} is the input file {given}; choose another name")
            _exit()
    try:
        ipd = reconstruct_from_files(coordinates, at_risk, totals, spread=spread)
    except ModelError as e:
        _report_problems(coordinates, e.problems, "inputs")
    try:
        write_ipd(out, ipd)
    except OSError as e:
        _error(f"cannot write {out}: {e.strerror or e}; nothing was written")
        _exit()
    for arm, data in ipd.items():
        name = "" if arm is None else f"{arm}: "
        click.echo(f"{name}{_plural(data.time.size, 'patient')}, {_plural(int(data.event.sum()), 'event')}")
    click.echo(f"Wrote {_display(out)}")


DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
FIT_TIME_UNITS = ("days", "weeks", "months", "years")


class DataPath(click.Path):
    """A path to patient data: a CSV file or an Excel workbook, checked up front."""

    name = "data"

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        path = super().convert(value, param, ctx)
        if Path(os.fsdecode(path)).suffix.lower() not in DATA_SUFFIXES:
            self.fail(
                f"{os.fsdecode(value)!r} is neither a CSV file nor an Excel workbook; expected a file name ending in "
                + ", ".join(DATA_SUFFIXES),
                param,
                ctx,
            )
        return path


def _names(value: str, option: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """A comma-separated list of distribution names (``none`` for none), each checked."""
    if value.strip().lower() == "none":
        return ()
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(repr(n) for n in unknown) or repr(value)}: expected names from {', '.join(allowed)}"
            + (", or none" if option == "--cure" else "")
            + ", separated by commas",
            param_hint=option,
        )
    return names


@main.command("fit-survival")
@click.argument("data", type=DataPath(), metavar="DATA")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Folder to write (created if needed; an earlier fit-survival folder there is replaced). "
    "Default: fits/<data file name>/ in the current folder (with --points fits/<file>_<strategy>_<endpoint>/). "
    "Example: --out fits/os",
)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="Excel only: the sheet with the data (default the first). Example: --sheet OS",
)
@click.option(
    "--time-unit",
    "time_unit",
    type=click.Choice(FIT_TIME_UNITS),
    default=None,
    help="Unit of the time column, and of the fitted curves: required (a curve read in the wrong unit is "
    "silently wrong by a factor of 30 or 365), except with --points (default: the points' unit). "
    "Example: --time-unit months",
)
@click.option(
    "--horizon",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="N",
    help="End of the extrapolation figure, in the time unit of the data (default: the horizon of the "
    "--into model, else 5 x the last observed time). Example: --horizon 240",
)
@click.option(
    "--distributions",
    "distributions",
    default=None,
    metavar="LIST",
    help="Distributions to fit, separated by commas (default all: exp, weibull, weibullPH, "
    "gompertz, llogis, lnorm, gamma, gengamma). Example: --distributions weibull,lnorm,gengamma",
)
@click.option(
    "--cure",
    "cure",
    default=None,
    metavar="LIST",
    help="Distributions to fit as mixture cure models, separated by commas, or none (default "
    "weibull,lnorm,llogis). Example: --cure weibull",
)
@click.option(
    "--name",
    "prefix",
    default=None,
    metavar="PREFIX",
    help="Start of the curve names in workbook_rows.xlsx (default the data file name). Example: --name os",
)
@click.option(
    "--at-risk",
    "at_risk",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="NRISK.csv",
    help="DATA is a digitised Kaplan–Meier curve (time,survival[,arm]) and this file its numbers at risk "
    "(time,n_risk[,arm]): the patients are reconstructed first (Guyot et al. 2012, as hecon reconstruct-ipd) "
    "and written to the output folder as ipd.csv. Example: --at-risk nrisk.csv",
)
@SPREAD
@click.option(
    "--into",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    metavar="MODEL.xlsx",
    help="Also write <out>/MODEL_with_fits.xlsx: a copy of this model with the curves of --use (and their "
    "mvnormal PSA rows) put in by name, replacing rows of the same name. MODEL.xlsx is only read. "
    "Example: --into model.xlsx --use weibull",
)
@click.option(
    "--use",
    "use",
    default=None,
    metavar="MODEL",
    help="With --into: the fitted model whose curves go into the workbook, as the table names it. "
    "Example: --use weibull, --use 'lnorm cure'",
)
@click.option(
    "--points",
    "points",
    is_flag=True,
    help="DATA is an hecon model workbook: fit its published survival points (SurvivalPoints sheet) of "
    "--strategy and --endpoint, turned into patients by Guyot's reconstruction. Example: --points "
    "--strategy RWPC --endpoint OS",
)
@click.option("--strategy", default=None, metavar="NAME", help="With --points: the strategy. Example: --strategy RWPC")
@click.option(
    "--endpoint",
    type=click.Choice(("PFS", "OS"), case_sensitive=False),
    default=None,
    help="With --points: the endpoint. Example: --endpoint OS",
)
@click.option(
    "--population",
    default=None,
    metavar="TEXT",
    help="With --points, when the strategy's points describe several populations: the one to fit. "
    "Example: --population 'ITT from apheresis'",
)
def fit_survival(
    data: Path,
    out: Path | None,
    sheet: str | None,
    time_unit: str | None,
    horizon: float | None,
    distributions: str | None,
    cure: str | None,
    prefix: str | None,
    at_risk: Path | None,
    spread: bool,
    into: Path | None,
    use: str | None,
    points: bool,
    strategy: str | None,
    endpoint: str | None,
    population: str | None,
) -> None:
    """Fit parametric survival curves (flexsurv's parameterisations) to patient data by
    maximum likelihood, and write fits.csv, covariance.csv, convergence.csv,
    workbook_rows.xlsx (rows for the Survival and Parameters sheets, with mvnormal PSA
    distributions) and figures/ into a folder. Prints a table of AIC and BIC per arm.

    DATA is a CSV file or an Excel sheet with columns time, event (1 = event, 0 = censored)
    and optionally arm; with --at-risk, a digitised Kaplan-Meier curve (time,survival[,arm]).
    Problems in it are listed on stderr as 'file.csv:LINE: ...' or
    'Sheet!B7: ...' and nothing is written. The file is only read.

    With --points, DATA is an hecon model workbook and the patients are reconstructed from its
    published survival points of one strategy and endpoint: survival at times and medians make
    the curve (constant hazard between them), the numbers at risk (the first at time 0) the
    at-risk table (hecon.evidence.published_points); times are in the points' unit unless
    --time-unit says otherwise.

    \b
    Examples:
      hecon fit-survival os.csv --time-unit months
      hecon fit-survival trial.xlsx --sheet PFS --time-unit months --horizon 240 --name pfs
      hecon fit-survival model.xlsx --points --strategy RWPC --endpoint OS
    """
    from hecon.evidence.fit import CURE_DISTRIBUTIONS, FITTED_DISTRIBUTIONS, check_fit_input, fit_all
    from hecon.evidence.ipd import EXCEL_SUFFIXES, read_ipd
    from hecon.evidence.outputs import usable_name, write_fit_outputs
    from hecon.report.survival_fit_figures import fit_figures

    chosen = _names(distributions, "--distributions", FITTED_DISTRIBUTIONS) if distributions else FITTED_DISTRIBUTIONS
    cured = _names(cure, "--cure", FITTED_DISTRIBUTIONS) if cure is not None else CURE_DISTRIBUTIONS
    if sheet is not None and data.suffix.lower() not in EXCEL_SUFFIXES:
        raise click.UsageError(f"--sheet applies to Excel workbooks; {data} is a CSV file")
    _check_points_options(data, points, strategy, endpoint, population, sheet)
    folder_name = usable_name(f"{data.stem}_{strategy}_{endpoint}") if points else data.stem
    out_dir = out if out is not None else Path("fits") / folder_name
    if _inside(data, out_dir):
        _error(
            f"the output folder {out_dir} contains the data file {data}, which replacing it would delete; choose another --out"
        )
        _exit()
    if points and at_risk is not None:
        raise click.UsageError("--points and --at-risk are two different kinds of DATA; give one")
    files: dict[str, bytes] = {}
    if points:
        arms, time_unit = _arms_from_points(data, str(strategy), str(endpoint).upper(), population, time_unit)
    elif at_risk is not None:
        if time_unit is None:
            raise click.UsageError("--time-unit is required: the unit of the data's times, e.g. --time-unit months")
        arms, files["ipd.csv"] = _arms_from_km(data, at_risk, spread)
    else:
        if time_unit is None:
            raise click.UsageError("--time-unit is required: the unit of the data's times, e.g. --time-unit months")
        try:
            arms = read_ipd(data, sheet=sheet)
        except ModelError as e:
            _report_problems(data, e.problems)
    problems = check_fit_input(arms.values(), chosen, cured, time_unit)
    if problems:
        _report_problems(data, problems)
    if (into is None) != (use is None):
        raise click.UsageError("--into and --use go together: the model to put curves into, and which fitted model")
    fits = fit_all(arms, chosen, cured, time_unit=time_unit)
    if horizon is None and into is not None:
        horizon = _model_horizon(into, time_unit)
    files.update(fit_figures(arms, fits, horizon=horizon))
    if into is not None and use is not None:
        files[f"{into.stem}_with_fits.xlsx"] = _model_with_fits(
            into, [f for f in fits if f.label == use], use, prefix or data.stem
        )
    try:
        folder = write_fit_outputs(fits, out_dir, prefix=usable_name(prefix or data.stem), files=files)
    except ModelError as e:
        _error("cannot write the fits (nothing was written):")
        _print_problems(e.problems)
        _exit()
    except OSError as e:
        _error(f"cannot write to {out_dir}: {e.strerror or e}; nothing was written")
        _exit()
    for arm, arm_data in arms.items():
        _print_fit_table(arm, arm_data.n, arm_data.events, time_unit, [f for f in fits if f.arm == arm])
    click.echo(f"Wrote {_display(folder)}")


def _model_horizon(model: Path, time_unit: str) -> float | None:
    """The time horizon of ``model`` in ``time_unit`` (the extrapolation figure's end), if readable."""
    from hecon.model.spec import DAYS_PER_YEAR, TIME_UNITS
    from hecon.workbook.reader import read

    spec = read(model).spec
    if spec is None:
        return None
    return spec.settings.horizon_years * DAYS_PER_YEAR / TIME_UNITS[time_unit]


def _model_with_fits(model: Path, fits: Sequence[Any], use: str, prefix: str) -> bytes:
    """``model`` with the converged ``fits``' Survival and Parameters rows put in by name."""
    from hecon.evidence.outputs import usable_name, workbook_rows
    from hecon.workbook.merge import merge_rows

    usable = [f for f in fits if f.converged]
    if not usable:
        _error(f"--use {use}: no converged fit of that name (see the table above); nothing was written")
        _exit()
    rows = workbook_rows(usable, prefix=usable_name(prefix))
    try:
        content, replaced = merge_rows(model, {"Survival": rows.survival, "Parameters": rows.parameters})
    except ModelError as e:
        _report_problems(model, e.problems)
    names = [r["name"] for r in rows.survival]
    kept = sum(len(v) for v in replaced.values())
    click.echo(f"{model.name}: curves {', '.join(map(str, names))} put in ({kept} rows replaced, the rest added)")
    return content


def _check_points_options(
    data: Path, points: bool, strategy: str | None, endpoint: str | None, population: str | None, sheet: str | None
) -> None:
    """--strategy, --endpoint and --population go with --points, which needs the first two and a workbook."""
    if not points:
        given = [o for o, v in (("--strategy", strategy), ("--endpoint", endpoint), ("--population", population)) if v]
        if given:
            raise click.UsageError(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} with --points only")
        return
    missing = [o for o, v in (("--strategy", strategy), ("--endpoint", endpoint)) if v is None]
    if missing:
        raise click.UsageError(f"--points needs {' and '.join(missing)}")
    if sheet is not None:
        raise click.UsageError("--sheet applies to patient data, not to --points")
    if data.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise click.UsageError(f"with --points, DATA is an hecon model workbook (.xlsx); {data} is not")


def _arms_from_points(
    data: Path, strategy: str, endpoint: str, population: str | None, time_unit: str | None
) -> tuple[dict[str, Any], str]:
    """The patients reconstructed from the workbook's survival points of one strategy and
    endpoint, as one arm, and the time unit of their times; exits with the problems if any."""
    from hecon.evidence.guyot import reconstruct_ipd
    from hecon.evidence.ipd import arm_data
    from hecon.evidence.published_points import guyot_inputs, select_points
    from hecon.workbook.reader import read

    result = read(data)
    if result.problems or result.spec is None:
        _report_problems(data, result.problems)
    points = result.spec.survival_points
    records = result.locations.survival_points
    try:
        chosen = select_points(points, strategy, endpoint, population)
        if time_unit is None:
            time_unit = points[chosen[0]].time_unit
            click.echo(f"note: --time-unit not given; fitting in {time_unit}, the unit of the first point", err=True)
        curve, at_risk = guyot_inputs(points, chosen, time_unit=time_unit, where=lambda i, part: records[i].cell(part))
        ipd = reconstruct_ipd(curve, at_risk)
    except ModelError as e:
        _report_problems(data, e.problems)
    shape_points = [i for i in chosen if points[i].kind != "at_risk"]
    later_at_risk = [i for i in chosen if points[i].kind == "at_risk" and points[i].time > 0]
    if len(shape_points) < 3 or not later_at_risk:
        click.echo(
            f"note: {len(shape_points)} survival point(s) and {len(later_at_risk)} number(s) at risk after time 0: "
            "between the points the patients follow a constant hazard, so the fitted shapes, the AIC ranking "
            "and the standard errors (and the PSA rows made from them) reflect that assumption more than data",
            err=True,
        )
    arm = f"{strategy} {endpoint}"
    return {arm: arm_data(ipd.time, ipd.event, arm, f"{data.name}, SurvivalPoints")}, time_unit


def _arms_from_km(coordinates: Path, at_risk: Path, spread: bool) -> tuple[dict[str, Any], bytes]:
    """The patients reconstructed from a digitised curve and its numbers at risk, per arm, and
    their CSV text (time,event[,arm]); exits with the problems of both files if any."""
    from hecon.evidence.ipd import ALL, arm_data
    from hecon.evidence.km_files import reconstruct_from_files

    try:
        reconstructed = reconstruct_from_files(coordinates, at_risk, spread=spread)
    except ModelError as e:
        _report_problems(coordinates, e.problems)
    arms = {}
    lines = ["time,event" + (",arm" if None not in reconstructed else "")]
    for arm, ipd in reconstructed.items():
        name = ALL if arm is None else arm
        arms[name] = arm_data(ipd.time, ipd.event, name, f"reconstructed from {coordinates.name}")
        lines += [
            f"{t!r},{e}" + ("" if arm is None else f",{arm}") for t, e in zip(ipd.time.tolist(), ipd.event.tolist())
        ]
    return arms, ("\n".join(lines) + "\n").encode()


def _print_fit_table(arm: str, n: int, events: int, time_unit: str, fits: Sequence[Any]) -> None:
    """Models of one arm by AIC: parameters, log-likelihood, AIC, BIC and AIC difference."""
    click.echo(
        f"{'all patients' if arm == 'all' else 'arm ' + arm}: {_plural(n, 'patient')}, {_plural(events, 'event')}, times in {time_unit}"
    )
    converged = sorted((f for f in fits if f.converged), key=lambda f: f.aic)
    width = max([len(f.label) for f in fits] + [5])
    click.echo(f"  {'model':<{width}}  {'k':>2}  {'loglik':>11}  {'AIC':>10}  {'BIC':>10}  {'dAIC':>7}")
    for f in converged:
        k = len(f.parameters)
        click.echo(
            f"  {f.label:<{width}}  {k:>2}  {f.loglik:>11.2f}  {f.aic:>10.2f}  {f.bic:>10.2f}  {f.aic - converged[0].aic:>7.2f}"
        )
    for f in fits:
        if not f.converged:
            click.echo(f"  {f.label:<{width}}  not converged: {f.message}")


def _two_way_query(text: str) -> Any:
    """A TwoWayQuery from ``X=LO:HI,Y=LO:HI,STRATEGY[,COMPARATOR]`` (ranges optional)."""
    from hecon.analysis.two_way import TwoWayQuery

    parts = [p.strip() for p in text.split(",")]
    expected = "X=LO:HI,Y=LO:HI,STRATEGY[,COMPARATOR], e.g. 'price=0:2000,hr=0.5:1,New'"
    if len(parts) not in (3, 4) or not all(parts):
        raise click.BadParameter(f"'{text}' is not {expected}", param_hint="--two-way")
    axes = []
    for part in parts[:2]:
        name, _, interval = part.partition("=")
        if not interval:
            axes.append((name.strip(), None))
            continue
        try:
            lo, hi = (float(v) for v in interval.split(":"))
        except ValueError:
            raise click.BadParameter(f"'{part}' is not NAME=LO:HI", param_hint="--two-way") from None
        axes.append((name.strip(), (lo, hi)))
    comparator = parts[3] if len(parts) == 4 else None
    return TwoWayQuery(axes[0][0], axes[1][0], parts[2], comparator, axes[0][1], axes[1][1])


def _inside(path: Path, folder: Path) -> bool:
    p, f = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return p == f or f in p.parents


def _report_problems(path: Path, problems: Sequence[Problem], what: str = "") -> NoReturn:
    _error(
        f"{what or path} {'have' if what else 'has'} {_plural(len(problems), 'problem')}; nothing was run or written:"
    )
    _print_problems(problems)
    _exit()


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="hecon")
