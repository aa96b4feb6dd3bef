"""The access-control policy: one rule per model, used by pages, API, exports, reports and admin.

Roles (on each login's :class:`~commissioning.store.models.Profile`):

- **administrator** (a superuser, a profile with the administrator role, or a staff login with no
  profile): reads and changes everything, except the audit trail, which nobody changes.
- **commissioner**: reads and changes the records of their own commissioning community. Shared
  records (organisations, conditions, indicators, national drivers, stages, population and
  register extracts, and groupings of organisations and indicators that belong to no community)
  are read but only administrators change them; a community's own indicators and groupings are
  read by that community only and changed by its commissioners.
- **provider**: reads their community, its organisations, its people and the shared records,
  plus the services, contracts (with their incentive schemes) and indicator observations of
  their own organisation, and the service developments their organisation takes part in (as a
  partner: :class:`commissioning.work.models.Partner`) with their records; submits observations
  for their organisation and its services, and records activities on those developments.
- **viewer**: reads everything in their community except money: contract annual values,
  incentive scheme values and spend amounts.
- a login with no profile, or anonymous: nothing.

A record the user may not read is treated exactly like one that does not exist
(:func:`visible_or_404`), so a page or API answer never reveals that it is there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.http import Http404

from commissioning.store import models as m
from commissioning.store.models import Profile, Role

ADD, CHANGE, DELETE = "add", "change", "delete"
ALL_ACTIONS = frozenset({ADD, CHANGE, DELETE})


@dataclass(frozen=True)
class Scope:
    """What a login acts as: a role, a community and (for providers) an organisation."""

    role: str
    community_id: int | None = None
    organisation_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def _profile(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


class _Administration:
    """The reader of work the system does as an administrator, not for a login: the command line
    (which needs the database itself) and reports made without a user. Never a web login."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = True
    pk = id = None

    def get_username(self) -> str:
        return "administrator"

    def __repr__(self) -> str:
        return "ADMINISTRATION"


ADMINISTRATION = _Administration()


def reader(user):
    """``user``, or :data:`ADMINISTRATION` when there is none (the command line)."""
    return ADMINISTRATION if user is None else user


