"""Transaction effort: the hours logged against each procurement, beside its value.

A procurement's hours are those of the activities linked to its decision record (any version)
and, when the record names a service development, that development's activities at the
procurement and contracting stage. Each activity counts once. The frames feed the market
conditions (:func:`commissioning.analytics.work.market.market_conditions`, columns
``procurements``, ``procurement_value``, ``procurement_effort_hours`` and
``hours_per_million``): the study's transaction costs.
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Sum

from commissioning.access import policy
from commissioning.document import MONEY, NUMBER, Table
from commissioning.provider_selection.models import DecisionRecord
from commissioning.store.models import Activity, Participation

PROCUREMENT_STAGE = "procurement"


def _activity_ids(record: DecisionRecord) -> set[int]:
    versions = DecisionRecord.objects.filter(community=record.community, reference=record.reference)
    ids = set(Activity.objects.filter(decision_records__in=versions).values_list("pk", flat=True))
    if record.development_id:
        ids |= set(
            Activity.objects.filter(
                development_id=record.development_id, stages__code=PROCUREMENT_STAGE
            ).values_list("pk", flat=True)
        )
    return ids


def procurement_frames(community) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(procurements, procurement_services) of a community's latest record versions.

    procurements: procurement_id, reference, title, process, value, hours, activities;
    procurement_services: procurement_id, service_id.
    """
    latest: dict[str, DecisionRecord] = {}
    for r in DecisionRecord.objects.filter(community=community).order_by("reference", "version"):
        latest[r.reference] = r
    rows, links = [], []
    for r in latest.values():
        ids = _activity_ids(r)
        hours = Participation.objects.filter(activity_id__in=ids).aggregate(h=Sum("hours"))["h"]
        rows.append(
            {
                "procurement_id": r.pk,
                "reference": r.reference,
                "title": r.title,
                "process": r.get_process_display(),
                "value": float(r.estimated_value) if r.estimated_value is not None else None,
                "hours": float(hours or 0),
                "activities": len(ids),
            }
        )
        links += [
            {"procurement_id": r.pk, "service_id": s}
            for s in r.services.values_list("pk", flat=True)
        ]
    columns = ["procurement_id", "reference", "title", "process", "value", "hours", "activities"]
    return (
        pd.DataFrame(rows, columns=columns),
        pd.DataFrame(links, columns=["procurement_id", "service_id"]),
    )


def effort_table(user, community) -> Table:
    """Each procurement's hours beside its value (values left out for viewers)."""
    frame, _ = procurement_frames(community)
    hide = "estimated_value" in policy.hidden_fields(user, DecisionRecord)
    rows = []
    for r in frame.itertuples():
        per_million = (
            r.hours / (r.value / 1_000_000) if r.value and not hide and r.value > 0 else None
        )
        rows.append(
            [
                r.reference,
                r.title,
                r.process,
                None if hide else r.value,
                r.activities,
                r.hours,
                per_million,
            ]
        )
    columns = [
        "Record",
        "Title",
        "Process",
        "Estimated lifetime value",
        "Activities",
        "Hours",
        "Hours per £1m",
    ]
    return Table(
        "effort",
        "Transaction effort: hours logged against each procurement",
        columns,
        rows,
        formats={
            "Estimated lifetime value": MONEY,
            "Hours": NUMBER,
            "Hours per £1m": NUMBER,
            "Activities": NUMBER,
        },
    )
