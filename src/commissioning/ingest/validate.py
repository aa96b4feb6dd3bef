"""Checking an upload before anything is written: every problem, located, all at once.

The checks, in order: which kind each sheet holds; its columns (missing, unknown, patient
identifiers); every cell's type, allowed value, length and range; required cells; repeated
natural keys within the upload; and references to other records, which must exist in the
database or in the same upload.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Q

from commissioning.errors import BadArgument, located
from commissioning.ingest import patients, values
from commissioning.ingest.kinds import ALL_KINDS, KINDS, Kind, find_kind
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW, Sheet

SEP = "\x1f"
# the columns of a row's kind that its file's layout does not have at all (";"-separated): a
# published layout says nothing about them (the ODS files give no successor, Fingertips no
# target), so a stored record keeps its values there (``check_emptying``)
NOT_GIVEN = "__not_given"


@dataclass
class Batch:
    """All the rows of one kind in an upload, converted to canonical values."""

    kind: Kind
    frame: pd.DataFrame
    files: list[str] = field(default_factory=list)


# -- finding the kind -------------------------------------------------------------------------


def detect_kind(sheet: Sheet, override: str | None) -> Kind:
    if override:
        kind = find_kind(override)
        if kind is None:
            raise BadArgument(
                f"--kind {override}: not a kind we import (one of {', '.join(KINDS)})"
            )
        return kind
    if sheet.name and (kind := find_kind(sheet.name)):
        return kind
    cols = set(sheet.frame.columns) - {ROW}
    best: list[tuple[int, Kind]] = []
    for kind in KINDS.values():
        names = set(kind.names)
        need = set(kind.required) - {"community"}
        if need <= cols:
            best.append((len(cols & names) - len(cols - names), kind))
    best.sort(key=lambda t: -t[0])
    if best and (len(best) == 1 or best[0][0] > best[1][0]):
        return best[0][1]
    what = (
        "could be " + " or ".join(k.name for _, k in best)
        if best
        else ("does not match the columns of any kind")
    )
    raise located(
        sheet.label,
        1,
        None,
        f"cannot tell which kind of records this is (its header {what}): "
        "use --kind KIND, or start from `commissioning template KIND`",
    )


# -- one sheet --------------------------------------------------------------------------------


def _header_problems(sheet: Sheet, kind: Kind, community: str | None, problems: Problems) -> bool:
    ok = True
    for header, col in zip(sheet.headers, sheet.frame.columns, strict=False):
        if patients.looks_like_nhs_number_header(col):
            problems.add(sheet.label, 1, header, patients.MESSAGE)
            ok = False
        elif col not in kind.names:
            problems.add(
                sheet.label,
                1,
                header,
                f"is not a column of {kind.name} (expected some of: {', '.join(kind.names)})",
            )
            ok = False
    for name in kind.required:
        if name not in sheet.frame.columns and not (name == "community" and community):
            extra = (
                ": add a community column or give --community CODE" if name == "community" else ""
            )
            problems.add(sheet.label, 1, name, f"required column for {kind.name} is missing{extra}")
            ok = False
    return ok


def _patient_identifiers(sheet: Sheet, kind: Kind, problems: Problems) -> bool:
    text_cols = [c.name for c in kind.columns if c.type in ("text", "codes", "list")]
    for name in text_cols:
        if name not in sheet.frame.columns:
            continue
        hits = patients.valid_nhs_numbers(sheet.frame[name])
        if hits.any():
            n = int(hits.sum())
            first = int(sheet.frame.loc[hits, ROW].iloc[0])
            problems.add(
                sheet.label,
                first,
                name,
                f"{patients.MESSAGE} ({n} cell{'s' if n > 1 else ''} found)",
            )
            return False
    return True


def _fill_community(frame: pd.DataFrame, kind: Kind, community: str | None) -> None:
    if not kind.community_scoped:
        return
    if "community" not in frame.columns:
        frame["community"] = ""
    if community:
        blank = frame["community"].str.strip() == ""
        if kind.name == "observations":
            blank &= frame["service"].str.strip() != ""
        frame.loc[blank, "community"] = community


def check_sheet(
    sheet: Sheet, kind: Kind, community: str | None, problems: Problems
) -> pd.DataFrame | None:
    """The sheet's rows as canonical values, or None when its header is unusable."""
    _header_problems(sheet, kind, community, problems)  # the other columns are still checked
    if not _patient_identifiers(sheet, kind, problems):
        return None
    present = set(sheet.frame.columns)
    raw = sheet.frame.copy()
    raw[FILE] = sheet.label
    for name in kind.names:
        if name not in raw.columns:
            raw[name] = ""
    _fill_community(raw, kind, community)
    if kind.name == "people" and community:
        raw.loc[raw["communities"].str.strip() == "", "communities"] = community
    model = kind.model_class()
    out = pd.DataFrame({FILE: raw[FILE], ROW: raw[ROW]})
    for col in kind.columns:
        cells = raw[col.name].astype(str)
        converted, bad, detail = values.convert(col, cells)
        if bad.any():
            if detail is not None:
                allowed = ", ".join(v for v, _ in col.choices)
                problems.add_rows(
                    raw.assign(__detail=detail),
                    bad,
                    col.name,
                    lambda r, allowed=allowed: (
                        f"'{r['__detail']}' not allowed (expected some of {allowed})"
                    ),
                )
            else:
                problems.add_rows(
                    raw,
                    bad,
                    col.name,
                    lambda r, col=col: f"expected {values.expected(col)}, found '{r[col.name]}'",
                )
        is_blank = cells.str.strip() == ""
        if col.required and col.name in present:
            problems.add_rows(
                raw,
                is_blank,
                col.name,
                f"expected {values.expected(col)}, found nothing"
                if col.name != "community"
                else "expected a community code: add a community column or give --community",
            )
        if col.max_length and col.type in ("text", "slug", "ods"):
            long = converted.str.len() > col.max_length
            problems.add_rows(
                raw,
                long,
                col.name,
                f"expected at most {col.max_length} characters",
            )
        if col.minimum is not None:
            numeric = (
                converted
                if col.type != "decimal"
                else pd.to_numeric(converted.where(converted != "", None), errors="coerce")
            )
            low = numeric.notna() & (numeric < col.minimum)
            problems.add_rows(
                raw,
                low,
                col.name,
                lambda r, col=col: f"expected {col.minimum:g} or more, found '{r[col.name]}'",
            )
        if col.maximum is not None:
            numeric = pd.to_numeric(converted.where(converted != "", None), errors="coerce")
            high = numeric.notna() & (numeric > col.maximum)
            problems.add_rows(
                raw,
                high,
                col.name,
                lambda r, col=col: f"expected at most {col.maximum:g}, found '{r[col.name]}'",
            )
        if col.field and not col.required:
            converted = _with_default(converted, is_blank, model, col)
        out[col.name] = converted
    for col in kind.columns:
        if col.not_before:
            early = (
                out[col.name].notna()
                & out[col.not_before].notna()
                & (out[col.name] < out[col.not_before])
            )
            problems.add_rows(raw, early, col.name, f"expected a date on or after {col.not_before}")
    _check_bounds(kind, raw, out, problems)
    for check in kind.checks:
        check(out, problems)
    if kind.name == "observations":
        has_org = out["organisation_ods"] != ""
        has_service = out["service"] != ""
        problems.add_rows(
            raw,
            has_org & has_service,
            "organisation_ods",
            "expected an organisation or a service, not both",
        )
        problems.add_rows(
            raw,
            ~has_org & ~has_service,
            "organisation_ods",
            "expected an organisation's ODS code, or a service",
        )
        problems.add_rows(
            raw,
            has_service & (out["service_provider_ods"] == ""),
            "service_provider_ods",
            "expected the ODS code of the service's provider",
        )
    # a published layout's rows (converted, so their kind is known) say nothing about the
    # columns the layout lacks; in our own layouts a missing column is an empty one
    absent = [c for c in kind.names if c not in present and c not in kind.key]
    out[NOT_GIVEN] = ";".join(absent) if sheet.kind else ""
    return out


