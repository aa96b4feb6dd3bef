"""Logins for the demo: an administrator, and a commissioner, a provider and a viewer per community
(the three study communities and the present-day one).

Passwords are made with :mod:`secrets` unless one is given (tests and scripted demos pass one).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from commissioning.demo.context import Build
from commissioning.demo.providers_contracts import community_codes
from commissioning.store.models import Profile, Role

# The provider each community's provider login belongs to (keys in providers_contracts): the
# acute trust in Calderdale, the mental health trust (which took over community services in 2011)
# in Somerset and in Wirral, the community and mental health trust in Mereshire.
PROVIDER_LOGIN = {"calderdale": "acute", "somerset": "mh", "wirral": "mh", "mereshire": "cmh"}
ROLES = [Role.COMMISSIONER, Role.PROVIDER, Role.VIEWER]


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    community: str | None  # community code; None for the administrator


def usernames() -> list[str]:
    return ["admin"] + [f"{code}-{role}" for code in community_codes() for role in ROLES]


def build_logins(b: Build, password: str | None) -> list[Login]:
    User = get_user_model()
    shared_hash = make_password(password) if password else None
    logins: list[Login] = []
    profiles: list[Profile] = []
    plan = [("admin", Role.ADMIN, None)] + [
        (f"{code}-{role}", role, code) for code in community_codes() for role in ROLES
    ]
    for username, role, code in plan:
        secret = password or secrets.token_urlsafe(12)
        user = User.objects.create(
            username=username,
            password=shared_hash or make_password(secret),
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
            first_name="Demo",
            last_name=Role(role).label,
        )
        organisation = b.orgs[f"{code}:{PROVIDER_LOGIN[code]}"] if role == Role.PROVIDER else None
        profiles.append(
            Profile(
                user=user,
                role=role,
                community=b.communities[code] if code else None,
                organisation=organisation,
            )
        )
        logins.append(Login(username, secret, str(role), code))
    Profile.objects.bulk_create(profiles)
    return logins
