"""Quasi-market conditions by service area (a condition, or a care setting).

After Bartlett and Le Grand's conditions for a working quasi-market (as used by Porter et al.,
BMC Health Services Research 2013): provider choice, information, transaction costs, and the
use of competition. For each service area:

- ``providers`` and ``hhi``: the number of providers holding contracts in the area, and the
  Herfindahl-Hirschman index of their shares of contract value, on the 0-10,000 scale
  (sum of squared percentage shares: one provider = 10,000). A contract's annual value is
  split equally across its services, and a service's share equally across its conditions.
  ``concentration`` reads the index with the 2010 US horizontal merger guidelines' bands:
  below 1,500 unconcentrated, 1,500-2,500 moderately, above 2,500 highly concentrated.
- ``tendered_share`` / ``rolled_over_share``: share of the year's spend in the area through
  contracts that were competitively tendered / rolled over (see spend for the allocation).
- ``block_share``: share of the year's spend in the area through block contracts.
- ``services_decommissioned`` (services in the area with an end date on or before ``as_of``)
  and ``decommissioning_activities`` (activities at the decommissioning stage).
- ``completeness``: indicator values present over the periods each series spans;
  ``timely_share``: share of indicator series whose latest value is no more than two periods
  before ``as_of``. A series about a service belongs to the service's areas; a series about an
  organisation (a practice, a trust) belongs to the conditions its indicator is for.
- ``procurement_hours``: hours on the procurement and contracting stage, and
  ``relational_share``: share of the area's hours that were relational work. A development
  in several areas has its hours split equally across them.
- ``procurements``, ``procurement_value``, ``procurement_effort_hours`` and
  ``hours_per_million``: the provider selection decisions touching the area, their estimated
  lifetime value, the hours logged against them (their activities, and their development's
  procurement work) and those hours per £1m of value: the transaction costs of the market. A
  procurement's value and hours are split equally across its services, and a service's share
  equally across its areas (as contract values are). Given only when ``procurements`` is.

The ``profile`` counts transactional signals among those with data: (1) at least three
providers and an index below 2,500; (2) half or more of spend tendered; (3) any service
decommissioned; (4) half or more of spend outside block contracts; (5) less than half the
hours relational. A quarter or fewer of the signals: relational; three quarters or more:
transactional; otherwise mixed; no signal with data: no data.
"""

from __future__ import annotations

import pandas as pd

from commissioning.analytics.work.spend import (
    financial_year,
    spend_with_contracts,
    year_bounds,
)

NO_AREA = "no_area"
MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
COLUMNS = [
    "area",
    "providers",
    "contract_value",
    "hhi",
    "concentration",
    "spend",
    "tendered_share",
    "rolled_over_share",
    "block_share",
    "services_decommissioned",
    "decommissioning_activities",
    "indicator_series",
    "completeness",
    "timely_share",
    "hours",
    "procurement_hours",
    "relational_share",
    "procurements",
    "procurement_value",
    "procurement_effort_hours",
    "hours_per_million",
    "profile",
    "evidence",
]


def hhi(values: pd.Series) -> float | None:
    """Herfindahl-Hirschman index (0-10,000) of the values' shares; None when they sum to 0."""
    total = float(values.sum())
    if total <= 0:
        return None
    return float((((values / total) * 100) ** 2).sum())


def concentration(index: float | None) -> str:
    if index is None:
        return "no data"
    if index < 1500:
        return "unconcentrated"
    if index <= 2500:
        return "moderately concentrated"
    return "highly concentrated"


def service_areas(
    services: pd.DataFrame, service_conditions: pd.DataFrame, by: str = "condition"
) -> pd.DataFrame:
    """Each service's areas with the weight of each (equal shares). Columns: service_id, area,
    weight."""
    if by == "setting":
        out = services[["service_id", "setting"]].rename(columns={"setting": "area"})
        out["weight"] = 1.0
        return out.reset_index(drop=True)
    joined = services[["service_id"]].merge(service_conditions, on="service_id", how="left")
    joined["area"] = joined["condition"].fillna(NO_AREA)
    joined["weight"] = 1.0 / joined.groupby("service_id")["area"].transform("count")
    return joined[["service_id", "area", "weight"]].reset_index(drop=True)


