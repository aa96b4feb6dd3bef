"""Reports as downloads: /reports/<community>.<pdf|html|xlsx>, a development, or all of them.

Each is made for the signed-in user: a community they may not read is a 404, and money is left
out for viewers (the access policy decides).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse

from commissioning.reports.build import build
from commissioning.reports.content import NotFound

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _respond(request, fmt: str, filename: str, **what) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("reports come as pdf, html or xlsx")
    try:
        data = build(fmt, user=request.user, **what)
    except NotFound:
        raise Http404("no such report") from None
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def community(request, code: str, fmt: str):
    return _respond(request, fmt, f"{code}-report", community=code)


def development(request, code: str, slug: str, fmt: str):
    return _respond(request, fmt, f"{code}-{slug}-report", community=code, development=slug)


def across(request, fmt: str):
    return _respond(request, fmt, "communities-report")