def _check_bounds(kind: Kind, raw: pd.DataFrame, out: pd.DataFrame, problems: Problems) -> None:
    """The kind's plausibility rules between columns (a register no larger than its list,
    confidence limits around the value), where both cells of a rule are given."""
    for bound in kind.bounds:
        low = pd.to_numeric(out[bound.low], errors="coerce").astype("float64")
        high = pd.to_numeric(out[bound.high], errors="coerce").astype("float64")
        # a little room for rounding: 1 part in a billion
        slack = np.maximum(np.maximum(low.abs(), high.abs()).fillna(0), 1) * 1e-9
        wrong = low.notna() & high.notna() & (low > high + slack)
        problems.add_rows(
            raw,
            wrong,
            bound.column,
            lambda r, b=bound: b.message.format(
                low=str(r[b.low]).strip(), high=str(r[b.high]).strip()
            ),
        )


def check_percentages(batches: dict[str, Batch], problems: Problems) -> None:
    """Observations of an indicator measured in % lie between 0 and 100.

    A value above 100 is accepted only from a row whose own numerator is larger than its
    denominator (a ratio to an estimate, such as the dementia diagnosis rate, can pass 100%).
    """
    batch = batches.get("observations")
    if batch is None or batch.frame.empty:
        return
    from commissioning.store.models import Indicator

    frame = batch.frame
    codes = set(frame["indicator_code"].unique())
    units = dict(Indicator.objects.filter(code__in=codes).values_list("code", "unit"))
    if "indicators" in batches:
        new = batches["indicators"].frame
        units |= dict(zip(new["code"], new["unit"], strict=True))
    percent = {c for c, u in units.items() if str(u).strip() == "%"}
    if not percent:
        return
    value = frame["value"].astype("float64")
    is_percent = frame["indicator_code"].isin(percent)
    explained = frame["numerator"].astype("float64") > frame["denominator"].astype("float64")
    problems.add_rows(
        frame,
        is_percent & (value < 0),
        "value",
        lambda r: f"expected a percentage of 0 or more, found {number_text(r['value'])}",
    )
    problems.add_rows(
        frame,
        is_percent & (value > 100) & ~explained,
        "value",
        lambda r: (
            f"expected a percentage of at most 100, found {number_text(r['value'])} (the "
            f"indicator {r['indicator_code']} is measured in %; a value above 100 needs a "
            "numerator larger than its denominator on the same row)"
        ),
    )


