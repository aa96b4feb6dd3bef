"""The observations a monitoring surface covers, read through the access policy.

A community's observations are those of its services and of the organisations taking part in it
(:func:`commissioning.access.policy.observations_of_community`); a grouping of practices adds
its total series, worked out here from its members' observations in each period.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Max

from commissioning.access.communities import grouping_or_404
from commissioning.access.policy import observations_of_community, visible
from commissioning.analytics.disclosure import configured_policy, shown_values
from commissioning.monitoring.presenter import FRAME_COLUMNS, IMPROVEMENT, NUMBERS
from commissioning.store import models as m
from commissioning.store.groupings import practices_of
from commissioning.store.models import Grouping, Observation, OrganisationKind


def community_observations(user, community):
    """The observations of a community that ``user`` may read: its services' and organisations'."""
    return visible(user, Observation).filter(observations_of_community(community.pk))


def latest_period(user, community) -> dt.date | None:
    """The latest period with an observed value anywhere in the community's data."""
    return (
        community_observations(user, community)
        .filter(value__isnull=False)
        .aggregate(latest=Max("period"))["latest"]
    )


# --- the monitoring filter ----------------------------------------------------------------


def grouping_for_monitoring(user, community, code: str | None) -> Grouping | None:
    """The grouping named by a monitoring page's ``?grouping=``; "not found" when unknown."""
    return grouping_or_404(user, community, code) if code else None


def practices_by_period(grouping: Grouping, periods) -> dict[dt.date, set[int]]:
    """The ids of the grouping's GP practices on each period's first day."""
    return {p: set(practices_of(grouping, p).values_list("pk", flat=True)) for p in set(periods)}


def _factor(rows: pd.DataFrame) -> float | None:
    """The scale between value and numerator / denominator (100 for %, 1,000 per 1,000...)."""
    ok = rows["value"].notna() & (rows["numerator"] > 0) & (rows["denominator"] > 0)
    if not ok.any():
        return None
    ratio = rows.loc[ok, "value"] * rows.loc[ok, "denominator"] / rows.loc[ok, "numerator"]
    return float(f"{ratio.median():.3g}")


def grouping_totals(
    observations, grouping: Grouping
) -> tuple[list[int], pd.DataFrame, dict[dt.date, set[int]]]:
    """The grouping's GP practices over time and its total series, from ``observations``.

    Returns the ids of every practice that was in the grouping in some observed period, one
    row per indicator and period for the grouping as a whole, in the columns the monitoring
    builder uses, and the practices in the grouping on each period's first day (those whose
    figures add up to the total: the builder hides a second one beside a hidden one). In each
    period only the practices in the grouping on that period's first day count. Where every
    one of them has a numerator and a denominator, the total is sum(numerators) /
    sum(denominators) at the indicator's scale (as its values are: 100 for a percentage); where
    none has a denominator (counts) it is the sum of the values; periods mixing the two have no
    total.
    """
    from_practices = observations.filter(
        organisation__kind=OrganisationKind.GP_PRACTICE, service__isnull=True
    )
    periods = from_practices.values_list("period", flat=True).distinct().order_by()
    members = practices_by_period(grouping, list(periods))
    ever = sorted(set().union(*members.values())) if members else []
    rows = pd.DataFrame(
        list(
            from_practices.filter(organisation_id__in=ever).values(
                "indicator_id", "organisation_id", "period", "value", "numerator", "denominator"
            )
        ),
        columns=["indicator_id", "organisation_id", "period", "value", "numerator", "denominator"],
    )
    columns = list(FRAME_COLUMNS)
    if rows.empty:
        return ever, pd.DataFrame(columns=columns), members
    inside = [
        o in members.get(p, ())
        for o, p in zip(rows["organisation_id"], rows["period"], strict=True)
    ]
    rows = rows[inside]
    for c in ("value", "numerator", "denominator"):
        rows[c] = pd.to_numeric(rows[c], errors="coerce").astype(float)
    out = []
    for indicator_id, block in rows.groupby("indicator_id"):
        factor = _factor(block)
        for period, day in block.groupby("period"):
            has_ratio = day["numerator"].notna() & day["denominator"].notna()
            if has_ratio.all() and factor is not None and day["denominator"].sum() > 0:
                num, den = day["numerator"].sum(), day["denominator"].sum()
                value = num / den * factor
            elif day["denominator"].isna().all():
                value = day["value"].fillna(day["numerator"]).sum(min_count=1)
                num, den = day["numerator"].sum(min_count=1), None
            else:
                continue
            out.append(
                {
                    "indicator_id": int(indicator_id),
                    "organisation_id": None,
                    "organisation__name": None,
                    "service_id": None,
                    "service__name": None,
                    "period": period,
                    "value": None if pd.isna(value) else round(float(value), 4),
                    "numerator": num,
                    "denominator": den,
                    "target": None,
                    "series": f"i{int(indicator_id)}-grp{grouping.pk}",
                    "subject": f"{grouping.name} (all its practices)",
                    "date": pd.Timestamp(period),
                }
            )
    frame = pd.DataFrame(out, columns=columns)
    for c in NUMBERS:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    frame = frame.sort_values(["series", "date"], kind="stable").reset_index(drop=True)
    return ever, frame, members


