"""Evidence, codebooks, coded passages and proposed activities from calendars."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    ServiceDevelopment,
)


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    INTERVIEW = "interview", "Interview transcript"
    MEETING_NOTES = "meeting_notes", "Meeting notes"
    EMAIL = "email", "E-mail"
    OTHER = "other", "Other"


class Confidentiality(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"


class Evidence(models.Model):
    """One piece of evidence: the file as uploaded, its text and what it is about."""

    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="evidence"
    )
    development = models.ForeignKey(
        ServiceDevelopment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
        help_text="For meeting notes: the activity (meeting) they record",
    )
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    date = models.DateField(null=True, blank=True)
    author = models.CharField("author or organisation", max_length=200, blank=True)
    confidentiality = models.CharField(
        max_length=16, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    filename = models.CharField(max_length=250, blank=True)
    content = models.BinaryField(blank=True, default=b"", help_text="The file as uploaded")
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True, help_text="Plain text extracted from the file")
    added = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "title"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class Codebook(models.Model):
    """A set of codes. The default codebook (no community) is shared by every community."""

    name = models.CharField(max_length=200)
    community = models.ForeignKey(
        CommissioningCommunity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="codebooks",
        help_text="Empty for the shared default codebook",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="codebook_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    key = models.SlugField(max_length=60, help_text="Short name used on the command line")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    group = models.CharField(
        max_length=60, blank=True, help_text="e.g. 'Theme' or 'Processes, resources, outcomes'"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["codebook", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["codebook", "key"], name="code_unique")]

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    """A stretch of an evidence text (character offsets, end excluded) with one or more codes."""

    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="passages")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    codes = models.ManyToManyField(Code, related_name="passages")
    memo = models.TextField(blank=True)
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence", "start", "end"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="passage_not_empty"
            )
        ]

    @property
    def text(self) -> str:
        return self.evidence.text[self.start : self.end]

    def __str__(self) -> str:
        return f"{self.evidence}: {self.text[:60]}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    APPLIED = "applied", "Saved as an activity"


class ProposedActivity(models.Model):
    """A calendar event waiting to be reviewed before it becomes an activity.

    ``uid`` and ``recurrence_id`` identify the event (one occurrence of a recurring event), so
    importing the same calendar again updates the proposal instead of adding another.
    """

    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="proposed_activities"
    )
    uid = models.CharField(max_length=250)
    recurrence_id = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    start = models.DateTimeField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    organiser = models.CharField(max_length=250, blank=True)
    attendees = models.JSONField(default=list, help_text="E-mail addresses")
    people = models.ManyToManyField("store.Person", blank=True, related_name="proposed_activities")
    development = models.ForeignKey(
        ServiceDevelopment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_activities",
    )
    rule = models.CharField(max_length=250, blank=True, help_text="Why this development")
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "title"]
        verbose_name_plural = "proposed activities"
        constraints = [
            models.UniqueConstraint(
                fields=["community", "uid", "recurrence_id"], name="proposal_unique"
            )
        ]

    @property
    def date(self):
        from django.utils import timezone

        return timezone.localtime(self.start).date()

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}: {self.title}"
