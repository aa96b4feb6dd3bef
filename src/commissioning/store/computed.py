"""Results worked out from the stored records, kept between requests until the records change.

The heavy pages (needs, practice of commissioning, development) read a whole community and
work out tables and charts from it. Nothing they show changes until a record changes, and every
change made through the app (the web pages, the API, imports, the admin, the command line) writes
an audit record (:mod:`commissioning.store.audit`). So a result is kept under a key that holds
the latest audit record (its number and time): a change anywhere makes a new key and the next
request works the result out afresh, in this process or any other serving the same database.

Results are kept in Django's cache (``settings.CACHES``: each server process's own memory,
never on disk) for at most ``COMMISSIONING_CACHE_SECONDS`` seconds (default 600; 0 turns
keeping off). That limit also bounds how long a change made outside the app and its audit trail
(rebuilding the demo with `commissioning demo`) can go unseen by a server already running.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
_MISSING = object()
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def data_version() -> tuple:
    """The number and time of the latest audit record: changes whenever a record changes."""
    from commissioning.store.models.audit import AuditRecord

    latest = AuditRecord.objects.order_by("-id").values_list("id", "when").first()
    return (latest[0], latest[1].isoformat()) if latest else (None, None)


def _key(parts: tuple) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"commissioning:computed:{digest}"


def remembered(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or the result kept from an earlier call with the same name and parts
    while the stored records have not changed since.

    ``parts`` must hold everything the result depends on besides the records (a community
    code, what the user may see, the page's options); their ``repr`` makes the key.
    """
    seconds = getattr(settings, "COMMISSIONING_CACHE_SECONDS", 600)
    if not seconds:
        return compute()
    key = _key((name, parts, data_version()))
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    # One thread works a result out; others asking for it meanwhile wait for it rather than
    # work it out again (20 users opening a page at once would otherwise each pay for it).
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    try:
        with lock:
            value = cache.get(key, _MISSING)
            if value is _MISSING:
                value = compute()
                cache.set(key, value, seconds)
    finally:
        with _LOCKS_GUARD:
            _LOCKS.pop(key, None)
    return value
