"""A community's every series worked out once (:func:`.arrays.work_out`) and kept until a record
changes (:func:`commissioning.store.computed.remembered`): the community monitoring page and the
API's ``/api/communities/{code}/monitoring`` draw their pages from the same kept result.

The key holds what the result depends on besides the records: what the login may see (its
scope: role, community and organisation), the community and the grouping asked for. The result
is shared (the object itself, ``shared=True``): its readers draw pages from it
(:meth:`.pages.Computed.page` makes copies of the series it shows) and change nothing.
"""

from __future__ import annotations

from commissioning.access.policy import scope_of, visible
from commissioning.monitoring import arrays
from commissioning.monitoring.pages import Computed
from commissioning.monitoring.recalculations import go_lives, recorded
from commissioning.monitoring.records import (
    community_observations,
    grouping_for_monitoring,
    grouping_totals,
    latest_period,
)
from commissioning.store.computed import remembered
from commissioning.store.models import Grouping, ServiceDevelopment

#: The name the result is kept under (the page's and the API's alike).
KEPT_AS = "community monitoring"


def go_live_marks(user, community) -> dict:
    """Go-live dates of the community's developments, on the charts of their objectives."""
    marks: dict = {}
    developments = (
        visible(user, ServiceDevelopment)
        .filter(community=community, go_live_date__isnull=False)
        .prefetch_related("objectives")
    )
    for dev in developments:
        for objective in dev.objectives.all():
            if objective.indicator_id:
                marks.setdefault(objective.indicator_id, []).append(
                    {"date": dev.go_live_date, "label": f"Go-live: {dev.title}"}
                )
    return marks


def community_series(
    user, community, grouping: str | None = None
) -> tuple[Computed, Grouping | None]:
    """Every series of ``community`` that ``user`` may read (only the GP practices of the
    grouping with code ``grouping``, and its total, when one is asked for), worked out, and that
    grouping: kept until a record changes. "Not found" for a grouping ``user`` may not use."""

    def work():
        observations = community_observations(user, community)
        chosen = grouping_for_monitoring(user, community, grouping)
        totals = members = None
        if chosen is not None:  # only the grouping's GP practices, and the grouping's total
            practice_ids, totals, members = grouping_totals(observations, chosen)
            observations = observations.filter(
                organisation_id__in=practice_ids, service__isnull=True
            )
        computed = arrays.work_out(
            observations,
            annotations=go_live_marks(user, community),
            latest=latest_period(user, community),
            recalculations=recorded(user, community),
            go_lives=go_lives(user, community),
            extra_series=totals,
            total_members=members,
        )
        return computed, chosen

    return remembered(KEPT_AS, (repr(scope_of(user)), community.code, grouping), work, shared=True)
