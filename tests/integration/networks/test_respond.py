"""The public response page: no account, one use, nobody else's answers, unknown links 404."""

from __future__ import annotations

import datetime as dt

from commissioning.networks import logic
from commissioning.networks.models import Nomination


def _answer(**rows):
    data = {
        "n-TOTAL_FORMS": "3",
        "n-INITIAL_FORMS": "0",
        "n-MIN_NUM_FORMS": "0",
        "n-MAX_NUM_FORMS": "3",
    }
    data.update(rows)
    return data


GOOD = _answer(
    **{
        "n-0-source_name": "Dr Partner",
        "n-0-source_type": "gp",
        "n-0-strength": "4",
        "n-1-source_name": "Sister Nurse",
        "n-1-source_type": "specialist_nurse",
        "n-1-strength": "2",
    }
)


def test_a_link_works_once_without_an_account(world, client):
    token = logic.issue_link(world.r["Delta"])
    url = f"/s/{token}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert world.survey.question in html and html.count('name="n-') >= 12
    assert page["Cache-Control"] == "no-store"
    done = client.post(url, GOOD)
    assert done.status_code == 200 and "Your answer has been recorded" in done.content.decode()
    delta = world.r["Delta"]
    delta.refresh_from_db()
    assert delta.responded and delta.token_hash is None
    saved = list(delta.nominations.values_list("source_name", "source_type", "strength"))
    assert saved == [("Dr Partner", "gp", 4), ("Sister Nurse", "specialist_nurse", 2)]
    count = Nomination.objects.count()
    again = client.post(
        url,
        _answer(
            **{"n-0-source_name": "Someone Else", "n-0-source_type": "gp", "n-0-strength": "1"}
        ),
    )
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client.get(url).status_code == 410
    assert Nomination.objects.count() == count
    assert list(delta.nominations.values_list("source_name", flat=True)) == [
        "Dr Partner",
        "Sister Nurse",
    ]


def test_an_answer_is_audited_under_the_respondents_pseudonym_not_their_name(world, client):
    from commissioning.store.models import AuditRecord

    delta = world.r["Delta"]
    token = logic.issue_link(delta)
    before = AuditRecord.objects.count()
    assert client.post(f"/s/{token}/", GOOD).status_code == 200
    records = AuditRecord.objects.order_by("pk")[before:]
    assert {r.username for r in records} == {f"survey respondent {delta.pseudonym}"}
    assert {r.channel for r in records} == {"web"} and all(r.user_id is None for r in records)
    assert delta.name not in {r.username for r in records}


def test_the_form_shows_nobody_elses_answers(world, client):
    token = logic.issue_link(world.r["Delta"])
    html = client.get(f"/s/{token}/").content.decode()
    for other in ("Sister Nurse", "Dr Consult", "Alpha One", "Bravo Two", "Charlie Three"):
        assert other not in html
    assert "Delta Four" not in html  # not even their own name


def test_unknown_and_malformed_links_are_not_found(world, client):
    assert client.get("/s/not-a-real-token/").status_code == 404
    assert client.post("/s/not-a-real-token/", GOOD).status_code == 404
    assert client.get("/s/" + "x" * 300 + "/").status_code == 404


def test_a_row_with_a_name_but_no_role_is_refused_and_nothing_is_saved(world, client):
    token = logic.issue_link(world.r["Delta"])
    bad = _answer(**{"n-0-source_name": "Dr Partner", "n-0-strength": "3"})
    response = client.post(f"/s/{token}/", bad)
    assert response.status_code == 400
    assert "Person 1: Choose their role." in response.content.decode()
    empty = client.post(f"/s/{token}/", _answer())
    assert "tick to say you go to nobody" in empty.content.decode()
    naming_self = _answer(
        **{"n-0-source_name": "dr delta four", "n-0-source_type": "gp", "n-0-strength": "3"}
    )
    assert "not yourself" in client.post(f"/s/{token}/", naming_self).content.decode()
    world.r["Delta"].refresh_from_db()
    assert not world.r["Delta"].responded and world.r["Delta"].nominations.count() == 0
    nobody = _answer(nobody="on")
    assert client.post(f"/s/{token}/", nobody).status_code == 200
    world.r["Delta"].refresh_from_db()
    assert world.r["Delta"].responded


def test_more_rows_than_allowed_are_refused(world, client):
    token = logic.issue_link(world.r["Delta"])
    data = _answer()
    data["n-TOTAL_FORMS"] = "4"
    for i in range(4):
        data.update(
            {
                f"n-{i}-source_name": f"Person {i}",
                f"n-{i}-source_type": "gp",
                f"n-{i}-strength": "3",
            }
        )
    response = client.post(f"/s/{token}/", data)
    assert response.status_code == 400
    assert world.r["Delta"].nominations.count() == 0


def test_a_closed_survey_refuses_answers(world, client):
    world.survey.closes = dt.date(2000, 1, 31)
    world.survey.opens = dt.date(2000, 1, 1)
    world.survey.save()
    token = logic.issue_link(world.r["Delta"])
    response = client.post(f"/s/{token}/", GOOD)
    assert response.status_code == 410 and "closed" in response.content.decode()
    assert world.r["Delta"].nominations.count() == 0


def test_guessing_links_is_throttled(world, client, settings):
    from django.core.cache import cache

    cache.clear()
    for _ in range(20):
        assert client.get("/s/guess/").status_code == 404
    token = logic.issue_link(world.r["Delta"])
    assert client.get(f"/s/{token}/").status_code == 429
    cache.clear()
    assert client.get(f"/s/{token}/").status_code == 200
