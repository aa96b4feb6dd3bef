"""Made-up people who take part in commissioning, of every stakeholder role.

Names are obviously invented ("Dr A. Example"), so nobody can take them for real people.
"""

from __future__ import annotations

from commissioning.demo.communities import AREAS
from commissioning.demo.context import Build
from commissioning.store.models import Person, RoleType

SURNAMES = [
    "Example", "Sample", "Specimen", "Instance", "Placeholder", "Madeup", "Pretend", "Mockup",
    "Dummy", "Invented", "Imaginary", "Fictional", "Notreal", "Testcase", "Prototype", "Standin",
]  # fmt: skip

# (role type, how many per community, which organisation they work for, a specialty).
# Organisation keys name what providers_contracts makes: "pct", "acute", "community", "mh",
# "voluntary", "la", or "practice" (one of the community's practices).
CAST = [
    (RoleType.COMMISSIONING_MANAGER, "pct", None),
    (RoleType.COMMISSIONING_MANAGER, "pct", None),
    (RoleType.COMMISSIONING_MANAGER, "pct", None),
    (RoleType.FINANCE, "pct", None),
    (RoleType.FINANCE, "acute", None),
    (RoleType.CONTRACTS, "pct", None),
    (RoleType.CONTRACTS, "pct", None),
    (RoleType.PUBLIC_HEALTH, "pct", None),
    (RoleType.PUBLIC_HEALTH, "pct", None),
    (RoleType.GP, "practice", "diabetes"),
    (RoleType.GP, "practice", "dementia"),
    (RoleType.GP, "practice", "stroke-tia"),
    (RoleType.GP, "practice", None),
    (RoleType.CONSULTANT, "acute", "diabetes"),
    (RoleType.CONSULTANT, "acute", "stroke-tia"),
    (RoleType.CONSULTANT, "mh", "dementia"),
    (RoleType.SPECIALIST_NURSE, "community", "diabetes"),
    (RoleType.SPECIALIST_NURSE, "community", "stroke-tia"),
    (RoleType.SPECIALIST_NURSE, "mh", "dementia"),
    (RoleType.PROVIDER_MANAGER, "acute", None),
    (RoleType.PROVIDER_MANAGER, "community", None),
    (RoleType.PROVIDER_MANAGER, "mh", None),
    (RoleType.THIRD_SECTOR, "voluntary", "dementia"),
    (RoleType.THIRD_SECTOR, "voluntary", None),
    (RoleType.PATIENT_REPRESENTATIVE, None, "diabetes"),
    (RoleType.PATIENT_REPRESENTATIVE, None, "dementia"),
    (RoleType.PATIENT_REPRESENTATIVE, None, "stroke-tia"),
    (RoleType.LOCAL_AUTHORITY_OFFICER, "la", "dementia"),
    (RoleType.LOCAL_AUTHORITY_OFFICER, "la", None),
]


def build_people(b: Build) -> None:
    made: list[tuple[str, Person, str | None]] = []
    letter = 0
    for area in AREAS:
        for n, (role, org_key, specialty) in enumerate(CAST):
            if org_key == "practice":
                org = b.practices[area.code][(n * 5) % len(b.practices[area.code])]
            elif org_key:
                org = b.orgs[f"{area.code}:{org_key}"]
            else:
                org = None
            initial = chr(ord("A") + letter % 26)
            surname = SURNAMES[(letter // 26 + n) % len(SURNAMES)]
            letter += 1
            title = "Dr " if role in (RoleType.GP, RoleType.CONSULTANT) else ""
            person = Person(
                name=f"{title}{initial}. {surname}",
                role_type=role,
                is_clinician=role in RoleType.clinical(),
                organisation=org,
                synthetic=True,
            )
            made.append((area.code, person, specialty))
    people = Person.objects.bulk_create([p for _, p, _ in made])
    through = Person.communities.through
    rows = []
    for (code, _, specialty), person in zip(made, people, strict=True):
        b.people.setdefault(code, []).append(person)
        b.specialty[person.pk] = specialty
        rows.append(through(person=person, commissioningcommunity=b.communities[code]))
    through.objects.bulk_create(rows)
