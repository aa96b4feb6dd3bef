"""Benchmark: the measure library over synthetic patient-level data, DuckDB and Spark.

    python benchmarks/bench_measures.py --patients 1500000 --runs 3 [--spark]

Builds its own input: the dataset is generated once with `commissioning synth` (cached under
benchmarks/results/). Then `commissioning measures DIR -o OUT` runs as a user runs it, in a
child process with the command's defaults, --runs times on DuckDB (the median is shown) and,
with --spark, --spark-runs times with `--engine spark`. Processor time and peak memory cover the
command and every process below it (the JVM that PySpark starts); see bench_scaling.py, whose
runner this uses, for how they are measured. Prints one Markdown row for docs/benchmarks.md;
the ratio is Spark's median wall clock over DuckDB's, measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scaling import (  # noqa: E402 (the benchmarks folder is not a package)
    RESULTS,
    dataset_rows,
    ensure_dataset,
    median_run,
    run_command,
)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--patients", type=int, default=1_500_000)
    p.add_argument("--months", type=int, default=60)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--spark", action="store_true")
    p.add_argument("--spark-runs", type=int, default=1)
    args = p.parse_args()
    RESULTS.mkdir(exist_ok=True)
    folder, generated = ensure_dataset(args.patients, args.months)
    if generated:
        print(f"generated the dataset: {generated}")
    events = dataset_rows(folder)["events"]
    figures = {}
    for engine, runs in (("duckdb", args.runs), ("spark", args.spark_runs if args.spark else 0)):
        out = RESULTS / f"measures-{engine}-{folder.name}.parquet"
        done = []
        for i in range(runs):
            done.append(run_command(folder, engine, out, RESULTS, []))
            r = done[-1]
            if i == 0:
                print(f"$ {r['command']}", *r["progress"], sep="\n  ", flush=True)
            print(
                f"{engine} run {i + 1} of {runs}: {r['wall_s']} s wall, {r['cpu_s']} s "
                f"processor, {r['peak_rss_mb']} MB peak, load {r['load_before']} / "
                f"{r['load_after']}",
                flush=True,
            )
        if done:
            figures[engine] = (median_run(done), done)

    def cell(engine: str) -> str:
        if engine not in figures:
            return "not run"
        median, done = figures[engine]
        walls = ", ".join(f"{r['wall_s']:.1f}" for r in done)
        cpus = ", ".join(f"{r['cpu_s']:.1f}" for r in done)
        return (
            f"{median['wall_s']:.1f} s wall (runs: {walls}; processor {cpus} s; "
            f"peak {median['peak_rss_mb']:,} MB; load {median['load_before']} / "
            f"{median['load_after']})"
        )

    duck = figures["duckdb"][0]
    if "spark" in figures:
        import pandas as pd

        same = pd.read_parquet(RESULTS / f"measures-duckdb-{folder.name}.parquet").equals(
            pd.read_parquet(RESULTS / f"measures-spark-{folder.name}.parquet")
        )
        print(f"DuckDB's and Spark's outputs identical: {'yes' if same else 'NO'}")
    ratio = f"{figures['spark'][0]['wall_s'] / duck['wall_s']:.1f}" if "spark" in figures else "-"
    print(
        f"| {dt.date.today()} | {args.patients:,} patients, {events:,} events, {args.months} "
        f"months ({platform.machine()}, 2 cores) | {cell('duckdb')} | {cell('spark')} "
        f"| {duck['output_rows']:,} | Spark / DuckDB wall: {ratio} |"
    )


if __name__ == "__main__":
    main()
