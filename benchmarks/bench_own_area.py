"""Benchmark: every step of docs/guide/own-area.md with files of national size.

    .venv/bin/python benchmarks/bench_own_area.py [--practices 6500] [--runs 3]

Writes, in a temporary folder, synthetic files in the published layouts at national size: ODS
eccg (106 sub-ICB locations and 300 closed CCGs) and epraccur (6,500 practices and 8,500 other
prescribing cost centres); QOF's mapping of NHS geographies (England, 7 regions, 42 ICBs, the
106 sub-ICB locations, 1,250 PCNs, a row per practice); the quinary-age registration file (every
practice x 2 sexes x 20 bands with the ALL rows, and PCN rows); two QOF prevalence files (every
practice x 21 groups); a Fingertips export of QOF prevalence (England and every practice, three
indicators, two years); 24 monthly registration totals files (every practice: ALL, MALE,
FEMALE); 24 monthly Recorded Dementia Diagnoses files (England, regions, ICBs, sub-ICB
locations, five measures each). Then it runs the guide's commands on a new SQLite database, in
order, each in a fresh process as a user would, and reports wall and processor time (the child
process's user + system time) for each step: the median of ``--runs`` runs, each on a new
database, and the ratio of each step to the quinary import of the same run (the yardstick of
docs/benchmarks.md). Counts are synthetic. Not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
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
MONTHS = [(2019 + (3 + i) // 12, (3 + i) % 12 + 1) for i in range(24)]  # Apr 2019 ... Mar 2021
MON = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
PAGE = """
import sys
from commissioning.store.runtime import setup
setup(migrate=False)
from django.contrib.auth import get_user_model
from django.test import Client
c = Client()
c.force_login(get_user_model().objects.get(username="cara"))
assert c.get(sys.argv[1]).status_code == 200
"""


def ods_row(code, name, *, opened="20130401", closed="", status="A", parent="", setting=""):
    cells = [""] * 27
    cells[0], cells[1], cells[9], cells[10], cells[11] = code, name, "TS1 1AA", opened, closed
    cells[12], cells[13], cells[14], cells[15], cells[25] = status, "B", parent, "20200401", setting
    if not setting:
        cells[12] = cells[13] = cells[14] = cells[15] = ""
    return ",".join(f'"{c}"' for c in cells) + "\n"


def write_inputs(folder: Path, practices: int) -> dict:
    rnd = random.Random(21)
    regions = [f"Y{56 + i}" for i in range(7)]
    icbs = [f"Q{c}" for c in ("HM", "OQ", "JK", "NC", "WU", "UE", "OX")] + [
        f"Q{i:02d}" for i in range(35)
    ]
    subs = [f"{i:02d}{chr(65 + i % 26)}" for i in range(106)]
    codes = [f"B{i:05d}" for i in range(practices)]
    sub_of = {c: subs[i % len(subs)] for i, c in enumerate(codes)}
    icb_of = {s: icbs[i % len(icbs)] for i, s in enumerate(subs)}
    region_of = {q: regions[i % len(regions)] for i, q in enumerate(icbs)}
    with (folder / "eccg.csv").open("w") as f:
        for s in subs:
            f.write(ods_row(s, f"NHS SYNTHETIC ICB - {s}", opened="20220701"))
        for i in range(300):
            f.write(ods_row(f"9{i:02d}", f"NHS CLOSED {i} CCG", closed="20220630"))
    with (folder / "epraccur.csv").open("w") as f:
        for c in codes:
            f.write(ods_row(c, f"PRACTICE {c}", parent=sub_of[c], setting="4"))
        for i in range(8500):
            f.write(ods_row(f"Y{i:05d}", f"COST CENTRE {i}", parent=subs[i % 106], setting="26"))
    with (folder / "MAPPING_NHS_GEOGRAPHIES_2021.csv").open("w") as f:
        f.write(
            "NAT_ONS_CODE,NAT_CODE,COUNTRY,REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME,"
            "STP_ODS_CODE,STP_ONS_CODE,STP_NAME,CCG_ODS_CODE,CCG_ONS_CODE,CCG_NAME,PCN_ODS_CODE,"
            "PCN_NAME,PRACTICE_CODE,PRACTICE_NAME\n"
        )
        for i, c in enumerate(codes):
            s = sub_of[c]
            q = icb_of[s]
            r = region_of[q]
            f.write(
                f"E92000001,ENG,England,{r},E4000000{r[-1]},Region {r},{q},E54000001,ICB {q},"
                f"{s},E38000001,CCG {s},U{i // 5:05d},PCN {i // 5},{c},Practice {c}\n"
            )
    with (folder / "gp-reg-pat-prac-quin-age.csv").open("w") as f:
        f.write(
            "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
            "NUMBER_OF_PATIENTS\n"
        )
        for c in codes:
            head = f"GP_PRAC_PAT_LIST,01MAR2021,GP,{c},,TS1 1AA"
            total = 0
            for sex in ("FEMALE", "MALE"):
                part = 0
                for band in BANDS:
                    n = rnd.randint(20, 600)
                    part += n
                    f.write(f"{head},{sex},{band},{n}\n")
                f.write(f"{head},{sex},ALL,{part}\n")
                total += part
            f.write(f"{head},ALL,ALL,{total}\n")
        for i in range(practices // 5):
            f.write(f"GP_PRAC_PAT_LIST,01MAR2021,PCN,U{i:05d},,,ALL,ALL,50000\n")
    sizes = {c: rnd.randint(2000, 20000) for c in codes}
    for name, header in (
        ("PREVALENCE_1920.csv", "PATIENT_LIST_SIZE"),
        ("PREVALENCE_2021_v2.csv", "PRACTICE_LIST_SIZE"),
    ):
        with (folder / name).open("w") as f:
            f.write(f"PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,{header}\n")
            for c in codes:
                for group, list_type in GROUPS.items():
                    f.write(
                        f"{c},{group},{rnd.randint(0, sizes[c] // 10)},{list_type},{sizes[c]}\n"
                    )
    with (folder / "indicators-England.data.csv").open("w") as f:
        f.write(
            "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,"
            "Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,"
            "Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,"
            "Value note,Recent Trend,Compared to England value or percentiles,"
            "Compared to percentiles,Time period Sortable,New data,Compared to goal\n"
        )
        for ind, name in (("241", "Diabetes"), ("247", "Dementia"), ("212", "Stroke")):
            for period in ("2019/20", "2020/21"):
                tail = f",,,Not compared,Not compared,{period[:4]}0000,,"
                f.write(
                    f"{ind},{name}: QOF prevalence,,,E92000001,England,England,Persons,All ages"
                    f",,,{period},7.1,7.0,7.2,6.9,7.3,3491868,49122259{tail}\n"
                )
                for c in codes:
                    f.write(
                        f"{ind},{name}: QOF prevalence,E92000001,England,{c},Practice {c},GP,"
                        f"Persons,All ages,,,{period},7.1,6.5,7.7,6.2,8.0,700,9800{tail}\n"
                    )
    totals = folder / "gp-reg-pat-prac-all"
    totals.mkdir()
    for year, month in MONTHS:
        with (totals / f"gp-reg-pat-prac-all-{year}-{month:02d}.csv").open("w") as f:
            f.write(
                "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
                "NUMBER_OF_PATIENTS\n"
            )
            date = f"01{MON[month - 1].upper()}{year}"
            for c in codes:
                n = sizes[c] + rnd.randint(-50, 50)
                male = n // 2
                head = f"GP_PRAC_PAT_LIST,{date},GP,{sub_of[c]},E38000001,{c},TS1 1AA"
                f.write(
                    f"{head},ALL,ALL,{n}\n{head},FEMALE,ALL,{n - male}\n{head},MALE,ALL,{male}\n"
                )
    dementia = folder / "dem-diag-ind-nhs"
    dementia.mkdir()
    orgs = [("COUNTRY_RESPONSIBILITY", "ENG")] + [("NHS_REGION", r) for r in regions]
    orgs += [("STP", q) for q in icbs] + [("CCG", s) for s in subs]
    for year, month in MONTHS:
        end = f"28{MON[month - 1].upper()}{year}"
        with (dementia / f"dem-diag-ind-nhs-{MON[month - 1]}-{year}.csv").open("w") as f:
            f.write("ACH_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,MEASURE,VALUE,DQ\n")
            for kind, code in orgs:
                est = rnd.randint(2000, 9000) + 0.5
                reg = int(est * rnd.uniform(0.6, 0.72))
                rate = 100 * reg / est
                for measure, value in (
                    ("DEMENTIA_REGISTER_65_PLUS", reg),
                    ("DEMENTIA_ESTIMATE_65_PLUS", f"{est:.1f}"),
                    ("DIAG_RATE_65_PLUS", f"{rate:.1f}"),
                    ("DIAG_RATE_65_PLUS_LL", f"{rate - 1:.1f}"),
                    ("DIAG_RATE_65_PLUS_UL", f"{rate + 1:.1f}"),
                ):
                    f.write(f"{end},{kind},{code},,{measure},{value},\n")
    return {"sub_icb": subs[0], "practices": practices}


def steps(sub_icb: str) -> list[tuple[str, list[str], str | None]]:
    """(label, command, standard input) for each step of the guide, in order."""
    pw = "Bench-Pa55-word\n"
    return [
        ("1. first login", ["user", "add", "ada", "--role", "administrator",
                            "--password-stdin"], pw),
        ("2. ODS and geographies", ["import", "eccg.csv", "MAPPING_NHS_GEOGRAPHIES_2021.csv",
                                    "epraccur.csv", "--allow-unmatched"], None),
        ("3. registered patients by age (quinary)", ["import",
                                                     "gp-reg-pat-prac-quin-age.csv"], None),
        ("4. area create", ["area", "create", "--commissioner", sub_icb, "--as-at", "2021-03-31",
                            "--code", "bench"], None),
        ("4. commissioner's login", ["user", "add", "cara", "--role", "commissioner",
                                     "--community", "bench", "--password-stdin"], pw),
        ("5. QOF prevalence, two years", ["import", "PREVALENCE_1920.csv",
                                          "PREVALENCE_2021_v2.csv"], None),
        ("6. indicator library", ["indicators", "load"], None),
        ("6. Fingertips export", ["import", "indicators-England.data.csv", "--allow-unmatched"],
         None),
        ("7. registered patients, 24 months", ["import", "gp-reg-pat-prac-all/*"], None),
        ("7. dementia diagnosis, 24 months", ["import", "dem-diag-ind-nhs/*",
                                              "--allow-unmatched"], None),
        ("8. needs page, diabetes", ["PAGE", "/communities/bench/needs/diabetes/"], None),
        ("9. monitoring summary", ["monitoring", "--community", "bench"], None),
        ("10. board PDF", ["report", "--community", "bench", "-o", "board.pdf"], None),
    ]  # fmt: skip


def run_step(command: list[str], stdin: str | None, folder: Path, env: dict) -> tuple[float, float]:
    if command[0] == "PAGE":
        argv = [sys.executable, "-c", PAGE, command[1]]
    else:
        expanded = []
        for part in command:
            expanded += sorted(str(p) for p in folder.glob(part)) if "*" in part else [part]
        argv = [sys.executable, "-m", "commissioning", *expanded]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, cwd=folder, env=env, input=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stdout}{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--practices", type=int, default=6500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        made = write_inputs(files, args.practices)
        results: dict[str, list[tuple[float, float]]] = {}
        for r in range(args.runs):
            folder = Path(tmp) / f"run{r}"
            shutil.copytree(files, folder)
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder / 'own-area.sqlite3'}",
                "COMMISSIONING_DATA": str(folder / "data"),
            }
            for label, command, stdin in steps(made["sub_icb"]):
                wall, cpu = run_step(command, stdin, folder, env)
                results.setdefault(label, []).append((wall, cpu))
                print(f"run {r + 1}: {label}: {wall:.1f} s wall, {cpu:.1f} s processor", flush=True)
            shutil.rmtree(folder)
        base = statistics.median(w for w, _ in results["3. registered patients by age (quinary)"])
        print(
            f"\nMedian of {args.runs} runs, {args.practices:,} practices (load {os.getloadavg()}):"
        )
        print("| step | wall (s) | processor (s) | ratio to the quinary import |")
        print("|---|---|---|---|")
        for label, values in results.items():
            wall = statistics.median(w for w, _ in values)
            cpu = statistics.median(c for _, c in values)
            print(f"| {label} | {wall:.1f} | {cpu:.1f} | {wall / base:.2f} |")


if __name__ == "__main__":
    main()
