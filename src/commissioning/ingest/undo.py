"""Undoing an import: the records it added go, the records it updated get their values back.

The rule (docs/guide/import/history.md says the same in plain words):

- Only an import that stands can be undone, once; an undo cannot itself be undone (import the
  files again instead).
- An undo **refuses** when a record the import added or updated has been changed since by
  anything else: a later import that has not itself been undone, a change recorded in the audit
  trail (web pages, the API, the admin), or, for a record it updated, stored values that are no
  longer those the import left (a change made outside the audit trail, or the record deleted).
  Asked to **override**, it goes ahead: the values before the import come back over the later
  changes, and the values it overwrites are kept in the undo's own history.
- It always refuses, override or not, when records that the import did not add refer to
  records it added (a service of an organisation it added, say): undoing would have to delete
  them too. Those are removed or changed first.
- It is one transaction: every record comes back or none does. It is recorded like an import:
  an ``Import`` row that ``undoes`` the import, one ``ImportChange`` for each record removed
  (its values) and each record put back (its values before the undo and after), and one audit
  record per kind of record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from commissioning.errors import UserError
from commissioning.ingest.kinds import ALL_KINDS, KINDS, Kind
from commissioning.ingest.load import (
    ADDED_BY,
    History,
    _parameters,
    _resolve,
    _same,
    _set_lists,
    _update,
    canonical,
    record_names,
    stored_text,
    stored_text_chunks,
    text_records,
    write_changes,
)
from commissioning.ingest.names import WRITE_ORDER
from commissioning.ingest.validate import SEP, key_strings

SHOWN = 10  # conflicts named in a message
AT_ONCE = 5_000  # records put back, or ids looked up, at a time


@dataclass(frozen=True)
class Conflict:
    """A record an undo would overwrite, or a record that stands in its way."""

    kind: str
    record: str
    reason: str
    overridable: bool = True

    def __str__(self) -> str:
        if not self.reason:
            return self.record
        return f"{self.record} ({ALL_KINDS[self.kind].title.lower()}): {self.reason}"


class UndoRefused(UserError):
    def __init__(self, message: str, conflicts: list[Conflict] | None = None):
        self.conflicts = list(conflicts or [])
        super().__init__(message)


def when_text(moment) -> str:
    t = timezone.localtime(moment)
    return f"{t.day} {t:%b %Y %H:%M}"


def counts_text(imp) -> str:
    """'observations: 3 added, 1 updated; organisations: 2 added' (an undo: removed, restored)."""
    words = ("removed", "restored") if imp.is_undo else ("added", "updated", "unchanged")
    parts = []
    for name, c in (imp.counts or {}).items():
        said = [f"{c[w]:,} {w}" for w in words if c.get(w)]
        parts.append(f"{name}: {', '.join(said) or 'nothing'}")
    return "; ".join(parts)


def refusal(imp) -> str | None:
    """Why ``imp`` cannot be undone whatever has happened since (None when it can)."""
    if imp.is_undo:
        return f"{imp} is itself an undo, which cannot be undone: import the files again instead."
    done = imp.undo
    if done is not None:
        return (
            f"Import {imp.pk} was undone already, on {when_text(done.when)} by "
            f"{done.username or 'system'}."
        )
    return None


# -- what the import changed ------------------------------------------------------------------


@dataclass
class _Updated:
    record: str
    before: dict  # the values before the import (its first change of the record)
    after: dict  # the values the import left (its last change of the record)


def _updated(imp) -> dict[str, dict[int, _Updated]]:
    """For each kind, the records ``imp`` updated."""
    from commissioning.store.models.imports import ImportChange

    out: dict[str, dict[int, _Updated]] = {}
    rows = (
        ImportChange.objects.filter(upload=imp, action=ImportChange.UPDATE)
        .order_by("id")
        .values_list("kind", "object_id", "record", "before", "after")
    )
    for kind, object_id, record, before, after in rows.iterator(chunk_size=2000):
        seen = out.setdefault(kind, {})
        if object_id in seen:
            seen[object_id].after = after
        else:
            seen[object_id] = _Updated(record, before, after)
    return out


def _added_kinds(imp) -> list[str]:
    return [name for name, c in (imp.counts or {}).items() if c.get("added")]


def _added_among(model, imp, ids) -> set[int]:
    """Those of ``ids`` that ``imp`` added."""
    ids = sorted(ids)
    found: set[int] = set()
    for start in range(0, len(ids), AT_ONCE):
        found |= set(
            model._base_manager.filter(
                **{f"{ADDED_BY}_id": imp.pk}, id__in=ids[start : start + AT_ONCE]
            ).values_list("id", flat=True)
        )
    return found


# -- what happened since ------------------------------------------------------------------------


def _later_changes(imp, label: str) -> dict[int, tuple[str, str]]:
    """Records of one model changed after ``imp``: id -> (its name, what changed it)."""
    from commissioning.store.models import AuditRecord
    from commissioning.store.models.imports import Import, ImportChange

    later: dict[int, tuple[str, str]] = {}
    standing = Import.objects.filter(
        pk__gt=imp.pk, undoes__isnull=True, undone_by__isnull=True
    ).values("pk")
    changes = (
        ImportChange.objects.filter(model=label, upload__in=standing)
        .select_related("upload")
        .order_by("id")
    )
    for c in changes.iterator(chunk_size=2000):
        later.setdefault(
            c.object_id,
            (
                c.record,
                f"changed since by import {c.upload_id} ({c.upload.username or 'system'}, "
                f"{when_text(c.upload.when)})",
            ),
        )
    records = AuditRecord.objects.filter(model=label, when__gt=imp.when).order_by("id")
    for r in records.iterator(chunk_size=2000):
        if not r.object_id.isdigit():
            continue
        later.setdefault(
            int(r.object_id),
            (
                r.object_repr,
                f"{r.get_action_display().lower()} since through {r.get_channel_display()} by "
                f"{r.username or 'system'} on {when_text(r.when)}",
            ),
        )
    return later


def _values_differ(kind: Kind, current: pd.DataFrame, expected: list[dict]) -> np.ndarray:
    """For each record, whether its stored values (text) differ from ``expected`` (text)."""
    want = canonical(kind, pd.DataFrame(expected, columns=kind.names).fillna("").astype(str))
    have = canonical(kind, current[kind.names].reset_index(drop=True))
    differs = np.zeros(len(current), dtype=bool)
    for col in kind.columns:
        differs |= ~_same(have[col.name], want[col.name]).to_numpy()
    return differs


def _referrers(kind: Kind, imp, *, besides: dict[str, set[int]] | None = None) -> list[Conflict]:
    """Records the import did not add that refer to records of ``kind`` it added.

    ``besides``: records (by model label) to leave out, because the undo puts back values that
    may no longer refer to them (the undo itself checks again once it has).
    """
    besides = besides or {}
    model = kind.model_class()
    added = model._base_manager.filter(**{f"{ADDED_BY}_id": imp.pk}).values("id")
    found = []
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            owner = rel.field.m2m_field_name()
            target = rel.field.m2m_reverse_field_name()
            owner_model = rel.related_model
            rows = through._base_manager.filter(**{f"{target}__in": added})
            if any(f.name == ADDED_BY for f in owner_model._meta.concrete_fields):
                rows = rows.exclude(**{f"{owner}__{ADDED_BY}_id": imp.pk})
            ids = set(rows.values_list(f"{owner}_id", flat=True))
            label, what = owner_model._meta.label_lower, owner_model._meta
        else:
            related = rel.related_model
            rows = related._base_manager.filter(**{f"{rel.field.name}__in": added})
            if any(f.name == ADDED_BY for f in related._meta.concrete_fields):
                rows = rows.exclude(**{f"{ADDED_BY}_id": imp.pk})
            ids = set(rows.values_list("id", flat=True))
            label, what = related._meta.label_lower, related._meta
        ids -= besides.get(label, set())
        if not ids:
            continue
        example = what.model._base_manager.filter(id=min(ids)).first()
        noun = what.verbose_name if len(ids) == 1 else what.verbose_name_plural
        verb = "refers" if len(ids) == 1 else "refer"
        text = (
            f"{len(ids)} {noun} (for example '{example}') {verb} to {kind.title.lower()} it added"
        )
        found.append(Conflict(kind.name, text, "", overridable=False))
    return found


def find_conflicts(imp) -> list[Conflict]:
    """Every record that stands in the way of undoing ``imp`` (see the module's rule)."""
    updated = _updated(imp)
    conflicts: list[Conflict] = []
    added_kinds = _added_kinds(imp)
    for name in WRITE_ORDER:
        mine = updated.get(name, {})
        if not mine and name not in added_kinds:
            continue
        kind = ALL_KINDS[name]
        model = kind.model_class()
        added_here = _added_among(model, imp, mine) if name in added_kinds else set()
        flagged: set[int] = set()
        later = _later_changes(imp, model._meta.label_lower)
        if later:
            candidates = set(later) - set(mine)
            ours = {i for i in later if i in mine}
            if name in added_kinds and candidates:
                ours |= _added_among(model, imp, candidates)
            for i in sorted(ours):
                record = mine[i].record if i in mine else later[i][0]
                conflicts.append(Conflict(name, record, later[i][1]))
                flagged.add(i)
        check = sorted(i for i in mine if i not in flagged and i not in added_here)
        for start in range(0, len(check), AT_ONCE):
            ids = check[start : start + AT_ONCE]
            current = stored_text(kind, ids).set_index("id", drop=False)
            for i in ids:
                if i not in current.index:
                    conflicts.append(Conflict(name, mine[i].record, "no longer in the database"))
            present = [i for i in ids if i in current.index]
            if present:
                differs = _values_differ(
                    kind, current.loc[present], [mine[i].after for i in present]
                )
                for i, d in zip(present, differs, strict=True):
                    if d:
                        conflicts.append(
                            Conflict(
                                name,
                                mine[i].record,
                                "its values have been changed since, outside the audit trail",
                            )
                        )
    besides = {
        ALL_KINDS[name].model_class()._meta.label_lower: set(recs) for name, recs in updated.items()
    }
    for name in reversed(WRITE_ORDER):
        if name not in added_kinds:
            continue
        kind = ALL_KINDS[name]
        conflicts += _referrers(kind, imp, besides=besides)
    return conflicts


def _refusal_message(imp, conflicts: list[Conflict]) -> str:
    hard = [c for c in conflicts if not c.overridable]
    if hard:
        lines = [
            f"Import {imp.pk} cannot be undone: records it did not add refer to records it "
            "added, and undoing it would have to remove them too. Remove or change them first:"
        ]
        lines += [f"  {c}" for c in hard]
        return "\n".join(lines)
    n = len(conflicts)
    lines = [
        f"Import {imp.pk} was not undone: {n} record{'s' if n != 1 else ''} it added or "
        f"updated {'have' if n != 1 else 'has'} been changed since. Undo the later imports "
        f"first, or undo with override to put back the values before import {imp.pk} anyway "
        "(the values it overwrites are kept in the undo's history):"
    ]
    lines += [f"  {c}" for c in conflicts[:SHOWN]]
    if n > SHOWN:
        lines.append(f"  ... and {n - SHOWN} more")
    return "\n".join(lines)


# -- undoing -----------------------------------------------------------------------------------


def _unresolved(kind: Kind, frame: pd.DataFrame) -> list[str]:
    """References in ``frame`` (canonical values) to records no longer in the database."""
    from commissioning.ingest.load import _lookup

    out = []
    for ref in kind.refs:
        target = KINDS[ref.target]
        lookup = _lookup(ref.target, tuple(ref.lookups or target.key_lookups))
        own = [c for c in ref.columns if c != "community"] or list(ref.columns)
        filled = pd.Series(False, index=frame.index)
        for c in own:
            filled |= frame[c].astype(str) != ""
        keys = key_strings(frame, ref.columns)
        for key in keys[filled & ~keys.isin(lookup)]:
            out.append(f"{target.title.lower()} '{key.replace(SEP, ' / ').strip(' /')}'")
    return out


def _put_back(kind: Kind, recs: dict[int, _Updated], history: History) -> int:
    """Write the values before the import back into the records it updated; returns how many."""
    model = kind.model_class()
    ids = sorted(recs)
    restored = 0
    for start in range(0, len(ids), AT_ONCE):
        current = stored_text(kind, ids[start : start + AT_ONCE])
        if current.empty:
            continue
        present = [int(i) for i in current["id"]]
        before = pd.DataFrame([recs[i].before for i in present], columns=kind.names)
        text = before.fillna("").astype(str)
        values = canonical(kind, text)
        missing = _unresolved(kind, values)
        if missing:
            raise UndoRefused(
                f"Undo stopped, so nothing was changed: the values before the import refer to "
                f"{missing[0]}, which is no longer in the database"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        fks = _resolve(kind, values, False) | _resolve(kind, values, True)
        cols, data = _parameters(kind, values, fks, update=True)
        _update(model, cols, data, present)
        if kind.lists:
            _set_lists(kind, values, present)
        history.updated(
            kind,
            present,
            record_names(kind, text),
            text_records(kind, current),
            text_records(kind, text),
        )
        restored += len(present)
    return restored


def _remove(kind: Kind, imp, done) -> int:
    """Delete the records ``imp`` added, keeping their values in the history of ``done``."""
    model = kind.model_class()
    stands = _referrers(kind, imp)
    if stands:
        raise UndoRefused(_refusal_message(imp, stands), stands)
    ids = np.fromiter(
        model._base_manager.filter(**{f"{ADDED_BY}_id": imp.pk})
        .values_list("id", flat=True)
        .iterator(chunk_size=50_000),
        dtype="int64",
    )
    if not len(ids):
        return 0
    for chunk in stored_text_chunks(kind, ids):
        write_changes(
            done.pk,
            kind,
            "delete",
            chunk["id"].tolist(),
            record_names(kind, chunk),
            text_records(kind, chunk),
        )
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    added = f"SELECT {q('id')} FROM {table} WHERE {q(ADDED_BY + '_id')} = %s"
    with connection.cursor() as cur:
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            own = through._meta.get_field(field.m2m_field_name()).column
            cur.execute(
                f"DELETE FROM {q(through._meta.db_table)} WHERE {q(own)} IN ({added})", [imp.pk]
            )
        cur.execute(f"DELETE FROM {table} WHERE {q(ADDED_BY + '_id')} = %s", [imp.pk])
    return len(ids)


def undo(imp, *, override: bool = False):
    """Undo ``imp`` (an ``Import``) in one transaction; returns the undo's ``Import``.

    Raises :class:`UndoRefused` (a UserError) with a plain message when the rule says no.
    """
    from commissioning.store.audit import current_actor
    from commissioning.store.models import Action, AuditRecord
    from commissioning.store.models.imports import Import

    why = refusal(imp)
    if why:
        raise UndoRefused(why)
    try:
        with transaction.atomic():
            imp = Import.objects.select_for_update().get(pk=imp.pk)
            why = refusal(imp)
            if why:
                raise UndoRefused(why)
            conflicts = find_conflicts(imp)
            if any(not c.overridable for c in conflicts) or (conflicts and not override):
                raise UndoRefused(_refusal_message(imp, conflicts), conflicts)
            actor = current_actor()
            done = Import.objects.create(
                user_id=actor.user_id,
                username=actor.username,
                channel=actor.channel,
                files=imp.files,
                undoes=imp,
            )
            history = History()
            history.entry = done
            updated = _updated(imp)
            added_kinds = _added_kinds(imp)
            restored: dict[str, int] = {}
            for name in WRITE_ORDER:
                recs = updated.get(name)
                if not recs:
                    continue
                kind = ALL_KINDS[name]
                if name in added_kinds:
                    ours = _added_among(kind.model_class(), imp, recs)
                    recs = {i: r for i, r in recs.items() if i not in ours}
                restored[name] = _put_back(kind, recs, history) if recs else 0
            removed: dict[str, int] = {}
            for name in reversed(WRITE_ORDER):
                if name in added_kinds:
                    removed[name] = _remove(ALL_KINDS[name], imp, done)
            done.counts = {
                name: {"removed": removed.get(name, 0), "restored": restored.get(name, 0)}
                for name in WRITE_ORDER
                if name in removed or name in restored
            }
            done.save(update_fields=["counts"])
            for name, c in done.counts.items():
                kind = ALL_KINDS[name]
                AuditRecord.objects.create(
                    user_id=actor.user_id,
                    username=actor.username,
                    channel=actor.channel,
                    action=Action.DELETE if c["removed"] else Action.UPDATE,
                    model=kind.model_class()._meta.label_lower,
                    object_id="undo",
                    object_repr=(
                        f"Undo of import {imp.pk} ({kind.title.lower()}): {c['removed']} "
                        f"removed, {c['restored']} restored"
                    )[:250],
                    before=None,
                    after={
                        "undoes": imp.pk,
                        "import": done.pk,
                        **c,
                        "overrode": len(conflicts),
                    },
                )
    except IntegrityError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "a constraint"
        raise UserError(
            f"the database refused the undo, so nothing was changed ({first})"
        ) from None
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(
            f"the undo could not be written, so nothing was changed ({first})"
        ) from None
    return done
