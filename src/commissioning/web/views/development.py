"""A service development, the workplace of the people on it: what it is for, its activity log,
decisions, risks and issues, planned benefits, who worked on it, and its timeline by stage.

What is recorded on it comes from :func:`commissioning.work.presenter.workplace`; the forms that
record it are in :mod:`commissioning.web.views.work`."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from commissioning.access.communities import community_or_404, sees_money
from commissioning.access.policy import scope_of, visible_or_404
from commissioning.charts import chart_spec
from commissioning.charts.timeline import describe, timeline_chart
from commissioning.store.computed import remembered
from commissioning.store.frames import load_community
from commissioning.store.models import Participation, RoleType, ServiceDevelopment, Stage
from commissioning.work.presenter import (
    development_ids,
    kept_labour,
    stage_names,
    workplace,
)
from commissioning.work.timeline import activity_lanes, lane_hours


def _participants(development_ids) -> list[dict]:
    roles = dict(RoleType.choices)
    rows = (
        Participation.objects.filter(activity__development__in=development_ids)
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
    # The participants, labour and timeline, and the work recorded on it (log, decisions,
    # risks, benefits) as this login may see and change it, are each worked out and rendered
    # once, then kept until a record changes: a request then pays only for the page around
    # them (at ICB scale the two tables of activities are most of the page's 400 KB).
    sections = remembered(
        "development page",
        (dev.pk, money, tuple(sorted(stages.items()))),
        lambda: _rendered(
            "web/_development_sections.html", development_sections(request.user, community, dev)
        ),
    )
    today = timezone.localdate()
    work = remembered(
        "development workplace",
        (dev.pk, repr(scope_of(request.user)), today.isoformat()),
        lambda: _workplace(request.user, community, dev, today),
    )
    context = {
        "work": work,
        "workplace_html": mark_safe(work["html"]),  # rendered by Django's templates, escaped
        "community": community,
        "development": dev,
        "children": dev.children.order_by("start_date", "title"),
        "conditions": dev.conditions.order_by("name"),
        "services": dev.services.select_related("provider").order_by("name"),
        "objectives": dev.objectives.select_related("indicator").order_by("target_date", "id"),
        "drivers": dev.drivers.all(),
        **sections,
        "sections_html": mark_safe(sections["html"]),  # rendered by Django's templates, escaped
    }
    return render(request, "web/development.html", context)


def _rendered(template: str, context: dict) -> dict:
    """``context`` with ``html``: ``template`` rendered with it (a plain string, to be kept)."""
    return {**context, "html": render_to_string(template, context)}


def _workplace(user, community, dev, today) -> dict:
    """What :func:`workplace` returns for ``user``, with its part of the page rendered."""
    work = workplace(user, dev, today=today)
    return {
        **work,
        "html": render_to_string(
            "web/work/_workplace.html", {"work": work, "community": community, "development": dev}
        ),
    }


def development_sections(user, community, dev) -> dict:
    """The timeline, participants and labour of development ``dev`` (costs only for logins
    that see money)."""
    stages = list(Stage.objects.order_by("order"))
    ids = development_ids(load_community(community.code), dev.pk)
    lanes = activity_lanes(ids)
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
    participants = _participants(ids)
    return {
        "participants": participants,
        "tasks_included": len(ids) - 1,
        "total_hours": sum((p["hours"] for p in participants), 0),
        "lane_hours": hours.to_dict("records"),
        "lane_tables": lane_tables,
        "activity_count": int(lanes["activity"].nunique()),
        "chart": chart,
        "chart_description": description,
        "labour": kept_labour(dev, money=sees_money(user), stages=stage_names()),
    }
