"""Provider selection: decision records, the pipeline and the OCDS release package.

Everything comes from :mod:`commissioning.provider_selection.presenter`, read through the access
policy: drafts only for commissioners, a provider's assessment only for that provider, no values
or scores for viewers.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from commissioning.access.communities import community_or_404
from commissioning.api.communities import CODE_PATTERN
from commissioning.api.errors import Refused
from commissioning.errors import UserError
from commissioning.provider_selection import ocds, presenter, records
from commissioning.store import audit

router = Router(tags=["provider selection"])


class CommunityQuery(Schema):
    community: str = Field(..., pattern=CODE_PATTERN, max_length=40, description="Community code")


class RecordQuery(CommunityQuery):
    version: int | None = Field(None, ge=1, le=100_000, description="A version (default latest)")


class RecordSummary(Schema):
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
    contract: str
    title: str
    provider: str
    ends: date
    decision: str
    by_when: date | None
    overdue: bool
    record: str


@router.get("/provider-selection/records", response=list[RecordSummary], summary="Records")
def list_records(request, query: Query[CommunityQuery]):
    community = community_or_404(request.user, query.community)
    return [
        {
            "reference": r.reference,
            "version": r.version,
            "title": r.title,
            "process": r.process,
            "status": r.status,
            "provider": r.chosen_provider.name if r.chosen_provider else None,
            "award_date": r.award_date,
            "chain_hash": r.chain_hash,
        }
        for r in records.visible_records(request.user, community)
    ]


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
    response=list[PipelineRowOut],
    summary="Contracts ending in the next 18 months and the decision each needs",
)
def get_pipeline(request, query: Query[CommunityQuery]):
    community = community_or_404(request.user, query.community)
    return [
        r.__dict__ for r in presenter.pipeline(request.user, community, timezone.localdate()).rows
    ]


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
