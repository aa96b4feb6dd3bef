"""Benchmark ``commissioning spc`` as a user runs it: files in, files out (issue 27).

One row per workload, each the command run in a fresh process
(``python -m commissioning spc IN -o POINTS --summary SUMMARY``), median of ``--runs`` runs:

    parquet   100,000 series x 60 months, Parquet in and out    target <= 2 s wall
    csv       the same with CSV in and out                       target <= 6 s wall
    million   1,000,000 series x 60 months, Parquet in and out  target <= 20 s wall, < 8 GB

For every run: wall-clock time, processor time of the process (user + system, from the kernel),
its peak memory (maximum resident set size, from ``wait4``) and the load average just before.
Baseline measured in the same run (``files alone``): a process that only reads the input and
writes the same two output files again with pyarrow (reading them first), the floor any
command that reads and writes these files pays. With ``--before SRC`` (the ``src`` folder of an
earlier checkout) the earlier code is timed as well, and its files are checked to be
byte-identical to this code's.

Every input is built here: the synthetic series of ``bench_spc.make_table`` (noise, shifts,
trends, outliers, gaps, targets, rebases, all three improvement directions), written in
blocks. Prints Markdown rows for docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_spc_cli.py                       # all three rows
    .venv/bin/python benchmarks/bench_spc_cli.py --rows parquet,csv --before /tmp/before/src
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "src"
POINTS = 60
BLOCK = 50_000  # series written at a time

ROWS = {
    "parquet": dict(series=100_000, fmt="parquet", target=2.0, memory=None),
    "csv": dict(series=100_000, fmt="csv", target=6.0, memory=None),
    "million": dict(series=1_000_000, fmt="parquet", target=20.0, memory=8e9),
}

IO_ONLY = """
import sys
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
source, points, summary, folder = sys.argv[1:5]
if source.endswith(".parquet"):
    pq.read_table(source)
    pq.write_table(pq.read_table(points), folder + "/points-again.parquet")
    pq.write_table(pq.read_table(summary), folder + "/summary-again.parquet")
else:
    pa_csv.read_csv(source)
    pa_csv.write_csv(pa_csv.read_csv(points), folder + "/points-again.csv")
    pa_csv.write_csv(pa_csv.read_csv(summary), folder + "/summary-again.csv")
