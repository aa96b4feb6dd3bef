"""Issue 20, findings 1-4: a figure resting on a hidden count is hidden on every surface.

The world is tests/integration/api/world.py (no demo), with, for these tests:

- DM1 (patient counts, %) for Acute Trust A: April 2024 5 / 40 (12.5%: 5 is hidden, and the
  value with it); May 2024 23 / 98 (23.47%: shown as 25 / 100, 25%).
- REFS, referrals (patient counts, a count with no denominator) for Acute Trust A: April 2024
  49 referrals stored as numerator 49 and value 49 (shown as 50 and 50); May 2024 a bare value
  of 3 with no counts (nothing shows whether it is small: hidden).
- Two GP practices in the grouping "north-locality" with DM1 in June 2024: North Street Surgery
  3 / 40 (hidden) and Second Street Surgery 30 / 50. Their total, 33 / 90, is on the grouping's
  monitoring page beside them: Second Street's 30 would give the hidden 3 back by subtraction,
  so it is hidden too (secondary suppression).
- Populations of North Street Surgery on 1 April 2024: 0-4 female 3 (hidden), 5-9 female 43
  (the next smallest, hidden with it), 10-14 female 121 (shown as 120), 15-19 female 0.
- Condition registers of North Street Surgery: diabetes 6 on a list of 1,234 (hidden, 1,235),
  dementia 52 on 1,234 (50, 1,235).

Hand-worked: each hidden figure is ``*``; 23.47% and 12.5% appear nowhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from django.test import Client

from commissioning.analytics.disclosure import (
    SUPPRESSED,
    SuppressionPolicy,
    disclose_observation,
    disclose_observations,
)

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)

APRIL, MAY, JUNE = dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)


@pytest.fixture
def world(db):
    from commissioning.store import models as m

    w = world_module.build_world()
    w.refs = m.Indicator.objects.create(
        code="REFS",
        name="Referrals to the memory clinic",
        domain="activity",
        unit="referrals",
        numerator="New referrals in the month",
        denominator="",
        polarity="neutral",
        frequency="monthly",
        patient_counts=True,
    )
    m.Observation.objects.create(
        indicator=w.refs, organisation=w.trust_a, period=APRIL, numerator=49, value=49
    )
    w.bare = m.Observation.objects.create(
        indicator=w.refs, organisation=w.trust_a, period=MAY, value=3
    )
    w.practice2 = m.Organisation.objects.create(
        ods_code="N00002", name="Second Street Surgery", kind="gp_practice"
    )
    w.north.members.add(w.practice2)
    w.grp_n.members.add(w.practice2)
    m.Observation.objects.create(
        indicator=w.dm1,
        organisation=w.practice,
        period=JUNE,
        numerator=3,
        denominator=40,
        value=7.5,
    )
    m.Observation.objects.create(
        indicator=w.dm1,
        organisation=w.practice2,
        period=JUNE,
        numerator=30,
        denominator=50,
        value=60,
    )
    for band, count in (("0-4", 3), ("5-9", 43), ("10-14", 121), ("15-19", 0)):
        m.PracticePopulation.objects.create(
            organisation=w.practice, date=APRIL, age_band=band, sex="female", count=count
        )
    dementia = m.Condition.objects.create(name="Dementia", slug="dementia")
    for condition, register in ((w.diabetes, 6), (dementia, 52)):
        m.ConditionRegister.objects.create(
            organisation=w.practice,
            condition=condition,
            period_end=dt.date(2024, 3, 31),
            register_size=register,
            list_size=1234,
        )
    return w


def client_of(world, role: str = "north_viewer") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def chart(html: str, key: str) -> list[dict]:
    """The points of one monitoring chart's specification (its named dataset)."""
    spec = re.search(rf'id="spc-spec-{key}"[^>]*>(.*?)</script>', html, re.S).group(1)
    return json.loads(spec)["datasets"]["points"]


def table(html: str, key: str) -> str:
    start = html.index(f'app-spc-table" data-series="{key}"')
    return html[start : html.index("</table>", start)]


# --- finding 1: values that give back suppressed counts ---------------------------------------


