"""The demo's contract performance: every contract has lines, plans, a year or more of monthly
activity and a variation; the acute contract's page shows its lines with their signals."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count

from commissioning.contracts.models import (
    ActivityChallenge,
    ContractLine,
    ContractVariation,
    MonthlyActual,
)
from commissioning.demo.communities import AREAS
from commissioning.store.models import Contract

STUDY_COMMUNITIES = [a.code for a in AREAS]


def test_every_study_contract_has_lines_plans_actuals_and_a_variation(demo, db):
    # the study's communities (2008-2013); the present-day community's contracts have none yet
    contracts = Contract.objects.filter(community__code__in=STUDY_COMMUNITIES).annotate(
        lines_=Count("lines", distinct=True),
        variations_=Count("variations", distinct=True),
        challenges_=Count("challenges", distinct=True),
    )
    assert contracts.count() == 22
    for c in contracts:
        months = MonthlyActual.objects.filter(line__contract=c).values("month").distinct().count()
        plans = ContractLine.objects.filter(contract=c, plans__isnull=False).distinct().count()
        assert c.lines_ >= 1 and plans == c.lines_, c.reference
        assert months >= 12, (c.reference, months)
        assert c.variations_ >= 1 and c.challenges_ >= 1, c.reference


def test_variations_and_challenges_fall_within_their_contracts_term(demo, db):
    # The PCT provider arms' service level agreements end on 31 March 2011 (community services
    # leave the PCT) and some contracts start later: nothing is refreshed, varied or challenged
    # outside a contract's own term, nor recorded on a weekend or bank holiday.
    from commissioning.demo.workdays import is_working_day

    variations = ContractVariation.objects.filter(contract__community__code__in=STUDY_COMMUNITIES)
    for v in variations.select_related("contract"):
        c = v.contract
        last = v.new_end_date or c.end_date  # an extension takes effect after the old end
        assert c.start_date <= v.effective <= last, (c.reference, v.title, v.effective)
        for day in (v.proposed, v.signed):
            assert day is None or is_working_day(day), (c.reference, v.title, day)
    challenges = ActivityChallenge.objects.filter(
        contract__community__code__in=STUDY_COMMUNITIES
    ).select_related("contract")
    for ch in challenges:
        c = ch.contract
        assert c.start_date <= ch.month <= c.end_date, (c.reference, ch.reference, ch.month)
        assert ch.raised <= c.end_date + dt.timedelta(days=92), (c.reference, ch.raised)
        for day in (ch.raised, ch.closed):
            assert day is None or is_working_day(day), (c.reference, ch.reference, day)


def test_the_acute_contract_page_shows_its_lines_with_signals(demo, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="wirral-commissioner"))
    acute = Contract.objects.get(community__code="wirral", payment_form="activity")
    html = client.get(f"/communities/wirral/contracts/{acute.reference}/").content.decode()
    rows = dict(re.findall(r'data-line="([^"]+)" data-direction="[^"]*" data-signal="(\w+)"', html))
    assert len(rows) == 11 and rows["NEL-300"] == "signal"
    assert 'data-line="NEL-300" data-direction="over"' in html
    assert "General medicine emergency spells" in html and "Awaiting signature" in html
