"""Issue 20's disclosure findings, as reproduced on the demo, for a viewer.

- Calderdale "amputations in people with diabetes" in April 2008: 2 amputations among 8,937
  people (2.69 per 1,000 a year). The download shows the numerator as ``*``; the monitoring page
  showed and plotted 2.69, which with the denominator gives the 2 back.
- "Referrals to memory assessment" is a count with no denominator: the page showed 49 where the
  download showed a numerator of 50.
- Wirral's populations download had counts from 1 to 7; its registers download was exact.

One figure has one value everywhere: each point on the monitoring page is the value the
download shows, and hidden (a gap) exactly where the download shows ``*``.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def viewer(community: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{community}-viewer"))
    return client


def download(client: Client, community: str, kind: str) -> list[dict]:
    response = client.get(f"/communities/{community}/export/{kind}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("code", ["PCT_DM_AMPUT", "PCT_STROKE_ESD", "MEM_REFERRALS"])
def test_monitoring_page_shows_exactly_what_the_download_shows(demo, code):
    from commissioning.store.models import Indicator, Organisation

    client = viewer("calderdale")
    pct = Organisation.objects.get(ods_code="5J6")
    indicator = Indicator.objects.get(code=code)
    html = client.get("/communities/calderdale/monitoring/", {"indicator": code}).content.decode()
    key = f"i{indicator.pk}-org{pct.pk}"
    spec = re.search(rf'id="spc-spec-{key}"[^>]*>(.*?)</script>', html, re.S).group(1)
    page = {p["Period"]: p["Value"] for p in json.loads(spec)["datasets"]["points"]}
    rows = {
        r["period"]: r
        for r in download(client, "calderdale", "observations")
        if r["indicator_code"] == code and r["organisation_ods"] == "5J6"
    }
    assert set(page) == set(rows)
    hidden = {p for p, r in rows.items() if r["value"] == "*"}
    assert bool(hidden) == (code != "MEM_REFERRALS"), hidden  # referrals are 40 to 70 a month
    for period, row in rows.items():
        if period in hidden:
            assert page[period] is None, period
        else:
            assert page[period] == pytest.approx(float(row["value"])), period
    if code == "PCT_DM_AMPUT":
        assert "2008-04-01" in hidden
    if code == "MEM_REFERRALS":  # a count: its value is the count as shown, rounded to 5
        assert all(v % 5 == 0 for v in page.values() if v is not None)


def test_wirral_population_and_register_downloads_hold_no_small_count(demo):
    client = viewer("wirral")
    populations = download(client, "wirral", "populations")
    counts = [r["count"] for r in populations]
    assert "*" in counts
    assert all(c == "*" or int(c) % 5 == 0 for c in counts)
    registers = download(client, "wirral", "registers")
    for row in registers:
        for column in ("register_size", "list_size"):
            assert row[column] == "*" or int(row[column]) % 5 == 0, row
