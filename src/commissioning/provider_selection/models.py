"""Decision records of provider selection, their versions and everything regulation 24 asks for.

A record is a draft until it is finalised. A finalised version is never changed in place: saving
or deleting it (or any of its parts) raises :class:`RecordFinalised`; an amendment is a new
version (``version`` + 1, ``previous`` pointing back, ``amendment_reason`` saying why) that is
itself a draft until finalised. Finalising seals the version's whole content and links it into
the hash chain (:mod:`commissioning.provider_selection.chain`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from commissioning.provider_selection import rules
from commissioning.store.backup import restoring
from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    Contract,
    Organisation,
    Person,
    Service,
    ServiceDevelopment,
)


class RecordFinalised(Exception):
    """A finalised record was about to be changed in place."""


class Process(models.TextChoices):
    DIRECT_A = rules.DIRECT_A, rules.PROCESSES[rules.DIRECT_A]
    DIRECT_B = rules.DIRECT_B, rules.PROCESSES[rules.DIRECT_B]
    DIRECT_C = rules.DIRECT_C, rules.PROCESSES[rules.DIRECT_C]
    MOST_SUITABLE = rules.MOST_SUITABLE, rules.PROCESSES[rules.MOST_SUITABLE]
    COMPETITIVE = rules.COMPETITIVE, rules.PROCESSES[rules.COMPETITIVE]


class Criterion(models.TextChoices):
    """The key criteria of regulation 5."""

    QUALITY_INNOVATION = "quality_innovation", rules.CRITERIA["quality_innovation"]
    VALUE = "value", rules.CRITERIA["value"]
    INTEGRATION = "integration", rules.CRITERIA["integration"]
    ACCESS = "access", rules.CRITERIA["access"]
    SOCIAL_VALUE = "social_value", rules.CRITERIA["social_value"]


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINALISED = "finalised", "Finalised"


class FurtherDecision(models.TextChoices):
    PROCEED = "proceed", "Go ahead with the award as intended"
    REPEAT = "repeat", "Go back to an earlier step"
    ABANDON = "abandon", "Abandon the procurement"


class DecisionRecord(models.Model):
    """One version of the record of one provider selection decision (regulation 24)."""

    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.PROTECT, related_name="decision_records"
    )
    reference = models.SlugField(max_length=60, help_text="Short reference, e.g. psr-2025-04")
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    amendment_reason = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="The services and what is changing")
    services = models.ManyToManyField(Service, blank=True, related_name="decision_records")
    cpv_code = models.CharField("CPV code", max_length=12, blank=True, help_text="e.g. 85100000")
    estimated_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="£ over the contract's whole life",
    )
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    process = models.CharField(max_length=32, choices=Process.choices)
    existing_contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement_decisions",
        help_text="The contract this one replaces, if any",
    )
    chosen_provider = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_won",
    )
    awarded_contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_decisions",
        help_text="The contract in the register that this decision awarded",
    )
    development = models.ForeignKey(
        ServiceDevelopment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_records",
    )
    activities = models.ManyToManyField(Activity, blank=True, related_name="decision_records")

    # The facts the processes depend on (regulation 6).
    framework = models.BooleanField(default=False, help_text="Concludes a framework agreement")
    only_existing_capable = models.BooleanField(null=True, blank=True)
    patient_choice = models.BooleanField(null=True, blank=True)
    providers_unrestricted = models.BooleanField(null=True, blank=True)
    offered_to_all = models.BooleanField(null=True, blank=True)
    expressions_of_interest = models.BooleanField(null=True, blank=True)
    existing_satisfactory = models.BooleanField(null=True, blank=True)
    materially_different = models.BooleanField(null=True, blank=True)
    change_by_authority = models.BooleanField(null=True, blank=True)
    existing_lifetime_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    can_identify_most_suitable = models.BooleanField(null=True, blank=True)

    # Who decided, and why (regulation 24(d)).
    forum = models.CharField(max_length=200, blank=True, help_text="Committee or forum")
    reasons = models.TextField(blank=True)
    no_conflicts_declared = models.BooleanField(default=False)

    # Dates and notices.
    process_notice = models.DateField(null=True, blank=True)
    intention_published = models.DateField(null=True, blank=True)
    representations = models.DateField(null=True, blank=True)
    further_decision = models.DateField(null=True, blank=True)
    further_decision_kind = models.CharField(
        max_length=10, choices=FurtherDecision.choices, blank=True
    )
    award_date = models.DateField(null=True, blank=True)
    award_notice = models.DateField(null=True, blank=True)

    # Sealing.
    created = models.DateTimeField(auto_now_add=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sealed_content = models.TextField(blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["community", "reference", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "reference", "version"], name="decision_record_version"
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="decision_record_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version}: {self.title}"

    @property
    def is_final(self) -> bool:
        return self.status == Status.FINALISED

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()

    def save(self, *args, **kwargs):
        if self._stored_status() == Status.FINALISED:
            raise RecordFinalised(f"{self} is finalised: amend it to make a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == Status.FINALISED:
            raise RecordFinalised(f"{self} is finalised and cannot be deleted")
        return super().delete(*args, **kwargs)


class RecordPart(models.Model):
    """A part of a record: changed only while the record is a draft."""

    class Meta:
        abstract = True

    def _record(self) -> DecisionRecord:
        return self.record

    def save(self, *args, **kwargs):
        if self._record()._stored_status() == Status.FINALISED:
            raise RecordFinalised(f"{self._record()} is finalised: amend it to make a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._record()._stored_status() == Status.FINALISED:
            raise RecordFinalised(f"{self._record()} is finalised: amend it to make a new version")
        return super().delete(*args, **kwargs)


class CriterionWeight(RecordPart):
    """How much one key criterion counted in the decision (regulation 5), and how."""

    record = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="weights")
    criterion = models.CharField(max_length=24, choices=Criterion.choices)
    weight = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent")
    how_considered = models.TextField(blank=True)

    class Meta:
        ordering = ["record", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["record", "criterion"], name="weight_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="weight_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.weight}%"


class ProviderConsidered(RecordPart):
    """A provider considered: the existing provider (C), one assessed (most suitable provider)
    or a bidder (competitive), with the basic selection criteria (regulation 19)."""

    record = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="considered")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meets_basic_selection = models.BooleanField(null=True, blank=True)
    basic_selection_notes = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="The assessment in words")

    class Meta:
        ordering = ["record", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["record", "provider"], name="considered_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} in {self.record.reference}"


class Assessment(RecordPart):
    """One provider's score and comment against one key criterion."""

    considered = models.ForeignKey(
        ProviderConsidered, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.CharField(max_length=24, choices=Criterion.choices)
    score = models.DecimalField(max_digits=6, decimal_places=2, help_text="Out of 100")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["considered", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["considered", "criterion"], name="assessment_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="score_percent"
            ),
        ]

    def _record(self) -> DecisionRecord:
        return self.considered.record

    def __str__(self) -> str:
        return f"{self.considered.provider.name}: {self.get_criterion_display()}"


class DecisionMaker(RecordPart):
    """An individual who made the decision (regulation 24(d))."""

    record = models.ForeignKey(
        DecisionRecord, on_delete=models.CASCADE, related_name="decision_makers"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["record", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class ConflictOfInterest(RecordPart):
    """A conflict or potential conflict of interest declared, and how it was managed
    (regulations 21 and 24)."""

    record = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="conflicts")
    person = models.CharField(max_length=200)
    interest = models.TextField()
    managed = models.TextField(blank=True, help_text="How the conflict was managed")

    class Meta:
        ordering = ["record", "person", "pk"]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest[:60]}"


def refuse_links_to_finalised(sender, instance, action, **kwargs) -> None:
    """Services and activities of a finalised version cannot be added or taken away either
    (except by a restore putting a backed-up record back as it was)."""
    if restoring():
        return
    if (
        action in ("pre_add", "pre_remove", "pre_clear")
        and isinstance(instance, DecisionRecord)
        and instance._stored_status() == Status.FINALISED
    ):
        raise RecordFinalised(f"{instance} is finalised: amend it to make a new version")
