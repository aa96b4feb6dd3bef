"""Importing groupings: one row per member, located errors, all or nothing, re-import unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.kinds import KINDS
from commissioning.store.models import Grouping

HEADER = "grouping_code,grouping_name,kind,community,valid_from,valid_to,member_ods\n"
GOOD = HEADER + (
    "east,North East locality,locality,north,2012-04-01,,N00003\n"
    "east,North East locality,locality,north,2012-04-01,,N00004\n"
    "east,North East locality,locality,north,2012-04-01,,U00001\n"
    "dm-net,Diabetes network,Clinical network,north,01/04/2011,31/03/2014,RTA\n"
    "dm-net,Diabetes network,Clinical network,north,01/04/2011,31/03/2014,N00001\n"
)


def write(tmp_path, text: str, name: str = "groupings.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def members(code: str) -> list[str]:
    g = Grouping.objects.get(code=code)
    return sorted(g.members.values_list("ods_code", flat=True))


def counts(result) -> tuple[int, int, int]:
    c = result["groupings"]
    return c.added, c.updated, c.unchanged


def test_one_row_per_member_makes_one_grouping_each(world, tmp_path):
    result = import_files([write(tmp_path, GOOD)])
    assert counts(result) == (2, 0, 0)
    assert members("east") == ["N00003", "N00004", "U00001"]
    assert members("dm-net") == ["N00001", "RTA"]
    net = Grouping.objects.get(code="dm-net")
    assert (net.kind, net.community, net.name) == (
        "clinical_network",
        world.north,
        "Diabetes network",
    )
    assert (net.valid_from, net.valid_to) == (dt.date(2011, 4, 1), dt.date(2014, 3, 31))


def test_importing_again_changes_nothing_and_a_new_file_replaces_membership(world, tmp_path):
    import_files([write(tmp_path, GOOD)])
    assert counts(import_files([write(tmp_path, GOOD)])) == (0, 0, 2)
    smaller = HEADER + "east,North East locality,locality,north,2012-04-01,,N00004\n"
    assert counts(import_files([write(tmp_path, smaller)])) == (0, 1, 0)
    assert members("east") == ["N00004"]  # the file's set, not added to the old one
    assert members("dm-net") == ["N00001", "RTA"]  # groupings not in the file are left alone


def test_community_may_come_from_the_command(world, tmp_path):
    text = (
        "grouping_code,grouping_name,kind,member_ods\n"
        "caseload-a,Caseload A,caseload,N00001\n"
        "caseload-a,Caseload A,caseload,N00002\n"
    )
    import_files([write(tmp_path, text)], community="north")
    assert Grouping.objects.get(code="caseload-a").community == world.north
    assert members("caseload-a") == ["N00001", "N00002"]


def test_broken_file_is_refused_whole_with_located_problems(world, tmp_path):
    before = Grouping.objects.count()
    text = HEADER + (
        "east,North East locality,locality,north,2012-04-01,,N00003\n"  # row 2: fine
        "east,North East locality,locality,north,2012-04-01,,N99999\n"  # row 3: unknown member
        "east,North East,locality,north,2012-04-01,,N00004\n"  # row 4: another name
        "east,North East locality,locality,north,2012-04-01,,N00003\n"  # row 5: repeated member
        "west2,West,village,north,2013-04-01,2012-01-01,N00001\n"  # row 6: kind, dates
    )
    with pytest.raises(InputError) as caught:
        import_files([write(tmp_path, text)])
    found = {(p.row, p.column) for p in caught.value.problems}
    messages = " | ".join(f"{p.row} {p.column}: {p.message}" for p in caught.value.problems)
    assert (5, "member_ods") in found, messages
    assert (6, "kind") in found, messages
    assert (6, "valid_to") in found, messages
    assert all(p.file.endswith("groupings.csv") for p in caught.value.problems)
    assert Grouping.objects.count() == before
    # with the structural problems fixed, the unknown member and the disagreeing name remain
    text = HEADER + (
        "east,North East locality,locality,north,2012-04-01,,N00003\n"
        "east,North East locality,locality,north,2012-04-01,,N99999\n"
        "east,North East,locality,north,2012-04-01,,N00004\n"
    )
    with pytest.raises(InputError) as caught:
        import_files([write(tmp_path, text)])
    problems = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "N99999" in problems[(3, "member_ods")]
    assert "row 2" in problems[(4, "grouping_name")]
    assert "North East locality" in problems[(4, "grouping_name")]
    assert Grouping.objects.count() == before


def test_a_failure_while_writing_leaves_the_database_as_it_was(world, tmp_path, monkeypatch):
    from commissioning.errors import UserError
    from commissioning.ingest import load

    import_files([write(tmp_path, GOOD)])
    changed = GOOD.replace("Diabetes network", "Diabetes network (new)").replace(",RTA", ",N00004")

    def boom(*args, **kwargs):
        raise load.DatabaseError("disk I/O error")

    monkeypatch.setattr(load, "_set_lists", boom)
    with pytest.raises(UserError):
        import_files([write(tmp_path, changed)])
    assert Grouping.objects.get(code="dm-net").name == "Diabetes network"
    assert members("dm-net") == ["N00001", "RTA"]


def test_template_and_export_use_the_generic_machinery(world, tmp_path, capsys):
    from commissioning.cli import main
    from commissioning.export import export_kind

    assert main(["template", "groupings", "-o", str(tmp_path / "t.csv")]) == 0
    header = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(KINDS["groupings"].names) == HEADER.strip()
    assert main(["template", "groupings", "-o", str(tmp_path / "t.xlsx")]) == 0

    import_files([write(tmp_path, GOOD)])
    out = tmp_path / "out.csv"
    assert export_kind(KINDS["groupings"], out, community="north") == 4  # and the fixture's 2
    exported = out.read_text(encoding="utf-8")
    assert "east,North East locality,locality,north,2012-04-01,,N00003; N00004; U00001" in exported
    assert "shared-peers" not in exported and "south-network" not in exported
    assert counts(import_files([out])) == (0, 0, 4)  # export then import: unchanged
