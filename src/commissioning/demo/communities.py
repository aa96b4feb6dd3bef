"""The three synthetic commissioning communities and their commissioners' history.

Each is modelled on a real area around 2010-2012 (codes and sizes from docs/guide/demo.md):
the commissioner organisations carry their real ODS codes and dates, but every record the demo
makes is flagged synthetic and everything below the commissioner is made up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from commissioning.demo.context import Build
from commissioning.store.models import CommissioningCommunity, Organisation, OrganisationKind

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

# The real ODS codes the demo uses for commissioners; anything else it makes starts with "Y".
COMMISSIONER_CODES = [c for a in AREAS for c in (a.pct[0], a.ccg[0], a.icb[0])]


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
