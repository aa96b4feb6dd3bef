"""Building the synthetic demo: `commissioning demo --no-serve` into a fresh SQLite file.

Target: under 2 minutes (issue 24), and small enough that the test suite's `demo` fixture stays
quick. Each run is a separate process into a new database (as `make demo` runs it, migrations
included), timed for wall and processor time (the child's user + system time); the median of
three runs is reported with the load average.

With ``--baseline SRC`` (a source tree, e.g. an older commit exported with ``git archive``), the
same is done with that tree's demo in the same session, and the ratio is given against it.

    python benchmarks/bench_demo.py [--baseline /tmp/old/src]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
RUNS = 3


def one_build(src: Path) -> tuple[float, float]:
    """(wall, processor) seconds of one build of the demo from the source tree ``src``."""
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(src), "COMMISSIONING_DATA": tmp}
        db = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "commissioning", "demo", "--db", db, "--no-serve",
             "--password", "bench-Pa55word"],
            env=env,
            check=True,
            capture_output=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_of(src: Path) -> tuple[float, float]:
    runs = [one_build(src) for _ in range(RUNS)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="source tree of the baseline demo")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    wall, cpu = median_of(SRC)
    ratio = ""
    if args.baseline:
        base_wall, base_cpu = median_of(args.baseline)
        ratio = f"{wall / base_wall:.2f} wall, {cpu / base_cpu:.2f} processor"
        print(
            f"| {dt.date.today()} | baseline ({args.baseline}) | {base_wall:.1f} s | "
            f"{base_cpu:.1f} s | 1.00 | {load:.1f} |"
        )
    print(f"| {dt.date.today()} | this tree | {wall:.1f} s | {cpu:.1f} s | {ratio} | {load:.1f} |")
    return 0 if wall < 120 else 1


if __name__ == "__main__":
    sys.exit(main())
