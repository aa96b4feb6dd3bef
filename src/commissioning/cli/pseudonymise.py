"""``commissioning pseudonymise``: replace NHS numbers in a patient-level file by keyed pseudonyms.

This is how patient identifiers arrive: the file is read, every NHS number is checked (modulus
11) and replaced by an HMAC-SHA256 pseudonym under the installation's secret key
(COMMISSIONING_PSEUDONYM_KEY), and only the pseudonymised table is written. No raw number is
ever printed, logged or written; errors name the row and column, never the value.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "pseudonymise",
        help="replace NHS numbers in a CSV or Parquet file by keyed pseudonyms",
        description="Replace the NHS numbers in a patient-level file by keyed pseudonyms before "
        "it goes anywhere else. Needs COMMISSIONING_PSEUDONYM_KEY (a long secret kept out of "
        "the repository). Columns holding NHS numbers are found automatically, or named with "
        "--column.",
    )
    p.add_argument("input", help="CSV or Parquet file ('-' for standard input)")
    p.add_argument("-o", "--output", required=True, help="output file (.parquet or .csv)")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        help="a column holding NHS numbers (repeat for several; default: detect)",
    )
    p.add_argument(
        "--as",
        dest="rename",
        default="patient_id",
        help="name of the pseudonym column when one identifier column is replaced "
        "(default patient_id)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    from commissioning.analytics.pseudonyms import (
        is_valid_nhs_number,
        looks_like_nhs_numbers,
        pseudonymisation_key,
        pseudonymise,
    )
    from commissioning.errors import InputError, Problem, UserError
    from commissioning.tables import display_name, read_table, write_table

    key = pseudonymisation_key()
    name = display_name(args.input)
    table = read_table(args.input)
    columns = args.column or [c for c in table.columns if looks_like_nhs_numbers(table[c])]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError([Problem(name, 1, c, "no such column") for c in missing])
    if not columns:
        raise UserError(f"{name}: found no column of NHS numbers; name one with --column")
    problems = []
    for column in columns:
        values = table[column].astype("string")
        blank = values.isna() | (values.str.strip() == "")
        bad = ~blank & ~values.fillna("").map(is_valid_nhs_number).astype(bool)
        for i in bad[bad].index[:20]:
            problems.append(
                Problem(name, int(i) + 2, column, "is not a valid NHS number (check digit)")
            )
        table[column] = pseudonymise(table[column].astype("string"), key)
    if problems:
        raise InputError(problems)
    if len(columns) == 1 and args.rename and args.rename not in table.columns:
        table = table.rename(columns={columns[0]: args.rename})
    write_table(table, args.output)
    print(
        f"Replaced NHS numbers in {', '.join(columns)} by pseudonyms for {len(table):,} rows; "
        f"wrote {args.output}.",
        file=sys.stderr,
    )
    return 0
