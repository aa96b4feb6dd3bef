"""Benchmark: the measure library from 1M to 60M patients (the scaling curve), DuckDB or Spark.

    python benchmarks/bench_scaling.py --sizes 1000000,3000000,10000000 [--engine spark]
    python benchmarks/bench_scaling.py --sizes 200000 --months 24 --engine spark --runs 3
    python benchmarks/bench_scaling.py --sizes 60000000

Each benchmark builds its own input: for each size the synthetic dataset is generated once with
`commissioning synth` (cached under benchmarks/results/synth-N-M/, written to a `.partial`
folder and renamed only when complete). Then the measure library runs **as a user runs it**:
`commissioning measures DIR -o OUT [--engine spark]` in a child process, with the command's own
defaults (add options with --command-args, e.g. "--spark-memory 8g"). For each run: wall clock,
processor time (user + system of the command and of every process below it, the JVM that
PySpark starts included: sampled from /proc twice a second, so a JVM's last half second may be
missed), peak resident memory (the largest process's high-water mark), the peak size of the
temporary folder (DuckDB's spill folder, or Spark's scratch folder: the child's TMPDIR), output
rows, and the load average before and after. With --runs N the median run (by wall clock) is
reported, with every run's figures in the record. Figures are appended as JSON lines to
benchmarks/results/scaling.jsonl and printed as Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
COMMISSIONING = [sys.executable, "-m", "commissioning"]  # the `commissioning` command


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


def run_command(folder: Path, engine: str, out: Path, spill_root: Path, extra: list[str]) -> dict:
    """Run `commissioning measures` on ``folder`` once, as a user would, and return its figures."""
    import pyarrow.parquet as pq

    spill = Path(tempfile.mkdtemp(prefix="measures-tmp-", dir=spill_root))
    command = [*COMMISSIONING, "measures", str(folder), "-o", str(out)]
    if engine == "spark":
        command += ["--engine", "spark"]
    command += extra
    load_before = loadavg()
    monitor = Monitor(spill)
    wall0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, env={**os.environ, "TMPDIR": str(spill)}, stderr=err)
        monitor.start()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own figures, from the kernel
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - wall0
        monitor.stop.set()
        monitor.join()
        err.seek(0)
        stderr = err.read()
    shutil.rmtree(spill, ignore_errors=True)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-4000:]}")
    # The command (and whatever it waited for) from the kernel; the processes below it that it
    # did not wait for (the JVM, which outlives the Python process by a moment) from the samples.
    own_cpu = usage.ru_utime + usage.ru_stime
    others = {pid: v for pid, v in monitor.kids.items() if pid != child.pid}
    peak = max([usage.ru_maxrss / 1024] + [m for _, m in others.values()])
    return {
        "command": "commissioning " + " ".join(command[3:]),
        "wall_s": round(wall, 1),
        "cpu_s": round(own_cpu + sum(c for c, _ in others.values()), 1),
        "peak_rss_mb": round(peak),
        "peak_tmp_mb": round(monitor.peak_spill / 2**20),
        "output_rows": pq.ParquetFile(out).metadata.num_rows,
        "load_before": load_before,
        "load_after": loadavg(),
        "progress": [ln for ln in stderr.splitlines() if ln.strip()],
    }


def median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]


def ensure_dataset(patients: int, months: int) -> tuple[Path, dict | None]:
    folder = RESULTS / f"synth-{patients}-{months}"
    if (folder / "events.parquet").exists():
        return folder, None
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before, t = loadavg(), time.perf_counter()
    subprocess.run(
        [*COMMISSIONING, "synth", "--patients", str(patients), "--months", str(months)]
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
    p.add_argument("--runs", type=int, default=1, help="runs of each size (the median is shown)")
    p.add_argument(
        "--command-args", default="", help='more options for the command, e.g. "--spark-memory 8g"'
    )
    p.add_argument("--spill-root", default=str(RESULTS), help="where temporary folders are made")
    args = p.parse_args()
    RESULTS.mkdir(exist_ok=True)
    extra = shlex.split(args.command_args)
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        folder, generated = ensure_dataset(size, args.months)
        rows = dataset_rows(folder)
        # DuckDB's output is kept for the web load test (benchmarks/load_test.py).
        out = RESULTS / (
            f"measures-{folder.name}.parquet"
            if args.engine == "duckdb"
            else f"measures-spark-{folder.name}.parquet"
        )
        runs = []
        for i in range(args.runs):
            runs.append(run_command(folder, args.engine, out, Path(args.spill_root), extra))
            r = runs[-1]
            print(
                f"run {i + 1} of {args.runs}: {r['wall_s']} s wall, {r['cpu_s']} s processor, "
                f"load {r['load_before']} / {r['load_after']}",
                file=sys.stderr,
                flush=True,
            )
        figures = median_run(runs)
        record = {
            "date": str(dt.date.today()),
            "engine": args.engine,
            "patients": size,
            "months": args.months,
            "rows": rows,
            "generated": generated,
            **{k: v for k, v in figures.items() if k != "progress"},
            "runs": runs,
        }
        with open(RESULTS / "scaling.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")
        print("\n".join(figures["progress"]), flush=True)
        engine = "DuckDB" if args.engine == "duckdb" else "Spark (command defaults)"
        walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
        print(
            f"| {record['date']} | {size:,} | {rows['events']:,} | {engine} "
            f"| {figures['wall_s']:.1f} s (runs: {walls}) | {figures['cpu_s']:.1f} s "
            f"| {figures['peak_rss_mb']:,} MB | {figures['peak_tmp_mb']:,} MB "
            f"| {figures['output_rows']:,} | {figures['load_before']} / {figures['load_after']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
