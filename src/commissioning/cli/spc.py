"""``commissioning spc``: Making Data Count XmR charts (statistical process control) for a table.

Reads a long table (series, date, value, optional target, rebase and improvement), writes one
row per point with its mean, process limits and point type, and optionally one row per series
with the latest variation and assurance. See docs/guide/spc.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from commissioning.analytics.spc import short_periods, summarise, xmr
from commissioning.analytics.spc.limits import MINIMUM_FIX_AFTER
from commissioning.analytics.spc.point_type import IMPROVEMENTS
from commissioning.errors import InputError, Problem, UserError, located
from commissioning.tables import display_name, read_table, require_columns, to_number, write_table

OUTPUT_COLUMNS = ["series", "date", "value", "mean", "lpl", "upl", "special_cause", "point_type"]
SUMMARY_COLUMNS = ["series", "points", "mean", "lpl", "upl", "variation", "assurance"]
MAX_PROBLEMS = 20
MAX_WARNINGS = 10
REBASE_WORDS = {"": 0, "0": 0, "1": 1, "false": 0, "true": 1, "no": 0, "yes": 1}


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
    name = display_name(args.input)
    table = read_table(args.input)
    if table.empty:
        raise located(name, None, None, "has no data rows (expected one row per series and date)")
    require_columns(table, ["date", "value"], name)
    frame = _validated(table, name, args.improvement)
    try:
        points = xmr(
            frame,
            improvement=args.improvement,
            fix_after=args.fix_after,
            screen_outliers=args.screen_outliers,
        )
    except ValueError as exc:  # the checks above should have caught everything
        raise located(name, None, None, str(exc)) from None
    _warn_short(points)
    _write(points, OUTPUT_COLUMNS, args.output)
    if args.summary is not None:
        _write(summarise(points), SUMMARY_COLUMNS, args.summary)
    return 0


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


# --- warnings and output -----------------------------------------------------------------


def _warn_short(points: pd.DataFrame) -> None:
    short = short_periods(points)
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
    write_table(out, path, fmt=fmt)


def _dates_out(dates: pd.Series, fmt: str) -> pd.Series:
    whole_days = (dates == dates.dt.normalize()).all()
    if fmt == "parquet":
        return dates.dt.date if whole_days else dates
    if whole_days:
        return dates.dt.strftime("%Y-%m-%d")
    return dates.dt.strftime("%Y-%m-%dT%H:%M:%S")
