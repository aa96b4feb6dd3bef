"""Reading CSV text files safely: the encoding named, every row checked, damage reported.

Every CSV file the system reads (imports, NHS published files, survey uploads, the
command-line verbs' tables) goes through here, so that a damaged file fails the same way
everywhere (docs/reliability.md):

- **Encoding**, found from the bytes and named: UTF-8, UTF-8 with BOM, Windows-1252 (as Excel
  saves "CSV"), or UTF-16 with BOM (Excel's "Unicode text" encoding). UTF-16 without a
  byte-order mark, binary files, and files that mix UTF-8 with other bytes are refused.
- **Rows as a spreadsheet shows them**: the first line is row 1 (the header), each record one
  row, however many line breaks its quoted values hold; blank lines keep their numbers.
- **Every row has as many fields as the header** (without a header, as the other rows and as
  the layout allows); a row with more or fewer is a located problem.
- **A file cut short is refused**: a last row without a line end that has too few fields, ends
  inside a quoted value or part-way through a character, or whose last value could have been cut
  (a value that is not empty and not quoted), is reported as cut off, never loaded as it is.

Pure Python (no Django): ``commissioning.tables`` and ``commissioning.ingest`` both use it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.errors import InputError, Problem

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 with BOM"
CP1252 = "Windows-1252"
UTF16 = "UTF-16 with BOM"

LIMIT = 100  # problems listed before "... and N more"
CUT_ADVICE = "check that the file is complete (download or export it again)"
# a valid UTF-8 sequence of two or more bytes (in a file that is not UTF-8 as a whole, a sign
# that UTF-8 and Windows-1252 text were mixed)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True)
class Decoded:
    """A file's text, the encoding it was read in, and whether its last character was cut."""

    text: str
    encoding: str
    cut: bool = False  # the bytes ended part-way through a character


@dataclass
class Records:
    """A CSV file's rows as text: the header, then every row that is not blank."""

    file: str
    encoding: str
    header: list[str]  # as written; [] when the file has no header row
    frame: pd.DataFrame  # text cells (columns 0, 1, ...; rows that leave out the last ones "")
    numbers: np.ndarray  # each row of ``frame`` as a spreadsheet shows it (the first line is 1)


def _error(name: str, row: int | None, message: str) -> InputError:
    return InputError(Problem(name, row, None, message))


def _row_of(text: str) -> int:
    """The spreadsheet row in which ``text`` (a file's beginning) ends."""
    rows = 0
    try:
        for _ in csv.reader(io.StringIO(text, newline="")):
            rows += 1
    except csv.Error:
        pass
    return max(rows, 1)


def _utf16(raw: bytes, name: str) -> Decoded:
    codec = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
    body = raw[2:]
    cut = len(body) % 2 == 1
    if cut:
        body = body[:-1]
    try:
        return Decoded(body.decode(codec), UTF16, cut)
    except UnicodeDecodeError as exc:
        if exc.end >= len(body) - 1:  # half of a surrogate pair at the very end
            return Decoded(body[: exc.start].decode(codec), UTF16, True)
        row = _row_of(body[: exc.start].decode(codec, errors="replace"))
        raise _error(
            name, row, "starts with a UTF-16 byte-order mark but is not UTF-16 text here"
        ) from None