def _with_default(converted: pd.Series, is_blank: pd.Series, model, col) -> pd.Series:
    f = model._meta.get_field(col.field)
    if not f.has_default() or not is_blank.any():
        return converted
    default = f.get_default()
    if default in (None, "") or isinstance(default, list):
        return converted
    if col.type == "bool":
        return converted.where(~is_blank, bool(default))
    return converted.where(~is_blank, default)


# -- keys and references -----------------------------------------------------------------------


def text_of(s: pd.Series) -> pd.Series:
    """Canonical text of a key column, for matching against the database."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return _each_distinct(s, lambda d: d.dt.strftime("%Y-%m-%d").fillna(""))
    if pd.api.types.is_float_dtype(s):
        return _each_distinct(s, lambda d: d.map(number_text).astype(str))
    return s.astype(str).fillna("")


def _each_distinct(s: pd.Series, text) -> pd.Series:
    """``text(s)``, worked out once for each distinct value of a long column (a million
    observations hold a few dozen periods): ``text`` must treat each cell on its own."""
    if len(s) < values.DISTINCT_FROM:
        return text(s)
    codes, distinct = pd.factorize(s, use_na_sentinel=False)
    if len(distinct) * 4 > len(s):
        return text(s)
    out = text(pd.Series(distinct, dtype=s.dtype)).take(codes)
    out.index = s.index
    return out.rename(s.name)


def key_strings(frame: pd.DataFrame, cols) -> pd.Series:
    cols = list(cols)
    out = text_of(frame[cols[0]])
    for c in cols[1:]:
        out = out + SEP + text_of(frame[c])
    return out


KEYS_CHUNK = 50_000  # records read at a time when listing the keys already stored


def db_key_strings(model, lookups, queryset=None) -> pd.DataFrame:
    """id and canonical key text of every record of ``model`` (by the given lookups), or of the
    records in ``queryset`` when one is given.

    Read a chunk of records at a time: a million observations read at once held every value as
    a Python object, several hundred megabytes more at the peak of a re-import.
    """
    records = model.objects.all() if queryset is None else queryset
    rows = records.values_list("id", *lookups).iterator(chunk_size=KEYS_CHUNK)
    parts = []
    while chunk := list(itertools.islice(rows, KEYS_CHUNK)):
        df = pd.DataFrame(chunk, columns=["id", *lookups])
        key = df[lookups[0]].map(_db_text).astype(str)
        for lk in lookups[1:]:
            key = key + SEP + df[lk].map(_db_text).astype(str)
        parts.append(pd.DataFrame({"id": df["id"].astype("int64"), "key": key}))
    if not parts:
        return pd.DataFrame({"id": pd.Series([], dtype="int64"), "key": pd.Series([], dtype=str)})
    return pd.concat(parts, ignore_index=True)


def _db_text(v) -> str:
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float):
        return number_text(v)
    return str(v)


def number_text(x) -> str:
    if x is None or pd.isna(x):
        return ""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def target_columns(target: Kind, lookups) -> list[str]:
    by_path = {c.path: c.name for c in target.columns}
    return [by_path[lk] for lk in lookups]


def check_references(batches: dict[str, Batch], problems: Problems, readable=None) -> None:
    """Every reference names a record in the database or in this upload.

    ``readable(model)`` (optional) gives the records of ``model`` the importer may see, or None
    for all: a record they may not see is answered exactly like one that does not exist.
    """
    known_cache: dict[tuple, set[str]] = {}

    def known(target_name: str, lookups: tuple[str, ...]) -> set[str]:
        key = (target_name, lookups)
        if key not in known_cache:
            target = KINDS[target_name]
            model = target.model_class()
            records = readable(model) if readable is not None else None
            found = set(db_key_strings(model, lookups, records)["key"])
            if target_name in batches:
                cols = target_columns(target, lookups)
                found |= set(key_strings(batches[target_name].frame, cols))
            known_cache[key] = found
        return known_cache[key]

    for batch in batches.values():
        kind, frame = batch.kind, batch.frame
        for ref in kind.refs:
            target = KINDS[ref.target]
            lookups = ref.lookups or target.key_lookups
            own = [c for c in ref.columns if c != "community"] or list(ref.columns)
            needed = pd.Series(False, index=frame.index)
            for c in own:
                needed |= text_of(frame[c]) != ""
            if not needed.any():
                continue
            keys = key_strings(frame.loc[needed], ref.columns)
            missing = ~keys.isin(known(ref.target, tuple(lookups)))
            mask = pd.Series(False, index=frame.index)
            mask[keys.index] = missing
            what = target.title.lower()
            problems.add_rows(
                frame.assign(__key=key_strings(frame, ref.columns)),
                mask,
                own[-1],
                lambda r, what=what: (
                    f"refers to {what} '{r['__key'].replace(SEP, ' / ')}', "
                    "which is neither in the database nor in this upload"
                ),
            )
        for lst in kind.lists:
            if lst.target == "stages":
                continue
            target = KINDS[lst.target]
            lookups = lst.lookups or target.key_lookups
            pool = known(lst.target, tuple(lookups))
            rows = frame[frame[lst.column] != ""]
            for idx, cell in rows[lst.column].items():
                for item in values.split_list(cell):
                    parts = [
                        item if p == "*" else text_of(frame.loc[[idx], p]).iloc[0]
                        for p in lst.pattern
                    ]
                    if SEP.join(parts) not in pool:
                        problems.add(
                            frame.at[idx, FILE],
                            int(frame.at[idx, ROW]),
                            lst.column,
                            f"refers to {target.title.lower()} '{item}', which is neither in "
                            "the database nor in this upload",
                        )


def check_duplicates(batches: dict[str, Batch], problems: Problems) -> None:
    for batch in batches.values():
        frame, key = batch.frame, list(batch.kind.key)
        if batch.kind.gather:  # one row per item: an item may not repeat within its record
            key.append(batch.kind.gather)
        keys = key_strings(frame, key)
        dup = keys.duplicated(keep="first")
        if not dup.any():
            continue
        involved = keys.isin(set(keys[dup]))
        first_row = frame.loc[involved].assign(__k=keys[involved]).groupby("__k")[ROW].first()
        first_file = frame.loc[involved].assign(__k=keys[involved]).groupby("__k")[FILE].first()
        shown = frame.loc[dup].head(problems.limit)
        problems.total += int(dup.sum()) - len(shown)
        for idx, r in shown.iterrows():
            k = keys[idx]
            where = f"row {first_row[k]}" + (
                f" of {first_file[k]}" if first_file[k] != r[FILE] else ""
            )
            problems.add(
                r[FILE],
                int(r[ROW]),
                key[-1],
                f"repeats the {batch.kind.name} record in {where} (same {', '.join(key)})",
            )


def gather_rows(kind: Kind, frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """The rows of one record (same key) as one row, their ``kind.gather`` items joined.

    Every other column must say the same on each of the record's rows; a row that differs is
    reported against the record's first row. The joined row keeps the first row's location.
    """
    keys = key_strings(frame, kind.key)
    first = ~keys.duplicated(keep="first")
    lead = frame.loc[first].assign(__k=keys[first]).set_index("__k")
    for col in kind.columns:
        if col.name in kind.key or col.name == kind.gather:
            continue
        mine = text_of(frame[col.name])
        expected = keys.map(text_of(lead[col.name]))
        differs = mine != expected
        problems.add_rows(
            frame.assign(__k=keys, __expected=expected, __first=keys.map(lead[ROW])),
            differs,
            col.name,
            lambda r: (
                f"differs from row {r['__first']} of the same {kind.name} record "
                f"(expected '{r['__expected']}', as there: every row of one record must agree)"
            ),
        )
    items: dict[str, set[str]] = {}
    for k, cell in zip(keys, frame[kind.gather], strict=True):
        items.setdefault(k, set()).update(values.split_list(cell))
    out = frame.loc[first].copy()
    out[kind.gather] = [("; ".join(sorted(items[k]))) for k in keys[first]]
    return out


# -- updates that would empty stored values ----------------------------------------------------

EMPTYING_OPTION = "--allow-emptying"
_TEXT_TYPES = ("text", "slug", "ods", "choice")


def _blank(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s.isna()
    return s.isna() | (s.astype(str).str.strip() == "")


def _has_value(kind: Kind, col) -> Q:
    """A filter for stored records whose ``col`` holds something."""
    if col.type == "list" or "__" in col.path:
        return Q(**{f"{col.path}__isnull": False})
    if col.type in _TEXT_TYPES:
        return Q(**{f"{col.path}__gt": ""})
    return Q(**{f"{col.path}__isnull": False})


def _stored_values(kind: Kind, cols: list, readable=None) -> dict[str, dict[str, str]]:
    """For each column, the stored value (as text) of every record that holds one, by key: of
    the records ``readable`` gives (see :func:`check_references`), or of all."""
    model = kind.model_class()
    wanted = Q()
    for col in cols:
        wanted |= _has_value(kind, col)
    lookups = list(kind.key_lookups)
    records = readable(model) if readable is not None else None
    records = model.objects.all() if records is None else records
    rows = records.filter(wanted).values_list(*lookups, *[c.path for c in cols])
    out: dict[str, dict[str, str]] = {c.name: {} for c in cols}
    for row in rows.iterator(chunk_size=KEYS_CHUNK):
        key = SEP.join(_db_text(v) for v in row[: len(lookups)])
        for col, v in zip(cols, row[len(lookups) :], strict=True):
            text = _db_text(v)
            if text.strip():
                out[col.name].setdefault(key, text)
    return out


def check_emptying(
    batches: dict[str, Batch],
    problems: Problems,
    *,
    allow: bool = False,
    notes: list[str] | None = None,
    readable=None,
) -> None:
    """An update may not empty a value the database holds unless it is asked for.

    A row that matches a stored record (by its natural key) and leaves a column empty (or the
    file has no such column) where the stored record holds a value would drop that value: an
    observation updated with a value but without the count, denominator and confidence limits
    stored with it, say. Each such cell is a problem, unless ``allow`` (``--allow-emptying``, or
    the import page's box) asks for it; then the values are emptied and ``notes`` says how many.

    A column that a published layout does not have at all (``NOT_GIVEN``: an ODS file's
    successor, a Fingertips export's target) is neither: the stored value is kept, whatever
    ``allow`` says.

    Only the records ``readable`` gives are compared (see :func:`check_references`): a row whose
    key another community's record holds must never be told that record's values (the import's
    scope check refuses the row).
    """
    for batch in batches.values():
        kind, frame = batch.kind, batch.frame
        cols = [
            c
            for c in kind.columns
            if c.name not in kind.key and c.type not in ("bool", "codes") and c.name in frame
        ]
        blank = {c.name: _blank(frame[c.name]) for c in cols}
        cols = [c for c in cols if blank[c.name].any()]
        if not cols or not kind.model_class().objects.exists():
            continue
        stored = _stored_values(kind, cols, readable)
        if not any(stored.values()):
            continue
        keys = key_strings(frame, kind.key)
        emptied: dict[str, int] = {}
        for col in cols:
            if not stored[col.name]:
                continue
            held = keys.map(stored[col.name])
            lost = blank[col.name] & held.notna()
            if not lost.any():
                continue
            if NOT_GIVEN in frame:
                kept = lost & frame[NOT_GIVEN].str.contains(rf"(?:^|;){col.name}(?:;|$)")
                if kept.any():  # the stored value stays
                    carried, _, _ = values.convert(col, held.where(kept, "").astype(str))
                    frame.loc[kept, col.name] = carried[kept]
                    lost &= ~kept
                    if not lost.any():
                        continue
            emptied[col.name] = int(lost.sum())
            if allow:
                continue
            problems.add_rows(
                frame.assign(__held=held),
                lost,
                col.name,
                lambda r, kind=kind: (
                    f"is empty, but the stored {kind.name} record holds '{r['__held']}' here: "
                    f"fill it in, or give {EMPTYING_OPTION} to empty stored values"
                ),
            )
        if allow and emptied and notes is not None:
            total = sum(emptied.values())
            detail = ", ".join(f"{name} {n}" for name, n in emptied.items())
            notes.append(
                f"{', '.join(batch.files)}: emptied {total} stored values of {kind.title.lower()}"
                f" ({detail}), as asked"
            )


# -- the whole upload --------------------------------------------------------------------------


def check_upload(
    sheets: list[Sheet],
    *,
    kind: str | None = None,
    community: str | None = None,
    problems: Problems | None = None,
    readable=None,
    allow_emptying: bool = False,
    notes: list[str] | None = None,
) -> dict[str, Batch]:
    """Every sheet checked and grouped by kind; raises InputError listing all problems.

    ``readable``: see :func:`check_references` (the web import passes what the user may see).
    ``allow_emptying``: an update may empty values the database holds (``check_emptying``);
    ``notes`` then says how many it will empty.
    """
    problems = problems if problems is not None else Problems()
    frames: dict[str, list[pd.DataFrame]] = {}
    files: dict[str, list[str]] = {}
    for sheet in sheets:
        if sheet.name and sheet.name.lower().startswith("about"):
            continue  # the notes sheet of a template
        nhs = [
            h
            for h, c in zip(sheet.headers, sheet.frame.columns, strict=False)
            if patients.looks_like_nhs_number_header(c)
        ]
        if nhs:
            problems.add(sheet.label, 1, nhs[0], patients.MESSAGE)
            continue
        k = ALL_KINDS[sheet.kind] if sheet.kind else detect_kind(sheet, kind)
        frame = check_sheet(sheet, k, community, problems)
        if frame is not None:
            frames.setdefault(k.name, []).append(frame)
            files.setdefault(k.name, []).append(sheet.label)
    batches = {
        name: Batch(
            ALL_KINDS[name], pd.concat(fs, ignore_index=True) if len(fs) > 1 else fs[0], files[name]
        )
        for name, fs in frames.items()
    }
    check_duplicates(batches, problems)
    if not problems:
        check_references(batches, problems, readable)
    if not problems:
        check_percentages(batches, problems)
    for batch in batches.values():
        if batch.kind.gather:
            batch.frame = gather_rows(batch.kind, batch.frame, problems)
    if not problems:
        check_emptying(batches, problems, allow=allow_emptying, notes=notes, readable=readable)
    for batch in batches.values():
        batch.frame = batch.frame.drop(columns=[NOT_GIVEN], errors="ignore")
    problems.raise_if_any()
    return batches


# -- one record typed into a form ---------------------------------------------------------------


FORM = "form"


def check_records(
    kind: Kind, rows: list[dict[str, object]], *, community: str | None = None
) -> list[tuple[dict[str, object], dict[str, list[str]]]]:
    """Rows typed into the app's forms, checked by exactly the rules (and words) of an import.

    Each row maps ``kind``'s column names to what was typed (missing columns are empty). The
    rows go through :func:`check_sheet` as the rows of an uploaded file would: the same types,
    allowed values, lengths, ranges, required cells, date order and patient-identifier check.
    Returns, for each row, its values as the importer converts them (dates as timestamps,
    choices as their stored values, lists joined by "; ") and its problems by column.
    References to other records are not checked here: a form offers only records its user may
    choose.
    """
    names = kind.names
    frame = pd.DataFrame(
        {n: ["" if r.get(n) is None else str(r.get(n)) for r in rows] for n in names},
        dtype=object,
    )
    frame[ROW] = range(2, len(rows) + 2)
    sheet = Sheet(file=FORM, name=None, frame=frame, headers=list(names))
    problems = Problems(limit=10_000)
    out = check_sheet(sheet, kind, community, problems)
    found: list[dict[str, list[str]]] = [{} for _ in rows]
    for _, problem in problems.items:
        found[(problem.row or 2) - 2].setdefault(problem.column or "", []).append(problem.message)
    converted = [
        {n: _plain(out[n].iloc[i]) for n in names} if out is not None else {}
        for i in range(len(rows))
    ]
    return list(zip(converted, found, strict=True))


def check_record(
    kind: Kind, row: dict[str, object], *, community: str | None = None
) -> tuple[dict[str, object], dict[str, list[str]]]:
    """One row of :func:`check_records`."""
    return check_records(kind, [row], community=community)[0]


def _plain(value):
    """A converted cell as a plain Python value (a date for a timestamp, None for a gap)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
