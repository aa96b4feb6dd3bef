"""Recalculating a series' limits at a go-live: proposed by the app, confirmed with the reason (or
dismissed) by a commissioner, recorded and audited, and used by every surface that draws the
series; limits of a measure that cannot be negative shown from zero.

Recalctown (world.py) has every figure worked out by hand.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from .world import GO_LIVE

pytestmark = pytest.mark.django_db

COMMUNITY = "/communities/recalctown/monitoring/"
REVIEW = "/communities/recalctown/monitoring/recalculate/"
REASON = "The new memory service replaced the hospital clinic on 1 January 2011."


def dx_key(town) -> str:
    return f"i{town['dx'].pk}-org{town['ccg'].pk}"


def review_url(town, **extra) -> str:
    query = {"series": dx_key(town), "from": GO_LIVE.isoformat(), "development": "memory-service"}
    return f"{REVIEW}?{urlencode({**query, **extra})}"


def section(html: str, key: str) -> str:
    start = html.index(f'id="series-{key}"')
    return html[start : html.find("</section>", start)]


def rows_of(html: str, key: str) -> dict[str, dict[str, float | None]]:
    """Each period's mean and limits in a chart's table."""
    found = {}
    for row in re.findall(r"<tr[^>]*data-period=.*?</tr>", section(html, key), flags=re.S):
        period = re.search(r'data-period="([\d-]+)"', row).group(1)
        cells = {}
        for name in ("mean", "lpl", "upl"):
            value = re.search(rf'data-{name}="([^"]*)"', row).group(1)
            cells[name] = float(value) if value else None
        found[period] = cells
    return found


def spec_of(html: str, key: str) -> dict:
    match = re.search(
        rf'<script id="spc-spec-{key}" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def confirm(client, town, reason=REASON):
    return client.post(review_url(town), {"reason": reason, "decision": "confirmed"})


# --- the proposal ------------------------------------------------------------------------


def test_the_page_proposes_it_once_enough_values_follow_go_live(town, client_for):
    commissioner = client_for("commissioner")
    html = commissioner.get(COMMUNITY).content.decode()
    proposed = re.search(r'id="recalculations-proposed".*?</div>\s*</div>', html, re.S).group(0)
    # The memory service (live January 2011): 12 values before, 12 since, all above.
    assert f'data-proposal="{dx_key(town)}"' in proposed
    assert "Diagnosis rate, Recalctown CCG: from 1 January 2011" in proposed
    assert "12 values since, 12 in a row above the earlier mean" in proposed
    assert review_url(town).replace("&", "&amp;") in proposed
    # Quick wins (live July 2011): only 6 values since: not yet.
    assert f"i{town['wait'].pk}-" not in proposed
    # The development's page proposes its own only.
    memory = commissioner.get("/communities/recalctown/developments/memory-service/monitoring/")
    assert f'data-proposal="{dx_key(town)}"' in memory.content.decode()
    quick = commissioner.get("/communities/recalctown/developments/quick-wins/monitoring/")
    assert "recalculations-proposed" not in quick.content.decode()


def test_the_review_page_shows_the_evidence_and_the_limits_either_way(town, client_for):
    html = client_for("commissioner").get(review_url(town)).content.decode()
    assert 'data-before="12"' in html and 'data-after="12"' in html and 'data-run="12"' in html
    assert "mean 40.03" in html  # the mean before go-live
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # One set of limits: 42.82 to 45.24, the target between them; from go-live 46.82 to 49.24.
    assert "Mean 44.03, limits 42.82 to 45.24" in text
    assert "hits and misses the target" in text
    assert "From go-live: mean 48.03, limits 46.82 to 49.24" in text
    assert "consistently passes the target" in text
    assert "new process limits from January 2011" in text


# --- confirming and dismissing -----------------------------------------------------------


def test_a_commissioner_confirms_it_with_a_reason_and_every_chart_changes(town, client_for):
    from commissioning.monitoring.models import Recalculation
    from commissioning.store.models import AuditRecord

    commissioner = client_for("commissioner")
    key = dx_key(town)
    before = commissioner.get(COMMUNITY).content.decode()  # kept by store.computed
    assert rows_of(before, key)["2011-01-01"]["mean"] == pytest.approx(44.0333, abs=1e-4)
    assert 'data-assurance="inconsistent"' in before[before.index(f'id="series-{key}"') - 400 :]

    # Without a reason: refused, with the error summary linked to the field.
    refused = confirm(commissioner, town, reason="  ")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "There is a problem" in html and 'href="#reason"' in html
    assert 'class="nhsuk-error-message" id="reason-error"' in html
    assert not Recalculation.objects.exists()

    done = confirm(commissioner, town)
    assert done.status_code == 302
    assert done["Location"] == f"{COMMUNITY}?series=series-{key}#series-{key}"
    record = Recalculation.objects.get()
    assert (record.decision, record.reason, record.starts) == ("confirmed", REASON, GO_LIVE)
    assert (record.indicator, record.organisation) == (town["dx"], town["ccg"])
    assert record.service is None
    assert record.development == town["memory"] and record.community == town["community"]
    assert record.decided_by == town["commissioner"]
    assert record.decided_by_name == "recalc-commissioner"
    audit = AuditRecord.objects.get(model="monitoring.recalculation", action="create")
    assert audit.username == "recalc-commissioner" and audit.object_id == str(record.pk)
    assert audit.after["reason"] == REASON and audit.after["decision"] == "confirmed"

    html = commissioner.get(COMMUNITY).content.decode()  # the kept page is worked out afresh
    rows = rows_of(html, key)
    assert rows["2010-12-01"]["mean"] == pytest.approx(40.0333, abs=1e-4)
    assert rows["2010-12-01"]["lpl"] == pytest.approx(38.8242, abs=1e-4)
    assert rows["2011-01-01"]["mean"] == pytest.approx(48.0333, abs=1e-4)
    assert rows["2011-01-01"]["lpl"] == pytest.approx(46.8242, abs=1e-4)
    assert rows["2011-12-01"]["upl"] == pytest.approx(49.2424, abs=1e-4)
    chart = section(html, key)
    assert 'data-recalculated="2011-01-01"' in chart and REASON in chart
    assert "confirmed by recalc-commissioner" in chart
    assert "Limits recalculated from January 2011: The new memory service" in chart
    # one mark on the go-live day: the recalculation (R) and the go-live (1), never overprinted
    marks = spec_of(html, key)["datasets"]["marks"]
    assert marks == [
        {
            "Date": "2011-01-01",
            "Label": f"Limits recalculated: {REASON}; Go-live: Memory service",
            "Number": "R, 1",
        }
    ]
    opening = html[: html.index(f'id="series-{key}"') + 300]
    assert 'data-assurance="consistent_pass"' in opening[opening.rindex("<section") :]
    assert "recalculations-proposed" not in html  # decided: no longer proposed
    # the review page of a decided proposal is gone
    assert commissioner.get(review_url(town)).status_code == 404


def test_a_commissioner_dismisses_it_and_the_limits_stay(town, client_for):
    from commissioning.monitoring.models import Recalculation
    from commissioning.store.models import AuditRecord

    commissioner = client_for("commissioner")
    done = commissioner.post(review_url(town), {"reason": "", "decision": "dismissed"})
    assert done.status_code == 302
    record = Recalculation.objects.get()
    assert (record.decision, record.reason) == ("dismissed", "")
    assert AuditRecord.objects.filter(model="monitoring.recalculation", action="create").exists()
    html = commissioner.get(COMMUNITY).content.decode()
    assert "recalculations-proposed" not in html
    rows = rows_of(html, dx_key(town))
    assert rows["2011-12-01"]["mean"] == pytest.approx(44.0333, abs=1e-4)  # one set still
    assert "data-recalculated" not in section(html, dx_key(town))


def test_a_decision_recorded_meanwhile_is_not_overwritten(town, client_for):
    from commissioning.monitoring.models import Recalculation
    from commissioning.monitoring.recalculations import decide, go_lives

    commissioner = client_for("commissioner")
    page = commissioner.get(review_url(town))  # opened before the other decision
    assert page.status_code == 200
    [g] = [g for g in go_lives(town["admin"], town["community"]) if g.series == dx_key(town)]
    decide(town["admin"], town["community"], g, "dismissed", "")
    # the proposal is no longer there to confirm
    assert confirm(commissioner, town).status_code == 404
    assert Recalculation.objects.get().decision == "dismissed"


# --- who may decide ----------------------------------------------------------------------


def test_only_the_communitys_commissioners_and_administrators_decide(town, client_for):
    from commissioning.monitoring.models import Recalculation

    for who in ("viewer", "provider", "elsewhere_user"):
        client = client_for(who)
        assert client.get(review_url(town)).status_code == 404, who
        assert confirm(client, town).status_code == 404, who
    assert not Recalculation.objects.exists()
    # A viewer sees that a recalculation waits, as a note, with no way to decide.
    viewer = client_for("viewer").get(COMMUNITY).content.decode()
    note = re.search(r'id="recalculations-proposed".*?</div>', viewer, re.S).group(0)
    assert "1 series here changed when a development went live" in note
    assert REVIEW not in viewer and "data-proposal" not in viewer
    # A provider sees only its own series (the clinic's falls): nothing is proposed there.
    assert "recalculations-proposed" not in client_for("provider").get(COMMUNITY).content.decode()
    # An administrator decides.
    assert confirm(client_for("admin"), town).status_code == 302
    assert Recalculation.objects.get().decided_by_name == "recalc-admin"


def test_an_address_that_is_not_a_proposal_is_not_found(town, client_for):
    commissioner = client_for("commissioner")
    for extra in (
        {"series": "i0-org0"},
        {"series": "nonsense"},
        {"from": "2011-02-01"},  # not a go-live date
        {"from": "31/01/2011"},
        {"development": "quick-wins"},
    ):
        assert commissioner.get(review_url(town, **extra)).status_code == 404, extra
    # Quick wins' own series: a candidate, but only 6 values since its go-live.
    wait = {"series": f"i{town['wait'].pk}-org{town['ccg'].pk}", "from": "2011-07-01"}
    assert commissioner.get(review_url(town, **wait, development="quick-wins")).status_code == 404


# --- every surface -----------------------------------------------------------------------


def _confirmed(town):
    from commissioning.monitoring.recalculations import decide, go_lives

    [g] = [g for g in go_lives(town["admin"], town["community"]) if g.series == dx_key(town)]
    return decide(town["commissioner"], town["community"], g, "confirmed", REASON)


def _monitoring_rows(content: bytes) -> dict[str, dict]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(wb["monitoring"].iter_rows(values_only=True))
    header = rows[1]
    return {r[0]: dict(zip(header, r, strict=False)) for r in rows[2:] if r[0]}


def _across(town) -> dict:
    from commissioning.reports.build import build

    across = load_workbook(io.BytesIO(build("xlsx", user=town["admin"])), read_only=True)
    rows = list(across["monitoring_across"].iter_rows(values_only=True))
    return dict(zip(rows[1], next(r for r in rows[2:] if r[0] == "recalctown"), strict=False))


def test_the_board_report_uses_the_confirmed_recalculation(town):
    from commissioning.reports.build import build

    name = "Diagnosis rate (%) — Recalctown CCG"
    before = _monitoring_rows(build("xlsx", community="recalctown", user=town["viewer"]))[name]
    assert before["Mean"] == pytest.approx(44.0333, abs=1e-4)
    assert before["Assurance"] == "Hits and misses the target"
    _confirmed(town)
    after = _monitoring_rows(build("xlsx", community="recalctown", user=town["viewer"]))[name]
    assert after["Mean"] == pytest.approx(48.0333, abs=1e-4)
    assert after["Lower limit"] == pytest.approx(46.8242, abs=1e-4)
    assert after["Upper limit"] == pytest.approx(49.2424, abs=1e-4)
    assert after["Variation"] == "Common cause variation"
    assert after["Assurance"] == "Consistently passes the target"
    # ...and so does the report across communities (its matrix counts series by assurance).
    across = _across(town)
    assert (across["Consistent pass"], across["Consistent fail"]) == (1, 0)


def test_the_alerts_use_the_confirmed_recalculation(town):
    from commissioning.reports.alerts import digest_for, send_digests
    from commissioning.reports.models import Subscription

    reader = town["commissioner"]
    sub = Subscription.objects.create(
        user=reader, indicator=town["dx"], community=town["community"], by_email=False
    )
    [first] = send_digests(users=[reader])
    # One set of limits: the latest value (47.7) is above the upper limit, a signal.
    assert [i.kind for i in first.items] == ["signal"]
    _confirmed(town)
    [second] = send_digests(users=[reader])
    assert [i.kind for i in second.items] == ["assurance"]
    assert second.items[0].detail == "assurance was inconsistent, now consistent pass"
    sub.state = {}
    digest, _ = digest_for(reader, [sub])  # a new follower: the latest value is common cause
    assert [i.kind for i in digest.items] == []


def test_the_api_uses_the_confirmed_recalculation(town, client_for):
    viewer = client_for("viewer")

    def dx():
        response = viewer.get("/api/communities/recalctown/monitoring", {"page_size": 100})
        assert response.status_code == 200
        return next(s for s in response.json()["items"] if s["key"] == dx_key(town))

    before = dx()
    assert before["mean"] == pytest.approx(44.0333, abs=1e-4)
    assert before["assurance_kind"] == "inconsistent"
    assert before["limits_recalculated"] == []
    _confirmed(town)
    after = dx()  # as the page draws it, with the recalculation and its reason
    assert after["mean"] == pytest.approx(48.0333, abs=1e-4)
    assert after["lower_limit"] == pytest.approx(46.8242, abs=1e-4)
    assert after["upper_limit"] == pytest.approx(49.2424, abs=1e-4)
    assert (after["variation_kind"], after["assurance_kind"]) == ("common_cause", "consistent_pass")
    assert after["limits_recalculated"] == [{"period": "2011-01-01", "reason": REASON}]


# --- limits from zero --------------------------------------------------------------------


def test_limits_of_a_count_are_shown_from_zero(town, client_for):
    from commissioning.reports.build import build

    key = f"i{town['falls'].pk}-svc{town['clinic'].pk}"
    html = client_for("commissioner").get(COMMUNITY).content.decode()
    rows = rows_of(html, key)
    # Worked out: 1.8333 - 2.66 x 2.4545 = -4.6958; shown as 0.
    assert {r["lpl"] for r in rows.values()} == {0.0}
    assert {round(r["upl"], 4) for r in rows.values()} == {8.3624}
    chart = section(html, key)
    assert "data-from-zero" in chart and "shown as 0" in chart
    assert "process limits 0 to 8.36" in chart
    spec = spec_of(html, key)
    assert {p["Lower limit"] for p in spec["datasets"]["points"]} == {0.0}
    scales = [
        layer["encoding"]["y"].get("scale")
        for layer in spec["layer"]
        if "scale" in layer.get("encoding", {}).get("y", {})
    ]
    # the axis holds the limits as shown: from 0 (the floored lower limit, the lowest figure) to
    # the upper limit and 5% of the figures' range above it, 8.3624 x 1.05 = 8.7805
    assert len(scales) == 1
    assert scales[0]["domain"] == pytest.approx([0.0, 8.7805], abs=1e-4)
    # the diagnosis rate (a percentage near 44) has its axis around its figures, not from 0 (it
    # was from 0 until the axis was set to show the variation): values 39.6 to 48.5, the mean
    # and limits (44.0333, 42.8242 to 45.2424) and the target 45 between them; 5% of the range
    # 8.9 each side
    dx_spec = spec_of(html, dx_key(town))
    (dx_scale,) = [
        layer["encoding"]["y"]["scale"]
        for layer in dx_spec["layer"]
        if "scale" in layer.get("encoding", {}).get("y", {})
    ]
    assert dx_scale["domain"] == pytest.approx([39.155, 48.945], abs=1e-4)
    assert "data-from-zero" not in section(html, dx_key(town))
    name = "Falls (falls) — Memory clinic"
    report = _monitoring_rows(build("xlsx", community="recalctown", user=town["viewer"]))
    assert report[name]["Lower limit"] == 0


def test_recalculations_are_backed_up(town, tmp_path):
    from commissioning.store.backup import write_backup

    _confirmed(town)
    counts = write_backup(tmp_path / "backup.zip")
    assert counts.get("monitoring.recalculation") == 1


def test_a_benefit_reads_the_recalculated_limits_as_the_page_draws_them(town):
    from commissioning.access.policy import visible
    from commissioning.monitoring.presenter import build
    from commissioning.monitoring.recalculations import recorded
    from commissioning.store.models import Objective, Observation
    from commissioning.work import benefits

    user, dev = town["commissioner"], town["memory"]
    objective = Objective.objects.get(development=dev)
    assert benefits.monitored(user, dev, objective).assurance == "inconsistent"
    _confirmed(town)
    spc = benefits.monitored(user, dev, objective)
    page = build(
        visible(user, Observation).filter(indicator=town["dx"], organisation=town["ccg"]),
        recalculations=recorded(user, town["community"]),
    )
    (series,) = page.series
    for key in ("mean", "lpl", "upl"):
        assert getattr(spc, key) == pytest.approx(series.summary[key])
    assert spc.mean == pytest.approx(48.0333, abs=1e-4)
    assert (spc.variation, spc.assurance) == ("common_cause", "consistent_pass")
