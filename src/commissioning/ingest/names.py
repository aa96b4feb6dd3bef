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
    "age_sex_registers",
    "groupings",
    "contract_lines",
    "contract_plans",
    "contract_actuals",
]

# The order of writing: as ORDER, with organisation links (written only by the importers of NHS
# published files) straight after the organisations they join.
WRITE_ORDER: list[str] = [ORDER[0], "links", *ORDER[1:]]


def ensure_django() -> None:
    """Load Django's settings and models without touching a database (for templates)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
