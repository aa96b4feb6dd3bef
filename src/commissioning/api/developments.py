"""Service developments with their objectives and drivers, and the activities done for them."""

import datetime as dt

from django.db.models import Prefetch
from ninja import Field, Path, Query, Router, Schema

from commissioning.access.policy import visible, visible_or_404
from commissioning.api.communities import code_field
from commissioning.api.paging import MAX_ID, PageQuery, page_of, paged
from commissioning.store.models import (
    Activity,
    DevelopmentStatus,
    Participation,
    Service,
    ServiceDevelopment,
)

router = Router(tags=["developments"])


class ObjectiveOut(Schema):
    id: int
    description: str
    indicator: str | None = Field(description="Indicator code")
    baseline_value: float | None
    target_value: float | None
    target_date: dt.date | None
    measurable: bool


class DriverOut(Schema):
    id: int
    title: str
    kind: str
    issuer: str
    year: int | None
    link: str


class DevelopmentOut(Schema):
    id: int
    title: str
    slug: str
    community: str
    summary: str
    status: str
    size_of_change: str
    start_date: dt.date | None
    end_date: dt.date | None
    go_live_date: dt.date | None
    parent: int | None
    conditions: list[str]
    services: list[int]
    objectives: list[ObjectiveOut]
    drivers: list[DriverOut]


def development_out(d: ServiceDevelopment) -> dict:
    return {
        "id": d.pk,
        "title": d.title,
        "slug": d.slug,
        "community": d.community.code,
        "summary": d.summary,
        "status": d.status,
        "size_of_change": d.size_of_change,
        "start_date": d.start_date,
        "end_date": d.end_date,
        "go_live_date": d.go_live_date,
        "parent": d.parent_id,
        "conditions": [c.name for c in d.conditions.all()],
        "services": sorted(s.pk for s in d.services.all()),
        "objectives": [
            {
                "id": o.pk,
                "description": o.description,
                "indicator": o.indicator.code if o.indicator else None,
                "baseline_value": o.baseline_value,
                "target_value": o.target_value,
                "target_date": o.target_date,
                "measurable": o.is_measurable,
            }
            for o in d.objectives.all()
        ],
        "drivers": [
            {
                "id": x.pk,
                "title": x.title,
                "kind": x.kind,
                "issuer": x.issuer,
                "year": x.year,
                "link": x.link,
            }
            for x in d.drivers.all()
        ],
    }


def _developments(user):
    return (
        visible(user, ServiceDevelopment)
        .select_related("community")
        .prefetch_related(
            "conditions",
            "drivers",
            "objectives__indicator",
            Prefetch("services", queryset=visible(user, Service)),
        )
    )


class DevelopmentQuery(PageQuery):
    community: str | None = code_field("Only developments in this community")
    status: DevelopmentStatus | None = Field(None, description="Only developments in this state")


@router.get(
    "/developments", response=paged(DevelopmentOut, "DevelopmentPage"), summary="List developments"
)
def list_developments(request, query: Query[DevelopmentQuery]):
    qs = _developments(request.user)
    if query.community is not None:
        qs = qs.filter(community__code=query.community)
    if query.status is not None:
        qs = qs.filter(status=query.status)
    qs = qs.order_by("start_date", "title", "pk")
    return page_of(qs, query, lambda items: [development_out(d) for d in items])


@router.get("/developments/{development_id}", response=DevelopmentOut, summary="One development")
def get_development(request, development_id: int = Path(..., ge=1, le=MAX_ID)):
    development = visible_or_404(request.user, _developments(request.user), pk=development_id)
    return development_out(development)


class ParticipantOut(Schema):
    person: int
    name: str
    role_type: str
    clinician: bool
    organisation: str | None
    hours: float


class ActivityOut(Schema):
    id: int
    date: dt.date
    title: str
    kind: str
    nature: str
    stages: list[str]
    outcome: str
    participants: list[ParticipantOut]
    hours: float = Field(description="Everyone's hours added up")


def activity_out(a: Activity) -> dict:
    people = [
        {
            "person": p.person_id,
            "name": p.person.name,
            "role_type": p.person.role_type,
            "clinician": p.person.is_clinician,
            "organisation": p.person.organisation.name if p.person.organisation else None,
            "hours": float(p.hours),
        }
        for p in a.participations.all()
    ]
    return {
        "id": a.pk,
        "date": a.date,
        "title": a.title,
        "kind": a.kind,
        "nature": a.nature,
        "stages": [s.code for s in a.stages.all()],
        "outcome": a.outcome,
        "participants": people,
        "hours": sum(p["hours"] for p in people),
    }


class ActivityQuery(PageQuery):
    date_from: dt.date | None = Field(None, alias="from", description="Only activities on or after")
    date_to: dt.date | None = Field(None, alias="to", description="Only activities on or before")


@router.get(
    "/developments/{development_id}/activities",
    response=paged(ActivityOut, "ActivityPage"),
    summary="Activities of one development, with participants' hours",
)
def list_activities(
    request, query: Query[ActivityQuery], development_id: int = Path(..., ge=1, le=MAX_ID)
):
    development = visible_or_404(request.user, ServiceDevelopment, pk=development_id)
    participations = Participation.objects.select_related("person__organisation").order_by(
        "person__name", "pk"
    )
    qs = (
        visible(request.user, Activity)
        .filter(development=development)
        .prefetch_related("stages", Prefetch("participations", queryset=participations))
    )
    if query.date_from is not None:
        qs = qs.filter(date__gte=query.date_from)
    if query.date_to is not None:
        qs = qs.filter(date__lte=query.date_to)
    return page_of(qs.order_by("date", "pk"), query, lambda items: [activity_out(a) for a in items])
