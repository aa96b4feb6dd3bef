"""Reading CSV text safely (commissioning.textfiles), and the command-line verbs' tables."""

from __future__ import annotations

import pytest

from commissioning.errors import InputError
from commissioning.textfiles import CP1252, UTF8, UTF8_BOM, UTF16, read_records

TEXT = "code,name\nA1,Caf\u00e9\n"


def only(error: InputError):
    assert len(error.problems) == 1, error.describe()
    return error.problems[0]


def refused(raw: bytes, **options):
    with pytest.raises(InputError) as caught:
        read_records(raw, "f.csv", **options)
    return only(caught.value)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (TEXT.encode("utf-8"), UTF8),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), UTF8_BOM),
        (TEXT.encode("cp1252"), CP1252),
        (TEXT.encode("utf-16"), UTF16),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), UTF16),
    ],
)
def test_each_encoding_is_read_and_named(raw, named):
    records = read_records(raw, "f.csv")
    assert records.encoding == named
    assert records.header == ["code", "name"]
    assert records.frame.values.tolist() == [["A1", "Caf\u00e9"]]


def test_encodings_that_cannot_be_read_safely_are_refused():
    assert "without a byte-order mark" in refused(TEXT.encode("utf-16-le")).message
    assert "NUL bytes" in refused(b"code,name\nA1,\x00\x01\x02\n").message
    mixed = refused("code,name\nA1,Caf\u00e9\nA2,Th\u00e9\n".encode()[:-4] + b"\xe9\n")
    assert mixed.row == 3 and "mixes encodings" in mixed.message
    assert "neither UTF-8 nor Windows-1252" in refused(b"code,name\nA1,\x81\n").message


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    raw = b'code,name\r\nA1,"two\r\nlines"\r\n\r\nA2,x\r\n'
    records = read_records(raw, "f.csv")
    assert records.numbers.tolist() == [2, 4]  # the quoted line break stays in row 2
    assert records.frame.values.tolist() == [["A1", "two\r\nlines"], ["A2", "x"]]
    problem = refused(b'code,name\nA1,"two\nlines"\n\nA2\n')
    assert (problem.row, problem.message) == (4, "has 1 fields where the header has 2")


def test_rows_with_more_or_fewer_fields_are_each_located():
    with pytest.raises(InputError) as caught:
        read_records(b"a,b,c\n1,2,3\n1,2\n1,2,3,4\n", "f.csv")
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (3, "has 2 fields where the header has 3"),
        (4, "has 4 fields where the header has 3"),
    ]


@pytest.mark.parametrize(
    ("raw", "row", "words"),
    [
        (b"a,b,c\n1,2,3\n4,5", 3, "has 2 of the 3 fields and no line end"),
        (b'a,b,c\n1,2,3\n4,5,"six', 3, "ends inside a quoted value"),
        (b"a,b,c\n1,2,3\n4,5,66", 3, "its last value ('66') may have been cut short"),
        ("a,b\n1,caf\u00e9".encode()[:-1], 2, "part-way through a character"),
        ("a,b\n1,caf\u00e9".encode("utf-16")[:-1], 2, "part-way through a character"),
    ],
)
def test_a_file_cut_short_is_refused_where_it_ends(raw, row, words):
    problem = refused(raw)
    assert problem.row == row
    assert words in problem.message and "cut" in problem.message


def test_a_last_row_that_shows_where_it_ended_is_read():
    assert len(read_records(b'a,b,c\n1,2,3\n4,5,"6"', "f.csv").frame) == 2  # quoted
    assert len(read_records(b"a,b,c\n1,2,3\n4,5,", "f.csv").frame) == 2  # empty
    # the verbs that store nothing take a last value without a line end as it is
    assert len(read_records(b"a,b,c\n1,2,3\n4,5,66", "f.csv", whole_last_value=False).frame) == 2


def test_layouts_without_a_header_and_with_fewer_fields_than_their_header():
    rows = b'"A","B","C"\n"D","E","F"\n'
    assert read_records(rows, "f.csv", header=False, widths=(3,)).frame.shape == (2, 3)
    with pytest.raises(InputError) as caught:
        read_records(rows, "f.csv", header=False, widths=(4,))
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (1, "has 3 fields where this layout has 4"),
        (2, "has 3 fields where this layout has 4"),
    ]
    narrow = read_records(b"a,b,c\n1,2\n3,4\n", "f.csv", narrower_rows=True)
    assert narrow.frame.values.tolist() == [["1", "2", ""], ["3", "4", ""]]
    assert refused(b"a,b,c\n1,2\n3\n4,5\n", narrower_rows=True).message == (
        "has 1 fields where the other rows have 2"
    )


def test_the_verbs_tables_are_read_the_same_way(tmp_path):
    from commissioning.tables import read_table

    path = tmp_path / "series.csv"
    path.write_bytes("date,value\n2023-01-01,9\n\n2023-02-01,x\n".encode("utf-16"))
    table = read_table(path)
    assert table["value"].tolist() == ["9", "x"]
    assert (table.index + 2).tolist() == [2, 4]  # the rows to report, the blank line kept out
    path.write_bytes(b"date,value\n2023-01-01,9\n2023-02-01")
    with pytest.raises(InputError, match="row 3: the file ends in this row, which has 1 of"):
        read_table(path)
