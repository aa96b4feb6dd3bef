"""The NHS published formats we import, by name, and finding a file's format from its rows."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from commissioning.errors import UserError, located
from commissioning.ingest.formats import (
    acm,
    dementia_diagnosis,
    fingertips,
    gp_population,
    gp_population_single_age,
    nhs_geographies,
    not_read,
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
        nhs_geographies,
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
    """The published format of the file at ``path``, or None (e.g. one of our own templates).

    A published file that is recognised but not read (``not_read``) is refused with an
    InputError that says what it is and lists the published files that are read.
    """
    rows = sniff(path)
    if not rows:
        return None
    found = [m for m in FORMATS.values() if m.detect(rows)]
    if len(found) > 1:
        raise located(
            str(path),
            1,
            None,
            f"looks like more than one published format ({', '.join(m.NAME for m in found)}): "
            "give --format NAME",
        )
    if not found and (other := not_read.recognise(rows)):
        raise located(
            str(path),
            1,
            None,
            f"this is {other.title}, which is not read by `commissioning import` ({other.why}). "
            f"The published files it reads are: {', '.join(FORMATS)} (`commissioning formats` "
            "says what each gives)",
        )
    return found[0] if found else None
