"""What the survey pages do: pseudonyms, one-time links, adding respondents, importing answers.

Everything that changes the database is here, in transactions, so the pages stay thin and the
demo builder uses the same paths as a commissioner does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commissioning.analytics.pseudonyms import KEY_VARIABLE, pseudonym_map
from commissioning.errors import InputError, Problem
from commissioning.networks.models import (
    Nomination,
    Strength,
    Survey,
    SurveyRespondent,
    hash_token,
)
from commissioning.store.models import Organisation, RoleType
from commissioning.textfiles import read_records

PROBLEM_LIMIT = 20
ROLE_TYPES = dict(RoleType.choices)
_TITLES = re.compile(r"^(dr|doctor|mr|mrs|ms|miss|mx|prof|professor)\.?\s+")
_NOT_WORD = re.compile(r"[^\w\s'-]")
_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------------
# Pseudonyms


def pseudonym_key() -> bytes:
    """The installation's key for respondent pseudonyms.

    ``COMMISSIONING_PSEUDONYM_KEY`` when set (the same key the command line uses), otherwise a
    key derived from the installation's secret key, so pseudonyms stay the same from page to
    page and from day to day without being stored anywhere readable.
    """
    value = os.environ.get(KEY_VARIABLE, "")
    if value:
        return value.encode("utf-8")
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"commissioning.networks.pseudonyms", hashlib.sha256
    ).digest()


def person_key(name: str) -> str:
    """One identifier for a person however their name is written: "Dr A. Example" = "a example"."""
    text = _SPACES.sub(" ", str(name).replace(".", " ")).strip().casefold()
    text = _TITLES.sub("", text)
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", text)).strip()


def pseudonyms(community_id: int, names) -> dict[str, str]:
    """Pseudonyms for person keys, the same for one person across a community's surveys."""
    keys = {person_key(n) for n in names}
    mapping = pseudonym_map((f"{community_id}:{k}" for k in keys), pseudonym_key())
    return {k: mapping[f"{community_id}:{k}"] for k in keys}


def pseudonym_for(community_id: int, name: str) -> str:
    return pseudonyms(community_id, [name])[person_key(name)]


# ---------------------------------------------------------------------------------------------
# One-time links


def issue_link(respondent: SurveyRespondent) -> str:
    """A new one-time token for the respondent; any earlier token stops working."""
    token = secrets.token_urlsafe(24)
    respondent.token_hash = hash_token(token)
    respondent.invited_at = timezone.now()
    respondent.save(update_fields=["token_hash", "invited_at"])
    return token


def respondent_for_token(token: str) -> SurveyRespondent | None:
    if not token or len(token) > 100:
        return None
    return (
        SurveyRespondent.objects.select_related("survey", "survey__community")
        .filter(token_hash=hash_token(token))
        .first()
    )


def record_reminder(respondent: SurveyRespondent, when: dt.datetime | None = None) -> None:
    respondent.reminders = [*(respondent.reminders or []), (when or timezone.now()).isoformat()]
    respondent.save(update_fields=["reminders"])


# ---------------------------------------------------------------------------------------------
# Reading uploaded CSV files


def read_csv_upload(data: bytes, name: str) -> list[dict[str, str]]:
    """Rows of an uploaded CSV file as dicts of trimmed text (header names lower-cased).

    The first item holds the header; item ``i`` is the row a spreadsheet shows as row
    ``i + 1`` (``{}`` for a blank one). The file is checked by ``textfiles.read_records``: its
    encoding found, every row as wide as the header, a file cut short refused (located).
    """
    records = read_records(data, name)
    header = [h.strip().lower() for h in records.header]
    rows: list[dict[str, str]] = [{} for _ in range(int(records.numbers.max(initial=1)) - 1)]
    cells = records.frame.to_numpy(dtype=object)
    for number, values in zip(records.numbers, cells, strict=True):
        if any(str(v).strip() for v in values):
            rows[int(number) - 2] = {h: str(values[i]).strip() for i, h in enumerate(header)}
    return [{"__header__": header}, *rows]


