"""``commissioning funnel``: funnel plot limits and flags for proportions or standardised ratios.

Reads one row per unit (unit, numerator, denominator; for a ratio the denominator is the
expected count) and writes each unit's value, target, 95% and 99.8% limits at its own
denominator, and a flag. Optional over-dispersion adjustment (multiplicative, or additive random
effects as SHMI). See docs/guide/needs.md.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import OVERDISPERSION
from commissioning.errors import InputError, Problem, UserError, located
from commissioning.tables import (
    display_name,
    read_table,
    require_columns,
    tidy_numbers,
    to_number,
    write_table,
)

COUNT_COLUMNS = ["numerator", "denominator"]

INPUT_COLUMNS = ["unit", "numerator", "denominator"]
OUTPUT_COLUMNS = [
    "unit",
    "numerator",
    "denominator",
    "value",
    "target",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "flag",
]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "funnel",
        help="funnel plot limits and outlier flags (proportions or standardised ratios)",
        description=(
            "Funnel plot control limits (95% and 99.8%) at each unit's denominator, and a flag "
            "per unit: high_998, high_95, within, low_95 or low_998. Proportions use PHE's "
            "method, the normal approximation around the pooled proportion, "
            "p ± z·sqrt(p(1-p)/n); ratios (observed/expected) use exact Poisson limits around 1. "
            "Over-dispersion can be allowed for as Spiegelhalter (2005), FunnelPlotR and SHMI do."
        ),
    )
    parser.add_argument(
        "input",
        metavar="INPUT",
        help="CSV or Parquet file ('-' for standard input) with columns unit, numerator and "
        "denominator (for a ratio: observed and expected counts)",
    )
    parser.add_argument(
        "--type",
        dest="kind",
        choices=["proportion", "ratio"],
        required=True,
        help="proportion (numerator out of denominator) or ratio (observed over expected)",
    )
    parser.add_argument(
        "--overdispersion",
        choices=list(OVERDISPERSION),
        default="none",
        help="widen the limits for over-dispersion: multiplicative (phi) or additive (random "
        "effects, tau-squared, as SHMI); default none",
    )
    parser.add_argument(
        "--target",
        type=_proportion,
        metavar="P",
        help="for proportions: compare with this proportion (0 to 1) instead of the pooled one",
    )
    parser.add_argument(
        "--limits",
        choices=["normal", "exact", "wilson"],
        default="normal",
        help="for proportions without over-dispersion: normal (the normal approximation around "
        "the target, PHE's method, the default) or exact binomial (Spiegelhalter 2005); "
        "'wilson' is the old name of 'normal'",
    )
    parser.add_argument(
        "--transform",
        choices=["log", "sqrt"],
        default="log",
        help="for ratios with over-dispersion: the scale of the z-scores, log (as SHMI, the "
        "default) or sqrt (as CQC; copes with units with no events)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help="where to write one row per unit (.csv, .parquet or .json); standard output if "
        "not given",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from commissioning.analytics.needs import DataProblem, funnel  # SciPy: only when run

    if args.target is not None and args.kind == "ratio":
        raise UserError("--target is for proportions; a ratio is always compared with 1")
    name = display_name(args.input)
    table = read_table(args.input)
    if table.empty:
        raise located(name, None, None, "has no data rows (expected one row per unit)")
    require_columns(table, INPUT_COLUMNS, name)
    frame = _validated(table, name, args.kind)
    try:
        result = funnel(
            frame,
            "numerator",
            "denominator",
            kind=args.kind,
            overdispersion=args.overdispersion,
            target=args.target,
            limits=args.limits,
            transform=args.transform,
        )
    except DataProblem as exc:
        if exc.rows:
            raise exc.to_input_error(name) from None
        raise UserError(f"{name}: {exc.message}") from None
    if args.overdispersion != "none" and len(result):
        phi = float(result["phi"].iloc[0])
        tau2 = float(result["tau2"].iloc[0])
        adjusted = phi > 1 if args.overdispersion == "multiplicative" else tau2 > 0
        note = "limits widened" if adjusted else "no over-dispersion found, limits not widened"
        print(
            f"commissioning funnel: over-dispersion phi = {phi:.3f}, tau-squared = {tau2:.4g}; "
            f"{note}",
            file=sys.stderr,
        )
    write_table(_tidy(result[OUTPUT_COLUMNS]), args.output)
    return 0


def _validated(table: pd.DataFrame, name: str, kind: str) -> pd.DataFrame:
    frame = table[INPUT_COLUMNS].copy()
    unit = frame["unit"].astype("string").str.strip()
    blank = unit.isna() | (unit == "")
    problems: list[Problem] = []
    for r in np.nonzero(blank.to_numpy())[0][:20]:
        problems.append(
            Problem(name, int(r) + 2, "unit", "expected a unit name or code, found nothing")
        )
    if problems:
        raise InputError(problems)
    frame["unit"] = unit.astype(object)
    frame["numerator"] = to_number(frame, "numerator", name, minimum=0)
    frame["denominator"] = to_number(frame, "denominator", name, minimum=0)
    what = "population" if kind == "proportion" else "expected count"
    zero = (frame["denominator"] <= 0).to_numpy()
    for r in np.nonzero(zero)[0][:20]:
        problems.append(
            Problem(name, int(r) + 2, "denominator", f"expected a {what} above 0, found 0")
        )
    if kind == "proportion":
        over = (frame["numerator"] > frame["denominator"]).to_numpy()
        for r in np.nonzero(over)[0][:20]:
            problems.append(
                Problem(
                    name,
                    int(r) + 2,
                    "numerator",
                    f"expected no more than the denominator ({table['denominator'].iloc[r]}) "
                    f"for a proportion, found '{table['numerator'].iloc[r]}'",
                )
            )
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputError(problems[:20], more=max(0, len(problems) - 20))
    return frame


def _proportion(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a proportion such as 0.8, found '{text}'"
        ) from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a proportion from 0 to 1, found '{text}'")
    return value


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    return tidy_numbers(table, COUNT_COLUMNS)
