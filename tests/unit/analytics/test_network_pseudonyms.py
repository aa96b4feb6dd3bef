"""Respondent pseudonyms: keyed, stable with the same key, different with another."""

from __future__ import annotations

from commissioning.analytics.pseudonyms import pseudonym, pseudonym_map


def test_pseudonym_is_hmac_sha256_rfc_4231_test_case_2():
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    # HMAC-SHA-256 = 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
    assert pseudonym("what do ya want for nothing?", b"Jefe") == "p-5bdcc146bf60"


def test_same_key_same_pseudonyms_other_key_other_pseudonyms():
    ids = ["gp_alice", "gp_bob", "GP_ALICE"]
    first = pseudonym_map(ids, b"key one")
    assert first == pseudonym_map(list(reversed(ids)), b"key one")
    second = pseudonym_map(ids, b"key two")
    assert all(first[i] != second[i] for i in ids)
    assert len(set(first.values())) == 3
    assert all(v.startswith("p-") and len(v) == 14 for v in first.values())
