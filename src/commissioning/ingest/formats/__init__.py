"""Importers for the NHS's published files: ODS, GP registrations, QOF.

Each format (one module each, listed in ``formats.FORMATS``) reads its published layout and
turns it into rows of the importer's own kinds (organisations and their parent links,
practice populations, condition registers). Those rows then go through the same checks and the
same all-or-nothing, idempotent load as any other import. ``published`` holds what they share.
"""

from __future__ import annotations
