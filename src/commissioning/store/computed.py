"""Results worked out from the stored records, kept between requests until the records change.

The heavy pages (needs, work of commissioning, development) read a whole community and
work out tables and charts from it. Nothing they show changes until a record changes, and every
change made through the app (the web pages, the API, imports, the admin, the command line) writes
an audit record (:mod:`commissioning.store.audit`). So a result is kept under a key that holds
the latest audit record (its number and time): a change anywhere makes a new key and the next
request works the result out afresh, in this process or any other serving the same database.

Results are kept in Django's cache (``settings.CACHES``: each server process's own memory,
never on disk) for at most ``COMMISSIONING_CACHE_SECONDS`` seconds (default 600; 0 turns
keeping off). That limit also bounds how long a change made outside the app and its audit trail
(rebuilding the demo with `commissioning demo`) can go unseen by a server already running.

Django's in-memory cache keeps a copy (a pickle) and gives each request a fresh copy to change:
at ICB scale the monitoring page's result is 3.5 MB and unpickling it cost 57 ms a request. A
result its users only read can instead be kept as it is (``shared=True``): the object itself,
in this process, among the ``SHARED_RESULTS`` most recently used of the same name (so that many
small results of one page, say one for each login's scope, never push out another page's big
one).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
_MISSING = object()
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
SHARED_RESULTS = 32  # results of one name kept as objects (``shared=True``), least recent dropped
# name -> key -> (expires, result)
_SHARED: dict[str, OrderedDict[str, tuple[float, object]]] = {}
_SHARED_GUARD = threading.Lock()
_clock = time.monotonic  # seconds, for expiry


def data_version() -> tuple:
    """The number and time of the latest audit record: changes whenever a record changes."""
    from commissioning.store.models.audit import AuditRecord

    latest = AuditRecord.objects.order_by("-id").values_list("id", "when").first()
    return (latest[0], latest[1].isoformat()) if latest else (None, None)


def _key(parts: tuple) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"commissioning:computed:{digest}"


def _get(name: str, key: str, shared: bool):
    if not shared:
        return cache.get(key, _MISSING)
    with _SHARED_GUARD:
        kept_of_name = _SHARED.get(name, {})
        kept = kept_of_name.get(key)
        if kept is None:
            return _MISSING
        if kept[0] < _clock():
            del kept_of_name[key]
            return _MISSING
        kept_of_name.move_to_end(key)
        return kept[1]


def _set(name: str, key: str, value, seconds: float, shared: bool) -> None:
    if not shared:
        cache.set(key, value, seconds)
        return
    with _SHARED_GUARD:
        kept_of_name = _SHARED.setdefault(name, OrderedDict())
        kept_of_name[key] = (_clock() + seconds, value)
        kept_of_name.move_to_end(key)
        while len(kept_of_name) > SHARED_RESULTS:
            kept_of_name.popitem(last=False)


def forget_shared() -> None:
    """Drop the results kept as objects in this process (the tests start each from nothing)."""
    with _SHARED_GUARD:
        _SHARED.clear()


def remembered(name: str, parts: tuple, compute: Callable[[], T], *, shared: bool = False) -> T:
    """``compute()``, or the result kept from an earlier call with the same name and parts
    while the stored records have not changed since.

    ``parts`` must hold everything the result depends on besides the records (a community
    code, what the user may see, the page's options); their ``repr`` makes the key. With
    ``shared``, every caller gets the same object: callers must not change it.
    """
    seconds = getattr(settings, "COMMISSIONING_CACHE_SECONDS", 600)
    if not seconds:
        return compute()
    key = _key((name, parts, data_version()))
    value = _get(name, key, shared)
    if value is not _MISSING:
        return value
    # One thread works a result out; others asking for it meanwhile wait for it rather than
    # work it out again (20 users opening a page at once would otherwise each pay for it).
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    try:
        with lock:
            value = _get(name, key, shared)
            if value is _MISSING:
                value = compute()
                _set(name, key, value, seconds, shared)
    finally:
        with _LOCKS_GUARD:
            _LOCKS.pop(key, None)
    return value
