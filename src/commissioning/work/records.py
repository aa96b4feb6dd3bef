"""The records of the work of commissioning, read and written through the access policy.

- :func:`register_access_rules` adds this app's rules to :mod:`commissioning.access.policy`:
  every record belongs to its development's community; commissioners change them; providers
  read those of the developments their organisation is a partner of (and record activities on
  them: the store's rules); viewers read.
- :func:`may_add` and :func:`may_change` ask the policy whether a login may add a record of a
  kind to a development, or change one record.
- **Versions** (:func:`version`, :func:`changes_since`, :func:`saving`): two people editing the
  same record do not silently overwrite each other. A form carries the number of the latest
  audit record of the record and its parts (an activity's participants, a decision's options,
  links and interests, a development's partners) when it was opened; saving checks it again,
  holding the record's row, and refuses with the changes made since, as the audit trail holds
  them (who, when, each value before and after).
- :func:`last_meeting` and :func:`people` give the quick activity entry its defaults and its
  list of the community's people.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from commissioning.access import policy
from commissioning.access.policy import ADD, CHANGE, Rule
from commissioning.store.models import (
    Activity,
    ActivityKind,
    AuditRecord,
    Objective,
    Participation,
    Person,
    ServiceDevelopment,
    Stage,
)
from commissioning.work.models import (
    Benefit,
    Decision,
    DecisionOption,
    EvidenceLink,
    Interest,
    Partner,
    Risk,
)


def register_access_rules() -> None:
    partners = "development__partners__organisation"
    of_development = Rule(community="development__community", providers="own", provider=(partners,))
    of_decision = Rule(
        community="decision__development__community",
        providers="own",
        provider=(f"decision__{partners}",),
    )
    policy.register_rules(
        {
            Partner: of_development,
            Decision: of_development,
            Risk: of_development,
            Benefit: of_development,
            DecisionOption: of_decision,
            EvidenceLink: of_decision,
            Interest: of_decision,
        }
    )


# --- who may do what ------------------------------------------------------------------------------


def may_add(user, model: type[models.Model], development: ServiceDevelopment) -> bool:
    """Whether ``user`` may add a record of ``model`` to ``development`` (a new development when
    ``model`` is ServiceDevelopment: then ``development`` is an unsaved one in the community)."""
    if model is ServiceDevelopment:
        return policy.can_edit(user, development, ADD)
    if model is Activity:
        new = Activity(community=development.community, development=development)
        return policy.can_edit(user, new, ADD)
    return policy.can_edit(user, model(development=development), ADD)


def may_change(user, obj: models.Model) -> bool:
    return policy.can_edit(user, obj, CHANGE)


def development_of(user, community, slug: str) -> ServiceDevelopment:
    """The development ``slug`` of ``community`` if ``user`` may read it, else "not found"."""
    return policy.visible_or_404(
        user,
        ServiceDevelopment.objects.select_related("community", "parent"),
        community=community,
        slug=slug,
    )


def record_of(user, model: type[models.Model], development, pk: int) -> models.Model:
    """One record of ``model`` on ``development`` that ``user`` may read, else "not found"."""
    return policy.visible_or_404(user, model, development=development, pk=pk)


# --- the community's people -----------------------------------------------------------------------

PEOPLE_LISTED = 300  # the people listed in a form's suggestions before anything is typed
PEOPLE_FOUND = 20  # the people a search by name returns


def people(user, community, query: str = "", *, limit: int = PEOPLE_FOUND):
    """The community's people ``user`` may read whose name contains ``query`` (all when empty)."""
    found = (
        policy.visible(user, Person)
        .filter(communities=community)
        .select_related("organisation")
        .order_by("name", "id")
    )
    if query.strip():
        found = found.filter(name__icontains=query.strip())
    return list(found[:limit])


def find_people(user, community, names: list[str]) -> dict[str, list[Person]]:
    """The community's people called each of ``names`` (any case), by the name as typed."""
    wanted = {n.strip().lower() for n in names if n.strip()}
    if not wanted:
        return {}
    q = Q()
    for name in wanted:
        q |= Q(name__iexact=name)
    found: dict[str, list[Person]] = {}
    for person in policy.visible(user, Person).filter(communities=community).filter(q):
        found.setdefault(person.name.strip().lower(), []).append(person)
    return {n: found.get(n.strip().lower(), []) for n in names if n.strip()}


# --- the last meeting -----------------------------------------------------------------------------


@dataclass
class Meeting:
    """What a new activity starts from: the development's last meeting."""

    activity: Activity
    stages: list[str]
    participants: list[tuple[str, str]]  # (name, hours as text)
    length: str  # the hours most of its participants spent, as text


def _hours(value) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def last_meeting(user, development) -> Meeting | None:
    """The latest meeting recorded on ``development`` that ``user`` may read, with its stages
    and participants, or None."""
    activity = (
        policy.visible(user, Activity)
        .filter(development=development, kind=ActivityKind.MEETING)
        .order_by("-date", "-id")
        .first()
    )
    if activity is None:
        return None
    parts = list(
        activity.participations.select_related("person").order_by("person__name", "person_id")
    )
    hours = [_hours(p.hours) for p in parts]
    length = max(set(hours), key=lambda h: (hours.count(h), -hours.index(h))) if hours else ""
    return Meeting(
        activity=activity,
        stages=list(activity.stages.order_by("order").values_list("code", flat=True)),
        participants=[(p.person.name, h) for p, h in zip(parts, hours, strict=True)],
        length=length,
    )


