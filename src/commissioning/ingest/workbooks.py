"""Opening an uploaded workbook (.xlsx) safely, before any spreadsheet parser sees it.

An .xlsx file is a zip archive of XML parts. Two things can go wrong that a spreadsheet parser
handles badly: a small file can unpack to a huge one (a "zip bomb": 107 KB that expands to
100 MB), and a part can be damaged or not XML at all. :func:`check_workbook` looks at the
archive first: the sizes its parts declare, then their real sizes as they are unpacked (stopping
as soon as the total passes the limit), so nothing is parsed above the limit. The reader then
turns any error while parsing into one plain, located message (:func:`damaged`).

The limit is ``COMMISSIONING_WORKBOOK_LIMIT_MB`` megabytes unpacked (default 100); larger tables
are imported as CSV, which has no such limit.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from commissioning.errors import InputError, UserError, located

LIMIT_VARIABLE = "COMMISSIONING_WORKBOOK_LIMIT_MB"
DEFAULT_LIMIT_MB = 100
MB = 1024 * 1024
CHUNK = MB
#: the parts every workbook saved by Excel, LibreOffice or openpyxl has
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
HOW_TO_FIX = "open it in Excel and save it again as .xlsx, or save it as .csv"


def limit_bytes() -> int:
    """The largest a workbook may be once unpacked, in bytes (from the environment)."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_LIMIT_MB * MB
    if not raw.isdigit() or int(raw) < 1:
        raise UserError(
            f"{LIMIT_VARIABLE} must be a whole number of megabytes of at least 1 (the default "
            f"is {DEFAULT_LIMIT_MB}), but it is set to {raw!r}"
        )
    return int(raw) * MB


def _size(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= 10 * MB else f"{n / MB:,.1f} MB"


def too_big(name: str, size: int, limit: int, packed: int, *, at_least: bool = False):
    """The located error for a workbook that unpacks to more than the limit."""
    file_size = _size(packed) if packed >= MB else f"{packed / 1024:,.0f} KB"
    return located(
        name,
        None,
        None,
        f"unpacks to {'more than ' if at_least else ''}{_size(size)} (from a file of "
        f"{file_size}), more than the {_size(limit)} a workbook may hold: import a table this "
        "large as .csv, or split it into several workbooks",
    )


def check_workbook(path: str | Path, *, name: str | None = None, limit: int | None = None) -> None:
    """Refuse, with a located :class:`InputError`, a workbook that is not a zip archive, lacks
    a workbook's parts, is damaged, or unpacks to more than ``limit`` bytes."""
    name = name or str(path)
    limit = limit_bytes() if limit is None else limit
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise located(
            name,
            None,
            None,
            "is not an Excel workbook that can be read: an .xlsx file is a zip archive and this "
            "one is not (a password-protected workbook is not one either: remove the password), "
            f"or it is damaged ({_reason(exc)}); {HOW_TO_FIX}",
        ) from None
    with archive:
        parts = archive.infolist()
        names = {p.filename for p in parts}
        missing = [p for p in REQUIRED_PARTS if p not in names]
        if missing:
            raise located(
                name,
                None,
                None,
                "is a zip archive but not an Excel workbook (it has no "
                f"{' and no '.join(missing)}: is it another kind of file renamed .xlsx?); "
                f"{HOW_TO_FIX}",
            )
        packed = os.path.getsize(path)
        declared = sum(p.file_size for p in parts)
        if declared > limit:
            raise too_big(name, declared, limit, packed)
        unpacked = 0
        for part in parts:
            try:
                with archive.open(part) as member:
                    while chunk := member.read(CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise too_big(name, unpacked, limit, packed, at_least=True)
            except InputError:
                raise
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
                raise damaged(name, exc, part=part.filename) from None
            except NotImplementedError as exc:  # a compression method zipfile cannot unpack
                raise damaged(name, exc, part=part.filename) from None


def _reason(exc: BaseException) -> str:
    """The first cause of ``exc`` in a few words (openpyxl wraps the parser's own error)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    text = " ".join(str(exc).split())
    if not text:
        return type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def damaged(name: str, exc: BaseException, *, part: str | None = None, sheet: str | None = None):
    """The located error for a workbook whose contents cannot be read."""
    where = f"its part {part}" if part else f"its sheet '{sheet}'" if sheet else "its contents"
    return located(
        name,
        None,
        None,
        f"is damaged and cannot be read: {where} could not be read ({_reason(exc)}); {HOW_TO_FIX}",
    )
