"""Benchmark: importing national-size NHS published files in their published layouts.

    .venv/bin/python benchmarks/bench_formats.py [--practices 6500] [--runs 3]

Writes, in a temporary folder, synthetic files in the published layouts: a quinary-age GP
registration file (every practice x 2 sexes x 20 bands, plus the ALL subtotal rows and some
PCN rows, as published), a QOF prevalence file (every practice x 21 groups, 2020-21 layout),
the single-year-of-age male and female files (every practice x 96 ages 0 … 94, 95+, plus each
sex's ALL subtotal; imported together, as one upload) and a national QOF achievement file
(every practice x 70 indicators: 12 register-only with REGISTER and ACHIEVED_POINTS, 58 with
NUMERATOR, DENOMINATOR, PCAS and ACHIEVED_POINTS; 15 of them are in the database as QOF_
indicators, so their values are stored and the rest listed as not matched).
The practices (and the 15 indicators) are imported first, untimed; then each file is imported with
`commissioning import` in a fresh process, twice (the second time every row is unchanged).
Times include starting the process; each of --runs runs imports into a fresh database, and the
medians of wall clock and processor time (the import process's user + system) are printed
last. Counts are synthetic. This is not a test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BANDS = [f"{a}_{a + 4}" for a in range(0, 95, 5)] + ["95+"]
GROUPS = {
    "AF": "TOTAL", "AST": "06OV", "CAN": "TOTAL", "CHD": "TOTAL", "CKD": "18OV", "COPD": "TOTAL",
    "DEM": "TOTAL", "DEP": "18OV", "DM": "17OV", "EP": "18OV", "HF": "TOTAL", "HYP": "TOTAL",
    "LD": "TOTAL", "MH": "TOTAL", "NDH": "18OV", "OB": "18OV", "OST": "50OV", "PAD": "TOTAL",
    "PC": "TOTAL", "RA": "16OV", "STIA": "TOTAL",
}  # fmt: skip


def write_inputs(folder: Path, practices: int) -> dict[str, Path]:
    rnd = random.Random(9)
    codes = [f"B{i:05d}" for i in range(practices)]
    orgs = folder / "organisations.csv"
    orgs.write_text(
        "ods_code,name,kind\n" + "".join(f"{c},Synthetic practice {c},gp_practice\n" for c in codes)
    )
    quin = folder / "gp-reg-pat-prac-quin-age.csv"
    with quin.open("w") as f:
        f.write(
            "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
            "NUMBER_OF_PATIENTS\n"
        )
        for c in codes:
            head = f"GP_PRAC_PAT_LIST,01Apr2024,GP,{c},,TS1 1AA"
            total = 0
            for sex in ("FEMALE", "MALE"):
                part = 0
                for band in BANDS:
                    n = rnd.randint(0, 600)
                    part += n
                    f.write(f"{head},{sex},{band},{n}\n")
                f.write(f"{head},{sex},ALL,{part}\n")
                total += part
            f.write(f"{head},ALL,ALL,{total}\n")
        for i in range(practices // 5):
            f.write(f"GP_PRAC_PAT_LIST,01Apr2024,PCN,U{i:05d},,,ALL,ALL,50000\n")
    qof = folder / "PREVALENCE_2021.csv"
    with qof.open("w") as f:
        f.write("PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n")
        for c in codes:
            size = rnd.randint(2000, 20000)
            for group, list_type in GROUPS.items():
                f.write(f"{c},{group},{rnd.randint(0, size // 10)},{list_type},{size}\n")
    single = []
    for sex in ("MALE", "FEMALE"):
        path = folder / f"gp-reg-pat-prac-sing-age-{sex.lower()}.csv"
        with path.open("w") as f:
            f.write(
                "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,"
                "ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
            )
            for c in codes:
                head = f"GP_PRAC_PAT_LIST,01May2024,GP,16C,E38000247,{c},TS1 1AA,{sex}"
                ages = [rnd.randint(0, 120) for _ in range(96)]
                f.write(f"{head},ALL,{sum(ages)}\n")
                for age, n in zip([*range(95), "95+"], ages, strict=True):
                    f.write(f"{head},{age},{n}\n")
        single.append(path)
    indicators = folder / "indicators.csv"
    codes_qof = [f"{g}{i:03d}" for g in ("DM", "DEM", "STIA", "CHD", "HYP") for i in range(1, 15)]
    register_only, fractions = codes_qof[:12], codes_qof[12:70]
    indicators.write_text(
        "code,name,domain,unit,polarity,frequency\n"
        + "".join(
            f"QOF_{c},QOF indicator {c},quality,%,higher_better,annual\n" for c in fractions[:15]
        )
    )
    achievement = folder / "ACHIEVEMENT_2324.csv"
    with achievement.open("w") as f:
        f.write("PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\n")
        for c in codes:
            for ind in register_only:
                f.write(f"{c},{ind},REGISTER,{rnd.randint(0, 900)}\n{c},{ind},ACHIEVED_POINTS,6\n")
            for ind in fractions:
                den = rnd.randint(0, 900)
                num = rnd.randint(0, den)
                f.write(
                    f"{c},{ind},NUMERATOR,{num}\n{c},{ind},DENOMINATOR,{den}\n"
                    f"{c},{ind},PCAS,{rnd.randint(0, 40)}\n{c},{ind},ACHIEVED_POINTS,1.5\n"
                )
    return {
        "organisations": orgs,
        "indicators": indicators,
        "quinary": quin,
        "qof": qof,
        "single-age": single,
        "qof-achievement": achievement,
    }


def cli(*args: object, folder: Path) -> tuple[float, float, str]:
    """Run `commissioning ARGS`; its wall clock, its processor time (user + system) and output."""
    env = {**os.environ, "COMMISSIONING_DATA": str(folder)}
    env.pop("DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "commissioning", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return elapsed, cpu, out.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--practices", type=int, default=6500)
    ap.add_argument("--runs", type=int, default=3, help="runs, each into a fresh database")
    args = ap.parse_args()
    names = ("quinary", "qof", "single-age", "qof-achievement")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_inputs(folder, args.practices)
        for run in range(1, args.runs + 1):
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(f"run {run} of {args.runs} (load average {' '.join(load)})")
            db = f"sqlite:///{folder / f'bench{run}.sqlite3'}"
            cli("import", files["organisations"], files["indicators"], "--db", db, folder=folder)
            for name in names:
                paths = files[name] if isinstance(files[name], list) else [files[name]]
                rows = sum(sum(1 for _ in p.open()) - 1 for p in paths)
                for label in ("first import", "re-import"):
                    seconds, cpu, out = cli("import", *paths, "--db", db, folder=folder)
                    times.setdefault((name, label), []).append((seconds, cpu))
                    counts = [line.strip() for line in out.splitlines() if line.startswith("  ")]
                    print(
                        f"{name}: {rows:,} published rows, {label}: {seconds:.1f} s "
                        f"({cpu:.1f} s processor); {counts}"
                    )
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(f"  largest import process so far: {peak:.0f} MB")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory of one import process: {peak:.0f} MB")
    print(f"medians of {args.runs} runs (wall clock, processor time):")
    for (name, label), values in times.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        runs = ", ".join(f"{v[0]:.1f}" for v in values)
        print(f"| {name} | {label} | {wall:.1f} s (runs: {runs}) | {cpu:.1f} s |")


if __name__ == "__main__":
    main()
