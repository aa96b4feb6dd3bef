"""Writes the SYNTHETIC files of tests/data/own-area/ (see tests/data/README.md).

    python tests/data/own-area/make_synthetic.py

No real sample of these publications with real counts is committed anywhere we could find, so
these are made up, in the published layouts, for the 22 GP practices of NHS Tees Valley CCG (16C)
that the real QOF 2019-20 and 2020-21 files beside them cover, shaped to look like the real
thing. Tests and the own-area guide read them; nothing else does. Deterministic: running it
again writes the same bytes.

- ``gp-reg-pat-prac-all/gp-reg-pat-prac-all-YYYY-MM.csv``: Patients Registered at a GP Practice,
  the all-ages totals file (layout to June 2022: PUBLICATION, EXTRACT_DATE, TYPE, CCG_CODE,
  ONS_CCG_CODE, CODE, POSTCODE, SEX, AGE, NUMBER_OF_PATIENTS), April 2019 to March 2021. Each
  practice's list moves smoothly from its real QOF 2019-20 list size (1 January 2020) to its
  real 2020-21 one (1 January 2021), with a little noise; one practice (A81026) cleans its list
  by 4% in October 2020, as practices do.
- ``gp-reg-pat-prac-quin-age.csv``: the quinary-age file (PUBLICATION, EXTRACT_DATE, ORG_TYPE,
  ORG_CODE, ONS_CODE, POSTCODE, SEX, AGE_GROUP_5, NUMBER_OF_PATIENTS) for 1 March 2021: each
  practice's March 2021 total shared over sex and five-year bands in proportion to England's
  registered population (rounded shares, largest remainders).
- ``dem-diag-ind-nhs/dem-diag-ind-nhs-<mon>-<yyyy>.csv``: Recorded Dementia Diagnoses by
  organisation (ACH_DATE, ORG_TYPE, ORG_CODE, ONS_CODE, MEASURE, VALUE, DQ) for England (ENG),
  the North East and Yorkshire region (Y63), the Cumbria and North East STP (QHM) and NHS Tees
  Valley CCG (16C), April 2019 to March 2021: register and estimate aged 65 and over, the rate
  (register / estimate x 100) and its 95% limits, with the fall of spring 2020 that the real
  national series shows.
- ``indicators-England.data.csv``: an OHID Fingertips data export (26 columns, as published)
  with England's QOF recorded prevalence of diabetes (17+), dementia and stroke and TIA for
  2019/20 and 2020/21: the counts are the totals of the whole real national QOF prevalence
  files of those years (every practice in England), the values and 95% Wilson limits worked
  out from them; the layout is Fingertips', the file itself is made here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_NOISE = [0.0012, -0.0008, 0.0005, -0.0011, 0.0009, -0.0003, 0.0007, -0.0006, 0.0002]

# England's registered patients by sex and five-year band (shares of everyone, per 1,000;
# the shape of the national quinary file, rounded): male then female, 0-4 ... 90-94, 95+
MALE = [28, 30, 29, 28, 32, 35, 36, 34, 32, 32, 34, 33, 29, 25, 24, 17, 11, 6, 2, 1]
FEMALE = [27, 28, 28, 27, 31, 35, 35, 33, 32, 32, 34, 33, 30, 26, 26, 19, 13, 8, 4, 2]
BANDS = [f"{a}_{a + 4}" for a in range(0, 95, 5)] + ["95+"]

# Estimated people aged 65+ with dementia (CFAS II), and the diagnosis rate before and after
# spring 2020, for each organisation of the dementia files.
DEMENTIA = {
    "ENG": ("COUNTRY_RESPONSIBILITY", "ENG", 682_000.0, 0.676, 0.617),
    "Y63": ("NHS_REGION", "E40000009", 116_500.0, 0.695, 0.642),
    "QHM": ("STP", "E54000050", 37_900.0, 0.712, 0.655),
    "16C": ("CCG", "E38000247", 9_350.0, 0.742, 0.671),
}
MONTHS = [dt.date(2019 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(24)]  # Apr 2019 ...

# Fingertips indicator id, name, register group, list type: what the needs page reads.
FINGERTIPS = [
    ("241", "Diabetes: QOF prevalence (17+)", "DM", "17+ yrs"),
    ("247", "Dementia: QOF prevalence (all ages)", "DEM", "All ages"),
    ("212", "Stroke: QOF prevalence (all ages)", "STIA", "All ages"),
]
# Totals of the whole national QOF prevalence files (every practice in England):
# (register, list size) by year and group, from PREVALENCE_1920.csv and PREVALENCE_2021_v2.csv.
NATIONAL = {
    "2019/20": {"DM": (3_455_176, 48_783_947), "DEM": (474_537, 60_407_685),
                "STIA": (1_086_155, 60_407_685)},
    "2020/21": {"DM": (3_491_868, 49_122_259), "DEM": (430_857, 60_716_244),
                "STIA": (1_093_593, 60_716_244)},
}  # fmt: skip


def lists(path: Path) -> dict[str, int]:
    """Each practice's whole list size (list type TOTAL) in a real QOF prevalence file."""
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    return {r[0]: int(r[4]) for r in rows[1:] if r[3] == "TOTAL"}


def write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(out.getvalue().encode("ascii"))


