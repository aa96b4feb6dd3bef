"""The demo's commissioning communities and their commissioners' history.

Three communities are modelled on the field study's areas around 2010-2012 (codes and sizes from
docs/guide/demo.md): the commissioner organisations carry their real ODS codes and dates, but
every record the demo makes is flagged synthetic and everything below the commissioner is made
up. A fourth, Mereshire, is a made-up present-day integrated care board with three places
(sub-ICB locations) that were clinical commissioning groups until 30 June 2022; its codes start
with ``Y`` like everything else the demo invents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from commissioning.demo.context import STUDY, TODAY, Build, Era
from commissioning.store.models import (
    CommissioningCommunity,
    Organisation,
    OrganisationKind,
    OrganisationLink,
    Relationship,
)

D = dt.date
PCT_CLOSED = D(2013, 3, 31)
CCG_OPENED = D(2013, 4, 1)
CCG_CLOSED = D(2022, 6, 30)
ICB_OPENED = D(2022, 7, 1)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    number: int  # used in synthetic codes: Y9<number>nnn for practices
    pct: tuple[str, str]
    ccg: tuple[str, str]
    icb: tuple[str, str]
    registered: int  # registered patients, 2011
    practices: int
    age_tilt: float  # how much older than England the lists are
    description: str
    era: Era = STUDY


AREAS = [
    Area(
        code="calderdale",
        name="Calderdale",
        number=1,
        pct=("5J6", "Calderdale Primary Care Trust"),
        ccg=("02T", "NHS Calderdale CCG"),
        icb=("QWO", "NHS West Yorkshire ICB"),
        registered=212_600,
        practices=28,
        age_tilt=0.0,
        description=(
            "Synthetic demo data modelled on Calderdale (West Yorkshire) around 2010-2012: "
            "about 212,600 registered patients in 28 practices. Every figure, provider and "
            "person here is made up."
        ),
    ),
    Area(
        code="somerset",
        name="Somerset",
        number=2,
        pct=("5QL", "Somerset Primary Care Trust"),
        ccg=("11X", "NHS Somerset CCG"),
        icb=("QSL", "NHS Somerset ICB"),
        registered=520_000,
        practices=76,
        age_tilt=0.25,
        description=(
            "Synthetic demo data modelled on Somerset around 2010-2012: about 520,000 "
            "registered patients in 76 practices, an older, rural population. Every figure, "
            "provider and person here is made up."
        ),
    ),
    Area(
        code="wirral",
        name="Wirral",
        number=3,
        pct=("5NK", "Wirral Primary Care Trust"),
        ccg=("12F", "NHS Wirral CCG"),
        icb=("QYG", "NHS Cheshire and Merseyside ICB"),
        registered=330_000,
        practices=56,
        age_tilt=0.1,
        description=(
            "Synthetic demo data modelled on Wirral (Merseyside) around 2010-2012: about "
            "330,000 registered patients in 56 practices. Every figure, provider and person "
            "here is made up."
        ),
    ),
]
AREA_BY_CODE = {a.code: a for a in AREAS}


# ------------------------------------------------------------------ the present-day community


@dataclass(frozen=True)
class Place:
    """A place of the integrated care board: a sub-ICB location that was a CCG to June 2022."""

    key: str
    name: str
    code: str  # the sub-ICB location's (made-up) code
    ccg: tuple[str, str]  # the CCG it was, to 30 June 2022
    registered: int  # registered patients, 2024
    practices: int
    age_tilt: float
    pcns: tuple[str, ...]  # its primary care networks' names


@dataclass(frozen=True)
class IcbArea:
    code: str
    name: str
    number: int
    icb: tuple[str, str]
    places: tuple[Place, ...]
    description: str
    era: Era = TODAY

    @property
    def registered(self) -> int:
        return sum(p.registered for p in self.places)

    @property
    def practices(self) -> int:
        return sum(p.practices for p in self.places)


PRESENT = IcbArea(
    code="mereshire",
    name="Mereshire",
    number=4,
    icb=("Y9Q01", "NHS Mereshire Integrated Care Board"),
    places=(
        Place(
            key="mereton",
            name="Mereton",
            code="Y9P01",
            ccg=("Y9G01", "NHS Mereton CCG"),
            registered=298_000,
            practices=30,
            age_tilt=-0.2,
            pcns=("Mereton Central PCN", "Mereton East PCN", "Mereton West PCN"),
        ),
        Place(
            key="north",
            name="North Mereshire",
            code="Y9P02",
            ccg=("Y9G02", "NHS North Mereshire CCG"),
            registered=176_000,
            practices=22,
            age_tilt=0.35,
            pcns=("Fenby and Coast PCN", "Upper Mere Valley PCN", "Northwold PCN"),
        ),
        Place(
            key="south",
            name="South Mereshire",
            code="Y9P03",
            ccg=("Y9G03", "NHS South Mereshire CCG"),
            registered=168_000,
            practices=20,
            age_tilt=0.1,
            pcns=("Southmere Towns PCN", "Brookford PCN", "Hallow and Vale PCN"),
        ),
    ),
    description=(
        "Synthetic demo data for a made-up present-day integrated care board, 2021-2026: "
        "about 642,000 registered patients in 72 practices, 9 primary care networks and three "
        "places (sub-ICB locations) that were clinical commissioning groups until 30 June "
        "2022. Every figure, organisation and person here is made up."
    ),
)
PLACE_BY_KEY = {p.key: p for p in PRESENT.places}


def pcn_code(i: int) -> str:
    """PCN codes are U and five digits; the demo's start U94 (community number 4)."""
    return f"U94{i:03d}"


