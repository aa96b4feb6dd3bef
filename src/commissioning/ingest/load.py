"""Writing a checked upload: one transaction, upsert on natural keys, counts per kind.

Kinds are written in dependency order (organisations before the services they provide, and so
on) whatever order the files were given in. Each record is matched to the database by its
natural key: a new key is added, a known key whose values differ is updated, and the rest are
left alone and counted as unchanged. Everything happens in one transaction: if anything fails,
or the process is killed, the database is left exactly as it was.

An import that changes anything keeps its history (``store.models.imports``): one ``Import``
row (who, when, files, counts), the values before and after of every record it updates (one
``ImportChange`` row each, written in bulk, as the file layout writes them), and on every record
it adds that import's id. An import that changes nothing records nothing.
"""

from __future__ import annotations

import contextlib
import decimal
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)

from commissioning.errors import UserError
from commissioning.ingest import values
from commissioning.ingest.kinds import ALL_KINDS, KINDS, Kind
from commissioning.ingest.names import WRITE_ORDER
from commissioning.ingest.readers import FILE, ROW
from commissioning.ingest.stored import db_frame
from commissioning.ingest.validate import SEP, Batch, db_key_strings, key_strings, number_text

CHUNK = 20_000
BULK = 50_000  # rows: from here a large insert rebuilds the indexes after
REBUILD_SHARE = 4  # ... unless the table already holds more than this many times as many
ID = "__id"
KEY = "__key"
ADDED_BY = "added_by_import"  # the field naming the import that added a record


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged"


PROGRESS_ROWS = 100_000  # a batch this large reports how its writing goes


