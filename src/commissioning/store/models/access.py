"""Who a login is: their role and the community or organisation it is scoped to."""

from django.conf import settings
from django.db import models

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.organisations import Organisation


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    COMMISSIONER = "commissioner", "Commissioner"
    PROVIDER = "provider", "Provider"
    VIEWER = "viewer", "Viewer"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    community = models.ForeignKey(
        CommissioningCommunity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="profiles",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="profiles",
        help_text="For a provider: the organisation whose records they may see",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
