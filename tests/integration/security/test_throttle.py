"""Signing in: repeated failures slow, then lock, the account for exactly the cool-off.

Issue 20, findings 5 and 6: the admin's own sign-in form was not throttled; the lock grew with
every attempt made while locked, and a lock by address would lock out a whole organisation
behind one proxy. Time passing is shown by moving the stored attempt times back.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import RequestFactory

from commissioning.web.throttle import client_address

PASSWORD = "a-long-password-1"
LOCKED = "Too many failed sign-in attempts for this account"
COOL_OFF = dt.timedelta(minutes=15)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings):
    """Three failures lock, no waiting (the waiting has its own test)."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = COOL_OFF
    settings.LOGIN_THROTTLE_DELAY = 0


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def carol(db):
    return User.objects.create_user("carol", password=PASSWORD)


def sign_in(client, password, username="bob", address="10.9.9.9", agent="Firefox", path="/login/"):
    return client.post(
        path,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
    )


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


class Clock:
    """The time as django-axes and the sign-in page see it, moved on by the test."""

    def __init__(self):
        self.now = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)

    def __call__(self):
        return self.now

    def passes(self, delta: dt.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("axes.handlers.proxy.now", clock)  # when axes says an attempt was made
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


def test_an_account_is_locked_by_repeated_failures_even_with_the_right_password(client, bob):
    for _ in range(2):
        r = sign_in(client, "wrong")
        assert r.status_code == 200 and LOCKED not in r.content.decode()
    r = sign_in(client, "wrong")  # the third failure locks
    assert r.status_code == 429 and LOCKED in r.content.decode()
    r = sign_in(client, PASSWORD)
    assert r.status_code == 429
    page = r.content.decode()
    assert LOCKED in page and "does not make the wait longer" in page
    assert '<form method="post"' in page  # the sign-in page, saying why
    assert signed_in_as(client) is None


def test_a_locked_account_stays_locked_for_exactly_the_cool_off_whatever_is_tried(
    client, bob, clock
):
    for _ in range(3):
        sign_in(client, "wrong")
    locked_at = clock.now  # the failure that locked the account
    # attempts while locked, right or wrong, from anywhere: refused, and not counted
    clock.passes(dt.timedelta(minutes=1))
    assert sign_in(client, "wrong").status_code == 429
    clock.passes(dt.timedelta(minutes=12))
    r = sign_in(client, PASSWORD, address="10.7.7.7", agent="Chrome")
    assert r.status_code == 429 and "locked until 09:15" in r.content.decode()
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 3
    assert AccessAttempt.objects.get(username="bob").attempt_time == locked_at
    clock.now = locked_at + COOL_OFF - dt.timedelta(seconds=1)  # one second before the end
    assert sign_in(client, PASSWORD).status_code == 429
    assert signed_in_as(client) is None
    clock.now = locked_at + COOL_OFF + dt.timedelta(seconds=1)  # one second after it
    assert sign_in(client, PASSWORD).status_code == 302
    assert signed_in_as(client) == "bob"


def test_one_persons_failures_do_not_lock_another_at_the_same_address(client, bob, carol):
    for _ in range(5):
        sign_in(client, "wrong", username="bob", address="10.1.1.1")
    assert sign_in(client, PASSWORD, username="carol", address="10.1.1.1").status_code == 302
    assert signed_in_as(client) == "carol"


def test_many_accounts_failing_at_one_address_lock_none_of_the_others(client, bob):
    for name in ("a", "b", "c", "d"):
        sign_in(client, "wrong", username=name, address="10.1.1.1")
    assert sign_in(client, PASSWORD, address="10.1.1.1").status_code == 302


def test_new_addresses_and_browsers_do_not_dodge_the_account_lock(client, bob):
    for i in range(3):
        sign_in(client, "wrong", address=f"10.0.0.{i}", agent=f"Browser {i}")
    r = sign_in(client, PASSWORD, address="10.0.0.99", agent="Another browser")
    assert r.status_code == 429 and signed_in_as(client) is None


def test_a_successful_sign_in_clears_the_account_count(client, bob):
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="bob").exists()
    client.logout()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302  # two more do not lock


def test_failures_further_apart_than_the_cool_off_do_not_add_up(client, bob, clock):
    for _ in range(2):
        sign_in(client, "wrong")
    clock.passes(COOL_OFF + dt.timedelta(seconds=1))
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_attempts_after_repeated_failures_are_slowed(client, bob, settings, monkeypatch):
    settings.LOGIN_THROTTLE_SLOW_AFTER = 1
    settings.LOGIN_THROTTLE_DELAY = 0.01
    pauses = []
    monkeypatch.setattr("commissioning.web.throttle.time.sleep", pauses.append)
    sign_in(client, "wrong")
    assert pauses == []
    sign_in(client, "wrong")
    assert pauses == [0.01]
    sign_in(client, PASSWORD, username="carol")  # another account is not slowed
    assert pauses == [0.01]


