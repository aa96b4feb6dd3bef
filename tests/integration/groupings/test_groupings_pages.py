"""The groupings pages, the form, and the monitoring page filtered to a grouping's practices."""

from __future__ import annotations

import datetime as dt
import re

from commissioning.store.models import Grouping, Indicator, Observation

D = dt.date


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_list_shows_own_and_shared_groupings_with_links(world, client_as):
    page = client_as("north_commissioner").get("/communities/north/groupings/")
    assert page.status_code == 200
    words = text(page)
    assert "North West locality" in words and "Shared peers" in words
    assert "South network" not in words
    assert "Shared by every community" in words
    assert 'href="/communities/north/groupings/north-west/"' in page.content.decode()
    assert "Make the grouping" in words
    community = client_as("north_commissioner").get("/communities/north/")
    assert 'href="/communities/north/groupings/"' in community.content.decode()


def test_grouping_page_shows_members_and_practices_as_at_the_date(world, client_as):
    client = client_as("north_commissioner")
    page = client.get("/communities/north/groupings/north-west/?on=2011-06-01")
    words = text(page)
    assert "Members on 1 June 2011: 3" in words
    assert "GP practices covered on 1 June 2011: 2" in words
    assert "Beech Surgery" in words and "Cedar Surgery" not in words
    later = text(client.get("/communities/north/groupings/north-west/?on=2012-06-01"))
    assert "Members on 1 June 2012: 2" in later  # Beech closed
    assert "GP practices covered on 1 June 2012: 2" in later  # Ash, and Cedar through the PCN
    assert "Cedar Surgery" in later and "Beech Surgery" not in later
    unused = text(client.get("/communities/north/groupings/north-west/?on=2014-01-01"))
    assert "Not in use on 1 January 2014" in unused
    assert "Members on 1 January 2014: 0" in unused
    bad = client.get("/communities/north/groupings/north-west/?on=31/02/2012")
    assert bad.status_code == 200
    assert "is not a date" in text(bad)
    html = page.content.decode()
    assert 'href="/communities/north/monitoring/?grouping=north-west"' in html
    assert "?edit=north-west" in html


def test_shared_grouping_lists_only_organisations_of_ones_community(world, client_as):
    words = text(client_as("north_viewer").get("/communities/north/groupings/shared-peers/"))
    assert "Damson Surgery" in words
    assert "South Surgery" not in words
    assert "do not take part in your community are not listed" in words
    assert "Change this grouping" not in words


def test_commissioner_makes_and_changes_a_grouping(world, client_as):
    client = client_as("north_commissioner")
    made = client.post(
        "/communities/north/groupings/",
        {
            "name": "Town caseload",
            "kind": "caseload",
            "valid_from": "2012-04-01",
            "description": "Housebound patients",
            "members": [str(world.p1.pk), str(world.p4.pk)],
        },
    )
    assert made.status_code == 302
    assert made["Location"] == "/communities/north/groupings/town-caseload/"
    g = Grouping.objects.get(code="town-caseload")
    assert (g.community, g.kind, g.valid_from) == (world.north, "caseload", D(2012, 4, 1))
    assert sorted(g.members.values_list("ods_code", flat=True)) == ["N00001", "N00004"]
    form = client.get("/communities/north/groupings/?edit=town-caseload")
    assert 'value="Town caseload"' in form.content.decode()
    changed = client.post(
        "/communities/north/groupings/",
        {
            "grouping": "town-caseload",
            "name": "Town caseload",
            "code": "town-caseload",
            "kind": "caseload",
            "valid_from": "2012-04-01",
            "valid_to": "2013-03-31",
            "members": [str(world.p3.pk)],
        },
    )
    assert changed.status_code == 302
    g.refresh_from_db()
    assert g.valid_to == D(2013, 3, 31)
    assert list(g.members.values_list("ods_code", flat=True)) == ["N00003"]


def test_form_errors_are_shown_and_nothing_is_saved(world, client_as):
    client = client_as("north_commissioner")
    response = client.post(
        "/communities/north/groupings/",
        {
            "name": "Backwards",
            "kind": "locality",
            "valid_from": "2013-04-01",
            "valid_to": "2012-04-01",
            "members": [str(world.sp.pk)],  # South's practice: not one of north's
        },
    )
    assert response.status_code == 400
    words = text(response)
    assert "There is a problem" in words
    assert "on or after the first day" in words
    assert "Select a valid choice" in words
    taken = client.post(
        "/communities/north/groupings/", {"name": "x", "code": "south-network", "kind": "other"}
    )
    assert taken.status_code == 400
    assert "already used by another grouping" in text(taken)
    assert not Grouping.objects.filter(name__in=["Backwards", "x"]).exists()


