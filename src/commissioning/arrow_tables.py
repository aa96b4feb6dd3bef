"""Fast reading and writing of large tables with Apache Arrow, giving the same results as pandas.

``commissioning.tables`` stays the one place that reads and writes the command line's tables; it
hands CSV writing to ``write_csv`` here, and verbs that handle millions of rows (``spc``) read
with ``read_arrow`` and write Parquet with ``write_parquet``.

Each fast path takes only input it handles exactly as the pandas path does, and otherwise says
so (``None`` or a pandas fallback), so that files, floats, dates and empty cells come out the
same either way:

- ``read_arrow`` reads Parquet, and CSV files without a single quote character (then splitting
  on commas and line ends is the whole of CSV, and Arrow and pandas cannot differ). Anything it
  cannot read exactly (quotes, another encoding, rows of the wrong length, a header it would
  read differently) gives ``None``: the caller then uses ``tables.read_table``, which explains
  the problem or reads what pandas reads.
- ``write_csv`` writes what ``DataFrame.to_csv(index=False, lineterminator="\\n")`` writes.
  Floats are written as Python's ``repr`` writes them (pandas does the same): Arrow's shortest
  round-trip digits, with ".0" added to whole numbers, and ``repr`` itself for the few values
  where Arrow's layout differs (below 0.001 or from 10**14 up, infinities). Cells that pandas
  would quote (a comma, a quote or a line end in them), object columns holding anything but
  text, and column types not listed in ``_text_column`` go to pandas' writer instead.
"""

from __future__ import annotations

import io
import sys
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

# Rows written at a time (and Parquet's default row group size, so files are laid out alike).
CHUNK_ROWS = 1 << 20
# Arrow writes floats with the same digits as repr() (the shortest that read back the same), in
# plain notation between these magnitudes (it switches to an exponent below 1e-6 and from 1e10,
# repr() below 1e-4 and from 1e16), but without the ".0" of whole numbers.
_PLAIN_LOW, _PLAIN_HIGH = 1e-3, 1e9
_NEEDS_QUOTES = r'[,"\r\n]'
_QUOTE = b'"'


# --- reading ---------------------------------------------------------------------------------


def read_arrow(path: str | Path, *, dictionary: Iterable[str] = ()) -> pa.Table | None:
    """Read a Parquet file, or a CSV file as text, when that can be done exactly; else None.

    CSV cells are all text, empty cells missing (null) and column names stripped of spaces, as
    ``tables.read_table`` gives them. Text columns named in ``dictionary`` are read from
    Parquet as dictionaries (each distinct value stored once), which saves time and memory.
    """
    if str(path) == "-":
        return None
    p = Path(path)
    try:
        if not p.is_file():
            return None
        if p.suffix.lower() in (".parquet", ".pq"):
            return _read_parquet(p, set(dictionary))
        return _read_csv(p)
    except (pa.ArrowException, OSError, ValueError, UnicodeDecodeError):
        return None


def _read_parquet(p: Path, dictionary: set[str]) -> pa.Table | None:
    schema = pq.read_schema(p)
    metadata = schema.pandas_metadata or {}
    # pandas turns stored index columns back into an index and may rename columns: leave such
    # files to pandas.
    if any(isinstance(c, str) for c in metadata.get("index_columns", [])):
        return None
    if any(c.get("name") != c.get("field_name") for c in metadata.get("columns", [])):
        return None
    if len(set(schema.names)) != len(schema.names):
        return None
    strings = [
        f.name
        for f in schema
        if f.name in dictionary and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    ]
    return pq.read_table(p, read_dictionary=strings or None)


def _read_csv(p: Path) -> pa.Table | None:
    with p.open("rb") as f:
        first = f.readline()
        if not first.strip() or _QUOTE in first:
            return None
        while block := f.read(1 << 24):
            if _QUOTE in block:
                return None
    header = first.decode("utf-8-sig").rstrip("\r\n").split(",")
    names = [name.strip() for name in header]
    if "" in names or len(set(names)) != len(names):
        return None
    table = pa_csv.read_csv(
        p,
        read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
        parse_options=pa_csv.ParseOptions(quote_char=False, newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            null_values=[""],
            strings_can_be_null=True,
        ),
    )
    return table.rename_columns(names)


# --- writing CSV -----------------------------------------------------------------------------


def write_csv(df: pd.DataFrame, path: str | Path | None) -> None:
    """Write ``df`` as ``df.to_csv(path, index=False, lineterminator="\n")`` would (standard
    output for None)."""
    columns = _text_columns(df)
    if columns is None:
        target = sys.stdout if path is None else path
        df.to_csv(target, index=False, lineterminator="\n")
        return
    write_csv_columns(list(df.columns), columns, len(df), path)


def write_csv_columns(
    names: list[str],
    columns: list[Callable[[int, int], pa.Array]],
    rows: int,
    path: str | Path | None,
    *,
    before: Callable[[int], object] | None = None,
) -> None:
    """Write a CSV file (standard output for None) whose column ``names[i]`` holds, for rows
    ``start`` to ``stop``, the text ``columns[i](start, stop)``, made ``CHUNK_ROWS`` at a time.

    Names and text must need no quotes (see ``needs_quotes``) and hold "" for a missing value.
    ``before(stop)`` is called (in this thread) before rows up to ``stop`` are asked for.
    """
    header = (",".join(names) + "\n").encode()
    chunks = _csv_chunks(columns, rows, before)
    if path is None:
        sys.stdout.write(header.decode())
        for chunk in chunks:
            sys.stdout.write(chunk.decode())
        return
    with pa.OSFile(str(path), "wb") as sink:
        sink.write(header)
        for chunk in chunks:
            sink.write(chunk)


