"""Provider selection: decision records, the pipeline and the OCDS release package.

Everything comes from :mod:`commissioning.provider_selection.presenter`, read through the access
policy: drafts only for commissioners, a provider's assessment only for that provider, no values
or scores for viewers.

The two lists (records and pipeline) are paged as every list of the API is and take
``community`` as a filter: without it they hold every community the caller may see; a community
the caller may not see answers "not found", exactly like one that does not exist. One record and
the OCDS package are of one community, so they still need ``community``.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from commissioning.access.communities import community_or_404, visible_communities
from commissioning.api.communities import CODE_PATTERN, code_field
from commissioning.api.errors import Refused
from commissioning.api.paging import PageQuery, page_of, paged
from commissioning.errors import UserError
from commissioning.provider_selection import ocds, presenter, records
from commissioning.store import audit

router = Router(tags=["provider selection"])


class CommunityQuery(Schema):
    community: str = Field(..., pattern=CODE_PATTERN, max_length=40, description="Community code")


class RecordQuery(CommunityQuery):
    version: int | None = Field(None, ge=1, le=100_000, description="A version (default latest)")


class ListQuery(PageQuery):
    community: str | None = code_field(
        "Only this community (default: every community you may see); one you may not see "
        "answers 404, as an unknown one does"
    )


class RecordSummary(Schema):
    community: str = Field(description="Code of the record's community")
    reference: str
    version: int
    title: str
    process: str
    status: str
    provider: str | None
    award_date: date | None
    chain_hash: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    note: str


class SectionOut(Schema):
    key: str
    title: str
    paragraphs: list[str]
    tables: list[TableOut]


class RecordOut(Schema):
    title: str
    subtitle: str
    sections: list[SectionOut]


class PipelineRowOut(Schema):
    community: str = Field(description="Code of the contract's community")
    contract: str
    title: str
    provider: str
    ends: date
    decision: str
    by_when: date | None
    overdue: bool
    record: str


def _communities(user, code: str | None) -> list:
    """The communities a list covers: the one asked for (else "not found", as for an unknown
    one), or every community ``user`` may see, by code."""
    if code is not None:
        return [community_or_404(user, code)]
    return list(visible_communities(user).select_related("commissioner").order_by("code"))


def _summary(community, r) -> dict:
    return {
        "community": community.code,
        "reference": r.reference,
        "version": r.version,
        "title": r.title,
        "process": r.process,
        "status": r.status,
        "provider": r.chosen_provider.name if r.chosen_provider else None,
        "award_date": r.award_date,
        "chain_hash": r.chain_hash,
    }


@router.get(
    "/provider-selection/records",
    response=paged(RecordSummary, "DecisionRecordPage"),
    summary="Records: the latest version of each, by community and reference",
)
def list_records(request, query: Query[ListQuery]):
    rows = [
        _summary(community, r)
        for community in _communities(request.user, query.community)
        for r in records.visible_records(request.user, community)
    ]
    return page_of(rows, query, list)


@router.get(
    "/provider-selection/records/{reference}",
    response=RecordOut,
    summary="One decision record, as a review panel reads it",
)
def get_record(request, query: Query[RecordQuery], reference: str = Path(..., max_length=60)):
    community = community_or_404(request.user, query.community)
    record = records.record_or_404(request.user, community, reference, query.version)
    if record.is_final:
        with audit.acting_as(request.user, audit.Channel.API):
            audit.opened(record)
    return presenter.as_data(presenter.record_report(request.user, record))


@router.get(
    "/provider-selection/pipeline",
    response=paged(PipelineRowOut, "PipelinePage"),
    summary="Contracts ending in the next 18 months and the decision each needs, by community",
)
def get_pipeline(request, query: Query[ListQuery]):
    today = timezone.localdate()
    rows = [
        {**row.__dict__, "community": community.code}
        for community in _communities(request.user, query.community)
        for row in presenter.pipeline(request.user, community, today).rows
    ]
    return page_of(rows, query, list)


@router.get(
    "/provider-selection/ocds",
    response=dict,
    summary="The community's awards as an OCDS 1.1 release package",
)
def get_ocds(request, query: Query[CommunityQuery]):
    community = community_or_404(request.user, query.community)
    try:
        return ocds.release_package(request.user, community, base=request.build_absolute_uri("/"))
    except UserError as exc:
        raise Refused(404, str(exc)) from None
