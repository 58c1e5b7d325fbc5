"""hecon: vectorised cohort state-transition models for health-economic evaluation."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hecon")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

from hecon.compiler import compile_model  # noqa: E402
from hecon.engine import run_model  # noqa: E402
from hecon.errors import ModelError, Problem  # noqa: E402

__all__ = ["ModelError", "Problem", "compile_model", "run_model", "__version__"]
