"""Surveys, the people invited to answer them, and their answers (nominations).

A respondent's link is a random token handed out once; only its SHA-256 hash is stored, so
nobody (not even an administrator reading the database) can rebuild a link. Answering, or a new
link being made, clears the hash: every link works once.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from commissioning.store.models import CommissioningCommunity, Condition, Organisation, RoleType


class Strength(models.IntegerChoices):
    """How often the respondent goes to the source for advice (the tie's weight)."""

    RARELY = 1, "1: rarely (once or twice a year)"
    NOW_AND_THEN = 2, "2: now and then (every few months)"
    SOMETIMES = 3, "3: sometimes (about monthly)"
    OFTEN = 4, "4: often (about weekly)"
    VERY_OFTEN = 5, "5: very often (several times a week)"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Survey(models.Model):
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(max_length=200)
    question = models.CharField(
        max_length=300, help_text="For example: Who do you go to for advice on diabetes care?"
    )
    condition = models.ForeignKey(
        Condition, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    max_sources = models.PositiveSmallIntegerField(
        "most sources a respondent may name",
        default=5,
        help_text="Between 1 and 20",
    )
    opens = models.DateField(null=True, blank=True, help_text="Empty: open now")
    closes = models.DateField(null=True, blank=True, help_text="Empty: open until closed")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(default=False, help_text="Made up for the demo")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_sources__gte=1) & Q(max_sources__lte=20),
                name="survey_max_sources_1_to_20",
            ),
            models.CheckConstraint(
                condition=Q(opens__isnull=True)
                | Q(closes__isnull=True)
                | Q(closes__gte=models.F("opens")),
                name="survey_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day) -> bool:
        return (self.opens is None or self.opens <= day) and (
            self.closes is None or day <= self.closes
        )


class SurveyRespondent(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    name = models.CharField("display name", max_length=200)
    email = models.EmailField(blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_respondents",
        help_text="Usually the respondent's GP practice",
    )
    role_type = models.CharField(
        "role", max_length=32, choices=RoleType.choices, default=RoleType.GP
    )
    pseudonym = models.CharField(max_length=80, db_index=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    used_token_hash = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The hash of the link that was used to answer, so a second use can be told apart",
    )
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest link was made"
    )
    reminders = models.JSONField(default=list, blank=True, help_text="When reminders were sent")
    responded_at = models.DateTimeField(null=True, blank=True)
    response_channel = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.pseudonym or "respondent"

    @property
    def responded(self) -> bool:
        return self.responded_at is not None

    @property
    def reminder_count(self) -> int:
        return len(self.reminders or [])

    @property
    def last_reminded(self) -> str | None:
        return (self.reminders or [None])[-1]


class Nomination(models.Model):
    respondent = models.ForeignKey(
        SurveyRespondent, on_delete=models.CASCADE, related_name="nominations"
    )
    position = models.PositiveSmallIntegerField(default=1)
    source_name = models.CharField(max_length=200)
    source_type = models.CharField(max_length=32, choices=RoleType.choices)
    source_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strength = models.PositiveSmallIntegerField(
        choices=Strength.choices, default=Strength.SOMETIMES
    )

    class Meta:
        ordering = ["respondent", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strength__gte=1) & Q(strength__lte=5), name="nomination_strength_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"nomination {self.pk}"
