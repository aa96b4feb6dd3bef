"""Choosing and checking the database: SQLite by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from commissioning.errors import UserError

SUPPORTED = ("sqlite", "postgres", "postgresql", "pgsql")


def database_settings(url: str | None, data_dir: Path) -> dict:
    """Django ``DATABASES['default']`` for a URL, or the embedded SQLite file when None."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "commissioning.sqlite3"),
            "OPTIONS": {"timeout": 30},
        }
    scheme = url.split(":", 1)[0].lower()
    if scheme not in SUPPORTED:
        raise UserError(
            f"the database address '{redact(url)}' is not one we support: "
            "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:port/name"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:
        raise UserError(f"the database address '{redact(url)}' cannot be read ({exc})") from None
    if config["ENGINE"].endswith("sqlite3"):
        config.setdefault("OPTIONS", {})["timeout"] = 30
    return config


def redact(url: str) -> str:
    """The URL with any password hidden, fit for a message or a log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def check_connection() -> None:
    """Open a connection to the configured database, or raise a one-line UserError."""
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception as exc:
        name = connection.settings_dict.get("NAME")
        host = connection.settings_dict.get("HOST") or "local file"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot reach the database {name!s} on {host}: {first}") from None
