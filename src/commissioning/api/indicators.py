"""Indicators: what is measured, how, and which way is better."""

from ninja import Field, Path, Query, Router, Schema

from commissioning.access.policy import visible, visible_or_404
from commissioning.api.paging import MAX_ID, PageQuery, page_of, paged
from commissioning.store.models import Domain, Indicator

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    description: str
    domain: str
    unit: str
    numerator: str
    denominator: str
    polarity: str
    source: str
    frequency: str
    conditions: list[str]
    patient_counts: bool = Field(description="Counts of patients: small numbers are suppressed")
    why_it_matters: str = Field(description="Why commissioners should watch it")
    national_driver: str = Field(
        description="The national guidance, standard or programme it serves (e.g. NICE NG28)"
    )
    library: str = Field(
        description="The shipped indicator library it came from; empty for indicators users add"
    )
    community: str | None = Field(
        description="Code of the community that added it for itself; null for a shared indicator"
    )


def indicator_out(i: Indicator) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "description": i.description,
        "domain": i.domain,
        "unit": i.unit,
        "numerator": i.numerator,
        "denominator": i.denominator,
        "polarity": i.polarity,
        "source": i.source,
        "frequency": i.frequency,
        "conditions": [c.name for c in i.conditions.all()],
        "patient_counts": i.patient_counts,
        "why_it_matters": i.why_it_matters,
        "national_driver": i.national_driver,
        "library": i.library,
        "community": i.community.code if i.community_id else None,
    }


class IndicatorQuery(PageQuery):
    domain: Domain | None = Field(None, description="Only indicators in this domain")


@router.get("/indicators", response=paged(IndicatorOut, "IndicatorPage"), summary="List indicators")
def list_indicators(request, query: Query[IndicatorQuery]):
    qs = visible(request.user, Indicator)
    qs = qs.select_related("community").prefetch_related("conditions")
    if query.domain is not None:
        qs = qs.filter(domain=query.domain)
    return page_of(
        qs.order_by("code", "pk"), query, lambda items: [indicator_out(i) for i in items]
    )


@router.get("/indicators/{indicator_id}", response=IndicatorOut, summary="One indicator")
def get_indicator(request, indicator_id: int = Path(..., ge=1, le=MAX_ID)):
    qs = Indicator.objects.select_related("community").prefetch_related("conditions")
    return indicator_out(visible_or_404(request.user, qs, pk=indicator_id))
