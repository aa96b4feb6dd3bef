"""Repeated failed sign-ins are slowed, then locked; a success clears the count."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from commissioning.store.models import LoginFailure

PASSWORD = "a-long-password-1"


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", password=PASSWORD)


def sign_in(client, password, username="bob", address="10.9.9.9"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@override_settings(LOGIN_THROTTLE_DELAY=0, LOGIN_THROTTLE_LOCK_AFTER=3)
def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(client, bob):
    for _ in range(3):
        r = sign_in(client, "wrong")
        assert r.status_code == 200 and not r.wsgi_request.user.is_authenticated
    r = sign_in(client, PASSWORD)
    assert r.status_code == 200
    assert "Too many failed sign-in attempts" in r.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_THROTTLE_DELAY=0, LOGIN_THROTTLE_LOCK_AFTER=3)
def test_an_address_is_locked_whatever_account_it_tries(client, bob):
    for name in ("a", "b", "c"):
        sign_in(client, "wrong", username=name, address="10.1.1.1")
    r = sign_in(client, PASSWORD, address="10.1.1.1")
    assert "Too many failed sign-in attempts" in r.content.decode()
    # The same account from another address is not locked (only 0 failures for bob).
    r = sign_in(client, PASSWORD, address="10.2.2.2")
    assert r.status_code == 302


@override_settings(LOGIN_THROTTLE_DELAY=0, LOGIN_THROTTLE_LOCK_AFTER=3)
def test_a_successful_sign_in_clears_the_account_count(client, bob):
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="bob").exists()


@override_settings(LOGIN_THROTTLE_WINDOW=0, LOGIN_THROTTLE_DELAY=0, LOGIN_THROTTLE_LOCK_AFTER=3)
def test_failures_older_than_the_window_do_not_count(client, bob):
    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


@override_settings(LOGIN_THROTTLE_DELAY=0.01, LOGIN_THROTTLE_SLOW_AFTER=1)
def test_attempts_after_a_failure_are_slowed(client, bob, monkeypatch):
    pauses = []
    monkeypatch.setattr("commissioning.web.throttle.time.sleep", pauses.append)
    sign_in(client, "wrong")
    assert pauses == []
    sign_in(client, "wrong")
    assert pauses == [0.01]
