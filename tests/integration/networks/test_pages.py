"""The network page, the builder pages and who may see them, on the hand-made world."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core import mail

from commissioning.networks.models import Nomination, Survey

RESPONDENT_NAMES = ["Alpha One", "Bravo Two", "Charlie Three", "Delta Four"]


def _rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="nhsuk-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table.group(1).split("<tbody", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_hand_worked_network_shows_the_right_order_and_figures(world, as_user):
    """A->S (3), A->T (2), B->S (5), C->S (1); D invited but silent.

    In-degree: S 3, T 1, A/B/C 0. Weighted PageRank (damping 0.85; S and T name nobody, so
    their walkers jump anywhere): with x the PageRank of each GP, s = x + 0.85(0.6x + x + x)
    = 3.21x and t = x + 0.85(0.4x) = 1.34x; 3x + s + t = 1 gives x = 1/7.55 = 0.132,
    s = 0.425, t = 0.177.
    """
    html = as_user(world.commissioner).get("/communities/north/network/").content.decode()
    rows = _rows(html, "network-nodes")
    # rank, person, role, organisation, answered, named by, weighted, pagerank, ...
    assert [(r[2], r[5], r[7]) for r in rows] == [
        ("Specialist nurse", "3", "0.425"),
        ("Hospital consultant", "1", "0.177"),
        ("GP", "0", "0.132"),
        ("GP", "0", "0.132"),
        ("GP", "0", "0.132"),
    ]
    assert rows[0][3] == "Acute Trust A" and rows[0][6] == "9"
    assert all(re.fullmatch(r"p-[0-9a-f]{12}", r[1]) for r in rows)
    for name in [*RESPONDENT_NAMES, "Sister Nurse", "Dr Consult"]:
        assert name not in html
    # by source type: 3 of 4 ties go to specialist nurses
    types = _rows(html, "source-types-table")
    assert types[0][:4] == ["Specialist nurse", "1", "3", "75%"]
    # reach: nobody goes to a commissioning manager
    assert "0 go to a commissioning manager" in html
    # non-response sensitivity is there (Delta did not answer)
    assert 'id="sensitivity"' in html and "3 of 4 people invited answered" in html
    # the drawing's specification is a Vega (not Vega-Lite) force layout in a data island
    assert '<script id="network-spec" type="application/json">' in html
    assert "vega/v6.json" in html and '"force"' in html


def test_source_type_filter_keeps_only_those_ties(world, as_user):
    html = (
        as_user(world.commissioner)
        .get("/communities/north/network/?source_type=consultant")
        .content.decode()
    )
    rows = _rows(html, "network-nodes")
    assert [r[2] for r in rows][0] == "Hospital consultant"
    assert "Specialist nurse" not in [r[2] for r in rows]


def test_svg_export_is_valid_svg_without_names(world, as_user):
    response = as_user(world.commissioner).get("/communities/north/network.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = response.content.decode()
    assert "Specialist nurse" in text  # the legend
    for name in RESPONDENT_NAMES:
        assert name not in text
    png = as_user(world.commissioner).get("/communities/north/network.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "path",
    [
        "/communities/north/network/",
        "/communities/north/network.svg",
        "/communities/north/surveys/",
        "/communities/north/surveys/{pk}/",
        "/communities/north/surveys/{pk}/rates/",
        "/communities/north/surveys/{pk}/rates.csv",
    ],
)
def test_other_communities_and_providers_get_not_found(world, as_user, client, path):
    url = path.format(pk=world.survey.pk)
    for user in (world.south_commissioner, world.provider):
        client.force_login(user)
        assert client.get(url).status_code == 404, (user.username, url)
    client.force_login(world.commissioner)
    assert client.get(url).status_code == 200


def test_another_communitys_survey_is_not_found_under_its_own_address(world, as_user):
    other = Survey.objects.create(community=world.south, title="South", question="Q?")
    c = as_user(world.commissioner)
    assert c.get(f"/communities/south/surveys/{other.pk}/").status_code == 404
    assert c.get(f"/communities/north/surveys/{other.pk}/").status_code == 404


def test_viewer_reads_but_cannot_change(world, as_user):
    c = as_user(world.viewer)
    page = c.get(f"/communities/north/surveys/{world.survey.pk}/").content.decode()
    assert "Dr Delta Four" in page and "Make links for" not in page
    base = f"/communities/north/surveys/{world.survey.pk}"
    assert c.post(f"{base}/links/", {"which": "unanswered"}).status_code == 403
    assert c.post(f"{base}/reminders/", {"respondent": world.r["Delta"].pk}).status_code == 403
    assert c.post("/communities/north/surveys/new/", {"title": "x"}).status_code == 403
    world.r["Delta"].refresh_from_db()
    assert world.r["Delta"].token_hash is None and world.r["Delta"].reminders == []


def test_commissioner_creates_a_survey(world, as_user):
    c = as_user(world.commissioner)
    response = c.post(
        "/communities/north/surveys/new/",
        {"title": "Dementia", "question": "Who do you ask about dementia?", "max_sources": "30"},
    )
    assert (
        response.status_code == 200 and "Enter a number from 1 to 20" in response.content.decode()
    )
    response = c.post(
        "/communities/north/surveys/new/",
        {"title": "Dementia", "question": "Who do you ask about dementia?", "max_sources": "4"},
    )
    survey = Survey.objects.get(title="Dementia")
    assert response.status_code == 302 and survey.community == world.north
    assert survey.created_by == world.commissioner


def test_links_are_shown_once_and_a_new_link_retires_the_old(world, as_user, client):
    c = as_user(world.commissioner)
    base = f"/communities/north/surveys/{world.survey.pk}"
    response = c.post(f"{base}/links/", {"which": "new", "format": "csv"})
    assert response["Cache-Control"] == "no-store"
    lines = response.content.decode().splitlines()
    assert lines[0] == "name,organisation,email,link" and len(lines) == 2  # only Delta
    first = lines[1].rsplit(",", 1)[1]
    token = first.rstrip("/").rsplit("/", 1)[1]
    delta = world.r["Delta"]
    delta.refresh_from_db()
    assert token not in delta.token_hash  # only the hash is kept
    again = c.post(f"{base}/links/", {"which": "new", "format": "page"}).content.decode()
    assert "Nobody needed a new link" in again
    page = c.post(f"{base}/links/", {"which": str(delta.pk), "format": "page"}).content.decode()
    second = re.search(r"<code>(http[^<]+)</code>", page).group(1)
    assert second != first
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_reminders_email_a_new_link_or_are_recorded(world, as_user):
    c = as_user(world.commissioner)
    world.r["Delta"].email = ""
    world.r["Delta"].save()
    from commissioning.networks import logic

    logic.add_respondents(world.survey, [("Dr Echo Five", world.p1, "gp", "echo@example.org")])
    echo = world.survey.respondents.get(name="Dr Echo Five")
    base = f"/communities/north/surveys/{world.survey.pk}"
    response = c.post(
        f"{base}/reminders/", {"respondent": [world.r["Delta"].pk, echo.pk, world.r["Alpha"].pk]}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["echo@example.org"]
    assert "/s/" in mail.outbox[0].body
    world.r["Delta"].refresh_from_db()
    echo.refresh_from_db()
    world.r["Alpha"].refresh_from_db()
    assert world.r["Delta"].reminder_count == 1 and echo.reminder_count == 1
    assert world.r["Alpha"].reminder_count == 0  # answered already: never reminded
    page = c.get(f"{base}/rates/").content.decode()
    rows = _rows(page, "non-responders")
    assert {r[1] for r in rows} == {"Dr Delta Four", "Dr Echo Five"}
    assert all(r[4] == "1" for r in rows)


def test_response_rates_by_practice_and_suppressed_download(world, as_user):
    c = as_user(world.commissioner)
    base = f"/communities/north/surveys/{world.survey.pk}"
    page = c.get(f"{base}/rates/").content.decode()
    rows = _rows(page, "rates-organisation")
    assert ["Hill Top Practice", "2", "1", "50%"] in rows
    assert ["North Street Surgery", "2", "2", "100%"] in rows
    assert ["All organisations", "4", "3", "75%"] in rows
    csv_text = c.get(f"{base}/rates.csv").content.decode()
    assert csv_text.splitlines()[0] == "group,invited,responded,response_rate"
    assert "GP practice,*,*,*" in csv_text  # 4 invited, 3 answered: too few to publish


def test_csv_import_of_answers_is_located_atomic_and_idempotent(world, as_user):
    c = as_user(world.commissioner)
    base = f"/communities/north/surveys/{world.survey.pk}"
    before = Nomination.objects.count()
    bad = (
        "respondent,source,source_type,weight\n"
        "Dr Delta Four,Sister Nurse,specialist_nurse,4\n"
        "Dr Delta Four,Dr Who,wizard,2\n"
        "Nobody Here,Sister Nurse,specialist_nurse,9\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = c.post(
        f"{base}/responses/", {"file": SimpleUploadedFile("answers.csv", bad.encode())}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "answers.csv, row 3, column &#x27;source_type&#x27;" in page
    assert "row 4, column &#x27;respondent&#x27;: &#x27;Nobody Here&#x27; is not on" in page
    assert "row 4, column &#x27;weight&#x27;: expected a whole number from 1 to 5" in page
    assert Nomination.objects.count() == before
    good = "respondent,source,source_type,weight\nDr Delta Four,Sister Nurse,specialist_nurse,4\n"
    for _ in range(2):
        response = c.post(
            f"{base}/responses/", {"file": SimpleUploadedFile("answers.csv", good.encode())}
        )
        assert response.status_code == 302
    assert Nomination.objects.count() == before + 1
    world.r["Delta"].refresh_from_db()
    assert world.r["Delta"].responded and world.r["Delta"].response_channel == "import"


def test_csv_list_of_respondents_with_a_located_error(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = as_user(world.commissioner)
    base = f"/communities/north/surveys/{world.survey.pk}"
    bad = "name,organisation_ods,role\nDr New One,N00001,gp\nDr New Two,ZZZ99,gp\n"
    response = c.post(f"{base}/respondents/", {"file": SimpleUploadedFile("gps.csv", bad.encode())})
    assert response.status_code == 400
    assert "gps.csv, row 3, column &#x27;organisation_ods&#x27;" in response.content.decode()
    assert world.survey.respondents.count() == 4
    good = "name,organisation_ods,role,email\nDr New One,N00001,gp,new@example.org\n"
    response = c.post(
        f"{base}/respondents/", {"file": SimpleUploadedFile("gps.csv", good.encode())}
    )
    assert response.status_code == 302
    new = world.survey.respondents.get(name="Dr New One")
    assert new.organisation == world.p1 and new.pseudonym.startswith("p-")


def test_a_survey_with_nobody_or_no_answers_yet_gives_plain_pages(world, as_user):
    c = as_user(world.commissioner)
    empty = Survey.objects.create(community=world.north, title="Empty", question="Who?")
    for url in (
        f"/communities/north/network/?survey={empty.pk}",
        f"/communities/north/surveys/{empty.pk}/",
        f"/communities/north/surveys/{empty.pk}/rates/",
    ):
        response = c.get(url)
        assert response.status_code == 200, url
    assert c.get(f"/communities/north/surveys/{empty.pk}/rates.csv").status_code == 404
    from commissioning.networks import logic

    logic.add_respondents(empty, [("Dr Solo", world.p1, "gp", "")])
    html = c.get(f"/communities/north/network/?survey={empty.pk}").content.decode()
    assert "0 of 1 invited answered" in html
    assert c.get(f"/communities/north/network.svg?survey={empty.pk}").status_code == 200
    assert c.get("/communities/north/network.pdf").status_code == 404
    assert c.get("/communities/north/network/?survey=abc&size=nonsense").status_code == 200
    assert c.get("/communities/north/network/?community=nowhere").status_code == 404
    assert c.get("/communities/north/network/?community=south").status_code == 404  # not theirs
    admin = User.objects.create(username="admin", is_superuser=True)
    c.force_login(admin)
    moved = c.get("/communities/north/network/?community=south&size=in_degree")
    assert moved.status_code == 302
    assert moved["Location"] == "/communities/south/network/?size=in_degree"
    assert "No survey yet" in c.get(moved["Location"]).content.decode()
