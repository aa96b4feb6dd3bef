"""Backing up a whole database (or one community) to one portable file, and restoring it.

The file is a zip holding ``manifest.json`` (format version, the migrations the data was taken
at, counts) and ``data.jsonl`` (Django's JSON-lines serialisation, one record a line, in
dependency order, each model in primary-key order). It restores into an empty database on
SQLite or PostgreSQL, whichever made it, and a backup of the restored database has the same
``data.jsonl``, byte for byte.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

from commissioning.errors import UserError

#: True while :func:`restore_backup` writes records back exactly as they were backed up: the
#: guards that keep finalised records from changing (provider selection's decision records)
#: let the restore put back their links, which are part of what was finalised.
_RESTORING = contextvars.ContextVar("restoring", default=False)


def restoring() -> bool:
    """Whether a backup is being restored in this context."""
    return _RESTORING.get()


FORMAT = "commissioning-backup"
VERSION = 1
DATA = "data.jsonl"
MANIFEST = "manifest.json"
#: Apps whose records a backup holds: the domain model, then evidence, reports' subscriptions and
#: inboxes, network surveys, contract performance, the work of commissioning (partners,
#: decisions, risks, benefits) and monitoring's recalculations of limits. A community's backup
#: holds only the domain model and its contracts' performance (see below).
BACKED_UP_APPS = (
    "store",
    "evidence",
    "reports",
    "surveys",
    "contracts",
    "provider_selection",
    "work",
    "monitoring",
)
SEEDED = {"store.stage"}  # created by a migration: present in every "empty" database
#: Models that older backups may hold and this version no longer has: their records are left out
#: on restore. store.loginfailure: failed sign-ins, kept by django-axes since (not backed up).
RETIRED = {"store.loginfailure"}


def _without_retired(lines):
    """The lines of a backup's records, less those of :data:`RETIRED` models."""
    for line in lines:
        if any(f'"{label}"' in line for label in RETIRED):
            try:
                if json.loads(line).get("model") in RETIRED:
                    continue
            except ValueError:
                pass  # not JSON: the deserializer reports it
        yield line


def _models() -> list:
    from django.apps import apps
    from django.core.serializers import sort_dependencies

    wanted = [apps.get_model("auth", "Group"), apps.get_model("auth", "User")]
    for app in BACKED_UP_APPS:
        wanted += list(apps.get_app_config(app).get_models())
    app_list = {}
    for m in wanted:
        app_list.setdefault(m._meta.app_config, []).append(m)
    return sort_dependencies(app_list.items(), allow_cycles=True)


def _label(model) -> str:
    return model._meta.label_lower


def applied_migrations() -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    out: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in ("auth", "contenttypes", *BACKED_UP_APPS):
            out.setdefault(app, []).append(name)
    return {k: sorted(v) for k, v in sorted(out.items())}


