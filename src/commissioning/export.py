"""Records out, in exactly the layout the importer reads (CSV or XLSX).

Export then import gives "n unchanged": the same columns, the same text for every value. The
files are written by the one CSV/XLSX writer (:mod:`commissioning.tables`): text cells that a
spreadsheet would run as a formula get a leading single quote, which the importer takes off
again. Numbers are never altered.

Two uses, two fidelities:

- a **full** export (``disclosure=None``; ``commissioning export --full``) is the lossless copy
  administrators re-import or move between databases, like ``commissioning backup``;
- a **disclosure** (``disclosure=DEFAULT_POLICY``: the web downloads and ``commissioning
  export`` without ``--full``) is what leaves the system for people to read: observations of
  indicators that count patients go through
  :func:`commissioning.analytics.disclosure.disclose_observations` and the file gains a
  ``suppressed`` column (yes/no). Practice populations, condition registers and registers by
  age band and sex count patients too: small counts hidden, the rest rounded, with secondary
  suppression where rows add up to a total (the bands of one practice on one date; of one
  organisation, condition and period), a ``suppressed`` column and a ``small_numbers`` column
  saying which rule the file follows. Populations and registers may be declared published
  figures (``COMMISSIONING_PUBLISHED_COUNTS``, :mod:`commissioning.analytics.disclosure`):
  they are then written as stored and ``small_numbers`` says so. The importer does not know
  these columns, so a disclosed file cannot be re-imported by mistake and overwrite true counts
  with rounded ones.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from commissioning.analytics.disclosure import (
    SUPPRESSED,
    SuppressionPolicy,
    disclose_observations,
    suppress,
)
from commissioning.errors import UserError
from commissioning.ingest.kinds import KINDS, Kind
from commissioning.ingest.stored import db_frame
from commissioning.ingest.validate import number_text
from commissioning.tables import write_csv
from commissioning.tables import write_xlsx as write_workbook

DISCLOSURE_COLUMN = "suppressed"
RULE_COLUMN = "small_numbers"
# Kinds whose counts are of patients, other than observations: the count columns, and the
# columns whose rows add up to one total (empty: none do).
PATIENT_COUNTS = {
    "populations": (("count",), ("ods_code", "date")),
    "registers": (("register_size", "list_size"), ()),
    "age_sex_registers": (("register_size",), ("ods_code", "condition", "period_end")),
}
DISCLOSED_NUMBERS = ("value", "numerator", "denominator", "lower", "upper")


def disclose(frame: pd.DataFrame, kind: Kind, policy: SuppressionPolicy | None) -> pd.DataFrame:
    """``frame`` (text, as :func:`db_frame` gives it) as it may leave the system.

    With a ``policy``, observations of indicators that count patients have small numbers
    suppressed (``*``) and others rounded, and a ``suppressed`` column is added; so do
    populations and registers (see :func:`_disclose_counts`). Other kinds, and any kind without
    a policy (a full export), are returned unchanged.
    """
    if policy is None:
        return frame
    if kind.name in PATIENT_COUNTS:
        return _disclose_counts(frame, kind.name, policy)
    if kind.name != "observations":
        return frame
    from commissioning.store.models import Indicator

    counted = set(Indicator.objects.filter(patient_counts=True).values_list("code", flat=True))
    patient_counts = frame["indicator_code"].astype(str).isin(counted)
    numbers = [c for c in DISCLOSED_NUMBERS if c in frame.columns]
    numeric = frame[numbers].apply(
        lambda s: pd.to_numeric(s.astype(str).str.replace(",", ""), errors="coerce")
    )
    shown = disclose_observations(numeric, patient_counts, policy)
    out = frame.copy()
    for c in numbers:
        out[c] = [v if v == SUPPRESSED else number_text(v) for v in shown[c]]
    out[DISCLOSURE_COLUMN] = ["yes" if v else "no" for v in shown["suppressed"]]
    return out


def _disclose_counts(frame: pd.DataFrame, kind: str, policy: SuppressionPolicy) -> pd.DataFrame:
    """Populations and registers: small counts hidden, the rest rounded, unless the policy
    declares the kind published figures; then written as stored.

    Where rows add up to a total (the age bands of one practice on one date add up to its list;
    those of one register to the register), a lone hidden band takes the next smallest with it
    (secondary suppression). ``small_numbers`` says which rule the rows follow.
    """
    counts, groups = PATIENT_COUNTS[kind]
    out = frame.copy()
    out[DISCLOSURE_COLUMN] = pd.Series("no", index=frame.index, dtype=object)
    out[RULE_COLUMN] = pd.Series(policy.rule_for(kind), index=frame.index, dtype=object)
    if frame.empty or kind in policy.published:
        return out
    numeric = frame.copy()
    for column in counts:
        numeric[column] = pd.to_numeric(
            frame[column].astype(str).str.replace(",", ""), errors="coerce"
        )
    shown = suppress(numeric, list(counts), groups=list(groups) or None, policy=policy)
    hidden = pd.Series(False, index=frame.index)
    for column in counts:
        out[column] = [v if v == SUPPRESSED else number_text(v) for v in shown[column]]
        hidden |= shown[column].astype(object) == SUPPRESSED
    out[DISCLOSURE_COLUMN] = ["yes" if v else "no" for v in hidden]
    return out


def columns_of(frame: pd.DataFrame, kind: Kind) -> list[str]:
    """The kind's columns, and the ``small_numbers`` and ``suppressed`` columns when the frame
    is a disclosure."""
    extra = [c for c in (RULE_COLUMN, DISCLOSURE_COLUMN) if c in frame.columns]
    return kind.names + extra


def export_kind(
    kind: Kind,
    path: str | Path | None,
    *,
    community: str | None = None,
    disclosure: SuppressionPolicy | None = None,
) -> int:
    """Write one kind to CSV (or XLSX by the file's ending; standard output when None or -).

    ``disclosure=None`` writes the full, re-importable records; a policy writes a disclosure.
    """
    frame = disclose(db_frame(kind, community), kind, disclosure)
    frame = frame[columns_of(frame, kind)]
    if path is None or str(path) == "-":
        write_csv(frame, None)
        return len(frame)
    p = Path(path)
    if not p.parent.exists():
        raise UserError(f"{p}: the folder {p.parent} does not exist")
    if p.suffix.lower() == ".xlsx":
        write_xlsx({kind.name: frame}, p, kinds=[kind])
    else:
        write_csv(frame, p)
    return len(frame)


def write_xlsx(frames: dict[str, pd.DataFrame], path, *, kinds: list[Kind]) -> None:
    """One sheet per kind, named by kind; numbers written as numbers, text as text."""

    def rows(kind: Kind, frame: pd.DataFrame):
        names = columns_of(frame, kind)
        numeric = {c.name for c in kind.columns if c.type in ("int", "float", "decimal")}
        yield names
        for row in frame[names].itertuples(index=False):
            yield [_cell(v, name in numeric) for v, name in zip(row, names, strict=True)]

    write_workbook({k.name: rows(k, frames[k.name]) for k in kinds}, path, bold_header=False)


def _cell(text: str, numeric: bool):
    if text == "":
        return None
    if numeric:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    return text


def export_all(
    path: Path, *, community: str | None = None, disclosure: SuppressionPolicy | None = None
) -> dict[str, int]:
    """Every kind into one workbook, a sheet each, in dependency order (see :func:`disclose`)."""
    from commissioning.ingest.kinds import ORDER

    kinds = [KINDS[n] for n in ORDER]
    frames = {k.name: disclose(db_frame(k, community), k, disclosure) for k in kinds}
    write_xlsx(frames, path, kinds=kinds)
    return {k: len(f) for k, f in frames.items()}
