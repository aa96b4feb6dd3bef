"""A digest of the demo's content that ignores database ids, to show a build is repeatable.

Two builds from the same seed give the same digest on any database: ids are replaced by each
row's rank within its table, rows are compared in sorted order, and passwords, login times and
the import that added each row are left out.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model

from commissioning.store import models as m

USER_FIELDS = ["username", "is_superuser", "is_staff", "is_active", "first_name", "last_name"]


def _models() -> list:
    from commissioning.contracts import models as cm
    from commissioning.evidence import models as ev

    return [
        m.Organisation,
        m.OrganisationLink,
        m.CommissioningCommunity,
        m.CommissioningCommunity.members.through,
        m.Condition,
        m.PracticePopulation,
        m.ConditionRegister,
        m.Service,
        m.Service.conditions.through,
        m.Contract,
        m.Contract.services.through,
        m.IncentiveScheme,
        cm.ContractLine,
        cm.MonthlyPlan,
        cm.MonthlyActual,
        cm.IncentiveIndicator,
        cm.Milestone,
        cm.ContractVariation,
        cm.ActivityChallenge,
        m.Spend,
        m.Person,
        m.Person.communities.through,
        m.ExternalDriver,
        m.ServiceDevelopment,
        m.ServiceDevelopment.conditions.through,
        m.ServiceDevelopment.services.through,
        m.ServiceDevelopment.drivers.through,
        m.Objective,
        m.Indicator,
        m.Indicator.conditions.through,
        m.Observation,
        m.Stage,
        m.Activity,
        m.Activity.stages.through,
        m.Participation,
        m.OrganisationalChange,
        get_user_model(),
        m.Profile,
        ev.Evidence,
        ev.Passage,
        ev.Passage.codes.through,
    ]


# Fields that differ between two builds of the same seed: random identifiers and timestamps, and
# which import added a row (its history, not its content: a rebuild's imports are new).
UNSTABLE = {"guid", "added", "added_by_import"}


def content_digest() -> str:
    """SHA-256 over every demo table, with ids replaced by ranks."""
    User = get_user_model()
    ranks: dict = {}

    def rank(model) -> dict:
        if model not in ranks:
            pks = model.objects.order_by("pk").values_list("pk", flat=True)
            ranks[model] = {pk: i for i, pk in enumerate(pks)}
        return ranks[model]

    h = hashlib.sha256()
    for model in _models():
        fields = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.name not in UNSTABLE
        ]
        if model is User:
            fields = [f for f in fields if f.name in USER_FIELDS]
        names = [f.attname for f in fields]
        related = [rank(f.related_model) if f.is_relation else None for f in fields]
        h.update(f"{model._meta.label}:{','.join(names)}\n".encode())
        lines = []
        for row in model.objects.values_list(*names):
            out = [
                (r.get(v) if v is not None else None) if r is not None else v
                for v, r in zip(row, related, strict=True)
            ]
            lines.append(repr(out))
        # Sorted, so that the order rows went in (e.g. many-to-many links) does not matter.
        for line in sorted(lines):
            h.update(line.encode())
            h.update(b"\n")
    return h.hexdigest()
