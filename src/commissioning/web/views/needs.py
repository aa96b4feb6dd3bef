"""Needs for one condition in a community, and the list of conditions: laid out from the needs
presenter (:mod:`commissioning.needs.presenter`), which works out every figure, table, chart and
sentence; this module only chooses the page.

Providers are refused ("page not found"): the page is about the whole community's practices,
which they do not see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from commissioning.access.communities import community_or_404, refuse_providers
from commissioning.access.policy import is_admin
from commissioning.analytics.disclosure import configured_policy
from commissioning.needs import presenter
from commissioning.store.models import Condition


def needs_index(request, code: str):
    """Needs assessment for a community: each condition with registers for its practices, and
    plain advice on what to import (or set up) when there are none yet."""
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    context = {
        "community": community,
        **presenter.index(request.user, community),
        "user_may_set_up": is_admin(request.user),
    }
    return render(request, "web/needs_index.html", context)


def needs(request, code: str, condition: str):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    condition_ = get_object_or_404(Condition, slug=condition)
    user = request.user
    peers_problem = None
    if request.method == "POST":
        if request.POST.get("action") != "choose-peers" or not presenter.may_choose_peers(user):
            raise PermissionDenied("Only commissioners may choose peer groups.")
        grouping, peers_problem = presenter.choose_peers(community)
        if grouping is not None:
            url = reverse("community-needs", args=[community.code, condition_.slug])
            return redirect(f"{url}?peers=saved#peers")
    sections = presenter.condition_needs(user, community, condition_)
    context = {
        "community": community,
        "condition": condition_,
        "has_data": sections is not None,
        "suppression": configured_policy().describe(),
    }
    if sections is None:
        return render(request, "web/needs.html", context)
    context.update(sections)
    grouping = sections["peers"]["grouping"]
    context["peers"] = {
        **sections["peers"],
        "problem": peers_problem,
        "saved": request.GET.get("peers") == "saved" and grouping is not None,
    }
    return render(request, "web/needs.html", context, status=400 if peers_problem else 200)
