"""The work of commissioning in a community, and the effective-commissioning scorecard.

The records are read with :func:`commissioning.store.frames.load_community` and every figure
comes from :mod:`commissioning.work.overview` (the page's presenter, on
:mod:`commissioning.analytics.work`); this module only lays it out.

Access: the page covers a whole community's work, people and money, so it is for the
community's commissioners, viewers and administrators. Providers (who do not see developments
or people) get "page not found", as does anyone from another community. Viewers see no money:
the money section, and every money column elsewhere, is left out for them
(``policy.hidden_fields``).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from commissioning.access.communities import community_or_404, refuse_providers, sees_money
from commissioning.analytics.work import scorecard
from commissioning.provider_selection.effort import procurement_frames
from commissioning.store.computed import remembered
from commissioning.store.frames import load_community
from commissioning.work.overview import scorecard_rows, work_sections
from commissioning.work.presenter import kept_scorecard, stage_names
from commissioning.work.tables import table


def work_overview(request, code: str):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    money = sees_money(request.user)
    stages = stage_names()
    sections = remembered(
        "work page",
        (community.code, money, tuple(sorted(stages.items()))),
        lambda: work_sections(
            load_community(community.code), money, stages, procurement_frames(community)
        ),
    )
    return render(request, "web/work_overview.html", {"community": community, **sections})


def scorecard_measure(request, code: str, measure_id: str):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    if measure_id not in {spec["id"] for spec in scorecard.MEASURES}:
        raise Http404("Not found")
    card = kept_scorecard(community.code)  # the API's card too, kept until a record changes
    measure = card.measure(measure_id)
    money = sees_money(request.user)
    row = next(r for r in scorecard_rows(card, money) if r["id"] == measure_id)
    context = {
        "community": community,
        "as_of": card.as_of,
        "measure": row,
        "records": table(measure.drilldown, money=money),
        "record_count": len(measure.drilldown),
    }
    return render(request, "web/scorecard_measure.html", context)