def _told(progress, batch: Batch):
    """A ``part(what, done, total)`` that tells ``progress`` each tenth of a large batch."""
    if progress is None or len(batch.frame) < PROGRESS_ROWS:
        return None
    shown: dict[str, int] = {}

    def part(what: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if tenth > shown.get(what, -1):
            shown[what] = tenth
            progress(f"{what} {batch.kind.title.lower()}: {done:,} of {total:,} rows")

    return part


class _DryRun(Exception):
    pass


@contextlib.contextmanager
def _roomy_cache():
    """On SQLite, a larger page cache while loading: big imports touch many index pages."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")  # up to 256 MB, taken only as needed
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


class History:
    """What one import changes, kept as it writes; nothing at all when it changes nothing.

    The ``Import`` row is made when the first record is added or updated, inside the import's
    transaction, so it goes (with everything else) if the import fails or is a dry run.
    """

    def __init__(self) -> None:
        self.entry = None

    def import_id(self) -> int:
        if self.entry is None:
            from commissioning.store.audit import current_actor
            from commissioning.store.models.imports import Import

            actor = current_actor()
            self.entry = Import.objects.create(
                user_id=actor.user_id, username=actor.username, channel=actor.channel
            )
        return self.entry.pk

    def updated(self, kind: Kind, ids, names, before: list[dict], after: list[dict]) -> None:
        """One ``ImportChange`` for each record updated: its values before and after."""
        write_changes(self.import_id(), kind, "update", ids, names, before, after)

    def finish(self, batches: dict[str, Batch], counts: dict[str, Counts]) -> None:
        if self.entry is None:
            return
        self.entry.files = file_names(f for name in counts for f in batches[name].files)
        self.entry.counts = {
            name: {"added": c.added, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in counts.items()
        }
        self.entry.save(update_fields=["files", "counts"])


def file_names(labels) -> list[str]:
    """The files' own names (an upload's temporary folder is no business of the history)."""
    out: list[str] = []
    for label in labels:
        path, sheet, rest = str(label).partition(" (sheet ")
        name = path.replace("\\", "/").rsplit("/", 1)[-1] + sheet + rest
        if name not in out:
            out.append(name)
    return out


def load(batches: dict[str, Batch], *, dry_run: bool = False, progress=None) -> dict[str, Counts]:
    """Write every batch in one transaction (rolled back at the end for a dry run).

    ``progress(message)`` is told how the writing of a large batch goes (``PROGRESS_ROWS``)."""
    counts: dict[str, Counts] = {}
    history = History()
    try:
        with _roomy_cache(), transaction.atomic():
            for name in WRITE_ORDER:
                if name in batches:
                    counts[name] = upsert(batches[name], history, _told(progress, batches[name]))
                    _audit(batches[name], counts[name], history)
                    if name == "links":
                        _close_superseded_links(batches[name], history)
            history.finish(batches, counts)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "a constraint"
        raise UserError(
            f"the database refused the upload, so nothing was written ({first})"
        ) from None
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"the upload could not be written, so nothing was ({first})") from None
    return counts


def _audit(batch: Batch, counts: Counts, history: History | None = None) -> None:
    """One audit record per kind changed: who imported what, from which files, with counts.

    The rows themselves are written in bulk (no per-record signals), so the importer records
    the import itself, naming the import whose history holds each record's values before and
    after (``store.models.imports``).
    """
    if not (counts.added or counts.updated):
        return
    from commissioning.store.audit import current_actor
    from commissioning.store.models.audit import Action, AuditRecord

    actor = current_actor()
    kind = batch.kind
    AuditRecord.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        channel=actor.channel,
        action=Action.UPDATE if counts.updated else Action.CREATE,
        model=kind.model_class()._meta.label_lower,
        object_id="import",
        object_repr=f"Import of {kind.title.lower()}: {counts}"[:250],
        before=None,
        after={
            "files": batch.files,
            "added": counts.added,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            **({"import": history.import_id()} if history is not None else {}),
        },
    )


# -- reading what is there --------------------------------------------------------------------


def canonical(kind: Kind, text: pd.DataFrame) -> pd.DataFrame:
    """Text in the file layout -> the same canonical values the checks produce."""
    out = pd.DataFrame(index=text.index)
    for col in kind.columns:
        converted, _bad, _ = values.convert(col, text[col.name].astype(str))
        out[col.name] = converted
    return out


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    both_missing = a.isna() & b.isna()
    return ((a == b).fillna(False).astype(bool)) | both_missing


def _target_model(name: str):
    from django.apps import apps

    if name == "stages":
        return apps.get_model("store", "Stage")
    return ALL_KINDS[name].model_class()


def _close_superseded_links(batch: Batch, history: History | None = None) -> None:
    """A newer parent of the same relationship ends the older one the day before it starts.

    ODS files give only a practice's current commissioner; when next year's file names another,
    the earlier link is closed so that "as at" questions answer with one parent per date. Each
    link closed is an update in the import's history.
    """
    import datetime as dt

    from commissioning.store.models.organisations import OrganisationLink

    frame = batch.frame[batch.frame["valid_from"].notna()]
    for (child, relationship), group in frame.groupby(["child_ods", "relationship"]):
        for start in sorted(set(group["valid_from"])):
            day = pd.Timestamp(start).date()
            ids = list(
                OrganisationLink.objects.filter(
                    child__ods_code=child,
                    relationship=relationship,
                    valid_from__lt=day,
                )
                .filter(_open_on(day))
                .values_list("id", flat=True)
            )
            if not ids:
                continue
            before = stored_text(batch.kind, ids) if history is not None else None
            OrganisationLink.objects.filter(id__in=ids).update(valid_to=day - dt.timedelta(days=1))
            if history is not None:
                after = stored_text(batch.kind, ids)
                _record_updates(batch.kind, history, after["id"], before, after)


def _open_on(day):
    from django.db.models import Q

    return Q(valid_to__isnull=True) | Q(valid_to__gte=day)


def _lookup(target: str, lookups) -> dict[str, int]:
    db = db_key_strings(_target_model(target), tuple(lookups))
    db = db.sort_values("id").drop_duplicates("key", keep="first")
    return dict(zip(db["key"], db["id"], strict=True))


# -- turning canonical values into database parameters ----------------------------------------


def _nullable(values: np.ndarray, missing: np.ndarray) -> list:
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


def _python(col_type: str, s: pd.Series, field) -> list:
    """A column as database parameters (dates as ISO text, which both engines accept)."""
    if col_type == "date":
        arr = s.to_numpy(dtype="datetime64[D]")
        return _nullable(np.datetime_as_string(arr, unit="D"), np.isnat(arr))
    if col_type == "float":
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
        return _nullable(arr, np.isnan(arr))
    if col_type == "int":
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(arr)
        return _nullable(np.where(missing, 0, arr).astype("int64"), missing)
    if col_type == "decimal":
        return [decimal.Decimal(x) if x else None for x in s]
    if col_type == "bool":
        default = field.get_default()
        return [bool(default) if x is None or pd.isna(x) else bool(x) for x in s]
    if col_type == "codes":
        return [field.get_db_prep_save(values.split_list(x), connection) for x in s]
    return s.astype(str).tolist()


def _parameters(
    kind: Kind, frame: pd.DataFrame, fk_ids: dict[str, list], *, update: bool = False
) -> tuple[list, list]:
    """(database columns, one list of values per column) for every field of the model.

    For an update, only the fields the file layout fills: a field the file does not have (an
    indicator's library, a peer group's method, the import that added the record) keeps its
    stored value rather than going back to its default.
    """
    model = kind.model_class()
    by_field = {c.field: c for c in kind.columns if c.field}
    filled = set(by_field) | {r.field for r in kind.refs}
    columns, data = [], []
    n = len(frame)
    for f in model._meta.concrete_fields:
        if f.primary_key or (update and f.name not in filled):
            continue
        if f.is_relation:
            vals = fk_ids.get(f.name, [None] * n)
        elif f.name in by_field:
            col = by_field[f.name]
            vals = _python(col.type, frame[col.name], f)
        else:
            vals = [f.get_db_prep_save(f.get_default(), connection)] * n
        columns.append(f.column)
        data.append(vals)
    return columns, data


def _insert(kind: Kind, frame: pd.DataFrame, import_id: int | None = None, progress=None) -> None:
    """Insert new rows a chunk at a time (parameters are built per chunk to bound memory).

    Each row carries ``import_id``: the import that added it. A column that is empty in every
    row of a chunk is left out of its statement (the database fills it with NULL just the same),
    which saves binding millions of empty values. PostgreSQL is given the rows with ``COPY``,
    SQLite with ``executemany``; either way in the import's transaction.
    """
    model = kind.model_class()
    table = model._meta.db_table
    refs = _resolved(kind, frame, False)
    n = len(frame)
    with connection.cursor() as cur, _indexes_rebuilt_after(cur, table, n):
        for start in range(0, n, CHUNK):
            part = frame.iloc[start : start + CHUNK]
            fks = {
                name: _nullable(ids[start : start + CHUNK], missing[start : start + CHUNK])
                for name, (ids, missing) in refs.items()
            }
            fks[ADDED_BY] = [import_id] * len(part)
            columns, data = _parameters(kind, part, fks)
            filled = [i for i, vals in enumerate(data) if vals.count(None) < len(vals)] or [0]
            columns, data = [columns[i] for i in filled], [data[i] for i in filled]
            _write_rows(cur, table, columns, data)
            if progress is not None:
                progress("writing new", min(start + CHUNK, n), n)


def _write_rows(cur, table: str, columns: list[str], data: list[list]) -> None:
    """One chunk of new rows (one list of values per column) into ``table``."""
    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    if connection.vendor == "postgresql":
        # ``COPY`` is PostgreSQL's way to load many rows; each value is adapted by psycopg as
        # it would be for an INSERT, so the same values are stored
        with cur.cursor.copy(f"COPY {q(table)} ({names}) FROM STDIN") as copy:
            for row in zip(*data, strict=True):
                copy.write_row(row)
        return
    sql = f"INSERT INTO {q(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    cur.executemany(sql, list(zip(*data, strict=True)))


@contextlib.contextmanager
def _indexes_rebuilt_after(cur, table: str, n: int):
    """For a large insert, drop the table's indexes and build them again after.

    Building an index once over sorted keys is much faster than updating it row by row. It all
    happens inside the import's transaction, so an interruption leaves the indexes as they were;
    a unique index that cannot be rebuilt fails the whole import. On PostgreSQL the table's
    foreign keys go the same way (added back, they check every row at once): until the import
    ends, other connections wait to read the table. A table that already holds many more rows
    than are added keeps its indexes (rebuilding them would cost more than it saves).
    """
    q = connection.ops.quote_name
    if n < BULK or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {q(table)} LIMIT {REBUILD_SHARE * n + 1}) t")
    if cur.fetchone()[0] > REBUILD_SHARE * n:
        yield
        return
    if connection.vendor == "sqlite":
        cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {q(name)}")
        yield
        for _, create in indexes:
            cur.execute(create)
        return
    dropped = _drop_for_bulk(cur, table)
    yield
    if dropped is not None:
        indexes, foreign = dropped
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, create in indexes:
            cur.execute(create)
        for name, definition in foreign:
            cur.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")


def _drop_for_bulk(cur, table: str) -> tuple[list, list] | None:
    """On PostgreSQL, drop ``table``'s indexes (but its primary key's and those of its
    constraints) and its foreign keys, returning what rebuilds them; None (nothing dropped)
    where the table cannot be altered now, such as after an earlier change to it in the same
    transaction whose foreign-key checks are still pending."""
    q = connection.ops.quote_name
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [q(table)],
    )
    indexes = cur.fetchall()
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [q(table)],
    )
    foreign = cur.fetchall()
    try:
        with transaction.atomic():  # a savepoint
            for name, _ in foreign:
                cur.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
            for name, _ in indexes:
                cur.execute(f"DROP INDEX {q(name)}")
    except DatabaseError:
        return None
    return indexes, foreign


def _update(model, columns: list[str], data: list[list], ids: list[int]) -> None:
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {q(model._meta.db_table)} SET {', '.join(f'{q(c)} = %s' for c in columns)} "
        f"WHERE {q('id')} = %s"
    )
    rows = [(*r, i) for r, i in zip(zip(*data, strict=True), ids, strict=True)]
    with connection.cursor() as cur:
        for start in range(0, len(rows), CHUNK):
            cur.executemany(sql, rows[start : start + CHUNK])


# -- one kind ---------------------------------------------------------------------------------


def _resolve(
    kind: Kind, frame: pd.DataFrame, self_refs: bool, cache: dict | None = None
) -> dict[str, list]:
    """Database ids for each reference of each row (None where the row names none)."""
    return {
        name: _nullable(ids, missing)
        for name, (ids, missing) in _resolved(kind, frame, self_refs, cache).items()
    }


def _resolved(
    kind: Kind, frame: pd.DataFrame, self_refs: bool, cache: dict | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:func:`_resolve` as arrays: for each reference, (ids, missing).

    Each distinct key is looked up once (a million observations name a thousand practices)."""
    cache = {} if cache is None else cache
    out = {}
    for ref in kind.refs:
        if (ref.target == kind.name) != self_refs:
            continue
        target = KINDS[ref.target]
        lookups = tuple(ref.lookups or target.key_lookups)
        if (ref.target, lookups) not in cache:
            cache[(ref.target, lookups)] = _lookup(ref.target, lookups)
        lookup = cache[(ref.target, lookups)]
        own = [c for c in ref.columns if c != "community"] or list(ref.columns)
        filled = pd.Series(False, index=frame.index)
        for c in own:
            filled |= frame[c].astype(str) != ""
        codes, keys = pd.factorize(key_strings(frame, ref.columns))
        found = np.array([lookup.get(k, np.nan) for k in keys] + [np.nan], dtype="float64")
        ids = np.where(filled.to_numpy(), found[codes], np.nan)  # code -1: no key at all
        missing = np.isnan(ids)
        out[ref.field] = (np.where(missing, 0, ids).astype("int64"), missing)
    return out


