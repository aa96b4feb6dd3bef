"""The labour of commissioning: hours, full-time equivalents and cost.

Splitting rule: an activity tagged with several stages has each participant's hours split
equally across its stages, so that hours by stage add up exactly to the hours recorded. An
activity with no stage keeps its hours under ``NO_STAGE``. Work outside any one development
(``development_id`` empty) is kept too, under ``development_id`` = <NA>.
"""

from __future__ import annotations

import pandas as pd

NO_STAGE = "no_stage"
STAGE_ORDER = [
    "scoping",
    "needs_assessment",
    "planning",
    "procurement",
    "implementation",
    "monitoring",
    "review",
    "decommissioning",
    NO_STAGE,
]
OUTSIDE = "Outside any one development"


def stage_hours(
    activities: pd.DataFrame, activity_stages: pd.DataFrame, participations: pd.DataFrame
) -> pd.DataFrame:
    """One row per participation and stage, with the hours split equally across stages.

    Columns: activity_id, community, development_id, date, kind, nature, stage, stage_share,
    person_id, role_type, is_clinician, organisation_kind, hours.
    """
    stages = activity_stages[["activity_id", "stage"]].drop_duplicates()
    counts = stages.groupby("activity_id").size().rename("n_stages").reset_index()
    acts = activities[
        ["activity_id", "community", "development_id", "date", "kind", "nature"]
    ].merge(stages, on="activity_id", how="left")
    acts = acts.merge(counts, on="activity_id", how="left")
    acts["stage"] = acts["stage"].fillna(NO_STAGE)
    acts["stage_share"] = 1.0 / acts["n_stages"].fillna(1).astype(float)
    people = participations[
        ["activity_id", "person_id", "role_type", "is_clinician", "organisation_kind", "hours"]
    ]
    out = acts.merge(people, on="activity_id", how="inner")
    out["hours"] = out["hours"].astype(float) * out["stage_share"]
    return out.drop(columns="n_stages").reset_index(drop=True)


def with_cost(split: pd.DataFrame, hourly: dict[str, float]) -> pd.DataFrame:
    """Add ``cost``: hours times the hourly cost of the person's role (empty if unknown)."""
    out = split.copy()
    out["cost"] = out["hours"] * out["role_type"].map(hourly).astype(float)
    return out


def labour_table(
    split: pd.DataFrame,
    hourly: dict[str, float],
    hours_per_fte_year: float,
    by: list[str] | tuple[str, ...] = ("development_id", "stage", "role_type", "nature"),
) -> pd.DataFrame:
    """Hours, FTE-years and cost grouped by ``by``.

    ``fte_years`` = hours / working hours in a full-time year: 1.0 is one person full time for
    a year. ``cost`` is empty for a group holding a role with no pay rate.
    """
    by = list(by)
    costed = with_cost(split, hourly)
    columns = [*by, "hours", "fte_years", "cost"]
    if costed.empty:
        return pd.DataFrame(columns=columns)
    grouped = costed.groupby(by, dropna=False).agg(
        hours=("hours", "sum"), cost=("cost", lambda s: s.sum(min_count=len(s)))
    )
    grouped = grouped.reset_index()
    grouped["fte_years"] = grouped["hours"] / hours_per_fte_year
    return grouped[columns].sort_values(by).reset_index(drop=True)


def cumulative_effort(split: pd.DataFrame, by: str = "development_id") -> pd.DataFrame:
    """Hours by month and their running total, for each value of ``by``.

    Columns: ``by``, month (first day), hours, cumulative_hours.
    """
    columns = [by, "month", "hours", "cumulative_hours"]
    if split.empty:
        return pd.DataFrame(columns=columns)
    df = split.assign(month=split["date"].dt.to_period("M").dt.to_timestamp())
    monthly = df.groupby([by, "month"], dropna=False)["hours"].sum().reset_index()
    monthly = monthly.sort_values([by, "month"])
    monthly["cumulative_hours"] = monthly.groupby(by, dropna=False)["hours"].cumsum()
    return monthly[columns].reset_index(drop=True)


