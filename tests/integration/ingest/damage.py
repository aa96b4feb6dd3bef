"""Damaged copies of a file, for the damaged-file harness (``test_damaged_files.py``).

``cases(data)`` cuts a CSV file's bytes at many points and re-encodes it:

- **at every line end**: the file as it would be if it stopped right after a line end, and
  right before it (the last line complete but without its line end);
- **inside fields**, for every row: inside a quoted value, inside a number, inside the row's
  last value, and just after a comma in the middle of the row;
- **re-encoded**: the whole file as UTF-8 with a byte-order mark, UTF-16 (both byte orders,
  with a byte-order mark), Windows-1252, with its line ends changed (LF and CRLF), and as
  UTF-16 without a byte-order mark (which must be refused);
- **re-encoded and cut**: UTF-16 copies cut at line ends and part-way through a character, and a
  UTF-8 copy cut part-way through a character where the file has any that take several bytes;
- a **sample** of further cut points, chosen by a seeded random generator (the same every run).

Each case knows where it was cut in the original text, so that the harness can work out which
rows were complete. Pure Python: no database.
"""

from __future__ import annotations

import contextlib
import random
import re
from dataclasses import dataclass

NUMBER = re.compile(r"-?[\d,]*\.?\d+")
SAMPLED = 12  # further random cut points per file


@dataclass(frozen=True)
class Case:
    what: str  # the kind of damage, e.g. "cut inside a number"
    data: bytes
    cut: int | None  # where the original text was cut (None: the whole file)
    whole: bool = False  # the whole file, re-encoded: must load exactly as the original


def text_of(data: bytes) -> tuple[str, str]:
    """The sample's text and its encoding (the samples are UTF-8 or Windows-1252)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def line_ends(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line end: ``\\n``, ``\\r\\n`` or a lone ``\\r``."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            out.append((i, i + 1))
        elif c == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                out.append((i, i + 2))
                i += 1
            else:
                out.append((i, i + 1))
        i += 1
    return out


def field_spans(text: str) -> list[list[tuple[int, int, bool]]]:
    """Each record's fields as (start, end, quoted), with offsets in ``text``."""
    records: list[list[tuple[int, int, bool]]] = []
    fields: list[tuple[int, int, bool]] = []
    i, n, start, quoted, inside = 0, len(text), 0, False, False
    while i < n:
        c = text[i]
        if inside:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                inside = False
            i += 1
            continue
        if c == '"' and i == start:
            inside = quoted = True
        elif c == ",":
            fields.append((start, i, quoted))
            start, quoted = i + 1, False
        elif c in "\r\n":
            fields.append((start, i, quoted))
            records.append(fields)
            fields = []
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            start, quoted = i + 1, False
        i += 1
    if start < n:
        fields.append((start, n, quoted))
        records.append(fields)
    return records


def _inside_points(text: str) -> list[tuple[str, int]]:
    points = []
    for fields in field_spans(text):
        if len(fields) < 2:
            continue
        quoted = [(s, e) for s, e, q in fields if q and e - s >= 4]
        if quoted:
            s, e = quoted[0]
            points.append(("cut inside a quoted value", s + 1 + (e - s - 2) // 2))
        numbers = [(s, e) for s, e, q in fields if not q and e - s >= 2]
        numbers = [(s, e) for s, e in numbers if NUMBER.fullmatch(text[s:e])]
        if numbers:
            s, e = numbers[0]
            points.append(("cut inside a number", s + (e - s) // 2))
        s, e, q = fields[-1]
        if e - s >= 2:
            points.append(("cut inside the row's last value", s + (e - s) // 2))
        points.append(("cut just after a comma", fields[len(fields) // 2][0]))
        if text[fields[0][0] : fields[-1][1]].strip() and fields[0][1] - fields[0][0] >= 2:
            s, e, _ = fields[0]
            points.append(("cut inside the row's first value", s + (e - s) // 2))
    return points


def cases(data: bytes) -> list[Case]:
    text, encoding = text_of(data)
    out: list[Case] = []
    seen: set[bytes] = set()

    def add(what: str, cut: int | None, body: bytes, *, whole: bool = False) -> None:
        if body and body not in seen:
            seen.add(body)
            out.append(Case(what, body, cut, whole))

    def cut_at(what: str, i: int) -> None:
        add(what, i, text[:i].encode(encoding))

    ends = line_ends(text)
    for start, end in ends:
        cut_at("cut at a line end", end)
        cut_at("cut just before a line end", start)
    for what, i in _inside_points(text):
        cut_at(what, i)
    rng = random.Random(f"{len(text)}:{text[:200]}")
    for i in sorted(rng.sample(range(1, len(text)), min(SAMPLED, len(text) - 1))):
        cut_at("cut at a random point", i)

    # the whole file re-encoded: it must load exactly as the original
    add(
        "re-encoded as UTF-8 with a byte-order mark",
        None,
        b"\xef\xbb\xbf" + text.encode(),
        whole=True,
    )
    add("re-encoded as UTF-8", None, text.encode(), whole=True)
    add(
        "re-encoded as UTF-16 (little-endian, with BOM)",
        None,
        b"\xff\xfe" + text.encode("utf-16-le"),
        whole=True,
    )
    add(
        "re-encoded as UTF-16 (big-endian, with BOM)",
        None,
        b"\xfe\xff" + text.encode("utf-16-be"),
        whole=True,
    )
    with contextlib.suppress(UnicodeEncodeError):
        add("re-encoded as Windows-1252", None, text.encode("cp1252"), whole=True)
    lf = text.replace("\r\n", "\n")
    add("line ends changed to LF", None, lf.encode(encoding), whole=True)
    add("line ends changed to CRLF", None, lf.replace("\n", "\r\n").encode(encoding), whole=True)
    add("re-encoded as UTF-16 without a byte-order mark", None, text.encode("utf-16-le"))

    # re-encoded, then cut
    utf16 = b"\xff\xfe" + text.encode("utf-16-le")
    for _start, end in ends[::4]:
        add("UTF-16, cut at a line end", end, b"\xff\xfe" + text[:end].encode("utf-16-le"))
    for _, i in _inside_points(text)[::7]:
        add("UTF-16, cut part-way through a character", i, utf16[: 2 + 2 * i + 1])
    wide = [i for i, ch in enumerate(text) if len(ch.encode()) > 1]
    for i in wide[:3]:
        add(
            "UTF-8, cut part-way through a character",
            i,
            text[:i].encode() + text[i].encode()[:1],
        )
    return out