def decode(raw: bytes, name: str) -> Decoded:
    """The text of a CSV file's bytes, with the encoding found; InputError if it is not text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(raw, name)
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    if b"\x00" in body:
        sample = body[:4096]
        zeros_odd = sample[1::2].count(0)
        zeros_even = sample[0::2].count(0)
        if max(zeros_odd, zeros_even) > len(sample) // 4:
            raise _error(
                name,
                None,
                "looks like UTF-16 text without a byte-order mark, which cannot be read "
                "safely: save it again as 'CSV UTF-8' (or 'CSV')",
            )
        raise _error(name, None, "is not a text file (it holds NUL bytes): expected a CSV file")
    try:
        return Decoded(body.decode("utf-8"), UTF8_BOM if bom else UTF8)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(body):
            # a file of UTF-8 cut part-way through its last character
            try:
                return Decoded(body[: exc.start].decode("utf-8"), UTF8_BOM if bom else UTF8, True)
            except UnicodeDecodeError:
                pass
        first_bad = exc.start
    if bom or _UTF8_MULTIBYTE.search(body):
        raise _error(
            name,
            _row_of(body[:first_bad].decode("utf-8", errors="replace")),
            "is UTF-8 text up to this row, then holds a character that is not UTF-8 (byte "
            f"0x{body[first_bad]:02X}): the file mixes encodings or is damaged; save it again "
            "as 'CSV UTF-8'",
        )
    try:
        return Decoded(body.decode("cp1252"), CP1252)
    except UnicodeDecodeError as exc:
        row = _row_of(body[: exc.start].decode("cp1252", errors="replace"))
        raise _error(
            name,
            row,
            f"cannot be read as text: byte 0x{body[exc.start]:02X} is neither UTF-8 nor "
            "Windows-1252 (expected a CSV file saved as 'CSV UTF-8' or 'CSV')",
        ) from None


def sniff_rows(raw: bytes, count: int) -> list[list[str]]:
    """The first ``count`` complete rows of the beginning of a file ([] if it is not CSV text).

    ``raw`` may stop anywhere (it is a sample of the file): a last row without a line end is
    left out, so that a file cut short is still recognised, and refused by ``read_records``.
    """
    try:
        text = decode(raw, "sample").text
    except InputError:
        return []
    rows: list[list[str]] = []
    ended = text.endswith(("\n", "\r"))
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        for row in reader:
            rows.append(row)
            if len(rows) > count:
                break
    except csv.Error:
        return []
    if len(rows) > count:
        return rows[:count]
    if rows and not ended:
        rows.pop()
    return rows


def _unique(headers: list[str]) -> list[str]:
    """Repeated headers numbered as pandas numbers them: ``x``, ``x.1``, ``x.2``."""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        name = h
        while name in seen:
            seen[h] += 1
            name = f"{h}.{seen[h]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _field_counts(text: str, name: str) -> np.ndarray:
    """How many fields each record has (0 for a blank line); located errors for broken quoting."""
    counts: list[int] = []
    add = counts.append
    try:
        for record in csv.reader(io.StringIO(text, newline=""), strict=True):
            add(len(record))
    except csv.Error as exc:
        row = len(counts) + 1
        if "unexpected end of data" in str(exc):
            raise _error(
                name,
                row,
                "the file ends inside a quoted value (its closing quote is missing): it seems "
                f"cut off here; {CUT_ADVICE}",
            ) from None
        if "field larger than field limit" in str(exc):
            message = "holds a value too long to be real (is a closing quote missing?)"
        else:
            message = (
                "is not well-formed CSV here: a quoted value is followed by other text before "
                'the next comma (a quote inside a value is written twice: "")'
            )
        raise _error(name, row, message) from None
    return np.asarray(counts, dtype=np.int64)


def _cells(text: str, counts: np.ndarray) -> pd.DataFrame:
    """Every record's cells as text (one row per record, blank lines included)."""
    width = int(counts.max()) if len(counts) else 0
    try:
        frame = pd.read_csv(
            io.StringIO(text, newline=""),
            header=None,
            names=list(range(width)),
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=False,
        )
        if len(frame) == len(counts):
            return frame.fillna("")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        pass
    # pandas read the records differently from the csv module (unusual quoting): use the latter
    records = [r + [""] * (width - len(r)) for r in csv.reader(io.StringIO(text, newline=""))]
    return pd.DataFrame({i: pd.Series([r[i] for r in records], dtype=str) for i in range(width)})


def _most_common(widths: np.ndarray) -> int | None:
    if not len(widths):
        return None
    values, times = np.unique(widths, return_counts=True)
    best = np.flatnonzero(times == times.max())
    return int(values[best[-1]])


def _cut_message(
    decoded: Decoded, cells: pd.DataFrame, n: int, width: int, whole_last_value: bool
) -> str | None:
    """Why the last row, which has no line end, may have been cut short (None if it is whole)."""
    if decoded.cut:
        return (
            "the file ends part-way through a character in this row: it seems cut off; "
            + CUT_ADVICE
        )
    if n < width:
        return (
            f"the file ends in this row, which has {n} of the {width} fields and no line end: "
            f"it seems cut off; {CUT_ADVICE}"
        )
    value = str(cells.iat[len(cells) - 1, n - 1])
    if (
        whole_last_value
        and n == width
        and value.strip()
        and not decoded.text.rstrip(" \t").endswith('"')
    ):
        # a quoted last value, or an empty one, shows the row ended where it was meant to
        return (
            f"the file ends in this row with no line end, so its last value ('{value}') may have "
            f"been cut short: {CUT_ADVICE}; if it is complete, end the last row with a line end"
        )
    return None


_LF, _CR, _QUOTE, _COMMA = 10, 13, 34, 44


