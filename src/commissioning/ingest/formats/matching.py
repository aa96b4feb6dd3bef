"""Codes the database does not know: listed, then rejected or left out.

Published files cover all of England; the database usually holds one area's organisations. A
row naming an organisation that is neither in the database nor in the same upload cannot be
stored. By default the whole upload is rejected, listing every such code with the row where it
first appears; with ``allow_unmatched`` those rows are left out, the codes listed, and the rest
imported.
"""

from __future__ import annotations

import pandas as pd

from commissioning.ingest.formats.published import Converted
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import ROW

# kind -> (column, what it names)
CODE_COLUMNS = {
    "populations": [("ods_code", "practice", "the ODS practice file (epraccur)")],
    "registers": [("ods_code", "practice", "the ODS practice file (epraccur)")],
    "observations": [("organisation_ods", "area", "an organisations file (by ODS or ONS code)")],
    "links": [
        ("child_ods", "practice", "the ODS practice file (epraccur)"),
        ("parent_ods", "parent", "the ODS file that lists it (eccg, ePCN)"),
    ],
}
SHOWN = 20


def known_codes(converted: list[Converted], other_codes: set[str]) -> set[str]:
    from commissioning.store.models import Organisation

    known = set(Organisation.objects.values_list("ods_code", flat=True)) | other_codes
    for c in converted:
        for sheet in c.sheets:
            if sheet.kind == "organisations":
                known |= set(sheet.frame["ods_code"])
    return known


def match(
    converted: list[Converted],
    problems: Problems,
    *,
    allow_unmatched: bool,
    other_codes: set[str] = frozenset(),
) -> list[str]:
    """Leave out (or report as problems) rows naming unknown organisations; notes on what."""
    known = known_codes(converted, set(other_codes))
    notes = []
    for c in converted:
        for sheet in c.sheets:
            for column, what, source in CODE_COLUMNS.get(sheet.kind, []):
                frame = sheet.frame
                unknown = ~frame[column].isin(known) & (frame[column] != "")
                if not unknown.any():
                    continue
                if column == "parent_ods" and len(frame):
                    what = "PCN" if frame["relationship"].iloc[0] == "pcn" else "commissioner"
                    source = "the ODS ePCN file" if what == "PCN" else "the ODS eccg file"
                firsts = frame[unknown].groupby(column)[ROW].min().sort_values()
                codes = list(firsts.index)
                shown = ", ".join(codes[:SHOWN]) + (
                    f" and {len(codes) - SHOWN} more" if len(codes) > SHOWN else ""
                )
                if allow_unmatched:
                    sheet.frame = frame[~unknown].reset_index(drop=True)
                    notes.append(
                        f"{sheet.file}: not matched, left out ({int(unknown.sum())} "
                        f"{sheet.kind} rows): {len(codes)} {what} codes not in the database: "
                        f"{shown}"
                    )
                    continue
                for code, row in firsts.items():
                    problems.add(
                        sheet.file,
                        int(row),
                        None,
                        f"{what} code '{code}' is neither in the database nor in this upload "
                        f"(import {source} first, or give --allow-unmatched to import the "
                        "rest and list these)",
                    )
    return notes


def matched_note(converted: list[Converted]) -> list[str]:
    notes = []
    for c in converted:
        for sheet in c.sheets:
            if sheet.kind in ("populations", "registers") and len(sheet.frame):
                n = pd.Series(sheet.frame["ods_code"]).nunique()
                notes.append(f"{sheet.file}: matched {n} practices ({len(sheet.frame)} rows)")
    return notes
