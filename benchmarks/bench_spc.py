"""Benchmark the SPC engine: 100,000 series x 60 monthly points, every rule and the summary.

The vectorised engine runs on the whole table (median of 3 runs). The baseline applies the same
logic one series at a time with pandas groupby-apply on a random subsample of series, and its
time per series is extrapolated to the whole table. Both must give identical output on the
subsample. Prints a markdown table row for docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_spc.py            # full size
    .venv/bin/python benchmarks/bench_spc.py --series 5000 --sample 500   # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd

from commissioning.analytics.spc import summarise, xmr


def make_table(series: int, points: int, seed: int = 20240401) -> pd.DataFrame:
    """Monthly series with noise, and some shifts, trends, outliers, gaps, targets and rebases."""
    rng = np.random.default_rng(seed)
    n = series * points
    t = np.tile(np.arange(points), series)
    level = np.repeat(rng.uniform(50, 500, series), points)
    spread = np.repeat(rng.uniform(0.02, 0.1, series), points) * level
    values = level + rng.normal(0, 1, n) * spread
    kind = np.repeat(rng.integers(0, 4, series), points)  # 0 stable, 1 shift, 2 trend, 3 outlier
    change = np.repeat(rng.integers(12, points - 8, series), points)
    values += np.where((kind == 1) & (t >= change), 2.5 * spread, 0)
    values += np.where((kind == 2) & (t >= change) & (t < change + 8), (t - change) * spread, 0)
    values += np.where((kind == 3) & (t == change), 5 * spread, 0)
    values[rng.random(n) < 0.002] = np.nan
    rebase = np.where((np.repeat(rng.random(series), points) < 0.1) & (t == points // 2), 1, 0)
    improvement = np.repeat(
        np.array(["increase", "decrease", "neutral"])[rng.integers(0, 3, series)], points
    )
    has_target = rng.random(series) < 0.7
    target = np.repeat(np.where(has_target, rng.uniform(40, 520, series), np.nan), points)
    names = np.char.add("S", np.char.zfill(np.arange(series).astype(str), 6))
    months = pd.date_range("2020-04-01", periods=points, freq="MS").to_numpy()
    return pd.DataFrame(
        {
            "series": np.repeat(names, points),
            "date": np.tile(months, series),
            "value": values.round(1),
            "target": target.round(0),
            "rebase": rebase,
            "improvement": improvement,
        }
    )


def vectorised(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    points = xmr(df)
    return points, summarise(points)


def one_series_at_a_time(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    groups = df.groupby("series", sort=True)
    points = groups.apply(lambda g: xmr(g.assign(series=g.name)), include_groups=False)
    points = points.reset_index(drop=True)
    summary = points.groupby("series", sort=True, observed=True).apply(
        lambda g: summarise(g.assign(series=g.name)), include_groups=False
    )
    return points, summary.reset_index(drop=True)


def timed(function, *args, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and median processor seconds over ``runs`` runs, and the last result.

    Processor time is reported too because a shared machine's wall-clock time depends on what
    else is running; the engine itself uses one core.
    """
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    return frame.assign(series=frame["series"].astype(str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    df = make_table(args.series, args.points)
    load = os.getloadavg()[0]
    seconds, cpu, (points, summary) = timed(vectorised, df, runs=args.runs)

    rng = np.random.default_rng(7)
    names = np.sort(rng.choice(df["series"].unique(), size=args.sample, replace=False))
    sample = df[df["series"].isin(names)]
    baseline_seconds, baseline_cpu, (base_points, base_summary) = timed(
        one_series_at_a_time, sample, runs=args.runs
    )
    sample_points, sample_summary = vectorised(sample)
    pd.testing.assert_frame_equal(comparable(sample_points), comparable(base_points))
    pd.testing.assert_frame_equal(comparable(sample_summary), comparable(base_summary))
    # and the full run treats each series exactly as the subsample run does
    in_sample = points[points["series"].isin(names)]
    pd.testing.assert_frame_equal(comparable(in_sample), comparable(sample_points))

    per_series = baseline_seconds / args.sample
    per_series_cpu = baseline_cpu / args.sample
    rows = len(df)
    print(
        f"{args.series:,} series x {args.points} points ({rows:,} rows): "
        f"{points['special_cause'].mean():.1%} of points special cause; summary "
        f"{len(summary):,} rows; load average {load:.1f} at the start"
    )
    print(
        f"| date | machine | table | vectorised, median of {args.runs}: wall (CPU) | "
        "groupby-apply per series: wall (CPU) | groupby-apply extrapolated: wall (CPU) | "
        "speed-up: wall (CPU) |"
    )
    print("|---|---|---|---|---|---|---|")
    machine = (
        f"{os.cpu_count()} cores ({_cpu_name()}), Python {platform.python_version()}, "
        f"pandas {pd.__version__}, numpy {np.__version__}"
    )
    print(
        f"| {dt.date.today():%Y-%m-%d} | {machine} | {args.series:,} x {args.points} "
        f"({rows:,} rows) | {seconds:.2f} s ({cpu:.2f} s) | "
        f"{per_series * 1000:.1f} ms ({per_series_cpu * 1000:.1f} ms; {args.sample:,}-series "
        f"sample, identical output) | {per_series * args.series:,.0f} s "
        f"({per_series_cpu * args.series:,.0f} s) | "
        f"{per_series * args.series / seconds:,.0f}x "
        f"({per_series_cpu * args.series / cpu:,.0f}x) |"
    )


if __name__ == "__main__":
    main()