# --- versions: not overwriting each other ---------------------------------------------------------

#: the parts of a record whose changes count as changes to it: (model label, key to the record)
PARTS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {
    ServiceDevelopment: (("work.partner", "development_id"),),
    Activity: (("store.participation", "activity_id"),),
    Decision: (
        ("work.decisionoption", "decision_id"),
        ("work.evidencelink", "decision_id"),
        ("work.interest", "decision_id"),
    ),
}


def _trail(obj: models.Model):
    """The audit records of ``obj`` and of its parts."""
    q = Q(model=obj._meta.label_lower, object_id=str(obj.pk))
    for label, key in PARTS.get(type(obj), ()):
        q |= Q(model=label) & (Q(**{f"after__{key}": obj.pk}) | Q(**{f"before__{key}": obj.pk}))
    return AuditRecord.objects.filter(q)


def version(obj: models.Model) -> int:
    """The number of the latest audit record of ``obj`` and its parts (0 when none)."""
    if obj.pk is None:
        return 0
    return _trail(obj).order_by("-id").values_list("id", flat=True).first() or 0


@dataclass
class Change:
    """One change made to a record since a form was opened, as the audit trail holds it."""

    who: str
    when: dt.datetime
    what: str
    details: list[str] = field(default_factory=list)


class Conflict(Exception):
    """Someone else changed the record since the form was opened."""

    def __init__(self, changes: list[Change], latest: int):
        super().__init__(f"{len(changes)} change(s) since the form was opened")
        self.changes = changes
        self.latest = latest


def _label(model, name: str) -> str:
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - an attname such as person_id
        f = next((x for x in model._meta.concrete_fields if x.attname == name), None)
    if f is None:
        return name.replace("_", " ")
    return str(getattr(f, "verbose_name", name)).capitalize()


def _shown(model, name: str, value) -> str:
    if value is None or value == "":
        return "(empty)"
    f = next((x for x in model._meta.concrete_fields if x.attname == name), None)
    if f is not None and f.is_relation:
        target = f.related_model._default_manager.filter(pk=value).first()
        return str(target) if target is not None else f"(record {value}, since deleted)"
    if f is not None and f.choices:
        return str(dict(f.choices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _related_names(model, field_name: str, ids: list) -> str:
    try:
        target = model._meta.get_field(field_name).related_model
    except Exception:  # noqa: BLE001
        return ", ".join(str(i) for i in ids)
    names = {o.pk: str(o) for o in target._default_manager.filter(pk__in=ids)}
    return ", ".join(names.get(i, str(i)) for i in ids)


def describe(record: AuditRecord) -> Change:
    """One audit record in words: what changed, each value before and after."""
    from django.apps import apps

    model = apps.get_model(record.model)
    noun = str(model._meta.verbose_name)
    when = timezone.localtime(record.when)
    who = record.username or "system"
    details: list[str] = []
    after, before = record.after or {}, record.before or {}
    if "related" in after:
        related = after["related"]
        verb = {"add": "added", "remove": "removed", "clear": "cleared"}.get(
            related.get("change"), related.get("change")
        )
        names = _related_names(model, related.get("field", ""), related.get("ids", []))
        what = f"{_label(model, related.get('field', ''))} {verb}" + (f": {names}" if names else "")
        return Change(who, when, f"{noun.capitalize()} {record.object_repr}: {what}")
    if record.action == "create":
        what = f"{noun.capitalize()} added: {record.object_repr}"
    elif record.action == "delete":
        what = f"{noun.capitalize()} removed: {record.object_repr}"
    else:
        what = f"{noun.capitalize()} changed: {record.object_repr}"
        for name in after:
            if name in ("id",) or before.get(name) == after.get(name):
                continue
            details.append(
                f"{_label(model, name)}: {_shown(model, name, before.get(name))} → "
                f"{_shown(model, name, after.get(name))}"
            )
    return Change(who, when, what, details)


def changes_since(obj: models.Model, seen: int) -> list[Change]:
    """The changes made to ``obj`` and its parts after audit record number ``seen``."""
    if obj.pk is None:
        return []
    return [describe(r) for r in _trail(obj).filter(id__gt=seen).order_by("id")]


@contextlib.contextmanager
def saving(obj: models.Model, seen: int | None):
    """Save ``obj`` (and its parts) inside the block, in one transaction, only if nothing has
    changed it since audit record number ``seen`` (None: a new record). Raises
    :class:`Conflict` otherwise, with the changes made since."""
    with transaction.atomic():
        if obj.pk is not None and seen is not None:
            # Hold the record's row: a second save waits here until this one is done, then sees
            # this one's audit records (PostgreSQL; SQLite lets one writer in at a time anyway).
            list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values("pk"))
            latest = version(obj)
            if latest > seen:
                raise Conflict(changes_since(obj, seen), latest)
        yield


# --- reading for the page -------------------------------------------------------------------------


def stages() -> list[Stage]:
    return list(Stage.objects.order_by("order"))


def participations(activity) -> list[Participation]:
    return list(activity.participations.select_related("person").order_by("person__name"))


def objectives_with_indicators(user, development) -> list[Objective]:
    return list(
        policy.visible(user, Objective)
        .filter(development=development, indicator__isnull=False)
        .select_related("indicator")
        .order_by("target_date", "id")
    )