COMPARE_CHUNK = 50_000  # stored records read back at a time to compare with the file's


def _compare(kind: Kind, old: pd.DataFrame, changed_rows=None, progress=None) -> pd.Series:
    """True for each already-known row whose values differ from the database.

    The stored records are read back as text a range of ids at a time: reading a million
    observations at once held every value as a Python string (1.5 GB at the peak). For the rows
    that differ, ``changed_rows(rows, stored)`` is given the incoming rows and the stored
    records as text, a range at a time (nothing more is kept for rows that are the same).
    """
    changed = pd.Series(False, index=old.index)
    if old.empty:
        return changed
    ids = old[ID].astype("int64")
    wanted = np.unique(ids.to_numpy())
    for start in range(0, len(wanted), COMPARE_CHUNK):
        low, high = int(wanted[start]), int(wanted[min(start + COMPARE_CHUNK, len(wanted)) - 1])
        inside = (ids >= low) & (ids <= high)
        rows = old[inside]
        existing = db_frame(kind, ids=(low, high))
        current = canonical(kind, existing).assign(**{ID: existing["id"].values})
        aligned = current.set_index(ID).reindex(ids[inside].values)
        aligned.index = rows.index
        differs = pd.Series(False, index=rows.index)
        for col in kind.columns:
            if col.name in kind.key:
                continue
            differs |= ~_same(rows[col.name], aligned[col.name])
        changed.loc[rows.index] = differs
        if changed_rows is not None and differs.any():
            stored = existing.set_index("id").reindex(ids[inside][differs].values)
            stored.index = rows.index[differs.to_numpy()]
            changed_rows(rows[differs], stored)
        if progress is not None:
            progress("comparing stored", min(start + COMPARE_CHUNK, len(wanted)), len(wanted))
    return changed


