"""QOF register (indicator group) codes and the conditions they count.

A QOF prevalence row is imported as a condition register when its group names a condition in
the database: by the condition's slug below, or by the letters of its QOF register id (DM017 is
the DM group). Rows of other groups are left out and listed.
"""

from __future__ import annotations

import re

# QOF group code -> condition slug (the slugs the demo and the templates use).
GROUPS: dict[str, str] = {
    "DM": "diabetes",
    "DEM": "dementia",
    "STIA": "stroke-tia",
    "AF": "atrial-fibrillation",
    "AST": "asthma",
    "CAN": "cancer",
    "CHD": "coronary-heart-disease",
    "CKD": "chronic-kidney-disease",
    "COPD": "copd",
    "DEP": "depression",
    "EP": "epilepsy",
    "HF": "heart-failure",
    "HYP": "hypertension",
    "LD": "learning-disability",
    "MH": "mental-health",
    "NDH": "non-diabetic-hyperglycaemia",
    "OB": "obesity",
    "OST": "osteoporosis",
    "PAD": "peripheral-arterial-disease",
    "PC": "palliative-care",
    "RA": "rheumatoid-arthritis",
}


# The conditions this workbench is about: added from a QOF file when the database lacks them.
CORE: dict[str, tuple[str, str, str]] = {
    "DM": ("diabetes", "Diabetes", "DM017"),
    "DEM": ("dementia", "Dementia", "DEM001"),
    "STIA": ("stroke-tia", "Stroke and TIA", "STIA001"),
}


def condition_slugs() -> dict[str, str]:
    """QOF group -> slug of a condition in the database (by slug, or by its QOF register id)."""
    from commissioning.store.models import Condition

    known = dict(Condition.objects.values_list("slug", "qof_register"))
    out = {group: slug for group, slug in GROUPS.items() if slug in known}
    for slug, register in known.items():
        m = re.match(r"[A-Z]+", (register or "").upper())
        if m and m.group(0) not in out:
            out[m.group(0)] = slug
    return out
