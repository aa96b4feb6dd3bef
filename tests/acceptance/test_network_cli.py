"""``commissioning network`` as a user runs it: outputs, pseudonyms, exit codes and errors."""

from __future__ import annotations

import json

import pytest

from commissioning.cli import main

EDGES = """respondent,source,source_type,weight
gp_alice,dr_cons,consultant,3
gp_alice,gp_bob,gp,1
gp_bob,dr_cons,consultant,2
gp_bob,cm_carol,commissioning_manager,1
gp_dan,gp_bob,gp,2
gp_dan,nurse_eve,specialist_nurse,1
"""
INVITED = """respondent,organisation,responded
gp_alice,Practice A,yes
gp_bob,Practice A,yes
gp_gus,Practice A,no
gp_dan,Practice B,yes
gp_fay,Practice B,no
"""
RESPONDENTS = ["gp_alice", "gp_bob", "gp_dan", "gp_gus", "gp_fay"]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "edges.csv").write_text(EDGES)
    (tmp_path / "invited.csv").write_text(INVITED)
    return tmp_path


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(["network", *map(str, args)])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_json_has_nodes_source_types_reach_response_and_sensitivity(files, capsys, monkeypatch):
    monkeypatch.setenv("COMMISSIONING_PSEUDONYM_KEY", "test key")
    status, out, err = run(
        capsys, files / "edges.csv", "--respondents", files / "invited.csv", "--format", "json"
    )
    assert status == 0, err
    doc = json.loads(out)
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert doc["nodes"][0]["id"] == "dr_cons"  # most central: named by two, heavily
    assert nodes["dr_cons"]["in_degree"] == 2
    assert nodes["dr_cons"]["weighted_in_degree"] == 5
    assert nodes["dr_cons"]["type"] == "consultant"
    assert sum(n["pagerank"] for n in doc["nodes"]) == pytest.approx(1, abs=1e-5)
    for field in ("id", "type", "in_degree", "out_degree", "weighted_in_degree"):
        assert all(field in n for n in doc["nodes"])
    shares = {r["source_type"]: r["share_of_ties"] for r in doc["by_source_type"]}
    assert shares["consultant"] == pytest.approx(2 / 6, abs=1e-6)
    assert doc["reach"]["within_1_step"] == 1 and doc["reach"]["within_2_steps"] == 3
    rates = {r["organisation"]: r["response_rate"] for r in doc["response"]}
    assert rates == {
        "Practice A": pytest.approx(2 / 3, abs=1e-6),
        "Practice B": 0.5,
        "All organisations": 0.6,
    }
    assert set(doc["sensitivity"]) == {"non_respondents", "dropped", "imputed"}
    assert doc["sensitivity"]["imputed"]["nodes"] == 8
    assert "from COMMISSIONING_PSEUDONYM_KEY" in doc["pseudonyms"]["key"]


def test_no_respondent_identifier_appears_when_pseudonymised(files, capsys, monkeypatch):
    monkeypatch.delenv("COMMISSIONING_PSEUDONYM_KEY", raising=False)
    for fmt in ("json", "csv"):
        status, out, _ = run(
            capsys, files / "edges.csv", "--respondents", files / "invited.csv", "--format", fmt
        )
        assert status == 0
        for person in RESPONDENTS:
            assert person not in out
        assert "dr_cons" in out  # sources who were not surveyed keep their identifiers


def test_pseudonyms_stable_with_same_key_and_differ_with_another(files, capsys, monkeypatch):
    def respondent_ids(key):
        monkeypatch.setenv("COMMISSIONING_PSEUDONYM_KEY", key)
        _, out, _ = run(capsys, files / "edges.csv")
        return sorted(n["id"] for n in json.loads(out)["nodes"] if n["respondent"])

    first = respondent_ids("alpha")
    assert first == respondent_ids("alpha")
    other = respondent_ids("beta")
    assert len(other) == 3 and not set(first) & set(other)


def test_no_pseudonymise_and_csv_to_a_file(files, capsys):
    target = files / "nodes.csv"
    status, out, err = run(capsys, files / "edges.csv", "--no-pseudonymise", "-o", target)
    assert status == 0 and out == ""
    lines = target.read_text().splitlines()
    assert lines[0].startswith("id,type,respondent,in_degree,out_degree,weighted_in_degree,")
    assert "betweenness" in lines[0] and "pagerank" in lines[0]
    assert lines[1].startswith("dr_cons,consultant,False,2,0,5.0,")
    assert any(line.startswith("gp_bob,gp,True,2,2,3.0,") for line in lines)
    assert "nodes.csv" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "respondent,source\na,b\n",
            "edges.csv, row 1, column 'source_type': required column is missing",
        ),
        (
            "respondent,source,source_type,weight\na,b,gp,-1\n",
            "edges.csv, row 2, column 'weight': expected 0 or more, found '-1'",
        ),
        (
            "respondent,source,source_type,weight\na,b,gp,1\nc,d,gp,lots\n",
            "edges.csv, row 3, column 'weight': expected a number, found 'lots'",
        ),
        (
            "respondent,source,source_type\na,a,gp\n",
            "edges.csv, row 2, column 'source': 'a' names themselves",
        ),
        (
            "respondent,source,source_type\n,b,gp\n",
            "edges.csv, row 2, column 'respondent': expected a respondent identifier",
        ),
    ],
)
def test_bad_edge_lists_exit_2_with_a_located_message(tmp_path, capsys, content, message):
    path = tmp_path / "edges.csv"
    path.write_text(content)
    status, out, err = run(capsys, path)
    assert status == 2
    assert out == ""
    assert err.startswith("commissioning network: ")
    assert message in err
    assert "Traceback" not in err


def test_respondent_missing_from_respondents_file_exits_2(files, capsys):
    (files / "invited.csv").write_text("respondent,organisation,responded\ngp_alice,A,yes\n")
    status, _, err = run(capsys, files / "edges.csv", "--respondents", files / "invited.csv")
    assert status == 2
    assert "edges.csv, row 4, column 'respondent': 'gp_bob' is not in" in err
    assert "invited.csv" in err


def test_missing_input_file_is_a_plain_error(tmp_path, capsys):
    status, _, err = run(capsys, tmp_path / "nope.csv")
    assert status == 1
    assert "no such file" in err
