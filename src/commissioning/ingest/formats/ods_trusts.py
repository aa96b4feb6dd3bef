"""ODS etr: NHS trusts (current ones, and those closed in this or the previous financial year).

The file does not say what kind of care a trust gives: a name with "MENTAL HEALTH" or
"PARTNERSHIP" is taken as a mental health trust, "COMMUNITY" as a community trust, and the rest
as acute trusts. Correct the few it gets wrong with an organisations file.
"""

from __future__ import annotations

import pandas as pd

from commissioning.ingest.formats import ods
from commissioning.ingest.formats.published import Converted, Table
from commissioning.ingest.problems import Problems

NAME = "ods-trusts"
TITLE = "ODS etr: NHS trusts, with open and close dates"
HEADER = False
WIDTHS = ods.WIDTHS


def detect(rows: list[list[str]]) -> bool:
    return (
        ods.looks_like_ods(rows)
        and all(len(v) == 1 and v.isalpha() for v in ods.field(rows, 24))
        and all(v == "" for v in ods.field(rows, 13))
    )


def trust_kind(names: pd.Series) -> pd.Series:
    upper = names.str.upper()
    kind = pd.Series("acute_trust", index=names.index)
    kind[upper.str.contains("COMMUNITY")] = "community_trust"
    kind[upper.str.contains("MENTAL HEALTH|PARTNERSHIP", regex=True)] = "mental_health_trust"
    return kind


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    ods.checked(table, problems)
    out = Converted()
    out.add(table, "organisations", ods.organisations(table.frame, trust_kind(table.frame["col2"])))
    return out
