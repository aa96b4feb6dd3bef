"""The demo's confirmed recalculations of limits (called by the demo builder, and by tests).

:func:`confirm_go_live_recalculations` records, for one community, what its commissioner would
have confirmed where the study's developments went live: every recalculation the app proposes
(:func:`commissioning.monitoring.presenter.build` with the rule of
:mod:`commissioning.monitoring.rules`) for the series its developments' objectives touched,
with the development's go-live as the reason. In Wirral that is the new memory assessment
service (October 2010): the dementia diagnosis rate and the wait for a memory assessment; in
the other communities, the developments with measurable objectives whose change lasted. Nothing
is hard-coded: a recalibrated demo gets the confirmations its own data supports.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from commissioning.access.policy import ADMINISTRATION
from commissioning.monitoring.models import Decision, Recalculation
from commissioning.monitoring.recalculations import go_lives, recorded
from commissioning.monitoring.rules import MINIMUM_VALUES
from commissioning.store.models import Observation, ServiceDevelopment


def _reason(development: ServiceDevelopment) -> str:
    """The development, its go-live and the first sentence of its summary."""
    first = (development.summary or "").split(". ")[0].strip().rstrip(".")
    said = f"{development.title} went live on {development.go_live_date:%-d %B %Y}"
    return f"{said}: {first[0].lower()}{first[1:]}." if first else f"{said}."


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _decided_at(proposal) -> dt.datetime:
    """When the commissioner could first have confirmed it: a weekday morning after the month
    that brought the :data:`MINIMUM_VALUES`-th value since go-live (the demo's era, not the day
    it was built)."""
    g = proposal.go_live
    subject = {"service_id": g.service_id}
    if g.service_id is None:
        subject["organisation_id"] = g.organisation_id
    periods = list(
        Observation.objects.filter(
            indicator_id=g.indicator_id, period__gte=g.date, value__isnull=False, **subject
        )
        .order_by("period")
        .values_list("period", flat=True)[:MINIMUM_VALUES]
    )
    last = periods[-1] if periods else g.date
    following = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    day = _weekday(following + dt.timedelta(days=14))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def confirm_go_live_recalculations(
    community, *, by: str | None = None, rounds: int = 5
) -> list[Recalculation]:
    """Confirm every recalculation the app proposes in ``community`` at its developments'
    go-live dates, as its commissioner (``by``: the name recorded; the demo's commissioner
    login by default). A series with two go-lives is decided in date order (confirming the
    first changes what the second rests on), over at most ``rounds`` rounds. Returns the
    records made."""
    from commissioning.monitoring.presenter import build
    from commissioning.monitoring.records import community_observations

    by = by or f"{community.code}-commissioner"
    developments = {d.pk: d for d in ServiceDevelopment.objects.filter(community=community)}
    made: list[Recalculation] = []
    for _ in range(rounds):
        found = build(
            community_observations(ADMINISTRATION, community),
            recalculations=recorded(ADMINISTRATION, community),
            go_lives=go_lives(ADMINISTRATION, community),
            page_size=1,  # the proposals cover every series; no chart is needed
            render=False,
        )
        first: dict[str, object] = {}
        for p in found.proposals:  # in go-live order: the earliest of each series this round
            first.setdefault(p.series.key, p)
        if not first:
            break
        for p in first.values():
            g = p.go_live
            made.append(
                Recalculation.objects.create(
                    community=community,
                    indicator_id=g.indicator_id,
                    organisation_id=g.organisation_id,
                    service_id=g.service_id,
                    starts=g.date,
                    decision=Decision.CONFIRMED,
                    reason=_reason(developments[g.development_id]),
                    development_id=g.development_id,
                    decided_by_name=by,
                    decided_at=_decided_at(p),
                )
            )
    return made
