"""What each user follows, and the digests sent to them (also kept as an in-app inbox)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from commissioning.store.models import CommissioningCommunity, Indicator, ServiceDevelopment


class Subscription(models.Model):
    """One user following one indicator (optionally in one community), one development or one
    community (everything in it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    development = models.ForeignKey(
        ServiceDevelopment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        CommissioningCommunity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="With an indicator: only its series in this community",
    )
    by_email = models.BooleanField(default=True, help_text="Also send the digest by e-mail")
    created = models.DateTimeField(auto_now_add=True)
    last_sent = models.DateTimeField(
        null=True, blank=True, help_text="When a digest last covered this subscription"
    )
    state = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the last digest saw (see docs/guide/alerts.md)",
    )

    class Meta:
        ordering = ["user", "pk"]

    def clean(self) -> None:
        if not (self.indicator_id or self.development_id or self.community_id):
            raise ValidationError("follow an indicator, a development or a community")
        if self.indicator_id and self.development_id:
            raise ValidationError("follow an indicator or a development, not both at once")

    def __str__(self) -> str:
        parts = [
            str(x) for x in (self.indicator, self.development, self.community) if x is not None
        ]
        return f"{self.user}: {' in '.join(parts)}"


class InboxMessage(models.Model):
    """A digest as shown in the app: a subject line and one line per item."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox"
    )
    created = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=200)
    items = models.JSONField(default=list, help_text="[{kind, title, detail}]")
    read = models.BooleanField(default=False)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["user", "-created"]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
