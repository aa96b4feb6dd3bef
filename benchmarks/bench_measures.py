"""Benchmark: the measure library over synthetic patient-level data, DuckDB and Spark.

    python benchmarks/bench_measures.py --patients 1500000 --runs 3 [--spark]

Generates the dataset once (cached under benchmarks/results/), then times the whole library
(median of --runs), and prints a Markdown row for docs/benchmarks.md. Peak memory is the
largest resident set of this process and its children. For the 1M-60M scaling curve, with
processor time and spill per size, see bench_scaling.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import statistics
import time
from pathlib import Path

from commissioning.analytics.measures import evaluate
from commissioning.analytics.measures.engines import DuckDBEngine, SparkEngine
from commissioning.synth import SynthConfig, generate
from commissioning.synth.patients import text_progress

RESULTS = Path(__file__).resolve().parent / "results"


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--patients", type=int, default=1_500_000)
    p.add_argument("--months", type=int, default=60)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--spark", action="store_true")
    args = p.parse_args()
    folder = RESULTS / f"synth-{args.patients}-{args.months}"
    if not (folder / "events.parquet").exists():
        t = time.perf_counter()
        rows = generate(
            SynthConfig(patients=args.patients, months=args.months),
            folder,
            text_progress("Generating"),
        )
        print(f"generated {rows} in {time.perf_counter() - t:.1f} s")
    import pyarrow.parquet as pq

    events = pq.ParquetFile(folder / "events.parquet").metadata.num_rows
    timings, cpu = [], []
    load_before = Path("/proc/loadavg").read_text().split()[0]
    for _ in range(args.runs):
        t, c = time.perf_counter(), time.process_time()
        engine = DuckDBEngine()
        table = evaluate(engine, folder)
        engine.close()
        timings.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    duck = statistics.median(timings)
    load_after = Path("/proc/loadavg").read_text().split()[0]
    spark = None
    if args.spark:
        engine = SparkEngine("local[2]")
        t = time.perf_counter()
        evaluate(engine, folder)
        spark = time.perf_counter() - t
        engine.spark.stop()
    print(
        f"| measures, {args.patients:,} patients, {events:,} events, {args.months} months "
        f"| {platform.machine()}, 2 cores | {dt.date.today()} | DuckDB {duck:.1f} s "
        f"(runs: {', '.join(f'{x:.1f}' for x in timings)}; processor "
        f"{', '.join(f'{x:.1f}' for x in cpu)} s; load average {load_before} / {load_after}) "
        f"| {'Spark local[2] ' + format(spark, '.1f') + ' s' if spark else 'Spark not run'} "
        f"| {len(table):,} rows | peak {peak_mb():.0f} MB |"
    )


if __name__ == "__main__":
    main()
