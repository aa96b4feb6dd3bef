"""The kinds of record, by name, in dependency order (importable without Django)."""

from __future__ import annotations

# Every kind comes after the kinds it refers to.
ORDER: list[str] = [
    "organisations",
    "communities",
    "conditions",
    "people",
    "services",
    "contracts",
    "incentives",
    "spend",
    "indicators",
    "developments",
    "objectives",
    "activities",
    "participants",
    "observations",
    "populations",
    "registers",
]


def ensure_django() -> None:
    """Load Django's settings and models without touching a database (for templates)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
