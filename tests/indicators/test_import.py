"""Users add indicators from a file too: the `indicators` import kind, with its new fields.

On a community's import page an indicator row without a community becomes that community's own;
a commissioner cannot take over a shared or another community's code, nor import observations
of an indicator their community cannot read.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

HEADER = "code,name,domain,unit,polarity,frequency,conditions,why_it_matters,national_driver"
ROW = "{code},Local measure,quality,%,higher_better,annual,diabetes,Because it matters,NICE NG28"


def text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def upload(client, community: str, body: str, name="indicators.csv"):
    return client.post(
        f"/communities/{community}/import/",
        {"file": SimpleUploadedFile(name, body.encode("utf-8"))},
    )


def test_the_command_line_import_accepts_the_new_fields(world, tmp_path):
    from commissioning.ingest import import_files
    from commissioning.store.models import Indicator

    path = tmp_path / "indicators.csv"
    path.write_text(
        HEADER
        + ",community\n"
        + ROW.format(code="OWN_1")
        + ",south\n"
        + ROW.format(code="SH_1")
        + ",\n",
        encoding="utf-8",
    )
    counts = import_files([path])
    assert str(counts["indicators"]) == "2 added, 0 updated, 0 unchanged"
    own, shared = Indicator.objects.get(code="OWN_1"), Indicator.objects.get(code="SH_1")
    assert (own.community, own.why_it_matters, own.national_driver) == (
        world.south,
        "Because it matters",
        "NICE NG28",
    )
    assert shared.community is None
    assert str(import_files([path])["indicators"]) == "0 added, 0 updated, 2 unchanged"


def test_a_commissioner_imports_their_own_indicator_on_the_import_page(client_for, world):
    from commissioning.store.models import Indicator

    client = client_for("north_commissioner")
    page = client.get("/communities/north/import/")
    assert '<option value="indicators"' in page.content.decode()
    response = upload(client, "north", HEADER + "\n" + ROW.format(code="NORTH_FILE") + "\n")
    assert response.status_code == 200, text(response)
    assert "Indicator definitions: 1 added, 0 updated, 0 unchanged" in text(response)
    own = Indicator.objects.get(code="NORTH_FILE")
    assert own.community == world.north
    assert client_for("south_commissioner").get("/indicators/NORTH_FILE/").status_code == 404
    assert client_for("north_viewer").get("/indicators/NORTH_FILE/").status_code == 200


def test_a_commissioner_cannot_take_over_a_shared_or_another_communitys_code(client_for, world):
    from commissioning.store.models import Indicator

    Indicator.objects.create(
        code="SOUTH_OWN",
        name="South's",
        domain="quality",
        unit="%",
        polarity="neutral",
        frequency="annual",
        community=world.south,
    )
    client = client_for("north_commissioner")
    body = HEADER + "\n" + ROW.format(code="DM1") + "\n" + ROW.format(code="SOUTH_OWN") + "\n"
    response = upload(client, "north", body)
    assert response.status_code == 400
    page = text(response)
    assert page.count("an indicator with this code is shared by every community or belongs") == 2
    for row in (2, 3):  # located: file, row (the header is row 1), column
        assert f"indicators.csv {row} code an indicator with this code" in page
    assert Indicator.objects.get(code="DM1").community is None
    assert Indicator.objects.get(code="DM1").name == world.dm1.name
    assert Indicator.objects.get(code="SOUTH_OWN").community == world.south


def test_observations_of_another_communitys_indicator_are_refused(client_for, world):
    from commissioning.store.models import Indicator, Observation

    Indicator.objects.create(
        code="SOUTH_OWN",
        name="South's",
        domain="quality",
        unit="%",
        polarity="neutral",
        frequency="annual",
        community=world.south,
    )
    client = client_for("north_commissioner")
    body = "indicator_code,organisation_ods,period,value\nSOUTH_OWN,RTA,2024-04-01,5\n"
    response = upload(client, "north", body, name="observations.csv")
    assert response.status_code == 400
    assert "is not an indicator that community 'north' can use" in text(response)
    assert not Observation.objects.filter(indicator__code="SOUTH_OWN").exists()
    shared = "indicator_code,organisation_ods,period,value\nDM1,RTA,2025-04-01,5\n"
    ok = upload(client, "north", shared, name="observations.csv")
    assert ok.status_code == 200, text(ok)


def test_viewers_still_cannot_import_indicators(client_for, world):
    from commissioning.store.models import Indicator

    response = upload(client_for("north_viewer"), "north", HEADER + "\n" + ROW.format(code="V1"))
    assert response.status_code == 403
    assert not Indicator.objects.filter(code="V1").exists()
