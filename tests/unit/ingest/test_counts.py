"""How an import's counts read, on the command line, the import pages and the history of
imports: large numbers with thousands separators, as every figure the product shows."""

from __future__ import annotations

from types import SimpleNamespace

from commissioning.ingest.load import Counts
from commissioning.ingest.undo import counts_text


def test_counts_read_with_thousands_separators():
    assert str(Counts(1_000_000, 0, 2_345)) == "1,000,000 added, 0 updated, 2,345 unchanged"
    assert str(Counts(3, 1, 0)) == "3 added, 1 updated, 0 unchanged"


def test_the_history_of_imports_says_its_counts_the_same_way():
    imp = SimpleNamespace(
        is_undo=False, counts={"observations": {"added": 1_000_000, "updated": 12_000}}
    )
    assert counts_text(imp) == "observations: 1,000,000 added, 12,000 updated"
    undo = SimpleNamespace(is_undo=True, counts={"observations": {"removed": 1_000_000}})
    assert counts_text(undo) == "observations: 1,000,000 removed"
