"""The demo's practices, populations and registers, written in the NHS's published layouts.

The demo makes its GP practices, registered populations and condition registers the way a real
area's arrive: as an ODS practice file (epraccur, the 27-field layout, one snapshot per
commissioner era), monthly GP registration files by quinary age band
(``gp-reg-pat-prac-quin-age.csv``) and QOF prevalence files (``PREVALENCE_YYYY.csv``, the
2020-21 layout). They are written to a temporary folder and loaded with
:func:`commissioning.ingest.import_files`, through the same published-format importers, checks
and all-or-nothing load as real files, so one path serves the demo and real data. The
present-day community's practices also come with an ODS ePCN file (PCN Core Partner Details:
which practice belongs to which primary care network) and, once the indicator library is loaded,
QOF achievement files (``ACHIEVEMENT_2122.csv``, then the regional files from 2022-23). The
figures are synthetic; the builder marks what was loaded as synthetic afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from commissioning.ingest import import_files
from commissioning.ingest.formats.gp_population import BANDS as QUINARY_BANDS
from commissioning.tables import write_csv

ODS_FIELDS = 27
GP_PRACTICE = "4"  # prescribing setting (field 26)
# QOF group and list type of each demo condition (diabetes counts patients aged 17 and over).
QOF_GROUPS = {
    "diabetes": ("DM", "17OV"),
    "dementia": ("DEM", "TOTAL"),
    "stroke-tia": ("STIA", "TOTAL"),
}
# The standard band -> the quinary file's AGE_GROUP_5 (90+ is published as 90_94 and 95+).
AGE_GROUP_5 = {band: group for group, band in QUINARY_BANDS.items() if band != "90+"}


@dataclass
class PracticeRow:
    """One practice in one ODS snapshot: its details and its commissioner then."""

    code: str
    name: str
    parent: str
    joined: dt.date | None = None
    left: dt.date | None = None
    closed: dt.date | None = None


@dataclass
class PcnMember:
    """One practice's membership of a primary care network (a row of the ePCN file)."""

    practice: str
    pcn: str
    pcn_name: str
    commissioner: str  # the practice's (and the network's) commissioner code
    start: dt.date


@dataclass
class Published:
    """Everything the demo publishes, collected while it is generated."""

    # snapshot label -> the practices in that ODS file, in the order they are written
    snapshots: dict[str, list[PracticeRow]] = field(default_factory=dict)
    # extract date -> (practice, sex, standard band, count)
    populations: dict[dt.date, list[tuple[str, str, str, int]]] = field(default_factory=dict)
    # year ending 31 March -> (practice, condition slug, register, list size)
    registers: dict[int, list[tuple[str, str, int, int]]] = field(default_factory=dict)
    pcn_members: list[PcnMember] = field(default_factory=list)


