"""User-defined groupings of organisations, and stored peer groups of similar areas.

A grouping is a named set of organisations with a date range: a locality, a GP federation, a
clinical network, a caseload. A peer group is a grouping of the areas most similar to one
``anchor`` area, with the method that chose them written down so it can be reused and checked.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation


class GroupingKind(models.TextChoices):
    LOCALITY = "locality", "Locality"
    FEDERATION = "federation", "GP federation"
    CLINICAL_NETWORK = "clinical_network", "Clinical network"
    CASELOAD = "caseload", "Caseload"
    PEER_GROUP = "peer_group", "Peer group of similar areas"
    OTHER = "other", "Other grouping"


class Grouping(models.Model):
    code = models.SlugField(max_length=60, unique=True, help_text="Short name used in addresses")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupingKind.choices)
    community = models.ForeignKey(
        CommissioningCommunity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="groupings",
        help_text="The community that owns it; empty for a grouping every community may use",
    )
    members = models.ManyToManyField(Organisation, blank=True, related_name="groupings")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text="Empty while still in use")
    description = models.TextField(blank=True)
    anchor = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="peer_groups",
        help_text="For a peer group: the area whose peers the members are",
    )
    method = models.TextField(
        blank=True, help_text="For a peer group: how the members were chosen (variables, k, date)"
    )
    synthetic = models.BooleanField(default=False, help_text="Made up for the demo")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="grouping_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def in_use_on(self, date: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_to is None or date <= self.valid_to
        )
