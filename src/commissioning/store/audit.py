"""Recording every create, update and delete of the commissioning records.

Signals catch saves and deletes from the web pages, the API, the admin and anything else that
goes through the ORM one record at a time. Who did it comes from :func:`acting_as` (set by the web
middleware per request, and by command-line verbs); bulk loaders that bypass signals call
:func:`record` themselves.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from commissioning.store.models.audit import Action, AuditRecord, Channel


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    channel: str


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)
_PREVIOUS = "_audit_before"
AUDITED_APPS = {
    "store",
    "evidence",
    "surveys",
    "provider_selection",
    "contracts",
    "work",
    "monitoring",
}
# Imports keep their own history (store.models.imports), written in bulk.
EXCLUDED = {"auditrecord", "stage", "loginfailure", "import", "importchange"}
# Large fields left out of audit snapshots (the audit keeps who changed what, not file bodies).
UNSNAPSHOTTED = {"content", "text", "sealed_content"}


@contextlib.contextmanager
def acting_as(user=None, channel: str = Channel.CLI, username: str | None = None):
    """Attribute changes made inside the block to ``user`` (or a named system actor)."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=username or (user.get_username() if user is not None else "") or "system",
        channel=channel,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    return _actor.get() or Actor(None, "system", Channel.SYSTEM)


def snapshot(instance: models.Model) -> dict:
    """The stored values of a record, as JSON-ready data."""
    data = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in UNSNAPSHOTTED
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(action: str, instance: models.Model, before=None, after=None) -> AuditRecord:
    actor = current_actor()
    return AuditRecord.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        channel=actor.channel,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        before=before,
        after=after,
    )


def opened(instance: models.Model) -> AuditRecord:
    """Record that the current actor opened ``instance`` (for records whose reading matters,
    such as a finalised decision record shown to a review panel)."""
    return record(Action.OPEN, instance)


def _audited(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return (
        meta is not None
        and meta.app_label in AUDITED_APPS
        and meta.model_name not in EXCLUDED
        and not meta.auto_created
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender) or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    setattr(instance, _PREVIOUS, snapshot(old) if old is not None else None)


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    before = None if created else getattr(instance, _PREVIOUS, None)
    after = snapshot(instance)
    if before == after:
        return
    record(Action.CREATE if created or before is None else Action.UPDATE, instance, before, after)


def _post_delete(sender, instance, **kwargs):
    if _audited(sender):
        record(Action.DELETE, instance, snapshot(instance), None)


def _m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not _audited(type(instance)):
        return
    field = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    change = {"field": field, "change": action.removeprefix("post_"), "ids": sorted(pk_set or [])}
    record(Action.UPDATE, instance, None, {"related": change})


def connect() -> None:
    pre_save.connect(_pre_save, dispatch_uid="audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="audit_m2m")


@contextlib.contextmanager
def paused():
    """Record nothing inside the block: for restoring records exactly as they were backed up."""
    receivers = [
        (pre_save, _pre_save, "audit_pre_save"),
        (post_save, _post_save, "audit_post_save"),
        (post_delete, _post_delete, "audit_post_delete"),
        (m2m_changed, _m2m_changed, "audit_m2m"),
    ]
    for signal, _, uid in receivers:
        signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, receiver, uid in receivers:
            signal.connect(receiver, dispatch_uid=uid)
