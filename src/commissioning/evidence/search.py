"""Full-text search of evidence, with highlighted snippets, on SQLite and PostgreSQL.

- SQLite: an FTS5 table ``evidence_fts`` (rowid = evidence id) kept up to date by signals
  whenever evidence is saved or deleted. Made by migration 0002.
- PostgreSQL: ``to_tsvector('english', title || text)`` with a GIN index (migration 0002) and
  ``ts_headline`` for the snippet.

Both take plain words: every word must appear (in any form the English stemmer treats as the
same on PostgreSQL; as a prefix-free token on SQLite). Snippets are HTML with the matched words
in ``<mark>``, everything else escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    evidence_id: int
    snippet: SafeString


def _marked(raw: str) -> SafeString:
    """Escape a snippet and turn the sentinel characters into <mark> tags."""
    html = escape(raw).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - everything but our own tags is escaped


def words(query: str) -> list[str]:
    return WORD.findall(query or "")


def index(evidence) -> None:
    """Put (or put again) one piece of evidence in the SQLite index."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("DELETE FROM evidence_fts WHERE rowid = %s", [evidence.pk])
        cur.execute(
            "INSERT INTO evidence_fts(rowid, title, body) VALUES (%s, %s, %s)",
            [evidence.pk, evidence.title, evidence.text],
        )


def unindex(evidence_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("DELETE FROM evidence_fts WHERE rowid = %s", [evidence_id])


def _saved(sender, instance, raw=False, **kwargs):
    index(instance)


def _deleted(sender, instance, **kwargs):
    unindex(instance.pk)


def connect_signals() -> None:
    from commissioning.evidence.models import Evidence

    post_save.connect(_saved, sender=Evidence, dispatch_uid="evidence-fts-save")
    post_delete.connect(_deleted, sender=Evidence, dispatch_uid="evidence-fts-delete")


def _sqlite(terms: list[str], ids: list[int] | None) -> list[Hit]:
    match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
    sql = (
        "SELECT rowid, snippet(evidence_fts, 1, %s, %s, '…', 16) FROM evidence_fts "
        "WHERE evidence_fts MATCH %s"
    )
    params: list = [START, STOP, match]
    if ids is not None:
        if not ids:
            return []
        sql += f" AND rowid IN ({','.join(['%s'] * len(ids))})"
        params += ids
    sql += " ORDER BY rank"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [Hit(pk, _marked(snip)) for pk, snip in rows]


def _postgres(terms: list[str], ids: list[int] | None) -> list[Hit]:
    query = " ".join(terms)
    vector = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, ''))"
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=10, MaxFragments=2"
    sql = (
        "SELECT id, ts_headline('english', text, q, %s) FROM evidence_evidence, "
        "plainto_tsquery('english', %s) q "
        f"WHERE {vector} @@ q"
    )
    params: list = [options, query]
    if ids is not None:
        if not ids:
            return []
        sql += " AND id = ANY(%s)"
        params.append(list(ids))
    sql += f" ORDER BY ts_rank({vector}, q) DESC, id"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [Hit(pk, _marked(snip)) for pk, snip in rows]


def search(query: str, queryset) -> list[tuple[object, SafeString]]:
    """Evidence in ``queryset`` matching every word of ``query``, best first, with snippets."""
    terms = words(query)
    if not terms:
        return []
    ids = list(queryset.values_list("pk", flat=True))
    find = _postgres if connection.vendor == "postgresql" else _sqlite
    hits = find(terms, ids)
    records = queryset.in_bulk([h.evidence_id for h in hits])
    return [(records[h.evidence_id], h.snippet) for h in hits if h.evidence_id in records]
