"""Run a benchmark command and keep its command line and whole output beside the docs.

    python benchmarks/keep.py NAME -- COMMAND [ARGS...]

Every figure in docs/benchmarks.md comes from a run kept this way: the output is printed as it
comes and written, with the date, the commit, the machine, the command, the load average
before and after, the exit status and the wall clock, to docs/benchmarks/runs/DATE-NAME.txt
(committed; benchmarks/results/, where benchmarks cache their inputs, is git-ignored). A
progress bar's redrawn line is kept in its final state.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "docs" / "benchmarks" / "runs"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def machine() -> str:
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 2**20:.0f} GB"
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{cpu}, {os.cpu_count()} processors, {memory}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}"
    )


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    name, command = sys.argv[1], sys.argv[3:]
    now = dt.datetime.now(dt.UTC)
    RUNS.mkdir(parents=True, exist_ok=True)
    path = RUNS / f"{now:%Y-%m-%d}-{name}.txt"
    n = 1
    while path.exists():  # another run of the same name that day
        n += 1
        path = RUNS / f"{now:%Y-%m-%d}-{name}-{n}.txt"
    changed = git("status", "--porcelain", "--", "src", "benchmarks")
    dirty = " (with uncommitted changes)" if changed else ""
    header = [
        f"# {name}",
        f"date: {now:%Y-%m-%d %H:%M} UTC",
        f"commit: {git('rev-parse', '--short', 'HEAD')}{dirty}",
        f"machine: {machine()}",
        f"command: {shlex.join(command)}",
        f"load average before: {loadavg()}",
        "--- output (standard output and error) ---",
    ]
    start = time.perf_counter()
    chunks = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        for chunk in iter(lambda: proc.stdout.read1(4096), b""):
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            chunks.append(chunk)
    wall = time.perf_counter() - start
    text = b"".join(chunks).decode(errors="replace")
    lines = [ln.rstrip("\r").rsplit("\r", 1)[-1] for ln in text.rstrip("\n").split("\n")]
    footer = [
        "--- end of output ---",
        f"exit status: {proc.returncode}",
        f"wall clock: {wall:.1f} s",
        f"load average after: {loadavg()}",
    ]
    path.write_text("\n".join(header + lines + footer) + "\n")
    print(f"kept in {path.relative_to(ROOT)}", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
