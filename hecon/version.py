"""The installed version of hecon (recorded in every report and PSA file)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hecon")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"
