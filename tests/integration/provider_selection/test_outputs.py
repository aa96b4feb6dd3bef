"""The API, the command line and the alert inbox lay out what the presenter returns."""

from __future__ import annotations

import datetime as dt
import json

from commissioning.provider_selection import presenter
from commissioning.provider_selection.standstill import latest_publication_for


def test_api_records_pipeline_and_ocds(client, awards):
    client.force_login(awards["beta_user"])
    listed = client.get("/api/provider-selection/records?community=minitown").json()["items"]
    assert {r["reference"] for r in listed} == {"psr-dac-1", "psr-comp-1"}  # no drafts
    record = client.get("/api/provider-selection/records/psr-comp-1?community=minitown").json()
    assessed = next(s for s in record["sections"] if s["key"] == "assessments")
    assert [t["title"] for t in assessed["tables"]] == ["Beta Care"]  # not Alpha Trust's
    assert (
        client.get("/api/provider-selection/records/psr-msp-1?community=minitown").status_code
        == 404
    )
    client.force_login(awards["commissioner"])
    package = client.get("/api/provider-selection/ocds?community=minitown").json()
    assert len(package["releases"]) == 2
    assert client.get("/api/provider-selection/pipeline?community=minitown").status_code == 200


def test_pipeline_by_when_is_the_last_day_for_the_notice_of_intention(awards):
    """MT-3 ends on 31 March 2026 and its draft (most suitable provider) has no notice of
    intention yet: by the latest day whose standstill ends before 1 April 2026. Published on
    Wednesday 18 March, it begins on the 19th and its 8 working days are 20, 23, 24, 25, 26,
    27, 30 and 31 March; published on the 19th, the 8th working day would be 1 April."""
    rows = presenter.pipeline(awards["commissioner"], awards["community"], dt.date(2026, 3, 1)).rows
    (row,) = [r for r in rows if r.contract == "MT-3"]
    assert row.by_when == latest_publication_for(dt.date(2026, 4, 1)) == dt.date(2026, 3, 18)
    assert row.record == "psr-msp-1" and "notice of intention" in row.decision


def test_deadlines_and_overdue_steps_reach_the_inbox(awards, monkeypatch):
    from django.utils import timezone

    from commissioning.reports.alerts import send_digests
    from commissioning.reports.models import InboxMessage, Subscription

    user = awards["commissioner"]
    Subscription.objects.create(user=user, community=awards["community"], by_email=False)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 3, 10))
    send_digests(users=[user])
    items = InboxMessage.objects.get(user=user).items
    soon = [i for i in items if i["kind"] == "deadline"]
    assert soon and "18 March 2026" in soon[0]["detail"] and "psr-msp-1" in soon[0]["url"]
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 3, 25))
    send_digests(users=[user])
    latest = InboxMessage.objects.filter(user=user).order_by("-created", "-pk").first().items
    assert [i["kind"] for i in latest if i["kind"] in ("deadline", "overdue")] == ["overdue"]


def test_command_line_verify_pipeline_and_ocds(awards, tmp_path, capsys, settings):
    from commissioning.cli import main

    db = settings.DATABASES["default"]
    assert main(["provider-selection", "verify", "--community", "minitown", "psr-dac-1"]) == 0
    assert "intact" in capsys.readouterr().out
    out = tmp_path / "ocds.json"
    assert (
        main(["provider-selection", "ocds-export", "--community", "minitown", "-o", str(out)]) == 0
    )
    assert len(json.loads(out.read_text())["releases"]) == 2
    assert main(["provider-selection", "ocds-import", str(out), "--community", "minitown"]) == 0
    assert "0 created" in capsys.readouterr().out
    assert db  # the verbs ran on the test database
