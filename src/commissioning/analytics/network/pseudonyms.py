"""Pseudonyms for survey respondents, so that results can be shared without naming anyone.

A pseudonym is ``p-`` followed by the first 12 hexadecimal digits of HMAC-SHA256(key, id),
with the identifier encoded as UTF-8. The same key always gives the same pseudonym for the
same person, so results from several runs can be lined up; without the key the pseudonyms
cannot be turned back into identifiers, nor checked against a guessed list of names.

The command line takes the key from the environment variable ``COMMISSIONING_PSEUDONYM_KEY``;
when it is not set it makes a random key for the run, and pseudonyms then differ from run to
run.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable

KEY_VARIABLE = "COMMISSIONING_PSEUDONYM_KEY"
DIGITS = 12


def key_from_environment() -> tuple[bytes, bool]:
    """The key to use and whether it came from the environment (else a random per-run key)."""
    value = os.environ.get(KEY_VARIABLE, "")
    if value:
        return value.encode("utf-8"), True
    return secrets.token_bytes(32), False


def pseudonym(identifier: str, key: bytes, digits: int = DIGITS) -> str:
    digest = hmac.new(key, str(identifier).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"p-{digest[:digits]}"


def pseudonym_map(identifiers: Iterable[str], key: bytes) -> dict[str, str]:
    """Pseudonyms for a set of identifiers; longer ones if 12 digits would ever collide."""
    ids = sorted({str(i) for i in identifiers})
    for digits in (DIGITS, 20, 64):
        mapping = {i: pseudonym(i, key, digits) for i in ids}
        if len(set(mapping.values())) == len(mapping):
            return mapping
    raise AssertionError("HMAC-SHA256 collision")  # pragma: no cover
