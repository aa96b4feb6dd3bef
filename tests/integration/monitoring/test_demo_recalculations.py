"""The demo's charts show limits recalculated where the study's developments went live.

Wirral's new memory assessment service went live in October 2010. With one set of limits over
the five years, the dementia diagnosis chart called every point special cause and judged its
latest value against limits drawn around the old process. The demo confirms the recalculation
the app proposes at that go-live, so the chart judges the new process on its own limits.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from commissioning.analytics.spc import summarise, xmr

pytestmark = pytest.mark.django_db


def _rows(html: str, anchor: str) -> list[dict]:
    start = html.index(f'id="{anchor}"')
    chart = html[start : html.find("</section>", start)]
    rows = []
    for row in re.findall(r"<tr[^>]*data-period=.*?</tr>", chart, flags=re.S):
        value = re.search(r'data-value="([^"]*)"', row).group(1)
        rows.append(
            {
                "period": re.search(r'data-period="([\d-]+)"', row).group(1),
                "type": re.search(r'data-point-type="([^"]*)"', row).group(1),
                "value": float(value) if value not in ("", "*") else None,
                "target": re.search(r"Target </span>([^<]*)<", row).group(1),
            }
        )
    return rows, chart


def test_the_wirral_dementia_chart_reads_true_after_the_memory_service(client, demo, db):
    from commissioning.store.models import (
        CommissioningCommunity,
        Indicator,
        ServiceDevelopment,
    )

    wirral = CommissioningCommunity.objects.get(code="wirral")
    indicator = Indicator.objects.get(code="PCT_DEM_DX")
    go_live = ServiceDevelopment.objects.get(
        community=wirral, slug="memory-assessment-service"
    ).go_live_date
    anchor = f"series-i{indicator.pk}-org{wirral.commissioner_id}"
    client.force_login(get_user_model().objects.get(username="wirral-commissioner"))
    html = client.get("/communities/wirral/monitoring/?indicator=PCT_DEM_DX").content.decode()
    rows, chart = _rows(html, anchor)
    judged = [r for r in rows if r["type"]]
    special = [r for r in judged if r["type"] != "common_cause"]
    assert len(judged) == 60
    assert len(special) < len(judged)  # it called 60 of 60 special cause
    # The latest value's assurance follows the limits worked out from go-live on: the engine on
    # the values shown from the first month on or after go-live, with the target.
    after = [r for r in rows if r["value"] is not None and r["period"] >= go_live.isoformat()]
    engine = summarise(
        xmr(
            pd.DataFrame(
                {
                    "date": [r["period"] for r in after],
                    "value": [r["value"] for r in after],
                    "target": [float(r["target"]) for r in after],
                }
            ),
            improvement="increase",
        )
    ).iloc[0]
    opening = html[: html.index(f'id="{anchor}"') + 400]
    opening = opening[opening.rindex("<section") :]
    assert f'data-assurance="{engine["assurance"]}"' in opening
    assert engine["assurance"] != "consistent_fail"  # 50% is met now
    assert "Limits recalculated" in chart and "New memory assessment service" in chart


def test_the_demo_records_the_confirmations_where_developments_went_live(demo, db):
    from commissioning.monitoring.models import Recalculation

    found = {
        (r.community.code, r.indicator.code, r.development.slug if r.development else None)
        for r in Recalculation.objects.select_related("community", "indicator", "development")
    }
    wirral = {(c, i) for c, i, d in found if d == "memory-assessment-service"}
    assert wirral == {("wirral", "PCT_DEM_DX"), ("wirral", "PCT_MEM_WAIT")}
    # the other communities' developments with objectives have theirs too
    assert {c for c, _, _ in found} >= {"calderdale", "somerset", "wirral"}
    for r in Recalculation.objects.select_related("development"):
        assert r.decision == "confirmed" and r.development.title in r.reason
        assert r.starts == r.development.go_live_date
        assert r.decided_at.weekday() < 5  # a weekday, in the demo's years
        assert r.decided_at.date() > r.starts
