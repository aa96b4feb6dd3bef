"""Commissioning communities and the organisations taking part in them."""

from datetime import date

from django.db.models import Q
from ninja import Field, Path, Query, Router, Schema

from commissioning.access.policy import community_organisations, visible, visible_or_404
from commissioning.api.paging import MAX_ID, PageQuery, page_of, paged
from commissioning.store.models import CommissioningCommunity, Organisation, OrganisationKind

router = Router(tags=["communities"])

CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"


def code_field(description: str):
    return Field(None, pattern=CODE_PATTERN, max_length=40, description=description)


def id_field(description: str):
    return Field(None, ge=1, le=MAX_ID, description=description)


class OrganisationBrief(Schema):
    id: int
    ods_code: str
    name: str


def brief(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.pk, "ods_code": org.ods_code, "name": org.name}


class CommunityOut(Schema):
    code: str
    name: str
    commissioner: OrganisationBrief
    population: int | None
    description: str
    synthetic: bool


class OrganisationOut(Schema):
    id: int
    ods_code: str
    name: str
    kind: str
    valid_from: date | None
    valid_to: date | None
    successor: int | None
    postcode: str
    synthetic: bool


def community_out(c: CommissioningCommunity) -> dict:
    return {
        "code": c.code,
        "name": c.name,
        "commissioner": brief(c.commissioner),
        "population": c.population,
        "description": c.description,
        "synthetic": c.synthetic,
    }


def organisation_out(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "ods_code": o.ods_code,
        "name": o.name,
        "kind": o.kind,
        "valid_from": o.valid_from,
        "valid_to": o.valid_to,
        "successor": o.successor_id,
        "postcode": o.postcode,
        "synthetic": o.synthetic,
    }


@router.get(
    "/communities", response=paged(CommunityOut, "CommunityPage"), summary="List communities"
)
def list_communities(request, query: Query[PageQuery]):
    qs = visible(request.user, CommissioningCommunity).select_related("commissioner")
    return page_of(
        qs.order_by("name", "pk"), query, lambda items: [community_out(c) for c in items]
    )


@router.get("/communities/{code}", response=CommunityOut, summary="One community")
def get_community(request, code: str = Path(..., pattern=CODE_PATTERN, max_length=40)):
    qs = CommissioningCommunity.objects.select_related("commissioner")
    return community_out(visible_or_404(request.user, qs, code=code))


class OrganisationQuery(PageQuery):
    community: str | None = code_field("Only organisations taking part in this community")
    kind: OrganisationKind | None = Field(None, description="Only organisations of this kind")
    search: str | None = Field(None, max_length=100, description="Part of the name or ODS code")


@router.get(
    "/organisations",
    response=paged(OrganisationOut, "OrganisationPage"),
    summary="List organisations",
)
def list_organisations(request, query: Query[OrganisationQuery]):
    qs = visible(request.user, Organisation)
    if query.community is not None:
        communities = visible(request.user, CommissioningCommunity).filter(code=query.community)
        found = communities.values_list("pk", flat=True).first()
        qs = qs.filter(pk__in=community_organisations(found)) if found else qs.none()
    if query.kind is not None:
        qs = qs.filter(kind=query.kind)
    if query.search:
        text = query.search.replace("\x00", "")
        qs = qs.filter(Q(name__icontains=text) | Q(ods_code__icontains=text))
    return page_of(
        qs.order_by("name", "pk"), query, lambda items: [organisation_out(o) for o in items]
    )


@router.get(
    "/organisations/{organisation_id}", response=OrganisationOut, summary="One organisation"
)
def get_organisation(request, organisation_id: int = Path(..., ge=1, le=MAX_ID)):
    return organisation_out(visible_or_404(request.user, Organisation, pk=organisation_id))