def test_monitoring_page_hides_values_resting_on_small_counts_in_chart_and_table(world):
    html = client_of(world).get("/communities/north/monitoring/").content.decode()
    key = f"i{world.dm1.pk}-org{world.trust_a.pk}"
    points = {p["Period"]: p for p in chart(html, key)}
    # April (5 of 40) is a gap; May is worked out from the counts as shown, 25 of 100.
    assert points["2024-04-01"]["Value"] is None
    assert points["2024-05-01"]["Value"] == pytest.approx(25.0)
    # The mean and limits rest on the values shown, never on the hidden one.
    assert points["2024-05-01"]["Mean"] == pytest.approx(25.0)
    rows = table(html, key)
    assert re.search(r'data-period="2024-04-01".*?data-value="\*"', rows, re.S)
    start = html.index(f'id="series-{key}"')
    series = html[start : html.index("</section>", start)]  # its chart, text and table
    assert "spc-spec" in series
    for exact in ("12.5", "23.47", "17.98", "17.99"):
        assert exact not in series, exact


def test_report_shows_the_value_every_other_surface_shows(world):
    from commissioning.reports.content import community_report

    report = community_report("north", user=world.users["north_viewer"], charts=False)
    monitoring = next(t for t in report.tables() if t.key == "monitoring")
    row = next(
        r for r in monitoring.rows if r[0].startswith(world.dm1.name) and "Acute Trust A" in r[0]
    )
    latest, mean = row[2], row[3]
    assert latest == pytest.approx(25.0)  # not 23.47
    assert mean == pytest.approx(25.0)  # not (12.5 + 23.47) / 2


def test_one_report_gives_one_observation_one_value(world):
    """The diagnosis table and the monitoring table of a report show one diagnosis rate."""
    from commissioning.reports.content import community_report
    from commissioning.store import models as m

    dx = m.Indicator.objects.create(
        code="DXR",
        name="Dementia diagnosis rate",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=True,
    )
    m.Observation.objects.create(
        indicator=dx, organisation=world.trust_a, period=APRIL, numerator=23, denominator=98,
        value=100 * 23 / 98,
    )  # fmt: skip
    report = community_report("north", user=world.users["north_viewer"], charts=False)
    gap = next(t for t in report.tables() if t.key == "diagnosis_gap")
    row = dict(zip(gap.columns, gap.rows[0], strict=True))
    assert (row["Recorded"], row["Expected"]) == (25, 100)
    assert row["Rate"] == pytest.approx(25.0)  # from the counts shown, not 23.47
    monitoring = next(t for t in report.tables() if t.key == "monitoring")
    latest = next(r for r in monitoring.rows if r[0].startswith("Dementia diagnosis rate"))
    assert latest[2] == pytest.approx(row["Rate"])


