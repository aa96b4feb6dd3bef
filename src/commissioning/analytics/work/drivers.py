"""External drivers: which national guidance, strategies, targets and incentives push which
developments, and through their objectives which indicators."""

from __future__ import annotations

import pandas as pd


def driver_developments(
    drivers: pd.DataFrame, development_drivers: pd.DataFrame, developments: pd.DataFrame
) -> pd.DataFrame:
    """One row per driver and development it drives."""
    out = development_drivers.merge(drivers, on="driver_id").merge(
        developments[["development_id", "title"]].rename(columns={"title": "development"}),
        on="development_id",
    )
    return (
        out[["driver_id", "title", "kind", "issuer", "year", "development_id", "development"]]
        .sort_values(["title", "development"])
        .reset_index(drop=True)
    )


def driver_indicators(
    drivers: pd.DataFrame, development_drivers: pd.DataFrame, objectives: pd.DataFrame
) -> pd.DataFrame:
    """Which indicators each driver reaches, through the objectives of the developments it drives.

    Columns: driver_id, title, indicator_code, developments (how many developments link them).
    """
    linked = development_drivers.merge(drivers[["driver_id", "title"]], on="driver_id").merge(
        objectives[objectives["indicator_code"].fillna("") != ""][
            ["development_id", "indicator_code"]
        ],
        on="development_id",
    )
    columns = ["driver_id", "title", "indicator_code", "developments"]
    if linked.empty:
        return pd.DataFrame(columns=columns)
    out = (
        linked.groupby(["driver_id", "title", "indicator_code"])["development_id"]
        .nunique()
        .rename("developments")
        .reset_index()
    )
    return out[columns].sort_values(["title", "indicator_code"]).reset_index(drop=True)


def driver_summary(drivers: pd.DataFrame, development_drivers: pd.DataFrame) -> pd.DataFrame:
    """Each driver with the number of developments it drives, most first."""
    counts = development_drivers.groupby("driver_id")["development_id"].nunique()
    out = drivers.copy()
    out["developments"] = out["driver_id"].map(counts).fillna(0).astype(int)
    return out.sort_values(["developments", "title"], ascending=[False, True]).reset_index(
        drop=True
    )


def without_driver(developments: pd.DataFrame, development_drivers: pd.DataFrame) -> pd.DataFrame:
    """Developments with no stated external driver."""
    driven = set(development_drivers["development_id"])
    out = developments[~developments["development_id"].isin(driven)]
    return out[["development_id", "title", "status"]].reset_index(drop=True)
