"""A completed synthetic influence-network survey for each demo community.

"Who do you go to for advice on diabetes care?", asked of one made-up GP per practice (named
"Synthetic GP 001" and so on, so nobody can take them for real people) and of the community's
demo GPs. Response follows the field study's questionnaire to GPs: 21% overall, 44% in Calderdale
and far lower in Somerset and Wirral (:data:`RESPONSE`); exactly that share of the invited, chosen
at random, answers. Each names one to five sources: mostly GP colleagues (two practices'
GPs with a special interest are named far more often than the rest), the diabetes specialist
nurses, sometimes a consultant, rarely a commissioner. Non-responders were reminded once or
twice. Everything comes from the build's seed, so the same seed gives the same survey.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from commissioning.demo import workdays
from commissioning.demo.communities import AREAS
from commissioning.demo.context import Build
from commissioning.networks import logic
from commissioning.networks.models import Survey, SurveyRespondent
from commissioning.store.models import RoleType

OPENS = dt.date(2011, 3, 1)
CLOSES = dt.date(2011, 5, 13)  # not 29 April 2011: a bank holiday (the royal wedding)
# Share of those invited who answer (Calderdale 15 of 35, Somerset 12 of 83, Wirral 11 of 63:
# 38 of 181, 21% overall).
RESPONSE = {"calderdale": 0.44, "somerset": 0.145, "wirral": 0.175}
# The kinds of source named, and how likely each is for one nomination.
SOURCE_MIX = [
    ("colleague", 0.47),
    (RoleType.SPECIALIST_NURSE, 0.30),
    (RoleType.CONSULTANT, 0.15),
    (RoleType.COMMISSIONING_MANAGER, 0.04),
    (RoleType.THIRD_SECTOR, 0.02),
    (RoleType.PUBLIC_HEALTH, 0.02),
]


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build_surveys(b: Build) -> None:
    for area in AREAS:
        _one(b, area.code)


def _one(b: Build, code: str) -> None:
    rng = b.rng(f"surveys:{code}")
    community = b.communities[code]
    practices = b.practices[code]
    people = b.people.get(code, [])
    survey = Survey.objects.create(
        community=community,
        title="Diabetes advice networks 2011",
        question="Who do you go to for advice on diabetes care?",
        condition=b.conditions.get("diabetes"),
        max_sources=5,
        opens=OPENS,
        closes=CLOSES,
        synthetic=True,
    )
    invited = [(f"Synthetic GP {i:03d}", p, RoleType.GP, "") for i, p in enumerate(practices, 1)]
    invited += [
        (p.name, p.organisation, p.role_type, p.email) for p in people if p.role_type == RoleType.GP
    ]
    logic.add_respondents(survey, invited)
    respondents = list(survey.respondents.order_by("id"))
    gps = [r for r in respondents]
    leaders = [gps[int(i)] for i in rng.choice(len(gps), size=min(2, len(gps)), replace=False)]
    by_role: dict[str, list] = {}
    for person in people:
        by_role.setdefault(person.role_type, []).append(person)
    kinds = [k for k, _ in SOURCE_MIX]
    odds = [p for _, p in SOURCE_MIX]
    days = workdays.working_days(OPENS + dt.timedelta(days=1), CLOSES)
    answering = set(
        rng.choice(
            len(respondents), size=round(RESPONSE[code] * len(respondents)), replace=False
        ).tolist()
    )
    for n, r in enumerate(respondents):
        answered = n in answering
        r.invited_at = _moment(OPENS, 9)
        if not answered:
            r.reminders = [
                _moment(
                    workdays.on_or_after(OPENS + dt.timedelta(days=21 * (k + 1))), 10
                ).isoformat()
                for k in range(int(rng.integers(1, 3)))
            ]
            r.save(update_fields=["invited_at", "reminders"])
            continue
        r.save(update_fields=["invited_at"])
        answers: list[logic.Answer] = []
        named: set[str] = set()
        for _ in range(int(rng.integers(1, survey.max_sources + 1))):
            kind = kinds[int(rng.choice(len(kinds), p=odds))]
            if kind == "colleague":
                if rng.random() < 0.5:
                    pick = leaders[int(rng.integers(len(leaders)))]
                else:
                    near = n + int(rng.integers(-4, 5))
                    pick = gps[min(max(near, 0), len(gps) - 1)]
                name, role, org = pick.name, RoleType.GP, pick.organisation
            else:
                pool = by_role.get(kind, [])
                if not pool:
                    continue
                person = pool[int(rng.integers(len(pool)))]
                name, role, org = person.name, kind, person.organisation
            if name == r.name or name in named:
                continue
            named.add(name)
            strength = int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.2, 0.3, 0.25, 0.15]))
            answers.append(logic.Answer(name, role, org, strength))
        logic.save_answer(r, answers, "web")
        day = days[int(rng.integers(len(days)))]
        SurveyRespondent.objects.filter(pk=r.pk).update(responded_at=_moment(day, 14))
