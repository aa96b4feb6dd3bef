"""Activities: dated pieces of commissioning work, with stages, nature and participants' hours.

Stages overlap: an activity may serve several stages, and nothing forces a development through
the stages in order.
"""

from django.db import models

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.developments import ServiceDevelopment
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.people import Person


class Stage(models.Model):
    """One stage of the commissioning cycle. The eight stages are created by a migration."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


STAGES = [
    ("scoping", "Scoping"),
    ("needs_assessment", "Needs assessment"),
    ("planning", "Planning and service design"),
    ("procurement", "Procurement and contracting"),
    ("implementation", "Implementation support"),
    ("monitoring", "Monitoring"),
    ("review", "Review"),
    ("decommissioning", "Decommissioning"),
]


class ActivityKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    DOCUMENT = "document", "Document"
    ANALYSIS = "analysis", "Analysis"
    DECISION = "decision", "Decision"
    ENGAGEMENT = "engagement", "Engagement event"
    PROCUREMENT = "procurement", "Procurement step"
    NEGOTIATION = "negotiation", "Contract negotiation"
    MONITORING_REVIEW = "monitoring_review", "Monitoring review"


class Nature(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    RELATIONAL = "relational", "Relational"


class Activity(models.Model):
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="activities"
    )
    development = models.ForeignKey(
        ServiceDevelopment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        help_text="Empty for work outside any one development, e.g. the annual contract round",
    )
    date = models.DateField()
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=24, choices=ActivityKind.choices)
    nature = models.CharField(max_length=12, choices=Nature.choices)
    stages = models.ManyToManyField(Stage, related_name="activities")
    outcome = models.TextField(blank=True)
    participants = models.ManyToManyField(
        Person, through="Participation", related_name="activities"
    )
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["date", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"


class Participation(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    added_by_import = added_by_import_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="participation_unique"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.hours} h"
