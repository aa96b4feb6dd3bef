"""Synthetic groupings for each demo community: three localities and a diabetes clinical network.

In the study's communities the localities split the community's practices, in code order, into
three nearly equal runs (made-up geography: there were no PCNs then). The network joins the
acute trust's and the community services' diabetes teams with every fourth practice, from April
2010. The present-day community has primary care networks and places instead of localities (they
come from the ODS ePCN file and the ICB's structure), and a diabetes clinical network from April
2022. Everything is derived from what the build already made, so the same seed always gives the
same groupings.
"""

from __future__ import annotations

import datetime as dt

from commissioning.demo.communities import AREAS, PRESENT
from commissioning.demo.context import FIRST_MONTH, Build
from commissioning.demo.providers_contracts import provider
from commissioning.store.models import Grouping, GroupingKind

LOCALITIES = ("North", "Central", "South")
NETWORK_FROM = dt.date(2010, 4, 1)


def _thirds(items: list) -> list[list]:
    n = len(items)
    cuts = [round(n * i / len(LOCALITIES)) for i in range(len(LOCALITIES) + 1)]
    return [items[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def build_groupings(b: Build) -> None:
    for area in AREAS:
        community = b.communities[area.code]
        practices = sorted(b.practices[area.code], key=lambda o: o.ods_code)
        for label, members in zip(LOCALITIES, _thirds(practices), strict=True):
            g = Grouping.objects.create(
                code=f"{area.code}-{label.lower()}-locality",
                name=f"{area.name} {label} locality",
                kind=GroupingKind.LOCALITY,
                community=community,
                valid_from=FIRST_MONTH,
                description=f"Synthetic: {len(members)} of {area.name}'s practices, in code order.",
                synthetic=True,
            )
            g.members.set(members)
        network = Grouping.objects.create(
            code=f"{area.code}-diabetes-network",
            name=f"{area.name} diabetes clinical network",
            kind=GroupingKind.CLINICAL_NETWORK,
            community=community,
            valid_from=NETWORK_FROM,
            description="Synthetic: the hospital and community diabetes teams with every fourth "
            "practice, meeting to agree one pathway.",
            synthetic=True,
        )
        network.members.set(
            {b.orgs[f"{area.code}:acute"], provider(b, area.code, "community"), *practices[::4]}
        )
    code = PRESENT.code
    practices = sorted(b.practices[code], key=lambda o: o.ods_code)
    network = Grouping.objects.create(
        code=f"{code}-diabetes-network",
        name=f"{PRESENT.name} diabetes clinical network",
        kind=GroupingKind.CLINICAL_NETWORK,
        community=b.communities[code],
        valid_from=dt.date(2022, 4, 1),
        description="Synthetic: the hospital and community diabetes teams with every fourth "
        "practice, agreeing one pathway across the three places.",
        synthetic=True,
    )
    network.members.set([b.orgs[f"{code}:acute"], b.orgs[f"{code}:cmh"], *practices[::4]])
