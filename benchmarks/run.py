"""Run every benchmark in this folder (one command: `make bench`) and print their rows.

Benchmarks time real work on the 2-core machine and print Markdown rows for
docs/benchmarks.md. They are never run by the test suite: tests do not assert wall-clock times.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)])
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
