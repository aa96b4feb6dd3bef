"""``commissioning measures``: evaluate the measure library over a patient-level dataset."""

from __future__ import annotations

import datetime as dt
import sys


def register(sub) -> None:
    p = sub.add_parser(
        "measures",
        help="practice-month measures from patient-level data, on DuckDB or Spark",
        description="Evaluate the measure library (registers and prevalence, NDA care "
        "processes, emergency admissions for ambulatory care sensitive conditions, cost per "
        "patient, dementia diagnosis rate) over a folder of Parquet files. Output is one long "
        "table with disclosure control applied.",
    )
    p.add_argument(
        "folder",
        metavar="DIR",
        help="folder with patients, registrations, diagnoses and events Parquet files",
    )
    p.add_argument("-o", "--output", required=True, help="output file (.parquet, .csv or .json)")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--spark-master", metavar="URL", help="Spark master (default local[2])")
    p.add_argument("--measures", help="comma-separated measure ids (default: all)")
    p.add_argument("--from", dest="first", help="first month YYYY-MM (default: from the data)")
    p.add_argument("--to", dest="last", help="last month YYYY-MM (default: from the data)")
    p.add_argument("--list", action="store_true", help="list the measures and stop")
    p.set_defaults(func=run)


def _month(text: str | None, option: str) -> dt.date | None:
    from commissioning.errors import UserError

    if text is None:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise UserError(f"{option}: expected a month as YYYY-MM, found '{text}'") from None


def run(args) -> int:
    from commissioning.analytics.measures import evaluate, load_library
    from commissioning.analytics.measures.engines import make_engine
    from commissioning.errors import UserError
    from commissioning.suppression import configured_policy
    from commissioning.tables import write_table

    library = load_library()
    if args.list:
        for m in library:
            print(f"{m.id}\t{m.name}")
        return 0
    if args.measures:
        wanted = [w.strip() for w in args.measures.split(",") if w.strip()]
        known = {m.id for m in library}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise UserError(
                f"unknown measure {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        library = [m for m in library if m.id in wanted]

    def progress(i: int, n: int, name: str) -> None:
        print(f"Measure {i} of {n}: {name}", file=sys.stderr, flush=True)

    engine = make_engine(args.engine, args.spark_master)
    try:
        table = evaluate(
            engine,
            args.folder,
            measures=library,
            first=_month(args.first, "--from"),
            last=_month(args.last, "--to"),
            progress=progress,
            disclosure=configured_policy(),
        )
    finally:
        engine.close()
    write_table(table, args.output)
    print(
        f"Wrote {len(table):,} rows ({table['organisation'].nunique():,} organisations) "
        f"to {args.output}; counts of people are rounded and small ones hidden.",
        file=sys.stderr,
    )
    return 0