def _community_querysets(code: str) -> dict[str, object]:
    """For one community: its own records and the shared ones they refer to."""
    from django.apps import apps
    from django.db.models import Q

    def m(name):
        return apps.get_model("store", name)

    comm = m("CommissioningCommunity").objects.filter(code=code).first()
    if comm is None:
        raise UserError(f"there is no community with the code '{code}'")
    services = m("Service").objects.filter(community=comm)
    contracts = m("Contract").objects.filter(community=comm)
    people = m("Person").objects.filter(communities=comm)
    org_ids = {comm.commissioner_id} | set(comm.members.values_list("id", flat=True))
    org_ids |= set(services.values_list("provider_id", flat=True))
    org_ids |= set(contracts.values_list("provider_id", flat=True))
    org_ids |= set(contracts.values_list("commissioner_id", flat=True))
    org_ids |= set(people.exclude(organisation=None).values_list("organisation_id", flat=True))
    org_ids |= set(
        m("OrganisationalChange")
        .objects.filter(community=comm)
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
    )
    # its groupings and the peer groups of its commissioner, with their members
    groupings = m("Grouping").objects.filter(
        Q(community=comm) | Q(community=None, anchor_id=comm.commissioner_id)
    )
    org_ids |= set(
        m("Grouping")
        .members.through.objects.filter(grouping__in=groupings)
        .values_list("organisation_id", flat=True)
    )
    # successors and link parents of those organisations, so that references resolve
    frontier = set(org_ids)
    while frontier:
        more = set(
            m("Organisation")
            .objects.filter(id__in=frontier)
            .exclude(successor=None)
            .values_list("successor_id", flat=True)
        ) | set(
            m("OrganisationLink")
            .objects.filter(child_id__in=frontier)
            .values_list("parent_id", flat=True)
        )
        frontier = more - org_ids
        org_ids |= frontier
    profiles = m("Profile").objects.filter(community=comm)
    indicators = m("Indicator").objects.filter(Q(community=None) | Q(community=comm))
    user_model = apps.get_model("auth", "User")
    return {
        "auth.group": apps.get_model("auth", "Group").objects.none(),
        "auth.user": user_model.objects.filter(profile__in=profiles),
        "store.organisation": m("Organisation").objects.filter(id__in=org_ids),
        "store.organisationlink": m("OrganisationLink").objects.filter(
            child_id__in=org_ids, parent_id__in=org_ids
        ),
        "store.commissioningcommunity": m("CommissioningCommunity").objects.filter(id=comm.id),
        "store.profile": profiles,
        "store.auditrecord": m("AuditRecord").objects.none(),
        "store.condition": m("Condition").objects.all(),
        "store.practicepopulation": m("PracticePopulation").objects.filter(
            organisation_id__in=org_ids
        ),
        "store.conditionregister": m("ConditionRegister").objects.filter(
            organisation_id__in=org_ids
        ),
        "store.agesexregister": m("AgeSexRegister").objects.filter(organisation_id__in=org_ids),
        "store.grouping": groupings,
        "store.service": services,
        "store.externaldriver": m("ExternalDriver").objects.all(),
        "store.servicedevelopment": m("ServiceDevelopment").objects.filter(community=comm),
        "store.objective": m("Objective").objects.filter(development__community=comm),
        "store.person": people,
        "store.stage": m("Stage").objects.all(),
        "store.activity": m("Activity").objects.filter(community=comm),
        "store.participation": m("Participation").objects.filter(activity__community=comm),
        "store.organisationalchange": m("OrganisationalChange").objects.filter(community=comm),
        "store.contract": contracts,
        "store.incentivescheme": m("IncentiveScheme").objects.filter(contract__community=comm),
        "store.spend": m("Spend").objects.filter(service__community=comm),
        "store.indicator": indicators,
        **_contract_performance(comm),
        "store.observation": m("Observation").objects.filter(
            Q(organisation_id__in=org_ids) | Q(service__community=comm), indicator__in=indicators
        ),
    }


def _contract_performance(comm) -> dict[str, object]:
    """The community's contracts' lines, plans, actuals, incentives, variations, challenges."""
    from django.apps import apps

    def m(name):
        return apps.get_model("contracts", name)

    mine = {"contract__community": comm}
    return {
        "contracts.contractline": m("ContractLine").objects.filter(**mine),
        "contracts.monthlyplan": m("MonthlyPlan").objects.filter(line__contract__community=comm),
        "contracts.monthlyactual": m("MonthlyActual").objects.filter(
            line__contract__community=comm
        ),
        "contracts.incentiveindicator": m("IncentiveIndicator").objects.filter(
            scheme__contract__community=comm
        ),
        "contracts.milestone": m("Milestone").objects.filter(
            indicator__scheme__contract__community=comm
        ),
        "contracts.contractvariation": m("ContractVariation").objects.filter(**mine),
        "contracts.activitychallenge": m("ActivityChallenge").objects.filter(**mine),
    }


#: a timestamp Django's serializer wrote with a zero millisecond part (".000")
_ZERO_MILLISECONDS = re.compile(r'("\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.000(Z|[+-]\d{2}:\d{2})"')


def _canonical(line: str, *, without_imports: bool = False) -> str:
    """One record with its keys sorted: PostgreSQL's jsonb reorders keys inside JSON fields,
    so sorting makes the same records give the same bytes whichever engine they came from.

    Django writes times to the millisecond, so a time with 1 to 999 microseconds is written
    "…:57.000Z" and, once restored (with no microseconds), "…:57Z": both are written the second
    way, so a restored database backs up byte for byte as its source did.

    ``without_imports`` (a community's backup, which leaves out the history of imports): the
    record no longer names the import that added it, so that once restored it cannot be taken
    for a record of the new database's import with the same number."""
    line = _ZERO_MILLISECONDS.sub(r'\1\2"', line)
    record = json.loads(line)
    if without_imports and record.get("fields", {}).get("added_by_import") is not None:
        record["fields"]["added_by_import"] = None
    return json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"


