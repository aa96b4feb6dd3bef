"""The three long-term conditions, with their SNOMED CT concepts and QOF register ids.

These are real definitions, not demo data, so they are created or updated (never deleted).
"""

from __future__ import annotations

from commissioning.demo.context import Build
from commissioning.store.models import CodeSystem, Condition

CONDITIONS = [
    {
        "slug": "diabetes",
        "name": "Diabetes",
        "code_system": CodeSystem.SNOMED_CT,
        "codes": ["73211009"],
        "qof_register": "DM017",
        "description": "Diabetes mellitus. QOF register of patients aged 17 and over "
        "(DM 19 to 2012, DM017 from 2015).",
    },
    {
        "slug": "dementia",
        "name": "Dementia",
        "code_system": CodeSystem.SNOMED_CT,
        "codes": ["52448006"],
        "qof_register": "DEM001",
        "description": "Dementia. QOF register of patients of all ages (DEM1, now DEM001).",
    },
    {
        "slug": "stroke-tia",
        "name": "Stroke and TIA",
        "code_system": CodeSystem.SNOMED_CT,
        "codes": ["230690007", "266257000"],
        "qof_register": "STIA001",
        "description": "Stroke or transient ischaemic attack. QOF register (STROKE 1, now "
        "STIA001).",
    },
]


def build_conditions(b: Build) -> None:
    for spec in CONDITIONS:
        condition = (
            Condition.objects.filter(slug=spec["slug"]).first()
            or Condition.objects.filter(name=spec["name"]).first()
        )
        if condition is None:
            condition = Condition.objects.create(**spec)
        else:  # fill in what an earlier import left empty; never overwrite
            for k, v in spec.items():
                if not getattr(condition, k):
                    setattr(condition, k, v)
            condition.save()
        b.conditions[spec["slug"]] = condition
