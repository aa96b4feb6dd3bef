"""Benchmark: the measure library from 1M to 60M patients (the scaling curve), DuckDB or Spark.

    python benchmarks/bench_scaling.py --sizes 1000000,3000000,10000000 [--engine spark]
    python benchmarks/bench_scaling.py --sizes 60000000 --memory-limit 6GB

For each size the synthetic dataset is generated once with `commissioning synth` (cached under
benchmarks/results/synth-N-60/, written to a `.partial` folder and renamed only when complete),
then the whole measure library runs in a fresh child process so that each size's figures are
its own: wall clock, processor time (user + system, the child and any JVM it starts), peak
resident memory (the largest of the child's and each descendant's high-water mark), the peak
size of DuckDB's spill folder, output rows, and the load average before and after. Figures are
appended as JSON lines to benchmarks/results/scaling.jsonl and printed as Markdown rows for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
COMMISSIONING = Path(sys.executable).with_name("commissioning")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (the JVM that PySpark starts, for instance)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def process_usage(pid: int) -> tuple[float, float]:
    """(processor seconds, peak resident MB) of a live process, from /proc."""
    try:
        fields = (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]).split()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    hwm = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM")), "0")
    return cpu, int(hwm) / 1024


def folder_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total


class Monitor(threading.Thread):
    """Samples the spill folder's size and the descendants' usage twice a second."""

    def __init__(self, spill: Path | None):
        super().__init__(daemon=True)
        self.spill = spill
        self.peak_spill = 0
        self.kids: dict[int, tuple[float, float]] = {}
        self.stop = threading.Event()

    def sample(self) -> None:
        if self.spill is not None:
            self.peak_spill = max(self.peak_spill, folder_bytes(self.spill))
        for pid in descendants(os.getpid()):
            cpu, hwm = process_usage(pid)
            old = self.kids.get(pid, (0.0, 0.0))
            self.kids[pid] = (max(cpu, old[0]), max(hwm, old[1]))

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()


def run_one(folder: Path, engine_name: str, memory_limit: str, spill_root: Path) -> dict:
    """Child mode: evaluate the whole library once and return the figures."""
    from commissioning.analytics.measures import evaluate

    spill = Path(tempfile.mkdtemp(prefix="duckdb-spill-", dir=spill_root))
    load_before = loadavg()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    monitor = Monitor(spill if engine_name == "duckdb" else None)
    monitor.start()
    if engine_name == "duckdb":
        from commissioning.analytics.measures.engines import DuckDBEngine

        engine = DuckDBEngine(memory_limit=memory_limit, temp_directory=str(spill))
    else:
        from pyspark.sql import SparkSession

        from commissioning.analytics.measures.engines import SparkEngine

        session = (
            SparkSession.builder.master("local[2]")
            .appName("commissioning-bench")
            .config("spark.driver.memory", memory_limit.lower().replace("gb", "g"))
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.local.dir", str(spill))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        engine = SparkEngine(session=session)
    try:
        table = evaluate(engine, folder)
        monitor.sample()
        wall = time.perf_counter() - wall0
        if engine_name == "duckdb":  # kept for the web load test (benchmarks/load_test.py)
            table.to_parquet(RESULTS / f"measures-{folder.name}.parquet", index=False)
    finally:
        monitor.stop.set()
        if engine_name == "spark":
            engine.spark.stop()
        else:
            engine.close()
        shutil.rmtree(spill, ignore_errors=True)
    own_cpu = time.process_time() - cpu0
    kids_cpu = sum(c for c, _ in monitor.kids.values())
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak = max([own_peak] + [m for _, m in monitor.kids.values()])
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(own_cpu + kids_cpu, 1),
        "peak_rss_mb": round(peak),
        "peak_spill_mb": round(monitor.peak_spill / 2**20),
        "output_rows": len(table),
        "load_before": load_before,
        "load_after": loadavg(),
    }


def ensure_dataset(patients: int, months: int) -> tuple[Path, dict | None]:
    folder = RESULTS / f"synth-{patients}-{months}"
    if (folder / "events.parquet").exists():
        return folder, None
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before, t = loadavg(), time.perf_counter()
    subprocess.run(
        [str(COMMISSIONING), "synth", "--patients", str(patients), "--months", str(months)]
        + ["-o", str(partial)],
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    partial.rename(folder)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return folder, {
        "wall_s": round(time.perf_counter() - t, 1),
        "cpu_s": round(cpu, 1),
        "load_before": load_before,
        "load_after": loadavg(),
    }


def dataset_rows(folder: Path) -> dict:
    import pyarrow.parquet as pq

    return {
        name: pq.ParquetFile(folder / f"{name}.parquet").metadata.num_rows
        for name in ("patients", "registrations", "diagnoses", "events")
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000000,3000000,10000000")
    p.add_argument("--months", type=int, default=60)
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit / Spark driver")
    p.add_argument("--spill-root", default=str(RESULTS), help="where spill folders are made")
    p.add_argument("--one", metavar="DIR", help=argparse.SUPPRESS)  # child mode
    args = p.parse_args()
    if args.one:
        figures = run_one(Path(args.one), args.engine, args.memory_limit, Path(args.spill_root))
        print("RESULT " + json.dumps(figures), flush=True)
        return 0
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        folder, generated = ensure_dataset(size, args.months)
        rows = dataset_rows(folder)
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(folder), "--engine", args.engine]
            + ["--memory-limit", args.memory_limit, "--spill-root", args.spill_root],
            capture_output=True,
            text=True,
        )
        result = next(
            (ln[7:] for ln in child.stdout.splitlines() if ln.startswith("RESULT ")), None
        )
        if child.returncode != 0 or result is None:
            print(child.stdout[-2000:], child.stderr[-4000:], file=sys.stderr)
            return child.returncode or 1
        figures = json.loads(result)
        record = {
            "date": str(dt.date.today()),
            "engine": args.engine,
            "memory_limit": args.memory_limit,
            "patients": size,
            "months": args.months,
            "rows": rows,
            "generated": generated,
            **figures,
        }
        with open(RESULTS / "scaling.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")
        engine = "DuckDB" if args.engine == "duckdb" else "Spark local[2]"
        print(
            f"| {record['date']} | {size:,} | {rows['events']:,} | {engine} "
            f"| {figures['wall_s']:.1f} s | {figures['cpu_s']:.1f} s "
            f"| {figures['peak_rss_mb']:,} MB | {figures['peak_spill_mb']:,} MB "
            f"| {figures['output_rows']:,} | {figures['load_before']} / {figures['load_after']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
