"""``commissioning spc`` gives the same files and messages whichever way it checks the input.

A clean table is checked quickly (on its distinct values, numbers converted by Arrow) and
anything else row by row; on random tables of awkward cells (padded names, British and
month-only dates, thousands separators, "-0", blanks, bad words, repeated dates, quoted names)
the command must write byte-identical files and the same messages with the quick check as with
the row-by-row check alone.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.cli import main
from commissioning.cli import spc as spc_cli

SERIES = ["a", "b", " a", "a ", "Leeds North", "ünï", "x,y", ""]
MONTHS = pd.date_range("2021-01-01", periods=30, freq="MS")
DATE_FORMS = ["%Y-%m-%d", "%Y-%m-%d", "%d/%m/%Y", "%Y-%m", " %Y-%m-%d", "%Y-%m-%dT00:00"]
VALUES = ["1,234", " 7 ", "", "abc", "1e3", "-0", "0", "007", ".5", "+4", "nan", "-2.50"]
REBASES = ["", "0", "1", "1.0", "true", "No", "2", " 1 "]
IMPROVEMENTS = ["", "increase", "Decrease", " neutral ", "up"]


@st.composite
def csv_tables(draw) -> str:
    clean = draw(st.booleans())  # half the tables hold nothing the quick check gives up on
    whole = draw(st.booleans())  # whole numbers only: pandas reads them as integers
    rows = []
    columns = draw(st.sets(st.sampled_from(["series", "target", "rebase", "improvement"])))
    header = [
        c
        for c in ["series", "date", "value", "target", "rebase", "improvement"]
        if c in columns or c in ("date", "value")
    ]
    names = SERIES[:6] if clean else SERIES
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
        improvement = draw(st.sampled_from(IMPROVEMENTS[:4] if clean else IMPROVEMENTS))
        for k in range(draw(st.integers(1, 16))):
            step = 0 if clean else draw(st.sampled_from([0, 0, 0, -1]))
            month = MONTHS[min(k + step, 29)]
            plain = st.one_of(
                st.integers(-50, 50).map(str),
                st.sampled_from(["-0", "0"]),  # pandas reads "-0" as 0 among whole numbers
                *([] if whole else [st.floats(-1e6, 1e6).map(lambda x: f"{x:.3f}")]),
            )
            cells = {
                "series": name,
                "date": month.strftime(
                    draw(st.sampled_from(DATE_FORMS[:3] if clean else DATE_FORMS))
                ),
                "value": draw(plain if clean else st.one_of(st.sampled_from(VALUES), plain)),
                "target": draw(
                    st.sampled_from(["", "10", "2.5"] + ([] if clean else ["1,000", "x"]))
                ),
                "rebase": draw(st.sampled_from(REBASES[:3] if clean else REBASES)),
                "improvement": (
                    improvement
                    if clean
                    else draw(st.sampled_from([improvement] * 6 + IMPROVEMENTS))
                ),
            }
            rows.append(",".join(_quoted(cells[c]) for c in header))
    order = draw(st.permutations(range(len(rows))))
    return "\n".join([",".join(header)] + [rows[i] for i in order]) + "\n"


def _quoted(cell: str) -> str:
    # A row with more cells than the header is read_table's to explain: quote commas.
    return f'"{cell}"' if "," in cell else cell


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["spc", *args])
    return status, out.getvalue(), err.getvalue()


def outcome(source: Path, folder: Path, tag: str) -> tuple:
    points_csv, summary_csv = folder / f"{tag}.csv", folder / f"{tag}-summary.csv"
    points_pq, summary_pq = folder / f"{tag}.parquet", folder / f"{tag}-summary.parquet"
    first = run([str(source), "-o", str(points_csv), "--summary", str(summary_csv)])
    second = run([str(source), "-o", str(points_pq), "--summary", str(summary_pq)])
    files = [p.read_bytes() if p.exists() else None for p in (points_csv, summary_csv)]
    files += [p.read_bytes() if p.exists() else None for p in (points_pq, summary_pq)]
    return first, second, files


def both_ways(source: Path, folder: Path, monkeypatch) -> tuple[tuple, tuple]:
    quick = outcome(source, folder, "quick")
    with monkeypatch.context() as patch:
        patch.setattr(spc_cli, "_fast_prepare", lambda columns, n, improvement: None)
        careful = outcome(source, folder, "careful")
    return quick, careful


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(csv_tables())
def test_csv_input_gives_the_same_files_and_messages_either_way(monkeypatch, text):
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.csv"
        source.write_text(text, encoding="utf-8")
        quick, careful = both_ways(source, Path(folder), monkeypatch)
    assert quick == careful


@st.composite
def parquet_tables(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    names = draw(st.lists(st.sampled_from(SERIES[:6]), min_size=n, max_size=n))
    if draw(st.booleans()):  # each series' months in some order, once each
        months = [sum(x == name for x in names[:i]) for i, name in enumerate(names)]
    else:
        months = draw(st.lists(st.integers(0, 29), min_size=n, max_size=n))
    frame = pd.DataFrame({"series": names})
    kind = draw(st.sampled_from(["date32", "timestamp", "text", "timestamp_tz"]))
    dates = MONTHS[months]
    if kind == "date32":
        frame["date"] = dates.date
    elif kind == "timestamp":
        frame["date"] = dates
    elif kind == "timestamp_tz":
        frame["date"] = dates.tz_localize("Europe/London")
    else:
        frame["date"] = dates.strftime("%Y-%m-%d")
    values = draw(st.lists(st.one_of(st.none(), st.floats(-1e3, 1e3)), min_size=n, max_size=n))
    frame["value"] = pd.array(values, dtype="float64")
    if draw(st.booleans()):
        frame["value"] = frame["value"].round().astype("Int64") if draw(st.booleans()) else values
    if draw(st.booleans()):
        frame["rebase"] = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    if draw(st.booleans()):
        frame["improvement"] = draw(st.sampled_from(["increase", "decrease", None]))
    if draw(st.booleans()):
        frame["series"] = frame["series"].astype("category")
    return frame


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parquet_tables())
def test_parquet_input_gives_the_same_files_and_messages_either_way(monkeypatch, frame):
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.parquet"
        frame.to_parquet(source)
        quick, careful = both_ways(source, Path(folder), monkeypatch)
    assert quick == careful


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_clean_table_takes_the_quick_way(tmp_path, suffix):
    months = pd.date_range("2022-01-01", periods=14, freq="MS")
    frame = pd.DataFrame(
        {
            "series": np.repeat(["north", "south"], 14),
            "date": np.tile(months.strftime("%Y-%m-%d"), 2),
            "value": np.arange(28.0),
            "rebase": 0,
            "improvement": "decrease",
        }
    )
    source = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        frame.to_csv(source, index=False)
    else:
        frame.assign(date=months.date.tolist() * 2).to_parquet(source)
    from commissioning.arrow_tables import read_arrow

    table = read_arrow(source, dictionary=("series", "improvement"))
    assert table is not None
    columns = {name: table.column(name) for name in table.column_names}
    assert spc_cli._fast_prepare(columns, table.num_rows, "increase") is not None
    assert not columns  # each column let go once converted
