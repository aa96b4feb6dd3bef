"""Contract performance: one contract's lines against plan, money, forecast, incentives,
variations, challenges and alerts in one financial year.

Everything comes from :mod:`commissioning.contracts.presenter`, read through the access policy:
a provider reads its own contracts only; viewers get no money (every money field is null).
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Path, Query, Router, Schema

from commissioning.access.policy import visible_or_404
from commissioning.api.paging import MAX_ID
from commissioning.contracts import presenter
from commissioning.store.models import Contract

router = Router(tags=["contract performance"])


class YearQuery(Schema):
    year: int | None = Field(
        None,
        ge=1948,
        le=2100,
        description="Financial year by its first year (2012 for "
        "2012/13); default the year of the latest month with activity",
    )


class ForecastOut(Schema):
    outturn: float | None
    lower: float | None = Field(description="95% range, lower end")
    upper: float | None
    method: str


class MonthOut(Schema):
    month: date
    plan: float | None
    actual: float | None
    plan_money: float | None
    paid: float | None


class LineOut(Schema):
    code: str
    name: str
    point_of_delivery: str
    treatment_function: str
    currency: str
    price: float | None
    fixed: bool
    year_plan: float | None
    plan_to_date: float | None
    actual_to_date: float | None
    variance: float | None
    variance_percent: float | None
    direction: str | None = Field(description="over, under or on plan")
    latest_point_type: str | None = Field(description="Making Data Count point type")
    latest_signal: str | None = Field(description="high or low when special cause")
    signal_or_noise: str
    position: str | None = Field(description="over, under or both: the plan against the limits")
    forecast: ForecastOut
    money: dict
    months: list[MonthOut]


class MilestoneOut(Schema):
    scheme: str
    year: int
    indicator: str
    description: str
    due: date
    status: str
    how: str
    value: float | None
    earned: float | None
    lost: float | None
    at_risk: float | None


class VariationOut(Schema):
    number: int
    title: str
    kind: str
    status: str
    proposed: date
    signed: date | None
    effective: date
    value_change: float | None
    new_end_date: date | None


class ChallengeOut(Schema):
    reference: str
    raised: date
    line: str
    kind: str
    status: str
    value: float | None
    value_agreed: float | None


class AlertOut(Schema):
    kind: str
    title: str
    detail: str


class PerformanceOut(Schema):
    reference: str
    title: str
    provider: str
    payment_form: str
    payment_rule: str
    year: int
    months_reported: int
    latest_month: date | None
    as_at: date
    value_now: float | None
    ends: date
    money: dict
    lines: list[LineOut]
    milestones: list[MilestoneOut]
    variations: list[VariationOut]
    challenges: list[ChallengeOut]
    alerts: list[AlertOut]


def _line(ln) -> dict:
    return {
        "code": ln.code,
        "name": ln.name,
        "point_of_delivery": ln.point_of_delivery,
        "treatment_function": ln.treatment_function,
        "currency": ln.currency,
        "price": ln.price,
        "fixed": ln.fixed,
        "year_plan": ln.year_plan,
        "plan_to_date": ln.ytd.plan,
        "actual_to_date": ln.ytd.actual,
        "variance": ln.ytd.variance,
        "variance_percent": ln.ytd.percent,
        "direction": ln.direction,
        "latest_point_type": ln.point_type,
        "latest_signal": ln.signal,
        "signal_or_noise": ln.signal_or_noise,
        "position": ln.position,
        "forecast": {
            "outturn": ln.forecast.outturn,
            "lower": ln.forecast.lower,
            "upper": ln.forecast.upper,
            "method": ln.forecast.method,
        },
        "money": {k: v for k, v in ln.money.items()},
        "months": [
            {
                "month": r.month,
                "plan": r.plan,
                "actual": r.actual,
                "plan_money": r.plan_money,
                "paid": r.paid,
            }
            for r in ln.months
        ],
    }


@router.get(
    "/contracts/{contract_id}/performance",
    response=PerformanceOut,
    summary="A contract's performance against plan in one financial year",
)
def get_performance(
    request, query: Query[YearQuery], contract_id: int = Path(..., ge=1, le=MAX_ID)
):
    contract = visible_or_404(
        request.user,
        Contract.objects.select_related("provider", "community", "commissioner"),
        pk=contract_id,
    )
    perf = presenter.performance(request.user, contract, query.year)
    return {
        "reference": contract.reference,
        "title": contract.title,
        "provider": contract.provider.name,
        "payment_form": perf.payment_form,
        "payment_rule": perf.payment_rule,
        "year": perf.year,
        "months_reported": perf.months_reported,
        "latest_month": perf.latest_month,
        "as_at": perf.as_at,
        "value_now": perf.value_now,
        "ends": perf.end_now,
        "money": perf.money,
        "lines": [_line(ln) for ln in perf.lines],
        "milestones": [
            {
                "scheme": s.name,
                "year": s.year,
                "indicator": i.code,
                "description": m.description,
                "due": m.due,
                "status": m.status,
                "how": m.how,
                "value": m.value,
                "earned": m.money.earned if m.money else None,
                "lost": m.money.lost if m.money else None,
                "at_risk": m.money.at_risk if m.money else None,
            }
            for s in perf.schemes
            for i in s.indicators
            for m in i.milestones
        ],
        "variations": [v.__dict__ for v in perf.variations],
        "challenges": [
            {
                "reference": c.reference,
                "raised": c.raised,
                "line": c.line,
                "kind": c.kind,
                "status": c.status,
                "value": c.value,
                "value_agreed": c.value_agreed,
            }
            for c in perf.challenges
        ],
        "alerts": [{"kind": a.kind, "title": a.title, "detail": a.detail} for a in perf.alerts],
    }
