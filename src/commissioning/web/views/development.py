"""A service development: what it is for, who worked on it, and its timeline by stage."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.shortcuts import render

from commissioning.access.policy import visible_or_404
from commissioning.store.computed import remembered
from commissioning.store.models import Participation, RoleType, ServiceDevelopment, Stage
from commissioning.web.access import community_or_404
from commissioning.web.charts import chart_spec
from commissioning.web.timeline import activity_lanes, describe, lane_hours, timeline_chart
from commissioning.web.views.practice import development_labour, sees_money, stage_names


def _participants(development) -> list[dict]:
    roles = dict(RoleType.choices)
    rows = (
        Participation.objects.filter(activity__development=development)
        .values(
            "person_id",
            "person__name",
            "person__role_type",
            "person__is_clinician",
            "person__organisation__name",
        )
        .annotate(hours=Sum("hours"), activities=Count("activity", distinct=True))
        .order_by("-hours", "person__name")
    )
    return [
        {
            "name": r["person__name"],
            "role": roles.get(r["person__role_type"], r["person__role_type"]),
            "clinician": r["person__is_clinician"],
            "organisation": r["person__organisation__name"] or "",
            "hours": r["hours"],
            "activities": r["activities"],
        }
        for r in rows
    ]


def development(request, code: str, slug: str):
    community = community_or_404(request.user, code)
    dev = visible_or_404(
        request.user,
        ServiceDevelopment.objects.select_related("parent", "community"),
        community=community,
        slug=slug,
    )
    money = sees_money(request.user)
    # Stages are reference data outside the audit trail: their names are part of the key, so a
    # renamed stage shows at once rather than after COMMISSIONING_CACHE_SECONDS.
    stages = stage_names()
    sections = remembered(
        "development page",
        (dev.pk, money, tuple(sorted(stages.items()))),
        lambda: development_sections(request.user, community, dev),
    )
    context = {
        "community": community,
        "development": dev,
        "children": dev.children.order_by("start_date", "title"),
        "conditions": dev.conditions.order_by("name"),
        "services": dev.services.select_related("provider").order_by("name"),
        "objectives": dev.objectives.select_related("indicator").order_by("target_date", "id"),
        "drivers": dev.drivers.all(),
        **sections,
    }
    return render(request, "web/development.html", context)


def development_sections(user, community, dev) -> dict:
    """The timeline, participants and labour of development ``dev`` (costs only for logins
    that see money)."""
    stages = list(Stage.objects.order_by("order"))
    lanes = activity_lanes(dev)
    hours = lane_hours(lanes, stages)
    description = describe(lanes, hours)
    chart = chart_spec(timeline_chart(lanes, stages, description=description))
    lane_tables = [
        {
            "stage": row.stage,
            "hours": row.hours,
            "activities": lanes[lanes["stage"] == row.stage].to_dict("records"),
        }
        for row in hours.itertuples()
    ]
    participants = _participants(dev)
    return {
        "participants": participants,
        "total_hours": sum((p["hours"] for p in participants), 0),
        "lane_hours": hours.to_dict("records"),
        "lane_tables": lane_tables,
        "activity_count": int(lanes["activity"].nunique()),
        "chart": chart,
        "chart_description": description,
        "labour": development_labour(user, community, dev),
    }
