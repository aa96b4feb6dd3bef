"""Money: spend by condition, service, provider, payment form and financial year; the Pareto set.

Allocation rules, so that every breakdown adds up to the spend recorded:

- a service for several conditions has its spend split equally across them; a service with
  no condition is counted under ``NO_CONDITION``;
- a service covered by several contracts in a financial year has its spend split equally
  across those contracts (for payment form and procurement route); spend on a service with no
  contract in that year is counted under ``NO_CONTRACT``.

Financial years are named by the year they start: 2011 means April 2011 to March 2012.
"""

from __future__ import annotations

import pandas as pd

NO_CONDITION = "no_condition"
NO_CONTRACT = "no_contract"
BY = ("condition", "service", "provider", "payment_form", "procurement_route", "setting")


def financial_year(date) -> int:
    """The financial year (by its starting year) that ``date`` falls in."""
    d = pd.Timestamp(date)
    return d.year if d.month >= 4 else d.year - 1


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 3, 31)


def spend_with_contracts(
    spend: pd.DataFrame, contracts: pd.DataFrame, contract_services: pd.DataFrame
) -> pd.DataFrame:
    """Spend rows joined to the contracts covering the service that year, split equally.

    Columns: service_id, financial_year, contract_id, payment_form, procurement_route,
    risk_share, amount.
    """
    links = contract_services.merge(
        contracts[
            [
                "contract_id",
                "payment_form",
                "procurement_route",
                "risk_share",
                "start_date",
                "end_date",
            ]
        ],
        on="contract_id",
    )
    joined = spend.merge(links, on="service_id", how="left")
    starts = pd.to_datetime(joined["financial_year"].astype(int).astype(str) + "-04-01")
    ends = pd.to_datetime((joined["financial_year"].astype(int) + 1).astype(str) + "-03-31")
    covers = (joined["start_date"] <= ends) & (joined["end_date"] >= starts)
    covered = joined[covers].copy()
    n = covered.groupby(["service_id", "financial_year"])["contract_id"].transform("count")
    covered["amount"] = covered["amount"] / n
    keys = spend[["service_id", "financial_year"]].merge(
        covered[["service_id", "financial_year"]].drop_duplicates(),
        how="left",
        indicator=True,
    )
    missing = spend[(keys["_merge"] == "left_only").to_numpy()].copy()
    missing["contract_id"] = pd.NA
    for c in ("payment_form", "procurement_route"):
        missing[c] = NO_CONTRACT
    missing["risk_share"] = ""
    columns = [
        "service_id",
        "financial_year",
        "contract_id",
        "payment_form",
        "procurement_route",
        "risk_share",
        "amount",
    ]
    out = pd.concat([covered[columns], missing[columns]], ignore_index=True)
    return out.sort_values(["service_id", "financial_year"]).reset_index(drop=True)


def spend_with_conditions(spend: pd.DataFrame, service_conditions: pd.DataFrame) -> pd.DataFrame:
    """Spend rows split equally across the service's conditions. Adds ``condition``."""
    joined = spend.merge(service_conditions, on="service_id", how="left")
    joined["condition"] = joined["condition"].fillna(NO_CONDITION)
    n = joined.groupby(["service_id", "financial_year"])["condition"].transform("count")
    joined["amount"] = joined["amount"] / n
    return joined.reset_index(drop=True)


def spend_by(
    by: str,
    spend: pd.DataFrame,
    services: pd.DataFrame,
    service_conditions: pd.DataFrame,
    contracts: pd.DataFrame,
    contract_services: pd.DataFrame,
) -> pd.DataFrame:
    """Spend by ``by`` (one of BY, or ``financial_year``) and financial year.

    Columns: ``by`` (absent when by is financial_year), financial_year, amount, share (of the
    year's spend; empty when the year's spend is zero).
    """
    if by == "condition":
        rows = spend_with_conditions(spend, service_conditions)
    elif by in ("payment_form", "procurement_route"):
        rows = spend_with_contracts(spend, contracts, contract_services)
    elif by in ("service", "provider", "setting"):
        rows = spend.merge(
            services[["service_id", "name", "provider", "setting"]], on="service_id", how="left"
        ).rename(columns={"name": "service"})
    elif by == "financial_year":
        rows = spend
    else:
        raise ValueError(f"cannot break spend down by {by}")
    keys = ["financial_year"] if by == "financial_year" else [by, "financial_year"]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "amount", "share"])
    out = rows.groupby(keys, dropna=False)["amount"].sum().reset_index()
    totals = out.groupby("financial_year")["amount"].transform("sum")
    out["share"] = [a / t if t > 0 else None for a, t in zip(out["amount"], totals, strict=True)]
    return out.sort_values(["financial_year", *keys[:-1]]).reset_index(drop=True)


def latest_year(spend: pd.DataFrame) -> int | None:
    years = spend["financial_year"].dropna()
    return int(years.max()) if not years.empty else None


