"""``commissioning prevalence``: crude and age-standardised prevalence for many units.

Reads a long table (unit, age band, sex, population, cases) and writes one row per unit with
the crude rate (Wilson score limits by default) and the directly age-standardised rate
(ESP2013, Dobson limits), both per 100,000 unless ``--per`` says otherwise. See
docs/guide/needs.md.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from commissioning.analytics.needs.standard_population import STANDARDS
from commissioning.errors import InputError, Problem, located
from commissioning.tables import (
    display_name,
    read_table,
    require_columns,
    tidy_numbers,
    to_number,
    write_table,
)

COUNT_COLUMNS = ["population", "cases"]

INPUT_COLUMNS = ["unit", "age_band", "sex", "population", "cases"]
OUTPUT_COLUMNS = [
    "unit",
    "population",
    "cases",
    "crude_rate",
    "crude_lower",
    "crude_upper",
    "dsr",
    "dsr_lower",
    "dsr_upper",
]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "prevalence",
        help="crude and directly age-standardised prevalence per unit (ESP2013)",
        description=(
            "Crude prevalence with Wilson score limits and directly age-standardised prevalence "
            "(2013 European Standard Population, Dobson limits as PHE/OHID) for every unit of a "
            "table with one row per unit, age band and sex. Standardised rates are left empty "
            "for units with fewer than 10 cases, as PHE does."
        ),
    )
    parser.add_argument(
        "input",
        metavar="INPUT",
        help="CSV or Parquet file ('-' for standard input) with columns unit, age_band "
        "(0-4, 5-9, ..., 85-89, 90+), sex (male/female or persons), population and cases",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help="where to write one row per unit (.csv, .parquet or .json); standard output if "
        "not given",
    )
    parser.add_argument(
        "--standard",
        choices=sorted(STANDARDS),
        default="esp2013",
        help="standard population (default: esp2013)",
    )
    parser.add_argument(
        "--per",
        type=_positive,
        default=100_000.0,
        metavar="N",
        help="express rates per N people (default: 100000; 100 gives percentages)",
    )
    parser.add_argument(
        "--confidence",
        type=_confidence,
        default=0.95,
        metavar="LEVEL",
        help="confidence level of the limits (default: 0.95)",
    )
    parser.add_argument(
        "--min-cases",
        type=_non_negative,
        default=10.0,
        metavar="N",
        help="leave the standardised rate empty for units with fewer than N cases (default: 10, "
        "as PHE; 0 gives every unit a rate)",
    )
    parser.add_argument(
        "--crude-interval",
        choices=["wilson", "poisson"],
        default="wilson",
        help="limits for the crude rate: wilson (a proportion of the population, the default) "
        "or poisson (Byar's method, exact below 10 cases, as for event rates)",
    )
    parser.add_argument(
        "--standardise-sex",
        action="store_true",
        help="standardise for sex as well as age (the standard population applied to each "
        "sex), instead of adding males and females together in each age band",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # SciPy: only when run
    from commissioning.analytics.needs import DataProblem, crude_proportion, crude_rate, dsr

    name = display_name(args.input)
    table = read_table(args.input)
    if table.empty:
        raise located(
            name, None, None, "has no data rows (expected one row per unit, age band and sex)"
        )
    require_columns(table, INPUT_COLUMNS, name)
    frame = _validated(table, name)
    try:
        standardised = dsr(
            frame,
            by="unit",
            standard=args.standard,
            per=args.per,
            confidence=args.confidence,
            min_cases=args.min_cases,
            standardise_sex=args.standardise_sex,
        )
        if args.crude_interval == "wilson":
            crude = crude_proportion(
                frame, by="unit", confidence=args.confidence, per=args.per, name="crude"
            )
        else:
            crude = crude_rate(
                frame, by="unit", confidence=args.confidence, per=args.per, name="crude"
            )
    except DataProblem as exc:
        raise exc.to_input_error(name) from None
    crude = crude.rename(columns={"crude": "crude_rate"})
    out = standardised.merge(
        crude[["unit", "crude_rate", "crude_lower", "crude_upper"]], on="unit", how="left"
    )
    write_table(_tidy(out[OUTPUT_COLUMNS]), args.output)
    return 0


def _validated(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Numbers converted, and blank units refused, each with its row and column."""
    frame = table[INPUT_COLUMNS].copy()
    unit = frame["unit"].astype("string").str.strip()
    blank = unit.isna() | (unit == "")
    if blank.any():
        rows = np.nonzero(blank.to_numpy())[0][:20]
        raise InputError(
            [
                Problem(name, int(r) + 2, "unit", "expected a unit name or code, found nothing")
                for r in rows
            ]
        )
    frame["unit"] = unit.astype(object)
    frame["population"] = to_number(frame, "population", name, minimum=0)
    frame["cases"] = to_number(frame, "cases", name, minimum=0)
    return frame


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found '{text}'") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, found '{text}'")
    return value


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, found '{text}'")
    return value


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number such as 0.95, found '{text}'"
        ) from None
    if value > 1 and value < 100:
        value /= 100
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a level such as 0.95 or 95, found '{text}'")
    return value


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    return tidy_numbers(table, COUNT_COLUMNS)
