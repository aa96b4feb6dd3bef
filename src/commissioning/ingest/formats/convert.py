"""Reading the files of one upload: published NHS layouts converted, our own layouts as they are."""

from __future__ import annotations

from pathlib import Path

from commissioning.ingest.formats import matching
from commissioning.ingest.formats.formats import detect_format, find_format
from commissioning.ingest.formats.published import Converted, read_table
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import Sheet, read
from commissioning.textfiles import UTF8


def read_upload(
    paths: list[str | Path],
    *,
    format: str | None = None,
    allow_unmatched: bool = False,
    year: int | None = None,
) -> tuple[list[Sheet], list[str]]:
    """Every file's sheets, and notes on what published files gave and what they left out.

    ``format`` names the published format of every file; without it each file's format is
    found from its first rows, and a file in none of them is read as one of our own layouts.
    Raises InputError with every problem found in the published files.
    """
    forced = find_format(format) if format else None
    problems = Problems()
    own: list[Sheet] = []
    converted: list[Converted] = []
    options = {"year": year, "allow_unmatched": allow_unmatched}
    own_notes: list[str] = []
    for path in paths:
        fmt = forced or detect_format(path)
        if fmt is None:
            sheets = read(path)
            own.extend(sheets)
            # plain UTF-8 goes without saying; any other encoding found is named
            own_notes += [
                f"{s.file}: text in {s.encoding}" for s in sheets if s.encoding not in (None, UTF8)
            ]
            continue
        if not Path(path).is_file():
            read(path)  # the usual "no such file" message
        table = read_table(
            path,
            header=fmt.HEADER,
            narrower_rows=getattr(fmt, "NARROWER_ROWS", False),
            widths=getattr(fmt, "WIDTHS", ()),
        )
        result = fmt.to_rows(table, problems, options)
        result.notes.insert(
            0, f"{table.file}: read as {fmt.NAME} ({fmt.TITLE}); text in {table.encoding}"
        )
        converted.append(result)
    if not converted:
        return own, own_notes
    _conditions_once(converted)
    _stubs_where_unknown(converted, own)
    problems.raise_if_any()
    other_codes = {
        code
        for sheet in own
        if {"ods_code", "name", "kind"} <= set(sheet.frame.columns)
        for code in sheet.frame["ods_code"].str.strip().str.upper()
    }
    unmatched = matching.match(
        converted, problems, allow_unmatched=allow_unmatched, other_codes=other_codes
    )
    problems.raise_if_any()
    notes = own_notes + [n for c in converted for n in c.notes]
    notes += matching.matched_note(converted) + unmatched
    return own + [s for c in converted for s in c.sheets if len(s.frame)], notes


def _conditions_once(converted: list[Converted]) -> None:
    """Conditions added by several QOF files of one upload are added by the first only."""
    seen: set[str] = set()
    for c in converted:
        for sheet in c.sheets:
            if sheet.kind == "conditions":
                sheet.frame = sheet.frame[~sheet.frame["slug"].isin(seen)].reset_index(drop=True)
                seen |= set(sheet.frame["slug"])


def _stubs_where_unknown(converted: list[Converted], own: list[Sheet]) -> None:
    """Organisations known only by code and name are added only when nothing else has them."""
    from commissioning.store.models import Indicator, Organisation

    if not any(c.stubs for c in converted):
        return
    known = set(Organisation.objects.values_list("ods_code", flat=True))
    known |= set(Indicator.objects.values_list("code", flat=True))
    for sheet in own:
        if {"ods_code", "name", "kind"} <= set(sheet.frame.columns):
            known |= set(sheet.frame["ods_code"].str.strip().str.upper())
    for c in converted:
        for sheet in c.sheets:
            if sheet.kind == "organisations":
                known |= set(sheet.frame["ods_code"])
    for c in converted:
        for stub in c.stubs:
            key = "ods_code" if stub.kind == "organisations" else "code"
            frame = stub.frame.drop_duplicates(key)
            stub.frame = frame[~frame[key].isin(known)].reset_index(drop=True)
            known |= set(stub.frame[key])
            c.sheets.append(stub)
        c.stubs = []
