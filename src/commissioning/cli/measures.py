"""``commissioning measures``: evaluate the measure library over a patient-level dataset."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path


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
    p.add_argument(
        "--spark-master",
        metavar="URL",
        help="Spark master: spark://HOST:7077 for a standalone cluster, yarn, k8s://... "
        "(default local[N], N = this machine's processors)",
    )
    p.add_argument(
        "--spark-memory",
        metavar="SIZE",
        help="memory for Spark's driver, e.g. 8g (default: a quarter of this machine's memory, "
        "at least 1g); in local mode the driver does all the work",
    )
    p.add_argument(
        "--spark-conf",
        metavar="KEY=VALUE",
        action="append",
        help="any Spark setting, e.g. spark.executor.memory=8g (repeat for more)",
    )
    p.add_argument(
        "--spark-wait",
        metavar="SECONDS",
        type=float,
        default=None,
        help="on a cluster, how long to wait for the first executor before giving up (default 120)",
    )
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
    from commissioning.analytics.disclosure import configured_policy
    from commissioning.analytics.measures import evaluate, load_library
    from commissioning.analytics.measures.engines import make_engine
    from commissioning.analytics.measures.schema import check_dataset
    from commissioning.analytics.measures.spark import DEFAULT_WAIT, parse_conf, parse_memory
    from commissioning.errors import UserError
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

    first, last = _month(args.first, "--from"), _month(args.last, "--to")
    check_dataset(Path(args.folder))  # before an engine starts: a wrong folder fails at once
    started = time.perf_counter()

    def progress(i: int, n: int, name: str) -> None:
        elapsed = time.perf_counter() - started
        print(f"Measure {i} of {n} ({elapsed:.0f} s so far): {name}", file=sys.stderr, flush=True)

    spark_options = {
        "--spark-master": args.spark_master,
        "--spark-memory": args.spark_memory,
        "--spark-conf": args.spark_conf,
        "--spark-wait": args.spark_wait,
    }
    if args.engine == "spark":
        options = {
            "spark_memory": parse_memory(args.spark_memory) if args.spark_memory else None,
            "spark_conf": parse_conf(args.spark_conf),
            "spark_wait": DEFAULT_WAIT if args.spark_wait is None else args.spark_wait,
        }
        print("Starting Spark...", file=sys.stderr, flush=True)
    else:
        given = [name for name, value in spark_options.items() if value is not None]
        if given:
            raise UserError(f"{', '.join(given)}: only with --engine spark")
        options = {}
    engine = make_engine(args.engine, args.spark_master, **options)
    if args.engine == "spark":
        print(f"Started {engine.describe()}", file=sys.stderr, flush=True)
    try:
        table = evaluate(
            engine,
            args.folder,
            measures=library,
            first=first,
            last=last,
            progress=progress,
            disclosure=configured_policy(),
        )
    finally:
        engine.close()
    write_table(table, args.output)
    print(
        f"Wrote {len(table):,} rows ({table['organisation'].nunique():,} organisations) "
        f"to {args.output} in {time.perf_counter() - started:.0f} s; counts of people are "
        "rounded and small ones hidden.",
        file=sys.stderr,
    )
    return 0
