"""Plain text (and what can be read of title, author and date) from uploaded files.

PDF with pypdf, Word (.docx) with python-docx, OpenDocument text (.odt) with odfpy, e-mail
(.eml) with the standard library's ``email`` package, and plain text (UTF-8, else Windows-1252).
Anything else, or a file that cannot be read, raises a located :class:`InputError`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import PurePath

from commissioning.errors import located

MAX_BYTES = 20 * 1024 * 1024
KINDS = {".pdf": "PDF", ".docx": "Word", ".odt": "OpenDocument", ".txt": "text", ".eml": "e-mail"}


@dataclass
class Extracted:
    text: str
    title: str = ""
    author: str = ""
    date: dt.date | None = None
    kind: str = "document"


def check_size(name: str, size: int) -> None:
    if size > MAX_BYTES:
        raise located(
            name,
            None,
            None,
            f"the file is {size / 1024 / 1024:.1f} MB; the largest file accepted is "
            f"{MAX_BYTES // 1024 // 1024} MB",
        )


def extract(name: str, data: bytes) -> Extracted:
    """Read ``data`` (the contents of a file called ``name``)."""
    check_size(name, len(data))
    suffix = PurePath(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise located(
            name,
            None,
            None,
            f"cannot read '{suffix or 'no extension'}' files; add PDF, Word (.docx), "
            "OpenDocument (.odt), text (.txt) or e-mail (.eml) files",
        )
    try:
        found = reader(data)
    except Exception as exc:
        raise located(
            name, None, None, f"cannot read this {KINDS[suffix]} file ({type(exc).__name__})"
        ) from None
    found.text = _tidy(found.text)
    if not found.title:
        found.title = PurePath(name).stem.replace("_", " ")
    return found


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out, blank = [], 0
    for line in lines:
        blank = blank + 1 if not line else 0
        if blank <= 1:
            out.append(line)
    return "\n".join(out).strip()


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    # pypdf logs its repairs of damaged files; the user gets one plain line from us instead.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n\n".join((page.extract_text() or "") for page in reader.pages)
    finally:
        logger.setLevel(level)
    meta = reader.metadata or {}
    date = None
    created = getattr(reader.metadata, "creation_date", None) if reader.metadata else None
    if created is not None:
        date = created.date()
    return Extracted(
        text,
        title=str(meta.get("/Title", "") or ""),
        author=str(meta.get("/Author", "") or ""),
        date=date,
    )


def _docx(data: bytes) -> Extracted:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    props = document.core_properties
    date = props.created.date() if props.created else None
    return Extracted(
        "\n".join(parts), title=props.title or "", author=props.author or "", date=date
    )


def _odt(data: bytes) -> Extracted:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    parts: list[str] = []

    def walk(node):
        for child in node.childNodes:
            if getattr(child, "qname", None) in blocks:
                parts.append(teletype.extractText(child))
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    return Extracted("\n".join(parts))


def _txt(data: bytes) -> Extracted:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return Extracted(text)


def _eml(data: bytes) -> Extracted:
    from email import policy
    from email.parser import BytesParser
    from email.utils import parsedate_to_datetime

    message = BytesParser(policy=policy.default).parsebytes(data)
    if not message.keys():
        raise ValueError("no e-mail headers")
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/html":
        import re
        from html import unescape

        text = unescape(re.sub(r"<[^>]+>", " ", text))
    header = "\n".join(
        f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject") if message[name]
    )
    date = None
    if message["Date"]:
        try:
            date = parsedate_to_datetime(str(message["Date"])).date()
        except (TypeError, ValueError):
            date = None
    return Extracted(
        f"{header}\n\n{text}",
        title=str(message["Subject"] or ""),
        author=str(message["From"] or ""),
        date=date,
        kind="email",
    )


READERS = {".pdf": _pdf, ".docx": _docx, ".odt": _odt, ".txt": _txt, ".eml": _eml}
