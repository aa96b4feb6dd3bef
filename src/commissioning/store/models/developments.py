"""Service developments (commissioning projects), their objectives and external drivers."""

from django.db import models

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.conditions import Condition
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.services import Service


class DevelopmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    IMPLEMENTED = "implemented", "Implemented"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class SizeOfChange(models.TextChoices):
    INCREMENTAL = "incremental", "Incremental"
    MODERATE = "moderate", "Moderate"
    RADICAL = "radical", "Radical"


class DriverKind(models.TextChoices):
    NATIONAL_GUIDANCE = "national_guidance", "National guidance"
    STRATEGY = "strategy", "Strategy"
    TARGET = "target", "Target"
    INCENTIVE_SCHEME = "incentive_scheme", "Incentive scheme"
    QUALITY_STANDARD = "quality_standard", "Quality standard"
    LOCAL = "local", "Local priority"


class ExternalDriver(models.Model):
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=24, choices=DriverKind.choices)
    issuer = models.CharField(max_length=120, blank=True, help_text="e.g. Department of Health")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    link = models.URLField(blank=True)

    class Meta:
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["title", "year"], name="driver_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


class ServiceDevelopment(models.Model):
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=80)
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="developments"
    )
    summary = models.TextField(blank=True)
    conditions = models.ManyToManyField(Condition, blank=True, related_name="developments")
    services = models.ManyToManyField(Service, blank=True, related_name="developments")
    status = models.CharField(
        max_length=16, choices=DevelopmentStatus.choices, default=DevelopmentStatus.ACTIVE
    )
    size_of_change = models.CharField(max_length=16, choices=SizeOfChange.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    go_live_date = models.DateField(
        null=True, blank=True, help_text="When the changed service started (the intervention)"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The wider plan or strategy this sits inside",
    )
    drivers = models.ManyToManyField(ExternalDriver, blank=True, related_name="developments")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["community", "start_date", "title"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="development_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    """A specific, measurable objective: an indicator, a target value and a target date."""

    development = models.ForeignKey(
        ServiceDevelopment, on_delete=models.CASCADE, related_name="objectives"
    )
    description = models.CharField(max_length=300)
    indicator = models.ForeignKey(
        "store.Indicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    baseline_value = models.FloatField(null=True, blank=True)
    target_value = models.FloatField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["development", "target_date"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_measurable(self) -> bool:
        """Specific and measurable: it names an indicator, a target value and a date."""
        return (
            self.indicator_id is not None
            and self.target_value is not None
            and self.target_date is not None
        )
