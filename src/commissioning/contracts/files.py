"""Damaged CSV files found before anything is read into records.

A contract file that lost a separator, gained one, or was cut off part-way must never load as
if it were whole. Every row (as a spreadsheet numbers it: the header is row 1, a quoted value
holding line breaks stays in its row) must have as many fields as the header; a file that ends
inside a quoted value, or whose last row has no line end and too few fields, was cut short.
Each problem is reported with the file and the row.

(The import machinery is gaining the same checks for every kind of file; until then the
contract imports run this first. Pure: no Django.)
"""

from __future__ import annotations

import csv
import io

from commissioning.errors import InputError, Problem

LIMIT = 100
CUT = "check that the file is complete (download or export it again)"


def decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
        break
    raise InputError(
        Problem(name, None, None, "cannot be read as text (expected UTF-8 or Windows-1252 CSV)")
    )


def check_csv(raw: bytes, name: str) -> None:
    """Raise InputError locating every row whose number of fields differs from the header's,
    and a file cut short; return quietly for a whole file."""
    text = decode(raw, name)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), strict=True):
            rows.append(record)
    except csv.Error as exc:
        row = len(rows) + 1
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            message = f"the file ends inside a quoted value: it was cut short; {CUT}"
        else:
            message = f"is not well-formed CSV here ({exc})"
        raise InputError(Problem(name, row, None, message)) from None
    if not rows:
        return
    width = len(rows[0])
    ended = text.endswith(("\n", "\r"))
    for number, record in enumerate(rows[1:], start=2):
        if not record or all(not cell.strip() for cell in record):
            continue  # a blank row
        last = number == len(rows)
        if last and not ended and len(record) < width:
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    f"the last row is cut short (it has {len(record)} of the header's {width} "
                    f"columns and no line end); {CUT}",
                )
            )
        elif len(record) > width:
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    f"has {len(record)} values but the header has {width} columns (a comma "
                    "inside a value must be in double quotes)",
                )
            )
        elif len(record) < width:
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    f"has only {len(record)} of the header's {width} columns (the row is "
                    "incomplete)",
                )
            )
    if problems:
        raise InputError(problems[:LIMIT], more=max(0, len(problems) - LIMIT))
