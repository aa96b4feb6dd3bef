"""Benchmark: checking and importing 1,000,000 indicator observation rows into SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--runs 3] [--again] [--undo]
        [--postgres postgres://postgres@127.0.0.1:54329/NAME] [--baseline OLD/src]

Each run happens in a fresh process on a fresh SQLite file: the reference records (1,000
practices, 20 indicators) are imported first, untimed; then one CSV of observations is read,
checked and loaded, timed from the call to the end of the transaction. Peak memory is the
process's maximum resident set size. With ``--again`` each run then imports the same file once
more, in a new process (every row unchanged), and times that too. With ``--undo`` each run
then undoes the observations' import, in a new process (every row removed, its values kept in
the undo's history), and times that. Results go to standard output; the figures in
docs/benchmarks.md (Import) come from here. This is not a test and asserts nothing about time.

``--postgres URL``: each run on a fresh PostgreSQL database (``NAME_1``, ``NAME_2``, ... made
and dropped by the script) instead of a SQLite file; the processor time is this process's, not
the server's. ``--baseline DIR``: each round first runs the code in DIR (a ``src`` folder, e.g.
from ``git archive main src``) on its own database, then this checkout's, so that both meet the
same load; the medians of each and their ratio are printed.
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


def one_run(folder: Path, again: bool = False, undo: bool = False, db: str | None = None) -> dict:
    """In this process: import the reference files, then time the observations (``again``:
    the database holds them already; time importing them once more; ``undo``: time undoing
    the import that added them). ``db``: the database's address (default a SQLite file)."""
    os.environ["DATABASE_URL"] = db or f"sqlite:///{folder / 'bench.sqlite3'}"
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


def _timed(
    run_dir: Path, again: bool, undo: bool = False, db: str | None = None, src: str | None = None
) -> dict:
    """One run in a fresh process (``src``: with that source folder first on the path)."""
    flags = (["--again"] if again else []) + (["--undo"] if undo else [])
    flags += ["--db", db] if db else []
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    out = subprocess.run(
        [sys.executable, __file__, "--one-run", str(run_dir), *flags],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fresh_database(url: str, suffix: str, drop_only: bool = False) -> str:
    """``url`` with its database name + ``suffix``, made empty (dropped if it was there)."""
    import psycopg

    base, _, name = url.rpartition("/")
    name = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


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
    ap.add_argument("--postgres", metavar="URL", help="PostgreSQL address (fresh NAME_n per run)")
    ap.add_argument("--baseline", metavar="SRC", help="source folder of the code to compare with")
    ap.add_argument("--one-run", metavar="FOLDER", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_run:
        print(json.dumps(one_run(Path(args.one_run), args.again, args.undo, args.db)))
        return
    codes = [("baseline", str(Path(args.baseline).resolve()))] if args.baseline else []
    codes.append(("this checkout", None))
    every = {label: ([], [], []) for label, _ in codes}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs"
        inputs.mkdir()
        write_inputs(inputs, args.rows)
        size = (inputs / "observations.csv").stat().st_size / 1e6
        where = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"{args.rows:,} observation rows, {size:.0f} MB of CSV; {os.cpu_count()} cores; {where}"
        )
        for r in range(args.runs):
            for n, (label, src) in enumerate(codes):  # in turn, so that each meets the same load
                run_dir = Path(tmp) / f"run{r}_{n}"
                run_dir.mkdir()
                for p in inputs.iterdir():
                    (run_dir / p.name).symlink_to(p)
                db = _fresh_database(args.postgres, f"{r}_{n}") if args.postgres else None
                results, agains, undos = every[label]
                name = f"run {r + 1}, {label}" if args.baseline else f"run {r + 1}"
                res = _timed(run_dir, again=False, db=db, src=src)
                assert res["added"] == args.rows, res
                results.append(res)
                _say(name, res)
                if args.again:
                    res = _timed(run_dir, again=True, db=db, src=src)
                    assert res["unchanged"] == args.rows, res
                    agains.append(res)
                    _say(f"{name}, imported again", res)
                if args.undo:
                    res = _timed(run_dir, again=False, undo=True, db=db, src=src)
                    assert res["removed"] == args.rows, res
                    undos.append(res)
                    _say(f"{name}, undone", res)
                if args.postgres:
                    _fresh_database(args.postgres, f"{r}_{n}", drop_only=True)
    for label, (results, agains, undos) in every.items():
        what = f"median, {label}" if args.baseline else "median"
        _median(what, results)
        if agains:
            _median(f"{what}, imported again", agains)
        if undos:
            _median(f"{what}, undone", undos)
    if args.baseline:
        med = statistics.median
        for i, what in enumerate(["first import", "imported again", "undone"]):
            old, new = every["baseline"][i], every["this checkout"][i]
            if old and new:
                wall = med(r["seconds"] for r in new) / med(r["seconds"] for r in old)
                cpu = med(r["cpu"] for r in new) / med(r["cpu"] for r in old)
                print(f"ratio to baseline, {what}: wall {wall:.2f}, processor {cpu:.2f}")


if __name__ == "__main__":
    main()
