"""Contracts, incentive schemes and spend by service and financial year."""

from django.db import models
from django.db.models import Q

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation
from commissioning.store.models.services import Service


class PaymentForm(models.TextChoices):
    BLOCK = "block", "Block"
    ACTIVITY = "activity", "Activity-based tariff"
    COST_AND_VOLUME = "cost_and_volume", "Cost and volume"
    API = "api", "Aligned payment and incentive"
    OTHER = "other", "Other"


class ProcurementRoute(models.TextChoices):
    TENDERED = "tendered", "Competitive tender"
    ROLLED_OVER = "rolled_over", "Rolled over"
    DIRECT_AWARD = "direct_award", "Direct award"
    NEW = "new", "New agreement without tender"


class Contract(models.Model):
    reference = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="contracts"
    )
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_commissioned"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_held"
    )
    services = models.ManyToManyField(Service, blank=True, related_name="contracts")
    payment_form = models.CharField(max_length=20, choices=PaymentForm.choices)
    procurement_route = models.CharField(
        max_length=20, choices=ProcurementRoute.choices, blank=True
    )
    start_date = models.DateField()
    end_date = models.DateField()
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, help_text="£ a year")
    risk_share = models.TextField(blank=True, help_text="How financial risk is shared")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["community", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(annual_value__gte=0), name="contract_value_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class IncentiveScheme(models.Model):
    """An incentive attached to a contract, e.g. CQUIN: a share of contract value for quality."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="incentives")
    scheme = models.CharField(max_length=60, help_text="e.g. CQUIN")
    financial_year = models.PositiveSmallIntegerField(help_text="Year the financial year starts")
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    goals = models.TextField(blank=True)
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["contract", "financial_year"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class Spend(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="spend")
    financial_year = models.PositiveSmallIntegerField(
        help_text="Year the financial year starts: 2011 means 2011/12"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="£")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["service", "financial_year"]
        verbose_name_plural = "spend"
        constraints = [
            models.UniqueConstraint(fields=["service", "financial_year"], name="spend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.financial_year}: £{self.amount}"