def scope_of(user) -> Scope | None:
    """The scope of ``user``, or None for anonymous users and logins without a role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Scope(Role.ADMIN)
    profile = _profile(user)
    if profile is None:
        return Scope(Role.ADMIN) if user.is_staff else None
    if profile.role == Role.ADMIN:
        return Scope(Role.ADMIN)
    if profile.community_id is None:
        return None
    return Scope(profile.role, profile.community_id, profile.organisation_id)


def is_admin(user) -> bool:
    scope = scope_of(user)
    return scope is not None and scope.is_admin


def may_undo_imports(user) -> bool:
    """Who sees the history of imports (every community's values before and after) and undoes
    an import: administrators only, as for the audit trail."""
    return is_admin(user)


@dataclass(frozen=True)
class Rule:
    """How one model's records belong to a community and to a provider organisation.

    - ``community``: lookup from the model to its community (e.g. ``contract__community``);
    - ``organisation``: lookup to an organisation; the record belongs to every community that
      organisation takes part in (as member, lead commissioner, provider of a service or holder of
      a contract). With both, a record belongs if either matches.
    - ``providers``: ``"all"`` (providers read what their community reads), ``"own"`` (only
      records whose ``provider`` lookups lead to their organisation) or ``"none"``.
    - ``shared``: reference data every role reads and only administrators change.
    - ``shared_if_empty``: a record whose ``community`` lookup is empty is shared (every role
      reads it, only administrators change it); one with a community follows the rule above.
    - ``admin_only``: only administrators read it. ``frozen``: nobody changes it.
    - ``commissioner`` / ``provider_actions``: what those roles may do within their scope.
    - ``money``: fields viewers never see.
    - ``confidential``: ``(field, value)``: records whose ``field`` has ``value`` are read only
      by the community's commissioners and by administrators (confidential evidence).
    """

    community: str | None = None
    organisation: str | None = None
    providers: str = "none"
    provider: tuple[str, ...] = ()
    shared: bool = False
    shared_if_empty: bool = False
    admin_only: bool = False
    frozen: bool = False
    commissioner: frozenset[str] = ALL_ACTIONS
    provider_actions: frozenset[str] = frozenset()
    money: tuple[str, ...] = field(default_factory=tuple)
    confidential: tuple[str, object] | None = None


NONE = frozenset()
SHARED = Rule(shared=True, commissioner=NONE)

RULES: dict[type[models.Model], Rule] = {
    m.CommissioningCommunity: Rule(
        community="id", providers="all", commissioner=frozenset({CHANGE})
    ),
    m.Organisation: Rule(organisation="id", providers="all", commissioner=NONE),
    m.OrganisationLink: Rule(organisation="child", providers="all", commissioner=NONE),
    m.Condition: SHARED,
    m.Stage: SHARED,
    m.ExternalDriver: SHARED,
    m.Indicator: Rule(community="community", providers="all", shared_if_empty=True),
    m.PracticePopulation: Rule(
        organisation="organisation", providers="own", provider=("organisation",), commissioner=NONE
    ),
    m.ConditionRegister: Rule(
        organisation="organisation", providers="own", provider=("organisation",), commissioner=NONE
    ),
    m.AgeSexRegister: Rule(
        organisation="organisation", providers="own", provider=("organisation",), commissioner=NONE
    ),
    m.Grouping: Rule(community="community", providers="all", shared_if_empty=True),
    m.OrganisationalChange: Rule(community="community"),
    # Providers read their community's people: they pick the participants of the activities
    # they record on developments they take part in.
    m.Person: Rule(community="communities", providers="all"),
    m.Service: Rule(community="community", providers="own", provider=("provider",)),
    m.Contract: Rule(
        community="community", providers="own", provider=("provider",), money=("annual_value",)
    ),
    m.IncentiveScheme: Rule(
        community="contract__community",
        providers="own",
        provider=("contract__provider",),
        money=("value",),
    ),
    m.Spend: Rule(community="service__community", money=("amount",)),
    # A provider reads the developments its organisation takes part in (``partners``: the
    # work app's Partner records), with their objectives and activities, and records activities
    # (with their participants) on them.
    m.ServiceDevelopment: Rule(
        community="community", providers="own", provider=("partners__organisation",)
    ),
    m.Objective: Rule(
        community="development__community",
        providers="own",
        provider=("development__partners__organisation",),
    ),
    m.Activity: Rule(
        community="community",
        providers="own",
        provider=("development__partners__organisation",),
        provider_actions=frozenset({ADD, CHANGE}),
    ),
    m.Participation: Rule(
        community="activity__community",
        providers="own",
        provider=("activity__development__partners__organisation",),
        provider_actions=ALL_ACTIONS,
    ),
    m.Observation: Rule(
        community="service__community",
        organisation="organisation",
        providers="own",
        provider=("organisation", "service__provider"),
        provider_actions=frozenset({ADD, CHANGE}),
    ),
    m.Profile: Rule(admin_only=True, commissioner=NONE),
    m.AuditRecord: Rule(admin_only=True, frozen=True, commissioner=NONE),
    # the history of imports: read on the imports pages (may_undo_imports), changed by nobody
    m.Import: Rule(admin_only=True, frozen=True, commissioner=NONE),
    m.ImportChange: Rule(admin_only=True, frozen=True, commissioner=NONE),
}
ADMIN_ONLY = Rule(admin_only=True, commissioner=NONE)


def register_rules(rules: dict[type[models.Model], Rule]) -> None:
    """Add the rules of an app's own models to the policy.

    Each app that people see registers the rules of its models when Django starts (its
    ``AppConfig.ready``), so the policy needs to know no feature's models; a model already
    classified cannot be given a second rule.
    """
    for model, rule in rules.items():
        model = model._meta.concrete_model
        if model in RULES and RULES[model] != rule:
            raise ValueError(f"{model.__name__} already has an access rule")
        RULES[model] = rule


def rule_for(model: type[models.Model]) -> Rule:
    """The rule for ``model``; a model nobody has classified is for administrators only."""
    return RULES.get(model._meta.concrete_model, ADMIN_ONLY)


def community_organisations(community_id: int) -> models.QuerySet:
    """The organisations taking part in a community (their ids, as a query)."""
    return (
        m.Organisation.objects.filter(
            Q(communities=community_id)
            | Q(led_communities=community_id)
            | Q(services_provided__community=community_id)
            | Q(contracts_held__community=community_id)
        )
        .order_by()
        .values("pk")
    )


def community_organisation_ids(community_id: int) -> list[int]:
    """The ids of the organisations taking part in a community, as a list.

    A list, not a subquery, where it stands beside OR: PostgreSQL then combines index scans
    instead of reading the whole table (docs/benchmarks.md, web app under load).
    """
    return list(community_organisations(community_id).values_list("pk", flat=True))


def _any(parts: Iterable[Q]) -> Q | None:
    parts = list(parts)
    return reduce(or_, parts) if parts else None


def _of_community(model: type[models.Model], rule: Rule, community_id: int) -> Q | None:
    """The filter that keeps the records of ``model`` belonging to a community under ``rule``
    (its ``community`` and ``organisation`` lookups), or None if it has neither.

    With both lookups, either of two conditions: as ids on the record's own columns, so that the
    database can combine two index scans (a join or a subquery on either side of OR makes
    PostgreSQL read the whole table: 0.47 s against 0.02 s for 2.8M observations).
    """
    parts = []
    if rule.community and rule.organisation and "__" in rule.community:
        relation, rest = rule.community.split("__", 1)
        related = model._meta.get_field(relation).related_model
        ids = related._default_manager.filter(**{rest: community_id}).values_list("pk", flat=True)
        parts.append(Q(**{f"{relation}__in": list(ids)}))
    elif rule.community:
        parts.append(Q(**{rule.community: community_id}))
    if rule.organisation:
        parts.append(Q(**{f"{rule.organisation}__in": community_organisation_ids(community_id)}))
    return _any(parts)


def observations_of_community(community_id: int) -> Q:
    """The observations of a community: those of its services and of its organisations."""
    return _of_community(m.Observation, rule_for(m.Observation), community_id)


def condition(user, model: type[models.Model]) -> Q | None:
    """The filter that keeps the records of ``model`` that ``user`` may read.

    ``Q()`` means everything and ``None`` means nothing.
    """
    scope = scope_of(user)
    rule = rule_for(model)
    if scope is None:
        return None
    if scope.is_admin or rule.shared:
        return Q()
    if rule.admin_only:
        return None
    if scope.role == Role.PROVIDER and (rule.providers == "none" or scope.organisation_id is None):
        return None
    q = _of_community(model, rule, scope.community_id)
    if q is None:
        return None
    if scope.role == Role.PROVIDER and rule.providers == "own":
        q &= _any(Q(**{lookup: scope.organisation_id}) for lookup in rule.provider)
    if rule.shared_if_empty and rule.community:
        q |= Q(**{f"{rule.community}__isnull": True})
    if rule.confidential and scope.role != Role.COMMISSIONER:
        name, value = rule.confidential
        q &= ~Q(**{name: value})
    return q


def visible(user, queryset_or_model) -> models.QuerySet:
    """``queryset_or_model`` filtered to the records ``user`` may read."""
    if isinstance(queryset_or_model, models.QuerySet):
        queryset = queryset_or_model
    else:
        queryset = queryset_or_model._default_manager.all()
    q = condition(user, queryset.model)
    return queryset.none() if q is None else queryset.filter(q)


def visible_or_404(user, queryset_or_model, **lookup) -> models.Model:
    """The one record matching ``lookup`` that ``user`` may read, else "not found"."""
    obj = visible(user, queryset_or_model).filter(**lookup).first()
    if obj is None:
        raise Http404("Not found")
    return obj


#: What any import may refer to: organisations (national reference data, published by NHS
#: England's ODS) and communities by their codes. Everything else an import refers to must be a
#: record the importer may read (:func:`referable`).
OPEN_REFERENCES = (m.Organisation, m.CommissioningCommunity)


def referable(user):
    """What ``user``'s import may refer to, for :func:`commissioning.ingest.validate.check_upload`:
    a function giving the records of a model the import may name (None: any), or None for
    administrators (everything).

    A record the user may not read (another community's own indicator, development, service,
    person, contract or contract line...) is then answered exactly as one that does not exist
    ("neither in the database nor in this upload"), and an update's check of stored values
    never reads it. Every import a non-administrator makes passes this: the community import
    page and the contract import page alike.
    """
    if is_admin(user):
        return None

    def readable(model):
        return None if model in OPEN_REFERENCES else visible(user, model)

    return readable


def editable(user, model: type[models.Model], action: str = CHANGE) -> bool:
    """Whether ``user`` may ``action`` ("add", "change", "delete") some records of ``model``."""
    scope = scope_of(user)
    rule = rule_for(model)
    if scope is None or rule.frozen:
        return False
    if scope.is_admin:
        return True
    if scope.role == Role.COMMISSIONER:
        return action in rule.commissioner
    if scope.role == Role.PROVIDER:
        return action in rule.provider_actions and scope.organisation_id is not None
    return False


_UNKNOWN = object()


def _follow(obj: models.Model, lookup: str):
    """The value(s) at the end of ``lookup`` on an object, saved or not, as a set of ids.

    Returns ``_UNKNOWN`` for a many-to-many link on an unsaved object.
    """
    *path, last = lookup.split("__")
    for i, name in enumerate(path):
        if obj._meta.get_field(name).one_to_many:  # a reverse relation: ask the database
            if obj.pk is None:
                return _UNKNOWN
            rest = "__".join([*path[i + 1 :], last])
            return set(getattr(obj, name).values_list(rest, flat=True)) - {None}
        try:
            obj = getattr(obj, name)
        except models.ObjectDoesNotExist:
            return set()
        if obj is None:
            return set()
    f = obj._meta.get_field(last)
    if f.many_to_many:
        if obj.pk is None:
            return _UNKNOWN
        return set(getattr(obj, last).values_list("pk", flat=True))
    if f.primary_key:
        return {obj.pk}
    value = getattr(obj, f.attname)
    return set() if value is None else {value}


def _belongs(scope: Scope, rule: Rule, obj: models.Model) -> bool:
    """Whether the object, as it stands (perhaps unsaved), lies within a non-admin scope."""
    cid = scope.community_id
    inside = False
    if rule.community:
        found = _follow(obj, rule.community)
        inside = found is _UNKNOWN or cid in found
    if not inside and rule.organisation:
        ids = _follow(obj, rule.organisation)
        inside = bool(ids) and community_organisations(cid).filter(pk__in=ids).exists()
    if not inside:
        return False
    if scope.role == Role.PROVIDER and rule.providers == "own":
        found = [_follow(obj, lookup) for lookup in rule.provider]
        return any(ids is not _UNKNOWN and scope.organisation_id in ids for ids in found)
    return True


def can_edit(user, obj: models.Model, action: str = CHANGE) -> bool:
    """Whether ``user`` may ``action`` this record.

    For "add" the unsaved object is checked as it stands; for "change" both the stored record
    (which the user must be able to read) and the changed one must lie within the user's scope,
    so nothing can be moved out of (or into) a community the user does not act for.
    """
    if not editable(user, type(obj), action):
        return False
    scope = scope_of(user)
    if scope.is_admin:
        return True
    rule = rule_for(type(obj))
    if rule.shared or rule.admin_only:
        return False
    if action != ADD:
        if obj.pk is None or not visible(user, type(obj)).filter(pk=obj.pk).exists():
            return False
        if rule.shared_if_empty:  # readable is not enough: the stored record must be theirs
            stored = type(obj)._default_manager.get(pk=obj.pk)
            if not _belongs(scope, rule, stored):
                return False
        if action == DELETE:
            return True
    return _belongs(scope, rule, obj)


def hidden_fields(user, model: type[models.Model]) -> frozenset[str]:
    """Fields of ``model`` that ``user`` may not see (money, for viewers)."""
    scope = scope_of(user)
    rule = rule_for(model)
    if scope is not None and scope.role != Role.VIEWER:
        return frozenset()
    return frozenset(rule.money)


def redact(user, model: type[models.Model], record):
    """A copy of ``record`` (a dict or a pandas DataFrame) with hidden fields emptied."""
    hidden = hidden_fields(user, model)
    out = record.copy()
    names = out.columns if hasattr(out, "columns") else out.keys()
    for name in hidden & set(names):
        out[name] = None
    return out
