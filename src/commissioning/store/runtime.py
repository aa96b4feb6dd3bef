"""Starting Django from the command line: choose the database, connect, migrate."""

from __future__ import annotations

import io
import os
from pathlib import Path

from commissioning.errors import UserError


def setup(db_url: str | None = None, *, migrate: bool = True) -> None:
    """Configure Django for ``db_url`` (or DATABASE_URL, or the embedded SQLite file).

    Raises :class:`UserError` with one plain line when the database cannot be reached.
    """
    if db_url:
        os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    import django

    django.setup()
    from django.conf import settings

    from commissioning.store.database import check_connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and db["NAME"] != ":memory:":
        try:
            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the folder for {db['NAME']}: {exc.strerror}") from None
    check_connection()
    if migrate:
        apply_migrations()


def apply_migrations() -> None:
    from django.core.management import call_command

    try:
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    except Exception as exc:
        raise UserError(f"cannot bring the database schema up to date: {exc}") from None


def add_db_option(parser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database address, e.g. sqlite:///data/demo.sqlite3 or "
        "postgres://user:password@127.0.0.1:5432/name (default: DATABASE_URL, or the "
        "embedded SQLite file in ./data)",
    )