# --- a community's observations as one table (reports' needs section and sources) ----------


SERIES_COLUMNS = [
    "series",
    "indicator_id",
    "indicator",
    "indicator_name",
    "unit",
    "subject",
    "patient_counts",
    "date",
    "value",
    "numerator",
    "denominator",
    "target",
    "improvement",
    "anchor",
    "hidden",
    "recorded",
]


def observation_table(community, indicator_ids=None, *, user=None) -> pd.DataFrame:
    """Every observation of the community's subjects, one row per series and period (with a
    ``user``, only those the access policy lets them read).

    ``value`` is the value as every surface shows it
    (:func:`commissioning.analytics.disclosure.shown_values`): NaN, with ``hidden`` True, where
    it rests on a small count (or on no stored count), otherwise worked out from the counts as
    shown. ``recorded`` says a value was stored, shown or not. ``numerator`` and
    ``denominator`` are the stored counts, for tables that suppress them themselves; they are
    never shown as they are."""
    qs = m.Observation.objects.filter(observations_of_community(community.pk))
    if user is not None:
        qs = visible(user, qs)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=list(indicator_ids))
    rows = qs.values_list(
        "indicator_id",
        "indicator__code",
        "indicator__name",
        "indicator__unit",
        "indicator__polarity",
        "indicator__patient_counts",
        "organisation__name",
        "service__name",
        "organisation_id",
        "service_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "target",
    )
    df = pd.DataFrame(
        list(rows),
        columns=[
            "indicator_id",
            "indicator",
            "indicator_name",
            "unit",
            "polarity",
            "patient_counts",
            "organisation",
            "service",
            "organisation_id",
            "service_id",
            "date",
            "value",
            "numerator",
            "denominator",
            "target",
        ],
    )
    if df.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    df["subject"] = df["service"].fillna(df["organisation"]).fillna("")
    df["series"] = df["indicator"] + " | " + df["subject"]
    df["improvement"] = df["polarity"].map(IMPROVEMENT).fillna("neutral")
    df["anchor"] = [
        series_anchor(i, o, s)
        for i, o, s in zip(df["indicator_id"], df["organisation_id"], df["service_id"], strict=True)
    ]
    df["date"] = pd.to_datetime(df["date"])
    for c in ("value", "numerator", "denominator", "target"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    shown = shown_values(df, df["patient_counts"].astype(bool), configured_policy())
    df["recorded"] = df["value"].notna() | shown["hidden"]
    df["value"] = shown["value"]
    df["hidden"] = shown["hidden"]
    return df[SERIES_COLUMNS].sort_values(["series", "date"]).reset_index(drop=True)


def series_anchor(indicator_id, organisation_id, service_id) -> str:
    """The id of a series' chart on the monitoring pages (:attr:`.presenter.Series.anchor`)."""
    if service_id is not None and not pd.isna(service_id):
        return f"series-i{int(indicator_id)}-svc{int(service_id)}"
    organisation = 0 if organisation_id is None or pd.isna(organisation_id) else organisation_id
    return f"series-i{int(indicator_id)}-org{int(organisation)}"
