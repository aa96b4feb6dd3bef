"""The NHS published formats we import, by name, and finding a file's format from its rows."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from commissioning.errors import UserError
from commissioning.ingest.formats import (
    acm,
    dementia_diagnosis,
    fingertips,
    gp_population,
    gp_population_single_age,
    ods_commissioners,
    ods_pcn_members,
    ods_pcns,
    ods_practices,
    ods_trusts,
    qof_achievement,
    qof_prevalence,
    qof_prevalence_2013_14,
)
from commissioning.ingest.formats.published import sniff

# Each module has NAME, TITLE (one line), HEADER (has a header row), detect(rows) and
# to_rows(table, problems, options).
FORMATS: dict[str, ModuleType] = {
    m.NAME: m
    for m in (
        ods_practices,
        ods_commissioners,
        ods_trusts,
        ods_pcns,
        ods_pcn_members,
        gp_population,
        qof_prevalence,
        qof_prevalence_2013_14,
        fingertips,
        gp_population_single_age,
        qof_achievement,
        dementia_diagnosis,
        acm,
    )
}


def find_format(name: str) -> ModuleType:
    wanted = name.strip().lower().replace("_", "-")
    if wanted in FORMATS:
        return FORMATS[wanted]
    raise UserError(
        f"--format {name}: not a format we import (one of {', '.join(FORMATS)}; "
        "see `commissioning formats`)"
    )


def detect_format(path: str | Path) -> ModuleType | None:
    """The published format of the file at ``path``, or None (e.g. one of our own templates)."""
    rows = sniff(path)
    if not rows:
        return None
    found = [m for m in FORMATS.values() if m.detect(rows)]
    if len(found) > 1:
        raise UserError(
            f"{path}: looks like more than one published format "
            f"({', '.join(m.NAME for m in found)}): give --format NAME"
        )
    return found[0] if found else None
