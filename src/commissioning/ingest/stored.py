"""Stored records read back in exactly the layout the importer reads, as text.

The importer compares each incoming row with what is stored (unchanged, updated, added) and
the export writes the same frames out, so both read stored records through :func:`db_frame`.
"""

from __future__ import annotations

import decimal

import pandas as pd

from commissioning.ingest.kinds import Kind
from commissioning.ingest.validate import number_text


def _text(value, col_type: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return number_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _community_filter(kind: Kind, qs, community: str):
    from django.db.models import Q

    from commissioning.store.models import CommissioningCommunity

    if kind.name in ("conditions", "indicators"):
        return qs
    if kind.name in (
        "organisations",
        "populations",
        "registers",
        "age_sex_registers",
        "observations",
    ):
        comm = CommissioningCommunity.objects.filter(code=community).first()
        if comm is None:
            return qs.none()
        org_ids = set(comm.members.values_list("id", flat=True)) | {comm.commissioner_id}
        org_ids |= set(comm.services.values_list("provider_id", flat=True))
        org_ids |= set(comm.contracts.values_list("provider_id", flat=True))
        if kind.name == "organisations":
            return qs.filter(id__in=org_ids)
        if kind.name == "observations":
            return qs.filter(Q(organisation_id__in=org_ids) | Q(service__community__code=community))
        return qs.filter(organisation_id__in=org_ids)
    return qs.filter(**{kind.community_path: community}).distinct()


def db_frame(
    kind: Kind, community: str | None = None, ids: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Every record of ``kind`` (optionally one community's, optionally those whose ids lie
    from ``ids[0]`` to ``ids[1]``) as text, in the file's layout."""
    model = kind.model_class()
    qs = model.objects.all()
    if community:
        qs = _community_filter(kind, qs, community)
    if ids is not None:
        qs = qs.filter(id__gte=ids[0], id__lte=ids[1])
    scalar = [c for c in kind.columns if c.type != "list"]
    rows = list(qs.order_by("id").values_list("id", *[c.path for c in scalar]))
    frame = pd.DataFrame(rows, columns=["id", *[c.name for c in scalar]])
    for c in scalar:
        frame[c.name] = (
            [_text(v, c.type) for v in frame[c.name]] if len(frame) else pd.Series([], dtype=str)
        )
        frame[c.name] = frame[c.name].astype(str)
    for c in kind.columns:
        if c.type != "list":
            continue
        pairs = (
            model.objects.filter(id__in=qs.values("id"))
            .exclude(**{f"{c.path}__isnull": True})
            .values_list("id", c.path)
        )
        items: dict[int, set[str]] = {}
        for i, v in pairs:
            items.setdefault(i, set()).add(str(v))
        frame[c.name] = ["; ".join(sorted(items.get(i, ()))) for i in frame["id"]]
        frame[c.name] = frame[c.name].astype(str)
    return frame[["id", *kind.names]]
