"""Keeping patient identifiers out: a file that seems to hold NHS numbers is refused whole.

An NHS number is ten digits (often written 3-3-4) whose last digit is a modulus 11 check digit.
The check looks at column names and at the cells of text columns; it never repeats a cell's
content in a message, so nothing identifying reaches a screen or a log.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

HEADER_RE = re.compile(r"nhs_?(number|num|no|id)|patient_?(id|number)|nhsno|chi_?number")
CELL_RE = r"\d{3}[ \-]?\d{3}[ \-]?\d{4}"
WEIGHTS = np.arange(10, 1, -1)

MESSAGE = (
    "seems to hold NHS numbers (patient identifiers); files with patient identifiers are not "
    "accepted: remove the column, or give counts instead of patient-level rows"
)


def looks_like_nhs_number_header(header: str) -> bool:
    return bool(HEADER_RE.fullmatch(header.replace(" ", "_").lower()))


def valid_nhs_numbers(cells: pd.Series) -> pd.Series:
    """True where the cell is ten digits with a correct modulus 11 check digit."""
    text = cells.str.strip()
    shaped = text.str.fullmatch(CELL_RE).fillna(False).astype(bool)
    result = pd.Series(False, index=cells.index)
    if not shaped.any():
        return result
    digits = text[shaped].str.replace(r"\D", "", regex=True)
    arr = np.array([list(map(int, d)) for d in digits], dtype=np.int64)
    remainder = (arr[:, :9] * WEIGHTS).sum(axis=1) % 11
    check = 11 - remainder
    check[check == 11] = 0
    ok = (check != 10) & (check == arr[:, 9])
    result[shaped] = ok
    return result
