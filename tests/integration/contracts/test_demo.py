"""The demo's contract performance: every contract has lines, plans, a year or more of monthly
activity and a variation; the acute contract's page shows its lines with their signals."""

from __future__ import annotations

import re

from django.db.models import Count

from commissioning.contracts.models import ContractLine, MonthlyActual
from commissioning.store.models import Contract


def test_every_demo_contract_has_lines_plans_actuals_and_a_variation(demo, db):
    contracts = Contract.objects.filter(community__synthetic=True).annotate(
        lines_=Count("lines", distinct=True),
        variations_=Count("variations", distinct=True),
        challenges_=Count("challenges", distinct=True),
    )
    assert contracts.count() == 18
    for c in contracts:
        months = MonthlyActual.objects.filter(line__contract=c).values("month").distinct().count()
        plans = ContractLine.objects.filter(contract=c, plans__isnull=False).distinct().count()
        assert c.lines_ >= 1 and plans == c.lines_, c.reference
        assert months >= 12, (c.reference, months)
        assert c.variations_ >= 1 and c.challenges_ >= 1, c.reference


def test_the_acute_contract_page_shows_its_lines_with_signals(demo, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="wirral-commissioner"))
    acute = Contract.objects.get(community__code="wirral", payment_form="activity")
    html = client.get(f"/communities/wirral/contracts/{acute.reference}/").content.decode()
    rows = dict(re.findall(r'data-line="([^"]+)" data-direction="[^"]*" data-signal="(\w+)"', html))
    assert len(rows) == 11 and rows["NEL-300"] == "signal"
    assert 'data-line="NEL-300" data-direction="over"' in html
    assert "General medicine emergency spells" in html and "Awaiting signature" in html
