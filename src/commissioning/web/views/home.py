"""Home: the commissioning communities this user may see."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render

from commissioning.access.communities import visible_communities


def home(request):
    communities = (
        visible_communities(request.user)
        .select_related("commissioner")
        .annotate(development_count=Count("developments", distinct=True))
        .order_by("name")
    )
    return render(request, "web/home.html", {"communities": communities})
