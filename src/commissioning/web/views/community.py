"""A commissioning community: its organisations, conditions, services, contracts and work."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count, Q, Sum
from django.shortcuts import render

from commissioning.store.models import (
    Condition,
    DevelopmentStatus,
    Organisation,
    OrganisationKind,
    PracticePopulation,
)
from commissioning.web.access import community_or_404, sees_contract_values


def _list_sizes(practices: list[Organisation]) -> dict[int, int]:
    """Registered patients of each practice on its latest extract date."""
    rows = (
        PracticePopulation.objects.filter(organisation__in=practices)
        .values("organisation_id", "date")
        .annotate(patients=Sum("count"))
        .order_by("organisation_id", "-date")
    )
    latest: dict[int, int] = {}
    for row in rows:
        latest.setdefault(row["organisation_id"], row["patients"])
    return latest


def _organisation_groups(community) -> list[dict]:
    members = list(
        Organisation.objects.filter(Q(communities=community) | Q(pk=community.commissioner_id))
        .distinct()
        .order_by("kind", "name")
    )
    practices = [o for o in members if o.kind == OrganisationKind.GP_PRACTICE]
    sizes = _list_sizes(practices)
    for org in practices:
        org.list_size = sizes.get(org.pk)
    labels = dict(OrganisationKind.choices)
    order = {kind: i for i, kind in enumerate(OrganisationKind.values)}
    groups = []
    for kind, orgs in groupby(
        sorted(members, key=lambda o: (order[o.kind], o.name)), lambda o: o.kind
    ):
        orgs = list(orgs)
        group = {"kind": kind, "label": labels[kind], "organisations": orgs}
        if kind == OrganisationKind.GP_PRACTICE:
            known = [o.list_size for o in orgs if o.list_size is not None]
            group["list_size"] = sum(known) if known else None
        groups.append(group)
    return groups


def _developments(community, status: str | None):
    qs = community.developments.select_related("parent").order_by("start_date", "title")
    if status:
        qs = qs.filter(status=status)
    return qs


def community(request, code: str):
    community = community_or_404(request.user, code)
    status = request.GET.get("status") or None
    if status not in DevelopmentStatus.values:
        status = None
    conditions = (
        Condition.objects.filter(
            Q(services__community=community) | Q(developments__community=community)
        )
        .distinct()
        .annotate(
            service_count=Count("services", filter=Q(services__community=community), distinct=True),
            development_count=Count(
                "developments", filter=Q(developments__community=community), distinct=True
            ),
        )
        .order_by("name")
    )
    context = {
        "community": community,
        "groups": _organisation_groups(community),
        "conditions": conditions,
        "services": community.services.select_related("provider").prefetch_related("conditions"),
        "contracts": community.contracts.select_related("provider").order_by("reference"),
        "show_values": sees_contract_values(request.user),
        "developments": _developments(community, status),
        "statuses": DevelopmentStatus.choices,
        "status": status,
        "changes": community.changes.select_related("organisation").order_by("date"),
    }
    return render(request, "web/community.html", context)


def developments(request, code: str):
    """The developments table alone, filtered by status (for htmx; a full page without it)."""
    if not request.headers.get("HX-Request"):
        return community(request, code)
    community_ = community_or_404(request.user, code)
    status = request.GET.get("status") or None
    if status not in DevelopmentStatus.values:
        status = None
    context = {
        "community": community_,
        "developments": _developments(community_, status),
        "status": status,
    }
    return render(request, "web/_developments_table.html", context)