def block_share(
    spend: pd.DataFrame,
    contracts: pd.DataFrame,
    contract_services: pd.DataFrame,
    year: int | None = None,
) -> dict:
    """Share of a year's spend (default: the latest) paid through block contracts."""
    year = latest_year(spend) if year is None else year
    rows = spend_with_contracts(spend, contracts, contract_services)
    rows = rows[rows["financial_year"] == year]
    total = float(rows["amount"].sum())
    block = float(rows.loc[rows["payment_form"] == "block", "amount"].sum())
    return {
        "financial_year": year,
        "numerator": block,
        "denominator": total,
        "value": block / total if total > 0 else None,
    }


def incentive_values(incentives: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """Incentive scheme value by scheme and financial year.

    The recorded value is used; where only a percentage is recorded, the value is that
    percentage of the contract's annual value (``estimated`` counts such rows).
    """
    df = incentives.merge(contracts[["contract_id", "annual_value"]], on="contract_id", how="left")
    estimated = df["value"].isna() & df["percent"].notna()
    df["value"] = df["value"].where(~estimated, df["percent"] / 100.0 * df["annual_value"])
    df["estimated"] = estimated.astype(int)
    columns = ["scheme", "financial_year", "contracts", "value", "estimated"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    out = (
        df.groupby(["scheme", "financial_year"])
        .agg(
            contracts=("contract_id", "nunique"),
            value=("value", "sum"),
            estimated=("estimated", "sum"),
        )
        .reset_index()
    )
    return out[columns]


def reviewed_within(last_reviewed: pd.Series, as_of, years: float) -> pd.Series:
    """True where the last review falls within ``years`` before ``as_of`` (never: False)."""
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(months=round(years * 12))
    return (
        last_reviewed.notna() & (last_reviewed >= cutoff) & (last_reviewed <= pd.Timestamp(as_of))
    )


def pareto(
    spend: pd.DataFrame,
    services: pd.DataFrame,
    *,
    as_of,
    year: int | None = None,
    share: float = 0.8,
    review_years: float = 3,
) -> pd.DataFrame:
    """Services by spend in ``year`` (default: the latest), largest first, with the Pareto set.

    ``in_pareto`` marks the fewest services, largest first, whose spend together reaches
    ``share`` (80%) of the year's spend. ``reviewed`` says whether each was reviewed within
    ``review_years`` of ``as_of``. Empty when the year's spend is zero.
    """
    columns = [
        "service_id",
        "service",
        "provider",
        "financial_year",
        "amount",
        "share",
        "cumulative_share",
        "in_pareto",
        "last_reviewed",
        "reviewed",
    ]
    year = latest_year(spend) if year is None else year
    rows = spend[spend["financial_year"] == year]
    total = float(rows["amount"].sum())
    if total <= 0:
        return pd.DataFrame(columns=columns)
    by_service = rows.groupby("service_id")["amount"].sum().reset_index()
    df = by_service.merge(
        services[["service_id", "name", "provider", "last_reviewed"]], on="service_id", how="left"
    ).rename(columns={"name": "service"})
    df = df.sort_values(["amount", "service"], ascending=[False, True]).reset_index(drop=True)
    df["financial_year"] = year
    df["share"] = df["amount"] / total
    df["cumulative_share"] = df["share"].cumsum()
    before = df["cumulative_share"] - df["share"]
    df["in_pareto"] = before < share - 1e-12
    df["reviewed"] = reviewed_within(df["last_reviewed"], as_of, review_years)
    return df[columns]


def review_programme(
    spend: pd.DataFrame,
    services: pd.DataFrame,
    *,
    as_of,
    review_years: float = 3,
    year: int | None = None,
) -> pd.DataFrame:
    """Running services not reviewed within ``review_years`` of ``as_of``, largest spend first.

    ``review_due`` is the date the review fell due (empty when never reviewed).
    """
    as_of = pd.Timestamp(as_of)
    year = latest_year(spend) if year is None else year
    amounts = spend[spend["financial_year"] == year].groupby("service_id")["amount"].sum()
    running = services[services["end_date"].isna() | (services["end_date"] > as_of)].copy()
    running["amount"] = running["service_id"].map(amounts).fillna(0.0)
    running["reviewed"] = reviewed_within(running["last_reviewed"], as_of, review_years)
    due = running[~running["reviewed"]].copy()
    due["review_due"] = due["last_reviewed"] + pd.DateOffset(months=round(review_years * 12))
    due["financial_year"] = year
    due = due.rename(columns={"name": "service"}).sort_values(
        ["amount", "service"], ascending=[False, True]
    )
    return due[
        [
            "service_id",
            "service",
            "provider",
            "financial_year",
            "amount",
            "last_reviewed",
            "review_due",
        ]
    ].reset_index(drop=True)
