"""Benchmark: needs-assessment statistics for every practice in England and 20 conditions.

6,500 practices × 20 conditions × 19 age bands × 2 sexes (4.94 million rows): directly
age-standardised rates (ESP2013) with Dobson limits for every practice and condition, then
funnel plot limits (proportions, additive over-dispersion, each condition compared separately)
for the 130,000 practice-condition prevalences. Synthetic data; timings exclude building it.

    .venv/bin/python benchmarks/bench_needs.py [--practices 6500] [--conditions 20] [--runs 3]

Prints a markdown table row: | benchmark | rows | median (s) | runs (s) | target |.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd

from commissioning.analytics.needs import crude_proportion, dsr, funnel
from commissioning.analytics.needs.standard_population import ESP2013_BANDS

TARGET_SECONDS = 2.0


def build(practices: int, conditions: int, seed: int = 2013) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_bands = len(ESP2013_BANDS)
    # practice list sizes and age structure: a younger or older tilt per practice
    list_size = rng.lognormal(np.log(8000), 0.5, practices)
    tilt = rng.normal(0, 0.3, practices)
    ages = np.arange(n_bands)
    shape = np.exp(-0.5 * ((ages - 8) / 6) ** 2)[None, :] * np.exp(tilt[:, None] * (ages - 9) / 9)
    shape /= shape.sum(axis=1, keepdims=True)
    pop = rng.poisson(list_size[:, None, None] * shape[:, :, None] * 0.5, (practices, n_bands, 2))
    # condition prevalence rising with age, differing by sex
    base = rng.uniform(0.002, 0.05, conditions)
    slope = rng.uniform(0.05, 0.3, conditions)
    rate = base[:, None, None] * np.exp(slope[:, None, None] * (ages[None, :, None] - 12))
    rate = np.clip(rate * np.array([1.1, 0.9])[None, None, :], 0, 0.9)
    practice_effect = np.exp(rng.normal(0, 0.15, (practices, conditions)))
    p = np.clip(rate[None, :, :, :] * practice_effect[:, :, None, None], 0, 1)
    cases = rng.binomial(np.broadcast_to(pop[:, None, :, :], p.shape), p)

    shape4 = (practices, conditions, n_bands, 2)
    idx = np.indices(shape4).reshape(4, -1)
    codes = [f"P{i:05d}" for i in range(practices)]
    return pd.DataFrame(
        {
            "practice": pd.Categorical.from_codes(idx[0], codes),
            "condition": pd.Categorical.from_codes(
                idx[1], [f"C{j:02d}" for j in range(conditions)]
            ),
            "age_band": pd.Categorical.from_codes(idx[2], list(ESP2013_BANDS)),
            "sex": pd.Categorical.from_codes(idx[3], ["male", "female"]),
            "population": np.broadcast_to(pop[:, None, :, :], shape4).reshape(-1),
            "cases": cases.reshape(-1),
        }
    )


def run_once(table: pd.DataFrame) -> tuple[float, float, pd.DataFrame, pd.DataFrame]:
    start, cpu = time.perf_counter(), time.process_time()
    rates = dsr(table, by=["practice", "condition"])
    crude = crude_proportion(rates, "cases", "population")
    limits = funnel(crude, "cases", "population", by="condition", overdispersion="additive")
    return time.perf_counter() - start, time.process_time() - cpu, rates, limits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=6500)
    parser.add_argument("--conditions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    table = build(args.practices, args.conditions)
    timings, cpu = [], []
    for _ in range(args.runs):
        seconds, cpu_seconds, rates, limits = run_once(table)
        timings.append(seconds)
        cpu.append(cpu_seconds)
    median = statistics.median(timings)
    assert len(rates) == args.practices * args.conditions
    assert limits["flag"].notna().all()
    cpus = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"<!-- Python {platform.python_version()}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, {cpus} CPUs visible, load average {load:.1f} at the end -->"
    )
    print("| benchmark | rows | median (s) | runs (s) | CPU time per run (s) | target |")
    print("|---|---|---|---|---|---|")
    runs = ", ".join(f"{t:.2f}" for t in timings)
    cpu_runs = ", ".join(f"{t:.2f}" for t in cpu)
    print(
        f"| needs: DSR + Dobson limits, funnel limits (additive over-dispersion), "
        f"{args.practices:,} practices × {args.conditions} conditions | {len(table):,} | "
        f"{median:.2f} | {runs} | {cpu_runs} | < {TARGET_SECONDS:g} s |"
    )


if __name__ == "__main__":
    main()
