"""Board-ready reports (HTML, PDF, XLSX) and alerts for commissioning communities.

:mod:`.content` gathers a report's sections as plain data (:mod:`.document`); :mod:`.html`,
:mod:`.pdf` and :mod:`.xlsx` render it; :mod:`.alerts` sends each user a digest of what changed
in the indicators, developments and communities they follow. See docs/guide/reports.md and
docs/guide/alerts.md.
"""
