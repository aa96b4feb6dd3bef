"""Scale and pace: each development's timeline, duration, milestones and size of change.

A development's timeline runs from its start date (or, if none is recorded, its first
activity) to its end date (or, while it is still open, ``as_of``). Milestones are its start,
each recorded decision, its go-live date and its end.
"""

from __future__ import annotations

import pandas as pd


def timelines(developments: pd.DataFrame, activities: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """One row per development: dates, duration in days and months, activities, children.

    ``open`` is True when no end date is recorded (the duration then runs to ``as_of``).
    ``small_tasks`` is the number of developments recorded inside this one (its children).
    """
    as_of = pd.Timestamp(as_of)
    acts = activities.groupby("development_id")["date"].agg(["min", "max", "count"])
    acts.columns = ["first_activity", "last_activity", "activities"]
    out = developments.merge(acts, left_on="development_id", right_index=True, how="left")
    children = developments["parent_id"].dropna().value_counts()
    out["small_tasks"] = out["development_id"].map(children).fillna(0).astype(int)
    out["activities"] = out["activities"].fillna(0).astype(int)
    out["begins"] = out["start_date"].fillna(out["first_activity"])
    out["open"] = out["end_date"].isna()
    out["ends"] = out["end_date"].fillna(as_of)
    days = (out["ends"] - out["begins"]).dt.days
    out["duration_days"] = days.astype("Int64")
    out["duration_months"] = (days / (365.25 / 12)).round(1)
    out["days_to_go_live"] = (out["go_live_date"] - out["begins"]).dt.days.astype("Int64")
    return out[
        [
            "development_id",
            "title",
            "status",
            "size_of_change",
            "parent_id",
            "small_tasks",
            "start_date",
            "end_date",
            "go_live_date",
            "open",
            "first_activity",
            "last_activity",
            "activities",
            "duration_days",
            "duration_months",
            "days_to_go_live",
        ]
    ].reset_index(drop=True)


def milestones(developments: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Dated milestones of every development: start, decisions, go-live and end, in order."""
    rows = []
    for d in developments.itertuples(index=False):
        if pd.notna(d.start_date):
            rows.append((d.development_id, d.start_date, "start", "Development started"))
        if pd.notna(d.go_live_date):
            rows.append((d.development_id, d.go_live_date, "go_live", "Changed service started"))
        if pd.notna(d.end_date):
            rows.append((d.development_id, d.end_date, "end", "Development ended"))
    decisions = activities[
        (activities["kind"] == "decision") & activities["development_id"].notna()
    ]
    for a in decisions.itertuples(index=False):
        rows.append((a.development_id, a.date, "decision", a.title))
    out = pd.DataFrame(rows, columns=["development_id", "date", "milestone", "title"])
    return out.sort_values(["development_id", "date", "milestone"]).reset_index(drop=True)


def size_of_change(developments: pd.DataFrame) -> pd.DataFrame:
    """Number of developments in each size-of-change class (``not_recorded`` when blank)."""
    df = developments.copy()
    df["size_of_change"] = df["size_of_change"].replace("", pd.NA).fillna("not_recorded")
    return df.groupby("size_of_change").size().rename("developments").reset_index()


def wider_plans(developments: pd.DataFrame) -> pd.DataFrame:
    """Each wider plan (a development with children) and the number of small tasks inside it."""
    kids = developments[developments["parent_id"].notna()]
    counts = kids.groupby("parent_id").size().rename("small_tasks")
    plans = developments[developments["development_id"].isin(counts.index)]
    out = plans[["development_id", "title"]].copy()
    out["small_tasks"] = out["development_id"].map(counts).astype(int)
    return out.sort_values("small_tasks", ascending=False).reset_index(drop=True)
