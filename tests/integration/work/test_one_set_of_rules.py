"""One set of rules: the importer and the app's forms refuse the same bad values with the same
words.

Each case imports a file with bad values through the real importer (``import_files``), posts the
same values to the form that records that kind on the development page, and compares, column by
column, the importer's problems with the messages the form shows beside its fields.
"""

from __future__ import annotations

import re

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files

pytestmark = pytest.mark.django_db

BASE = "/communities/minitown/developments/diabetes-redesign/"
NHS_NUMBER = "943 476 5919"  # a valid NHS number (checksum), as the importer's check knows them


def imported(tmp_path, kind: str, header: list[str], row: list[str]) -> dict[str, list[str]]:
    """The importer's problems with one row of ``kind``, by column."""
    path = tmp_path / f"{kind}.csv"
    quoted = [f'"{v}"' if "," in v else v for v in row]
    path.write_text(",".join(header) + "\n" + ",".join(quoted) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        import_files([path], kind=kind, community="minitown")
    found: dict[str, list[str]] = {}
    for problem in refused.value.problems:
        found.setdefault(problem.column, []).append(problem.message)
    return found


def shown(response, fields: dict[str, str]) -> dict[str, list[str]]:
    """The messages shown beside each form field, by the importer's column names."""
    assert response.status_code == 400
    page = response.content.decode()
    found: dict[str, list[str]] = {}
    for column, field in fields.items():
        match = re.search(
            rf'<span class="nhsuk-error-message" id="id_{field}_error">(.*?)</span>\s*(?:<|\{{)',
            page,
            re.S,
        )
        if match is None:
            continue
        messages = re.findall(r"Error:</span>\s*(.*?)(?:<br>|$)", match.group(1) + "</span>", re.S)
        found[column] = [_unescape(m.strip().removesuffix("</span>").strip()) for m in messages]
    return found


def _unescape(text: str) -> str:
    return text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def same_words(importer: dict, form: dict, columns: list[str]) -> None:
    for column in columns:
        assert importer.get(column), f"the importer found nothing wrong in {column}"
        assert form.get(column) == importer[column], column


def test_developments(tmp_path, client_for):
    header = ["slug", "title", "status", "start_date", "end_date", "go_live_date"]
    values = {
        "title": "x" * 251,
        "status": "finished",
        "start_date": "2012-04-01",
        "end_date": "2011-04-01",
        "go_live_date": "31/02/2012",
    }
    importer = imported(tmp_path, "developments", header, ["new-one", *values.values()])
    response = client_for("commissioner").post("/communities/minitown/new-development/", values)
    fields = {c: c for c in values}
    same_words(importer, shown(response, fields), ["title", "status", "end_date", "go_live_date"])
    assert importer["title"] == ["expected at most 250 characters"]
    assert importer["end_date"] == ["expected a date on or after start_date"]


def test_a_development_needs_a_title(tmp_path, client_for):
    importer = imported(tmp_path, "developments", ["slug", "title"], ["new-one", ""])
    response = client_for("commissioner").post("/communities/minitown/new-development/", {})
    same_words(importer, shown(response, {"title": "title"}), ["title"])
    assert importer["title"] == ["expected text, found nothing"]


def test_objectives_are_saved_only_when_measurable(tmp_path, client_for):
    header = [
        "development_slug",
        "description",
        "indicator_code",
        "baseline_value",
        "target_value",
        "target_date",
    ]
    importer = imported(
        tmp_path, "objectives", header, ["diabetes-redesign", "Better care", "", "", "lots", ""]
    )
    form = {"description": "Better care", "target_value": "lots"}
    response = client_for("commissioner").post(BASE + "objectives/new/", form)
    fields = {
        "indicator_code": "indicator",
        "baseline_value": "baseline_value",
        "target_value": "target_value",
        "target_date": "target_date",
    }
    same_words(importer, shown(response, fields), list(fields))
    assert importer["target_value"] == ["expected a number, found 'lots'"]
    assert importer["indicator_code"] == ["expected an indicator code, found nothing"]


def test_activities(tmp_path, client_for):
    header = ["date", "title", "kind", "nature", "development_slug", "outcome"]
    values = {
        "date": "2011-13-01",
        "title": "",
        "kind": "lunch",
        "nature": "",
        "outcome": "Agreed the model",
    }
    row = [values["date"], "", "lunch", "", "diabetes-redesign", values["outcome"]]
    importer = imported(tmp_path, "activities", header, row)
    response = client_for("commissioner").post(BASE + "activities/new/", values)
    fields = {c: c for c in ("date", "title", "kind", "nature")}
    same_words(importer, shown(response, fields), list(fields))
    assert importer["kind"][0].startswith("expected one of meeting, document, analysis")
    # patient identifiers: refused in an import, and in a form
    header = ["date", "title", "kind", "nature", "outcome"]
    row = ["2011-09-14", "Board", "meeting", "relational", NHS_NUMBER]
    importer = imported(tmp_path, "activities", header, row)
    good = {"date": "14/9/2011", "title": "Board", "kind": "meeting", "nature": "relational"}
    good["outcome"] = NHS_NUMBER
    response = client_for("commissioner").post(BASE + "activities/new/", good)
    same_words(importer, shown(response, {"outcome": "outcome"}), ["outcome"])


def test_participants_hours(tmp_path, client_for):
    header = ["activity_date", "activity_title", "person", "hours"]
    client = client_for("commissioner")
    for hours in ("-1", "10000", "two"):
        importer = imported(tmp_path, "participants", header, ["2010-03-01", "Board", "Ann", hours])
        post = {
            "date": "14/9/2011",
            "title": "Board",
            "kind": "meeting",
            "nature": "relational",
            "rows_participant": "1",
            "person_0": "Ann Example",
            "hours_0": hours,
        }
        response = client.post(BASE + "activities/new/?start=blank", post)
        same_words(importer, shown(response, {"hours": "hours_0"}), ["hours"])
