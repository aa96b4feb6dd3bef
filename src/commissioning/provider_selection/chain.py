"""The hash chain that proves a decision record shown later is the one finalised (pure).

When a version of a record is finalised its whole content (every field, every provider's
assessment, every decision maker and conflict of interest) is written once as canonical JSON:
keys sorted, no spaces, UTF-8. Its SHA-256 is the version's ``content_hash``; the version's
``chain_hash`` is the SHA-256 of the previous version's chain hash (or ``genesis`` for the first
version), a colon and its own content hash. Changing one byte of a version's content changes its
content hash and every later chain hash, so a record printed for a review panel (which shows the
chain hash) can be checked against the database, and the database against itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "genesis"


def canonical(content) -> str:
    """``content`` as canonical JSON text (sorted keys, no spaces)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_hash(previous: str | None, content: str) -> str:
    """The chain hash of a version whose content hash is ``content``."""
    return hashlib.sha256(f"{previous or GENESIS}:{content}".encode()).hexdigest()


@dataclass(frozen=True)
class Sealed:
    """One finalised version as stored: its sealed text, its hashes and its content now."""

    label: str  # e.g. "version 2"
    sealed_text: str
    content_hash: str
    chain_hash: str
    current_text: str  # the content worked out afresh from the stored records


def verify(versions: list[Sealed]) -> list[str]:
    """Problems with a chain of finalised versions, oldest first; empty when it is intact."""
    problems = []
    previous = None
    for v in versions:
        if content_hash(v.sealed_text) != v.content_hash:
            problems.append(f"{v.label}: the sealed content does not match its hash")
        if v.current_text != v.sealed_text:
            problems.append(f"{v.label}: the stored record differs from what was finalised")
        if chain_hash(previous, v.content_hash) != v.chain_hash:
            problems.append(f"{v.label}: the chain hash does not follow from the versions before")
        previous = v.chain_hash
    return problems
