"""Decision records read and written through the access policy.

- :func:`register_access_rules` adds this app's rules to :mod:`commissioning.access.policy`:
  a record belongs to its community; providers read only their own organisation's
  assessments; viewers never see scores or values (the policy's money fields).
- Reading: commissioners and administrators see drafts and every version; providers and viewers
  see finalised versions only (:func:`visible_records`, :func:`record_or_404`). Opening a
  finalised version is written to the audit trail (:func:`opened`).
- Writing: :func:`finalise` refuses a record with anything required missing
  (:func:`commissioning.provider_selection.rules.problems`), records the award in the contract
  register, seals the content and links it into the hash chain; :func:`amend` makes the next
  version; :func:`verify` checks a version and its history.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404
from django.utils import timezone

from commissioning.access import policy
from commissioning.access.policy import ALL_ACTIONS, Rule
from commissioning.provider_selection import chain, rules
from commissioning.provider_selection.models import (
    Assessment,
    ConflictOfInterest,
    CriterionWeight,
    DecisionMaker,
    DecisionRecord,
    Process,
    ProviderConsidered,
    Status,
)
from commissioning.store import audit
from commissioning.store.models import Contract, PaymentForm, ProcurementRoute, Role

ROUTES = {
    Process.DIRECT_A: ProcurementRoute.DIRECT_AWARD,
    Process.DIRECT_B: ProcurementRoute.DIRECT_AWARD,
    Process.DIRECT_C: ProcurementRoute.DIRECT_AWARD,
    Process.MOST_SUITABLE: ProcurementRoute.NEW,
    Process.COMPETITIVE: ProcurementRoute.TENDERED,
}


class NotReady(Exception):
    """The record cannot be finalised: ``problems`` says what is missing or wrong."""

    def __init__(self, problems: list[rules.Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def register_access_rules() -> None:
    part = Rule(community="record__community", providers="all")
    policy.register_rules(
        {
            DecisionRecord: Rule(
                community="community",
                providers="all",
                money=("estimated_value", "existing_lifetime_value"),
                commissioner=ALL_ACTIONS,
            ),
            CriterionWeight: part,
            DecisionMaker: part,
            ConflictOfInterest: part,
            ProviderConsidered: Rule(
                community="record__community", providers="own", provider=("provider",)
            ),
            Assessment: Rule(
                community="considered__record__community",
                providers="own",
                provider=("considered__provider",),
                money=("score",),
            ),
        }
    )


# ---------------------------------------------------------------------------------------------
# Reading


def sees_drafts(user) -> bool:
    scope = policy.scope_of(user)
    return scope is not None and (scope.is_admin or scope.role == Role.COMMISSIONER)


def can_change(user, community) -> bool:
    """Whether ``user`` may write decision records in ``community``."""
    probe = DecisionRecord(community=community)
    return policy.can_edit(user, probe, policy.ADD)


def _readable(user, queryset=None):
    qs = policy.visible(user, queryset if queryset is not None else DecisionRecord)
    if not sees_drafts(user):
        qs = qs.filter(status=Status.FINALISED)
    return qs


def visible_records(user, community):
    """The latest version of each record in ``community`` that ``user`` may read."""
    qs = _readable(user).filter(community=community)
    latest = {
        (row["reference"]): row["v"]
        for row in qs.values("reference").annotate(v=Max("version")).order_by()
    }
    wanted = [r for r in qs.select_related("chosen_provider", "existing_contract")]
    return sorted(
        (r for r in wanted if latest.get(r.reference) == r.version),
        key=lambda r: r.reference,
    )


def versions_of(user, record) -> list[DecisionRecord]:
    return list(
        _readable(user)
        .filter(community=record.community, reference=record.reference)
        .order_by("version")
    )


def record_or_404(user, community, reference: str, version: int | None = None):
    qs = _readable(user).filter(community=community, reference=reference)
    if version is not None:
        qs = qs.filter(version=version)
    record = (
        qs.select_related(
            "community__commissioner",
            "chosen_provider",
            "existing_contract__provider",
            "awarded_contract",
            "development",
            "finalised_by",
            "previous",
        )
        .order_by("-version")
        .first()
    )
    if record is None:
        raise Http404("Not found")
    return record


def considered_for(user, record):
    """The providers considered that ``user`` may read, with the assessments they may read."""
    return (
        policy.visible(user, ProviderConsidered.objects.filter(record=record))
        .select_related("provider")
        .prefetch_related(
            Prefetch("assessments", queryset=policy.visible(user, Assessment).order_by("criterion"))
        )
    )


def opened(user, record) -> None:
    """Write "opened" to the audit trail when a finalised version is read."""
    if record.is_final:
        with audit.acting_as(user, audit.Channel.WEB):
            audit.opened(record)


# ---------------------------------------------------------------------------------------------
# Facts and content


def facts(record: DecisionRecord) -> rules.Facts:
    existing = record.existing_contract
    considered = []
    for c in record.considered.select_related("provider").prefetch_related("assessments"):
        considered.append(
            rules.Considered(
                provider=c.provider_id,
                name=c.provider.name,
                meets_basic_selection=c.meets_basic_selection,
                scores={a.criterion: a.score for a in c.assessments.all()},
            )
        )
    return rules.Facts(
        process=record.process,
        services=record.services.count() if record.pk else 0,
        estimated_value=record.estimated_value,
        contract_start=record.contract_start,
        contract_end=record.contract_end,
        chosen_provider=record.chosen_provider_id,
        existing_provider=existing.provider_id if existing else None,
        existing_contract_end=existing.end_date if existing else None,
        existing_lifetime_value=record.existing_lifetime_value,
        framework=record.framework,
        only_existing_capable=record.only_existing_capable,
        patient_choice=record.patient_choice,
        providers_unrestricted=record.providers_unrestricted,
        offered_to_all=record.offered_to_all,
        expressions_of_interest=record.expressions_of_interest,
        existing_satisfactory=record.existing_satisfactory,
        materially_different=record.materially_different,
        change_by_authority=record.change_by_authority,
        can_identify_most_suitable=record.can_identify_most_suitable,
        weights={w.criterion: w.weight for w in record.weights.all()},
        considered=considered,
        decision_makers=record.decision_makers.count(),
        forum=record.forum,
        conflicts=[(c.interest, c.managed) for c in record.conflicts.all()],
        no_conflicts_declared=record.no_conflicts_declared,
        reasons=record.reasons,
        process_notice=record.process_notice,
        intention_published=record.intention_published,
        representations=record.representations,
        further_decision=record.further_decision,
        further_decision_kind=record.further_decision_kind,
        award_date=record.award_date,
        award_notice=record.award_notice,
    )


def problems(record: DecisionRecord) -> list[rules.Problem]:
    return rules.problems(facts(record))


def _plain(value):
    if isinstance(value, decimal.Decimal):  # every decimal field here has two places
        return format(value.quantize(decimal.Decimal("0.01")), "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


UNSEALED = {"id", "status", "sealed_content", "content_hash", "chain_hash", "created"}


def content(record: DecisionRecord) -> dict:
    """Everything the version says, as JSON-ready data (what is sealed on finalising)."""
    fields = {
        f.attname: _plain(getattr(record, f.attname))
        for f in DecisionRecord._meta.concrete_fields
        if f.attname not in UNSEALED
    }
    return {
        "record": fields,
        "services": sorted(record.services.values_list("pk", flat=True)),
        "activities": sorted(record.activities.values_list("pk", flat=True)),
        "weights": [
            [w.criterion, _plain(w.weight), w.how_considered]
            for w in record.weights.order_by("criterion")
        ],
        "considered": [
            {
                "provider": c.provider_id,
                "meets_basic_selection": c.meets_basic_selection,
                "basic_selection_notes": c.basic_selection_notes,
                "summary": c.summary,
                "assessments": [
                    [a.criterion, _plain(a.score), a.comment]
                    for a in c.assessments.order_by("criterion")
                ],
            }
            for c in record.considered.order_by("provider_id")
        ],
        "decision_makers": [
            [d.name, d.role, d.person_id] for d in record.decision_makers.order_by("name", "pk")
        ],
        "conflicts": [
            [c.person, c.interest, c.managed] for c in record.conflicts.order_by("person", "pk")
        ],
    }


# ---------------------------------------------------------------------------------------------
# Writing


def _years(start: dt.date, end: dt.date) -> decimal.Decimal:
    days = (end - start).days + 1
    return decimal.Decimal(days) / decimal.Decimal("365.25")


def _register_award(record: DecisionRecord) -> Contract:
    """The awarded contract in the contract register (made when the record is first
    finalised; an amendment keeps the same one)."""
    if record.awarded_contract_id:
        return record.awarded_contract
    reference = f"{record.community.code}-{record.reference}"[:60]
    years = _years(record.contract_start, record.contract_end)
    annual = (record.estimated_value / max(years, decimal.Decimal(1))).quantize(
        decimal.Decimal("0.01")
    )
    contract, _ = Contract.objects.get_or_create(
        reference=reference,
        defaults={
            "title": record.title[:200],
            "community": record.community,
            "commissioner": record.community.commissioner,
            "provider": record.chosen_provider,
            "payment_form": PaymentForm.OTHER,
            "procurement_route": ROUTES[record.process],
            "start_date": record.contract_start,
            "end_date": record.contract_end,
            "annual_value": annual,
        },
    )
    contract.services.add(*record.services.all())
    return contract


def finalise(record: DecisionRecord, user) -> DecisionRecord:
    """Finalise a draft: check it, record the award in the contract register, seal it."""
    if record.is_final:
        raise NotReady([rules.Problem("status", "This version is already finalised", "-")])
    found = problems(record)
    if found:
        raise NotReady(found)
    with transaction.atomic():
        record.awarded_contract = _register_award(record)
        record.finalised_at = timezone.now().replace(microsecond=0)
        record.finalised_by = user if getattr(user, "pk", None) else None
        record.save()
        record = DecisionRecord.objects.get(pk=record.pk)  # the content as stored
        text = chain.canonical(content(record))
        previous = record.previous.chain_hash if record.previous_id else None
        record.sealed_content = text
        record.content_hash = chain.content_hash(text)
        record.chain_hash = chain.chain_hash(previous, record.content_hash)
        record.status = Status.FINALISED
        record.save()
    return record


def latest_version(record: DecisionRecord) -> DecisionRecord:
    return (
        DecisionRecord.objects.filter(community=record.community, reference=record.reference)
        .order_by("-version")
        .first()
    )


def amend(record: DecisionRecord, reason: str, user=None) -> DecisionRecord:
    """A new draft version of a finalised record, carrying its content and ``reason``."""
    if not record.is_final:
        raise NotReady([rules.Problem("status", "Only a finalised version is amended", "-")])
    if latest_version(record).pk != record.pk:
        raise NotReady([rules.Problem("status", "Amend the latest version", "-")])
    if not reason.strip():
        reason_missing = rules.Problem("amendment_reason", "Give the reason for the amendment", "-")
        raise NotReady([reason_missing])
    with transaction.atomic():
        old_pk = record.pk
        old = DecisionRecord.objects.get(pk=old_pk)
        new = DecisionRecord.objects.get(pk=old_pk)
        new.pk = new.id = None
        new._state.adding = True
        new.version = old.version + 1
        new.previous = old
        new.amendment_reason = reason.strip()
        new.status = Status.DRAFT
        new.finalised_at = new.finalised_by = None
        new.sealed_content = new.content_hash = new.chain_hash = ""
        new.save()
        new.services.set(old.services.all())
        new.activities.set(old.activities.all())
        for w in old.weights.all():
            CriterionWeight.objects.create(
                record=new, criterion=w.criterion, weight=w.weight, how_considered=w.how_considered
            )
        for c in old.considered.all():
            copy = ProviderConsidered.objects.create(
                record=new,
                provider_id=c.provider_id,
                meets_basic_selection=c.meets_basic_selection,
                basic_selection_notes=c.basic_selection_notes,
                summary=c.summary,
            )
            for a in c.assessments.all():
                Assessment.objects.create(
                    considered=copy, criterion=a.criterion, score=a.score, comment=a.comment
                )
        for d in old.decision_makers.all():
            DecisionMaker.objects.create(record=new, name=d.name, role=d.role, person=d.person)
        for c in old.conflicts.all():
            ConflictOfInterest.objects.create(
                record=new, person=c.person, interest=c.interest, managed=c.managed
            )
    return new


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: list[str]
    versions: int


def verify(record: DecisionRecord) -> Verification:
    """Check this finalised version and every version before it against their seals."""
    history = []
    v = record
    while v is not None:
        history.append(v)
        v = v.previous
    history.reverse()
    sealed = [
        chain.Sealed(
            label=f"version {v.version}",
            sealed_text=v.sealed_content,
            content_hash=v.content_hash,
            chain_hash=v.chain_hash,
            current_text=chain.canonical(content(v)),
        )
        for v in history
        if v.is_final
    ]
    if not sealed:
        return Verification(False, ["this version is a draft: nothing is sealed yet"], 0)
    found = chain.verify(sealed)
    return Verification(not found, found, len(sealed))


class CommandLine:
    """Who the command line acts as: an administrator (as the report verbs do)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = True
    pk = None

    def get_username(self) -> str:
        return "command line"


COMMAND_LINE = CommandLine()
