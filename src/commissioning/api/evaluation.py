"""A development's evaluation: each objective's impact estimate, and the labour it took.

Each objective is laid out from :func:`commissioning.evaluation.presenter.objective_summary`
(the level change its evaluation page gives with the page's default choices, with its 95%
interval) and the labour from :func:`commissioning.work.presenter.development_labour` (the
development and its tasks, as its page counts them). The estimates rest on the values as every
surface shows them (a value resting on a small count is left out); the labour cost is given
only to logins that see money. Both are kept until a record changes, shared with the pages
(:func:`commissioning.work.presenter.kept_labour`, keyed on whether the login sees money; each
objective's summary on the login's scope).
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Path, Router, Schema

from commissioning.access.communities import sees_money
from commissioning.access.policy import visible, visible_or_404
from commissioning.api.paging import MAX_ID
from commissioning.evaluation.presenter import METHOD, objective_summary
from commissioning.store.models import Objective, ServiceDevelopment
from commissioning.work.presenter import kept_labour, stage_names

router = Router(tags=["developments"])


class ObjectiveEvaluationOut(Schema):
    id: int
    description: str
    indicator: str | None = Field(description="Indicator code; null when it names none")
    indicator_name: str | None
    unit: str | None = Field(description="The indicator's unit")
    baseline_value: float | None
    target_value: float | None
    target_date: date | None
    measurable: bool = Field(description="Names an indicator, a target value and a date")
    evaluated: bool = Field(description="True when a level change could be estimated")
    note: str | None = Field(
        description="As the board report's note: the months before and after the intervention, "
        "or why there is no estimate; null when the objective names no indicator"
    )
    subject: str | None = Field(description="The series evaluated: the commissioner or a service")
    intervention: date | None = Field(description="The month the change took effect")
    level_change: float | None = Field(
        description="The step in the indicator when the change took effect, in its own unit "
        "(percentage points for a percentage)"
    )
    lower: float | None = Field(description="95% interval of the level change, lower end")
    upper: float | None = Field(description="95% interval of the level change, upper end")
    method: str | None = Field(description="The method of the estimate, as every surface names it")
    caveats: list[str]


class LabourOut(Schema):
    hours: float = Field(description="Hours of the development's activities and its tasks'")
    task_hours: float = Field(description="Of those, the hours of its tasks")
    fte_years: float = Field(description="Full-time years")
    cost: float | None = Field(
        description="Pounds at each role's pay band with on-costs; null when your login sees "
        "no money, or some hours are by a role with no pay rate"
    )


class EvaluationOut(Schema):
    id: int
    title: str
    community: str
    objectives: list[ObjectiveEvaluationOut]
    labour: LabourOut


def objective_out(user, development, objective) -> dict:
    indicator = objective.indicator
    summary = objective_summary(user, development, objective)
    evaluated = summary is not None and summary.estimate is not None
    return {
        "id": objective.pk,
        "description": objective.description,
        "indicator": indicator.code if indicator else None,
        "indicator_name": indicator.name if indicator else None,
        "unit": indicator.unit if indicator else None,
        "baseline_value": objective.baseline_value,
        "target_value": objective.target_value,
        "target_date": objective.target_date,
        "measurable": objective.is_measurable,
        "evaluated": evaluated,
        "note": summary.note if summary else None,
        "subject": (summary.subject or None) if summary else None,
        "intervention": summary.intervention if summary else None,
        "level_change": summary.estimate if summary else None,
        "lower": summary.lower if summary else None,
        "upper": summary.upper if summary else None,
        "method": METHOD if evaluated else None,
        "caveats": list(summary.caveats) if summary else [],
    }


@router.get(
    "/developments/{development_id}/evaluation",
    response=EvaluationOut,
    summary="A development's evaluation: each objective's impact estimate, and its labour",
    description=(
        "For each objective: its baseline and target, and the level change at go-live with its "
        "95% interval, as the objective's evaluation page gives it by default. The labour is "
        "the hours (and, for logins that see money, the cost) of the development and its tasks, "
        "as its page counts them."
    ),
)
def get_evaluation(request, development_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.user
    development = visible_or_404(
        user,
        ServiceDevelopment.objects.select_related("community__commissioner", "parent"),
        pk=development_id,
    )
    objectives = (
        visible(user, Objective)
        .filter(development=development)
        .select_related("indicator")
        .order_by("target_date", "id")
    )
    labour = kept_labour(development, money=sees_money(user), stages=stage_names())
    return {
        "id": development.pk,
        "title": development.title,
        "community": development.community.code,
        "objectives": [objective_out(user, development, o) for o in objectives],
        "labour": {
            "hours": labour["hours"],
            "task_hours": labour["task_hours"],
            "fte_years": labour["fte_years"],
            "cost": labour["cost_pounds"],
        },
    }
