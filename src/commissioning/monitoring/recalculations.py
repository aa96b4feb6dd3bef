"""Recalculations of a series' process limits: read through the access policy, proposed at a
development's go-live, confirmed (with the reason) or dismissed by a commissioner.

- :func:`register_access_rules` adds the rule of :class:`.models.Recalculation` to
  :mod:`commissioning.access.policy`: a recalculation belongs to its community; its
  commissioners (and administrators) record them; viewers read them; providers read those of
  their own organisation's series and of the services it provides.
- :func:`recorded` gives the decisions of a community a login may read: the confirmed ones
  are applied by every surface that draws the series (they are passed to
  :func:`commissioning.monitoring.presenter.build`), and any decision, confirmed or dismissed,
  stops the app proposing it again.
- :func:`go_lives` lists the series each development touched and its go-live date: the
  candidates :func:`.presenter.build` checks against the rule of :mod:`.rules`.
- :func:`decide` records a decision, checking the reason by the importer's rules
  (:func:`commissioning.ingest.validate.check_record`, the same words as an upload).

Light on purpose (no pandas, no charts): the app's ``ready`` imports it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from commissioning.access import policy
from commissioning.access.policy import ADD, Rule, visible
from commissioning.monitoring.models import Decision, Recalculation
from commissioning.store.models import ServiceDevelopment


def register_access_rules() -> None:
    policy.register_rules(
        {
            Recalculation: Rule(
                community="community",
                providers="own",
                provider=("organisation", "service__provider"),
            )
        }
    )


@dataclass(frozen=True)
class GoLive:
    """A series a development touched, and the day it went live: a candidate for new limits."""

    series: str
    indicator_id: int
    organisation_id: int | None
    service_id: int | None
    date: dt.date
    development_id: int
    development: str  # its title
    slug: str


def series_key(indicator_id, organisation_id=None, service_id=None) -> str:
    """A series' key, as :attr:`.presenter.Series.key` and :attr:`.models.Recalculation.series`."""
    if service_id is not None:
        return f"i{int(indicator_id)}-svc{int(service_id)}"
    return f"i{int(indicator_id)}-org{int(organisation_id)}"


def parse_series(key: str) -> tuple[int, int | None, int | None] | None:
    """(indicator id, organisation id, service id) of a series key, or None if it is not one."""
    indicator, _, subject = (key or "").partition("-")
    if not indicator.startswith("i") or not indicator[1:].isdigit():
        return None
    for prefix, at in (("org", 1), ("svc", 2)):
        if subject.startswith(prefix) and subject[len(prefix) :].isdigit():
            ids: list[int | None] = [int(indicator[1:]), None, None]
            ids[at] = int(subject[len(prefix) :])
            return ids[0], ids[1], ids[2]
    return None


def recorded(user, community) -> list[Recalculation]:
    """Every recalculation decision of ``community`` that ``user`` may read, oldest first."""
    return list(
        visible(user, Recalculation)
        .filter(community=community)
        .select_related("development")
        .order_by("starts", "id")
    )


def confirmed_starts(
    user, community, indicator_id: int, organisation_id=None, service_id=None
) -> list[dt.date]:
    """The dates from which a series' limits are recalculated in ``community`` (confirmed
    decisions ``user`` may read), for surfaces that draw one series themselves."""
    subject = (
        {"service_id": service_id}
        if service_id is not None
        else {"organisation_id": organisation_id, "service__isnull": True}
    )
    return sorted(
        visible(user, Recalculation)
        .filter(
            community=community,
            indicator_id=indicator_id,
            decision=Decision.CONFIRMED,
            **subject,
        )
        .values_list("starts", flat=True)
    )


def go_lives(user, community, development=None) -> list[GoLive]:
    """The series touched by the community's developments with a go-live date (only
    ``development``'s when given) that ``user`` may read: each objective's indicator for the
    community's commissioner and for each of the development's services."""
    developments = visible(user, ServiceDevelopment).filter(
        community=community, go_live_date__isnull=False
    )
    if development is not None:
        developments = developments.filter(pk=development.pk)
    found: list[GoLive] = []
    for dev in developments.prefetch_related("objectives", "services").order_by(
        "go_live_date", "title"
    ):
        indicators = sorted({o.indicator_id for o in dev.objectives.all() if o.indicator_id})
        subjects = [(community.commissioner_id, None)] + [
            (None, s.pk) for s in sorted(dev.services.all(), key=lambda s: s.pk)
        ]
        for indicator_id in indicators:
            for organisation_id, service_id in subjects:
                if organisation_id is None and service_id is None:
                    continue
                found.append(
                    GoLive(
                        series=series_key(indicator_id, organisation_id, service_id),
                        indicator_id=indicator_id,
                        organisation_id=organisation_id,
                        service_id=service_id,
                        date=dev.go_live_date,
                        development_id=dev.pk,
                        development=dev.title,
                        slug=dev.slug,
                    )
                )
    return found


def may_decide(user, community) -> bool:
    """Whether ``user`` may confirm or dismiss recalculations in ``community``: its
    commissioners and administrators."""
    return policy.can_edit(
        user, Recalculation(community=community, decision=Decision.CONFIRMED), ADD
    )


REASON_LENGTH = 2000  # characters at most


def reason_problems(text: str) -> list[str]:
    """What is wrong with a reason to confirm (empty when nothing): the reason is checked as a
    required column of an upload would be (:func:`commissioning.ingest.validate.check_record`:
    the same length limit, patient-identifier check and words)."""
    from commissioning.ingest.kinds import Column, Kind
    from commissioning.ingest.validate import check_record

    kind = Kind(
        name="limit_recalculations",
        model="Recalculation",
        app="monitoring",
        title="Recalculations of process limits",
        description="A commissioner's reason for recalculating a series' limits from a go-live.",
        columns=(Column("reason", "text", "reason", True, max_length=REASON_LENGTH),),
        key=("reason",),
    )
    _, problems = check_record(kind, {"reason": text})
    return problems.get("reason", [])


class AlreadyDecided(Exception):
    """Someone recorded a decision for this series and date first."""


def decide(user, community, go_live: GoLive, decision: str, reason: str) -> Recalculation:
    """Record ``decision`` (confirmed or dismissed) on a proposed recalculation, in one
    transaction. The caller has checked that ``user`` may decide (:func:`may_decide`), that
    the recalculation is proposed, and the reason. Raises :class:`AlreadyDecided` when a
    decision for the same series and date is already recorded."""
    record = Recalculation(
        community=community,
        indicator_id=go_live.indicator_id,
        organisation_id=go_live.organisation_id,
        service_id=go_live.service_id,
        starts=go_live.date,
        decision=decision,
        reason=reason.strip(),
        development_id=go_live.development_id,
        decided_by=user if getattr(user, "pk", None) else None,
        decided_by_name=user.get_username(),
    )
    if not policy.can_edit(user, record, ADD):
        raise PermissionError("this login may not record recalculations in this community")
    same = Recalculation.objects.filter(
        community=community,
        indicator_id=go_live.indicator_id,
        organisation_id=go_live.organisation_id,
        service_id=go_live.service_id,
        starts=go_live.date,
    )
    if same.exists():
        raise AlreadyDecided
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise AlreadyDecided from None
    return record
