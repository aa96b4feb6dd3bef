"""A report as the bytes of a file: the one way the command line and the web views make one."""

from __future__ import annotations


def build(fmt: str, *, community=None, development=None, user=None) -> bytes:
    """The report as bytes in ``fmt``: used by the command and the web views."""
    from commissioning.reports.content import across_report, community_report, development_report

    charts = fmt != "xlsx"  # a workbook holds the tables only
    if community is None:
        report = across_report(user, charts=charts)
    elif development:
        report = development_report(community, development, user, charts=charts)
    else:
        report = community_report(community, user, charts=charts)
    if fmt == "pdf":
        from commissioning.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from commissioning.reports.xlsx import render_xlsx

        return render_xlsx(report)
    from commissioning.reports.html import render_html

    return render_html(report).encode()
