"""Benchmark: checking and importing 1,000,000 indicator observation rows into SQLite.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--runs 3] [--again] [--undo]

Each run happens in a fresh process on a fresh SQLite file: the reference records (1,000
practices, 20 indicators) are imported first, untimed; then one CSV of observations is read,
checked and loaded, timed from the call to the end of the transaction. Peak memory is the
process's maximum resident set size. With ``--again`` each run then imports the same file once
more, in a new process (every row unchanged), and times that too. With ``--undo`` each run
then undoes the observations' import, in a new process (every row removed, its values kept in
the undo's history), and times that. Results go to standard output; the figures in
docs/benchmarks.md (Import) come from here. This is not a test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PRACTICES = 1000
INDICATORS = 20


def write_inputs(folder: Path, rows: int) -> tuple[list[Path], Path]:
    orgs = folder / "organisations.csv"
    with orgs.open("w") as f:
        f.write("ods_code,name,kind\n")
        for i in range(PRACTICES):
            f.write(f"B{i:05d},Synthetic practice {i},gp_practice\n")
    inds = folder / "indicators.csv"
    with inds.open("w") as f:
        f.write("code,name,domain,unit,polarity,frequency\n")
        for j in range(INDICATORS):
            f.write(f"IND{j:02d},Synthetic indicator {j},quality,%,higher_better,monthly\n")
    months = -(-rows // (PRACTICES * INDICATORS))
    obs = folder / "observations.csv"
    n = 0
    with obs.open("w") as f:
        f.write("indicator_code,organisation_ods,period,value,numerator,denominator\n")
        for m in range(months):
            year, month = 2000 + m // 12, m % 12 + 1
            period = f"{year}-{month:02d}-01" if m % 2 else f"01/{month:02d}/{year}"
            for j in range(INDICATORS):
                for i in range(PRACTICES):
                    if n == rows:
                        break
                    num = (i * 7 + j * 13 + m) % 500
                    den = 1000 + (i * 31 + m) % 9000
                    f.write(f'IND{j:02d},B{i:05d},{period},{num / den * 100:.3f},{num},"{den:,}"\n')
                    n += 1
    return [orgs, inds], obs


def one_run(folder: Path, again: bool = False, undo: bool = False) -> dict:
    """In this process: import the reference files, then time the observations (``again``:
    the database holds them already; time importing them once more; ``undo``: time undoing
    the import that added them)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["COMMISSIONING_DATA"] = str(folder)
    from commissioning.store.runtime import setup

    setup(None)
    from commissioning.ingest import import_files

    if undo:
        return _undo_run()

    if not again:
        refs = sorted(folder.glob("organisations.csv")) + sorted(folder.glob("indicators.csv"))
        import_files(refs)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    counts = import_files([folder / "observations.csv"])
    seconds = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    added, unchanged = counts["observations"].added, counts["observations"].unchanged
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak_mb,
        "added": added,
        "unchanged": unchanged,
        "load": load,
    }


def _undo_run() -> dict:
    """Undo the import that added the observations (the newest import standing)."""
    from commissioning.ingest.undo import undo
    from commissioning.store.models import Import

    imp = Import.objects.filter(counts__has_key="observations", undoes__isnull=True).latest("id")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    done = undo(imp)
    seconds = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "removed": done.counts["observations"]["removed"],
        "load": os.getloadavg()[0],
    }


def _timed(run_dir: Path, again: bool, undo: bool = False) -> dict:
    """One run in a fresh process."""
    flags = (["--again"] if again else []) + (["--undo"] if undo else [])
    out = subprocess.run(
        [sys.executable, __file__, "--one-run", str(run_dir), *flags],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _say(label: str, res: dict) -> None:
    print(
        f"{label}: {res['seconds']:.1f} s ({res['cpu']:.1f} s CPU), peak memory "
        f"{res['peak_mb']:.0f} MB, load average {res['load']:.1f}"
    )


def _median(label: str, results: list[dict]) -> None:
    print(
        f"{label}: {statistics.median(r['seconds'] for r in results):.1f} s "
        f"({statistics.median(r['cpu'] for r in results):.1f} s CPU), "
        f"peak memory {statistics.median(r['peak_mb'] for r in results):.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--again", action="store_true", help="also time importing the file again")
    ap.add_argument("--undo", action="store_true", help="also time undoing the import")
    ap.add_argument("--one-run", metavar="FOLDER", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_run:
        print(json.dumps(one_run(Path(args.one_run), again=args.again, undo=args.undo)))
        return
    results, agains, undos = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs"
        inputs.mkdir()
        write_inputs(inputs, args.rows)
        size = (inputs / "observations.csv").stat().st_size / 1e6
        print(f"{args.rows:,} observation rows, {size:.0f} MB of CSV; {os.cpu_count()} cores")
        for r in range(args.runs):
            run_dir = Path(tmp) / f"run{r}"
            run_dir.mkdir()
            for p in inputs.iterdir():
                (run_dir / p.name).symlink_to(p)
            res = _timed(run_dir, again=False)
            assert res["added"] == args.rows, res
            results.append(res)
            _say(f"run {r + 1}", res)
            if args.again:
                res = _timed(run_dir, again=True)
                assert res["unchanged"] == args.rows, res
                agains.append(res)
                _say(f"run {r + 1}, imported again", res)
            if args.undo:
                res = _timed(run_dir, again=False, undo=True)
                assert res["removed"] == args.rows, res
                undos.append(res)
                _say(f"run {r + 1}, undone", res)
    _median("median", results)
    if agains:
        _median("median, imported again", agains)
    if undos:
        _median("median, undone", undos)


if __name__ == "__main__":
    main()