def test_alerts_never_judge_or_quote_a_hidden_value(world):
    from commissioning.reports.alerts import digest_for
    from commissioning.reports.models import Subscription
    from commissioning.store import models as m

    months = [dt.date(2022 + i // 12, 1 + i % 12, 1) for i in range(14)]
    jump = m.Indicator.objects.create(
        code="JUMP",
        name="Checks done",
        domain="quality",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=True,
    )
    drop = m.Indicator.objects.create(
        code="DROP",
        name="Checks missed",
        domain="quality",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=True,
    )
    # 50 of 100 for 13 months, then 97 of 98 (98.98%, shown as 95 of 100) and 3 of 100 (hidden).
    for indicator, last in ((jump, (97, 98)), (drop, (3, 100))):
        for i, month in enumerate(months):
            n, d = last if i == len(months) - 1 else (50, 100)
            m.Observation.objects.create(
                indicator=indicator,
                organisation=world.trust_a,
                period=month,
                numerator=n,
                denominator=d,
                value=round(100 * n / d, 2),
            )
    viewer = world.users["north_viewer"]
    subs = [
        Subscription.objects.create(user=viewer, indicator=i, community=world.north)
        for i in (jump, drop)
    ]
    digest, _ = digest_for(viewer, subs)
    signals = {i.title.split(" (")[0]: i.detail for i in digest.items if i.kind == "signal"}
    assert "95" in signals["Checks done"] and "98.98" not in signals["Checks done"]
    assert "Checks missed" not in signals  # a hidden point is not judged
    assert not any("Checks missed" in i.title and i.kind == "missing_data" for i in digest.items)


def test_evaluation_series_are_the_values_shown(world):
    from commissioning.evaluation import records as evaluation

    viewer = world.users["north_viewer"]
    data = evaluation.series(viewer, world.dm1, f"org-{world.trust_a.pk}")
    assert data["date"].dt.date.tolist() == [MAY]
    assert data["value"].tolist() == pytest.approx([25.0])


# --- finding 2: value-only observations ------------------------------------------------------


def test_a_count_without_a_denominator_is_rounded_and_a_bare_value_is_hidden():
    assert disclose_observation(49, None, 49) == (50.0, None, 50.0, False)
    assert disclose_observation(5, None, 5) == (SUPPRESSED, None, SUPPRESSED, True)
    assert disclose_observation(None, None, 3) == (None, None, SUPPRESSED, True)
    assert disclose_observation(None, 40, 7.5) == (None, 40.0, SUPPRESSED, True)
    frame = pd.DataFrame(
        {"numerator": [49, 5, None], "denominator": [None] * 3, "value": [49, 5, 3]}, dtype=float
    )
    shown = disclose_observations(frame, pd.Series(True, index=frame.index))
    assert shown["value"].tolist() == [50.0, SUPPRESSED, SUPPRESSED]
    assert shown["suppressed"].tolist() == [False, True, True]
    # Rows of indicators that do not count patients are shown as they are.
    as_is = disclose_observations(frame, pd.Series(False, index=frame.index))
    assert as_is["value"].tolist() == [49.0, 5.0, 3.0]


def test_value_only_rows_in_download_api_page_and_report(world):
    client = client_of(world)
    text = client.get("/communities/north/export/observations.csv").content.decode("utf-8-sig")
    rows = {
        (r["indicator_code"], r["period"]): r
        for r in csv.DictReader(io.StringIO(text))
        if r["indicator_code"] == "REFS"
    }
    april, may = rows[("REFS", "2024-04-01")], rows[("REFS", "2024-05-01")]
    assert (april["value"], april["numerator"], april["suppressed"]) == ("50", "50", "no")
    assert (may["value"], may["suppressed"]) == (SUPPRESSED, "yes")
    api = json.loads(client.get(f"/api/observations/{world.bare.pk}").content)
    assert (api["value"], api["suppressed"]) == (None, True)
    html = client.get("/communities/north/monitoring/").content.decode()
    points = {
        p["Period"]: p["Value"] for p in chart(html, f"i{world.refs.pk}-org{world.trust_a.pk}")
    }
    assert points == {"2024-04-01": 50.0, "2024-05-01": None}
    from commissioning.reports.content import community_report

    report = community_report("north", user=world.users["north_viewer"], charts=False)
    monitoring = next(t for t in report.tables() if t.key == "monitoring")
    row = next(r for r in monitoring.rows if r[0].startswith("Referrals to the memory clinic"))
    assert row[2] == SUPPRESSED


def test_the_api_refuses_a_bare_value_for_an_indicator_that_counts_patients(world):
    client = client_of(world, "north_commissioner")
    bare = {"indicator": world.dm1.pk, "organisation": world.trust_a.pk, "period": "2024-07-01"}
    response = client.post(
        "/api/observations", {**bare, "value": 3}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "numerator" in json.loads(response.content)["detail"]
    # a count is given as its numerator: stored, and shown under the rule
    count = {"indicator": world.refs.pk, "organisation": world.trust_a.pk, "period": "2024-07-01"}
    response = client.post(
        "/api/observations", {**count, "numerator": 3}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    shown = json.loads(response.content)
    assert (shown["numerator"], shown["value"], shown["suppressed"]) == (None, None, True)
    from commissioning.store.models import Observation

    assert Observation.objects.get(pk=shown["id"]).value == 3  # stored exactly
    # an indicator that does not count patients still takes a bare value
    fin = {"indicator": world.fin1.pk, "organisation": world.trust_a.pk, "period": "2024-07-01"}
    response = client.post(
        "/api/observations", {**fin, "value": 3}, content_type="application/json"
    )
    assert response.status_code == 201


# --- finding 3: populations and registers ----------------------------------------------------


def download(client, kind: str) -> list[dict]:
    response = client.get(f"/communities/north/export/{kind}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_population_and_register_downloads_follow_the_small_numbers_rule(world, monkeypatch):
    monkeypatch.delenv("COMMISSIONING_PUBLISHED_COUNTS", raising=False)
    client = client_of(world)
    rule = "1 to 7 shown as *; others rounded to the nearest 5"
    populations = {r["age_band"]: r for r in download(client, "populations")}
    assert {b: r["count"] for b, r in populations.items()} == {
        "0-4": SUPPRESSED,
        "5-9": SUPPRESSED,  # with the total list, 43 would give the hidden 3 back
        "10-14": "120",
        "15-19": "0",
    }
    assert {r["small_numbers"] for r in populations.values()} == {rule}
    assert populations["5-9"]["suppressed"] == "yes"
    assert populations["10-14"]["suppressed"] == "no"
    registers = {r["condition"]: r for r in download(client, "registers")}
    assert (registers["diabetes"]["register_size"], registers["diabetes"]["list_size"]) == (
        SUPPRESSED,
        "1235",
    )
    assert (registers["dementia"]["register_size"], registers["dementia"]["list_size"]) == (
        "50",
        "1235",
    )
    assert registers["dementia"]["small_numbers"] == rule


def test_published_figures_are_an_exemption_set_in_one_place(world, monkeypatch):
    from commissioning.analytics.disclosure import PUBLISHED, PolicyError, policy_from

    monkeypatch.setenv(PUBLISHED, "populations")
    client = client_of(world)
    populations = {r["age_band"]: r for r in download(client, "populations")}
    assert populations["0-4"]["count"] == "3" and populations["10-14"]["count"] == "121"
    assert populations["0-4"]["small_numbers"] == "published figures, not suppressed"
    registers = {r["condition"]: r for r in download(client, "registers")}
    assert registers["diabetes"]["register_size"] == SUPPRESSED  # not exempted
    assert policy_from({PUBLISHED: "registers, populations"}).published == frozenset(
        {"registers", "populations"}
    )
    with pytest.raises(PolicyError, match="populations, registers"):
        policy_from({PUBLISHED: "observations"})
    assert SuppressionPolicy().published == frozenset()


# --- finding 4: secondary suppression wherever a total and its parts are shown ------------------


def test_grouping_page_hides_a_second_practice_beside_the_total(world):
    html = (
        client_of(world)
        .get("/communities/north/monitoring/", {"grouping": "north-locality"})
        .content.decode()
    )
    first = {p["Period"]: p for p in chart(html, f"i{world.dm1.pk}-org{world.practice.pk}")}
    second = {p["Period"]: p for p in chart(html, f"i{world.dm1.pk}-org{world.practice2.pk}")}
    total = {p["Period"]: p for p in chart(html, f"i{world.dm1.pk}-grp{world.grp_n.pk}")}
    assert first["2024-06-01"]["Value"] is None  # 3 of 40
    # 33 of 90 (35 of 90 as shown) less 30 of 50 would give 3 of 40 back: one of them goes too
    assert second["2024-06-01"]["Value"] is None or total["2024-06-01"]["Value"] is None
    assert "60.0" not in table(html, f"i{world.dm1.pk}-org{world.practice2.pk}")


def test_community_page_list_sizes_beside_their_total(world):
    """North Street's 167 registered patients and Second Street's 5 (hidden), with their total:
    172 less 167 would give the 5 back, so 167 is hidden too and the total shown as 170."""
    from commissioning.store.models import PracticePopulation

    PracticePopulation.objects.create(
        organisation=world.practice2, date=APRIL, age_band="0-4", sex="male", count=5
    )
    html = client_of(world).get("/communities/north/").content.decode()
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "GP practice: 2, with 170 registered patients" in words
    assert "North Street Surgery N00001 *" in words and "Second Street Surgery N00002 *" in words
    assert "167" not in words and "172" not in words


def test_secondary_suppression_of_observations_that_add_up_to_a_total():
    frame = pd.DataFrame(
        {
            "numerator": [3, 30, 90, 33, 4, 0, 4],
            "denominator": [40, 50, 60, 150, 40, 50, 90],
            "value": [7.5, 60.0, 150.0, 22.0, 10.0, 0.0, 4.44],
        },
        dtype=float,
    )
    groups = pd.Series(["a", "a", "a", "a", "b", "b", "b"])
    totals = pd.Series([False, False, False, True, False, False, True])
    shown = disclose_observations(
        frame, pd.Series(True, index=frame.index), groups=groups, totals=totals
    )
    # a: 3 hidden, 30 (the smallest other) hidden with it; 90 and the total shown
    assert shown["numerator"].tolist()[:4] == [SUPPRESSED, SUPPRESSED, 90.0, 35.0]
    assert shown["suppressed"].tolist()[:4] == [True, True, False, False]
    # b: 4 hidden, the other part is 0, so the total (4, itself small) is hidden
    assert shown["value"].tolist()[4:] == [SUPPRESSED, 0.0, SUPPRESSED]
