"""The audit trail: who changed what, when, from where, with the values before and after.

Records are written by :mod:`commissioning.store.audit` and can never be edited or deleted
through the app (the model refuses, and the admin shows them read-only).
"""

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "JSON API"
    ADMIN = "admin", "Admin"
    IMPORT = "import", "Import"
    CLI = "cli", "Command line"
    SYSTEM = "system", "System"


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    OPEN = "open", "Opened"


class AuditRecordError(Exception):
    pass


class AuditRecord(models.Model):
    when = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_records",
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user goes")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=60, db_index=True, help_text="e.g. store.contract")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=250)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-when", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.username or 'system'} {self.action} {self.model}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditRecordError("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRecordError("audit records cannot be deleted")
