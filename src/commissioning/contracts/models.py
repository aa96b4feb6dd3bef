"""Contract performance records, linked to the contract register (``store.Contract``).

- :class:`ContractLine`: what a contract buys, line by line (point of delivery, specialty or
  service, currency, price), and how the line is paid;
- :class:`MonthlyPlan` and :class:`MonthlyActual`: planned and actual activity (and money) by
  line and month (the first day of the month);
- :class:`IncentiveIndicator` and :class:`Milestone`: the indicators of an incentive scheme
  (``store.IncentiveScheme``, e.g. CQUIN), their weights, milestones and achievement;
- :class:`ContractVariation`: dated changes to value, lines, term or specification;
- :class:`ActivityChallenge`: queries raised with the provider about activity or coding.

Access rules are registered by :mod:`commissioning.contracts.records`; money fields are hidden
from viewers.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from commissioning.store.models import Contract, IncentiveScheme, Indicator
from commissioning.store.models.imports import added_by_import_field


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    added_by_import = added_by_import_field()
    code = models.CharField(max_length=40, help_text="The line's code within the contract")
    name = models.CharField(max_length=200)
    point_of_delivery = models.CharField(
        max_length=20, help_text="Point of delivery code, e.g. NEL, EL, DC, OPFA, OPFUP, AE"
    )
    treatment_function = models.CharField(
        max_length=10, blank=True, help_text="Treatment function (specialty) code, e.g. 300"
    )
    currency = models.CharField(
        max_length=60, help_text="Unit of activity, e.g. HRG spell, attendance, contact"
    )
    price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="£ a unit"
    )
    fixed = models.BooleanField(
        default=False, help_text="Paid as planned whatever the activity (a fixed element)"
    )
    marginal_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="% of the price paid for activity away from plan or outside the volume band "
        "(empty: 100%)",
    )
    band_floor = models.FloatField(null=True, blank=True, help_text="Cost and volume: units a year")
    band_ceiling = models.FloatField(
        null=True, blank=True, help_text="Cost and volume: units a year"
    )

    class Meta:
        ordering = ["contract", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="contract_line_unique"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="contract_line_price"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.code}: {self.name}"


class _Monthly(models.Model):
    month = models.DateField(help_text="The first day of the month")
    activity = models.FloatField(validators=[MinValueValidator(0)])
    cost = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="£"
    )
    added_by_import = added_by_import_field()

    class Meta:
        abstract = True
        ordering = ["line", "month"]


class MonthlyPlan(_Monthly):
    line = models.ForeignKey(ContractLine, on_delete=models.CASCADE, related_name="plans")

    class Meta(_Monthly.Meta):
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="monthly_plan_unique"),
            models.CheckConstraint(condition=Q(activity__gte=0), name="monthly_plan_activity"),
        ]

    def __str__(self) -> str:
        return f"Plan {self.line.code} {self.month:%b %Y}: {self.activity:g}"


class MonthlyActual(_Monthly):
    line = models.ForeignKey(ContractLine, on_delete=models.CASCADE, related_name="actuals")

    class Meta(_Monthly.Meta):
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="monthly_actual_unique"),
            models.CheckConstraint(condition=Q(activity__gte=0), name="monthly_actual_activity"),
        ]

    def __str__(self) -> str:
        return f"Actual {self.line.code} {self.month:%b %Y}: {self.activity:g}"


class IncentiveIndicator(models.Model):
    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="% of the scheme's value"
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incentive_indicators",
        help_text="The monitored indicator its milestones can be judged from",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="incentive_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.code}: {self.name}"


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class Milestone(models.Model):
    indicator = models.ForeignKey(
        IncentiveIndicator, on_delete=models.CASCADE, related_name="milestones"
    )
    due = models.DateField()
    description = models.CharField(max_length=300)
    target = models.FloatField(
        null=True, blank=True, help_text="In the monitored indicator's unit, if it has one"
    )
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="% of the indicator's value"
    )
    status = models.CharField(
        max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    achieved_share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="% of the milestone's value earned when partly met",
    )
    achieved_value = models.FloatField(null=True, blank=True, help_text="The value reached")
    recorded = models.DateField(null=True, blank=True, help_text="When the achievement was agreed")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator", "due", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.code} due {self.due}: {self.get_status_display()}"


class VariationKind(models.TextChoices):
    VALUE = "value", "Value"
    LINES = "lines", "Lines (activity or prices)"
    TERM = "term", "Term"
    SPECIFICATION = "specification", "Service specification"
    OTHER = "other", "Other"


class VariationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AWAITING_SIGNATURE = "awaiting_signature", "Awaiting signature"
    SIGNED = "signed", "Signed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContractVariation(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="variations")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=VariationKind.choices)
    status = models.CharField(max_length=20, choices=VariationStatus.choices)
    proposed = models.DateField()
    signed = models.DateField(null=True, blank=True)
    effective = models.DateField(help_text="The day the change takes effect")
    value_change = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Change to the annual value, £ a year (negative for a reduction)",
    )
    new_end_date = models.DateField(null=True, blank=True)
    description = models.TextField(help_text="What changed")
    reason = models.TextField(help_text="Why")

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="variation_unique"),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed__isnull=False),
                name="variation_signed_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} variation {self.number}: {self.title}"


class ChallengeKind(models.TextChoices):
    CODING = "coding", "Counting and coding"
    NOT_AGREED = "not_agreed", "Activity not in the contract"
    DUPLICATE = "duplicate", "Duplicate activity"
    PRICE = "price", "Price or tariff"
    DATA_QUALITY = "data_quality", "Data quality"
    OTHER = "other", "Other"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "Open"
    UPHELD = "upheld", "Upheld: credit agreed"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ActivityChallenge(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="challenges")
    line = models.ForeignKey(
        ContractLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="challenges",
    )
    reference = models.CharField(max_length=40)
    raised = models.DateField()
    month = models.DateField(null=True, blank=True, help_text="The activity month challenged")
    kind = models.CharField(max_length=20, choices=ChallengeKind.choices)
    description = models.TextField()
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="£ challenged")
    status = models.CharField(
        max_length=20, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN
    )
    value_agreed = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="£ credited"
    )
    outcome = models.TextField(blank=True)
    closed = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "raised", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "reference"], name="challenge_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="challenge_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} challenge {self.reference}"