def _require(header: list[str], required: list[str], name: str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(header) or "none"
        raise InputError(
            [
                Problem(name, 1, c, f"required column is missing (columns found: {found})")
                for c in missing
            ]
        )


def _role(value: str) -> str | None:
    word = value.strip().casefold().replace(" ", "_").replace("-", "_")
    if word in ROLE_TYPES:
        return word
    for code, label in ROLE_TYPES.items():
        if label.casefold() == value.strip().casefold():
            return code
    return None


def _raise(problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputError(problems[:PROBLEM_LIMIT], more=max(0, len(problems) - PROBLEM_LIMIT))


# ---------------------------------------------------------------------------------------------
# Respondents


@dataclass(frozen=True)
class Added:
    added: int
    already_listed: int


def _listed(survey: Survey) -> set[tuple[str, int | None]]:
    return {
        (person_key(n), org) for n, org in survey.respondents.values_list("name", "organisation_id")
    }


def add_respondents(survey: Survey, people) -> Added:
    """Add people (``(name, organisation, role_type, email)`` tuples); skip those listed."""
    listed = _listed(survey)
    made = []
    skipped = 0
    for name, organisation, role_type, email in people:
        key = (person_key(name), organisation.pk if organisation else None)
        if key in listed:
            skipped += 1
            continue
        listed.add(key)
        made.append(
            SurveyRespondent(
                survey=survey,
                name=name,
                organisation=organisation,
                role_type=role_type,
                email=email or "",
                pseudonym=pseudonym_for(survey.community_id, name),
            )
        )
    with transaction.atomic():
        for r in made:
            r.save()
    return Added(len(made), skipped)


def respondents_from_csv(survey: Survey, data: bytes, name: str, organisations) -> Added:
    """Add respondents from ``name,organisation_ods,role`` (and optionally ``email``).

    ``organisations`` is the queryset of organisations the survey's community may use. The
    whole file is checked first; nothing is added unless every row is right.
    """
    rows = read_csv_upload(data, name)
    header = rows[0]["__header__"]
    _require(header, ["name", "organisation_ods", "role"], name)
    by_code = {o.ods_code.upper(): o for o in organisations}
    problems: list[Problem] = []
    people = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        who = row.get("name", "")
        code = row.get("organisation_ods", "").upper()
        role = _role(row.get("role", "") or "gp")
        if not who:
            problems.append(
                Problem(name, i, "name", "expected the respondent's name, found nothing")
            )
        if code and code not in by_code:
            problems.append(
                Problem(
                    name,
                    i,
                    "organisation_ods",
                    f"'{code}' is not an organisation of this community",
                )
            )
        if role is None:
            problems.append(
                Problem(
                    name,
                    i,
                    "role",
                    f"'{row.get('role')}' is not a role (expected one of: {', '.join(ROLE_TYPES)})",
                )
            )
        email = row.get("email", "")
        if email and ("@" not in email or " " in email):
            problems.append(Problem(name, i, "email", f"'{email}' is not an e-mail address"))
        key = (person_key(who), code)
        if who and key in seen:
            problems.append(
                Problem(name, i, "name", f"'{who}' is listed again (first on row {seen[key]})")
            )
        seen.setdefault(key, i)
        people.append((who, by_code.get(code), role, email))
    if not people and not problems:
        problems.append(Problem(name, None, None, "has a header but nobody listed (no rows)"))
    _raise(problems)
    return add_respondents(survey, people)


# ---------------------------------------------------------------------------------------------
# Answers


@dataclass(frozen=True)
class Answer:
    source_name: str
    source_type: str
    source_organisation: Organisation | None
    strength: int


def save_answer(respondent: SurveyRespondent, answers: list[Answer], channel: str) -> None:
    """Replace the respondent's nominations, mark them as responded and retire their link."""
    respondent.nominations.all().delete()
    Nomination.objects.bulk_create(
        [
            Nomination(
                respondent=respondent,
                position=i,
                source_name=a.source_name,
                source_type=a.source_type,
                source_organisation=a.source_organisation,
                strength=a.strength,
            )
            for i, a in enumerate(answers, start=1)
        ]
    )
    respondent.responded_at = timezone.now()
    respondent.response_channel = channel
    if respondent.token_hash:
        respondent.used_token_hash = respondent.token_hash
    respondent.token_hash = None
    respondent.save(
        update_fields=["responded_at", "response_channel", "token_hash", "used_token_hash"]
    )


def responses_from_csv(survey: Survey, data: bytes, name: str) -> dict[str, int]:
    """Import answers collected on paper: ``respondent,source,source_type,weight``.

    ``respondent`` is the respondent's name as listed in the survey, ``weight`` the strength 1
    to 5 (3 when empty). A respondent's rows replace whatever answer they had (so importing the
    same file twice changes nothing), in one transaction: a file with any problem changes
    nothing at all.
    """
    rows = read_csv_upload(data, name)
    header = rows[0]["__header__"]
    _require(header, ["respondent", "source", "source_type"], name)
    listed: dict[str, list[SurveyRespondent]] = {}
    for r in survey.respondents.all():
        listed.setdefault(person_key(r.name), []).append(r)
    problems: list[Problem] = []
    answers: dict[int, tuple[SurveyRespondent, list[Answer]]] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        who, source = row.get("respondent", ""), row.get("source", "")
        found = listed.get(person_key(who), []) if who else []
        if not who:
            problems.append(
                Problem(name, i, "respondent", "expected a respondent's name, found nothing")
            )
        elif not found:
            problems.append(
                Problem(
                    name, i, "respondent", f"'{who}' is not on this survey's list of respondents"
                )
            )
        elif len(found) > 1:
            problems.append(
                Problem(
                    name,
                    i,
                    "respondent",
                    f"'{who}' matches {len(found)} respondents; names must be unique to import",
                )
            )
        if not source:
            problems.append(
                Problem(
                    name,
                    i,
                    "source",
                    "expected the name of the person or team they go to, found nothing",
                )
            )
        elif who and person_key(source) == person_key(who):
            problems.append(
                Problem(
                    name,
                    i,
                    "source",
                    f"'{who}' names themselves; a respondent cannot be their own source",
                )
            )
        kind = _role(row.get("source_type", ""))
        if kind is None:
            problems.append(
                Problem(
                    name,
                    i,
                    "source_type",
                    f"expected a source type (one of: {', '.join(ROLE_TYPES)}), "
                    f"found '{row.get('source_type', '')}'",
                )
            )
        weight_text = row.get("weight", "")
        weight = Strength.SOMETIMES.value
        if weight_text:
            if weight_text not in {"1", "2", "3", "4", "5"}:
                problems.append(
                    Problem(
                        name,
                        i,
                        "weight",
                        f"expected a whole number from 1 to 5, found '{weight_text}'",
                    )
                )
            else:
                weight = int(weight_text)
        if len(found) == 1 and source and kind:
            respondent = found[0]
            entry = answers.setdefault(respondent.pk, (respondent, []))
            if len(entry[1]) >= survey.max_sources:
                problems.append(
                    Problem(
                        name,
                        i,
                        "source",
                        f"'{who}' names more than {survey.max_sources} sources, "
                        "the most this survey allows",
                    )
                )
            entry[1].append(Answer(source, kind, None, weight))
    if not answers and not problems:
        problems.append(Problem(name, None, None, "has a header but no answers (no rows)"))
    _raise(problems)
    with transaction.atomic():
        for respondent, items in answers.values():
            save_answer(respondent, items, "import")
    return {"respondents": len(answers), "nominations": sum(len(a) for _, a in answers.values())}
