"""``commissioning spc``: Making Data Count XmR charts (statistical process control) for a table.

Reads a long table (series, date, value, optional target, rebase and improvement), writes one
row per point with its mean, process limits and point type, and optionally one row per series
with the latest variation and assurance. See docs/guide/spc.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from commissioning.analytics.spc.engine import (
    Charts,
    Prepared,
    charts_in_parts,
    points_frame,
    prepare,
    prepare_arrays,
    summary_frame,
)
from commissioning.analytics.spc.limits import MINIMUM_FIX_AFTER
from commissioning.analytics.spc.point_type import IMPROVEMENTS, POINT_TYPES
from commissioning.arrow_tables import (
    CHUNK_ROWS,
    float_text,
    needs_quotes,
    read_arrow,
    words_at,
    write_csv_columns,
    write_parquet,
)
from commissioning.errors import InputError, Problem, UserError, located
from commissioning.tables import (
    display_name,
    read_table,
    require_columns,
    safe_text,
    to_number,
    write_table,
)

OUTPUT_COLUMNS = ["series", "date", "value", "mean", "lpl", "upl", "special_cause", "point_type"]
SUMMARY_COLUMNS = ["series", "points", "mean", "lpl", "upl", "variation", "assurance"]
MAX_PROBLEMS = 20
MAX_WARNINGS = 10
REBASE_WORDS = {"": 0, "0": 0, "1": 1, "false": 0, "true": 1, "no": 0, "yes": 1}
# Tables of this many rows or more report progress on standard error.
PROGRESS_ROWS = 10_000_000


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "spc",
        help="statistical process control (Making Data Count XmR charts)",
        description=(
            "Compute Making Data Count XmR charts, as NHSRplotthedots does by default: mean, "
            "process limits and special-cause flags for every point of every series."
        ),
    )
    parser.add_argument(
        "input",
        metavar="INPUT",
        help="CSV or Parquet file ('-' for standard input) with columns date and value, and "
        "optionally series, target, rebase (1 on the first point of a new period) and "
        "improvement",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help="where to write one row per point (.csv, .parquet or .json); standard output if "
        "not given",
    )
    parser.add_argument(
        "--summary",
        metavar="FILE",
        help="also write one row per series: latest limits, variation and assurance",
    )
    parser.add_argument(
        "--improvement",
        choices=list(IMPROVEMENTS),
        default="increase",
        help="which way is better, for series without an improvement column value "
        "(default: increase)",
    )
    parser.add_argument(
        "--fix-after",
        metavar="N",
        type=_fix_after,
        help=f"compute each period's limits from its first N points only ({MINIMUM_FIX_AFTER} "
        "or more)",
    )
    parser.add_argument(
        "--no-screen-outliers",
        dest="screen_outliers",
        action="store_false",
        help="keep large moving ranges when computing limits, as the Making Data Count Excel "
        "tools do",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if _is_stdout(args.output) and args.summary is not None and _is_stdout(args.summary):
        raise UserError("the points and the summary cannot both go to standard output")
    progress = _Progress(args.input)
    data = _read(args)
    progress.rows(len(data), data.series_names)
    computing = _Computing(data, args)
    _write_points(computing, args.output, progress)
    result = computing.finish()
    progress.say("computed the charts and wrote the points")
    _warn_short(result.short_periods())
    if args.summary is not None:
        _write(summary_frame(result), SUMMARY_COLUMNS, args.summary)
    progress.say("done")
    return 0


class _Computing:
    """The charts, computed a part at a time as writing the points needs them (so that both
    cores are busy: one computing, one writing)."""

    def __init__(self, data: Prepared, args: argparse.Namespace) -> None:
        self.name = display_name(args.input)
        self.parts = charts_in_parts(
            data, fix_after=args.fix_after, screen_outliers=args.screen_outliers
        )
        self.result, self.ready = self._next()

    def upto(self, row: int) -> Charts:
        """The charts, with at least the first ``row`` rows done."""
        while self.ready < row:
            self.result, self.ready = self._next()
        return self.result

    def finish(self) -> Charts:
        return self.upto(len(self.result.data))

    def _next(self) -> tuple[Charts, int]:
        try:
            return next(self.parts)
        except ValueError as exc:  # the checks should have caught everything
            raise located(self.name, None, None, str(exc)) from None


# --- reading -----------------------------------------------------------------------------


def _read(args: argparse.Namespace) -> Prepared:
    """The input checked and sorted: quickly when it is clean, else through ``_validated``,
    which reports every problem with its row and column."""
    name = display_name(args.input)
    table = read_arrow(args.input, dictionary=("series", "improvement"))
    frame = None
    if table is None:
        frame = read_table(args.input)
        table = _arrow(frame)
    data = None
    if table is not None:
        # Handed over as columns, each let go once converted: a million series' input is
        # never held twice.
        columns = {name: table.column(name) for name in table.column_names}
        columns = None if len(columns) != table.num_columns else columns
        rows, table = table.num_rows, None
        data = _fast_prepare(columns, rows, args.improvement) if columns else None
    if data is not None:
        return data
    if frame is None:
        frame = read_table(args.input)
    if frame.empty:
        raise located(name, None, None, "has no data rows (expected one row per series and date)")
    require_columns(frame, ["date", "value"], name)
    checked = _validated(frame, name, args.improvement)
    try:
        return prepare(checked, args.improvement)
    except ValueError as exc:  # the checks above should have caught everything
        raise located(name, None, None, str(exc)) from None


# --- options -----------------------------------------------------------------------------


def _fix_after(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found '{text}'") from None
    if number < MINIMUM_FIX_AFTER:
        raise argparse.ArgumentTypeError(
            f"expected {MINIMUM_FIX_AFTER} or more (limits need at least {MINIMUM_FIX_AFTER} "
            f"points), found {number}"
        )
    return number


# --- checking the input ------------------------------------------------------------------


def _validated(table: pd.DataFrame, name: str, default_improvement: str) -> pd.DataFrame:
    """Convert and check every column, reporting all located problems together."""
    problems: list[Problem] = []
    more = 0
    frame = pd.DataFrame(index=table.index)

    def collect(convert, *convert_args):
        nonlocal more
        try:
            return convert(*convert_args)
        except InputError as exc:
            problems.extend(exc.problems)
            more += exc.more
            return None

    if "series" in table.columns:
        frame["series"] = collect(_series, table, name)
    frame["date"] = collect(_dates, table, name)
    frame["value"] = collect(
        lambda: to_number(table, "value", name, required=False, limit=MAX_PROBLEMS)
    )
    if "target" in table.columns:
        frame["target"] = collect(
            lambda: to_number(table, "target", name, required=False, limit=MAX_PROBLEMS)
        )
    if "rebase" in table.columns:
        frame["rebase"] = collect(_rebase, table, name)
    if "improvement" in table.columns:
        frame["improvement"] = collect(_improvement, table, name, default_improvement)
    if not problems:
        collect(_repeated_dates, frame, name)
    if not problems and "improvement" in frame.columns:
        collect(_mixed_improvement, frame, name)
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        extra = max(0, len(problems) - MAX_PROBLEMS)
        raise InputError(problems[:MAX_PROBLEMS], more=more + extra)
    return frame


def _text(column: pd.Series) -> pd.Series:
    return column.astype("string").str.strip().fillna("")


def _located(name: str, rows, column: str, message) -> InputError:
    rows = list(rows)
    problems = [Problem(name, int(i) + 2, column, message(i)) for i in rows[:MAX_PROBLEMS]]
    return InputError(problems, more=max(0, len(rows) - MAX_PROBLEMS))


def _series(table: pd.DataFrame, name: str) -> pd.Series:
    text = _text(table["series"])
    blank = text == ""
    if blank.any():
        raise _located(
            name, blank[blank].index, "series", lambda i: "expected a series name, found nothing"
        )
    return text


def _dates(table: pd.DataFrame, name: str) -> pd.Series:
    raw = table["date"]
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw
        if getattr(dates.dt, "tz", None) is not None:
            dates = dates.dt.tz_localize(None)
        bad = dates.isna()
        text = pd.Series("", index=raw.index)
    else:
        text = _text(raw)
        dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
        british = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
        dates = dates.fillna(british)
        bad = dates.isna()
    if bad.any():

        def message(i):
            found = text[i]
            if found == "":
                return "expected a date such as 2024-04-01, found nothing"
            return f"expected a date such as 2024-04-01 or 01/04/2024, found '{found}'"

        raise _located(name, bad[bad].index, "date", message)
    return dates.astype("datetime64[ns]")


def _rebase(table: pd.DataFrame, name: str) -> pd.Series:
    text = _text(table["rebase"]).str.lower().str.replace(r"\.0+$", "", regex=True)
    marks = text.map(REBASE_WORDS)
    bad = marks.isna()
    if bad.any():
        raise _located(
            name,
            bad[bad].index,
            "rebase",
            lambda i: (
                "expected 1 on the first point of a new period, or 0 or nothing, found "
                f"'{table['rebase'][i]}'"
            ),
        )
    return marks.astype(np.int8)


def _improvement(table: pd.DataFrame, name: str, default: str) -> pd.Series:
    text = _text(table["improvement"]).str.lower()
    bad = (text != "") & ~text.isin(list(IMPROVEMENTS))
    if bad.any():
        raise _located(
            name,
            bad[bad].index,
            "improvement",
            lambda i: f"expected increase, decrease or neutral, found '{table['improvement'][i]}'",
        )
    return text.where(text != "", default)


def _keys(frame: pd.DataFrame) -> list[str]:
    return ["series", "date"] if "series" in frame.columns else ["date"]


def _repeated_dates(frame: pd.DataFrame, name: str) -> None:
    keys = _keys(frame)
    repeated = frame.duplicated(keys, keep="first")
    if not repeated.any():
        return
    first_row = frame.reset_index().groupby(keys, sort=False)["index"].transform("first")
    first_row.index = frame.index

    def message(i) -> str:
        where = f" of series '{frame['series'][i]}'" if "series" in frame.columns else ""
        return (
            f"expected each date once per series, but {_date_text(frame['date'][i])}{where} "
            f"is also on row {int(first_row[i]) + 2}"
        )

    raise _located(name, repeated[repeated].index, "date", message)


def _mixed_improvement(frame: pd.DataFrame, name: str) -> None:
    if "series" not in frame.columns:
        first = pd.Series(frame["improvement"].iloc[0], index=frame.index)
    else:
        first = frame.groupby("series", sort=False)["improvement"].transform("first")
    mixed = frame["improvement"] != first
    if not mixed.any():
        return

    def message(i) -> str:
        where = f"series '{frame['series'][i]}'" if "series" in frame.columns else "the series"
        return (
            f"expected the same improvement on every row of {where} ('{first[i]}'), "
            f"found '{frame['improvement'][i]}'"
        )

    raise _located(name, mixed[mixed].index, "improvement", message)


# --- checking the input quickly ---------------------------------------------------------
#
# A clean table of millions of rows is checked column by column on its distinct values, with the
# same functions as above (each judges a cell on its own), and numbers are converted by Arrow
# when they are plain decimals. Anything else (a problem to report, an unusual type, a date
# written another way, a number with a thousands separator or a leading minus on zero) gives up
# and leaves the table to ``_validated``, so the result and the messages never depend on the
# path taken.


class _Slow(Exception):
    """The quick check cannot vouch for this table: use ``_validated``."""


_PLAIN_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?|\d{2}/\d{2}/\d{4}")
_PLAIN_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]+)?$"
_NS_PER_DAY = 86_400_000_000_000
_NS_DAYS = 106_751  # days either side of 1970 that nanoseconds since then can count


def _arrow(frame: pd.DataFrame) -> pa.Table | None:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _fast_prepare(
    columns: dict[str, pa.ChunkedArray], n: int, default_improvement: str
) -> Prepared | None:
    """The prepared input, or None if ``_validated`` must look at it. Takes the columns out of
    ``columns`` as it converts them."""
    if n == 0 or "date" not in columns or "value" not in columns:
        return None
    try:
        if "series" in columns:
            codes, series_names = _fast_series(columns.pop("series"))
        else:
            codes, series_names = np.zeros(n, dtype=np.int64), None
        dates = _fast_dates(columns.pop("date"))
        values = _fast_numbers(columns.pop("value"), "value")
        target = _fast_numbers(columns.pop("target"), "target") if "target" in columns else None
        rebase = (
            _fast_rebase(columns.pop("rebase"))
            if "rebase" in columns
            else np.zeros(n, dtype=np.int8)
        )
        default = IMPROVEMENTS[default_improvement]
        improvement = (
            _fast_improvement(columns.pop("improvement"), default_improvement)
            if "improvement" in columns
            else np.full(n, default, dtype=np.int8)
        )
        return prepare_arrays(
            series_codes=codes,
            series_names=series_names,
            date_key=dates.view(np.int64),
            dates=pd.Series(dates, copy=False),
            values=values,
            target=target,
            rebase=rebase,
            improvement=improvement,
        )
    except (_Slow, InputError, ValueError):
        return None


def _distinct(column: pa.ChunkedArray, name: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's index into a table of the column's distinct values (a missing value last,
    when there is one), as pandas would read them."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    chunks = column.chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), pd.DataFrame({name: pd.Series([], dtype=object)})
    dictionary = chunks[0].dictionary
    if any(not c.dictionary.equals(dictionary) for c in chunks[1:]):
        column = pa.table({"x": column}).unify_dictionaries().column("x")
        chunks = column.chunks
        dictionary = chunks[0].dictionary
    missing = len(dictionary)
    if column.null_count:
        dictionary = pa.concat_arrays([dictionary, pa.nulls(1, dictionary.type)])
    index = np.concatenate(
        [
            (pc.fill_null(c.indices, missing) if c.null_count else c.indices).to_numpy()
            for c in chunks
        ]
    )
    return index, pd.DataFrame({name: dictionary.to_pandas()})


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _fast_series(column: pa.ChunkedArray) -> tuple[np.ndarray, pd.Index]:
    if column.null_count or not (_is_text(column.type) or pa.types.is_integer(column.type)):
        raise _Slow
    index, distinct = _distinct(column, "series")
    names = _series(distinct, "")
    codes, sorted_names = pd.factorize(names, sort=True)
    if np.array_equal(codes, np.arange(len(codes))):
        return index, pd.Index(sorted_names)  # already distinct, trimmed and in order
    return codes.astype(np.int32)[index], pd.Index(sorted_names)


def _fast_dates(column: pa.ChunkedArray) -> np.ndarray:
    kind = column.type
    if column.null_count:
        raise _Slow
    if pa.types.is_date32(kind):
        days = np.asarray(column.to_numpy(), dtype="datetime64[D]").view(np.int64)
        if len(days) and days.min() > -_NS_DAYS and days.max() < _NS_DAYS:
            # what _dates makes of a date: its midnight, in nanoseconds
            if not days.flags.writeable:
                days = days.copy()
            days *= _NS_PER_DAY
            return days.view("datetime64[ns]")
    if _is_text(kind):
        index, distinct = _distinct(column, "date")
        text = distinct["date"].astype("string").str.strip()
        if not all(_PLAIN_DATE.fullmatch(t) for t in text):
            raise _Slow
    elif pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        index, distinct = _distinct(column, "date")
    else:
        raise _Slow
    return _dates(distinct, "").to_numpy(dtype="datetime64[ns]")[index]


def _fast_numbers(column: pa.ChunkedArray, name: str) -> np.ndarray:
    kind = column.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        if column.null_count:
            return column.to_pandas().to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(column.to_numpy(), dtype=float)
    if not _is_text(kind):
        raise _Slow
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
    plain = pc.fill_null(pc.match_substring_regex(column, _PLAIN_NUMBER), True)
    plain = plain.to_numpy(zero_copy_only=False)
    values = pc.cast(column, pa.float64(), safe=False) if plain.all() else None
    if values is None:
        kept = pc.if_else(pa.chunked_array([pa.array(plain)]), column, pa.scalar(None, column.type))
        values = pc.cast(kept, pa.float64())
    numbers = values.to_numpy(zero_copy_only=False)
    if numbers.dtype != np.float64:
        numbers = numbers.astype(np.float64)
    if not plain.all():
        rows = np.flatnonzero(~plain)
        cells = column.take(pa.array(rows)).to_pandas()
        cells.index = rows
        others = pd.DataFrame({name: cells})
        numbers = numbers.copy()
        numbers[rows] = to_number(others, name, "", required=False, limit=MAX_PROBLEMS)
    if np.signbit(numbers[numbers == 0]).any():
        raise _Slow  # "-0": pandas reads it as 0 or -0.0 depending on the rest of the column
    return numbers


def _fast_rebase(column: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_integer(column.type) and not column.null_count and len(column):
        lowest, highest = pc.min_max(column).values()
        if lowest.as_py() >= 0 and highest.as_py() <= 1:
            return column.cast(pa.int8()).to_numpy()
    if not (_is_text(column.type) or pa.types.is_integer(column.type)):
        raise _Slow
    index, distinct = _distinct(column, "rebase")
    return _rebase(distinct, "").to_numpy(dtype=np.int8)[index]


def _fast_improvement(column: pa.ChunkedArray, default: str) -> np.ndarray:
    if not _is_text(column.type):
        raise _Slow
    index, distinct = _distinct(column, "improvement")
    words = _improvement(distinct, "", default)
    return np.array([IMPROVEMENTS[w] for w in words], dtype=np.int8)[index]


# --- warnings and output -----------------------------------------------------------------


def _warn_short(short: pd.DataFrame) -> None:
    for row in short.head(MAX_WARNINGS).itertuples(index=False):
        series = f"series '{row.series}'" if "series" in short.columns else "the series"
        after = "" if row.whole_series else f" in the period from {_date_text(row.start)}"
        points = "1 point" if row.points == 1 else f"{row.points} points"
        print(
            f"commissioning spc: warning: {series} has only {points}{after}; "
            f"limits from fewer than 12 points are provisional",
            file=sys.stderr,
        )
    if len(short) > MAX_WARNINGS:
        print(
            f"commissioning spc: warning: ... and {len(short) - MAX_WARNINGS} more series or "
            "periods with fewer than 12 points",
            file=sys.stderr,
        )


def _date_text(value) -> str:
    stamp = pd.Timestamp(value)
    if stamp == stamp.normalize():
        return stamp.strftime("%Y-%m-%d")
    return stamp.isoformat()


def _is_stdout(path) -> bool:
    return path is None or str(path) == "-"


def _format(path) -> str:
    if _is_stdout(path):
        return "csv"
    suffix = Path(path).suffix.lower()
    return {".parquet": "parquet", ".pq": "parquet", ".json": "json"}.get(suffix, "csv")


def _write(frame: pd.DataFrame, columns: list[str], path) -> None:
    fmt = _format(path)
    write_table(_output_frame(frame, columns, fmt), path, fmt=fmt)


def _output_frame(frame: pd.DataFrame, columns: list[str], fmt: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        if column == "series" and column not in frame.columns:
            out[column] = ""
            continue
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object).where(values.notna(), None)
        if column == "date":
            values = _dates_out(values, fmt)
        elif column == "special_cause" and fmt == "csv":
            values = values.map({True: "true", False: "false"})
        out[column] = values
    return out


def _dates_out(dates: pd.Series, fmt: str) -> pd.Series:
    whole_days = (dates == dates.dt.normalize()).all()
    if fmt == "parquet":
        return dates.dt.date if whole_days else dates
    if whole_days:
        return dates.dt.strftime("%Y-%m-%d")
    return dates.dt.strftime("%Y-%m-%dT%H:%M:%S")


def _write_points(computing: _Computing, path, progress: _Progress) -> None:
    """Write the points as ``_write(points_frame(result), OUTPUT_COLUMNS, path)`` would, a
    million rows at a time as they are computed, without building every cell in Python."""
    fmt = _format(path)
    result = computing.result
    data = result.data
    if pd.api.types.is_datetime64_any_dtype(data.dates):
        if fmt == "csv":
            columns = _csv_columns(result)
            if columns is not None:

                def before(stop: int) -> None:
                    computing.upto(stop)
                    progress.part("writing the points", stop, len(data))

                write_csv_columns(OUTPUT_COLUMNS, columns, len(data), path, before=before)
                return
        if fmt == "parquet":
            first = np.flatnonzero(~np.isnan(data.values))[:1]
            if len(first) and _whole_days(data.dates):
                computing.upto(int(first[0]) + 1)
                sample = _output_frame(points_frame(result, first), OUTPUT_COLUMNS, fmt)
                schema = pa.Schema.from_pandas(sample, preserve_index=False)
                write_parquet(_parquet_chunks(computing, schema, progress), schema, path)
                return
    _write(points_frame(computing.finish()), OUTPUT_COLUMNS, path)


def _whole_days(dates: pd.Series) -> bool:
    distinct = pd.Series(pd.unique(dates))
    return bool((distinct == distinct.dt.normalize()).all())


def _csv_columns(result: Charts):
    """For each output column, the text ``_output_frame(..., "csv")`` and ``to_csv`` give rows
    start to stop (None if a series name would need quotes: pandas then writes the file)."""
    data = result.data
    names = [""] if data.series_names is None else [safe_text(n) for n in data.series_names]
    series = pa.array(np.asarray(names, dtype=object))
    if not (pa.types.is_string(series.type) or pa.types.is_large_string(series.type)):
        return None
    if needs_quotes(series):
        return None
    codes = np.zeros(len(data), dtype=np.int8) if data.series_names is None else data.series_codes
    days = pd.DatetimeIndex(data.dates).asi8
    distinct = np.unique(pd.unique(days))
    date_text = pa.array(_dates_out(pd.Series(distinct.view("datetime64[ns]")), "csv"))
    flags = pa.array(["false", "true"])
    kinds = pa.array(POINT_TYPES)
    return [
        lambda a, b: words_at(series, codes[a:b]),
        lambda a, b: words_at(date_text, np.searchsorted(distinct, days[a:b])),
        lambda a, b: float_text(data.values[a:b]),
        lambda a, b: float_text(result.per_row("mean", a, b)),
        lambda a, b: float_text(result.per_row("lpl", a, b)),
        lambda a, b: float_text(result.per_row("upl", a, b)),
        lambda a, b: words_at(flags, (result.rule[a:b] > 0).view(np.int8)),
        lambda a, b: words_at(kinds, result.point_type[a:b]),
    ]


def _parquet_chunks(computing: _Computing, schema: pa.Schema, progress: _Progress):
    """The points as Arrow tables of ``CHUNK_ROWS`` rows each, typed as ``schema``."""
    result = computing.result
    data = result.data
    n = len(data)
    names = None if data.series_names is None else pa.array(np.asarray(data.series_names, object))
    kinds = pa.array(POINT_TYPES)
    days = pd.DatetimeIndex(data.dates).asi8
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        computing.upto(stop)
        codes = result.point_type[start:stop]
        arrays = [
            pa.array([""] * (stop - start))
            if names is None
            else names.take(data.series_codes[start:stop]),
            pa.array((days[start:stop] // _NS_PER_DAY).astype(np.int32), pa.date32()),
            pa.array(data.values[start:stop], from_pandas=True),
            pa.array(result.per_row("mean", start, stop), from_pandas=True),
            pa.array(result.per_row("lpl", start, stop), from_pandas=True),
            pa.array(result.per_row("upl", start, stop), from_pandas=True),
            pa.array(result.rule[start:stop] > 0),
            kinds.take(pa.array(codes, mask=codes < 0)),
        ]
        arrays = [
            a.cast(f.type) if a.type != f.type else a for a, f in zip(arrays, schema, strict=True)
        ]
        yield pa.Table.from_arrays(arrays, schema=schema)
        progress.part("writing the points", stop, n)


class _Progress:
    """Lines on standard error about a long run (tables of ``PROGRESS_ROWS`` rows or more)."""

    def __init__(self, source) -> None:
        self.start = time.perf_counter()
        self.on = False
        self.shown = -1
        size = 0 if _is_stdout(source) else _size(source)
        if size >= 100_000_000:
            self.on = True
            self.say(f"reading {display_name(source)} ({size / 1e6:,.0f} MB)")

    def rows(self, rows: int, series_names) -> None:
        self.on = self.on or rows >= PROGRESS_ROWS
        series = 1 if series_names is None else len(series_names)
        self.say(f"read and checked {rows:,} rows ({series:,} series)")

    def say(self, message: str) -> None:
        if self.on:
            seconds = time.perf_counter() - self.start
            print(f"commissioning spc: {message} ({seconds:.1f} s)", file=sys.stderr, flush=True)

    def part(self, message: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if tenth > self.shown:
            self.shown = tenth
            self.say(f"{message}: {done:,} of {total:,} rows")


def _size(path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