def test_every_failure_is_listed_with_its_address(client, bob):
    sign_in(client, "wrong", address="10.4.4.4")
    sign_in(client, "wrong", address="10.5.5.5")
    failures = AccessFailureLog.objects.filter(username="bob").order_by("attempt_time")
    assert [f.ip_address for f in failures] == ["10.4.4.4", "10.5.5.5"]


# -- the admin's sign-in (finding 5) --------------------------------------------------------------


@pytest.fixture
def admin_and_viewer(db):
    from commissioning.store.models import CommissioningCommunity, Organisation, Profile

    ccg = Organisation.objects.create(ods_code="TC1", name="Throttle CCG", kind="ccg")
    town = CommissioningCommunity.objects.create(code="tt", name="Throttle town", commissioner=ccg)
    viewer = User.objects.create_user("vera", password=PASSWORD)
    Profile.objects.create(user=viewer, role="viewer", community=town)
    admin = User.objects.create_superuser("root", password="root-" + PASSWORD)
    return admin, viewer


def test_a_signed_in_viewer_cannot_guess_the_admin_password_on_the_admin_sign_in(
    client, admin_and_viewer
):
    """Reproduced: the admin's own form took any number of guesses with no delay."""
    client.force_login(admin_and_viewer[1])
    for _ in range(5):
        r = sign_in(client, "guess", username="root", path="/admin/login/")
        assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = sign_in(client, "root-" + PASSWORD, username="root", path="/admin/login/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert signed_in_as(client) == "vera"  # the admin's form signs nobody in
    assert client.get("/admin/").status_code == 302
    # the one sign-in page counts the guesses, and locks the account after the third
    for _ in range(3):
        sign_in(client, "guess", username="root")
    r = sign_in(client, "root-" + PASSWORD, username="root")
    assert r.status_code == 429 and signed_in_as(client) != "root"


def test_the_admin_sign_in_address_leads_to_the_one_sign_in_page(client, admin_and_viewer):
    r = client.get("/admin/login/?next=/admin/store/contract/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    client.force_login(admin_and_viewer[0])
    r = client.get("/admin/login/?next=/admin/store/contract/")
    assert r.status_code == 302 and r["Location"] == "/admin/store/contract/"
    r = client.get("/admin/login/?next=https://elsewhere.example/")
    assert r["Location"] == "/admin/"


def test_every_authentication_is_checked_for_the_lock_whatever_asks(client, bob):
    """django-axes guards Django's authenticate itself, so any sign-in form is throttled."""
    for _ in range(3):
        sign_in(client, "wrong")
    request = RequestFactory().post("/anything/", REMOTE_ADDR="10.3.3.3")
    assert authenticate(request, username="bob", password=PASSWORD) is None


# -- the address behind a trusted proxy ----------------------------------------------------------


def request_from(remote: str, **headers):
    return RequestFactory().post("/login/", REMOTE_ADDR=remote, **headers)


def test_without_the_setting_the_address_is_the_connections(monkeypatch):
    monkeypatch.delenv("COMMISSIONING_TRUSTED_PROXY_HEADER", raising=False)
    request = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "10.0.0.1"  # a header a browser sent proves nothing


def test_behind_a_trusted_proxy_the_address_is_the_one_it_added(monkeypatch):
    monkeypatch.setenv("COMMISSIONING_TRUSTED_PROXY_HEADER", "X-Forwarded-For")
    forged = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(forged) == "203.0.113.9"  # the last: what the proxy itself added
    assert client_address(request_from("127.0.0.1")) == "127.0.0.1"
    junk = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(junk) == "127.0.0.1"
    monkeypatch.setenv("COMMISSIONING_TRUSTED_PROXY_HEADER", "X-Real-IP")
    assert client_address(request_from("127.0.0.1", HTTP_X_REAL_IP="2001:db8::1")) == "2001:db8::1"


def test_the_address_recorded_for_a_failure_follows_the_setting(client, bob, monkeypatch):
    monkeypatch.setenv("COMMISSIONING_TRUSTED_PROXY_HEADER", "X-Forwarded-For")
    client.post(
        "/login/",
        {"username": "bob", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert AccessFailureLog.objects.get(username="bob").ip_address == "198.51.100.7"