def clean_records(raw: bytes, name: str) -> Records | None:
    """A file with a header read with Arrow's CSV reader, when it is plainly whole and well
    formed; None for anything else (``read_records`` then reads it the careful way, which finds
    and explains any problem).

    The quick way gives exactly the rows the careful way gives, because it takes only files
    where the two cannot differ: UTF-8 (with or without BOM), every line ended (the last one
    too), no lone carriage return, no NUL, no blank line, at least two columns and every row
    as wide as the header, no value longer than the ``csv`` module allows, and quotes used only
    as CSV means them: around a whole value, doubled inside it, and never across a line end
    (so that each row is one line, and a row's number is its line's). A million rows take
    about a tenth of the time (issue 27).
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    if not body.endswith(b"\n") or b"\x00" in body:
        return None
    returns = body.count(b"\r")
    if returns and returns != body.count(b"\r\n"):
        return None
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    octets = np.frombuffer(body, dtype=np.uint8)
    lines = np.flatnonzero(octets == _LF)  # where each line ends
    if len(lines) < 2:
        return None
    quotes = np.flatnonzero(octets == _QUOTE)
    if len(quotes):
        if len(quotes) % 2:
            return None
        opening, closing = quotes[0::2], quotes[1::2]
        # an opening quote starts a value, or is the second of a doubled quote inside one
        doubled = np.zeros(len(opening), dtype=bool)
        doubled[1:] = opening[1:] == closing[:-1] + 1
        before = octets[np.maximum(opening - 1, 0)]
        starts = (opening == 0) | (before == _COMMA) | (before == _LF)
        after = octets[closing + 1]  # the body ends with a line end, never with a quote
        ends = (after == _COMMA) | (after == _LF) | (after == _CR) | (after == _QUOTE)
        if not ((starts | doubled).all() and ends.all()):
            return None
        if (np.searchsorted(lines, opening) != np.searchsorted(lines, closing)).any():
            return None  # a quoted value holds a line end
    first = body[: int(lines[0]) + 1].decode("utf-8")
    if not first.strip("\r\n"):
        return None
    try:
        fields = next(csv.reader(io.StringIO(first, newline=""), strict=True))
    except csv.Error:  # a header value too long for the csv module: the careful way says so
        return None
    if len(fields) < 2:
        return None
    head = _unique([h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(fields)])
    names = [f"c{i}" for i in range(len(head))]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None  # rows of another width, text that is not UTF-8: the careful way says so
    if table.num_rows != len(lines) - 1:
        return None  # blank lines (which Arrow leaves out, so rows would be misnumbered)
    limit = csv.field_size_limit()
    for column in table.columns:
        longest = _longest(column)
        if longest is not None and longest > limit:
            return None
    frame = table.to_pandas()
    frame.columns = pd.RangeIndex(len(head))
    numbers = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return Records(name, UTF8_BOM if bom else UTF8, head, frame, numbers)


def _longest(column) -> int | None:
    """The length in bytes of the longest value of an Arrow column of text."""
    import pyarrow.compute as pc

    return pc.max(pc.binary_length(column)).as_py()


def read_records(
    raw: bytes,
    name: str,
    *,
    header: bool = True,
    narrower_rows: bool = False,
    widths: tuple[int, ...] = (),
    whole_last_value: bool = True,
    limit: int = LIMIT,
    quick: bool = True,
) -> Records:
    """Every row of a CSV file, checked; InputError listing every problem found.

    ``narrower_rows``: the data rows may all have fewer fields than the header (a published
    layout whose header names trailing columns its rows leave out, as Fingertips exports do);
    they must still all have the same number. ``widths``: without a header, the numbers of
    fields a row of the layout may have (the rows must still all have the same number).
    ``whole_last_value``: refuse a last row without a line end whose last value could have been
    cut (imports, which store what they read); the command-line verbs, which store nothing and
    often read standard input without a final line end, turn it off. ``quick``: a file with a
    header is first offered to :func:`clean_records` (the tests turn it off to compare).
    """
    if header and quick:
        clean = clean_records(raw, name)
        if clean is not None:
            return clean
    decoded = decode(raw, name)
    text = decoded.text
    if not text.strip():
        raise _error(name, None, "is empty (expected a header row and data rows)")
    counts = _field_counts(text, name)
    cells = _cells(text, counts)
    ended = text.endswith(("\n", "\r"))
    numbers = np.arange(1, len(counts) + 1)
    if header:
        if counts[0] == 0:
            raise _error(name, 1, "starts with a blank line: expected the header row in row 1")
        first = [str(v) for v in cells.iloc[0, : counts[0]]]
        head = _unique([h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(first)])
        data = np.arange(1, len(counts))
    else:
        head = []
        data = np.arange(len(counts))
    blank = counts[data] == 0
    if blank.any() or (counts[data] == 1).any():
        lone = data[counts[data] == 1]
        empty = cells.iloc[lone, 0].str.strip() == ""
        blank |= np.isin(data, lone[empty.to_numpy()])
    data = data[~blank]
    last = len(counts) - 1  # the last record (the only one that can lack a line end)
    unended = bool(not ended and len(data) and data[-1] == last)
    complete = counts[data[:-1]] if unended else counts[data]
    common = _most_common(complete)
    if header:
        width, expected = len(head), "the header has"
        if narrower_rows and common is not None and common < width:
            width, expected = common, "the other rows have"
    else:
        alone = (int(counts[data[-1]]),) if len(data) else (0,)
        width, expected = common or max(widths or alone), "the other rows have"
        if widths and width not in widths:
            width, expected = max(widths), "this layout has"
    wrong = data[counts[data] != width]
    total = len(wrong)
    problems = [
        Problem(name, int(numbers[i]), None, f"has {counts[i]} fields where {expected} {width}")
        for i in wrong[:limit]
    ]
    cut = (
        _cut_message(decoded, cells, int(counts[last]), width, whole_last_value)
        if unended
        else None
    )
    if cut:
        problems = [p for p in problems if p.row != int(numbers[last])]
        problems.append(Problem(name, int(numbers[last]), None, cut))
        total += 0 if counts[last] != width else 1
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputError(problems[:limit], more=max(0, total - min(len(problems), limit)))
    frame = cells.iloc[data].reset_index(drop=True)
    if header:
        frame = frame.reindex(columns=range(len(head)), fill_value="")
    return Records(name, decoded.encoding, head, frame, numbers[data])
