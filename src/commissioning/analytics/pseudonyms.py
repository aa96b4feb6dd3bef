"""NHS numbers: checking them, and replacing them by keyed pseudonyms on arrival.

An NHS number is ten digits; the tenth is a modulus 11 check digit over the first nine (weights
10 down to 2). A pseudonym is an HMAC-SHA256 of the normalised number under a secret key, so the
same person gets the same pseudonym within one installation and the raw number is never kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

import pandas as pd

from commissioning.errors import UserError

KEY_ENV = "COMMISSIONING_PSEUDONYM_KEY"
_NON_DIGITS = re.compile(r"[\s-]")


def normalise(value: str) -> str:
    return _NON_DIGITS.sub("", str(value))


def check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def is_valid_nhs_number(value: str) -> bool:
    digits = normalise(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    expected = check_digit(digits[:9])
    return expected is not None and expected == int(digits[9])


def looks_like_nhs_numbers(values: pd.Series, share: float = 0.8) -> bool:
    """True when most non-blank values in a column are valid NHS numbers."""
    sample = values.dropna().astype(str).head(1000)
    sample = sample[sample.str.strip() != ""]
    if sample.empty:
        return False
    return sample.map(is_valid_nhs_number).mean() >= share


def pseudonymisation_key() -> bytes:
    """The installation's secret key, from the environment; never stored in the repository."""
    key = os.environ.get(KEY_ENV)
    if not key:
        raise UserError(
            f"set {KEY_ENV} to a long secret before loading patient identifiers "
            "(it turns NHS numbers into pseudonyms; keep it out of the repository)"
        )
    return key.encode()


def pseudonymise(values: pd.Series, key: bytes, *, length: int = 20) -> pd.Series:
    """Replace each identifier by its keyed pseudonym (hex, ``length`` characters)."""

    def one(v):
        if pd.isna(v) or str(v).strip() == "":
            return None
        digest = hmac.new(key, normalise(v).encode(), hashlib.sha256).hexdigest()
        return digest[:length]

    return values.map(one)
