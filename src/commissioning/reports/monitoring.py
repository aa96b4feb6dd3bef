"""Indicator series of a community and what the SPC engine says about them.

One series is one indicator observed for one subject (a service of the community, or an
organisation taking part in it). Every judgement here comes from the XmR engine
(:mod:`commissioning.analytics.spc`): variation (common or special cause) and assurance against
the target. Percentile ranks are never used, so a small practice's noisy series does not raise
alarms by being at the bottom of a league table.
"""

from __future__ import annotations

import pandas as pd

from commissioning.analytics.disclosure import configured_policy, shown_values
from commissioning.analytics.spc import summarise, xmr
from commissioning.store import models as m

IMPROVEMENT = {"higher_better": "increase", "lower_better": "decrease", "neutral": "neutral"}
VARIATIONS = [
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral",
    "common_cause",
]
ASSURANCES = ["consistent_pass", "consistent_fail", "inconsistent", "no_target"]
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


def community_observations(community, indicator_ids=None, *, user=None) -> pd.DataFrame:
    """Every observation of the community's subjects, one row per series and period (with a
    ``user``, only those the access policy lets them read).

    ``value`` is the value as every surface shows it
    (:func:`commissioning.analytics.disclosure.shown_values`): NaN, with ``hidden`` True, where
    it rests on a small count (or on no stored count), otherwise worked out from the counts as
    shown. ``recorded`` says a value was stored, shown or not. ``numerator`` and
    ``denominator`` are the stored counts, for tables that suppress them themselves; they are
    never shown as they are."""
    from commissioning.access.policy import observations_of_community, visible

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
    """The id of a series' chart on the monitoring pages (``web.monitoring.Series.anchor``)."""
    if service_id is not None and not pd.isna(service_id):
        return f"series-i{int(indicator_id)}-svc{int(service_id)}"
    organisation = 0 if organisation_id is None or pd.isna(organisation_id) else organisation_id
    return f"series-i{int(indicator_id)}-org{int(organisation)}"


def spc(observations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, summary) from the XmR engine, one summary row per series with its labels."""
    if observations.empty:
        return pd.DataFrame(), pd.DataFrame()
    data = observations[["series", "date", "value", "target", "improvement"]]
    points = xmr(data)
    summary = summarise(points)
    info = observations.groupby("series", sort=False).agg(
        indicator_id=("indicator_id", "first"),
        indicator=("indicator", "first"),
        indicator_name=("indicator_name", "first"),
        unit=("unit", "first"),
        subject=("subject", "first"),
        patient_counts=("patient_counts", "first"),
        anchor=("anchor", "first"),
    )
    latest = (
        observations[observations["recorded"]]
        .groupby("series", sort=False)
        .agg(latest_period=("date", "max"))
    )
    summary = summary.merge(info, left_on="series", right_index=True, how="left")
    summary = summary.merge(latest, left_on="series", right_index=True, how="left")
    summary["variation"] = summary["variation"].astype(object)
    summary["assurance"] = (
        summary["assurance"].astype(object).where(summary["assurance"].notna(), "no_target")
    )
    return points, summary


def matrix(summary: pd.DataFrame) -> pd.DataFrame:
    """Count of series by variation (rows) and assurance (columns), the NHS summary icons."""
    out = pd.DataFrame(0, index=VARIATIONS + ["no_data"], columns=ASSURANCES)
    for _, row in summary.iterrows():
        variation = row["variation"] if isinstance(row["variation"], str) else "no_data"
        out.loc[variation, row["assurance"]] += 1
    return out


def new_signals(points: pd.DataFrame, since) -> pd.DataFrame:
    """Special-cause points of each series dated on or after ``since``: one row per series with
    how many there are and the latest one (its date, value, point type and rule)."""
    columns = ["series", "signals", "date", "value", "point_type", "rule"]
    if points.empty:
        return pd.DataFrame(columns=columns)
    pts = points[points["special_cause"].astype(bool) & (points["date"] >= pd.Timestamp(since))]
    if pts.empty:
        return pd.DataFrame(columns=columns)
    pts = pts.assign(point_type=pts["point_type"].astype(object), rule=pts["rule"].astype(object))
    last = pts.groupby("series", sort=False).tail(1).set_index("series")
    counts = pts.groupby("series", sort=False).size()
    out = last.assign(signals=counts).reset_index()
    return out[columns].reset_index(drop=True)
