"""The monitoring app's records: decisions about a series' process limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.store.models import (
    CommissioningCommunity,
    Indicator,
    Organisation,
    Service,
    ServiceDevelopment,
)


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class Recalculation(models.Model):
    """A commissioner's decision about the process limits of one series (one indicator for one
    organisation or one service) in one community: from ``starts`` on (the series' first
    period on or after that date) the limits are worked out afresh (confirmed, with the
    reason), or the proposal to do so was dismissed. Every surface that draws the series in
    the community uses the confirmed ones (:func:`commissioning.monitoring.presenter.build`).
    """

    community = models.ForeignKey(
        CommissioningCommunity, on_delete=models.CASCADE, related_name="limit_recalculations"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="limit_recalculations"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    starts = models.DateField(
        "limits recalculated from",
        help_text="New limits start at the series' first period on or after this date",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True, help_text="Why the process changed (required to confirm)")
    development = models.ForeignKey(
        ServiceDevelopment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="limit_recalculations",
        help_text="The development whose go-live changed the process, if any",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(
        "decided by", max_length=150, help_text="The login (or person) as named when deciding"
    )
    decided_at = models.DateTimeField("decided at", default=timezone.now)

    class Meta:
        ordering = ["community", "indicator", "starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, service__isnull=True)
                | Q(organisation__isnull=True, service__isnull=False),
                name="recalculation_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[d.value for d in Decision]),
                name="recalculation_decision_known",
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.DISMISSED) | ~Q(reason=""),
                name="recalculation_confirmed_with_reason",
            ),
            models.UniqueConstraint(
                fields=["community", "indicator", "organisation", "starts"],
                condition=Q(service__isnull=True),
                name="recalculation_unique_organisation_series",
            ),
            models.UniqueConstraint(
                fields=["community", "indicator", "service", "starts"],
                condition=Q(organisation__isnull=True),
                name="recalculation_unique_service_series",
            ),
        ]

    @property
    def series(self) -> str:
        """The key of its series on the monitoring pages (:attr:`.presenter.Series.key`)."""
        if self.service_id is not None:
            return f"i{self.indicator_id}-svc{self.service_id}"
        return f"i{self.indicator_id}-org{self.organisation_id}"

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.indicator} from {self.starts:%B %Y}"
