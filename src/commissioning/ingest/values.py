"""Turning columns of text into typed values, a whole column at a time.

Each converter returns the converted column and a mask of the cells it could not read; blank
cells are never "bad" here (whether a blank is allowed is the caller's business).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from commissioning.ingest.kinds import Column
from commissioning.tables import unguard_series

ODS_RE = r"[A-Z0-9]{3,10}"
SLUG_RE = r"[a-z0-9][a-z0-9_\-]*"
ISO_RE = r"\d{4}-\d{1,2}-\d{1,2}"
UK_RE = r"\d{1,2}/\d{1,2}/\d{4}"
NUMBER_RE = r"[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?([eE][+-]?\d+)?"
# a number Arrow reads to exactly the value pandas reads: ASCII digits and at most one point, no
# exponent, no spaces, no words such as "nan", no digits of other scripts; and at most
# PLAIN_LENGTH characters, so at most 15 digits. Arrow rounds every number correctly, pandas only
# those whose digits make an integer a float holds exactly (below 2**53) scaled by a power of ten
# a float holds exactly: one rounding either way. Longer numbers, or exponents, can come out one
# unit in the last place apart (tests/unit/test_quick_reading.py), so pandas reads those.
PLAIN_NUMBER_RE = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
PLAIN_LENGTH = 15
# columns at least this long are converted one distinct value at a time when values repeat
DISTINCT_FROM = 10_000
TRUE = {"yes", "y", "true", "t", "1"}
FALSE = {"no", "n", "false", "f", "0"}
LIST_SEP = ";"


def expected(col: Column) -> str:
    """What a cell of this column should hold, in words."""
    match col.type:
        case "ods":
            return "an ODS code (3 to 10 letters and digits)"
        case "slug":
            return "a code of lower-case letters, digits, hyphens and underscores"
        case "int":
            return "a whole number"
        case "decimal" | "float":
            return "a number"
        case "date":
            return "a date as yyyy-mm-dd or dd/mm/yyyy"
        case "bool":
            return "yes or no"
        case "choice":
            values = ", ".join(v for v, _ in col.choices)
            return f"one of {values}"
        case _:
            return col.pattern_help or "text"


def unquote(s: pd.Series) -> pd.Series:
    """Undo the writer's guard against spreadsheet formulas (:func:`commissioning.tables.
    safe_text`): "'=x" is read back as "=x"."""
    if isinstance(s.dtype, pd.StringDtype) and not s.str.startswith("'").any():
        return s  # nothing guarded (found without turning a million cells into objects)
    return unguard_series(s)


def blank(s: pd.Series) -> pd.Series:
    return s == ""


def to_text(s: pd.Series) -> pd.Series:
    return unquote(s.str.strip())


def to_number(s: pd.Series, *, money: bool = False) -> tuple[pd.Series, pd.Series]:
    text = s.str.strip()
    if money:
        text = text.str.replace("£", "", regex=False).str.strip()
    has_comma = text.str.contains(",", regex=False)
    if has_comma.any():
        well_formed = text.str.fullmatch(NUMBER_RE)
        text = text.where(~has_comma | well_formed, "x").str.replace(",", "", regex=False)
    values = numbers(text)
    bad = values.isna() & (text != "")
    bad |= np.isinf(values)
    return values, bad


def numbers(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")``: the
    numbers in stripped text, NaN where empty or unreadable.

    A column of plain short numbers (``PLAIN_NUMBER_RE``, ``PLAIN_LENGTH``) is read by Arrow,
    several times faster and to the same bits. Anything else goes to pandas, and so does a
    column holding a negative zero, which pandas reads as 0 when every cell is a whole number.
    """
    if isinstance(text.dtype, pd.StringDtype) and len(text):
        cells = pa.array(text)
        empty = pc.equal(cells, "")
        plain = pc.or_(empty, pc.match_substring_regex(cells, PLAIN_NUMBER_RE))
        short = (pc.max(pc.utf8_length(cells)).as_py() or 0) <= PLAIN_LENGTH
        if cells.null_count == 0 and short and pc.all(plain).as_py():
            try:
                read = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), cells), pa.float64())
            except pa.ArrowInvalid:
                read = None
            if read is not None:
                out = read.to_numpy(zero_copy_only=False)
                if not (np.signbit(out) & (out == 0)).any():
                    return pd.Series(out, index=text.index, dtype="float64")
    return pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")


def to_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = s.str.strip()
    # A workbook may hold a date with a time of midnight written out.
    text = text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$", r"\1", regex=True)
    out = pd.to_datetime(text.where(text.str.fullmatch(ISO_RE)), format="%Y-%m-%d", errors="coerce")
    uk = text.str.fullmatch(UK_RE)
    if uk.any():
        out = out.where(~uk, pd.to_datetime(text.where(uk), format="%d/%m/%Y", errors="coerce"))
    out = out.astype("datetime64[s]")
    bad = out.isna() & (text != "")
    return out, bad


def to_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    low = s.str.strip().str.lower()
    out = pd.Series(None, index=s.index, dtype=object)
    out[low.isin(TRUE)] = True
    out[low.isin(FALSE)] = False
    bad = out.isna() & (low != "")
    return out, bad


def choice_map(choices) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[value.lower()] = value
        mapping[label.lower()] = value
        mapping[value.lower().replace("_", " ")] = value
    return mapping


def to_choice(s: pd.Series, choices) -> tuple[pd.Series, pd.Series]:
    low = s.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    out = low.map(choice_map(choices)).fillna("").astype(str)
    bad = (out == "") & (low != "")
    return out, bad


def split_list(cell: str) -> list[str]:
    return [item.strip() for item in str(cell).split(LIST_SEP) if item.strip()]


def to_list(s: pd.Series, choices=()) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Canonical "a; b" (sorted, without repeats); with choices, also the bad items per row."""
    mapping = choice_map(choices) if choices else None
    out, bad, bad_items = [], [], []
    for cell in s.str.strip():
        items = split_list(unquote(pd.Series([cell])).iloc[0]) if cell else []
        if mapping is not None:
            unknown = [i for i in items if i.lower() not in mapping]
            items = [mapping[i.lower()] for i in items if i.lower() in mapping]
            bad.append(bool(unknown))
            bad_items.append("; ".join(unknown))
        else:
            bad.append(False)
            bad_items.append("")
        out.append("; ".join(sorted(set(items))))
    idx = s.index
    return (
        pd.Series(out, index=idx, dtype=str),
        pd.Series(bad, index=idx),
        pd.Series(bad_items, index=idx, dtype=str),
    )


def to_codes(s: pd.Series) -> pd.Series:
    return s.str.strip().map(lambda c: "; ".join(split_list(c)) if c else "").astype(str)


def matches(s: pd.Series, pattern: str) -> pd.Series:
    return s.str.fullmatch(pattern).fillna(False).astype(bool)


def convert(col: Column, s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """(values, bad-cell mask, per-row detail for bad list items or None).

    Each cell is converted on its own, so a long column whose values repeat (periods, codes,
    counts) is converted one distinct value at a time and the results spread back to its rows.
    """
    if len(s) >= DISTINCT_FROM and _repeats(s):
        codes, distinct = pd.factorize(s)
        if (codes >= 0).all():
            one = pd.Series(distinct, dtype=s.dtype)
            values, bad, detail = _convert(col, one)
            return (
                _spread(values, codes, s.index).rename(s.name),
                _spread(bad, codes, s.index),
                None if detail is None else _spread(detail, codes, s.index),
            )
    return _convert(col, s)


def _repeats(s: pd.Series) -> bool:
    """Whether a column's values repeat a good deal (judged from its first 10,000)."""
    sample = s.iloc[:DISTINCT_FROM]
    return sample.nunique(dropna=False) * 4 <= len(sample)


def _spread(one: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    out = one.take(codes)
    out.index = index
    return out


def _convert(col: Column, s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    no_bad = pd.Series(False, index=s.index)
    match col.type:
        case "ods":
            v = s.str.strip().str.upper().str.replace(" ", "", regex=False)
            return v, (v != "") & ~matches(v, ODS_RE), None
        case "slug":
            v = s.str.strip().str.lower()
            return v, (v != "") & ~matches(v, SLUG_RE), None
        case "int":
            v, bad = to_number(s)
            bad |= v.notna() & (v % 1 != 0)
            return v, bad, None
        case "float":
            v, bad = to_number(s)
            return v, bad, None
        case "decimal":
            v, bad = to_number(s, money=True)
            text = v.map(lambda x: "" if pd.isna(x) else f"{x:.2f}").astype(str)
            return text, bad, None
        case "date":
            v, bad = to_date(s)
            return v, bad, None
        case "bool":
            v, bad = to_bool(s)
            return v, bad, None
        case "choice":
            v, bad = to_choice(s, col.choices)
            return v, bad, None
        case "list":
            v, bad, detail = to_list(s, col.choices)
            return v, bad, detail
        case "codes":
            return to_codes(s), no_bad, None
        case _:
            v = to_text(s)
            if col.pattern:
                return v, (v != "") & ~matches(v, col.pattern), None
            return v, no_bad, None
