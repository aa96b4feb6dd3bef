"""The history of imports: each import that changed something, and what it changed.

An import adds and updates records in bulk (no per-record signals), so it keeps its own record:

- an :class:`Import` row for each import that added or updated anything: who, when, through
  what, from which files, with the counts for each kind of record;
- an :class:`ImportChange` row for each record it updated, holding the record's values before
  and after (as the import's file layout writes them), written in bulk;
- each record it added carries the import's id (``added_by_import``: one integer, no index,
  no foreign key constraint, so adding a million rows costs next to nothing more).

An undo is an :class:`Import` too (``undoes`` names the import it undid); its changes hold the
values of the records it removed and of those it put back. Nothing here can be edited through
the app.
"""

from django.conf import settings
from django.db import models

from commissioning.store.models.audit import Channel


def added_by_import_field():
    """The field every importable record has: the import that added it (empty otherwise)."""
    return models.ForeignKey(
        "store.Import",
        null=True,
        blank=True,
        editable=False,
        # Imports are never deleted, so the reference needs no constraint; without one (and
        # without an index) the rows of a big import are written as fast as before.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="The import that added this record; empty for records added any other way",
    )


class Import(models.Model):
    when = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user goes")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    files = models.JSONField(default=list, blank=True, help_text="Names of the files imported")
    counts = models.JSONField(
        default=dict,
        blank=True,
        help_text="For each kind: added, updated and unchanged (for an undo: removed, restored)",
    )
    undoes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="undone_by",
        help_text="Set on an undo: the import it undid (each import can be undone once)",
    )

    class Meta:
        ordering = ["-when", "-id"]

    def __str__(self) -> str:
        if self.undoes_id:
            return f"Undo of import {self.undoes_id}"
        return f"Import {self.pk}"

    @property
    def is_undo(self) -> bool:
        return self.undoes_id is not None

    @property
    def undo(self):
        """The undo of this import, or None while it stands."""
        try:
            return self.undone_by
        except Import.DoesNotExist:
            return None


class ImportChange(models.Model):
    """One record an import updated (or an undo removed or put back), before and after."""

    UPDATE = "update"
    DELETE = "delete"
    ACTIONS = [(UPDATE, "Updated"), (DELETE, "Removed")]

    upload = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=40, help_text="Kind of record, as files name it")
    model = models.CharField(max_length=60, help_text="e.g. store.observation")
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=ACTIONS)
    record = models.CharField(max_length=250, help_text="The record's natural key, readable")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["model", "object_id"], name="importchange_record")]

    def __str__(self) -> str:
        return f"{self.upload}: {self.get_action_display().lower()} {self.kind} {self.record}"

    def fields(self) -> list[tuple[str, str, str]]:
        """(column, before, after) for each column whose value changed (for a record removed:
        each column that held a value)."""
        before, after = self.before or {}, self.after or {}
        if self.action == self.DELETE:
            return [(n, v, "") for n, v in before.items() if v not in ("", None)]
        names = list(before) + [k for k in after if k not in before]
        return [
            (n, before.get(n, ""), after.get(n, ""))
            for n in names
            if before.get(n, "") != after.get(n, "")
        ]