# -- the history of what an import changes ----------------------------------------------------


def as_text(kind: Kind, frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical values -> text as the exporter writes it (the inverse of :func:`canonical`)."""
    out = pd.DataFrame(index=frame.index)
    for col in kind.columns:
        s = frame[col.name]
        if col.type == "date":
            out[col.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d").fillna("").astype(str)
        elif col.type in ("int", "float"):
            out[col.name] = s.map(number_text).astype(str)
        elif col.type == "bool":
            out[col.name] = s.map(lambda x: "" if x is None or pd.isna(x) else "yes" if x else "no")
        else:
            out[col.name] = s.fillna("").astype(str)
    return out


def record_names(kind: Kind, text: pd.DataFrame) -> list[str]:
    """Each record's natural key as people read it: "DM-ADM / A81001 / 2012-04-01"."""
    keys = key_strings(text, kind.key)
    return [" / ".join(p for p in k.split(SEP) if p) for k in keys]


ID_WINDOW = 4 * COMPARE_CHUNK  # the widest range of ids read back at once for scattered ids


def stored_text_chunks(kind: Kind, ids):
    """The stored records with these ids, as text in the file layout, a range at a time."""
    wanted = np.unique(np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), "int64"))
    start = 0
    while start < len(wanted):
        end = min(
            start + COMPARE_CHUNK,
            int(np.searchsorted(wanted, wanted[start] + ID_WINDOW, side="left")),
        )
        end = max(end, start + 1)
        frame = db_frame(kind, ids=(int(wanted[start]), int(wanted[end - 1])))
        yield frame[frame["id"].isin(wanted[start:end])].reset_index(drop=True)
        start = end