# The real ODS codes the demo uses for commissioners; anything else it makes starts with "Y"
# (or "U9" for the made-up primary care networks).
COMMISSIONER_CODES = [c for a in AREAS for c in (a.pct[0], a.ccg[0], a.icb[0])]
PRESENT_CODES = [PRESENT.icb[0]] + [c for p in PRESENT.places for c in (p.code, p.ccg[0])]


def community_codes() -> list[str]:
    return [a.code for a in AREAS] + [PRESENT.code]


def build_communities(b: Build) -> None:
    """Commissioners (PCT -> CCG -> ICB, joined by successor links) and the communities."""
    for area in AREAS:
        icb = Organisation.objects.create(
            ods_code=area.icb[0],
            name=area.icb[1],
            kind=OrganisationKind.ICB,
            valid_from=ICB_OPENED,
            synthetic=True,
        )
        ccg = Organisation.objects.create(
            ods_code=area.ccg[0],
            name=area.ccg[1],
            kind=OrganisationKind.CCG,
            valid_from=CCG_OPENED,
            valid_to=CCG_CLOSED,
            successor=icb,
            synthetic=True,
        )
        pct = Organisation.objects.create(
            ods_code=area.pct[0],
            name=area.pct[1],
            kind=OrganisationKind.PCT,
            valid_to=PCT_CLOSED,
            successor=ccg,
            synthetic=True,
        )
        b.orgs[f"{area.code}:pct"] = pct
        b.orgs[f"{area.code}:ccg"] = ccg
        b.orgs[f"{area.code}:icb"] = icb
        b.communities[area.code] = CommissioningCommunity.objects.create(
            code=area.code,
            name=area.name,
            commissioner=pct,
            population=area.registered,
            description=area.description,
            synthetic=True,
        )
    _build_present(b)


def _build_present(b: Build) -> None:
    """The ICB, its places (sub-ICB locations, part of the ICB) and the CCGs they were.

    In ODS a sub-ICB location keeps its CCG's code; an organisation here has one code, so the
    demo gives each place its own made-up code and names it the CCG's successor.
    """
    area = PRESENT
    icb = Organisation.objects.create(
        ods_code=area.icb[0],
        name=area.icb[1],
        kind=OrganisationKind.ICB,
        valid_from=ICB_OPENED,
        synthetic=True,
    )
    b.orgs[f"{area.code}:icb"] = icb
    links = []
    for place in area.places:
        sub = Organisation.objects.create(
            ods_code=place.code,
            name=f"{area.icb[1]}: {place.name} (sub-ICB location)",
            kind=OrganisationKind.SUB_ICB,
            valid_from=ICB_OPENED,
            synthetic=True,
        )
        ccg = Organisation.objects.create(
            ods_code=place.ccg[0],
            name=place.ccg[1],
            kind=OrganisationKind.CCG,
            valid_from=CCG_OPENED,
            valid_to=CCG_CLOSED,
            successor=sub,
            synthetic=True,
        )
        links.append(
            OrganisationLink(
                child=sub, parent=icb, relationship=Relationship.PART_OF, valid_from=ICB_OPENED
            )
        )
        b.orgs[f"{area.code}:place:{place.key}"] = sub
        b.orgs[f"{area.code}:ccg:{place.key}"] = ccg
    OrganisationLink.objects.bulk_create(links)
    community = CommissioningCommunity.objects.create(
        code=area.code,
        name=area.name,
        commissioner=icb,
        population=area.registered,
        description=area.description,
        synthetic=True,
    )
    b.communities[area.code] = community
    community.members.add(
        icb,
        *(b.orgs[f"{area.code}:place:{p.key}"] for p in area.places),
        *(b.orgs[f"{area.code}:ccg:{p.key}"] for p in area.places),
    )
