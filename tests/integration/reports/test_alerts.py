"""Alerts: new special-cause signals reach the people who follow them; common cause stays quiet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from commissioning.cli import main
from commissioning.reports.alerts import send_digests
from commissioning.reports.models import InboxMessage, Subscription
from commissioning.store.models import (
    CommissioningCommunity,
    Indicator,
    Observation,
    Profile,
    Role,
)

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2010 + i // 12, 1 + i % 12, 1) for i in range(30)]
# Alternating 10.5, 9.5, ...: mean 10, moving range 1, limits 10 +/- 2.66. No run of seven on
# one side, no trend of six, nothing near the limits: common-cause variation only.
STEADY = [10.5 if i % 2 == 0 else 9.5 for i in range(len(MONTHS))]


@pytest.fixture
def community(demo):
    return CommissioningCommunity.objects.get(code="calderdale")


@pytest.fixture
def commissioner(community):
    user = get_user_model().objects.create_user(
        "alert-reader", email="reader@example.invalid", password="x-Pa55-word-long"
    )
    Profile.objects.create(user=user, role=Role.COMMISSIONER, community=community)
    return user


def _indicator(code: str, community, values: list[float]) -> Indicator:
    indicator = Indicator.objects.create(
        code=code,
        name=f"Alert test {code}",
        domain="quality",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=False,
    )
    _observe(indicator, community, MONTHS[: len(values)], values)
    return indicator


def _observe(indicator, community, months, values) -> None:
    Observation.objects.bulk_create(
        Observation(indicator=indicator, organisation=community.commissioner, period=p, value=v)
        for p, v in zip(months, values, strict=True)
    )


def test_a_new_special_cause_point_produces_a_digest_item_and_an_email(community, commissioner):
    # Steady, then the latest month far below the lower limit (7.34).
    indicator = _indicator("ALERT_SIG", community, STEADY[:-1] + [4.0])
    Subscription.objects.create(user=commissioner, indicator=indicator, community=community)
    [digest] = send_digests()
    signals = [i for i in digest.items if i.kind == "signal"]
    assert len(signals) == 1
    assert "Alert test ALERT_SIG" in signals[0].title
    assert "special cause concern" in signals[0].detail
    assert "Jun 2012" in signals[0].detail and "outside limits" in signals[0].detail
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.invalid"]
    assert "Alert test ALERT_SIG" in mail.outbox[0].body
    inbox = InboxMessage.objects.get(user=commissioner)
    assert inbox.emailed and inbox.items[0]["kind"] == "signal"
    # Nothing new since: the next digest is empty, and nobody is e-mailed again.
    [again] = send_digests()
    assert again.items == [] and len(mail.outbox) == 1


def test_common_cause_variation_alone_raises_nothing(community, commissioner):
    indicator = _indicator("ALERT_STEADY", community, STEADY)
    Subscription.objects.create(user=commissioner, indicator=indicator, community=community)
    [digest] = send_digests()
    assert digest.items == []
    assert mail.outbox == []
    assert not InboxMessage.objects.filter(user=commissioner).exists()


def test_only_points_after_the_last_digest_are_new(community, commissioner):
    indicator = _indicator("ALERT_LATER", community, STEADY[:24])
    Subscription.objects.create(user=commissioner, indicator=indicator, community=community)
    [first] = send_digests()
    assert first.items == []
    _observe(indicator, community, MONTHS[24:26], [10.5, 16.0])  # above the upper limit
    [second] = send_digests()
    assert [i.kind for i in second.items] == ["signal"]
    assert "special cause improvement" in second.items[0].detail


def test_a_dry_run_sends_and_remembers_nothing(community, commissioner, capsys):
    indicator = _indicator("ALERT_DRY", community, STEADY[:-1] + [4.0])
    Subscription.objects.create(user=commissioner, indicator=indicator, community=community)
    assert main(["alerts", "send", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "alert-reader: 1 item(s) (dry run: nothing sent)" in out
    assert "New signal" in out and "Alert test ALERT_DRY" in out
    assert mail.outbox == [] and not InboxMessage.objects.exists()
    assert Subscription.objects.get(user=commissioner).state == {}


def test_a_community_subscription_lists_reviews_due_and_quiet_developments_once(
    community, commissioner
):
    from commissioning.reports.alerts import REVIEW_YEARS, reference_date

    Subscription.objects.create(user=commissioner, community=community, by_email=False)
    [digest] = send_digests()
    as_of = reference_date(community)
    due = [
        s
        for s in community.services.all()
        if (s.end_date is None or s.end_date > as_of)
        and (
            s.last_reviewed is None
            or s.last_reviewed.replace(year=s.last_reviewed.year + REVIEW_YEARS) <= as_of
        )
    ]
    assert due, "the demo should have services due for review"
    reviews = [i for i in digest.items if i.kind == "review_due"]
    assert sorted(i.title for i in reviews) == sorted(s.name for s in due)
    assert mail.outbox == []  # asked for the inbox only
    assert InboxMessage.objects.filter(user=commissioner, emailed=False).count() == (
        1 if digest.items else 0
    )
    # Standing items are reported once, not in every digest.
    [again] = send_digests()
    assert not [i for i in again.items if i.kind in ("review_due", "no_activity")]


def test_nothing_is_sent_about_a_community_the_user_may_not_read(commissioner):
    other = CommissioningCommunity.objects.get(code="wirral")
    Subscription.objects.create(user=commissioner, community=other)
    [digest] = send_digests()
    assert digest.items == [] and mail.outbox == []


class RefusingBackend:
    """A mail backend whose server cannot be reached."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


def test_an_unreachable_mail_server_is_reported_and_the_inbox_still_gets_the_digest(
    community, commissioner, settings, capsys
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    indicator = _indicator("ALERT_SMTP", community, STEADY[:-1] + [4.0])
    Subscription.objects.create(user=commissioner, indicator=indicator, community=community)
    assert main(["alerts", "send"]) == 1
    out = capsys.readouterr().out
    assert "alert-reader: 1 item(s), in the inbox; the e-mail could not be sent" in out
    assert "Traceback" not in out
    message = InboxMessage.objects.get(user=commissioner)
    assert not message.emailed and message.items[0]["kind"] == "signal"
