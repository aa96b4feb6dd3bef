"""Organisations and their dated links: history is kept, never overwritten.

A PCT that became a CCG and then a sub-ICB location is three organisations joined by
``successor`` links; a practice that moved between groupings has two dated parent links.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from commissioning.store.models.imports import added_by_import_field


class OrganisationKind(models.TextChoices):
    COUNTRY = "country", "Country"
    PCT = "pct", "Primary care trust"
    CCG = "ccg", "Clinical commissioning group"
    SUB_ICB = "sub_icb", "Sub-ICB location"
    ICB = "icb", "Integrated care board"
    REGION = "region", "NHS England region"
    PCN = "pcn", "Primary care network"
    ACUTE_TRUST = "acute_trust", "NHS trust: acute"
    COMMUNITY_TRUST = "community_trust", "NHS trust: community"
    MENTAL_HEALTH_TRUST = "mental_health_trust", "NHS trust: mental health"
    GP_PRACTICE = "gp_practice", "GP practice"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary or third sector"
    INDEPENDENT = "independent", "Independent provider"

    @classmethod
    def commissioners(cls) -> set[str]:
        return {cls.PCT, cls.CCG, cls.SUB_ICB, cls.ICB}

    @classmethod
    def geographies(cls) -> set[str]:
        """Areas above the commissioners (a country, an NHS England region): national and
        regional comparators, never one community's area."""
        return {cls.COUNTRY, cls.REGION}


class Organisation(models.Model):
    ods_code = models.CharField("ODS code", max_length=12, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text="Empty while still open")
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text="The organisation that took over when this one closed or was renamed",
    )
    postcode = models.CharField(max_length=10, blank=True)
    synthetic = models.BooleanField(default=False, help_text="Made up for the demo")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="organisation_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    @property
    def is_commissioner(self) -> bool:
        return self.kind in OrganisationKind.commissioners()

    def open_on(self, date: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_to is None or date <= self.valid_to
        )

    def parent_on(self, date: dt.date, relationship: str | None = None) -> Organisation | None:
        """The parent this organisation had on ``date`` (optionally of one relationship)."""
        links = self.parent_links.filter(OrganisationLink.on(date)).select_related("parent")
        if relationship:
            links = links.filter(relationship=relationship)
        link = links.order_by("-valid_from").first()
        return link.parent if link else None


class Relationship(models.TextChoices):
    MEMBER_OF_PCN = "pcn", "Member of primary care network"
    COMMISSIONED_BY = "commissioner", "In the area of commissioner"
    PART_OF = "part_of", "Part of"
    HOSTED_BY = "hosted_by", "Hosted by"


class OrganisationLink(models.Model):
    """A dated, typed parent link: practice -> PCN -> sub-ICB -> ICB -> region, or PCT/CCG."""

    child = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="child_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["child", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "parent", "relationship", "valid_from"],
                name="organisation_link_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child.ods_code} -> {self.parent.ods_code} ({self.relationship})"

    @staticmethod
    def on(date: dt.date) -> Q:
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
            Q(valid_to__isnull=True) | Q(valid_to__gte=date)
        )
