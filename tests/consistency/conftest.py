"""The cross-surface consistency suite: one figure, one value on every surface.

For every demo community, development and objective, the headline figures are read as a person
or program meets them: from the page (HTML, as the browser gets it), the HTML and XLSX board
reports and the JSON API, and compared. They must be equal, or differ only where the page names
the difference. The readers below parse each surface; they never call the presenters, so a
surface that works a figure out its own way is caught.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook

DEMO_CODES = ["calderdale", "somerset", "wirral"]


def page_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#x27;", "'").replace("&amp;", "&")


def html_table(html: str, table_id: str) -> str | None:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S)
    return match.group(0) if match else None


def xlsx_sheet(content: bytes, name: str) -> list[dict]:
    """The rows of one sheet of a report workbook as dicts (row 1 is the title, row 2 the
    header)."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    if name not in wb.sheetnames:
        return []
    rows = list(wb[name].iter_rows(values_only=True))
    header = rows[1]
    return [dict(zip(header, r, strict=False)) for r in rows[2:] if any(v is not None for v in r)]


def api_json(client, url: str, **params) -> dict:
    """One answer of the JSON API, parsed as a program would."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def api_items(client, url: str, page_size: int = 20) -> list[dict]:
    """Every item of a paginated API list, read page by page."""
    found: list[dict] = []
    page = 1
    while True:
        answer = api_json(client, url, page=page, page_size=page_size)
        found += answer["items"]
        if not answer["items"] or len(found) >= answer["count"]:
            assert len(found) == answer["count"], url
            return found
        page += 1


@pytest.fixture
def admin_client(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="admin"))
    return client
