"""Data in and out: checked, all-or-nothing imports from CSV and Excel; exports; backups.

The importer reads every file, checks every row (reporting all problems at once), and only then
writes, in one transaction, in dependency order. See ``kinds`` for what each file holds.
"""

from __future__ import annotations

from pathlib import Path


def import_files(
    paths: list[str | Path],
    *,
    kind: str | None = None,
    community: str | None = None,
    dry_run: bool = False,
) -> dict:
    """Check then load ``paths`` as one unit. Raises InputError (every problem) or UserError.

    Returns the counts (added, updated, unchanged) for each kind, in the order written.
    """
    from commissioning.ingest.load import load
    from commissioning.ingest.readers import read
    from commissioning.ingest.validate import check_upload

    sheets = [sheet for path in paths for sheet in read(path)]
    batches = check_upload(sheets, kind=kind, community=community)
    return load(batches, dry_run=dry_run)


__all__ = ["import_files"]
