"""Overdue risk reviews reach the alert inbox, once, for those who follow the development or its
community and may read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_an_overdue_review_reaches_the_inbox_once(town):
    from commissioning.reports.alerts import send_digests
    from commissioning.reports.models import InboxMessage, Subscription
    from commissioning.work.models import Risk

    today = timezone.localdate()
    late = Risk.objects.create(
        development=town["redesign"],
        description="GPs may not refer",
        likelihood=4,
        impact=3,
        owner=town["people"]["ann"],
        review_date=today - dt.timedelta(days=1),
        raised=today - dt.timedelta(days=90),
    )
    Risk.objects.create(  # not due yet
        development=town["redesign"],
        description="Staff leave",
        likelihood=2,
        impact=2,
        review_date=today + dt.timedelta(days=30),
        raised=today,
    )
    Risk.objects.create(  # closed: no review needed
        development=town["feet"],
        kind="issue",
        description="Clinic room lost",
        likelihood=5,
        impact=2,
        review_date=today - dt.timedelta(days=10),
        raised=today - dt.timedelta(days=40),
        status="closed",
    )
    for who in ("commissioner", "alpha_user", "beta_user"):
        Subscription.objects.create(user=town[who], community=town["community"])
    send_digests(users=[town["commissioner"], town["alpha_user"], town["beta_user"]])

    def risk_items(who):
        message = InboxMessage.objects.filter(user=town[who]).first()
        return [i for i in (message.items if message else []) if i["kind"] == "risk_review"]

    (item,) = risk_items("commissioner")
    assert item["title"] == "Diabetes redesign: risk 'GPs may not refer'"
    assert item["detail"].startswith("review was due ") and "(owner Ann Example)" in item["detail"]
    assert item["url"] == "/communities/minitown/developments/diabetes-redesign/#risks"
    assert len(risk_items("alpha_user")) == 1  # a partner of the development reads its risks
    assert risk_items("beta_user") == []  # Beta Care does not take part in it
    # standing: not repeated in the next digest
    send_digests(users=[town["commissioner"]])
    messages = InboxMessage.objects.filter(user=town["commissioner"])
    assert sum(i["kind"] == "risk_review" for m in messages for i in m.items) == 1
    # a new review date, passed in turn, is a new item
    late.review_date = today - dt.timedelta(days=2)
    late.save()
    send_digests(users=[town["commissioner"]])
    assert sum(i["kind"] == "risk_review" for m in messages.all() for i in m.items) == 2
