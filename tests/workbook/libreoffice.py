"""Recalculate a workbook with LibreOffice headless and read the values back (tests of the Excel export).

LibreOffice runs with its own user profile in a temporary folder, so that parallel runs do not
share (and lock) one profile. Tests that need it are skipped when ``soffice`` is not installed,
unless ``HECON_REQUIRE_LIBREOFFICE=1`` (set by .ci/run, which installs Debian's
``libreoffice-calc``): then a missing LibreOffice is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
REQUIRED = os.environ.get("HECON_REQUIRE_LIBREOFFICE", "") not in ("", "0")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not REQUIRED,
    reason="LibreOffice is not installed (Debian: apt-get install libreoffice-calc; .ci/run installs it)",
)


def recalculate(path: Path, out_dir: Path) -> Path:
    """``path`` opened, recalculated and saved as .xlsx by LibreOffice into ``out_dir``; the saved
    file holds the computed value of every formula (read it with openpyxl, data_only=True)."""
    return recalculate_all([path], out_dir)[0]


def recalculate_all(paths: list[Path], out_dir: Path) -> list[Path]:
    """:func:`recalculate` for several files (distinct names) in one LibreOffice run."""
    return _convert(paths, "xlsx", out_dir)


def convert_to_pdf(path: Path, out_dir: Path) -> Path:
    """``path`` printed to PDF by LibreOffice (``soffice --headless --convert-to pdf``) into
    ``out_dir``, with its own print settings; one bookmark per sheet."""
    return _convert([path], "pdf", out_dir)[0]


def _convert(paths: list[Path], kind: str, out_dir: Path) -> list[Path]:
    """``paths`` converted to ``kind`` (a file extension) by one headless LibreOffice run with a
    throw-away profile, into ``out_dir``; the converted files' paths."""
    if SOFFICE is None:
        pytest.fail(
            "HECON_REQUIRE_LIBREOFFICE is set but LibreOffice is not installed (apt-get install libreoffice-calc)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                kind,
                "--outdir",
                str(out_dir),
                *(str(path) for path in paths),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    outs = [out_dir / f"{path.stem}.{kind}" for path in paths]
    for out in outs:
        assert out.exists(), f"LibreOffice wrote no {out}"
    return outs