def stored_text(kind: Kind, ids) -> pd.DataFrame:
    """The stored records with these ids, as text in the file layout (``id`` first)."""
    parts = list(stored_text_chunks(kind, ids))
    if not parts:
        return pd.DataFrame({"id": pd.Series([], dtype="int64")} | {n: [] for n in kind.names})
    return pd.concat(parts, ignore_index=True)


def text_records(kind: Kind, text: pd.DataFrame) -> list[dict]:
    """Each row of ``text`` as {column: text} (quicker than ``to_dict`` on Arrow strings)."""
    columns = [text[n].astype(object).tolist() for n in kind.names]
    return [dict(zip(kind.names, row, strict=True)) for row in zip(*columns, strict=True)]


def write_changes(upload: int, kind: Kind, action: str, ids, names, before, after=None) -> None:
    """``ImportChange`` rows for one kind, written with ``executemany`` (a million records
    written through model instances took over a minute)."""
    from commissioning.store.models.imports import ImportChange

    meta = ImportChange._meta
    label = kind.model_class()._meta.label_lower
    as_json = meta.get_field("before").get_db_prep_save
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its per-call proxy
    fields = ["upload", "kind", "model", "object_id", "action", "record", "before", "after"]
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(meta.db_table)} "
        f"({', '.join(q(meta.get_field(f).column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    after = after if after is not None else [None] * len(names)
    rows = [
        (
            upload,
            kind.name,
            label,
            int(i),
            action,
            name[:250],
            as_json(b, db),
            as_json(a, db),
        )
        for i, name, b, a in zip(ids, names, before, after, strict=True)
    ]
    with connection.cursor() as cur:
        for start in range(0, len(rows), CHUNK):
            cur.executemany(sql, rows[start : start + CHUNK])


