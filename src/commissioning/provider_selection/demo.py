"""Award records for a demo community (called by the demo builder, and by tests' fixtures).

:func:`add_award_records` adds three records to a community that already has contracts,
services, providers and people, dated around ``today``:

1. a finalised Direct Award Process C record replacing the contract that ends first, with its
   weights, the existing provider's assessment, two decision makers and the dates from the
   notice of intention to the award (the standstill worked out by :mod:`.standstill`);
2. a finalised Competitive Process record with two bidders (when the community has a second
   provider), one declared conflict of interest and how it was managed;
3. a draft Most Suitable Provider Process record still in progress, so the pipeline and the
   alerts have something to say.

Each is linked to a procurement activity with hours, so the transaction effort has data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commissioning.provider_selection import records
from commissioning.provider_selection.models import (
    Assessment,
    CriterionWeight,
    DecisionMaker,
    DecisionRecord,
    Process,
    ProviderConsidered,
)
from commissioning.provider_selection.rules import CRITERIA
from commissioning.provider_selection.standstill import (
    is_working_day,
    standstill,
    working_day_after,
)
from commissioning.store.models import (
    Activity,
    Contract,
    Nature,
    Organisation,
    Participation,
    Person,
    Stage,
)

WEIGHTS = {
    "quality_innovation": Decimal(35),
    "value": Decimal(20),
    "integration": Decimal(20),
    "access": Decimal(15),
    "social_value": Decimal(10),
}


def _weights(record) -> None:
    for criterion, weight in WEIGHTS.items():
        CriterionWeight.objects.create(
            record=record,
            criterion=criterion,
            weight=weight,
            how_considered=f"{CRITERIA[criterion]} scored against the service specification.",
        )


def _assess(record, provider, scores: dict[str, int], summary: str) -> None:
    considered = ProviderConsidered.objects.create(
        record=record,
        provider=provider,
        meets_basic_selection=True,
        basic_selection_notes="Registered with the Care Quality Commission; financial standing "
        "checked.",
        summary=summary,
    )
    for criterion, score in scores.items():
        Assessment.objects.create(
            considered=considered,
            criterion=criterion,
            score=Decimal(score),
            comment=f"{CRITERIA[criterion]}: evidence from the last two years' monitoring.",
        )


def _effort(record, community, people, date: dt.date, hours: list[str]) -> None:
    """A procurement activity with hours, on the working day on or before ``date``."""
    while not is_working_day(date):
        date -= dt.timedelta(days=1)
    activity = Activity.objects.create(
        community=community,
        date=date,
        title=f"Procurement step: {record.title}"[:250],
        kind="procurement",
        nature=Nature.TECHNICAL,
    )
    activity.stages.set(Stage.objects.filter(code="procurement"))
    for person, h in zip(people, hours, strict=False):
        Participation.objects.create(activity=activity, person=person, hours=Decimal(h))
    record.activities.add(activity)


def _value(contract: Contract) -> Decimal:
    years = Decimal((contract.end_date - contract.start_date).days + 1) / Decimal("365.25")
    return (contract.annual_value * max(years, Decimal(1))).quantize(Decimal("1"))


def add_award_records(community, *, today: dt.date, user=None) -> list[DecisionRecord]:
    """Add the three award records to ``community`` (see the module documentation)."""
    contracts = list(
        Contract.objects.filter(community=community, end_date__gte=today)
        .select_related("provider")
        .order_by("end_date", "reference")
    )
    if not contracts:
        raise ValueError(f"{community} has no running contract to base award records on")
    people = list(Person.objects.filter(communities=community).order_by("name")[:2])
    out = []

    # 1. Direct Award Process C, finalised: the notice of intention six weeks ago.
    old = contracts[0]
    published = working_day_after(today - dt.timedelta(days=45), 1)
    period = standstill(published)
    c = DecisionRecord.objects.create(
        community=community,
        reference="psr-dac-1",
        title=f"Continuation of {old.title}"[:200],
        description="The existing service continues with an updated specification.",
        cpv_code="85100000",
        estimated_value=_value(old),
        existing_lifetime_value=_value(old),
        contract_start=old.end_date + dt.timedelta(days=1),
        contract_end=old.end_date + dt.timedelta(days=3 * 365),
        process=Process.DIRECT_C,
        existing_contract=old,
        chosen_provider=old.provider,
        only_existing_capable=False,
        patient_choice=False,
        existing_satisfactory=True,
        materially_different=False,
        change_by_authority=False,
        forum="Contracts and procurement committee",
        reasons="The existing provider meets its quality and activity measures; continuity of "
        "care for people with long-term conditions; no considerable change.",
        no_conflicts_declared=True,
        intention_published=published,
        award_date=period.earliest_award + dt.timedelta(days=2),
        award_notice=period.earliest_award + dt.timedelta(days=9),
    )
    c.services.set(old.services.all())
    _weights(c)
    _assess(c, old.provider, dict.fromkeys(WEIGHTS, 72), "Satisfying the existing contract.")
    DecisionMaker.objects.create(record=c, name="Chief finance officer", role="Committee chair")
    DecisionMaker.objects.create(record=c, name="Director of commissioning", role="Member")
    _effort(c, community, people, published - dt.timedelta(days=20), ["6", "3.5"])
    out.append(records.finalise(c, user))

    # 2. Competitive Process, finalised, with two bidders when there is a second provider.
    providers = list(
        Organisation.objects.filter(contracts_held__community=community)
        .exclude(pk=community.commissioner_id)
        .distinct()
        .order_by("name")
    )
    if len(providers) >= 2 and len(contracts) >= 2:
        target = contracts[1]
        rival = next(p for p in providers if p.pk != target.provider_id)
        published = working_day_after(today - dt.timedelta(days=120), 1)
        period = standstill(published)
        k = DecisionRecord.objects.create(
            community=community,
            reference="psr-comp-1",
            title=f"Re-procurement of {target.title}"[:200],
            description="A redesigned service, tendered openly.",
            cpv_code="85100000",
            estimated_value=_value(target) * Decimal("1.4"),
            contract_start=target.end_date + dt.timedelta(days=1),
            contract_end=target.end_date + dt.timedelta(days=5 * 365),
            process=Process.COMPETITIVE,
            existing_contract=target,
            chosen_provider=rival,
            only_existing_capable=False,
            patient_choice=False,
            forum="Integrated care board",
            reasons="The winning bid scored highest on quality and integration.",
            process_notice=published - dt.timedelta(days=90),
            intention_published=published,
            award_date=period.earliest_award + dt.timedelta(days=3),
            award_notice=period.earliest_award + dt.timedelta(days=10),
        )
        k.services.set(target.services.all())
        _weights(k)
        _assess(k, rival, dict.fromkeys(WEIGHTS, 80), "The strongest bid.")
        _assess(k, target.provider, dict.fromkeys(WEIGHTS, 64), "A sound bid.")
        DecisionMaker.objects.create(record=k, name="Chair of the board", role="Chair")
        k.conflicts.create(
            person="Clinical lead",
            interest="Holds an honorary contract with one bidder",
            managed="Took no part in scoring; left the meeting for the decision.",
        )
        _effort(k, community, people, published - dt.timedelta(days=60), ["20", "12"])
        out.append(records.finalise(k, user))

    # 3. Most Suitable Provider Process, still a draft.
    last = contracts[-1]
    m = DecisionRecord.objects.create(
        community=community,
        reference="psr-msp-1",
        title=f"New provider arrangements for {last.title}"[:200],
        estimated_value=_value(last),
        contract_start=last.end_date + dt.timedelta(days=1),
        contract_end=last.end_date + dt.timedelta(days=2 * 365),
        process=Process.MOST_SUITABLE,
        existing_contract=last,
        can_identify_most_suitable=True,
        forum="Contracts and procurement committee",
    )
    m.services.set(last.services.all())
    _weights(m)
    out.append(m)
    return out
