"""Arrow's fast reading and writing against pandas': the same cells, floats, dates and bytes."""

from __future__ import annotations

import io
import math
import struct

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning import arrow_tables
from commissioning.arrow_tables import float_text, read_arrow, write_csv, write_parquet
from commissioning.tables import read_table, write_table


def pandas_csv(df: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    df.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode()


def fast_csv(df: pd.DataFrame, tmp_path) -> bytes:
    path = tmp_path / "fast.csv"
    write_csv(df, path)
    return path.read_bytes()


# --- floats ----------------------------------------------------------------------------------

EDGES = [
    0.0, -0.0, 1.0, -1.0, 0.1, 346.0, 1e-3, 1e-4, 1e-5, 1e-7, 0.00012345, 1e9, 1e10, 1e14,
    1e15, 1e16, 1.5e16, 123456789012345678.0, 2.315109983881104e10, 999999999.9999999,
    math.nextafter(1e9, 0), math.nextafter(1e-3, 0), 5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, math.inf, -math.inf, math.nan, 0.30000000000000004,
]  # fmt: skip


def bits(word: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", word))[0]


def test_floats_at_the_edges_are_written_as_pandas_writes_them():
    values = np.array(EDGES)
    expected = pandas_csv(pd.DataFrame({"x": values, "y": 0})).decode().splitlines()[1:]
    assert float_text(values).to_pylist() == [line[: -len(",0")] for line in expected]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(-1e12, 1e12),
            st.integers(0, 2**64 - 1).map(bits),
            st.integers(-(10**9), 10**9).map(float),
            st.sampled_from(EDGES),
        ),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 4),
)
def test_floats_are_written_as_pandas_writes_them(values, repeat):
    # repeated runs (a period's limits) are formatted once and copied
    values = np.repeat(np.array(values, dtype=float), repeat)
    expected = pandas_csv(pd.DataFrame({"x": values, "y": 0})).decode().splitlines()[1:]
    assert float_text(values).to_pylist() == [line[: -len(",0")] for line in expected]


# --- CSV files -------------------------------------------------------------------------------

TEXT = st.one_of(
    st.none(),
    st.sampled_from(
        ["", " ", "a", "Leeds North", "ünïcode", "x,y", 'say "hi"', "two\nlines", "\r"]
    ),
    st.text(max_size=5),
)


@st.composite
def frames(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    columns = {}
    for i in range(draw(st.integers(2, 5))):
        kind = draw(st.sampled_from(["float", "int", "bool", "str", "object", "category", "date"]))
        if kind == "float":
            values = draw(st.lists(st.floats(allow_nan=True), min_size=n, max_size=n))
        elif kind == "int":
            values = draw(st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n))
        elif kind == "bool":
            values = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        elif kind == "date":
            values = pd.date_range("2024-01-01", periods=n, freq="D")
        else:
            values = draw(st.lists(TEXT, min_size=n, max_size=n))
        series = pd.Series(values, dtype=None if kind != "float" else float)
        if kind == "str":
            series = series.astype("str")
        elif kind == "object":
            series = pd.Series(values, dtype=object)
        elif kind == "category":
            series = series.astype("category")
        columns[f"c{i}"] = series
    return pd.DataFrame(columns)


@settings(max_examples=150, deadline=None)
@given(frames())
def test_csv_files_are_the_bytes_pandas_writes(tmp_path_factory, df):
    tmp_path = tmp_path_factory.mktemp("csv")
    assert fast_csv(df, tmp_path) == pandas_csv(df)


def test_large_tables_are_written_in_chunks_on_two_threads(tmp_path, monkeypatch):
    monkeypatch.setattr(arrow_tables, "CHUNK_ROWS", 7)
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "name": pd.Categorical.from_codes(rng.integers(-1, 3, 100), ["a", "b", "c"]),
            "value": np.repeat(rng.normal(size=20), 5),
            "flag": rng.random(100) < 0.5,
            "count": rng.integers(0, 9, 100),
        }
    )
    assert fast_csv(df, tmp_path) == pandas_csv(df)


