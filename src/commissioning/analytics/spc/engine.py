"""XmR charts for many series at once, as NHSRplotthedots 0.2.x draws them by default.

``xmr`` takes a long table (one row per series and date) and returns one row per point with its
period's mean and limits, whether it shows special-cause variation and what kind. ``summarise``
turns that into one row per series: the latest limits, the variation of the latest point and
the assurance against the target. ``short_periods`` lists periods too short for firm limits.

Everything is computed on whole arrays; series and periods are contiguous blocks of rows after
sorting, so there is no Python loop over series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.analytics.spc import rules
from commissioning.analytics.spc.assurance import ASSURANCES, assurance
from commissioning.analytics.spc.groups import Groups, lag, last_present
from commissioning.analytics.spc.limits import MINIMUM_FIX_AFTER, process_limits
from commissioning.analytics.spc.point_type import (
    IMPROVEMENTS,
    POINT_TYPES,
    RULES,
    SIGNALS,
    point_type,
    special_cause,
)

MINIMUM_POINTS = 12
IMPROVEMENT_NAMES = ("decrease", "neutral", "increase")  # index = improvement + 1

# Labels are stored as categoricals built straight from integer codes (cheap for 6 million rows,
# and for one short series at a time).
_IMPROVEMENT = pd.CategoricalDtype(IMPROVEMENT_NAMES)
_POINT_TYPE = pd.CategoricalDtype(POINT_TYPES)
_RULE = pd.CategoricalDtype(RULES)
_SIGNAL = pd.CategoricalDtype(SIGNALS)
_ASSURANCE = pd.CategoricalDtype(ASSURANCES)

POINT_COLUMNS = [
    "series",
    "date",
    "value",
    "target",
    "improvement",
    "period",
    "mean",
    "lpl",
    "upl",
    "special_cause",
    "point_type",
    "rule",
    "signal",
]
SUMMARY_COLUMNS = [
    "series",
    "points",
    "periods",
    "mean",
    "lpl",
    "upl",
    "variation",
    "target",
    "improvement",
    "assurance",
]


def xmr(
    df: pd.DataFrame,
    *,
    improvement: str = "increase",
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """Compute XmR limits and special-cause flags for every point of every series.

    ``df`` has columns ``date`` and ``value`` (missing values allowed), and optionally
    ``series`` (absent: one series), ``target``, ``rebase`` (1 or True on the first point of a
    new period) and ``improvement`` (per series, overriding the ``improvement`` argument).
    ``fix_after`` computes each period's limits from its first ``fix_after`` rows only (12 or
    more, as NHSRplotthedots requires). ``screen_outliers=False`` matches the Making Data Count
    Excel tools.

    Returns one row per input row, sorted by series and date, with the columns in
    ``POINT_COLUMNS`` (``series`` and ``target`` only when given). ``period`` counts rebases
    within the series. ``point_type`` is missing for rows with a missing value. Raises
    ``ValueError`` for input it cannot use.
    """
    _check_options(improvement, fix_after)
    data = _prepare(df, IMPROVEMENTS[improvement])
    n = len(data.values)

    periods, period = _periods(data.series_codes, data.rebase)
    limits = process_limits(
        data.values, periods, fix_after=fix_after, screen_outliers=screen_outliers
    )
    # The rules run over observed points only: a missing value neither breaks nor extends a run.
    observed = np.flatnonzero(~np.isnan(data.values))
    observed_period = periods.ids[observed]
    rule, signal = _special_causes(
        data.values[observed],
        observed_period,
        limits.mean[observed_period],
        limits.near_lpl[observed_period],
        limits.near_upl[observed_period],
        limits.lpl[observed_period],
        limits.upl[observed_period],
    )
    rule_all = np.zeros(n, dtype=np.int8)
    signal_all = np.zeros(n, dtype=np.int8)
    type_all = np.full(n, -1, dtype=np.int8)
    rule_all[observed] = rule
    signal_all[observed] = signal
    type_all[observed] = point_type(signal, data.improvement[observed])

    columns: dict[str, object] = {}
    if data.series_names is not None:
        columns["series"] = _labels(data.series_codes, pd.CategoricalDtype(data.series_names))
    columns["date"] = data.dates
    columns["value"] = data.values
    if data.target is not None:
        columns["target"] = data.target
    columns["improvement"] = _labels(data.improvement + 1, _IMPROVEMENT)
    columns["period"] = period
    columns["mean"] = limits.mean[periods.ids]
    columns["lpl"] = limits.lpl[periods.ids]
    columns["upl"] = limits.upl[periods.ids]
    columns["special_cause"] = rule_all > 0
    columns["point_type"] = _labels(type_all, _POINT_TYPE)
    columns["rule"] = _labels(rule_all - 1, _RULE)
    columns["signal"] = _labels(np.where(signal_all == 0, -1, (signal_all + 1) // 2), _SIGNAL)
    return pd.DataFrame(columns)


def summarise(points: pd.DataFrame) -> pd.DataFrame:
    """One row per series from the output of ``xmr`` (which must keep its order).

    ``points`` counts the series' observed values and ``periods`` its periods; ``mean``,
    ``lpl`` and ``upl`` are the latest period's; ``variation`` is the point type of the latest
    observed point; ``target`` is the latest target given; ``assurance`` compares it with the
    latest limits (missing when there is no target or improvement is neutral).
    """
    n = len(points)
    codes = _series_codes(points)
    series = Groups.from_starts(codes != lag(codes, 1, -1))
    if len(np.unique(codes)) != series.count:
        raise ValueError("points must be sorted by series, as xmr returns them")
    last = series.ends()
    values = points["value"].to_numpy(dtype=float)
    observed = ~np.isnan(values)
    latest = last_present(observed, series)

    columns: dict[str, object] = {}
    if "series" in points.columns:
        columns["series"] = points["series"].iloc[last].to_numpy()
    columns["points"] = np.bincount(series.ids, weights=observed, minlength=series.count).astype(
        np.int64
    )
    period = points["period"].to_numpy()
    first_period = period[series.starts] if n else period
    columns["periods"] = (period[last] - first_period + 1) if n else period
    lpl = points["lpl"].to_numpy(dtype=float)[last]
    upl = points["upl"].to_numpy(dtype=float)[last]
    columns["mean"] = points["mean"].to_numpy(dtype=float)[last]
    columns["lpl"] = lpl
    columns["upl"] = upl
    type_codes = points["point_type"].cat.codes.to_numpy()
    columns["variation"] = _labels(
        np.where(latest >= 0, type_codes[np.maximum(latest, 0)], -1) if n else latest, _POINT_TYPE
    )
    improvement = points["improvement"].cat.codes.to_numpy()[last].astype(np.int8) - 1
    if "target" in points.columns:
        targets = points["target"].to_numpy(dtype=float)
        latest_target = last_present(~np.isnan(targets), series)
        target = np.where(latest_target >= 0, targets[np.maximum(latest_target, 0)], np.nan)
    else:
        target = np.full(series.count, np.nan)
    columns["target"] = target
    columns["improvement"] = _labels(improvement + 1, _IMPROVEMENT)
    columns["assurance"] = _labels(assurance(target, lpl, upl, improvement), _ASSURANCE)
    return pd.DataFrame(columns)


def short_periods(points: pd.DataFrame, minimum: int = MINIMUM_POINTS) -> pd.DataFrame:
    """Periods with fewer than ``minimum`` observed values: series, period, start, points.

    ``whole_series`` is True when the period is the series' only period.

    NHSRplotthedots calls limits from fewer than 12 points "trial limits" that will become more
    reliable as data is added; it warns rather than refusing.
    """
    codes = _series_codes(points)
    period = points["period"].to_numpy()
    series_start = codes != lag(codes, 1, -1)
    starts_here = series_start | (period != lag(period, 1, -1))
    blocks = Groups.from_starts(starts_here)
    observed = points["value"].notna().to_numpy()
    counts = np.bincount(blocks.ids, weights=observed, minlength=blocks.count).astype(np.int64)
    short = np.flatnonzero(counts < minimum)
    first = blocks.starts[short]
    result: dict[str, object] = {}
    if "series" in points.columns:
        result["series"] = points["series"].iloc[first].to_numpy()
    result["period"] = period[first]
    result["start"] = points["date"].iloc[first].to_numpy()
    result["points"] = counts[short]
    next_block = np.minimum(short + 1, blocks.count - 1)
    last_block = (short == blocks.count - 1) | series_start[blocks.starts[next_block]]
    result["whole_series"] = series_start[first] & last_block
    return pd.DataFrame(result)


# --- internals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    series_codes: np.ndarray
    series_names: pd.Index | None
    dates: pd.Series
    values: np.ndarray
    target: np.ndarray | None
    rebase: np.ndarray
    improvement: np.ndarray


def _check_options(improvement: str, fix_after: int | None) -> None:
    if improvement not in IMPROVEMENTS:
        raise ValueError(
            f"improvement must be one of increase, decrease or neutral, not {improvement!r}"
        )
    if fix_after is not None and (
        isinstance(fix_after, bool) or not isinstance(fix_after, (int, np.integer))
    ):
        raise ValueError(f"fix_after must be a whole number, not {fix_after!r}")
    if fix_after is not None and fix_after < MINIMUM_FIX_AFTER:
        raise ValueError(
            f"fix_after must be {MINIMUM_FIX_AFTER} or more (limits need at least "
            f"{MINIMUM_FIX_AFTER} points), not {fix_after}"
        )


def _numbers(column: pd.Series, name: str) -> np.ndarray:
    try:
        numbers = pd.to_numeric(column)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"column {name!r} must hold numbers ({exc})") from None
    return np.asarray(numbers.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _date_key(dates: pd.Series) -> np.ndarray:
    if dates.isna().any():
        raise ValueError(f"column 'date' is missing on {int(dates.isna().sum())} rows")
    if pd.api.types.is_datetime64_any_dtype(dates):
        return pd.DatetimeIndex(dates).asi8
    if pd.api.types.is_numeric_dtype(dates):
        return dates.to_numpy(dtype=float)
    try:
        return pd.factorize(dates, sort=True)[0]
    except TypeError:
        raise ValueError("column 'date' mixes values that cannot be put in order") from None


def _improvements(df: pd.DataFrame, default: int) -> np.ndarray:
    if "improvement" not in df.columns:
        return np.full(len(df), default, dtype=np.int8)
    # Map the few distinct spellings, not every row.
    codes, uniques = pd.factorize(df["improvement"])
    cleaned = [str(u).strip().lower() for u in uniques]
    for original, word in zip(uniques, cleaned, strict=True):
        if word and word not in IMPROVEMENTS:
            raise ValueError(
                f"column 'improvement' must be increase, decrease or neutral, found {original!r}"
            )
    lookup = np.array([IMPROVEMENTS.get(w, default) for w in cleaned] + [default], dtype=np.int8)
    return lookup[codes]  # a missing value has code -1: the default, last in the lookup


def _rebases(df: pd.DataFrame) -> np.ndarray:
    if "rebase" not in df.columns:
        return np.zeros(len(df), dtype=np.int8)
    column = df["rebase"]
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        column = column.astype(object)  # e.g. True/False with blanks
    marks = np.nan_to_num(_numbers(column.where(column.notna(), 0), "rebase"))
    if not ((marks == 0) | (marks == 1)).all():
        raise ValueError("column 'rebase' must hold 1 on the first point of a new period, else 0")
    return marks.astype(np.int8)


def _prepare(df: pd.DataFrame, default_improvement: int) -> _Prepared:
    missing = [c for c in ("date", "value") if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    n = len(df)
    names: pd.Index | None = None
    codes = np.zeros(n, dtype=np.int64)
    if "series" in df.columns:
        if df["series"].isna().any():
            raise ValueError(f"column 'series' is missing on {int(df['series'].isna().sum())} rows")
        try:
            codes, names = pd.factorize(df["series"], sort=True)
        except TypeError:
            codes, names = pd.factorize(df["series"], sort=False)
        names = pd.Index(names)
    key = _date_key(df["date"])
    values = _numbers(df["value"], "value")
    target = _numbers(df["target"], "target") if "target" in df.columns else None
    rebase = _rebases(df)
    improvement = _improvements(df, default_improvement)

    same_series = codes[1:] == codes[:-1]
    in_order = (codes[1:] > codes[:-1]) | (same_series & (key[1:] > key[:-1]))
    dates = df["date"].reset_index(drop=True)
    if not in_order.all():
        order = np.lexsort((key, codes))
        codes, key, values, rebase, improvement = (
            a[order] for a in (codes, key, values, rebase, improvement)
        )
        target = target[order] if target is not None else None
        dates = dates.take(order).reset_index(drop=True)
        same_series = codes[1:] == codes[:-1]

    repeated = same_series & (key[1:] == key[:-1])
    if repeated.any():
        first = int(np.flatnonzero(repeated)[0]) + 1
        where = f" in series {names[codes[first]]!r}" if names is not None else ""
        raise ValueError(
            f"date {dates.iloc[first]} appears more than once{where} "
            f"({int(repeated.sum())} repeated dates in all)"
        )
    changed = same_series & (improvement[1:] != improvement[:-1])
    if changed.any():
        first = int(np.flatnonzero(changed)[0]) + 1
        where = f"series {names[codes[first]]!r}" if names is not None else "the series"
        raise ValueError(f"improvement must be the same on every row of {where}")

    return _Prepared(codes, names, dates, values, target, rebase, improvement)


def _periods(series_codes: np.ndarray, rebase: np.ndarray) -> tuple[Groups, np.ndarray]:
    """Blocks of rows sharing limits, and each row's period number within its series.

    As R's ``cumsum(rebase)`` within a series: 0 until the first rebase, then 1, and so on.
    """
    series_start = series_codes != lag(series_codes, 1, -1)
    total = np.cumsum(rebase, dtype=np.int64)
    first_row = np.maximum.accumulate(np.where(series_start, np.arange(len(rebase)), 0))
    number = total - total[first_row] + rebase[first_row]
    return Groups.from_starts(series_start | rebase.astype(bool)), number


def _special_causes(
    values: np.ndarray,
    period_ids: np.ndarray,
    mean: np.ndarray,
    near_lpl: np.ndarray,
    near_upl: np.ndarray,
    lpl: np.ndarray,
    upl: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply every rule to observed points (sorted by period and date)."""
    blocks = Groups.from_starts(period_ids != lag(period_ids, 1, -1))
    position = blocks.position()
    remaining = blocks.remaining()
    side = rules.side_of_mean(values, mean)
    outside = rules.outside_limits(values, lpl, upl)
    near = rules.near_limits(values, near_lpl, near_upl, outside)
    in_trend = rules.members(rules.trend_ends(values, position))
    direction = rules.trend_direction(values, in_trend, position, remaining)
    in_two = rules.two_of_three(near, side, position, remaining)
    in_shift = rules.members(rules.shift_ends(side, position))
    return special_cause(outside, in_trend, direction, in_two, in_shift, side)


def _labels(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """A categorical from codes already known to be valid (-1 for missing)."""
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def _series_codes(points: pd.DataFrame) -> np.ndarray:
    if "series" not in points.columns:
        return np.zeros(len(points), dtype=np.int64)
    column = points["series"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64)
    return pd.factorize(column, sort=False)[0]
