"""Checking a survey edge list: every problem located by row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from commissioning.analytics.network.graph import check_edges
from commissioning.errors import InputError


def text_frame(rows, columns=("respondent", "source", "source_type", "weight")):
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def problems(df) -> list[str]:
    with pytest.raises(InputError) as caught:
        check_edges(df, "edges.csv")
    return [str(p) for p in caught.value.problems]


def test_weight_column_is_optional_and_blank_weight_means_one():
    df = text_frame([("a", "b", "gp")], columns=("respondent", "source", "source_type"))
    assert check_edges(df, "edges.csv")["weight"].tolist() == [1.0]
    df = text_frame([(" a ", "b", "gp", None), ("a", "c", "gp", "2.5")])
    tidy = check_edges(df, "edges.csv")
    assert tidy["weight"].tolist() == [1.0, 2.5]
    assert tidy["respondent"].tolist() == ["a", "a"]  # spaces trimmed
    assert tidy["row"].tolist() == [2, 3]


def test_missing_columns_are_named():
    df = text_frame([("a", "b")], columns=("respondent", "weight"))
    assert problems(df) == [
        "edges.csv, row 1, column 'source': required column is missing"
        " (columns found: respondent, weight)",
        "edges.csv, row 1, column 'source_type': required column is missing"
        " (columns found: respondent, weight)",
    ]


def test_bad_weights_blank_ids_and_self_ties_are_located():
    df = text_frame(
        [
            ("a", "b", "gp", "1"),
            ("a", "c", "gp", "-2"),
            ("a", "d", "gp", "often"),
            ("", "e", "gp", "1"),
            ("f", "", "gp", "1"),
            ("g", "g", "gp", "1"),
            ("h", "i", "", "1"),
        ]
    )
    found = problems(df)
    assert found == [
        "edges.csv, row 3, column 'weight': expected 0 or more, found '-2'",
        "edges.csv, row 4, column 'weight': expected a number, found 'often'",
        "edges.csv, row 5, column 'respondent': expected a respondent identifier, found nothing",
        "edges.csv, row 6, column 'source': expected the identifier of the person or team they"
        " go to, found nothing",
        "edges.csv, row 7, column 'source': 'g' names themselves; a respondent cannot be their"
        " own source",
        "edges.csv, row 8, column 'source_type': expected a source type (a stakeholder role such"
        " as gp or consultant), found nothing",
    ]


def test_a_source_has_one_type():
    df = text_frame([("a", "x", "gp", "1"), ("b", "x", "consultant", "1")])
    assert problems(df) == [
        "edges.csv, row 3, column 'source_type': 'x' was given type 'gp' on row 2, here"
        " 'consultant'; a source has one type"
    ]


def test_header_only_is_rejected():
    df = text_frame([])
    assert problems(df) == ["edges.csv: has a header but no ties (no data rows)"]
