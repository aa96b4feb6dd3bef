"""The timeline of a service development, read from its records: its activities laid out by
stage, one lane per stage (drawn by :mod:`commissioning.charts.timeline`).

Stages overlap: an activity that serves several stages appears in each of their lanes, so the
hours of all lanes added together can exceed the development's total hours.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from commissioning.store.models import Activity, Stage

LANE_COLUMNS = ["stage_order", "stage", "date", "title", "kind", "nature", "hours", "activity"]


def activity_lanes(development_ids) -> pd.DataFrame:
    """One row per activity of the developments ``development_ids`` (a development and its
    tasks) and stage it serves, with the hours all its participants gave."""
    activities = (
        Activity.objects.filter(development__in=development_ids)
        .annotate(
            total_hours=Coalesce(
                Sum("participations__hours"),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .prefetch_related("stages")
        .order_by("date", "id")
    )
    rows = [
        {
            "stage_order": stage.order,
            "stage": stage.name,
            "date": activity.date,
            "title": activity.title,
            "kind": activity.get_kind_display(),
            "nature": activity.get_nature_display(),
            "hours": float(activity.total_hours),
            "activity": activity.pk,
        }
        for activity in activities
        for stage in activity.stages.all()
    ]
    lanes = pd.DataFrame(rows, columns=LANE_COLUMNS)
    return lanes.sort_values(["stage_order", "date", "activity"], kind="stable").reset_index(
        drop=True
    )


def lane_hours(lanes: pd.DataFrame, stages: list[Stage]) -> pd.DataFrame:
    """Activities and hours in every stage's lane (zero for a stage with no work recorded)."""
    grouped = lanes.groupby("stage", sort=False).agg(
        activities=("activity", "nunique"), hours=("hours", "sum")
    )
    out = pd.DataFrame({"stage": [s.name for s in stages]})
    out = out.merge(grouped, how="left", left_on="stage", right_index=True)
    out["activities"] = out["activities"].fillna(0).astype(int)
    out["hours"] = out["hours"].fillna(0.0).astype(float)
    return out
