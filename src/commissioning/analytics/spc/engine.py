"""XmR charts for many series at once, as NHSRplotthedots 0.2.x draws them by default.

``xmr`` takes a long table (one row per series and date) and returns one row per point with its
period's mean and limits, whether it shows special-cause variation and what kind. ``summarise``
turns that into one row per series: the latest limits, the variation of the latest point and
the assurance against the target. ``short_periods`` lists periods too short for firm limits.

The same work in steps, for callers that hold arrays rather than a dataframe (the command line):
``prepare`` checks, codes and sorts the input; ``charts`` computes limits and flags; then
``points_frame``, ``summary_frame`` and ``Charts.short_periods`` give the tables.

How it is fast: after sorting, each period (a series, or the part of a series between two
rebases) is a contiguous block of rows. Periods of similar length are laid side by side in a
grid, time down the first axis and one period per column, shorter ones padded at the end with
NaN, and the functions of ``limits`` and ``rules`` run on the whole grid at once: no Python loop
over series. ``reference.py`` computes the same thing one series at a time with the same
functions; the tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.analytics.spc import rules
from commissioning.analytics.spc.assurance import ASSURANCES, assurance
from commissioning.analytics.spc.groups import Groups, lag, last_present
from commissioning.analytics.spc.limits import MINIMUM_FIX_AFTER, Limits, process_limits
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
# Cells of one grid at most (8 MB of float64): small arrays are reused rather than paged in
# afresh, and the memory of a million series stays bounded.
GRID_CELLS = 1 << 20
# Rows of a part of ``charts_in_parts`` (as many as a part of the command's output).
PART_ROWS = 1 << 20

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


@dataclass(frozen=True)
class Prepared:
    """The input checked, coded and sorted by series and date (one entry per row).

    ``improvement`` is +1 (increase), 0 (neutral) or -1 (decrease); ``order`` gives the input
    row of each sorted row, or is None when the input was already in order.
    """

    series_codes: np.ndarray
    series_names: pd.Index | None
    dates: pd.Series
    values: np.ndarray
    target: np.ndarray | None
    rebase: np.ndarray
    improvement: np.ndarray
    order: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Charts:
    """Limits and flags for every point: per-row arrays in series and date order, and
    per-period arrays (``limits``, ``observed``, ``numbers``), one entry per block of
    ``periods``."""

    data: Prepared
    periods: Groups
    numbers: np.ndarray  # each period's number within its series (0 until the first rebase)
    limits: Limits
    observed: np.ndarray  # observed values in each period
    rule: np.ndarray  # 0 for none, else 1 + an index into RULES
    signal: np.ndarray  # +1 high, -1 low, 0 none
    point_type: np.ndarray  # index into POINT_TYPES, -1 where the value is missing

    @property
    def period(self) -> np.ndarray:
        """Each row's period number within its series."""
        return self.periods.spread(self.numbers)

    def per_row(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """A per-period limit ("mean", "lpl", "upl") on every row (or rows start to stop)."""
        return self.periods.spread(getattr(self.limits, name), start, stop)

    def short_periods(self, minimum: int = MINIMUM_POINTS) -> pd.DataFrame:
        """As ``short_periods`` on ``points_frame(self)``."""
        data = self.data
        return _short_table(
            self.periods,
            self.observed,
            self.numbers,
            _starts(data.series_codes),
            minimum,
            series_at=None if data.series_names is None else _series_at(data),
            dates_at=lambda rows: _take(data.dates, rows),
        )


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
    data = prepare(df, improvement)
    return points_frame(charts(data, fix_after=fix_after, screen_outliers=screen_outliers))


def prepare(df: pd.DataFrame, improvement: str = "increase") -> Prepared:
    """Check, code and sort a long table as ``xmr`` takes it (``ValueError`` if unusable)."""
    _check_options(improvement, None)
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
    return prepare_arrays(
        series_codes=codes,
        series_names=names,
        date_key=_date_key(df["date"]),
        dates=df["date"].reset_index(drop=True),
        values=_numbers(df["value"], "value"),
        target=_numbers(df["target"], "target") if "target" in df.columns else None,
        rebase=_rebases(df),
        improvement=_improvements(df, IMPROVEMENTS[improvement]),
    )


def prepare_arrays(
    *,
    series_codes: np.ndarray,
    series_names: pd.Index | None,
    date_key: np.ndarray,
    dates: pd.Series,
    values: np.ndarray,
    target: np.ndarray | None,
    rebase: np.ndarray,
    improvement: np.ndarray,
) -> Prepared:
    """Sort coded columns by series and date and check them (``ValueError`` if unusable).

    ``series_codes`` index ``series_names`` (None: one series) in the order the output should
    take; ``date_key`` orders the dates; ``rebase`` is 0 or 1 and ``improvement`` -1, 0 or +1.
    """
    codes, key = series_codes, date_key
    same_series = codes[1:] == codes[:-1]
    in_order = (codes[1:] > codes[:-1]) | (same_series & (key[1:] > key[:-1]))
    order = None
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
        where = f" in series {series_names[codes[first]]!r}" if series_names is not None else ""
        raise ValueError(
            f"date {dates.iloc[first]} appears more than once{where} "
            f"({int(repeated.sum())} repeated dates in all)"
        )
    changed = same_series & (improvement[1:] != improvement[:-1])
    if changed.any():
        first = int(np.flatnonzero(changed)[0]) + 1
        where = (
            f"series {series_names[codes[first]]!r}" if series_names is not None else "the series"
        )
        raise ValueError(f"improvement must be the same on every row of {where}")
    return Prepared(codes, series_names, dates, values, target, rebase, improvement, order)


def charts(data: Prepared, *, fix_after: int | None = None, screen_outliers: bool = True) -> Charts:
    """Limits, rules and point types for prepared input, a grid of similar periods at a time."""
    parts = charts_in_parts(data, fix_after=fix_after, screen_outliers=screen_outliers)
    return list(parts)[-1][0]


def charts_in_parts(
    data: Prepared,
    *,
    fix_after: int | None = None,
    screen_outliers: bool = True,
    rows: int = PART_ROWS,
) -> Iterator[tuple[Charts, int]]:
    """As ``charts``, about ``rows`` rows at a time: yields the charts being filled in and how
    many of the first rows are done, so that a caller can write them while the rest are
    computed. The last part yields every row."""
    _check_options("increase", fix_after)
    n = len(data)
    values = data.values
    series_start = _starts(data.series_codes)
    periods = Groups.from_starts(series_start | (data.rebase != 0))
    starts, sizes = periods.starts, periods.sizes
    missing = np.isnan(values)
    observed = sizes - periods.total(missing)
    improvement = data.improvement[starts]
    per_period = {name: np.full(periods.count, np.nan) for name in Limits.__dataclass_fields__}
    result = Charts(
        data=data,
        periods=periods,
        numbers=_period_numbers(series_start[starts], data.rebase[starts]),
        limits=Limits(**per_period),
        observed=observed,
        rule=np.zeros(n, dtype=np.int8),
        signal=np.zeros(n, dtype=np.int8),
        point_type=np.full(n, -1, dtype=np.int8),
    )
    # Parts end where a period starts: no rule reaches across periods.
    ends = np.unique(np.append(np.searchsorted(starts, np.arange(rows, n, rows)), periods.count))
    first = 0
    for last in ends:
        part = np.arange(first, last)
        for chosen in _grid_batches(sizes[part]):
            chosen = part[chosen]
            grid, cells = _grid(values, starts[chosen], sizes[chosen])
            limits = process_limits(grid, fix_after=fix_after, screen_outliers=screen_outliers)
            for name in per_period:
                per_period[name][chosen] = getattr(limits, name)
            # The rules run over observed values only: a missing value neither breaks nor
            # extends a run. In the few periods with gaps, move the observed values up.
            gaps = np.flatnonzero(observed[chosen] < sizes[chosen])
            if len(gaps):
                grid[:, gaps], cells[:, gaps] = _close_gaps(grid[:, gaps], cells[:, gaps])
            _store(result, grid, cells, *rules.special_causes(grid, limits), improvement[chosen])
        first = last
        yield result, int(starts[last] if last < periods.count else n)


def _store(result: Charts, grid, rows, *flags_and_improvement) -> None:
    """Put a grid's rules, signals and point types on the rows they came from."""
    *flags, improvement = flags_and_improvement
    grid_rule, grid_signal = special_cause(*flags)
    grid_kind = point_type(grid_signal, improvement)
    observed = ~np.isnan(grid)  # neither missing nor after a period's end
    if observed.all():
        target, observed = rows.ravel(), slice(None)
        grid_rule, grid_signal, grid_kind = (a.ravel() for a in (grid_rule, grid_signal, grid_kind))
    else:
        target = rows[observed]
    result.rule[target] = grid_rule[observed]
    result.signal[target] = grid_signal[observed]
    result.point_type[target] = grid_kind[observed]


def points_frame(result: Charts, rows: np.ndarray | None = None) -> pd.DataFrame:
    """One row per point, as ``xmr`` returns it (only the points at ``rows`` if given)."""
    data = result.data

    def pick(values: np.ndarray) -> np.ndarray:
        return values if rows is None else values[rows]

    columns: dict[str, object] = {}
    if data.series_names is not None:
        columns["series"] = _labels(pick(data.series_codes), pd.CategoricalDtype(data.series_names))
    columns["date"] = data.dates if rows is None else data.dates.iloc[rows].reset_index(drop=True)
    columns["value"] = pick(data.values)
    if data.target is not None:
        columns["target"] = pick(data.target)
    columns["improvement"] = _labels(pick(data.improvement) + 1, _IMPROVEMENT)
    if rows is None:
        columns["period"] = result.period
        for name in ("mean", "lpl", "upl"):
            columns[name] = result.per_row(name)
    else:
        block = result.periods.block_of(rows)
        columns["period"] = result.numbers[block]
        for name in ("mean", "lpl", "upl"):
            columns[name] = getattr(result.limits, name)[block]
    rule = pick(result.rule)
    columns["special_cause"] = rule > 0
    columns["point_type"] = _labels(pick(result.point_type), _POINT_TYPE)
    columns["rule"] = _labels(rule - 1, _RULE)
    signal = pick(result.signal)
    columns["signal"] = _labels(np.where(signal == 0, -1, (signal + 1) // 2), _SIGNAL)
    return pd.DataFrame(columns)


def summarise(points: pd.DataFrame) -> pd.DataFrame:
    """One row per series from the output of ``xmr`` (which must keep its order).

    ``points`` counts the series' observed values and ``periods`` its periods; ``mean``,
    ``lpl`` and ``upl`` are the latest period's; ``variation`` is the point type of the latest
    observed point; ``target`` is the latest target given; ``assurance`` compares it with the
    latest limits (missing when there is no target or improvement is neutral).
    """
    codes = _series_codes(points)
    series = Groups.from_starts(_starts(codes))
    if len(np.unique(codes)) != series.count:
        raise ValueError("points must be sorted by series, as xmr returns them")
    period = points["period"].to_numpy()

    def limits_at(rows: np.ndarray) -> dict[str, np.ndarray]:
        return {c: points[c].to_numpy(dtype=float)[rows] for c in ("mean", "lpl", "upl")}

    return _summary_table(
        series,
        observed=~np.isnan(points["value"].to_numpy(dtype=float)),
        period_at=lambda rows: period[rows],
        type_codes=points["point_type"].cat.codes.to_numpy(),
        improvement=points["improvement"].cat.codes.to_numpy().astype(np.int8) - 1,
        targets=points["target"].to_numpy(dtype=float) if "target" in points.columns else None,
        limits_at=limits_at,
        series_at=(
            (lambda rows: points["series"].iloc[rows].to_numpy())
            if "series" in points.columns
            else None
        ),
    )


def summary_frame(result: Charts) -> pd.DataFrame:
    """As ``summarise(points_frame(result))``, without building the points."""
    data = result.data
    series = Groups.from_starts(_starts(data.series_codes))
    periods = result.periods

    def limits_at(rows: np.ndarray) -> dict[str, np.ndarray]:
        block = periods.block_of(rows)
        return {c: getattr(result.limits, c)[block] for c in ("mean", "lpl", "upl")}

    return _summary_table(
        series,
        observed=~np.isnan(data.values),
        period_at=lambda rows: result.numbers[periods.block_of(rows)],
        type_codes=result.point_type,
        improvement=data.improvement,
        targets=data.target,
        limits_at=limits_at,
        series_at=None if data.series_names is None else _series_at(data),
    )


def short_periods(points: pd.DataFrame, minimum: int = MINIMUM_POINTS) -> pd.DataFrame:
    """Periods with fewer than ``minimum`` observed values: series, period, start, points.

    ``whole_series`` is True when the period is the series' only period.

    NHSRplotthedots calls limits from fewer than 12 points "trial limits" that will become more
    reliable as data is added; it warns rather than refusing.
    """
    codes = _series_codes(points)
    period = points["period"].to_numpy()
    series_start = _starts(codes)
    blocks = Groups.from_starts(series_start | (period != lag(period, 1, -1)))
    return _short_table(
        blocks,
        blocks.total(points["value"].notna().to_numpy()),
        period[blocks.starts],
        series_start,
        minimum,
        series_at=(
            (lambda rows: points["series"].iloc[rows].to_numpy())
            if "series" in points.columns
            else None
        ),
        dates_at=lambda rows: points["date"].iloc[rows].to_numpy(),
    )


# --- internals ---------------------------------------------------------------------------


def _summary_table(
    series: Groups,
    *,
    observed: np.ndarray,
    period_at,
    type_codes: np.ndarray,
    improvement: np.ndarray,
    targets: np.ndarray | None,
    limits_at,
    series_at,
) -> pd.DataFrame:
    first, last = series.starts, series.ends()
    latest = last_present(observed, series)
    columns: dict[str, object] = {}
    if series_at is not None:
        columns["series"] = series_at(last)
    columns["points"] = series.total(observed)
    columns["periods"] = period_at(last) - period_at(first) + 1
    limits = limits_at(last)
    columns.update(limits)
    columns["variation"] = _labels(
        np.where(latest >= 0, type_codes[np.maximum(latest, 0)], -1), _POINT_TYPE
    )
    latest_improvement = improvement[last].astype(np.int8)
    if targets is not None:
        latest_target = last_present(~np.isnan(targets), series)
        target = np.where(latest_target >= 0, targets[np.maximum(latest_target, 0)], np.nan)
    else:
        target = np.full(series.count, np.nan)
    columns["target"] = target
    columns["improvement"] = _labels(latest_improvement + 1, _IMPROVEMENT)
    columns["assurance"] = _labels(
        assurance(target, limits["lpl"], limits["upl"], latest_improvement), _ASSURANCE
    )
    return pd.DataFrame(columns)


def _short_table(
    blocks: Groups,
    counts: np.ndarray,
    numbers: np.ndarray,
    series_start: np.ndarray,
    minimum: int,
    *,
    series_at,
    dates_at,
) -> pd.DataFrame:
    short = np.flatnonzero(counts < minimum)
    first = blocks.starts[short]
    result: dict[str, object] = {}
    if series_at is not None:
        result["series"] = series_at(first)
    result["period"] = numbers[short]
    result["start"] = dates_at(first)
    result["points"] = np.asarray(counts)[short].astype(np.int64)
    next_block = np.minimum(short + 1, blocks.count - 1)
    last_block = (short == blocks.count - 1) | series_start[blocks.starts[next_block]]
    result["whole_series"] = series_start[first] & last_block
    return pd.DataFrame(result)


def _series_at(data: Prepared):
    names = np.asarray(data.series_names, dtype=object)
    return lambda rows: names[data.series_codes[rows]]


def _take(dates, rows: np.ndarray) -> np.ndarray:
    return dates.iloc[rows].to_numpy() if isinstance(dates, pd.Series) else np.asarray(dates)[rows]


def _starts(codes: np.ndarray) -> np.ndarray:
    """True on the first row of each series."""
    starts = np.empty(len(codes), dtype=bool)
    starts[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=starts[1:])
    return starts


def _grid_batches(sizes: np.ndarray, slack: float = 1.25, cells: int | None = None):
    """Periods in batches of similar length, each small enough for one grid.

    Each batch's grid is as long as its longest period; a period is batched only with periods
    at least 1 / ``slack`` as long (or at most 8 shorter), so padding wastes little space.
    """
    if not len(sizes):
        return
    lengths = np.unique(sizes)
    edges = []
    shortest = lengths[0]
    for length in lengths[1:]:
        if length > max(shortest * slack, shortest + 8):
            edges.append(length)
            shortest = length
    if not edges:
        groups = [np.arange(len(sizes))]
    else:
        batch = np.searchsorted(np.array(edges), sizes, side="right")
        order = np.argsort(batch, kind="stable")
        groups = np.split(order, np.cumsum(np.bincount(batch))[:-1])
    for group in groups:
        if not len(group):
            continue
        width = max(int(sizes[group].max()), 1)
        step = max((cells or GRID_CELLS) // width, 1)
        for start in range(0, len(group), step):
            yield group[start : start + step]


def _grid(source: np.ndarray, starts: np.ndarray, sizes: np.ndarray):
    """Blocks of ``source`` side by side (time x blocks), NaN after each block's end; and the
    row of ``source`` in each cell (meaningless after a block's end)."""
    width = int(sizes.max()) if len(sizes) else 0
    offset = np.arange(width)[:, None]
    rows = starts + offset
    if (sizes == width).all():
        return source[rows], rows
    grid = source[np.minimum(rows, len(source) - 1)]
    grid[offset >= sizes] = np.nan
    return grid, rows


def _close_gaps(grid: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed values moved up each column, in order, with missing ones after them."""
    order = np.argsort(np.isnan(grid), axis=0, kind="stable")
    return np.take_along_axis(grid, order, axis=0), np.take_along_axis(rows, order, axis=0)


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


def _period_numbers(series_start: np.ndarray, rebase: np.ndarray) -> np.ndarray:
    """Each period's number within its series, from whether it starts a series and whether its
    first row is marked as a rebase: as R's ``cumsum(rebase)`` within a series, 0 until the
    first rebase, then 1, and so on."""
    total = np.cumsum(rebase, dtype=np.int64)
    first = np.maximum.accumulate(np.where(series_start, np.arange(len(rebase)), 0))
    return total - total[first] + rebase[first]


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