def write_backup(path: str | Path, *, community: str | None = None) -> dict[str, int]:
    """Write the database (or one community) to ``path``; returns records per model."""
    from django.core import serializers
    from django.db import transaction

    path = Path(path)
    if not path.parent.exists():
        raise UserError(f"{path}: the folder {path.parent} does not exist")
    counts: dict[str, int] = {}
    tmp = path.with_name(path.name + ".partial")
    with transaction.atomic():  # one consistent snapshot
        scoped = _community_querysets(community) if community else {}
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            with zf.open(DATA, "w") as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                for model in _models():
                    label = _label(model)
                    qs = scoped.get(
                        label,
                        model._default_manager.all()
                        if not community
                        else model._default_manager.none(),
                    )
                    qs = qs.distinct().order_by("pk")
                    n = 0
                    for start in range(0, 10**12, 5000):
                        chunk = list(qs[start : start + 5000])
                        if not chunk:
                            break
                        text = serializers.serialize("jsonl", chunk, use_natural_foreign_keys=True)
                        out.writelines(
                            _canonical(line, without_imports=bool(community))
                            for line in text.splitlines()
                        )
                        n += len(chunk)
                    counts[label] = n
                out.flush()
                out.detach()
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "community": community,
                "migrations": applied_migrations(),
                "counts": counts,
            }
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return counts


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError):
        raise UserError(f"{path}: is not a commissioning backup file") from None
    if manifest.get("format") != FORMAT:
        raise UserError(f"{path}: is not a commissioning backup file")
    if manifest.get("version", 0) > VERSION:
        raise UserError(f"{path}: was written by a newer version of commissioning: upgrade first")
    return manifest


def occupied() -> list[str]:
    """Names of the tables that already hold records (ignoring those a migration seeds)."""
    full = []
    for model in _models():
        if _label(model) not in SEEDED and model._default_manager.exists():
            full.append(str(model._meta.verbose_name_plural))
    return full


def restore_backup(path: str | Path) -> dict[str, int]:
    """Load a backup into the configured, empty database, in one transaction."""
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import DatabaseError, connection, transaction

    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such file")
    manifest = read_manifest(path)
    here = applied_migrations()
    unknown = {
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if name not in here.get(app, [])
    }
    if unknown:
        raise UserError(
            f"{path}: was taken from a newer database schema ({', '.join(sorted(unknown))}): "
            "upgrade commissioning first"
        )
    full = occupied()
    if full:
        raise UserError(
            "the database is not empty (it already holds "
            + ", ".join(full[:4])
            + "): restore only into a new, empty database"
        )
    counts: dict[str, int] = {}
    models = set()
    # The records (and their audit trail) are restored as they were: saving them again must not
    # add new audit records, so the audit trail is paused meanwhile.
    from commissioning.store.audit import paused

    token = _RESTORING.set(True)
    try:
        with paused(), transaction.atomic(), zipfile.ZipFile(path) as zf, zf.open(DATA) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8")
            deferred = []
            records = _without_retired(text)
            for obj in serializers.deserialize("jsonl", records, handle_forward_references=True):
                obj.save()
                if obj.deferred_fields:
                    deferred.append(obj)
                label = _label(type(obj.object))
                models.add(type(obj.object))
                counts[label] = counts.get(label, 0) + 1
            for obj in deferred:
                obj.save_deferred_fields()
            sql = connection.ops.sequence_reset_sql(no_style(), list(models))
            if sql:
                with connection.cursor() as cur:
                    for statement in sql:
                        cur.execute(statement)
    except (DatabaseError, serializers.base.DeserializationError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(
            f"{path}: could not be restored, so nothing was written ({first})"
        ) from None
    finally:
        _RESTORING.reset(token)
    return counts


def data_digest(path: str | Path) -> str:
    """SHA-256 of a backup's records (not its manifest), to compare two backups."""
    import hashlib

    with zipfile.ZipFile(path) as zf:
        return hashlib.sha256(zf.read(DATA)).hexdigest()