def _record_updates(kind: Kind, history: History, ids, before: pd.DataFrame, after: pd.DataFrame):
    """Hand the history each updated record's values before and after, as text."""
    history.updated(
        kind,
        list(ids),
        record_names(kind, after),
        text_records(kind, before),
        text_records(kind, after),
    )


def _set_lists(kind: Kind, frame: pd.DataFrame, ids: list[int]) -> None:
    model = kind.model_class()
    for lst in kind.lists:
        field = model._meta.get_field(lst.field)
        through = field.remote_field.through
        src = through._meta.get_field(field.m2m_field_name()).attname
        dst = through._meta.get_field(field.m2m_reverse_field_name()).attname
        target_lookups = lst.lookups or (
            ("code",) if lst.target == "stages" else KINDS[lst.target].key_lookups
        )
        lookup = _lookup(lst.target, target_lookups)
        pairs = set()
        for (idx, cell), own_id in zip(frame[lst.column].items(), ids, strict=True):
            for item in values.split_list(cell):
                parts = [
                    item if p == "*" else key_strings(frame.loc[[idx]], [p]).iloc[0]
                    for p in lst.pattern
                ]
                target_id = lookup.get("\x1f".join(parts))
                if target_id is not None:
                    pairs.add((own_id, target_id))
        through.objects.filter(**{f"{src}__in": ids}).delete()
        through.objects.bulk_create(
            [through(**{src: a, dst: b}) for a, b in sorted(pairs)], batch_size=1000
        )


def upsert(batch: Batch, history: History | None = None, progress=None) -> Counts:
    """Add and update one kind's records; ``progress(what, done, total)`` as it goes."""
    kind = batch.kind
    model = kind.model_class()
    frame = batch.frame.drop(columns=[FILE, ROW], errors="ignore")
    known = _lookup(kind.name, kind.key_lookups) if model.objects.exists() else {}
    if known:
        frame[KEY] = key_strings(frame, kind.key)
        frame[ID] = frame[KEY].map(known)
    else:  # nothing stored yet: every row is new (and its key is not needed here)
        frame[ID] = pd.Series(pd.NA, index=frame.index)
    new = frame[frame[ID].isna()]
    old = frame[frame[ID].notna()]

    def changed_rows(rows: pd.DataFrame, stored: pd.DataFrame) -> None:
        _record_updates(kind, history, rows[ID].astype("int64"), stored, as_text(kind, rows))

    changed_mask = _compare(kind, old, changed_rows if history is not None else None, progress)
    changed = old[changed_mask]

    if len(new):
        _insert(kind, new, history.import_id() if history is not None else None, progress)
    if len(changed):
        fks = _resolve(kind, changed, False) | _resolve(kind, changed, True)
        cols, data = _parameters(kind, changed, fks, update=True)
        _update(model, cols, data, [int(i) for i in changed[ID]])

    written = pd.concat([new, changed])
    if len(written) and (kind.lists or any(r.target == kind.name for r in kind.refs)):
        lookup = _lookup(kind.name, kind.key_lookups)
        keys = written[KEY] if KEY in written else key_strings(written, kind.key)
        ids = [int(lookup[k]) for k in keys]
        selfs = _resolve(kind, written, True)
        for field_name, targets in selfs.items():
            f = model._meta.get_field(field_name)
            _update(model, [f.column], [targets], ids)
        if kind.lists:
            _set_lists(kind, written, ids)
    return Counts(added=len(new), updated=len(changed), unchanged=len(old) - len(changed))
