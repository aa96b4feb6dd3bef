"""The damaged-file harness: every sample file the tests ship, cut at many points and re-encoded.

For each sample (the NHS published files in tests/data/nhs-formats, and the hand-made files of
every kind in tests/integration/ingest/conftest.py) the database first holds good data: the
whole sample imported, with any organisation it names. Then every damaged copy from
``damage.cases`` is imported into it, each inside a savepoint rolled back afterwards, and must
end in one of two ways (docs/reliability.md):

- a **located error**: an InputError whose every problem names the file, with nothing stored
  changed; or
- **exactly the complete rows loaded**: the import succeeds, adds and updates nothing (the good
  data already holds every complete row), stores nothing different, and counts as many rows
  as the same file cut at the line end before the damage (or after it, if the damaged row was
  in fact whole). A copy cut at the end of a row must load, unless it is refused on that last
  row (a header with nothing after it; an age band without all its rows); a re-encoded copy of
  the whole file must load exactly as the original.

"Nothing stored changed" compares every record of every table before and after. The number of
cases tried and held is printed (``pytest -s``) and written in docs/reliability.md, which
``test_reliability_page_states_the_harness_figures`` keeps in step with ``damage.cases``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from commissioning.errors import InputError, UserError
from commissioning.ingest import import_files

from . import damage
from .conftest import FILES

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "tests" / "data" / "nhs-formats"
NHS = sorted(p.name for p in SAMPLES.glob("*.csv"))
OWN = sorted(FILES)
# what an unknown code stands for, in the "neither in the database" problems -> its kind
KIND_OF = {
    "practice": "gp_practice",
    "commissioner": "ccg",
    "PCN": "pcn",
    "parent": "ccg",
    "area": "local_authority",
}
UNKNOWN = re.compile(r"(\w+) code '([A-Z0-9]+)' is neither in the database")
RAW_PARSER_WORDS = ("C error", "Error tokenizing", "Traceback", "row 0")

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table of the store, to compare before and after a case."""
    from django.apps import apps
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for model in apps.get_app_config("store").get_models(include_auto_created=True):
            table = model._meta.db_table
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            out[table] = cur.fetchall()
    return out


@dataclass
class Result:
    case: damage.Case
    failure: str | None  # why the case did not hold, None if it held
    loaded: int | None  # rows counted (unchanged) when the import succeeded
    rows: frozenset[int] = frozenset()  # the rows its problems name, when it was refused


def run(path: Path, case: damage.Case, options: dict, before: dict) -> Result:
    """Import one damaged copy (written at ``path``) in a savepoint, then roll it back.

    ``before`` is the snapshot of the good data, the same for every case of a sample.
    """
    from django.db import transaction

    path.write_bytes(case.data)
    point = transaction.savepoint()
    failure = None
    loaded = None
    rows: frozenset[int] = frozenset()
    try:
        counts = import_files([path], **options)
    except InputError as exc:
        rows = frozenset(p.row for p in exc.problems if p.row is not None)
        wrong = [p for p in exc.problems if p.file != str(path)]
        if not exc.problems or wrong:
            failure = f"an error that does not name the file: {exc}"
        elif any(w in str(exc) for w in RAW_PARSER_WORDS):
            failure = f"an error in the parser's words: {exc}"
    except UserError as exc:
        failure = f"a plain error, not a located one: {exc}"
    except Exception as exc:  # noqa: BLE001 - a traceback a user would see
        failure = f"{type(exc).__name__}: {exc}"
    else:
        changed = {k: (c.added, c.updated) for k, c in counts.items() if c.added or c.updated}
        if changed:
            failure = f"changed stored records (added, updated): {changed}"
        loaded = sum(c.unchanged for c in counts.values())
    after = snapshot()
    transaction.savepoint_rollback(point)
    if failure is None and after != before:
        tables = [t for t in before if before[t] != after[t]]
        failure = f"stored records changed in {', '.join(tables)}"
    return Result(case, failure, loaded, rows)


def known_organisations(path: Path, folder: Path, options: dict) -> None:
    """Import whatever organisations the sample names that the database lacks."""
    try:
        import_files([path], dry_run=True, **options)
    except InputError as exc:
        codes = {
            m.group(2): KIND_OF[m.group(1)]
            for p in exc.problems
            if (m := UNKNOWN.search(p.message))
        }
        if codes:
            orgs = folder / "organisations-for-the-sample.csv"
            orgs.write_text(
                "ods_code,name,kind\n"
                + "".join(f"{c},Organisation {c},{k}\n" for c, k in codes.items())
            )
            import_files([orgs])