"""


@dataclass
class Run:
    wall: float
    cpu: float
    memory: float
    load: float


def block(first: int, count: int, seed: int) -> pa.Table:
    """Series ``first`` to ``first + count - 1``, as bench_spc.make_table draws them."""
    rng = np.random.default_rng(seed)
    n = count * POINTS
    t = np.tile(np.arange(POINTS), count)
    level = np.repeat(rng.uniform(50, 500, count), POINTS)
    spread = np.repeat(rng.uniform(0.02, 0.1, count), POINTS) * level
    values = level + rng.normal(0, 1, n) * spread
    kind = np.repeat(rng.integers(0, 4, count), POINTS)  # 0 stable, 1 shift, 2 trend, 3 outlier
    change = np.repeat(rng.integers(12, POINTS - 8, count), POINTS)
    values += np.where((kind == 1) & (t >= change), 2.5 * spread, 0)
    values += np.where((kind == 2) & (t >= change) & (t < change + 8), (t - change) * spread, 0)
    values += np.where((kind == 3) & (t == change), 5 * spread, 0)
    values[rng.random(n) < 0.002] = np.nan
    rebase = np.where((np.repeat(rng.random(count), POINTS) < 0.1) & (t == POINTS // 2), 1, 0)
    improvement = np.array(["increase", "decrease", "neutral"])[rng.integers(0, 3, count)]
    target = np.where(rng.random(count) < 0.7, rng.uniform(40, 520, count), np.nan).round(0)
    names = pa.array([f"S{i:07d}" for i in range(first, first + count)])
    months = (np.datetime64("2020-04", "M") + np.arange(POINTS)).astype("datetime64[D]")
    index = pa.array(np.repeat(np.arange(count, dtype=np.int32), POINTS))
    return pa.table(
        {
            "series": names.take(index),
            "date": pa.array(np.tile(months, count), pa.date32()),
            "value": pa.array(values.round(1), from_pandas=True),
            "target": pa.array(np.repeat(target, POINTS), from_pandas=True),
            "rebase": pa.array(rebase.astype(np.int64)),
            "improvement": pa.array(improvement).take(index),
        }
    )


def build_input(series: int, fmt: str, folder: Path) -> Path:
    path = folder / f"in-{series}.{fmt}"
    if path.exists():
        return path
    print(f"building {path.name} ...", file=sys.stderr, flush=True)
    partial = path.with_suffix(".partial")
    writer = None
    with open(partial, "wb") as sink:
        for k, first in enumerate(range(0, series, BLOCK)):
            table = block(first, min(BLOCK, series - first), seed=20240401 + k)
            if fmt == "parquet":
                writer = writer or pq.ParquetWriter(sink, table.schema)
                writer.write_table(table)
            else:  # no quotes, as most exports write plain names and numbers
                if first == 0:
                    sink.write((",".join(table.column_names) + "\n").encode())
                options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
                pa_csv.write_csv(table, sink, options)
        if writer is not None:
            writer.close()
    partial.rename(path)
    return path


def measure(argv: list[str], env: dict[str, str], log: Path) -> Run:
    load = os.getloadavg()[0]
    with open(log, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({status}):\n{log.read_text()}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, load)


def spc(source: Path, source_tree: Path, source_file: Path, folder: Path, tag: str, log: Path):
    suffix = source_file.suffix
    points, summary = folder / f"{tag}-points{suffix}", folder / f"{tag}-summary{suffix}"
    env = dict(os.environ, PYTHONPATH=str(source_tree))
    argv = [sys.executable, "-m", "commissioning", "spc", str(source_file)]
    argv += ["-o", str(points), "--summary", str(summary)]
    return measure(argv, env, log), points, summary


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.memory for r in runs),
        statistics.median(r.load for r in runs),
    )


def describe(run: Run) -> str:
    return f"{run.wall:.2f} s ({run.cpu:.2f} s; {run.memory / 1e9:.2f} GB)"


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="parquet,csv,million")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="src folder of the code to compare with")
    parser.add_argument(
        "--before-million",
        action="store_true",
        help="also time the earlier code on a million series (slow, and needs much memory)",
    )
    parser.add_argument("--workdir", type=Path, help="keep inputs and outputs here")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every row's series (0.01 to try it)"
    )
    args = parser.parse_args()
    names = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = [r for r in names if r not in ROWS]
    if unknown:
        parser.error(f"unknown row(s): {', '.join(unknown)}; known: {', '.join(ROWS)}")

    folder = args.workdir or Path(tempfile.mkdtemp(prefix="bench-spc-"))
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "stderr.txt"
    lines, raw = [], []
    try:
        for name in names:
            row = dict(ROWS[name], series=max(1, int(ROWS[name]["series"] * args.scale)))
            source = build_input(row["series"], row["fmt"], folder)
            new, io_only, before, identical = [], [], [], None
            with_before = args.before and (name != "million" or args.before_million)
            for k in range(args.runs):
                print(f"{name}: run {k + 1} of {args.runs}", file=sys.stderr, flush=True)
                run, points, summary = spc(SOURCE, SOURCE, source, folder, "new", log)
                new.append(run)
                progress = log.read_text().strip().splitlines()
                io_argv = [sys.executable, "-c", IO_ONLY, str(source), str(points)]
                io_argv += [str(summary), str(folder)]
                io_only.append(measure(io_argv, dict(os.environ), folder / "io.txt"))
                if with_before:
                    run, old_points, old_summary = spc(
                        args.before, args.before, source, folder, "before", log
                    )
                    before.append(run)
                    same = (
                        old_points.read_bytes() == points.read_bytes()
                        and old_summary.read_bytes() == summary.read_bytes()
                    )
                    identical = same if identical is None else identical and same
            lines.append((name, row, median(new), median(io_only), before, identical, progress))
            raw.append((name, new, io_only, before))
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)

    machine = (
        f"{os.cpu_count()} cores ({_cpu_name()}), Python {platform.python_version()}, "
        f"pyarrow {pa.__version__}"
    )
    print(f"\n{dt.date.today():%Y-%m-%d}, {machine}; median of {args.runs} runs each\n")
    print(
        "| workload | target | before: wall (processor; peak memory) | now: wall (processor; "
        "peak memory) | files alone (baseline) | now / files alone | before / now | "
        "identical files | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row, new, io_only, before, identical, _ in lines:
        target = f"<= {row['target']:.0f} s" + (
            f", < {row['memory'] / 1e9:.0f} GB" if row["memory"] else ""
        )
        old = median(before) if before else None
        print(
            f"| {name}: {row['series']:,} x {POINTS}, {row['fmt']} | {target} | "
            f"{describe(old) if old else 'not run'} | {describe(new)} | "
            f"{describe(io_only)} | {new.wall / io_only.wall:.2f} | "
            f"{f'{old.wall / new.wall:.1f}x' if old else '-'} | "
            f"{'yes' if identical else ('NO' if identical is False else '-')} | "
            f"{new.load:.1f} |"
        )
    print("\nEach run: wall s / processor s / peak GB / load average before it")
    for name, new, io_only, before in raw:
        for label, runs in (("now", new), ("files alone", io_only), ("before", before)):
            if runs:
                cells = "; ".join(
                    f"{r.wall:.2f} / {r.cpu:.2f} / {r.memory / 1e9:.2f} / {r.load:.1f}"
                    for r in runs
                )
                print(f"- {name}, {label}: {cells}")
    for name, *_, progress in lines:
        print(f"\n{name}: the command's own progress lines (standard error):")
        for line in progress:
            print(f"    {line}")


if __name__ == "__main__":
    main()
