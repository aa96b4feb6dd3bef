"""Services and the contracts that pay for them (contract values hidden from viewers)."""

from datetime import date

from django.db.models import Prefetch
from ninja import Field, Path, Query, Router, Schema

from commissioning.access.policy import hidden_fields, visible, visible_or_404
from commissioning.api.communities import OrganisationBrief, brief, code_field, id_field
from commissioning.api.paging import MAX_ID, PageQuery, page_of, paged
from commissioning.store.models import Contract, IncentiveScheme, Service, Setting

router = Router(tags=["services and contracts"])


class ServiceOut(Schema):
    id: int
    name: str
    community: str
    provider: OrganisationBrief
    setting: str
    tier: str
    conditions: list[str]
    start_date: date | None
    end_date: date | None
    last_reviewed: date | None


def service_out(s: Service) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "community": s.community.code,
        "provider": brief(s.provider),
        "setting": s.setting,
        "tier": s.tier,
        "conditions": [c.name for c in s.conditions.all()],
        "start_date": s.start_date,
        "end_date": s.end_date,
        "last_reviewed": s.last_reviewed,
    }


def _services(user):
    return (
        visible(user, Service)
        .select_related("community", "provider")
        .prefetch_related("conditions")
    )


class ServiceQuery(PageQuery):
    community: str | None = code_field("Only services in this community")
    provider: int | None = id_field("Only services from this provider organisation")
    setting: Setting | None = Field(None, description="Only services in this setting")


@router.get("/services", response=paged(ServiceOut, "ServicePage"), summary="List services")
def list_services(request, query: Query[ServiceQuery]):
    qs = _services(request.user)
    if query.community is not None:
        qs = qs.filter(community__code=query.community)
    if query.provider is not None:
        qs = qs.filter(provider_id=query.provider)
    if query.setting is not None:
        qs = qs.filter(setting=query.setting)
    return page_of(qs.order_by("name", "pk"), query, lambda items: [service_out(s) for s in items])


@router.get("/services/{service_id}", response=ServiceOut, summary="One service")
def get_service(request, service_id: int = Path(..., ge=1, le=MAX_ID)):
    return service_out(visible_or_404(request.user, _services(request.user), pk=service_id))


class IncentiveOut(Schema):
    scheme: str
    financial_year: int
    percent: float | None
    value: float | None = Field(description="£; empty when your role may not see it")
    goals: str


class ContractOut(Schema):
    id: int
    reference: str
    title: str
    community: str
    commissioner: OrganisationBrief
    provider: OrganisationBrief
    services: list[int]
    payment_form: str
    procurement_route: str
    start_date: date
    end_date: date
    annual_value: float | None = Field(description="£ a year; empty when your role may not see it")
    risk_share: str
    incentives: list[IncentiveOut]


def _money(value, name: str, hidden: frozenset[str]) -> float | None:
    return None if value is None or name in hidden else float(value)


def contract_renderer(user):
    hidden = hidden_fields(user, Contract)
    hidden_incentive = hidden_fields(user, IncentiveScheme)

    def render(c: Contract) -> dict:
        return {
            "id": c.pk,
            "reference": c.reference,
            "title": c.title,
            "community": c.community.code,
            "commissioner": brief(c.commissioner),
            "provider": brief(c.provider),
            "services": sorted(s.pk for s in c.services.all()),
            "payment_form": c.payment_form,
            "procurement_route": c.procurement_route,
            "start_date": c.start_date,
            "end_date": c.end_date,
            "annual_value": _money(c.annual_value, "annual_value", hidden),
            "risk_share": c.risk_share,
            "incentives": [
                {
                    "scheme": i.scheme,
                    "financial_year": i.financial_year,
                    "percent": None if i.percent is None else float(i.percent),
                    "value": _money(i.value, "value", hidden_incentive),
                    "goals": i.goals,
                }
                for i in c.incentives.all()
            ],
        }

    return render


def _contracts(user):
    return (
        visible(user, Contract)
        .select_related("community", "commissioner", "provider")
        .prefetch_related(Prefetch("services", queryset=visible(user, Service)), "incentives")
    )


class ContractQuery(PageQuery):
    community: str | None = code_field("Only contracts in this community")
    provider: int | None = id_field("Only contracts held by this provider organisation")
    live_on: date | None = Field(None, description="Only contracts running on this date")


@router.get("/contracts", response=paged(ContractOut, "ContractPage"), summary="List contracts")
def list_contracts(request, query: Query[ContractQuery]):
    qs = _contracts(request.user)
    if query.community is not None:
        qs = qs.filter(community__code=query.community)
    if query.provider is not None:
        qs = qs.filter(provider_id=query.provider)
    if query.live_on is not None:
        qs = qs.filter(start_date__lte=query.live_on, end_date__gte=query.live_on)
    render = contract_renderer(request.user)
    return page_of(qs.order_by("reference", "pk"), query, lambda items: [render(c) for c in items])


@router.get("/contracts/{contract_id}", response=ContractOut, summary="One contract")
def get_contract(request, contract_id: int = Path(..., ge=1, le=MAX_ID)):
    contract = visible_or_404(request.user, _contracts(request.user), pk=contract_id)
    return contract_renderer(request.user)(contract)
