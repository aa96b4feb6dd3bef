"""Peer groups: each area's nearest neighbours on age structure, deprivation and rurality.

Areas are each commissioning community (its commissioner and its member practices,
:func:`commissioning.store.communities.community_practices`) and each commissioner
organisation holding registers of its own. An area's variables (:data:`PEER_VARIABLES`) are the
shares of its registered patients aged 65 and over and under 15 at its latest list extract, and
the latest ``AREA_IMD`` and ``AREA_RURAL`` observations for its organisation, all as they stood
at the anchor area's own latest extract: areas are compared at one time, so an area of 2013 is
not matched with today's figures of another (nor an area with no data yet by then). Among the areas
with all four, each variable is turned into a z-score and the :data:`PEERS` nearest areas by
Euclidean distance are the peers (:func:`commissioning.analytics.needs.peer_groups`).
:func:`choose_and_store_peers` stores them as the peer group of the community's commissioner
(:func:`commissioning.store.groupings.save_peer_group`).

Used by the needs page (:mod:`commissioning.web.views.needs`) and the demo builder
(:mod:`commissioning.demo.areas`). Reads every area without a user's scope: callers show other
areas only as rounded totals.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Max

from commissioning.analytics.needs import peer_groups
from commissioning.store.communities import community_practices
from commissioning.store.groupings import save_peer_group
from commissioning.store.models import (
    CommissioningCommunity,
    Observation,
    Organisation,
    OrganisationKind,
    PracticePopulation,
)

#: Peers chosen for each area (so at least PEERS + 1 areas with the variables are needed).
PEERS = 5
IMD_INDICATOR = "AREA_IMD"
RURAL_INDICATOR = "AREA_RURAL"
#: The variables peers are chosen on (columns of :func:`area_profiles`), in plain words.
PEER_VARIABLES = {
    "share_65": "share of registered patients aged 65 and over",
    "share_under_15": "share aged under 15",
    "imd": f"deprivation (Index of Multiple Deprivation average score, {IMD_INDICATOR})",
    "rural": f"rurality (% of residents in rural areas, {RURAL_INDICATOR})",
}


def age_from(band: str) -> int:
    """The first age of a band label such as 65-69 or 90+ (-1 when unreadable)."""
    found = re.match(r"\s*(\d+)", str(band))
    return int(found.group(1)) if found else -1


@dataclass
class Area:
    """An area to compare with: a community (its commissioner and practices) or an organisation
    holding registers of its own (e.g. a sub-ICB location imported with its totals)."""

    org_id: int
    name: str
    units: list[int]  # the organisations whose records make up the area
    community: str | None = None


def all_areas() -> dict[int, Area]:
    """Every area in the database, keyed by its organisation (a community's commissioner).

    Read without the user's scope: other areas are only ever shown as rounded totals.
    """
    areas: dict[int, Area] = {}
    for c in CommissioningCommunity.objects.select_related("commissioner").order_by("pk"):
        ids = community_practices(c).values_list("pk", flat=True)
        areas.setdefault(c.commissioner_id, Area(c.commissioner_id, c.name, list(ids), c.code))
    own = (
        Organisation.objects.filter(kind__in=OrganisationKind.commissioners())
        .filter(registers__isnull=False)
        .exclude(pk__in=list(areas))
        .distinct()
        .values_list("pk", "name")
    )
    for pk, name in own:
        areas[pk] = Area(pk, name, [pk])
    return areas


def area_pairs(areas: dict[int, Area]) -> pd.DataFrame:
    return pd.DataFrame(
        [(a.org_id, u) for a in areas.values() for u in a.units],
        columns=["area", "organisation_id"],
    )


def populations_at(org_ids, on_or_before=None) -> pd.DataFrame:
    """Each organisation's registered patients by age band and sex at its latest extract on or
    before a date (or its latest): organisation_id, date, age_band, sex, population."""
    qs = PracticePopulation.objects.filter(organisation_id__in=list(org_ids))
    if on_or_before is not None:
        qs = qs.filter(date__lte=on_or_before)
    cols = ["organisation_id", "date", "age_band", "sex", "population"]
    dates = set(qs.values("organisation_id").annotate(d=Max("date")).values_list("d", flat=True))
    rows = qs.filter(date__in=dates).values_list(
        "organisation_id", "date", "age_band", "sex", "count"
    )
    pop = pd.DataFrame(list(rows), columns=cols)
    if pop.empty:
        return pop
    latest = pop.groupby("organisation_id")["date"].transform("max")
    return pop[pop["date"] == latest].reset_index(drop=True)


# ---------------------------------------------------------------------------------- peers


def area_profiles(areas: dict[int, Area], as_of: dt.date | None = None) -> pd.DataFrame:
    """The peer-group variables of every area: area, name, share_65, share_under_15 (of the
    registered patients at the area's latest extract), imd and rural (latest observations of
    AREA_IMD and AREA_RURAL for the area's organisation; missing when not stored); with
    ``as_of``, the latest on or before that date."""
    pairs = area_pairs(areas)
    pop = populations_at(pairs["organisation_id"].unique(), on_or_before=as_of)
    out = pd.DataFrame({"area": list(areas), "name": [a.name for a in areas.values()]})
    if not pop.empty:
        pop = pairs.merge(pop, on="organisation_id")
        pop = pop[pop["date"] == pop.groupby("area")["date"].transform("max")]
        age = pop["age_band"].map(age_from)
        pop = pop.assign(
            older=pop["population"].where(age >= 65, 0),
            young=pop["population"].where((age >= 0) & (age < 15), 0),
        )
        sums = pop.groupby("area")[["population", "older", "young"]].sum()
        shares = pd.DataFrame(
            {
                "area": sums.index,
                "share_65": (sums["older"] / sums["population"]).to_numpy(),
                "share_under_15": (sums["young"] / sums["population"]).to_numpy(),
            }
        )
        out = out.merge(shares, on="area", how="left")
    else:
        out = out.assign(share_65=np.nan, share_under_15=np.nan)
    for column, code in (("imd", IMD_INDICATOR), ("rural", RURAL_INDICATOR)):
        found = Observation.objects.filter(
            indicator__code=code, organisation_id__in=list(areas), value__isnull=False
        )
        if as_of is not None:
            found = found.filter(period__lte=as_of)
        rows = found.values_list("organisation_id", "period", "value")
        obs = pd.DataFrame(list(rows), columns=["area", "period", column])
        obs = obs.sort_values("period").drop_duplicates("area", keep="last")
        out = out.merge(obs[["area", column]], on="area", how="left")
    return out


def latest_extract(area: Area) -> dt.date | None:
    """The date of the area's latest registered-population extract (None without one)."""
    found = PracticePopulation.objects.filter(organisation_id__in=area.units).aggregate(
        latest=Max("date")
    )
    return found["latest"]


def choose_peers(anchor_id: int, areas: dict[int, Area], k: int = PEERS):
    """The ``k`` areas most like ``anchor_id`` on :data:`PEER_VARIABLES` (nearest neighbours on
    z-scores, :func:`commissioning.analytics.needs.peer_groups`).

    Returns (peers, method): peers a dataframe of area, name, rank, distance; or (None, reason)
    when they cannot be chosen.
    """
    as_of = latest_extract(areas[anchor_id]) if anchor_id in areas else None
    profiles = area_profiles(areas, as_of)
    variables = list(PEER_VARIABLES)
    usable = profiles.dropna(subset=variables).reset_index(drop=True)
    anchor = areas[anchor_id].name if anchor_id in areas else "this area"
    if anchor_id not in set(usable["area"]):
        return None, (
            f"{anchor} does not have all of: registered patients by age band, a deprivation "
            f"score ({IMD_INDICATOR}) and a rurality share ({RURAL_INDICATOR})"
        )
    if len(usable) < k + 1:
        return None, (
            f"only {len(usable)} area{'s have' if len(usable) != 1 else ' has'} registered "
            f"patients by age band, a deprivation score and a rurality share; {k} peers need "
            f"at least {k + 1}"
        )
    peers = peer_groups(usable, variables, unit="area", k=k)
    mine = peers[peers["area"] == anchor_id].merge(
        usable[["area", "name"]].rename(columns={"area": "peer"}), on="peer"
    )
    mine = mine.sort_values("rank")
    listed = "; ".join(f"{r.name} ({r.distance:.2f})" for r in mine.itertuples())
    method = (
        f"The {k} areas nearest to {anchor} among the {len(usable)} areas with all of: "
        + ", ".join(PEER_VARIABLES.values())
        + ". Each is turned into a z-score across those areas and areas are compared by "
        "Euclidean distance (in standard deviations). Ages are from each area's latest list "
        f"extract; deprivation and rurality from the latest {IMD_INDICATOR} and "
        f"{RURAL_INDICATOR} observations"
        + (f", all as they stood on {as_of:%d %B %Y}" if as_of else "")
        + f". Nearest first, with distances: {listed}."
    )
    mine = mine.drop(columns="area").rename(columns={"peer": "area"})
    return mine[["area", "name", "rank", "distance"]].reset_index(drop=True), method


def choose_and_store_peers(community, today: dt.date | None = None):
    """Choose the community's peers and store them as the peer group of its commissioner.

    Returns (grouping, None), or (None, reason) when peers cannot be chosen."""
    peers, method = choose_peers(community.commissioner_id, all_areas())
    if peers is None:
        return None, method
    today = today or dt.date.today()
    method = f"{method} Chosen on {today.isoformat()}."
    grouping = save_peer_group(
        community.commissioner, list(peers["area"]), method, community=community
    )
    return grouping, None
