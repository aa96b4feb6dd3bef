"""One writer for every CSV and XLSX file the system produces (issue 20, finding 9).

``commissioning.tables`` is the only module that writes CSV or creates a workbook, so every text
cell is neutralised the same way. Checked on the source, like tests/structure/test_layers.py: a new
``to_csv``, ``csv.writer`` or ``openpyxl.Workbook`` anywhere else fails here.
"""

import ast
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from commissioning import tables

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "commissioning"
#: The one writer, and its fast CSV and Parquet engine (called only with neutralised cells).
WRITERS = {PACKAGE / "tables.py", PACKAGE / "arrow_tables.py"}


def writers(path: Path) -> list[str]:
    """Each place in ``path`` that writes CSV or creates a workbook by itself."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in ("to_csv", "to_excel"):
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.append(f"{path.name}:{node.lineno} csv.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            names = {a.name for a in node.names} & {"writer", "DictWriter"}
            found += [f"{path.name}:{node.lineno} from csv import {n}" for n in sorted(names)]
        elif isinstance(node, ast.ImportFrom) and node.module == "openpyxl":
            if any(a.name == "Workbook" for a in node.names):
                found.append(f"{path.name}:{node.lineno} from openpyxl import Workbook")
        elif isinstance(node, ast.Attribute) and node.attr == "Workbook":
            found.append(f"{path.name}:{node.lineno} .Workbook")
    return found


def test_only_the_one_writer_writes_csv_or_xlsx():
    outside = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in WRITERS
        for hit in writers(path)
    ]
    assert outside == [], "write CSV and XLSX through commissioning.tables only"


def test_the_check_sees_every_way_of_writing(tmp_path):
    p = tmp_path / "x.py"
    p.write_text(
        "import csv\nfrom csv import DictWriter\nimport openpyxl\nfrom openpyxl import Workbook\n"
        "def f(df, fh):\n    df.to_csv(fh)\n    csv.writer(fh)\n    openpyxl.Workbook()\n"
        "    csv.reader(fh)\n    df.to_json()\n"
    )
    assert sorted(h.split(" ", 1)[1] for h in writers(p)) == sorted(
        [
            "from csv import DictWriter",
            "from openpyxl import Workbook",
            ".to_csv",
            "csv.writer",
            ".Workbook",
        ]
    )


RISKY = ["=1+1", "+44", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "'=x", "''@y", "=", "-"]
PLAIN = ["ok", "", "-0.5", "-12", "-1,234.5", "-1e5", "'quoted", "a=b", " =1"]


@pytest.mark.parametrize("text", RISKY)
def test_formula_like_text_gets_one_quote_and_reads_back(text):
    assert tables.safe_text(text) == "'" + text
    assert tables.unguard(tables.safe_text(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_and_negative_numbers_are_written_as_they_are(text):
    assert tables.safe_text(text) == text
    assert tables.unguard(text) == text


def test_the_columns_of_a_frame_are_neutralised_as_single_cells_are():
    frame = pd.DataFrame({"name": RISKY + PLAIN, "n": range(len(RISKY + PLAIN))})
    out = tables.safe_frame(frame)
    assert out["name"].tolist() == [tables.safe_text(t) for t in RISKY + PLAIN]
    assert out["n"].tolist() == frame["n"].tolist()
    assert tables.unguard_series(out["name"]).tolist() == RISKY + PLAIN


def test_columns_of_objects_that_are_not_text_are_left_alone():
    frame = pd.DataFrame({"n": pd.Series([1, 2], dtype="object"), "m": ["*", 3]})
    assert tables.safe_frame(frame).equals(frame)
    assert tables.csv_text(frame) == "n,m\n1,*\n2,3\n"


def test_csv_and_xlsx_write_text_as_text_and_numbers_as_numbers(tmp_path):
    frame = pd.DataFrame({"=head": ["=HYPERLINK(1)", "-0.5", "x"], "value": [-1.5, 2.0, None]})
    path = tmp_path / "t.csv"
    tables.write_csv(frame, path)
    assert path.read_text().splitlines() == [
        "'=head,value",
        "'=HYPERLINK(1),-1.5",
        "-0.5,2.0",
        "x,",
    ]
    assert tables.read_table(path)["=head"].tolist() == ["=HYPERLINK(1)", "-0.5", "x"]
    book = tmp_path / "t.xlsx"
    tables.write_xlsx({"t": [list(frame.columns), *frame.itertuples(index=False)]}, book)
    cells = [[c for c in row] for row in load_workbook(book)["t"].iter_rows()]
    assert [c.value for c in cells[1]] == ["'=HYPERLINK(1)", -1.5]
    assert cells[3][1].value is None
    assert all(c.data_type != "f" for row in cells for c in row)


def test_a_laid_out_workbook_is_neutralised_when_saved_once_or_twice(tmp_path):
    book = tables.new_workbook()
    sheet = book.active
    sheet["A1"] = "=HYPERLINK(1)"
    sheet["A2"] = -3
    sheet["A3"] = "plain"
    for name in ("a.xlsx", "b.xlsx"):
        book.save(tmp_path / name)
        cells = load_workbook(tmp_path / name).active
        assert [cells["A1"].value, cells["A2"].value, cells["A3"].value] == [
            "'=HYPERLINK(1)",
            -3,
            "plain",
        ]
        assert cells["A1"].data_type == "s"
