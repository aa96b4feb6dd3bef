"""Pseudonyms: the one way people are named without being named.

Every pseudonym is an HMAC-SHA256 of an identifier under the installation's secret key
(``COMMISSIONING_PSEUDONYM_KEY``), so the same key always gives the same pseudonym for the same
person, and without the key a pseudonym can be neither turned back into the identifier nor
checked against a guessed list. Two uses:

- **Patients** (:func:`pseudonymise`): NHS numbers are replaced on arrival by 20 hexadecimal
  digits of the digest of the normalised number; the raw number is never kept. The key must be
  set (:func:`pseudonymisation_key`). An NHS number is ten digits; the tenth is a modulus 11
  check digit over the first nine (weights 10 down to 2).
- **Survey respondents** (:func:`pseudonym_map`): ``p-`` and the first 12 hexadecimal digits
  (more if 12 would ever collide), so network results can be shared without naming anyone.
  Where the key is not set the command line makes a random key for the run
  (:func:`key_from_environment`), and pseudonyms then differ from run to run.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable

import pandas as pd

from commissioning.errors import UserError

KEY_ENV = KEY_VARIABLE = "COMMISSIONING_PSEUDONYM_KEY"
DIGITS = 12
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
        return keyed_digest(normalise(v), key)[:length]

    return values.map(one)


def keyed_digest(identifier: str, key: bytes) -> str:
    """HMAC-SHA256 of ``identifier`` (UTF-8) under ``key``, as 64 hexadecimal digits."""
    return hmac.new(key, str(identifier).encode("utf-8"), hashlib.sha256).hexdigest()


def key_from_environment() -> tuple[bytes, bool]:
    """The key to use and whether it came from the environment (else a random per-run key)."""
    value = os.environ.get(KEY_VARIABLE, "")
    if value:
        return value.encode("utf-8"), True
    return secrets.token_bytes(32), False


def pseudonym(identifier: str, key: bytes, digits: int = DIGITS) -> str:
    """A survey respondent's pseudonym: ``p-`` and ``digits`` hexadecimal digits."""
    return f"p-{keyed_digest(identifier, key)[:digits]}"


def pseudonym_map(identifiers: Iterable[str], key: bytes) -> dict[str, str]:
    """Pseudonyms for a set of identifiers; longer ones if 12 digits would ever collide."""
    ids = sorted({str(i) for i in identifiers})
    for digits in (DIGITS, 20, 64):
        mapping = {i: pseudonym(i, key, digits) for i in ids}
        if len(set(mapping.values())) == len(mapping):
            return mapping
    raise AssertionError("HMAC-SHA256 collision")  # pragma: no cover
