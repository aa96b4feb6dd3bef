"""Sign-in throttling: repeated failures slow, then lock, the account (not the address).

django-axes does the counting and the locking (see ``AXES_*`` in settings.py and
docs/architecture.md for why): its authentication backend stands first in
``AUTHENTICATION_BACKENDS``, so every call of Django's ``authenticate`` is checked, whatever
page makes it. There is one sign-in page, ``/login/``; the admin's own sign-in address sends
people there (:func:`admin_sign_in`).

The rules, for each account (username):

- after ``LOGIN_THROTTLE_SLOW_AFTER`` failures (default 5) each further attempt waits
  ``LOGIN_THROTTLE_DELAY`` seconds (default 2) before the password is checked;
- the ``AXES_FAILURE_LIMIT``-th failure (default 10) locks the account for ``AXES_COOLOFF_TIME``
  (default 15 minutes) from that failure. Attempts while it is locked are refused without
  checking the password and are not counted, so they never make the lock longer;
- failures count while each comes within the cool-off of the one before; a successful sign-in
  clears them;
- nothing is counted by address: one person's mistakes never lock out a colleague, nor a
  whole organisation whose staff reach the app through one proxy.

The address is recorded with each failure (Admin › Axes › Access failures) and is, by default,
the address the request came from. Behind a reverse proxy set
``COMMISSIONING_TRUSTED_PROXY_HEADER`` (see :func:`client_address`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import time

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

PROXY_HEADER_VARIABLE = "COMMISSIONING_TRUSTED_PROXY_HEADER"


def _setting(name: str, default):
    return getattr(settings, name, default)


def _meta_key(header: str) -> str:
    """'X-Forwarded-For' -> 'HTTP_X_FORWARDED_FOR', as Django's request.META spells it."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request) -> str | None:
    """The address a sign-in attempt came from (``AXES_CLIENT_IP_CALLABLE``).

    Without ``COMMISSIONING_TRUSTED_PROXY_HEADER`` it is the address of the connection
    (``REMOTE_ADDR``): a header sent by a browser proves nothing. Behind a reverse proxy (nginx,
    a load balancer) every connection comes from the proxy, so name the header it sets, e.g.
    ``X-Forwarded-For`` or ``X-Real-IP``: the address is then the **last** one in that header,
    the one the proxy itself added (earlier ones were sent by the browser and may be made up).
    Only do this when the app cannot be reached except through that proxy. A header that is
    missing or holds no address falls back to the connection's address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    header = os.environ.get(PROXY_HEADER_VARIABLE, "").strip()
    if not header:
        return remote
    entries = [e.strip() for e in str(request.META.get(_meta_key(header), "")).split(",")]
    if not entries or not entries[-1]:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-1]))
    except ValueError:
        return remote


def _credentials(username: str) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: username}


def failures(request, username: str) -> int:
    """The failures counted against ``username`` now."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.get_failures(request, _credentials(username))


def locked_until(username: str) -> dt.datetime | None:
    """When the lock on ``username`` ends, or None if it is not locked."""
    from axes.models import AccessAttempt

    cool_off = settings.AXES_COOLOFF_TIME
    rows = list(
        AccessAttempt.objects.filter(
            username=username, attempt_time__gte=timezone.now() - cool_off
        ).values_list("failures_since_start", "attempt_time")
    )
    if not rows or sum(n for n, _ in rows) < settings.AXES_FAILURE_LIMIT:
        return None
    return max(when for _, when in rows) + cool_off


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, slowed after repeated failures of the same account.

    The lock itself is django-axes's: a locked account's ``authenticate`` fails without checking
    the password, and :func:`locked_out` answers instead of this form.
    """

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and failures(self.request, username) >= _setting(
            "LOGIN_THROTTLE_SLOW_AFTER", 5
        ):
            time.sleep(_setting("LOGIN_THROTTLE_DELAY", 2.0))
        return super().clean()


LOCKED = (
    "Too many failed sign-in attempts for this account: it is locked until {until}. "
    "Trying again before then does not sign you in and does not make the wait longer. "
    "If you need to sign in sooner, ask an administrator to unlock the account."
)


def locked_out(request, response=None, credentials=None):
    """The sign-in page saying the account is locked, and until when (``AXES_LOCKOUT_CALLABLE``),
    answered with 429 Too Many Requests."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = str((credentials or {}).get(field) or request.POST.get(field, "")).strip()
    until = locked_until(username) or timezone.now() + settings.AXES_COOLOFF_TIME
    next_page = request.POST.get("next") or request.GET.get("next") or ""
    context = {
        "form": ThrottledAuthenticationForm(request, initial={"username": username}),
        "locked": LOCKED.format(until=timezone.localtime(until).strftime("%H:%M")),
        "next": next_page,
    }
    return render(request, "registration/login.html", context, status=429)


def admin_sign_in(request):
    """The admin's sign-in address: there is one sign-in page, so send people to it.

    Staff already signed in go straight on to the admin page they asked for.
    """
    target = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/admin/"
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    return redirect_to_login(target, settings.LOGIN_URL)
