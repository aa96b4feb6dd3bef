"""Published files we recognise but do not import: named, with where their information comes from.

A user who gives ``commissioning import`` one of these gets "this is X, which is not read" and
the list of published files that are, rather than "cannot tell which kind of records this is".
Each is recognised from its header row (or, for ODS files, the 27-field layout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commissioning.ingest.formats import ods
from commissioning.ingest.formats.published import header_names

PARENTS = (
    "a practice's commissioner and PCN come from the ODS files: import epraccur "
    "(ods-practices) and the ePCN PCN Core Partner Details (ods-pcn-members)"
)


@dataclass(frozen=True)
class NotRead:
    title: str  # what the file is, as its publisher names it
    why: str  # where the system takes the same information from instead
    matches: Callable[[list[list[str]]], bool]


def _has(*names: str, any_of: tuple[str, ...] = ()) -> Callable[[list[list[str]]], bool]:
    def matches(rows: list[list[str]]) -> bool:
        found = header_names(rows)
        return set(names) <= found and (not any_of or bool(found & set(any_of)))

    return matches


NOT_READ: tuple[NotRead, ...] = (
    NotRead(
        "the GP registration practice map (gp-reg-pat-prac-map.csv, Patients Registered at a "
        "GP Practice, NHS England)",
        PARENTS,
        _has(
            "practice_code",
            "extract_date",
            any_of=("pcn_code", "ccg_code", "sub_icb_location_code"),
        ),
    ),
    NotRead(
        "the QOF organisation reference (ORGANISATION_REFERENCE_YYYY.csv, NHS England)",
        f"practices come from the ODS practice file (epraccur); {PARENTS}",
        _has("practice_code", "practice_name", any_of=("revised_maximum_points", "country")),
    ),
    NotRead(
        "the QOF indicator mappings (INDICATOR_MAPPINGS_YYYY.csv, NHS England)",
        "indicators are defined in the indicator library (`commissioning indicators load`) or "
        "an indicators file, and QOF groups are matched to conditions by their codes",
        _has("indicator_code", "domain_code", "patient_list_type"),
    ),
    NotRead(
        "an ODS file in the standard 27-field layout that is none of epraccur, eccg and etr",
        "the ODS files read are epraccur (ods-practices), eccg (ods-commissioners) and etr "
        "(ods-trusts); add other organisations with an organisations file",
        ods.looks_like_ods,
    ),
)


def recognise(rows: list[list[str]]) -> NotRead | None:
    """The published file that is not read which these first rows come from, or None."""
    return next((n for n in NOT_READ if rows and n.matches(rows)), None)
