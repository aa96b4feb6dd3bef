"""Adding a login with its role and community: ``commissioning user add`` and the *Add a login*
page use the same rules.

- The first login of a database is an administrator (nobody could add the others otherwise).
- An administrator has no community; a commissioner or viewer has one; a provider has one and
  an organisation that takes part in it (whose services, contracts and observations it sees).
- The password passes the password rules of the settings (``AUTH_PASSWORD_VALIDATORS``:
  long enough, not too like the user name, not a common password).
- Administrators are superusers and staff (they may use the admin site); the others are not.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning.errors import BadArgument, UserError
from commissioning.store.models import CommissioningCommunity, Organisation, Profile, Role

#: The words a role may be given by, in the command line and forms.
ROLE_WORDS = {
    "administrator": Role.ADMIN,
    "admin": Role.ADMIN,
    "commissioner": Role.COMMISSIONER,
    "provider": Role.PROVIDER,
    "viewer": Role.VIEWER,
}


@dataclass(frozen=True)
class Added:
    username: str
    role: str  # Role value
    community: CommissioningCommunity | None
    organisation: Organisation | None
    first: bool  # the database's first login

    def describe(self) -> str:
        what = Role(self.role).label.lower()
        where = ""
        if self.community is not None:
            where = f" in {self.community.name} ({self.community.code})"
        if self.organisation is not None:
            where += f" for {self.organisation.name} ({self.organisation.ods_code})"
        return f"Added the login {self.username}: {what}{where}."


def no_logins_yet() -> bool:
    return not get_user_model().objects.exists()


def role_of(word: str) -> str:
    try:
        return ROLE_WORDS[word.strip().lower()]
    except KeyError:
        raise BadArgument(
            f"the role {word!r} is not one of administrator, commissioner, provider or viewer"
        ) from None


def check_password(password: str, username: str) -> None:
    """Raise :class:`UserError` with every rule the password breaks."""
    User = get_user_model()
    try:
        password_validation.validate_password(password, User(username=username))
    except ValidationError as exc:
        raise UserError("the password is refused: " + " ".join(exc.messages)) from None


def add_login(
    username: str,
    role: str,
    password: str,
    *,
    community: str | None = None,
    organisation: str | None = None,
    name: str = "",
    email: str = "",
) -> Added:
    """Create a login and its profile; :class:`UserError` with a plain reason when refused."""
    User = get_user_model()
    username = username.strip()
    role = role_of(role) if role not in Role.values else role
    if not username:
        raise BadArgument("a login needs a user name")
    found_community = None
    found_organisation = None
    if role == Role.ADMIN:
        if community or organisation:
            raise BadArgument("an administrator sees every community: leave the community out")
    else:
        if not community:
            raise BadArgument(f"a {Role(role).label.lower()} login needs a community")
        found_community = CommissioningCommunity.objects.filter(code=community.strip()).first()
        if found_community is None:
            raise BadArgument(
                f"there is no community with the code {community!r} (set one up with "
                "`commissioning area create`)"
            )
        if role == Role.PROVIDER:
            if not organisation:
                raise BadArgument(
                    "a provider login needs the organisation (its ODS code) whose records it sees"
                )
            from commissioning.access.policy import community_organisations

            found_organisation = Organisation.objects.filter(
                ods_code__iexact=organisation.strip(),
                pk__in=community_organisations(found_community.pk),
            ).first()
            if found_organisation is None:
                raise BadArgument(
                    f"{organisation} is not an organisation taking part in {found_community.name}"
                )
        elif organisation:
            raise BadArgument("only a provider login has an organisation")
    # what was given is usable (exit status 2 otherwise); now whether it may be done (1)
    if User.objects.filter(username__iexact=username).exists():
        raise UserError(f"there is already a login called {username}")
    first = no_logins_yet()
    if first and role != Role.ADMIN:
        raise UserError("the first login must be an administrator, who can then add the others")
    check_password(password, username)
    first_name, _, last_name = name.strip().partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(
            username,
            email=email.strip(),
            password=password,
            first_name=first_name[:150],
            last_name=last_name[:150],
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        Profile.objects.create(
            user=user, role=role, community=found_community, organisation=found_organisation
        )
    return Added(username, role, found_community, found_organisation, first)
