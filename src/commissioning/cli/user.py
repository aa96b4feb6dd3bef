"""``commissioning user``: add a login with a role and community, or list the logins.

The first login of a database must be an administrator; see docs/guide/own-area.md and
:mod:`commissioning.access.logins` for the rules.
"""

from __future__ import annotations

import sys

#: The roles a login may have (as in commissioning.access.logins.ROLE_WORDS).
ROLES = ("administrator", "admin", "commissioner", "provider", "viewer")


def register(sub) -> None:
    from commissioning.store.runtime import add_db_option

    p = sub.add_parser(
        "user",
        help="add a login (the first one an administrator) or list the logins",
        description="Logins of the web app. `user add NAME --role administrator` creates the "
        "first login of a new database; an administrator then adds the others here or on the "
        "web app's Set up page.",
    )
    verbs = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = verbs.add_parser(
        "add",
        help="add a login",
        description="Add a login with a role (administrator, commissioner, provider or viewer) "
        "and, except for an administrator, a community. The password is asked for twice, or "
        "read from the first line of standard input with --password-stdin.",
    )
    add.add_argument("username", metavar="NAME", help="the user name they sign in with")
    add.add_argument(
        "--role",
        required=True,
        type=str.lower,
        choices=ROLES,
        metavar="ROLE",
        help="administrator, commissioner, provider or viewer (the first login: administrator)",
    )
    add.add_argument("--community", metavar="CODE", help="their community (not for administrators)")
    add.add_argument(
        "--organisation",
        metavar="ODS",
        help="for a provider: the organisation whose records they see",
    )
    add.add_argument("--full-name", default="", metavar="NAME", help="shown in the page header")
    add.add_argument("--email", default="", metavar="ADDRESS", help="their email address")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    add_db_option(add)
    add.set_defaults(func=run_add)
    listing = verbs.add_parser("list", help="list the logins, their roles and communities")
    add_db_option(listing)
    listing.set_defaults(func=run_list)


def _password(args) -> str:
    from commissioning.errors import UserError

    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserError("--password-stdin: standard input held no password")
        return line
    if not sys.stdin.isatty():
        raise UserError(
            "no terminal to ask for the password on: give --password-stdin and the password "
            "on standard input"
        )
    import getpass

    first = getpass.getpass(f"Password for {args.username}: ")
    if getpass.getpass("The same password again: ") != first:
        raise UserError("the two passwords differ: nothing was changed")
    return first


def run_add(args) -> int:
    from commissioning.store.runtime import setup

    password = _password(args)
    setup(args.db)
    from commissioning.access.logins import add_login
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel

    with acting_as(None, Channel.CLI, username=f"{_who()} (command line)"):
        added = add_login(
            args.username,
            args.role,
            password,
            community=args.community,
            organisation=args.organisation,
            name=args.full_name,
            email=args.email,
        )
    print(added.describe())
    if added.first:
        print(
            "This is the database's first login. Serve the web app (`commissioning serve`) and "
            "sign in at /login/; add the other logins on the Set up page or with "
            "`commissioning user add`."
        )
    return 0


def run_list(args) -> int:
    from commissioning.store.runtime import setup

    setup(args.db)
    from django.contrib.auth import get_user_model

    rows = get_user_model().objects.select_related("profile__community").order_by("username")
    if not rows:
        print(
            "No logins yet: add the first with `commissioning user add NAME --role administrator`."
        )
        return 0
    for user in rows:
        from commissioning.access.policy import scope_of

        profile = getattr(user, "profile", None)
        scope = scope_of(user) if user.is_active else None
        role = (
            "administrator"
            if scope and scope.is_admin
            else (profile.get_role_display().lower() if profile else "no role (sees nothing)")
        )
        where = f" in {profile.community.code}" if profile and profile.community else ""
        state = "" if user.is_active else " (inactive)"
        print(f"{user.username}: {role}{where}{state}")
    return 0


def _who() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown user"
