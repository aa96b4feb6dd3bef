"""Reports of the demo, made once per test session (they take a few seconds each)."""

from __future__ import annotations

import io
import subprocess

import pytest

DEMO_CODES = ["calderdale", "somerset", "wirral"]


@pytest.fixture(scope="session")
def reports(demo, django_db_blocker):
    """{name: Report} for every demo community, one development and the across report."""
    from commissioning.reports.content import across_report, community_report, development_report
    from commissioning.store.models import ServiceDevelopment

    with django_db_blocker.unblock():
        out = {code: community_report(code) for code in DEMO_CODES}
        dev = (
            ServiceDevelopment.objects.filter(community__code="calderdale")
            .exclude(go_live_date=None)
            .exclude(objectives__indicator=None)
            .order_by("start_date")
            .first()
        )
        out["development"] = development_report("calderdale", dev.slug)
        out["development"].slug = dev.slug
        out["across"] = across_report()
    return out


@pytest.fixture(scope="session")
def pdfs(reports, django_db_blocker):
    from commissioning.reports.pdf import render_pdf

    with django_db_blocker.unblock():
        return {name: render_pdf(r) for name, r in reports.items()}


def pdf_pages(data: bytes, tmp_path) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [p for p in text.split("\f") if p.strip()]


def workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))
