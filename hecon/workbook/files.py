"""Opening a workbook file safely: recognise what the file is, read it without changing it.

The file is read once into memory (opened read-only) and parsed twice by openpyxl, in its
streaming read-only mode, from that copy: once for the cached values of formulas (``data_only=True``) and once for the formulas
themselves, to tell an empty cell from a formula that was never calculated. openpyxl parses
the XML with defusedxml (a dependency of hecon) and never runs macros: a macro-enabled
``.xlsm`` is read for its data only (``keep_vba=False``).

Files that are not usable get one problem naming the file:

* not found, or a folder
* an OLE compound file (magic bytes ``D0 CF 11 E0``): a password-protected (encrypted)
  workbook, recognised by its ``EncryptionInfo`` stream, or an old ``.xls`` workbook
* not a zip archive: text (e.g. a CSV file renamed to .xlsx), empty, or other bytes
* a zip archive that is damaged, or that is not a workbook (no ``xl/workbook.xml``)
"""

from __future__ import annotations

import io
import os
import re
import stat
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml.common import DefusedXmlException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from hecon.model.limits import FILE_MB, STRINGS, UNPACKED_MB
from hecon.model.problems import FileLine, ModelError, Problem

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""First bytes of an OLE compound file: old .xls workbooks and encrypted .xlsx workbooks."""
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
"""Name of the stream that an encrypted Office document has, as stored in the compound file."""

_SAVE_AS_XLSX = "an .xlsx workbook: open the file in Excel and use File > Save As > Excel Workbook (*.xlsx)"


@dataclass
class Book:
    """A workbook parsed twice: ``values`` (cached results of formulas) and ``formulas``."""

    label: str
    values: Workbook
    formulas: Workbook
    last_cells: dict[str, str] = field(default_factory=dict)
    """The address of the last cell holding a value, per sheet title, where its XML says."""

    def close(self) -> None:
        self.values.close()
        self.formulas.close()

    def sheet(self, name: str) -> tuple[Worksheet, Worksheet] | None:
        """The sheet called ``name`` (case and surrounding spaces ignored) in both parses."""
        for title in self.values.sheetnames:
            if title.strip().lower() == name.lower():
                sheets = self.values[title], self.formulas[title]
                used, last = _used_rows(sheets[0])
                if last is not None:
                    self.last_cells[title] = last
                for ws in sheets:  # the file's <dimension> may be wrong: read the rows that hold values
                    if hasattr(ws, "reset_dimensions"):
                        ws.reset_dimensions()
                        ws._max_row = used  # None: every row there is
                return sheets  # type: ignore[return-value]
        return None


_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL_ADDRESS = re.compile(rb'\sr="([A-Z]{1,3}[1-9]\d*)"')


def _used_rows(ws: Worksheet) -> tuple[int | None, str | None]:
    """The last row of a read-only sheet that holds a value or formula, and the address of its
    last such cell (``C150000``), found in its XML without parsing it, so that empty rows after
    the data (a million of them, formatted) cost nothing; None when the XML does not say (rows or
    cells without numbers)."""
    try:
        xml = ws.parent._archive.read(ws._worksheet_path)
    except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
        return None, None
    end = xml.rfind(b"</sheetData>")
    last = max(xml.rfind(tag, 0, end) for tag in (b"<v>", b"<v ", b"<f>", b"<f ", b"<is>"))
    if last < 0:
        return 1, None
    start = xml.rfind(b"<row", 0, last)
    number = _ROW_NUMBER.search(xml, start, xml.find(b">", start)) if start >= 0 else None
    cell = xml.rfind(b"<c ", 0, last)
    address = _CELL_ADDRESS.search(xml, cell, xml.find(b">", cell)) if cell >= 0 else None
    return (int(number.group(1)) if number else None), (address.group(1).decode("ascii") if address else None)


def _fail(label: str, what: str, expected: str = _SAVE_AS_XLSX) -> ModelError:
    return ModelError(Problem(FileLine(label), what, expected))


def _fault(exc: BaseException) -> str:
    """What openpyxl's error ``exc`` (or the error that caused it) says is wrong, in words: no
    Python exception names or texts, which mean nothing to the analyst."""
    causes = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 20:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, DefusedXmlException) for c in causes):
        return "its XML declares entities, which a workbook never has; such a file may be built to exhaust memory"
    if any(isinstance(c, ParseError) for c in causes):
        return "a part's XML is not well-formed"
    return "its parts are not what Excel writes"


def _describe_bytes(data: bytes) -> str:
    if not data:
        return "the file is empty"
    head = data[:4096]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            text = ""
    if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) > 0.95 * len(text):
        if "<html" in text.lower() or "<?xml" in text.lower():
            return "the file is a web page or XML file, not an Excel workbook"
        kind = "CSV or text" if any(sep in text for sep in (",", ";", "\t")) else "text"
        return f"the file is {kind}, not an Excel workbook (was it renamed to .xlsx?)"
    return "the file is not an Excel workbook (it is not a zip archive as .xlsx files are)"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, opened read-only; ModelError if it cannot be read, is not a regular file
    (a folder, a FIFO, a device such as /dev/zero, also behind a symbolic link) or is larger than
    :data:`~hecon.model.limits.FILE_MB`."""
    label = path.name or str(path)
    try:
        info = os.stat(path)  # follows symbolic links: the file that would be read
    except FileNotFoundError:
        raise _fail(label, f"the file {path} does not exist", "the path of an .xlsx workbook") from None
    except OSError as exc:
        raise _fail(label, f"the file cannot be read: {exc.strerror or exc}", "a readable .xlsx file") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(label, f"{path} is a folder", "the path of an .xlsx workbook")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(
            label, "the file is not a regular file (it is a device, pipe or socket)", "the path of an .xlsx workbook"
        )
    limit = FILE_MB.value * 10**6
    if info.st_size > limit:
        raise _fail(label, f"the file has {info.st_size / 1e6:,.0f} MB", FILE_MB.expected("a workbook of"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # the file may have grown since
    except OSError as exc:
        raise _fail(label, f"the file cannot be read: {exc.strerror or exc}", "a readable .xlsx file") from None
    if len(data) > limit:
        raise _fail(label, f"the file has more than {FILE_MB.value:,} MB", FILE_MB.expected("a workbook of"))
    return data


def check_container(data: bytes, label: str, suffix: str) -> None:
    """Raise ModelError unless ``data`` looks like an .xlsx/.xlsm zip package."""
    if data.startswith(CFB_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise _fail(
                label,
                "the workbook is password-protected (encrypted), so it cannot be read",
                "a workbook without a password to open: in Excel use File > Info > Protect "
                "Workbook > Encrypt with Password, clear the password and save",
            )
        old = (
            "the file is in the old Excel 97-2003 format (.xls)"
            if suffix in (".xls", ".xlt")
            else "the file is an old-format Office file (.xls) or an encrypted workbook"
        )
        raise _fail(label, old, _SAVE_AS_XLSX)
    if not data.startswith(ZIP_MAGICS):
        raise _fail(label, _describe_bytes(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            damaged = archive.testzip() if unpacked <= UNPACKED_MB.value * 10**6 else None
            strings = _shared_strings(archive) if unpacked <= UNPACKED_MB.value * 10**6 else 0
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,
    ) as exc:
        raise _fail(
            label,
            f"the file is damaged (not a readable zip archive: {exc})",
            "an undamaged .xlsx file; open it in Excel, repair it and save it again",
        ) from None
    if unpacked > UNPACKED_MB.value * 10**6:  # zipfile reads no entry beyond its declared size
        raise _fail(
            label,
            f"the workbook would unpack to {unpacked / 1e6:,.0f} MB",
            UNPACKED_MB.expected("a workbook that unpacks to") + " (hecon inputs are small; move large data elsewhere)",
        )
    if strings > STRINGS.value:  # openpyxl parses every one before the first cell is read
        raise _fail(label, f"the workbook has {strings:,} distinct texts", STRINGS.expected("a workbook of"))
    if damaged is not None:
        raise _fail(
            label,
            f"the file is damaged (part {damaged} fails its checksum)",
            "an undamaged .xlsx file; open it in Excel, repair it and save it again",
        )
    if "xl/workbook.xml" not in names:
        other = " (it looks like a Word document)" if "word/document.xml" in names else ""
        raise _fail(label, f"the file is a zip archive but not an Excel workbook{other}", _SAVE_AS_XLSX)


def _shared_strings(archive: zipfile.ZipFile) -> int:
    """How many shared strings the workbook's sharedStrings part holds, counted without parsing it."""
    names = [n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")]
    return sum(archive.read(n).count(b"<si") for n in names)  # <si> and <si ...>; no other tag starts so


def open_book(path: str | Path) -> Book:
    """Read and parse a workbook without modifying the file; ModelError naming the file if unusable."""
    path = Path(path)
    label = path.name or str(path)
    data = read_bytes(path)
    check_container(data, label, path.suffix.lower())
    parsed = []
    for data_only in (True, False):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unsupported extensions, data validation, ...
                parsed.append(
                    openpyxl.load_workbook(
                        io.BytesIO(data),
                        read_only=True,
                        data_only=data_only,
                        keep_vba=False,
                        keep_links=False,
                        rich_text=False,
                    )
                )
        except Exception as exc:  # openpyxl raises many kinds on a damaged package  # noqa: BLE001
            raise _fail(
                label,
                f"the file is damaged: the workbook cannot be read ({_fault(exc)})",
                "an undamaged .xlsx file; open it in Excel, repair it and save it again",
            ) from None
    return Book(label, parsed[0], parsed[1])
