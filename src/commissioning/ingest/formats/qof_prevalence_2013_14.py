"""QOF prevalence by practice, 2013-14 (prevalencebyprac.csv): registers and list sizes.

Columns practicecode, indicator_group, Register_description, disease_register_size,
practice_listsize, prevalence. The list size is the practice's whole list (all ages): its
registers are stored with the list type TOTAL. Heart failure appears twice (heart failure, and
heart failure due to LVD); the second is left out.
"""

from __future__ import annotations

from commissioning.ingest.formats.published import (
    Converted,
    Table,
    header_names,
    require_columns,
)
from commissioning.ingest.formats.qof_prevalence import registers
from commissioning.ingest.problems import Problems

NAME = "qof-prevalence-2013-14"
TITLE = "QOF prevalence by practice, 2013-14 layout: condition registers and list sizes"
HEADER = True
PERIOD_END = "2014-03-31"


def detect(rows: list[list[str]]) -> bool:
    return {"practicecode", "indicator_group", "disease_register_size"} <= header_names(rows)


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    need = ["practicecode", "indicator_group", "disease_register_size", "practice_listsize"]
    if not require_columns(table, need, problems):
        return Converted()
    frame = table.frame
    if "register_description" in frame.columns:
        lvd = frame["register_description"].str.upper().str.contains("LVD|LEFT VENTRICULAR")
        table = Table(table.file, frame[~lvd].copy(), table.headers)
    return registers(
        table,
        problems,
        practice="practicecode",
        group="indicator_group",
        register="disease_register_size",
        list_size="practice_listsize",
        end=PERIOD_END,
        whole_list=True,
    )
