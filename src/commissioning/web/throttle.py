"""Login throttling: repeated failures from one account or one address are slowed, then locked.

Within ``LOGIN_THROTTLE_WINDOW`` seconds (default 15 minutes), after ``LOGIN_THROTTLE_SLOW_AFTER``
failures (default 5) each further attempt waits ``LOGIN_THROTTLE_DELAY`` seconds (default 2);
after ``LOGIN_THROTTLE_LOCK_AFTER`` failures (default 10) the account or address is locked until
the window has passed since the latest failure. A successful sign-in clears the account's count.
"""

from __future__ import annotations

import datetime as dt
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from commissioning.store.models import LoginFailure


def _setting(name: str, default):
    return getattr(settings, name, default)


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def recent_failures(username: str, address: str | None) -> tuple[int, dt.datetime | None]:
    """How many failures in the window for this account or address, and the latest one."""
    since = timezone.now() - dt.timedelta(seconds=_setting("LOGIN_THROTTLE_WINDOW", 900))
    who = Q(username__iexact=username)
    if address:
        who |= Q(address=address)
    rows = LoginFailure.objects.filter(who, when__gte=since)
    latest = rows.order_by("-when").values_list("when", flat=True).first()
    by_account = rows.filter(username__iexact=username).count()
    by_address = rows.filter(address=address).count() if address else 0
    return max(by_account, by_address), latest


def locked_until(username: str, address: str | None) -> dt.datetime | None:
    count, latest = recent_failures(username, address)
    if count >= _setting("LOGIN_THROTTLE_LOCK_AFTER", 10) and latest is not None:
        return latest + dt.timedelta(seconds=_setting("LOGIN_THROTTLE_WINDOW", 900))
    return None


def delay_for(username: str, address: str | None) -> float:
    count, _ = recent_failures(username, address)
    return (
        _setting("LOGIN_THROTTLE_DELAY", 2.0)
        if count >= _setting("LOGIN_THROTTLE_SLOW_AFTER", 5)
        else 0.0
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing locked accounts and addresses with a plain message."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": (
            "Too many failed sign-in attempts. Sign-in is locked for this account or computer "
            "until %(until)s. Try again then, or ask an administrator to help."
        ),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        address = client_address(self.request)
        until = locked_until(username, address)
        if until is not None:
            LoginFailure.objects.create(username=username[:150], address=address)
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"until": timezone.localtime(until).strftime("%H:%M")},
            )
        pause = delay_for(username, address)
        if pause:
            time.sleep(pause)
        return super().clean()


@receiver(user_login_failed, dispatch_uid="throttle_record_failure")
def _record_failure(sender, credentials, request=None, **kwargs):
    LoginFailure.objects.create(
        username=str(credentials.get("username", ""))[:150], address=client_address(request)
    )


@receiver(user_logged_in, dispatch_uid="throttle_clear_on_success")
def _clear_on_success(sender, request, user, **kwargs):
    LoginFailure.objects.filter(username__iexact=user.get_username()).delete()
