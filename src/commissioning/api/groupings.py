"""Groupings of organisations (localities, federations, networks, caseloads, peer groups).

A community's groupings are read by that community's logins; shared groupings (no community)
by every login. Members are listed as at a date, and only those the login may read.
"""

from datetime import date

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from commissioning.access.policy import visible, visible_or_404
from commissioning.api.communities import (
    CODE_PATTERN,
    OrganisationBrief,
    OrganisationOut,
    brief,
    code_field,
    organisation_out,
)
from commissioning.api.paging import PageQuery, page_of, paged
from commissioning.store.groupings import members_on, practices_of
from commissioning.store.models import Grouping, GroupingKind, Organisation

router = Router(tags=["groupings"])


class GroupingOut(Schema):
    code: str
    name: str
    kind: str
    community: str | None = Field(description="Code of the owning community; null when shared")
    valid_from: date | None
    valid_to: date | None
    description: str
    anchor: OrganisationBrief | None = Field(description="For a peer group: the area it is for")
    method: str
    synthetic: bool


def grouping_out(g: Grouping) -> dict:
    return {
        "code": g.code,
        "name": g.name,
        "kind": g.kind,
        "community": g.community.code if g.community_id else None,
        "valid_from": g.valid_from,
        "valid_to": g.valid_to,
        "description": g.description,
        "anchor": brief(g.anchor),
        "method": g.method,
        "synthetic": g.synthetic,
    }


class GroupingQuery(PageQuery):
    community: str | None = code_field("Only groupings owned by this community")
    kind: GroupingKind | None = Field(None, description="Only groupings of this kind")


@router.get("/groupings", response=paged(GroupingOut, "GroupingPage"), summary="List groupings")
def list_groupings(request, query: Query[GroupingQuery]):
    qs = visible(request.user, Grouping).select_related("community", "anchor")
    if query.community is not None:
        qs = qs.filter(community__code=query.community)
    if query.kind is not None:
        qs = qs.filter(kind=query.kind)
    return page_of(qs.order_by("name", "pk"), query, lambda items: [grouping_out(g) for g in items])


class MembersQuery(PageQuery):
    on: date | None = Field(None, description="As at this date (default: today)")
    practices: bool = Field(
        False,
        description="List the GP practices the grouping covers (members that are practices and "
        "practices linked under members that are PCNs or commissioners) instead of its members",
    )


@router.get(
    "/groupings/{code}/members",
    response=paged(OrganisationOut, "GroupingMemberPage"),
    summary="Members of a grouping as at a date",
)
def grouping_members(
    request, query: Query[MembersQuery], code: str = Path(..., pattern=CODE_PATTERN, max_length=60)
):
    grouping = visible_or_404(request.user, Grouping, code=code)
    on = query.on or timezone.localdate()
    found = practices_of(grouping, on) if query.practices else members_on(grouping, on)
    qs = visible(request.user, Organisation).filter(pk__in=found.values("pk"))
    return page_of(
        qs.order_by("name", "pk"), query, lambda items: [organisation_out(o) for o in items]
    )
