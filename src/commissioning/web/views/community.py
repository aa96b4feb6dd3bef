"""A commissioning community: its organisations, conditions, services, contracts and work."""

from __future__ import annotations

from itertools import groupby

import pandas as pd
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.template.loader import render_to_string

from commissioning.access import policy
from commissioning.access.communities import community_or_404, sees_contract_values
from commissioning.access.policy import scope_of, visible
from commissioning.analytics.disclosure import configured_policy, shown_total, suppress_with_total
from commissioning.store.computed import remembered
from commissioning.store.models import (
    Condition,
    Contract,
    DevelopmentStatus,
    Organisation,
    OrganisationalChange,
    OrganisationKind,
    PracticePopulation,
    Service,
    ServiceDevelopment,
)


def _list_sizes(user, practices: list[Organisation]) -> dict[int, int]:
    """Registered patients of each practice on its latest extract date."""
    rows = (
        visible(user, PracticePopulation)
        .filter(organisation__in=practices)
        .values("organisation_id", "date")
        .annotate(patients=Sum("count"))
        .order_by("organisation_id", "-date")
    )
    latest: dict[int, int] = {}
    for row in rows:
        latest.setdefault(row["organisation_id"], row["patients"])
    return latest


def _shown_list_sizes(sizes: dict[int, int]) -> tuple[dict[int, object], object]:
    """The practices' list sizes and their total as the page may show them.

    Registered patients are counted from patient records unless the installation declares
    populations published figures (``COMMISSIONING_PUBLISHED_COUNTS``): then they are shown as
    stored. Otherwise small lists are hidden and the others rounded, and because the total is
    shown beside them, a lone hidden list takes the next smallest with it
    (:func:`commissioning.analytics.disclosure.suppress_with_total`).
    """
    policy = configured_policy()
    if not sizes:
        return {}, None
    if "populations" in policy.published:
        return dict(sizes), sum(sizes.values())
    cells = pd.DataFrame({"list_size": list(sizes.values())}, index=list(sizes))
    shown = suppress_with_total(cells, ["list_size"], policy=policy)["list_size"]
    return shown.to_dict(), shown_total(cells["list_size"], shown, policy)


def _organisation_groups(user, community) -> list[dict]:
    members = list(
        visible(user, Organisation)
        .filter(Q(communities=community) | Q(pk=community.commissioner_id))
        .distinct()
        .order_by("kind", "name")
    )
    practices = [o for o in members if o.kind == OrganisationKind.GP_PRACTICE]
    sizes, total = _shown_list_sizes(_list_sizes(user, practices))
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
            group["list_size"] = total
        groups.append(group)
    return groups


def _asked_status(request) -> str | None:
    """The development status the page is filtered by: a known status, or None for any."""
    status = request.GET.get("status")
    return status if status in DevelopmentStatus.values else None


def _developments(user, community, status: str | None):
    qs = (
        visible(user, ServiceDevelopment)
        .filter(community=community)
        .select_related("parent")
        .order_by("start_date", "title")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def _records(user, community, status: str | None, show_values: bool) -> str:
    """The community's developments, organisations, conditions, services, contracts and
    organisational changes, as HTML for everyone who sees what ``user`` sees."""
    services = visible(user, Service).filter(community=community)
    developments = visible(user, ServiceDevelopment).filter(community=community)
    in_services = Q(services__in=services)
    in_developments = Q(developments__in=developments)
    conditions = (
        Condition.objects.filter(in_services | in_developments)
        .distinct()
        .annotate(
            service_count=Count("services", filter=in_services, distinct=True),
            development_count=Count("developments", filter=in_developments, distinct=True),
        )
        .order_by("name")
    )
    context = {
        "community": community,
        "groups": _organisation_groups(user, community),
        "conditions": conditions,
        "services": services.select_related("provider").prefetch_related("conditions"),
        "contracts": visible(user, Contract)
        .filter(community=community)
        .select_related("provider")
        .order_by("reference"),
        "show_values": show_values,
        "developments": _developments(user, community, status),
        "statuses": DevelopmentStatus.choices,
        "status": status,
        "changes": visible(user, OrganisationalChange)
        .filter(community=community)
        .select_related("organisation")
        .order_by("date"),
    }
    return render_to_string("web/_community_records.html", context)


def community(request, code: str):
    community = community_or_404(request.user, code)
    status = _asked_status(request)
    user = request.user
    show_values = sees_contract_values(user)
    # At ICB scale 200 or more practices with their list sizes: the records are rendered once
    # for everyone in the same scope and kept until a record changes (40 ms a request before).
    records = remembered(
        "community records",
        (repr(scope_of(user)), community.code, status, show_values),
        lambda: _records(user, community, status, show_values),
        shared=True,
    )
    may_record = policy.can_edit(user, ServiceDevelopment(community=community), policy.ADD)
    return render(
        request,
        "web/community.html",
        {"community": community, "records": records, "may_record": may_record},
    )


def developments(request, code: str):
    """The developments table alone, filtered by status (for htmx; a full page without it)."""
    if not request.headers.get("HX-Request"):
        return community(request, code)
    community_ = community_or_404(request.user, code)
    status = _asked_status(request)
    context = {
        "community": community_,
        "developments": _developments(request.user, community_, status),
        "status": status,
    }
    return render(request, "web/_developments_table.html", context)
