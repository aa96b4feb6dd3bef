"""The pages in docs/guide/import describe exactly what the importer accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.ingest.kinds import KINDS
from commissioning.ingest.names import ORDER
from commissioning.ingest.templates import markdown

DOCS = Path(__file__).resolve().parents[3] / "docs" / "guide" / "import"


@pytest.mark.parametrize("name", ORDER)
def test_each_kind_has_an_up_to_date_page(name):
    page = DOCS / f"{name}.md"
    assert page.read_text(encoding="utf-8") == markdown(KINDS[name]), (
        f"{page} is out of date: regenerate it with commissioning.ingest.templates.write_docs"
    )
    assert f"({name}.md)" in (DOCS / "README.md").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_an_import_leaves_one_audit_record_per_kind_changed(tmp_path, samples):
    from commissioning.ingest import import_files
    from commissioning.store.audit import acting_as
    from commissioning.store.models import AuditRecord

    with acting_as(None, "import", username="tester"):
        import_files(samples.write(tmp_path, ["organisations"]))
        import_files(samples.write(tmp_path, ["organisations"]))  # unchanged: no record
    record = AuditRecord.objects.get(model="store.organisation")
    assert (record.username, record.channel, record.action) == ("tester", "import", "create")
    assert record.after["added"] == 6


def test_reliability_page_states_the_harness_figures():
    """docs/reliability.md gives, for every sample, the cases the damaged-file harness makes."""
    from . import damage
    from .conftest import FILES

    page = (DOCS.parents[1] / "reliability.md").read_text(encoding="utf-8")
    samples = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
    counts = {p.name: len(damage.cases(p.read_bytes())) for p in sorted(samples.glob("*.csv"))}
    counts |= {f"{kind}.csv": len(damage.cases(text.encode())) for kind, text in FILES.items()}
    for name, n in counts.items():
        assert f"| `{name}` | {n:,} | {n:,} |" in page, name
    total = sum(counts.values())
    assert f"**{total:,} cases tried, {total:,} held**" in page
