"""Home: the commissioning communities this user may see, by era.

A community's era follows its commissioner: primary care trusts (to March 2013), clinical
commissioning groups (April 2013 to June 2022) or integrated care boards and their places (from
July 2022). With communities of more than one era (the demo has the field study's three PCTs and
a present-day ICB), the visitor may pick one era (``?era=pct``) or see them all.
"""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render

from commissioning.access.communities import visible_communities
from commissioning.store.models import OrganisationKind

# era key -> (heading, what it is), in time order.
ERAS = {
    "pct": (
        "2008-2013: primary care trusts",
        "Communities led by a primary care trust, as in the field study of commissioning for "
        "long-term conditions (2010-2012).",
    ),
    "ccg": (
        "2013-2022: clinical commissioning groups",
        "Communities led by a clinical commissioning group.",
    ),
    "icb": (
        "Today: integrated care boards",
        "Communities led by an integrated care board, with its places (sub-ICB locations) and "
        "primary care networks.",
    ),
    "other": ("Other communities", "Communities led by another kind of organisation."),
}
KIND_ERA = {
    OrganisationKind.PCT: "pct",
    OrganisationKind.CCG: "ccg",
    OrganisationKind.ICB: "icb",
    OrganisationKind.SUB_ICB: "icb",
}


def era_of(community) -> str:
    return KIND_ERA.get(community.commissioner.kind, "other") if community.commissioner else "other"


def home(request):
    communities = list(
        visible_communities(request.user)
        .select_related("commissioner")
        .annotate(development_count=Count("developments", distinct=True))
        .order_by("name")
    )
    present = [key for key in ERAS if any(era_of(c) == key for c in communities)]
    chosen = request.GET.get("era", "")
    if chosen not in present:
        chosen = ""
    groups = [
        {
            "key": key,
            "heading": ERAS[key][0],
            "about": ERAS[key][1],
            "communities": [c for c in communities if era_of(c) == key],
        }
        for key in present
        if not chosen or key == chosen
    ]
    return render(
        request,
        "web/home.html",
        {
            "communities": communities,
            "groups": groups,
            "eras": [(key, ERAS[key][0]) for key in present],
            "chosen": chosen,
        },
    )
