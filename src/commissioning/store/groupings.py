"""Who is in a grouping on a date, which GP practices it covers, and stored peer groups.

A :class:`~commissioning.store.models.Grouping` is a named set of organisations with a date range
(a locality, a GP federation, a clinical network, a caseload, a peer group of similar areas).
Everything here answers "as at date D", because practices open, close and move between PCNs:

- :func:`members_on` — the members open on D, while the grouping is in use on D;
- :func:`practices_of` — the GP practices the grouping covers on D: members that are practices,
  plus the practices linked (:class:`~commissioning.store.models.OrganisationLink`, dated) under
  members that are PCNs, sub-ICB locations, CCGs or other parents;
- :func:`save_peer_group` — store the peers chosen for one area, replacing the older set.

These signatures are relied on by other pages (needs assessment uses ``practices_of`` and
``save_peer_group``): keep them stable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Q

from commissioning.store.models import (
    CommissioningCommunity,
    Grouping,
    GroupingKind,
    Organisation,
    OrganisationKind,
    OrganisationLink,
)

#: How many levels of dated links are followed down from a member (practice -> PCN -> sub-ICB
#: -> ICB is three).
MAX_DEPTH = 3


def open_on(date: dt.date) -> Q:
    """Organisations open on ``date`` (the query form of ``Organisation.open_on``)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date)
    )


def members_on(grouping: Grouping, date: dt.date) -> models.QuerySet:
    """The grouping's members open on ``date``; none when the grouping is not in use then."""
    if not grouping.in_use_on(date):
        return Organisation.objects.none()
    return grouping.members.filter(open_on(date)).order_by("name", "pk")


def practices_under(parent_ids: Iterable[int], date: dt.date) -> set[int]:
    """Ids of the GP practices open on ``date`` linked, as at that date, under these parents.

    Links are followed down up to :data:`MAX_DEPTH` levels (a practice in a PCN that is part of
    a sub-ICB location counts for the sub-ICB location), whatever the relationship.
    """
    found: set[int] = set()
    seen: set[int] = set()
    level = set(parent_ids)
    for _ in range(MAX_DEPTH):
        level -= seen
        if not level:
            break
        seen |= level
        children = Organisation.objects.filter(
            pk__in=OrganisationLink.objects.filter(OrganisationLink.on(date), parent__in=level)
            .order_by()
            .values("child_id")
        ).filter(open_on(date))
        level = set()
        for pk, kind in children.values_list("pk", "kind"):
            if kind == OrganisationKind.GP_PRACTICE:
                found.add(pk)
            else:
                level.add(pk)
    return found


def practices_of(grouping: Grouping, date: dt.date) -> models.QuerySet:
    """The GP practices a grouping covers on ``date`` (a queryset of Organisation).

    Members that are practices count themselves; members that are PCNs, sub-ICB locations,
    CCGs, PCTs or other parents count the practices linked under them as at ``date``. Practices
    closed on ``date`` are left out; so is everything when the grouping is not in use then.
    """
    members = list(members_on(grouping, date).values_list("pk", "kind"))
    ids = {pk for pk, kind in members if kind == OrganisationKind.GP_PRACTICE}
    ids |= practices_under(
        [pk for pk, kind in members if kind != OrganisationKind.GP_PRACTICE], date
    )
    return Organisation.objects.filter(pk__in=ids).order_by("name", "pk")


def peer_group_code(anchor: Organisation, community: CommissioningCommunity | None = None) -> str:
    """The code a peer group of ``anchor`` is stored under: ``peers-<ods>`` (or with community)."""
    ods = re.sub(r"[^a-z0-9]+", "-", anchor.ods_code.lower()).strip("-")
    return f"peers-{community.code}-{ods}" if community else f"peers-{ods}"


def save_peer_group(
    anchor: Organisation,
    members: Iterable[Organisation | int],
    method: str,
    community: CommissioningCommunity | None = None,
) -> Grouping:
    """Store ``members`` as the peer group of ``anchor`` and return it.

    ``members`` are organisations (or their ids); ``method`` says how they were chosen (the
    variables, k, the data's date) so the choice can be checked and repeated. ``community`` owns
    it (None: a shared peer group, every community may read it). An older peer group of the same
    anchor and community is replaced, in one transaction: its code stays
    (:func:`peer_group_code`), its members and method are the new ones.
    """
    ids = sorted({m.pk if isinstance(m, Organisation) else int(m) for m in members})
    with transaction.atomic():
        grouping, _ = Grouping.objects.update_or_create(
            code=peer_group_code(anchor, community),
            defaults={
                "name": f"Peers of {anchor.name}"[:200],
                "kind": GroupingKind.PEER_GROUP,
                "community": community,
                "anchor": anchor,
                "method": method,
                "synthetic": anchor.synthetic,
            },
        )
        grouping.members.set(ids)
    return grouping