def _observations(world):
    """Percentages (numerator / denominator) and counts for three practices, two months.

    April 2011: Ash 10/40, Beech 5/20, Cedar 7/10 (not in the grouping); May 2011: Ash 12/40,
    Cedar 9/10 (Beech has no May figure). Counts: April Ash 3, Beech 4, Cedar 50; May Ash 6.
    """
    # not counts of patients: these tests check the sums; small numbers are checked in
    # tests/integration/security/test_disclosure_everywhere.py
    pct = Indicator.objects.create(
        code="PCT1", name="Checked", domain="quality", unit="%", polarity="higher_better",
        frequency="monthly", patient_counts=False,
    )  # fmt: skip
    count = Indicator.objects.create(
        code="CNT1", name="Referrals", domain="activity", unit="referrals", polarity="neutral",
        frequency="monthly", patient_counts=False,
    )  # fmt: skip
    apr, may = D(2011, 4, 1), D(2011, 5, 1)
    rows = [
        (pct, world.p1, apr, 10, 40), (pct, world.p2, apr, 5, 20), (pct, world.p3, apr, 7, 10),
        (pct, world.p1, may, 12, 40), (pct, world.p3, may, 9, 10),
    ]  # fmt: skip
    for ind, org, period, n, d in rows:
        Observation.objects.create(
            indicator=ind, organisation=org, period=period, numerator=n, denominator=d,
            value=round(100 * n / d, 2),
        )  # fmt: skip
    for org, period, n in [(world.p1, apr, 3), (world.p2, apr, 4), (world.p3, apr, 50),
                           (world.p1, may, 6)]:  # fmt: skip
        Observation.objects.create(indicator=count, organisation=org, period=period, value=n)
    # the commissioner's own figure, which the grouping view leaves out
    Observation.objects.create(indicator=pct, organisation=world.ccg, period=apr, value=99.0)


def test_monitoring_filtered_to_a_grouping_sums_its_practices(world, client_as):
    _observations(world)
    response = client_as("north_commissioner").get(
        "/communities/north/monitoring/?grouping=north-west"
    )
    assert response.status_code == 200
    series = {(s.indicator.code, s.subject): s for s in response.context["monitoring"].series}
    total = "North West locality (all its practices)"
    assert set(series) == {
        ("PCT1", "Ash Surgery"),
        ("PCT1", "Beech Surgery"),
        ("PCT1", total),
        ("CNT1", "Ash Surgery"),
        ("CNT1", "Beech Surgery"),
        ("CNT1", total),
    }  # not Cedar (never in the grouping in these months), not the CCG
    values = [p["value"] for p in series[("PCT1", total)].points]
    # April: (10 + 5) / (40 + 20) = 25%; May: Beech has no figure, 12 / 40 = 30%
    assert values == [25.0, 30.0]
    # counts add up: April 3 + 4 = 7; May 6
    assert [p["value"] for p in series[("CNT1", total)].points] == [7.0, 6.0]
    words = text(response)
    assert "Indicators over time: North West locality" in words
    whole = client_as("north_commissioner").get("/communities/north/monitoring/")
    subjects = {s.subject for s in whole.context["monitoring"].series}
    assert "Cedar Surgery" in subjects and total not in subjects


def test_monitoring_grouping_counts_practices_under_a_pcn_as_at_each_period(world, client_as):
    """In 2012 Cedar is in the PCN (a member), so it counts; Ash still counts as a member."""
    pct = Indicator.objects.create(
        code="PCT2", name="Checked", domain="quality", unit="%", polarity="higher_better",
        frequency="monthly", patient_counts=False,
    )  # fmt: skip
    for org, n in [(world.p1, 1), (world.p3, 3), (world.p4, 9)]:
        Observation.objects.create(
            indicator=pct, organisation=org, period=D(2012, 1, 1), numerator=n, denominator=10,
            value=10.0 * n,
        )  # fmt: skip
    response = client_as("north_commissioner").get(
        "/communities/north/monitoring/?grouping=north-west"
    )
    series = {s.subject: s for s in response.context["monitoring"].series}
    assert set(series) == {
        "Ash Surgery",
        "Cedar Surgery",
        "North West locality (all its practices)",
    }
    # (1 + 3) / (10 + 10) = 20%
    assert [p["value"] for p in series["North West locality (all its practices)"].points] == [20.0]
