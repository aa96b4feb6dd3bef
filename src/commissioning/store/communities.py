"""Which GP practices belong to a community, and setting up a community from the ODS links.

**One definition.** A community's practices are its members that are GP practices
(:func:`community_practices`). The needs pages, the board report, the peers, the community page,
the access policy and the exports all use it, so one community has one set of practices
everywhere. Practices join a community by being made members: by hand (an import of the
community with its ``members``, the admin), or from the ODS relationships by :func:`build_area`
(``commissioning area create``, the *Set up an area* page).

**From the ODS links.** :func:`practices_in_area` finds the practices a commissioner had on a
date: those with an "in the area of commissioner" link to it valid on that date (from the ODS
epraccur file), and, for an ICB, region or country, those of the organisations linked under it
as "part of" on that date (from the NHS geographies mapping), open on that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Max, Q, Sum
from django.utils.text import slugify

from commissioning.errors import BadArgument, UserError
from commissioning.store.models import (
    CommissioningCommunity,
    Organisation,
    OrganisationKind,
    OrganisationLink,
    PracticePopulation,
    Relationship,
)

#: How many "part of" levels are followed down from a commissioner (country -> region -> ICB
#: -> sub-ICB location is three).
MAX_DEPTH = 3
#: Kinds a community can be set up for (its commissioner).
AREA_KINDS = OrganisationKind.commissioners()


def community_practices(community: CommissioningCommunity | int) -> models.QuerySet:
    """The GP practices of a community: its members that are GP practices."""
    community_id = community if isinstance(community, int) else community.pk
    return Organisation.objects.filter(
        kind=OrganisationKind.GP_PRACTICE, communities=community_id
    ).order_by("name", "pk")


def _open_on(date: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date)
    )


def practices_in_area(commissioner: Organisation, on: dt.date) -> models.QuerySet:
    """The GP practices open on ``on`` that were in ``commissioner``'s area on that date."""
    parents = {commissioner.pk}
    level = {commissioner.pk}
    for _ in range(MAX_DEPTH):
        below = set(
            OrganisationLink.objects.filter(
                OrganisationLink.on(on),
                parent_id__in=level,
                relationship=Relationship.PART_OF,
                child__kind__in=AREA_KINDS | OrganisationKind.geographies(),
            ).values_list("child_id", flat=True)
        )
        level = below - parents
        if not level:
            break
        parents |= level
    linked = OrganisationLink.objects.filter(
        OrganisationLink.on(on),
        parent_id__in=parents,
        relationship=Relationship.COMMISSIONED_BY,
    ).values("child_id")
    return (
        Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE, pk__in=linked)
        .filter(_open_on(on))
        .order_by("name", "pk")
    )


@dataclass
class BuiltArea:
    community: CommissioningCommunity
    created: bool
    practices: int  # practices in the commissioner's area on the date
    added: int  # of them, made members now
    #: registered patients of its practices at the latest extract, exact: a count of patients,
    #: so shown only through the small-numbers rule (rounded to 5)
    population: int | None
    population_date: dt.date | None


def registered_patients(practice_ids, on_or_before: dt.date | None = None):
    """Registered patients of these practices at their latest extract on or before a date (or
    the latest), and that extract's date: (None, None) when none is held."""
    qs = PracticePopulation.objects.filter(organisation_id__in=list(practice_ids))
    if on_or_before is not None:
        qs = qs.filter(date__lte=on_or_before)
    latest = qs.aggregate(d=Max("date"))["d"]
    if latest is None:
        return None, None
    return qs.filter(date=latest).aggregate(n=Sum("count"))["n"], latest


def default_code(commissioner: Organisation) -> str:
    """A community code from the commissioner's name: "NHS Tees Valley CCG" -> tees-valley."""
    words = [
        w
        for w in slugify(commissioner.name).split("-")
        if w not in {"nhs", "ccg", "icb", "pct", "sub", "location", commissioner.ods_code.lower()}
    ]
    return ("-".join(words) or commissioner.ods_code.lower())[:40].strip("-")


def build_area(
    commissioner_code: str,
    *,
    as_at: dt.date,
    code: str | None = None,
    name: str | None = None,
) -> BuiltArea:
    """Create (or bring up to date) the community of a commissioner, its members the practices
    in the commissioner's area on ``as_at`` (:func:`practices_in_area`).

    A community that exists already (same code) keeps its members and gains the practices it
    lacks; it must have the same commissioner. Raises :class:`UserError` with a plain reason
    when the commissioner is unknown or not a commissioner, the code is taken by another
    commissioner's community, or no practice was in the area on the date.
    """
    wanted = commissioner_code.strip().upper()
    commissioner = Organisation.objects.filter(ods_code__iexact=wanted).first()
    if commissioner is None:
        raise BadArgument(
            f"no organisation has the ODS code {wanted}: import the ODS files first "
            "(`commissioning import eccg.csv epraccur.csv`, see docs/guide/own-area.md)"
        )
    if commissioner.kind not in AREA_KINDS:
        raise BadArgument(
            f"{commissioner} is a {commissioner.get_kind_display().lower()}, not a commissioner "
            "(a sub-ICB location, ICB, CCG or PCT)"
        )
    code = (code or default_code(commissioner)).strip()
    if not code or slugify(code) != code:
        raise BadArgument(
            f"the short name {code!r} may have only lower-case letters, digits and hyphens, "
            "such as tees-valley"
        )
    practices = list(practices_in_area(commissioner, as_at))
    if not practices:
        raise UserError(
            f"no GP practice was in the area of {commissioner} on {as_at.day} {as_at:%B %Y}: "
            "import the "
            "ODS practice file (epraccur), whose commissioner links give the area, or choose "
            "another date"
        )
    with transaction.atomic():
        community = CommissioningCommunity.objects.filter(code=code).first()
        created = community is None
        if community is not None and community.commissioner_id != commissioner.pk:
            raise UserError(
                f"the community {code!r} already exists with another commissioner "
                f"({community.commissioner}): choose another short name"
            )
        if community is None:
            community = CommissioningCommunity.objects.create(
                code=code,
                name=(name or commissioner.name)[:200],
                commissioner=commissioner,
                description=(
                    f"The GP practices in the area of {commissioner.name} "
                    f"({commissioner.ods_code}) on {as_at.day} {as_at:%B %Y}, from the ODS files."
                ),
            )
        have = set(community.members.values_list("pk", flat=True))
        new = [p for p in practices if p.pk not in have]
        community.members.add(*new)
    population, when = registered_patients(
        community_practices(community).values_list("pk", flat=True), as_at
    )
    return BuiltArea(community, created, len(practices), len(new), population, when)
