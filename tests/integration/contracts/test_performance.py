"""One contract's performance, through the records and the presenter, against figures worked by
hand (tests/integration/contracts/world.py): an activity-based, a block and an aligned payment
contract; who sees what; the alerts."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from commissioning.contracts import forecast as fc
from commissioning.contracts import presenter

D = dt.date


def test_activity_based_contract_worked_by_hand(ctown):
    perf = presenter.performance(ctown.users["commissioner"], ctown.act)
    assert perf.year == 2023 and perf.months_reported == 6
    assert perf.latest_month == D(2023, 9, 1) and perf.as_at == D(2023, 9, 30)
    nel, opfa = perf.line("NEL"), perf.line("OPFA")
    # NEL: plan 100 a month, 130 reported each month April to September.
    assert (nel.ytd.plan, nel.ytd.actual, nel.ytd.variance) == (600, 780, 180)
    assert nel.ytd.percent == pytest.approx(30)
    # Forecast: last year 98, 102, ... (1,200): April to September expect half the year, so
    # R = 780 / 0.5 = 1,560 and F = 780 + 1,560 x 0.5 = 1,560. Residuals 130 - 1,560 x 98/1,200
    # = 2.6 and 130 - 1,560 x 102/1,200 = -2.6, six of them: s2 = 6 x 6.76 / 5 = 8.112;
    # Var(F) = 8.112 x (6 + 6 x 0.5^2 / 0.5^2) = 97.344; t(0.975, 5) = 2.570582.
    assert nel.forecast.method == fc.LAST_YEAR
    assert nel.forecast.outturn == pytest.approx(1560)
    half = 2.570582 * math.sqrt(97.344)
    assert nel.forecast.lower == pytest.approx(1560 - half, abs=1e-3)
    assert nel.forecast.upper == pytest.approx(1560 + half, abs=1e-3)
    # Money at £1,000 a spell: planned £600,000, paid £780,000, forecast £1,560,000.
    assert nel.money["plan"] == 600_000 and nel.money["paid"] == 780_000
    assert nel.money["variance"] == 180_000 and nel.money["forecast"] == 1_560_000
    # Signal: the six months at 130 lie above the upper process limit of the 18 months.
    assert nel.direction == "over" and nel.signal == "high" and nel.is_signal
    assert nel.signal_or_noise == "Signal" and nel.position in ("over", "both")
    # OPFA: 52, 48, 51, 49, 50, 50 against 50 a month: on plan, noise.
    assert (opfa.ytd.plan, opfa.ytd.actual) == (300, 300) and opfa.direction == "on plan"
    assert opfa.signal_or_noise == "Noise" and not opfa.is_signal
    assert opfa.forecast.outturn == pytest.approx(600)
    # The contract: £645,000 planned (600,000 + 300 x £150), £825,000 paid.
    assert perf.money["plan"] == 645_000 and perf.money["paid"] == 825_000
    assert perf.money["variance"] == 180_000
    assert perf.money["year_plan"] == 1_200_000 + 90_000
    assert perf.money["forecast"] == pytest.approx(1_560_000 + 600 * 150)
    # Variation 1 (+£60,000 from October 2022) is in force; variation 2 is not signed.
    assert perf.value_now == 1_710_000 and perf.end_now == D(2025, 3, 31)
    assert [s.value_after for s in perf.timeline] == [1_650_000, 1_710_000]
    # CQUIN: 2% of £1,710,000 = £34,200; four milestones of £8,550.
    (scheme,) = perf.schemes
    assert scheme.value == pytest.approx(34_200)
    assert [m.status for m in scheme.indicators[0].milestones] == [
        "met",
        "not_met",
        "pending",
        "pending",
    ]
    assert scheme.money.earned == pytest.approx(8_550)
    assert scheme.money.lost == pytest.approx(8_550)
    assert scheme.money.at_risk == pytest.approx(17_100)
    assert perf.challenge_totals == {"open": 1, "closed": 0, "open_value": 4000, "agreed_value": 0}


def test_block_contract_has_no_money_variance(ctown):
    perf = presenter.performance(ctown.users["commissioner"], ctown.blk)
    line = perf.line("L1")
    assert (line.ytd.plan, line.ytd.actual, line.direction) == (15_000, 15_600, "over")
    assert line.money == {}  # a block line has no money of its own
    # £1,200,000 a year, £1,320,000 from July: April to June at £100,000 a month, July to
    # September at £110,000.
    assert perf.money["paid"] == pytest.approx(630_000) and perf.money["variance"] is None
    assert perf.money["forecast"] == pytest.approx(300_000 + 9 * 110_000)
    assert perf.fixed_sum and "whatever the activity" in perf.payment_rule


def test_aligned_payment_and_incentive_contract(ctown):
    perf = presenter.performance(ctown.users["commissioner"], ctown.api)
    nel, el = perf.line("NEL"), perf.line("EL")
    # Fixed element: 300 spells planned at £2,000 (£600,000), paid as planned although 390
    # were done.
    assert nel.money["plan"] == 600_000 and nel.money["paid"] == 600_000
    # Variable element: 150 planned at £3,000 (£450,000), 180 done; 75% of £3,000 for each of
    # the 30 above plan: £450,000 + £67,500.
    assert el.money["plan"] == 450_000 and el.money["paid"] == 517_500
    assert perf.money["paid"] == 1_117_500 and perf.money["variance"] == 67_500
    assert perf.money["fixed_element"] == 12 * 100 * 2000
    assert perf.money["variable_plan"] == 12 * 50 * 3000


def test_viewers_see_activity_but_no_money(ctown):
    perf = presenter.performance(ctown.users["viewer"], ctown.act)
    assert perf.line("NEL").ytd.actual == 780
    assert perf.money == {} and perf.value_now is None and perf.line("NEL").price is None
    assert all(r.plan_money is None and r.paid is None for r in perf.line("NEL").months)
    assert perf.schemes[0].value is None and perf.incentive_money is None
    assert perf.challenges[0].value is None and perf.variations[0].value_change is None
    table = presenter.lines_table(perf)
    assert not any("£" in c for c in table.columns)


def test_providers_read_their_own_contracts_only(ctown):
    from django.http import Http404

    from commissioning.contracts import records

    beta = ctown.users["beta"]
    assert [c.reference for c in records.contracts(beta, ctown.community)] == ["CT-BLK"]
    with pytest.raises(Http404):
        records.contract_or_404(beta, ctown.community, "CT-ACT")
    with pytest.raises(Http404):
        records.contract_or_404(ctown.users["other"], ctown.community, "CT-BLK")
    # even handed the contract, its records stay out of reach
    assert presenter.performance(beta, ctown.act).lines == []


def test_alerts_signal_missed_milestone_and_unsigned_variation(ctown):
    perf = presenter.performance(ctown.users["commissioner"], ctown.act)
    kinds = {a.kind: a for a in perf.alerts}
    assert set(kinds) == {"plan_signal", "milestone_missed", "variation_unsigned"}
    assert "over plan by 30.0%" in kinds["plan_signal"].detail
    assert kinds["plan_signal"].url.endswith("/contracts/CT-ACT/lines/NEL/")
    assert "30 September 2023" in kinds["milestone_missed"].detail


def test_alerts_reach_the_digest_once(ctown):
    from commissioning.reports.alerts import send_digests
    from commissioning.reports.models import Subscription

    user = ctown.users["commissioner"]
    Subscription.objects.create(user=user, community=ctown.community)
    (digest,) = send_digests(users=[user])
    kinds = [i.kind for i in digest.items]
    assert kinds.count("plan_signal") == 1
    assert "milestone_missed" in kinds and "variation_unsigned" in kinds
    again = send_digests(users=[user])
    assert not [i for d in again for i in d.items if i.kind.startswith(("plan", "milestone"))]


def test_a_milestone_due_is_judged_from_monitoring(ctown):
    from decimal import Decimal

    from commissioning.store.models import Indicator, Observation

    indicator = Indicator.objects.create(
        code="FLU_PCT", name="Staff flu vaccination", unit="%", polarity="higher_better"
    )
    ctown.indicator.indicator = indicator
    ctown.indicator.save()
    q2 = ctown.milestones[1]
    q2.status, q2.recorded, q2.target = "pending", None, 75.0
    q2.save()
    Observation.objects.create(
        indicator=indicator, organisation=ctown.alpha, period=D(2023, 9, 1), value=Decimal("78.5")
    )
    perf = presenter.performance(ctown.users["commissioner"], ctown.act)
    judged = perf.schemes[0].indicators[0].milestones[1]
    assert judged.status == "met" and judged.how.startswith("read from monitoring: 78.5")