def development_areas(
    developments: pd.DataFrame,
    development_conditions: pd.DataFrame,
    development_services: pd.DataFrame,
    services: pd.DataFrame,
    by: str = "condition",
) -> pd.DataFrame:
    """Each development's areas with equal weights. Columns: development_id, area, weight."""
    if by == "setting":
        links = development_services.merge(services[["service_id", "setting"]], on="service_id")
        links = links[["development_id", "setting"]].drop_duplicates()
        links = links.rename(columns={"setting": "area"})
    else:
        links = development_conditions.rename(columns={"condition": "area"})[
            ["development_id", "area"]
        ].drop_duplicates()
    out = developments[["development_id"]].merge(links, on="development_id", how="left")
    out["area"] = out["area"].fillna(NO_AREA)
    out["weight"] = 1.0 / out.groupby("development_id")["area"].transform("count")
    return out.reset_index(drop=True)


def _contracts_in_year(contracts: pd.DataFrame, year: int) -> pd.DataFrame:
    start, end = year_bounds(year)
    return contracts[(contracts["start_date"] <= end) & (contracts["end_date"] >= start)]


def contract_value_by_area(
    contracts: pd.DataFrame,
    contract_services: pd.DataFrame,
    areas: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Contract value in each area by provider, for contracts running in ``year``.

    Columns: area, provider_id, provider, value.
    """
    running = _contracts_in_year(contracts, year)
    links = contract_services[contract_services["contract_id"].isin(running["contract_id"])]
    n = links.groupby("contract_id")["service_id"].transform("count")
    links = links.assign(contract_weight=1.0 / n)
    rows = links.merge(areas, on="service_id").merge(
        running[["contract_id", "provider_id", "provider", "annual_value"]], on="contract_id"
    )
    rows["value"] = rows["annual_value"] * rows["contract_weight"] * rows["weight"]
    unlinked = running[~running["contract_id"].isin(links["contract_id"])]
    extra = unlinked.assign(area=NO_AREA, value=unlinked["annual_value"])
    cols = ["area", "provider_id", "provider", "value"]
    both = pd.concat([rows[cols], extra[cols]], ignore_index=True)
    if both.empty:
        return pd.DataFrame(columns=cols)
    return both.groupby(["area", "provider_id", "provider"], as_index=False)["value"].sum()


def information(observations: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Completeness and timeliness of each indicator series.

    Columns: indicator_id, indicator_code, service_id, organisation_id, periods (spanned),
    n_with_value,
    completeness, lag_periods (periods between the latest value and ``as_of``), timely.
    """
    as_of = pd.Timestamp(as_of)
    df = observations.copy()
    step = df["frequency"].map(MONTHS).fillna(12).astype(int)

    def months(a: pd.Series, b: pd.Series) -> pd.Series:
        return (b.dt.year - a.dt.year) * 12 + (b.dt.month - a.dt.month)

    df["periods"] = months(df["first_period"], df["last_period"]) // step + 1
    df["completeness"] = (df["n_with_value"] / df["periods"]).clip(upper=1.0)
    latest = df["last_period_with_value"]
    lag = months(latest, pd.Series(as_of, index=df.index)) // step
    df["lag_periods"] = lag.where(latest.notna())
    df["timely"] = latest.notna() & (df["lag_periods"] <= 2)
    return df[
        [
            "indicator_id",
            "indicator_code",
            "service_id",
            "organisation_id",
            "periods",
            "n_with_value",
            "completeness",
            "lag_periods",
            "timely",
        ]
    ]


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def market_conditions(
    *,
    services: pd.DataFrame,
    service_conditions: pd.DataFrame,
    contracts: pd.DataFrame,
    contract_services: pd.DataFrame,
    spend: pd.DataFrame,
    observations: pd.DataFrame,
    developments: pd.DataFrame,
    development_conditions: pd.DataFrame,
    development_services: pd.DataFrame,
    split: pd.DataFrame,
    as_of,
    year: int | None = None,
    by: str = "condition",
    indicator_conditions: pd.DataFrame | None = None,
    procurements: pd.DataFrame | None = None,
    procurement_services: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The quasi-market conditions of every service area (see the module documentation).

    ``split`` is the stage-split hours from :func:`labour.stage_hours`. ``year`` defaults to the
    financial year of ``as_of``. Indicator series about a service belong to the service's areas;
    series about an organisation belong, by condition, to the conditions of their indicator
    (``indicator_conditions``).
    """
    as_of = pd.Timestamp(as_of)
    year = financial_year(as_of) if year is None else year
    areas = service_areas(services, service_conditions, by)
    dev_areas = development_areas(
        developments, development_conditions, development_services, services, by
    )

    values = contract_value_by_area(contracts, contract_services, areas, year)

    money = spend_with_contracts(
        spend[spend["financial_year"] == year], contracts, contract_services
    )
    money = money.merge(areas, on="service_id", how="left")
    money["area"] = money["area"].fillna(NO_AREA)
    money["amount"] = money["amount"] * money["weight"].fillna(1.0)

    ended = services[services["end_date"].notna() & (services["end_date"] <= as_of)]
    ended = ended[["service_id"]].merge(areas, on="service_id")

    info = information(observations, as_of=as_of)
    on_services = info[info["service_id"].notna()].merge(
        areas.astype({"service_id": "Int64"}), on="service_id"
    )
    parts = [on_services[[*info.columns, "area"]]]
    if by == "condition" and indicator_conditions is not None:
        # Series about organisations belong to the conditions their indicator is for.
        on_orgs = info[info["service_id"].isna()].merge(
            indicator_conditions.rename(columns={"condition": "area"}),
            on="indicator_id",
        )
        parts.append(on_orgs[[*info.columns, "area"]])
    info = pd.concat(parts, ignore_index=True)

    effort = procurement_effort_by_area(procurements, procurement_services, areas)

    hours = split.merge(dev_areas, on="development_id", how="inner")
    hours["hours"] = hours["hours"] * hours["weight"]

    # Areas of services and contracts; an area only developments mention is listed too.
    all_areas = sorted(
        set(areas["area"]) | set(values["area"]) | (set(dev_areas["area"]) - {NO_AREA})
    )
    rows = []
    for area in all_areas:
        v = values[values["area"] == area]
        by_provider = v.groupby("provider_id")["value"].sum()
        index = hhi(by_provider)
        m = money[money["area"] == area]
        total = float(m["amount"].sum())
        tendered = float(m.loc[m["procurement_route"] == "tendered", "amount"].sum())
        rolled = float(m.loc[m["procurement_route"] == "rolled_over", "amount"].sum())
        block = float(m.loc[m["payment_form"] == "block", "amount"].sum())
        i = info[info["area"] == area]
        periods = float(i["periods"].sum())
        h = hours[hours["area"] == area]
        area_hours = float(h["hours"].sum())
        rel_hours = float(h.loc[h["nature"] == "relational", "hours"].sum())
        decommissioning = h[h["stage"] == "decommissioning"]["activity_id"].nunique()
        row = {
            "area": area,
            "providers": int((by_provider > 0).sum()),
            "contract_value": float(v["value"].sum()),
            "hhi": index,
            "concentration": concentration(index),
            "spend": total,
            "tendered_share": _ratio(tendered, total),
            "rolled_over_share": _ratio(rolled, total),
            "block_share": _ratio(block, total),
            "services_decommissioned": int(
                ended.loc[ended["area"] == area, "service_id"].nunique()
            ),
            "decommissioning_activities": int(decommissioning),
            "indicator_series": int(len(i)),
            "completeness": _ratio(float(i["n_with_value"].sum()), periods),
            "timely_share": float(i["timely"].mean()) if len(i) else None,
            "hours": area_hours,
            "procurement_hours": float(h.loc[h["stage"] == "procurement", "hours"].sum()),
            "relational_share": _ratio(rel_hours, area_hours),
            **_effort_row(effort, area),
        }
        row["profile"], row["evidence"] = profile(row)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def procurement_effort_by_area(
    procurements: pd.DataFrame | None,
    procurement_services: pd.DataFrame | None,
    areas: pd.DataFrame,
) -> pd.DataFrame | None:
    """Each procurement's value and hours in each area (columns procurement_id, area, value,
    hours), split equally across its services and each service's areas; None without data."""
    if procurements is None:
        return None
    links = (
        procurement_services
        if procurement_services is not None
        else pd.DataFrame(columns=["procurement_id", "service_id"])
    )
    n = links.groupby("procurement_id")["service_id"].transform("count")
    links = links.assign(share=1.0 / n).merge(areas, on="service_id")
    rows = links.merge(procurements[["procurement_id", "value", "hours"]], on="procurement_id")
    weight = rows["share"] * rows["weight"]
    rows = rows.assign(value=rows["value"].astype(float) * weight, hours=rows["hours"] * weight)
    unlinked = procurements[~procurements["procurement_id"].isin(links["procurement_id"])]
    extra = unlinked.assign(area=NO_AREA)[["procurement_id", "area", "value", "hours"]]
    return pd.concat([rows[["procurement_id", "area", "value", "hours"]], extra], ignore_index=True)


def _effort_row(effort: pd.DataFrame | None, area: str) -> dict:
    if effort is None:
        return dict.fromkeys(
            ["procurements", "procurement_value", "procurement_effort_hours", "hours_per_million"]
        )
    e = effort[effort["area"] == area]
    value = float(e["value"].fillna(0).sum())
    hours = float(e["hours"].sum())
    return {
        "procurements": int(e["procurement_id"].nunique()),
        "procurement_value": value,
        "procurement_effort_hours": hours,
        "hours_per_million": hours / (value / 1_000_000) if value > 0 else None,
    }


def profile(row: dict) -> tuple[str, str]:
    """Relational-to-transactional profile of an area, and the evidence behind it."""
    signals: list[tuple[bool, str]] = []
    if row["hhi"] is not None:
        competitive = row["providers"] >= 3 and row["hhi"] < 2500
        signals.append(
            (
                competitive,
                f"{row['providers']} provider{'' if row['providers'] == 1 else 's'}, "
                f"concentration index {row['hhi']:,.0f}",
            )
        )
    if row["tendered_share"] is not None:
        signals.append(
            (row["tendered_share"] >= 0.5, f"{row['tendered_share']:.0%} of spend tendered")
        )
    if row["spend"] > 0 or row["services_decommissioned"]:
        signals.append(
            (
                row["services_decommissioned"] > 0,
                f"{row['services_decommissioned']} "
                f"service{'' if row['services_decommissioned'] == 1 else 's'} decommissioned",
            )
        )
    if row["block_share"] is not None:
        signals.append(
            (row["block_share"] <= 0.5, f"{row['block_share']:.0%} of spend in block contracts")
        )
    if row["relational_share"] is not None:
        signals.append(
            (row["relational_share"] < 0.5, f"{row['relational_share']:.0%} of hours relational")
        )
    if not signals:
        return "no data", "no contracts, spend or recorded work in this area"
    share = sum(s for s, _ in signals) / len(signals)
    label = "relational" if share <= 0.25 else "transactional" if share >= 0.75 else "mixed"
    evidence = "; ".join(
        f"{text} ({'transactional' if s else 'relational'})" for s, text in signals
    )
    return label, evidence
