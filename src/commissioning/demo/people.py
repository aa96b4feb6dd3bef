"""Made-up people who take part in commissioning, of every stakeholder role.

Names are obviously invented ("Dr A. Example"), so nobody can take them for real people. Each
community has about forty-five of them: the field study found commissioning done by many people,
managers and clinicians of providers, GPs and third-sector representatives as well as the
commissioner's own staff, most of them people over whom commissioners had no managerial
authority.
"""

from __future__ import annotations

from commissioning.demo.communities import PRESENT
from commissioning.demo.context import Build
from commissioning.demo.providers_contracts import community_codes, provider_key
from commissioning.store.models import Person, RoleType

SURNAMES = [
    "Example", "Sample", "Specimen", "Instance", "Placeholder", "Madeup", "Pretend", "Mockup",
    "Dummy", "Invented", "Imaginary", "Fictional", "Notreal", "Testcase", "Prototype", "Standin",
]  # fmt: skip

RT = RoleType
# (role type, which organisation they work for, a specialty). Organisation keys: "commissioner"
# (the PCT, or the ICB), "acute", "community" (who ran community services after April 2011; the
# community and mental health trust today), "mh", "voluntary", "la", or "practice" (one of the
# community's practices); None for patients and carers.
CAST = [
    (RT.COMMISSIONING_MANAGER, "commissioner", None),  # director of commissioning
    (RT.COMMISSIONING_MANAGER, "commissioner", None),  # long-term conditions lead
    (RT.COMMISSIONING_MANAGER, "commissioner", "diabetes"),
    (RT.COMMISSIONING_MANAGER, "commissioner", "dementia"),
    (RT.COMMISSIONING_MANAGER, "commissioner", "stroke-tia"),
    (RT.FINANCE, "commissioner", None),
    (RT.FINANCE, "commissioner", None),
    (RT.FINANCE, "acute", None),
    (RT.CONTRACTS, "commissioner", None),
    (RT.CONTRACTS, "commissioner", None),
    (RT.CONTRACTS, "commissioner", None),
    (RT.PUBLIC_HEALTH, "commissioner", None),
    (RT.PUBLIC_HEALTH, "commissioner", None),  # information analyst in public health
    (RT.GP, "practice", "diabetes"),
    (RT.GP, "practice", "diabetes"),
    (RT.GP, "practice", "dementia"),
    (RT.GP, "practice", "dementia"),
    (RT.GP, "practice", "stroke-tia"),
    (RT.GP, "practice", None),  # chair of the professional executive committee (or the board)
    (RT.GP, "practice", None),
    (RT.CONSULTANT, "acute", "diabetes"),
    (RT.CONSULTANT, "acute", "stroke-tia"),
    (RT.CONSULTANT, "mh", "dementia"),
    (RT.CONSULTANT, "acute", "dementia"),  # geriatrician
    (RT.SPECIALIST_NURSE, "community", "diabetes"),
    (RT.SPECIALIST_NURSE, "community", "diabetes"),
    (RT.SPECIALIST_NURSE, "community", "stroke-tia"),
    (RT.SPECIALIST_NURSE, "mh", "dementia"),
    (RT.SPECIALIST_NURSE, "mh", "dementia"),
    (RT.PROVIDER_MANAGER, "acute", None),
    (RT.PROVIDER_MANAGER, "acute", None),
    (RT.PROVIDER_MANAGER, "community", None),
    (RT.PROVIDER_MANAGER, "mh", None),
    (RT.PROVIDER_MANAGER, "mh", "dementia"),
    (RT.THIRD_SECTOR, "voluntary", "dementia"),
    (RT.THIRD_SECTOR, "voluntary", "stroke-tia"),
    (RT.THIRD_SECTOR, "voluntary", None),
    (RT.PATIENT_REPRESENTATIVE, None, "diabetes"),
    (RT.PATIENT_REPRESENTATIVE, None, "diabetes"),
    (RT.PATIENT_REPRESENTATIVE, None, "dementia"),
    (RT.PATIENT_REPRESENTATIVE, None, "stroke-tia"),
    (RT.LOCAL_AUTHORITY_OFFICER, "la", "dementia"),
    (RT.LOCAL_AUTHORITY_OFFICER, "la", "stroke-tia"),
    (RT.LOCAL_AUTHORITY_OFFICER, "la", None),
]
PRESENT_KEYS = {"commissioner": "icb", "community": "cmh", "mh": "cmh"}


def org_key(community: str, key: str | None) -> str | None:
    """The organisation key (in ``Build.orgs``) a cast member of ``community`` works for."""
    if key is None or key == "practice":
        return key
    if community == PRESENT.code:
        return PRESENT_KEYS.get(key, key)
    if key == "commissioner":
        return "pct"
    return provider_key(community, key)


def build_people(b: Build) -> None:
    made: list[tuple[str, Person, str | None]] = []
    letter = 0
    for code in community_codes():
        for n, (role, key, specialty) in enumerate(CAST):
            where = org_key(code, key)
            if where == "practice":
                org = b.practices[code][(n * 5) % len(b.practices[code])]
            elif where:
                org = b.orgs[f"{code}:{where}"]
            else:
                org = None
            initial = chr(ord("A") + letter % 26)
            surname = SURNAMES[(letter // 26 + n) % len(SURNAMES)]
            letter += 1
            title = "Dr " if role in (RT.GP, RT.CONSULTANT) else ""
            person = Person(
                name=f"{title}{initial}. {surname}",
                role_type=role,
                is_clinician=role in RT.clinical(),
                organisation=org,
                synthetic=True,
            )
            made.append((code, person, specialty))
    people = Person.objects.bulk_create([p for _, p, _ in made])
    through = Person.communities.through
    rows = []
    for (code, _, specialty), person in zip(made, people, strict=True):
        b.people.setdefault(code, []).append(person)
        b.specialty[person.pk] = specialty
        rows.append(through(person=person, commissioningcommunity=b.communities[code]))
    through.objects.bulk_create(rows)
