"""A commissioning community: a commissioner's area and everyone taking part in commissioning."""

from django.db import models

from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation


class CommissioningCommunity(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="Short name used in addresses")
    name = models.CharField(max_length=200)
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_communities"
    )
    members = models.ManyToManyField(Organisation, blank=True, related_name="communities")
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Resident or registered population served"
    )
    description = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False, help_text="Made up for the demo")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "commissioning communities"

    def __str__(self) -> str:
        return self.name
