"""Services: what is delivered, for which conditions, by which provider, in which setting."""

from django.db import models

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.conditions import Condition
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation


class Setting(models.TextChoices):
    PRIMARY_CARE = "primary_care", "Primary care"
    COMMUNITY = "community", "Community"
    ACUTE = "acute", "Acute hospital"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HOME = "home", "Home"
    CARE_HOME = "care_home", "Care home"
    SOCIAL_CARE = "social_care", "Social care"


class Service(models.Model):
    name = models.CharField(max_length=200)
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="services"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services_provided"
    )
    conditions = models.ManyToManyField(Condition, blank=True, related_name="services")
    setting = models.CharField(max_length=20, choices=Setting.choices)
    tier = models.CharField(max_length=60, blank=True, help_text="e.g. intermediate tier")
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="Set when decommissioned")
    last_reviewed = models.DateField(null=True, blank=True)
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name", "provider"], name="service_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider.name})"
