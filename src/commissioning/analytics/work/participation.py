"""Who commissions: which stakeholders take part, at which stages, and how much.

Stakeholder groups sort people by role and organisation:

- ``clinician``: GPs, hospital consultants, specialist nurses, and anyone flagged a clinician;
- ``provider``: provider managers, and anyone (not a clinician) working for a provider
  organisation (an NHS trust, an independent provider);
- ``third_sector``: third-sector roles or people from voluntary organisations;
- ``patient_or_carer``: patient or carer representatives;
- ``local_authority``: local authority officers and public health;
- ``commissioner``: commissioning managers, finance and contracts staff.
"""

from __future__ import annotations

import pandas as pd

from commissioning.analytics.work.labour import STAGE_ORDER

CLINICAL_ROLES = {"gp", "consultant", "specialist_nurse"}
PROVIDER_KINDS = {"acute_trust", "community_trust", "mental_health_trust", "independent"}
GROUPS = [
    "commissioner",
    "clinician",
    "provider",
    "third_sector",
    "patient_or_carer",
    "local_authority",
]
OUTSIDE_COMMISSIONER = [g for g in GROUPS if g != "commissioner"]
ROLE_TYPES = [
    "commissioning_manager",
    "finance",
    "contracts",
    "public_health",
    "gp",
    "consultant",
    "specialist_nurse",
    "provider_manager",
    "third_sector",
    "patient_representative",
    "local_authority_officer",
]


def stakeholder_group(role_type: str, is_clinician: bool, organisation_kind: str | None) -> str:
    if is_clinician or role_type in CLINICAL_ROLES:
        return "clinician"
    if role_type == "patient_representative":
        return "patient_or_carer"
    if role_type == "third_sector" or organisation_kind == "voluntary":
        return "third_sector"
    if role_type == "provider_manager" or organisation_kind in PROVIDER_KINDS:
        return "provider"
    if role_type in ("local_authority_officer", "public_health"):
        return "local_authority"
    return "commissioner"


def with_groups(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``group`` (the stakeholder group) and ``clinical`` (a clinician took part)."""
    out = df.copy()
    out["group"] = [
        stakeholder_group(r, bool(c), k)
        for r, c, k in zip(
            out["role_type"], out["is_clinician"], out["organisation_kind"], strict=True
        )
    ]
    out["clinical"] = out["group"] == "clinician"
    return out


def matrix(split: pd.DataFrame, by: str = "role_type", value: str = "hours") -> pd.DataFrame:
    """Stakeholder (``by``) x stage: hours, or the number of activities (``value='activities'``).

    Hours are the split hours (see labour); an activity counts once in each stage it serves for
    each stakeholder type taking part.
    """
    df = with_groups(split) if by == "group" else split
    if df.empty:
        return pd.DataFrame()
    if value == "hours":
        table = df.pivot_table(index=by, columns="stage", values="hours", aggfunc="sum")
    else:
        table = (
            df.drop_duplicates([by, "stage", "activity_id"])
            .groupby([by, "stage"])
            .size()
            .unstack("stage")
        )
    order = [s for s in STAGE_ORDER if s in table.columns]
    table = table[order].fillna(0).sort_index()
    table.columns.name = None
    table.index.name = by
    return table


def clinical_share(participations: pd.DataFrame) -> dict:
    """Share of hours given by clinicians, and share of activities with a clinician taking part.

    Values are None (no data) when there are no hours or no activities.
    """
    people = with_groups(participations)
    total_hours = float(people["hours"].sum())
    clinical_hours = float(people.loc[people["clinical"], "hours"].sum())
    activities = people.groupby("activity_id")["clinical"].any()
    return {
        "hours": total_hours,
        "clinical_hours": clinical_hours,
        "share_of_hours": clinical_hours / total_hours if total_hours > 0 else None,
        "activities": int(len(activities)),
        "clinical_activities": int(activities.sum()),
        "share_of_activities": float(activities.mean()) if len(activities) else None,
    }


def doers(
    participations: pd.DataFrame, activities: pd.DataFrame, by: str = "group"
) -> pd.DataFrame:
    """Each stakeholder group (or role, ``by='role_type'``) as doers: people, activities,
    developments, hours and share of hours.

    Every group or role is listed, with zeros when it took no part.
    """
    people = with_groups(participations).merge(
        activities[["activity_id", "development_id"]], on="activity_id", how="left"
    )
    total = float(people["hours"].sum())
    keys = GROUPS if by == "group" else [*ROLE_TYPES, *sorted(set(people[by]) - set(ROLE_TYPES))]
    rows = []
    for key in keys:
        part = people[people[by] == key]
        hours = float(part["hours"].sum())
        rows.append(
            {
                by: key,
                "people": int(part["person_id"].nunique()),
                "activities": int(part["activity_id"].nunique()),
                "developments": int(part["development_id"].dropna().nunique()),
                "hours": hours,
                "share_of_hours": hours / total if total > 0 else None,
            }
        )
    return pd.DataFrame(rows)


def groups_by_development(participations: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """For each development: the stakeholder groups that took part and whether clinicians did."""
    people = with_groups(participations).merge(
        activities[["activity_id", "development_id"]], on="activity_id"
    )
    people = people[people["development_id"].notna()]
    rows = []
    for dev, part in people.groupby("development_id"):
        groups = sorted(set(part["group"]), key=GROUPS.index)
        rows.append(
            {
                "development_id": dev,
                "groups": groups,
                "roles": sorted(set(part["role_type"])),
                "clinical": bool(part["clinical"].any()),
            }
        )
    return pd.DataFrame(rows, columns=["development_id", "groups", "roles", "clinical"])
