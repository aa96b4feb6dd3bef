"""Evaluating the measure library over a patient-level dataset, on either engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from commissioning.analytics.disclosure import DEFAULT_POLICY, SuppressionPolicy, round_counts
from commissioning.analytics.measures import library
from commissioning.analytics.measures.library import Measure, Side
from commissioning.analytics.measures.schema import check_dataset
from commissioning.errors import UserError

COVERAGE = """
WITH iv AS (
{intervals}
),
clamped AS (
  SELECT organisation, GREATEST(s_idx, {first}) AS s_idx, x_idx, weight FROM iv
),
kept AS (
  SELECT * FROM clamped WHERE s_idx <= {last} AND (x_idx IS NULL OR x_idx > s_idx)
),
deltas AS (
  SELECT organisation, s_idx AS period_idx, weight AS w FROM kept
  UNION ALL
  SELECT organisation, x_idx AS period_idx, -weight AS w FROM kept
  WHERE x_idx IS NOT NULL AND x_idx <= {last}
),
d AS (
  SELECT organisation, period_idx, SUM(w) AS w FROM deltas GROUP BY organisation, period_idx
),
grid AS (
  SELECT o.organisation, m.period_idx
  FROM (SELECT DISTINCT organisation FROM kept) o CROSS JOIN months m
)
SELECT g.organisation, g.period_idx,
       CAST(SUM(COALESCE(d.w, 0)) OVER (
         PARTITION BY g.organisation ORDER BY g.period_idx
         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE) AS weight
FROM grid g
LEFT JOIN d ON d.organisation = g.organisation AND d.period_idx = g.period_idx
"""

EVENTS = """
SELECT e.organisation, e.period_idx, CAST(SUM(e.weight) AS DOUBLE) AS weight
FROM (
{events}
) e
JOIN months m ON m.period_idx = e.period_idx
GROUP BY e.organisation, e.period_idx
"""

OUTPUT_COLUMNS = ["measure", "organisation", "period", "numerator", "denominator", "value"]


def month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def index_to_date(idx: pd.Series) -> pd.Series:
    idx = idx.astype(int)
    return pd.to_datetime({"year": idx // 12, "month": idx % 12 + 1, "day": 1}).dt.date


def side_sql(side: Side, first: int, last: int) -> str:
    body = side.text()
    if side.kind == "coverage":
        return COVERAGE.format(intervals=body, first=first, last=last)
    return EVENTS.format(events=body)


def prepare(engine, folder: Path, first: int, last: int) -> None:
    """Register the dataset's tables, the shipped codelists and rates, and the months."""
    for name in ("patients", "registrations", "diagnoses", "events"):
        engine.table(name, folder / f"{name}.parquet")
    engine.frame(
        "codelists",
        library.codelists()[["codelist", "code_system", "code"]],
        "codelist string, code_system string, code string",
    )
    engine.frame(
        "reference_rates",
        library.reference_rates(),
        "rates string, sex string, age_from int, age_to int, rate double",
    )
    engine.frame(
        "months", pd.DataFrame({"period_idx": np.arange(first, last + 1)}), "period_idx int"
    )
    for statement in library.base_sql():
        engine.execute(statement)


def data_months(engine) -> tuple[int, int]:
    """The months of the first and last dated events: the months measured unless given."""
    row = engine.sql(
        "SELECT MIN(YEAR(date) * 12 + MONTH(date) - 1) AS lo, "
        "MAX(YEAR(date) * 12 + MONTH(date) - 1) AS hi FROM events"
    )
    lo, hi = row.iloc[0]["lo"], row.iloc[0]["hi"]
    if pd.isna(lo):
        raise UserError(
            "events.parquet has no events with a date, so the months to measure cannot be "
            "read from it: give them with --from and --to (YYYY-MM)"
        )
    return int(lo), int(hi)


def side_frame(engine, side: Side, first: int, last: int, cache: dict | None) -> pd.DataFrame:
    """One side's (organisation, period_idx, weight) rows; identical SQL runs only once.

    Several measures share a side (registered patients of all ages is the denominator of four),
    so ``cache`` (keyed by the full SQL text) saves a pass over the data for each repeat.
    """
    text = side_sql(side, first, last)
    if cache is None:
        return engine.sql(text)
    if text not in cache:
        cache[text] = engine.sql(text)
    return cache[text]


def evaluate_measure(
    engine, measure: Measure, first: int, last: int, cache: dict | None = None
) -> pd.DataFrame:
    num = side_frame(engine, measure.numerator, first, last, cache)
    den = side_frame(engine, measure.denominator, first, last, cache)
    num = num.rename(columns={"weight": "numerator"})
    den = den.rename(columns={"weight": "denominator"})
    out = den.merge(num, on=["organisation", "period_idx"], how="outer")
    if measure.frequency == "annual":
        out = out[out["period_idx"].astype(int) % 12 == 2]
    out["numerator"] = out["numerator"].astype(float).fillna(0.0).round(6)
    out["denominator"] = out["denominator"].astype(float).fillna(0.0).round(6)
    out = out[out["denominator"] > 0].copy()
    out["value"] = out["numerator"] / out["denominator"] * measure.multiplier
    out["measure"] = measure.id
    out["period"] = index_to_date(out["period_idx"]) if len(out) else []
    return out.sort_values(["organisation", "period_idx"])[OUTPUT_COLUMNS]


def evaluate(
    engine,
    folder: str | Path,
    *,
    measures: list[Measure] | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    disclosure: SuppressionPolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """The long measures table for the dataset in ``folder``.

    With ``disclosure`` (the default policy unless None is passed), counts of people are
    rounded, small ones hidden, and values recomputed from the rounded counts.
    """
    folder = Path(folder)
    check_dataset(folder)
    measures = measures or library.load_library()
    if first is None or last is None:  # the months of the data, unless given
        engine.table("events", folder / "events.parquet")
        lo, hi = data_months(engine)
    first_idx = month_index(first) if first else lo
    last_idx = month_index(last) if last else hi
    prepare(engine, folder, first_idx, last_idx)
    frames = []
    cache: dict[str, pd.DataFrame] = {}
    for i, measure in enumerate(measures, start=1):
        if progress:
            progress(i, len(measures), measure.name)
        frames.append(evaluate_measure(engine, measure, first_idx, last_idx, cache))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OUTPUT_COLUMNS)
    if disclosure is not None:
        table = apply_disclosure(table, measures, disclosure)
    return table.reset_index(drop=True)


def apply_disclosure(
    table: pd.DataFrame, measures: list[Measure], policy: SuppressionPolicy
) -> pd.DataFrame:
    """Round counts of people, hide small ones (blank) and flag the rows, recompute values."""
    out = table.copy()
    by_id = {m.id: m for m in measures}
    hidden = pd.Series(False, index=out.index)
    for side in ("numerator", "denominator"):
        people = out["measure"].map(lambda m, s=side: getattr(by_id[m], s).counts_people)
        values = out[side]
        is_count = people & (values == values.round())
        small = is_count & (values >= 1) & (values <= policy.threshold)
        out.loc[is_count, side] = round_counts(values[is_count], policy)
        out.loc[small, side] = np.nan
        hidden |= small
    multiplier = out["measure"].map(lambda m: by_id[m].multiplier)
    den = out["denominator"].where(out["denominator"] > 0)
    out["value"] = out["numerator"] / den * multiplier
    out.loc[hidden, "value"] = np.nan
    out["suppressed"] = hidden
    return out
