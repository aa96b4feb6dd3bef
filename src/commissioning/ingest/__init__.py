"""Data in: checked, all-or-nothing imports from CSV and Excel.

Records go out through :mod:`commissioning.export`; backups are :mod:`commissioning.store.backup`.

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
    format: str | None = None,
    allow_unmatched: bool = False,
    year: int | None = None,
    notes: list[str] | None = None,
    allow_emptying: bool = False,
) -> dict:
    """Check then load ``paths`` as one unit. Raises InputError (every problem) or UserError.

    Returns the counts (added, updated, unchanged) for each kind, in the order written.

    Files in an NHS published layout (ODS, GP registrations, QOF: see ``formats``) are found
    from their first rows, or named by ``format``, and converted first; what they matched and
    left out is appended to ``notes``. ``allow_unmatched`` leaves out, rather than rejects, rows
    naming practices unknown to the database; ``year`` is a QOF file's year (2018 for 2018-19).
    An update that would empty a value the database holds is refused unless
    ``allow_emptying`` (then ``notes`` says how many values it empties).
    """
    from commissioning.ingest.formats.convert import read_upload
    from commissioning.ingest.load import load
    from commissioning.ingest.validate import check_upload

    sheets, found = read_upload(paths, format=format, allow_unmatched=allow_unmatched, year=year)
    if notes is not None:
        notes.extend(found)
    batches = check_upload(
        sheets,
        kind=kind,
        community=community,
        allow_emptying=allow_emptying,
        notes=notes,
    )
    return load(batches, dry_run=dry_run)


__all__ = ["import_files"]
