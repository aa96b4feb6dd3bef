"""Worked-out results are kept between requests only while no record changes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from commissioning.store.audit import acting_as
from commissioning.store.computed import data_version, remembered
from commissioning.store.models import Condition

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"calls": self.calls}


def test_a_result_is_kept_until_a_record_changes(db):
    work = Counter()
    assert remembered("sum", ("a",), work) == {"calls": 1}
    assert remembered("sum", ("a",), work) == {"calls": 1}
    assert work.calls == 1
    # Other parts (another community, another scope) are worked out separately.
    assert remembered("sum", ("b",), work) == {"calls": 2}
    before = data_version()
    Condition.objects.create(name="Heart failure", slug="heart-failure")  # audited
    assert data_version() != before
    assert remembered("sum", ("a",), work) == {"calls": 3}
    assert remembered("sum", ("a",), work) == {"calls": 3}


def test_a_kept_result_is_a_copy_the_caller_may_change(db):
    first = remembered("table", (), lambda: {"rows": [1, 2]})
    first["rows"].append(3)
    assert remembered("table", (), lambda: {"rows": []}) == {"rows": [1, 2]}


def test_a_shared_result_is_the_same_object_until_a_record_changes(db):
    work = Counter()
    first = remembered("table", ("a",), work, shared=True)
    assert remembered("table", ("a",), work, shared=True) is first
    assert remembered("table", ("b",), work, shared=True) == {"calls": 2}
    Condition.objects.create(name="Heart failure", slug="heart-failure")  # audited
    assert remembered("table", ("a",), work, shared=True) == {"calls": 3}
    # kept apart from the copies in Django's cache
    assert remembered("table", ("a",), work) == {"calls": 4}


def test_shared_results_expire_and_only_the_most_recent_are_kept(db, settings, monkeypatch):
    from commissioning.store import computed

    monkeypatch.setattr(computed, "SHARED_RESULTS", 3)
    work = Counter()
    for name in "abcd":  # "a" is dropped when "d" comes
        remembered("table", (name,), work, shared=True)
    assert remembered("table", ("d",), work, shared=True) == {"calls": 4}
    assert remembered("table", ("a",), work, shared=True) == {"calls": 5}
    clock = [1000.0]
    monkeypatch.setattr(computed, "_clock", lambda: clock[0])
    settings.COMMISSIONING_CACHE_SECONDS = 60
    assert remembered("table", ("e",), work, shared=True) == {"calls": 6}
    clock[0] += 59
    assert remembered("table", ("e",), work, shared=True) == {"calls": 6}
    clock[0] += 2
    assert remembered("table", ("e",), work, shared=True) == {"calls": 7}


def test_shared_results_of_one_name_never_push_out_those_of_another(db, monkeypatch):
    """Many small results of one page (one for each login's scope, say) and a big one of
    another page: the big one stays kept."""
    from commissioning.store import computed

    monkeypatch.setattr(computed, "SHARED_RESULTS", 3)
    work = Counter()
    big = remembered("monitoring", ("calderdale",), work, shared=True)
    for scope in "abcdefgh":
        remembered("records", (scope,), work, shared=True)
    assert remembered("monitoring", ("calderdale",), work, shared=True) is big
    assert remembered("records", ("h",), work, shared=True) == {"calls": 9}
    assert remembered("records", ("a",), work, shared=True) == {"calls": 10}  # dropped


def test_none_is_kept_too(db):
    work = Counter()

    def nothing():
        work()
        return None

    assert remembered("empty", (), nothing) is None
    assert remembered("empty", (), nothing) is None
    assert work.calls == 1


def test_zero_seconds_turns_keeping_off(db, settings):
    settings.COMMISSIONING_CACHE_SECONDS = 0
    work = Counter()
    remembered("sum", ("a",), work)
    remembered("sum", ("a",), work)
    assert work.calls == 2


def _text(response) -> str:
    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_practice_page_shows_a_change_at_once(client, demo):
    """The page is kept after the first request; an edit (audited like every change through
    the app) shows on the next one."""
    from commissioning.store.models import Participation

    client.force_login(get_user_model().objects.get(username="wirral-commissioner"))
    url = "/communities/wirral/work/"
    wirral = Participation.objects.filter(activity__community__code="wirral")

    def shown(total) -> str:
        return f"{float(total):,.2f}".rstrip("0").rstrip(".") + " hours of commissioning work"

    total = wirral.aggregate(h=Sum("hours"))["h"]
    assert shown(total) in _text(client.get(url))
    assert shown(total) in _text(client.get(url))  # kept

    one = wirral.order_by("id").first()
    with acting_as(username="test editor"):
        one.hours = one.hours + 100
        one.save()
    assert shown(total + 100) in _text(client.get(url))


def test_requests_at_once_work_a_result_out_once(monkeypatch):
    """Twenty threads asking at the same moment: one works it out, the others wait for it."""
    import threading
    import time

    from commissioning.store import computed

    monkeypatch.setattr(computed, "data_version", lambda: (1, "then"))
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return "result"

    start = threading.Barrier(20)
    results = []

    def ask():
        start.wait()
        results.append(remembered("slow", (), slow))

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["result"] * 20
    assert len(calls) == 1
