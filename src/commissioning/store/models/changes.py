"""Organisational change events (restructures, mergers, loss of staff), shown as context."""

from django.db import models

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.organisations import Organisation


class ChangeKind(models.TextChoices):
    RESTRUCTURE = "restructure", "Restructure"
    MERGER = "merger", "Merger"
    STAFF_LOSS = "staff_loss", "Loss of staff"
    POLICY = "policy", "National policy change"
    OTHER = "other", "Other"


class OrganisationalChange(models.Model):
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="changes"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.description}"