def shares(total: int, weights: list[int]) -> list[int]:
    """``total`` shared in proportion to ``weights``, whole numbers adding up to it."""
    raw = [total * w / sum(weights) for w in weights]
    whole = [math.floor(x) for x in raw]
    left = total - sum(whole)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - whole[i], reverse=True)[:left]:
        whole[i] += 1
    return whole


def monthly_lists(before: dict[str, int], after: dict[str, int]) -> dict[str, list[int]]:
    out = {}
    for n, code in enumerate(sorted(after)):
        series = []
        for i, month in enumerate(MONTHS):
            t = (month - dt.date(2020, 1, 1)).days / 366  # 0 on 1 Jan 2020, 1 on 1 Jan 2021
            size = before[code] + (after[code] - before[code]) * t
            size *= 1 + SEED_NOISE[(i + n) % len(SEED_NOISE)]
            if code == "A81026" and month >= dt.date(2020, 10, 1):
                size *= 0.96  # list cleaning
            series.append(round(size))
        out[code] = series
    return out


def gp_all(monthly: dict[str, list[int]]) -> None:
    header = ["PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE", "CODE"]
    header += ["POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"]
    for i, month in enumerate(MONTHS):
        rows = []
        for code, series in monthly.items():
            total = series[i]
            male = round(total * sum(MALE) / (sum(MALE) + sum(FEMALE)))
            head = ["GP_PRAC_PAT_LIST", f"{month:%d%b%Y}".upper(), "GP", "16C", "E38000247", code]
            head.append("TS1 1AA")
            rows += [head + ["ALL", "ALL", total], head + ["FEMALE", "ALL", total - male]]
            rows.append(head + ["MALE", "ALL", male])
        write(HERE / "gp-reg-pat-prac-all" / f"gp-reg-pat-prac-all-{month:%Y-%m}.csv", header, rows)


def quinary(monthly: dict[str, list[int]]) -> None:
    header = ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE"]
    header += ["SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"]
    rows = []
    march = MONTHS.index(dt.date(2021, 3, 1))
    for code, series in monthly.items():
        total = series[march]
        cells = shares(total, MALE + FEMALE)
        head = ["GP_PRAC_PAT_LIST", "01MAR2021", "GP", code, "", "TS1 1AA"]
        rows.append(head + ["ALL", "ALL", total])
        for s, sex in enumerate(("MALE", "FEMALE")):
            part = cells[s * len(BANDS) : (s + 1) * len(BANDS)]
            rows.append(head + [sex, "ALL", sum(part)])
            rows += [head + [sex, band, n] for band, n in zip(BANDS, part, strict=True)]
    write(HERE / "gp-reg-pat-prac-quin-age.csv", header, rows)


def wilson(x: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def dementia() -> None:
    header = ["ACH_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "MEASURE", "VALUE", "DQ"]
    for i, month in enumerate(MONTHS):
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        rows = []
        for code, (kind, ons, estimate, before, after) in DEMENTIA.items():
            # steady to March 2020, down over the next six months, then flat
            fall = min(max((month - dt.date(2020, 3, 1)).days / 183, 0.0), 1.0)
            rate = before + (after - before) * fall
            rate *= 1 + SEED_NOISE[(i * 3 + len(code)) % len(SEED_NOISE)] * 2
            est = round(estimate * (1 + 0.0015 * i), 1)
            register = round(est * rate)
            low, high = wilson(register, est)
            head = [f"{end:%d%b%Y}".upper(), kind, code, ons]
            rows += [
                head + ["DEMENTIA_REGISTER_65_PLUS", register, ""],
                head + ["DEMENTIA_ESTIMATE_65_PLUS", f"{est:.1f}", ""],
                head + ["DIAG_RATE_65_PLUS", f"{100 * register / est:.1f}", ""],
                head + ["DIAG_RATE_65_PLUS_LL", f"{100 * low:.1f}", ""],
                head + ["DIAG_RATE_65_PLUS_UL", f"{100 * high:.1f}", ""],
            ]
        name = f"dem-diag-ind-nhs-{month:%b-%Y}.csv".lower()
        write(HERE / "dem-diag-ind-nhs" / name, header, rows)


def fingertips() -> None:
    header = [
        "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
        "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
        "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
        "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
        "Compared to England value or percentiles", "Compared to percentiles",
        "Time period Sortable", "New data", "Compared to goal",
    ]  # fmt: skip
    rows = []
    for ind, name, group, age in FINGERTIPS:
        for period, totals in NATIONAL.items():
            register, size = totals[group]
            low, high = wilson(register, size)
            low998, high998 = wilson(register, size, 3.090232)
            rows.append(
                [ind, name, "", "", "E92000001", "England", "England", "Persons", age, "", "",
                 period, f"{100 * register / size:.6f}", f"{100 * low:.6f}",
                 f"{100 * high:.6f}", f"{100 * low998:.6f}", f"{100 * high998:.6f}", register,
                 size, "", "", "Not compared", "Not compared", f"{period[:4]}0000", "", ""]
            )  # fmt: skip
    write(HERE / "indicators-England.data.csv", header, rows)


def main() -> None:
    before = lists(HERE / "PREVALENCE_1920.csv")
    after = lists(HERE / "PREVALENCE_2021_v2.csv")
    monthly = monthly_lists(before, after)
    gp_all(monthly)
    quinary(monthly)
    dementia()
    fingertips()


if __name__ == "__main__":
    main()
