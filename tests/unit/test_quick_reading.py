"""The quick ways of reading a large import (issue 27) give exactly what the careful ways give.

``textfiles.clean_records`` (Arrow's CSV reader, for files plainly whole and well formed) against
``read_records(..., quick=False)`` (the csv module's count of fields, then pandas); the Arrow
reading of plain numbers (``values.numbers``) against ``pd.to_numeric``; and the conversion of a
long column one distinct value at a time (``values.convert``) against converting every cell.
Generated inputs hold quotes, doubled quotes, commas, carriage returns, blank lines, spaces,
non-ASCII text, byte-order marks and cut last lines, so that the quick reader must either
decline (None) or agree with the careful one, row numbers and encoding included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.errors import InputError
from commissioning.ingest import values
from commissioning.ingest.kinds import Column
from commissioning.textfiles import clean_records, read_records

CELL = st.one_of(
    st.text(alphabet='ab ,"\r\n\u00e9\u2019', max_size=6),
    st.sampled_from(["", "x", '"q"', '"a,b"', '"say ""hi"""', "1,234", " 5 ", "'=1"]),
)


@st.composite
def csv_bytes(draw) -> bytes:
    width = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=0, max_size=6))
    head = ",".join(f"h{i}" for i in range(width))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [head] + [",".join(r[:width] if draw(st.booleans()) else r) for r in rows]
    text = end.join(lines) + draw(st.sampled_from([end, "", "\n\n", "\r"]))
    raw = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])), "replace")
    return raw


def careful(raw: bytes):
    try:
        r = read_records(raw, "f.csv", quick=False)
    except InputError as exc:
        return ("refused", [p.message for p in exc.problems])
    return (r.encoding, r.header, r.frame.astype(object).values.tolist(), r.numbers.tolist())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_bytes())
def test_the_quick_reader_agrees_with_the_careful_one_or_declines(raw):
    quick = clean_records(raw, "f.csv")
    if quick is None:
        return
    got = (quick.encoding, quick.header, quick.frame.astype(object).values.tolist())
    want = careful(raw)
    assert want[0] != "refused", (raw, want)
    assert got == want[:3]
    assert quick.numbers.tolist() == want[3]
    assert list(quick.frame.columns) == list(range(len(quick.header)))


def test_the_quick_reader_takes_a_plain_file_and_numbers_rows_as_a_spreadsheet_does():
    raw = b'\xef\xbb\xbfcode,name\r\nA1,"Smith, J"\r\nA2,"say ""hi"""\r\n'
    quick = clean_records(raw, "f.csv")
    assert quick is not None
    assert quick.header == ["code", "name"]
    assert quick.frame.astype(object).values.tolist() == [["A1", "Smith, J"], ["A2", 'say "hi"']]
    assert quick.numbers.tolist() == [2, 3]
    assert careful(raw) == (
        quick.encoding,
        quick.header,
        [["A1", "Smith, J"], ["A2", 'say "hi"']],
        [2, 3],
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"a,b\n1,2",  # no line end at the end: perhaps cut
        b"a,b\n1,2\n\n3,4\n",  # a blank line keeps its number
        b'a,b\n1,"2\n3"\n',  # a value across lines
        b"a,b\n1,2,3\n",  # a row too wide
        b'a,b\n1,"2"x\n',  # text after a closing quote
        b"a,b\n1,\xe92\n",  # Windows-1252
        b"a,b\r1,2\r",  # lone carriage returns
    ],
)
def test_the_quick_reader_leaves_anything_unusual_to_the_careful_one(raw):
    assert clean_records(raw, "f.csv") is None


NUMBER = st.one_of(
    st.from_regex(r"\A[+-]?[0-9]{0,9}(\.[0-9]{0,8})?\Z", fullmatch=True),
    st.from_regex(r"\A[+-]?[0-9]{1,20}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,3})?\Z", fullmatch=True),
    st.sampled_from(["", "-0", "-0.0", "0", "nan", "inf", "1e5", ".5", "5.", "٣", "1 2", "+.0"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBER, min_size=1, max_size=30))
def test_numbers_read_by_arrow_are_the_numbers_pandas_reads(cells):
    text = pd.Series(cells, dtype="str")
    got = values.numbers(text)
    want = pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.signbit(got.to_numpy()), np.signbit(want.to_numpy()))
    pd.testing.assert_series_equal(got, want, check_exact=True)


def test_long_numbers_are_left_to_pandas_which_reads_some_of_them_its_own_way():
    # pandas reads this as 395290357800578.56, Arrow (correctly) as ...578.5: the file's number
    # must be read as it always was, so that importing the same file again finds it unchanged
    text = pd.Series(["+395290357800578.52", "+3.68595748906828836", "1"], dtype="str")
    want = pd.to_numeric(text, errors="coerce").astype("float64")
    pd.testing.assert_series_equal(values.numbers(text), want, check_exact=True)


COLUMNS = [
    Column("n", type="int", path="n"),
    Column("x", type="float", path="x"),
    Column("m", type="decimal", path="m"),
    Column("d", type="date", path="d"),
    Column("b", type="bool", path="b"),
    Column("o", type="ods", path="o"),
    Column("t", type="text", path="t"),
]
SOME = st.sampled_from(
    [
        "",
        " 7 ",
        "1,234",
        "12.5",
        "-0",
        "x",
        "2024-01-31",
        "31/01/2024",
        "yes",
        "n",
        "b82005",
        "£3.50",
        "'=SUM(A1)",
        "1e400",
        "2024-02-30",
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SOME, min_size=1, max_size=8), st.sampled_from(COLUMNS), st.integers(0, 2**32 - 1))
def test_a_long_column_converted_per_distinct_value_is_converted_as_cell_by_cell(pool, col, seed):
    picks = np.random.default_rng(seed).integers(0, len(pool), values.DISTINCT_FROM + 10)
    cells = [pool[i] for i in picks]
    s = pd.Series(cells, dtype="str", name="c")
    got = values.convert(col, s)
    want = values._convert(col, s)
    pd.testing.assert_series_equal(got[0], want[0], check_names=False, check_exact=True)
    pd.testing.assert_series_equal(got[1], want[1], check_names=False, check_exact=True)


def test_a_header_value_too_long_is_left_to_the_careful_reader_which_locates_it():
    import csv

    raw = b"a," + b"b" * (csv.field_size_limit() + 1) + b"\n1,2\n"
    assert clean_records(raw, "f.csv") is None
    with pytest.raises(InputError) as exc:
        read_records(raw, "f.csv")
    assert exc.value.problems[0].row == 1
