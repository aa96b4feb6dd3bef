"""Indicators and their observations for organisations or services over periods."""

from django.db import models
from django.db.models import Q

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.conditions import Condition
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation
from commissioning.store.models.services import Service


class Domain(models.TextChoices):
    ACTIVITY = "activity", "Activity"
    FINANCE = "finance", "Finance"
    QUALITY = "quality", "Quality"
    OUTCOME = "outcome", "Outcome"
    EXPERIENCE = "experience", "Experience"


class Polarity(models.TextChoices):
    HIGHER_BETTER = "higher_better", "Higher is better"
    LOWER_BETTER = "lower_better", "Lower is better"
    NEUTRAL = "neutral", "Neither"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class Indicator(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    domain = models.CharField(max_length=12, choices=Domain.choices)
    unit = models.CharField(max_length=40, help_text="e.g. %, per 1,000, days, £")
    numerator = models.TextField(blank=True, help_text="Definition of the numerator")
    denominator = models.TextField(blank=True, help_text="Definition of the denominator")
    polarity = models.CharField(max_length=16, choices=Polarity.choices)
    source = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    conditions = models.ManyToManyField(Condition, blank=True, related_name="indicators")
    why_it_matters = models.TextField(blank=True, help_text="Why commissioners should watch it")
    national_driver = models.CharField(
        max_length=250,
        blank=True,
        help_text="The national guidance, standard or programme it serves (e.g. NICE NG28)",
    )
    library = models.CharField(
        max_length=60,
        blank=True,
        help_text="The shipped library file it was loaded from; empty for indicators users add",
    )
    community = models.ForeignKey(
        CommissioningCommunity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_indicators",
        help_text="Set for an indicator a community added for itself; empty for shared ones",
    )
    patient_counts = models.BooleanField(
        default=True,
        help_text="Numerators and denominators are counts of patients (small numbers suppressed)",
    )
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class Observation(models.Model):
    """The value of one indicator for one organisation or one service in one period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="observations"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="observations"
    )
    period = models.DateField(help_text="First day of the period")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True, help_text="Lower 95% confidence limit")
    upper = models.FloatField(null=True, blank=True, help_text="Upper 95% confidence limit")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(service__isnull=True))
                | (Q(organisation__isnull=True) & Q(service__isnull=False)),
                name="observation_one_subject",
            ),
            models.UniqueConstraint(
                fields=["indicator", "organisation", "period"],
                condition=Q(service__isnull=True),
                name="observation_org_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "service", "period"],
                condition=Q(organisation__isnull=True),
                name="observation_service_unique",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self) -> str:
        subject = self.organisation or self.service
        return f"{self.indicator.code} {subject} {self.period}: {self.value}"