def judge(results: list[Result], whole: int | None, ends: list[int]) -> dict[int, str]:
    """Why each case that did not hold failed, by its place in ``results``.

    ``whole``: the rows the whole file counts (None if it is refused whole); ``ends``: where
    the file's rows end (just after each one's line end; the first ends row 1).
    """
    failures = {i: r.failure for i, r in enumerate(results) if r.failure}
    at_end = {r.case.cut: i for i, r in enumerate(results) if r.case.what == "cut at a line end"}
    boundary: dict[int, int] = {}  # rows counted by the file cut at the end of each row
    for row, end in enumerate(ends if whole is not None else (), start=1):
        i = at_end.get(end)
        if i is None:
            raise AssertionError(f"no case cuts the file at the end of a row (at {end})")
        if results[i].loaded is not None:
            boundary[end] = results[i].loaded
        elif row not in results[i].rows:
            # a file of whole rows loads, unless its last row shows it is incomplete (a header
            # and nothing else; an age band without all its rows)
            failures.setdefault(i, f"the file cut at the end of row {row} was refused elsewhere")
    points = sorted(boundary)
    for i, r in enumerate(results):
        if i in failures:
            continue
        if r.loaded is None:
            if r.case.whole and whole is not None:
                failures[i] = "refused, but it is the whole file"
            continue
        if whole is None:
            failures[i] = "loaded a file that is refused whole"
        elif r.case.cut is None:
            if not r.case.whole:
                failures[i] = "loaded, but it should be refused"
            elif r.loaded != whole:
                failures[i] = f"counted {r.loaded} rows, the original {whole}"
        else:
            before = [boundary[p] for p in points if p <= r.case.cut] or [0]
            after = [boundary[p] for p in points if p >= r.case.cut] or [whole]
            if r.loaded not in (before[-1], after[0]):
                failures[i] = (
                    f"counted {r.loaded} rows, not the {before[-1]} complete rows before the "
                    f"cut (or {after[0]} with the row it cut)"
                )
    return failures


def record_ends(text: str) -> list[int]:
    """The offset just after each row's line end."""
    ends = [end for _, end in damage.line_ends(text)]
    spans = damage.field_spans(text)
    out = []
    for fields in spans:
        last = fields[-1][1]
        out.extend(e for e in ends if last < e <= last + 2)
    return sorted(set(out))


def check_sample(name: str, data: bytes, folder: Path, options: dict) -> None:
    """Every damaged copy of one sample, imported into a database that holds the whole."""
    good = folder / name
    good.write_bytes(data)
    try:
        import_files([good], **options)
        whole = sum(c.unchanged for c in import_files([good], **options).values())
    except InputError:
        whole = None  # a file the importer refuses whole (a published file it does not read)
    path = folder / "case" / name
    path.parent.mkdir()
    cases = damage.cases(data)
    before = snapshot()
    results = [run(path, case, options, before) for case in cases]
    text, _ = damage.text_of(data)
    failures = judge(results, whole, record_ends(text))
    loaded = sum(1 for r in results if r.loaded is not None)
    print(
        f"\n{name}: {len(cases)} cases tried, {len(cases) - len(failures)} held "
        f"({loaded} loaded the complete rows, {len(cases) - loaded} refused with a located error)"
    )
    shown = [
        f"{results[i].case.what} (at {results[i].case.cut}): {why}" for i, why in failures.items()
    ]
    assert not failures, f"{name}: {len(failures)} cases did not hold:\n" + "\n".join(shown[:30])


@pytest.mark.parametrize("name", NHS)
def test_damaged_copies_of_each_nhs_sample(name, tmp_path):
    data = (SAMPLES / name).read_bytes()
    prerequisite = tmp_path / "prerequisite"
    prerequisite.mkdir()
    (prerequisite / name).write_bytes(data)
    known_organisations(prerequisite / name, prerequisite, {})
    check_sample(name, data, tmp_path, {})


@pytest.mark.parametrize("kind", OWN)
def test_damaged_copies_of_each_own_layout_sample(kind, tmp_path, samples):
    everything = tmp_path / "everything"
    everything.mkdir()
    import_files(samples.write(everything), community="wirral")
    check_sample(f"{kind}.csv", FILES[kind].encode(), tmp_path, {"community": "wirral"})