def test_standard_output_gets_the_same_text(capsys):
    df = pd.DataFrame({"a": ["x", None], "b": [1.0, math.nan]})
    write_table(df, None)
    assert capsys.readouterr().out == pandas_csv(df).decode()


def test_the_fast_writer_is_used_when_it_can_be(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(pd.DataFrame, "to_csv", lambda *a, **k: calls.append(1))
    write_csv(pd.DataFrame({"a": ["x", "y"], "b": [1.5, 2.0]}), tmp_path / "x.csv")
    assert not calls and (tmp_path / "x.csv").read_text() == "a,b\nx,1.5\ny,2.0\n"
    write_csv(pd.DataFrame({"a": ["x,y", "z"], "b": [1.5, 2.0]}), tmp_path / "y.csv")
    assert calls  # a cell that needs quotes goes to pandas


# --- reading ---------------------------------------------------------------------------------

CELL = st.one_of(
    st.none(), st.sampled_from(["", " ", "1", "2.50", "-0", "x y", "ünï", " padded ", "NA", "nan"])
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["a", " b", "c ", "date", "value"]), min_size=2, max_size=4),
    st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_csv_without_quotes_reads_as_read_table_reads_it(tmp_path_factory, header, rows, eol, bom):
    width = len(header)
    text = ",".join(header) + eol
    text += "".join(",".join("" if c is None else c for c in row[:width]) + eol for row in rows)
    path = tmp_path_factory.mktemp("read") / "in.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    table = read_arrow(path)
    names = [h.strip() for h in header]
    if len(set(names)) != len(names):
        assert table is None
        return
    expected = read_table(path)
    if table is None:
        return  # e.g. only blank lines: read_table decides
    got = table.to_pandas()
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize(
    "content",
    [
        b'date,value\n2024-01-01,"1"\n',  # quotes: pandas and Arrow could differ, leave to pandas
        b"date,value\n2024-01-01,1\n2024-02-01\n",  # a short row
        b"date,value\n2024-01-01,1,3\n",  # a long row
        "date,value\n2024-01-01,caf\u00e9\n".encode("cp1252"),  # not UTF-8
        b"date,\n2024-01-01,1\n",  # an unnamed column
        b"",
    ],
)
def test_files_arrow_might_read_differently_are_left_to_read_table(tmp_path, content):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    assert read_arrow(path) is None


def test_parquet_with_a_stored_index_is_left_to_pandas(tmp_path):
    path = tmp_path / "in.parquet"
    pd.DataFrame({"series": ["a"], "value": [1.0]}).set_index("series").to_parquet(path)
    assert read_arrow(path) is None
    pd.DataFrame({"series": ["a"], "value": [1.0]}).to_parquet(path)
    assert read_arrow(path, dictionary=["series"]).column("series").type == pa.dictionary(
        pa.int32(), pa.string()
    )


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_written_in_chunks_is_the_file_pandas_writes(tmp_path):
    # more than one row group (1,048,576 rows each), so chunking shows if it differs
    n = arrow_tables.CHUNK_ROWS + 1000
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "name": np.array(["north", "south", None], dtype=object)[rng.integers(0, 3, n)],
            "value": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "flag": rng.random(n) < 0.5,
        }
    )
    df.to_parquet(tmp_path / "pandas.parquet", index=False)
    schema = pa.Schema.from_pandas(df.head(1), preserve_index=False)
    chunks = (
        pa.Table.from_pandas(df.iloc[a : a + arrow_tables.CHUNK_ROWS], schema, preserve_index=False)
        for a in range(0, n, arrow_tables.CHUNK_ROWS)
    )
    write_parquet(chunks, schema, tmp_path / "fast.parquet")
    assert (tmp_path / "fast.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()
    assert pq.ParquetFile(tmp_path / "fast.parquet").num_row_groups == 2
