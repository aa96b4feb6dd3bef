"""The demo's contract performance: every contract has lines, plans, a year or more of monthly
activity and a variation; the acute contract's page shows its lines with their signals. The
present-day community's contracts (Mereshire, 2021-2026) are priced as the NHS Payment Scheme
does and have plans and activity for every month of their terms from April 2021 to March 2026."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count

from commissioning.contracts.models import (
    ActivityChallenge,
    ContractLine,
    ContractVariation,
    IncentiveIndicator,
    MonthlyActual,
    MonthlyPlan,
)
from commissioning.demo.communities import AREAS
from commissioning.store.models import Contract

D = dt.date
STUDY_COMMUNITIES = [a.code for a in AREAS]
EVERY_COMMUNITY = [*STUDY_COMMUNITIES, "mereshire"]
# The present-day community's months: April 2021 to March 2026 (the demo's data run to March 2026)
TODAY_MONTHS = [D(2021 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(60)]


def test_every_study_contract_has_lines_plans_actuals_and_a_variation(demo, db):
    # the study's communities (2008-2013); the present-day community's are checked below
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

    variations = ContractVariation.objects.filter(contract__community__code__in=EVERY_COMMUNITY)
    for v in variations.select_related("contract"):
        c = v.contract
        last = v.new_end_date or c.end_date  # an extension takes effect after the old end
        assert c.start_date <= v.effective <= last, (c.reference, v.title, v.effective)
        for day in (v.proposed, v.signed):
            assert day is None or is_working_day(day), (c.reference, v.title, day)
    challenges = ActivityChallenge.objects.filter(
        contract__community__code__in=EVERY_COMMUNITY
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


def test_every_present_day_contract_has_lines_plans_and_actuals_for_every_month(demo, db):
    # Each Mereshire contract running in 2021-2026 has lines, and every line has plans and
    # actual activity with their money for every month of the contract's term (a service's line
    # from the service's start) in April 2021 to March 2026; together the contracts cover every
    # one of those 60 months.
    every = Contract.objects.filter(community__code="mereshire")
    # the contracts the provider selection records award begin after the demo's data end
    later = every.filter(start_date__gt=TODAY_MONTHS[-1])
    assert later.count() == 2 and not ContractLine.objects.filter(contract__in=later).exists()
    contracts = every.exclude(pk__in=later).order_by("reference")
    assert contracts.count() == 10
    covered: set[dt.date] = set()
    for c in contracts:
        term = {m for m in TODAY_MONTHS if c.start_date.replace(day=1) <= m <= c.end_date}
        lines = list(ContractLine.objects.filter(contract=c))
        assert lines and term, c.reference
        actual = set(MonthlyActual.objects.filter(line__contract=c).values_list("month", flat=True))
        plans = set(MonthlyPlan.objects.filter(line__contract=c).values_list("month", flat=True))
        assert actual == plans == term, (c.reference, sorted(term - actual))
        for line in lines:
            assert line.plans.exists() and line.actuals.exists(), (c.reference, line.code)
            for row in (*line.plans.all()[:3], *line.actuals.all()[:3]):
                assert row.cost == line.price * int(row.activity), (c.reference, line.code)
        covered |= actual
    assert sorted(covered) == TODAY_MONTHS
    # nothing is recorded after the demo's "today" (2 March 2026)
    from commissioning.demo.context import DEMO_TODAY

    for v in ContractVariation.objects.filter(contract__in=contracts):
        assert max(d for d in (v.proposed, v.signed) if d) <= DEMO_TODAY, v
    for ch in ActivityChallenge.objects.filter(contract__in=contracts):
        assert max(d for d in (ch.raised, ch.closed) if d) <= DEMO_TODAY, ch


def test_present_day_lines_are_priced_as_the_nhs_payment_scheme_does(demo, db):
    contracts = Contract.objects.filter(community__code="mereshire").select_related("provider")
    acute = contracts.get(payment_form="api", provider__kind="acute_trust")
    lines = {ln.code: ln for ln in acute.lines.all()}
    # aligned payment and incentive: elective activity is the variable element, at 100% of the
    # unit price; emergency care, A&E, critical care and follow-ups the fixed element
    variable = {code for code, ln in lines.items() if not ln.fixed}
    assert variable == {"EL-100", "DC-100", "OPFA-307", "OPFA-OTH", "OPPROC"}
    assert all(lines[code].marginal_rate == 100 for code in variable)
    assert all(ln.marginal_rate is None for ln in lines.values() if ln.fixed)
    # the community and mental health trust's contract has no variable element
    community = contracts.get(payment_form="api", provider__kind="mental_health_trust")
    assert community.lines.exists() and not community.lines.filter(fixed=False).exists()
    # a low-volume activity agreement monitors the few lines it covers; no money moves on them
    lva = contracts.get(title__startswith="Low-volume activity agreement")
    assert set(lva.lines.values_list("code", flat=True)) == {"NEL-328", "OPFA-307", "OPFUP-307"}
    # the community interest company is paid a local price per course place attended
    [place] = contracts.get(payment_form="activity").lines.all()
    assert place.currency == "course place" and place.price > 0
    # the 2022/23 CQUIN schemes have their indicators
    cquin = IncentiveIndicator.objects.filter(scheme__contract=acute, scheme__financial_year=2022)
    assert cquin.count() == 3 and all(i.milestones.count() == 4 for i in cquin)


def test_a_present_day_contract_page_shows_its_spc_chart_and_plan_against_actual(demo, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="mereshire-commissioner"))
    acute = Contract.objects.get(
        community__code="mereshire", payment_form="api", provider__kind="acute_trust"
    )
    base = f"/communities/mereshire/contracts/{acute.reference}/"
    response = client.get(base)
    html = response.content.decode()
    assert response.status_code == 200 and "Contract performance, 2025/26" in html
    # the lines against plan to March 2026, with the variance chart beside the table
    assert "Lines: plan against actual to March 2026" in html
    assert 'data-chart-spec="variance-spec"' in html
    rows = {
        line: (direction, signal)
        for line, direction, signal in re.findall(
            r'data-line="([^"]+)" data-direction="([^"]*)" data-signal="(\w+)"', html
        )
    }
    assert len(rows) == 12
    # general medicine emergency spells rose 14% from October 2025: over plan, a signal
    assert rows["NEL-300"] == ("over", "signal")
    assert rows["OPFUP-307"] == ("under", "signal")  # follow-ups fell a quarter from July 2025
    perf = response.context["perf"]
    assert perf.months_reported == 12 and perf.money  # money under the payment form

    line = client.get(f"{base}lines/EL-100/")
    page = line.content.decode()
    assert line.status_code == 200 and 'data-chart-spec="line-spec"' in page
    assert line.context["chart"] is not None
    # the SPC chart: every month since the contract began (April 2022 to March 2026), each with
    # its limits and the month's plan as target
    points = line.context["points"]
    assert len(points) == 48 and points[0].period == D(2022, 4, 1)
    assert all(p.upl is not None and p.target is not None for p in points)
    # the plan against actual by month: all twelve months of 2025/26
    months = re.findall(r'<tr class="nhsuk-table__row" data-month="(\d{4}-\d{2})">', page)
    assert months == [f"{m:%Y-%m}" for m in TODAY_MONTHS[-12:]]
    assert all(r.plan and r.actual for r in line.context["line"].months)
