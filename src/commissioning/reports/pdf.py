"""A report printed to PDF with WeasyPrint, offline.

The HTML of :mod:`.html` is laid out with its print stylesheet: A4 pages numbered "Page n of
m", a contents list with page references, and the synthetic-data watermark on every page of a
synthetic community's report. Charts are inline SVG images, fonts are the system's (Debian's
fonts-dejavu-core), and nothing is fetched from the network: any URL the page might name is
refused.
"""

from __future__ import annotations

from commissioning.document import Report
from commissioning.errors import UserError
from commissioning.reports.html import render_html


def render_pdf(report: Report) -> bytes:
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise UserError(
            f"cannot make PDF files here ({exc}); install WeasyPrint and Debian's "
            "libpango-1.0-0 and libpangoft2-1.0-0, or choose --format html or xlsx"
        ) from None
    html = render_html(report, for_print=True)
    # Only data: URLs (the inline charts) are read; any other address is refused.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher, media_type="print").write_pdf()