def _csv_chunks(
    columns: list[Callable[[int, int], pa.Array]],
    rows: int,
    before: Callable[[int], object] | None = None,
) -> Iterable[bytes]:
    """The CSV text of each ``CHUNK_ROWS`` rows, in order, made two at a time in the
    background (Arrow works outside Python's lock, so both cores can be busy)."""
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    names = [str(i) for i in range(len(columns))]

    def text(start: int) -> bytes:
        stop = min(start + CHUNK_ROWS, rows)
        table = pa.table([column(start, stop) for column in columns], names=names)
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, options)
        return buffer.getvalue()

    with ThreadPoolExecutor(2) as background:
        pending: deque = deque()
        for start in range(0, rows, CHUNK_ROWS):
            if before is not None:
                before(min(start + CHUNK_ROWS, rows))
            pending.append(background.submit(text, start))
            if len(pending) > 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _text_columns(df: pd.DataFrame) -> list[Callable[[int, int], pa.Array]] | None:
    """For each column, a function giving the text pandas would write for rows [start, stop),
    or None if any column needs pandas' own writer."""
    if len(df.columns) < 2 or isinstance(df.columns, pd.MultiIndex):
        return None  # pandas quotes an empty field when it is a row's only field
    names = list(df.columns)
    if not all(isinstance(c, str) for c in names) or needs_quotes(pa.array(names)):
        return None
    columns = []
    for name in names:
        column = _text_column(df[name])
        if column is None:
            return None
        columns.append(column)
    return columns


def _text_column(values: pd.Series) -> Callable[[int, int], pa.Array] | None:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = _strings(pd.Series(dtype.categories))
        if categories is None:
            return None
        codes = values.cat.codes.to_numpy()
        return lambda a, b: words_at(categories, codes[a:b])
    if dtype == np.float64:
        numbers = values.to_numpy()
        return lambda a, b: float_text(numbers[a:b])
    if dtype == np.bool_:
        flags = values.to_numpy().astype(np.int8)
        words = pa.array(["False", "True"])
        return lambda a, b: words_at(words, flags[a:b])
    if dtype.kind in "iu" and isinstance(dtype, np.dtype):
        numbers = values.to_numpy()
        return lambda a, b: pc.cast(pa.array(numbers[a:b]), pa.string())
    if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
        text = _strings(values)
        if text is None:
            return None
        return lambda a, b: text.slice(a, b - a)
    return None


def _strings(values: pd.Series) -> pa.Array | None:
    """Text cells as pandas writes them (missing as ""), or None if not all text or if any
    would be quoted."""
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type == pa.null():
        return pa.array([""] * len(array), pa.string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    if needs_quotes(array):
        return None
    return pc.fill_null(array, "")


def needs_quotes(text: pa.Array) -> bool:
    """Whether pandas would put any of these cells in quotes (or might: a comma, a quote or a
    line end in them)."""
    return bool(pc.any(pc.match_substring_regex(text, _NEEDS_QUOTES)).as_py())


def words_at(words: pa.Array, codes: np.ndarray) -> pa.Array:
    """``words[codes]``, with "" where a code is -1 (missing)."""
    if (codes < 0).any():
        words = pa.concat_arrays([words, pa.array([""], words.type)])
        codes = np.where(codes < 0, len(words) - 1, codes)
    return words.take(pa.array(codes))


def float_text(values: np.ndarray) -> pa.Array:
    """Each float as ``repr`` writes it, "" for NaN, as ``DataFrame.to_csv`` writes floats.

    Runs of one repeated value (a period's limits) are written once and copied.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) > 1:
        bits = values.view(np.int64)  # tells -0.0 from 0.0
        new = np.empty(len(values), dtype=bool)
        new[0] = True
        np.not_equal(bits[1:], bits[:-1], out=new[1:])
        runs = int(np.count_nonzero(new))
        if runs < len(values) // 2:
            text = _float_text(values[new])
            return text.take(pa.array(np.cumsum(new, dtype=np.int64) - 1))
    return _float_text(values)


def _float_text(values: np.ndarray) -> pa.Array:
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        plain = (size >= _PLAIN_LOW) & (size < _PLAIN_HIGH)
        # Arrow writes whole numbers without the ".0" that repr() gives them.
        whole = (plain | (size == 0)) & (values == np.floor(values))
    other = ~plain & (size != 0)  # NaN, infinities and the magnitudes where layouts differ
    text = pc.cast(pa.array(values), pa.string())
    if whole.any():
        with_point = pc.binary_join_element_wise(text.filter(pa.array(whole)), ".0", "")
        text = pc.replace_with_mask(text, pa.array(whole), with_point)
    if other.any():
        replacements = ["" if np.isnan(v) else repr(float(v)) for v in values[other]]
        text = pc.replace_with_mask(text, pa.array(other), pa.array(replacements, pa.string()))
    return text


# --- writing Parquet -------------------------------------------------------------------------


def write_parquet(tables: Iterable[pa.Table], schema: pa.Schema, path: str | Path) -> None:
    """Write tables of ``CHUNK_ROWS`` rows (the last may be shorter) as one Parquet file.

    With pandas' metadata in ``schema`` the file is the one ``DataFrame.to_parquet(path,
    index=False)`` writes for the same data: Arrow's defaults, one row group per chunk. Each
    chunk is written in the background while the next is made.
    """
    with pq.ParquetWriter(str(path), schema) as writer, ThreadPoolExecutor(1) as background:
        writing = None
        for table in tables:
            if writing is not None:
                writing.result()
            writing = background.submit(writer.write_table, table)
        if writing is not None:
            writing.result()