def spend_affected(development_services: pd.DataFrame, spend: pd.DataFrame) -> pd.DataFrame:
    """For each development: the spend on the services it affects in the latest year with spend.

    Columns: development_id, financial_year, spend (0 when the services have no spend).
    """
    joined = development_services.merge(spend, on="service_id", how="left")
    rows = []
    for dev, group in joined.groupby("development_id"):
        years = group["financial_year"].dropna()
        if years.empty:
            rows.append({"development_id": dev, "financial_year": None, "spend": 0.0})
            continue
        year = int(years.max())
        amount = group.loc[group["financial_year"] == year, "amount"].sum()
        rows.append({"development_id": dev, "financial_year": year, "spend": float(amount)})
    return pd.DataFrame(rows, columns=["development_id", "financial_year", "spend"])


def effort_by_development(
    split: pd.DataFrame,
    hourly: dict[str, float],
    hours_per_fte_year: float,
    developments: pd.DataFrame,
    development_services: pd.DataFrame,
    spend: pd.DataFrame,
) -> pd.DataFrame:
    """Each development's hours, FTE-years and cost, against the spend of the services it affects.

    ``cost_per_pound_of_spend`` is the labour cost divided by that year's spend on the services
    the development affects (empty when there is no such spend: never a division by zero).
    """
    labour = labour_table(split, hourly, hours_per_fte_year, by=["development_id"])
    devs = developments[["development_id", "title"]].merge(labour, on="development_id", how="left")
    outside = labour[labour["development_id"].isna()]
    if not outside.empty:
        devs = pd.concat([devs, outside.assign(title=OUTSIDE)], ignore_index=True)
    devs[["hours", "fte_years"]] = devs[["hours", "fte_years"]].fillna(0.0)
    devs["cost"] = devs["cost"].where(devs["hours"] > 0, 0.0)
    affected = spend_affected(development_services, spend)
    devs = devs.merge(affected, on="development_id", how="left")
    devs["spend"] = devs["spend"].fillna(0.0)
    devs["cost_per_pound_of_spend"] = [
        c / s if s and s > 0 and pd.notna(c) else None
        for c, s in zip(devs["cost"], devs["spend"], strict=True)
    ]
    return devs[
        [
            "development_id",
            "title",
            "hours",
            "fte_years",
            "cost",
            "financial_year",
            "spend",
            "cost_per_pound_of_spend",
        ]
    ]


def measured_gain(objectives: pd.DataFrame) -> pd.DataFrame:
    """Gain on each objective with data: latest value less baseline, in the better direction.

    For a lower-is-better indicator the sign is turned so that a positive gain is always an
    improvement. Objectives without a baseline or a latest value are left out.
    """
    has = objectives.dropna(subset=["baseline_value", "latest_value"]).copy()
    sign = has["polarity"].map({"lower_better": -1.0}).fillna(1.0)
    has["gain"] = (has["latest_value"] - has["baseline_value"]) * sign
    return has[
        [
            "objective_id",
            "development_id",
            "description",
            "indicator_code",
            "baseline_value",
            "latest_value",
            "latest_period",
            "gain",
        ]
    ].reset_index(drop=True)


def effort_against_gain(effort: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Labour cost per unit of measured gain, for each objective with data.

    ``cost_per_unit_gain`` is empty when the gain is zero or negative (no improvement to price).
    """
    gains = measured_gain(objectives)
    out = gains.merge(
        effort[["development_id", "title", "hours", "cost"]], on="development_id", how="left"
    )
    out["cost_per_unit_gain"] = [
        c / g if pd.notna(c) and g > 0 else None
        for c, g in zip(out["cost"], out["gain"], strict=True)
    ]
    return out