def _day(d: dt.date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def write_epraccur(path: Path, rows: Iterable[PracticeRow]) -> Path:
    """The ODS epraccur layout: no header, 27 quoted fields (see ingest/formats/ods.py)."""
    lines = []
    for r in rows:
        cells = [""] * ODS_FIELDS
        cells[0], cells[1] = r.code, r.name
        cells[10], cells[11] = "", _day(r.closed)
        cells[12] = "C" if r.closed else "A"
        cells[13] = "B"
        cells[14], cells[15], cells[16] = r.parent, _day(r.joined), _day(r.left)
        cells[21] = "0"
        cells[23] = r.parent
        cells[25] = GP_PRACTICE
        lines.append(cells)
    write_csv(lines, path, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    return path


def write_quinary(path: Path, extract: dt.date, rows: list[tuple[str, str, str, int]]) -> Path:
    """``gp-reg-pat-prac-quin-age.csv``: practice rows by sex and band, with the ALL subtotals.

    The demo's 90+ band is published as 90_94 and 95+ (two thirds and one third), as the NHS
    publishes it; the importer adds them together again.
    """
    date = extract.strftime("%d%b%Y").upper()
    by_practice: dict[str, dict[str, list[tuple[str, int]]]] = {}
    for code, sex, band, n in rows:
        by_practice.setdefault(code, {}).setdefault(sex.upper(), []).append((band, n))
    lines = []
    for code, sexes in by_practice.items():
        head = ["GP_PRAC_PAT_LIST", date, "GP", code, "", ""]
        total = sum(n for bands in sexes.values() for _, n in bands)
        lines.append([*head, "ALL", "ALL", total])
        for sex, bands in sexes.items():
            lines.append([*head, sex, "ALL", sum(n for _, n in bands)])
            for band, n in bands:
                if band == "90+":
                    older = n // 3
                    lines.append([*head, sex, "90_94", n - older])
                    lines.append([*head, sex, "95+", older])
                else:
                    lines.append([*head, sex, AGE_GROUP_5[band], n])
    columns = ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE"]
    columns += ["SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"]
    write_csv(lines, path, columns, lineterminator="\r\n")
    return path


def write_prevalence(path: Path, rows: list[tuple[str, str, int, int]]) -> Path:
    """``PREVALENCE_YYYY.csv`` in the 2020-21 layout (GROUP_CODE, PRACTICE_LIST_SIZE)."""
    lines = []
    for code, slug, register, listed in rows:
        group, list_type = QOF_GROUPS[slug]
        lines.append([code, group, register, list_type, listed])
    columns = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"]
    write_csv(lines, path, columns, lineterminator="\r\n")
    return path


def write_epcn(path: Path, rows: list[PcnMember], names: dict[str, str]) -> Path:
    """ODS ePCN "PCN Core Partner Details": eleven columns, with its header row."""
    columns = [
        "Partner Organisation Code", "Partner Name", "Practice Parent Sub ICB Loc Code",
        "Practice Parent Sub ICB Loc Name", "PCN Code", "PCN Name", "PCN Parent Sub ICB Loc Code",
        "PCN Parent Sub ICB Loc Name", "Practice to PCN Relationship Start Date",
        "Practice to PCN Relationship End Date", "Practice Sub ICB Loc and PCN Sub ICB Loc match?",
    ]  # fmt: skip
    lines = [
        [r.practice, names.get(r.practice, ""), r.commissioner, "", r.pcn, r.pcn_name,
         r.commissioner, "", _day(r.start), "", "TRUE"]
        for r in rows
    ]  # fmt: skip
    write_csv(lines, path, columns, lineterminator="\r\n")
    return path


# The region the made-up present-day community's practices are published under (2022-23 on).
REGION = ("Y60", "E40000011", "MIDLANDS")


def write_achievement(path: Path, rows: list[tuple[str, str, str, float]], regional: bool) -> Path:
    """``ACHIEVEMENT_YYZZ.csv``: PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE (long format);
    the regional files of 2022-23 on start with the region's codes and name."""
    columns = ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"]
    lines = [[p, i, m, v] for p, i, m, v in rows]
    if regional:
        columns = ["REGION_ODS_CODE", "REGION_ONS_CODE", "REGION_NAME", *columns]
        lines = [[*REGION, *line] for line in lines]
    write_csv(lines, path, columns, lineterminator="\r\n")
    return path


def achievement_name(year: int) -> str:
    """The published name of the QOF achievement file for the QOF year starting in ``year``."""
    tag = f"{year % 100:02d}{(year + 1) % 100:02d}"
    return f"ACHIEVEMENT_{REGION[2]}_{tag}.csv" if year >= 2022 else f"ACHIEVEMENT_{tag}.csv"


def load_achievement(by_year: dict[int, list[tuple[str, str, str, float]]]) -> list[str]:
    """Write the QOF achievement files and import them together; the importers' notes."""
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="commissioning-demo-") as tmp:
        folder = Path(tmp)
        files = [
            write_achievement(folder / achievement_name(y), rows, regional=y >= 2022)
            for y, rows in sorted(by_year.items())
        ]
        import_files(files, notes=notes)
    return notes


def prevalence_name(year_end: int) -> str:
    """The published name of the QOF file for the year ending March ``year_end``: 2009 ->
    PREVALENCE_0809.csv (2008-09)."""
    return f"PREVALENCE_{(year_end - 1) % 100:02d}{year_end % 100:02d}.csv"


def load(published: Published) -> list[str]:
    """Write every file to a temporary folder and import it; the importers' notes.

    The ODS snapshots go first, oldest first, one import each (each names every practice once,
    as the real file does); then every population and register file together, as one upload.
    """
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="commissioning-demo-") as tmp:
        folder = Path(tmp)
        for label, rows in published.snapshots.items():
            path = write_epraccur(folder / f"epraccur-{label}.csv", rows)
            import_files([path], format="ods-practices", notes=notes)
        files = []
        for extract, rows in sorted(published.populations.items()):
            month = folder / extract.strftime("%Y-%m")
            month.mkdir()
            files.append(write_quinary(month / "gp-reg-pat-prac-quin-age.csv", extract, rows))
        for year_end, rows in sorted(published.registers.items()):
            files.append(write_prevalence(folder / prevalence_name(year_end), rows))
        import_files(files, notes=notes)
        if published.pcn_members:
            names = {r.code: r.name for rows in published.snapshots.values() for r in rows}
            path = write_epcn(folder / "epcncorepartnerdetails.csv", published.pcn_members, names)
            import_files([path], format="ods-pcn-members", notes=notes)
    return notes
