"""Shared plumbing: grouping many units at once, and reading age-sex tables.

Nothing here loops over units in Python: units are turned into integer codes and every sum is a
``numpy.bincount`` over those codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.analytics.needs.standard_population import (
    AGE_BAND_HELP,
    FEMALE,
    MALE,
    N_BANDS,
    PERSONS,
    SEX_HELP,
    check_band_overlaps,
    normalise_sex,
    parse_age_bands,
)

#: over-dispersion adjustments of funnel limits (see funnel.py)
OVERDISPERSION = ("none", "multiplicative", "additive")

SEX_CODES = {MALE: 0, FEMALE: 1, PERSONS: 2}


class DataProblem(ValueError):
    """Input that the methods cannot use, located by column and row position (0-based).

    The command line turns these into located errors (spreadsheet row = position + 2).
    """

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        rows: Sequence[int] = (),
        found: Sequence[object] = (),
    ):
        self.message = message
        self.parts: list[DataProblem] = []
        self.column = column
        self.rows = [int(r) for r in rows]
        self.found = list(found)
        where = f" (column '{column}'" if column else ""
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            where += (", " if where else " (") + f"row position {shown}"
        if where:
            where += ")"
        super().__init__(message + where)

    @classmethod
    def combine(cls, problems: Sequence[DataProblem]) -> DataProblem:
        """One problem standing for several (the first one's message, all of them located)."""
        if len(problems) == 1:
            return problems[0]
        combined = cls("; ".join(p.message for p in problems))
        combined.parts = [q for p in problems for q in (p.parts or [p])]
        return combined

    def to_input_error(self, file: str, *, first_data_row: int = 2, limit: int = 20):
        """The same problem(s) as a located :class:`~commissioning.errors.InputError` for a file,
        rows numbered as a spreadsheet shows them (header = row 1), in row order."""
        from commissioning.errors import InputError, Problem

        problems = []
        for part in self.parts or [self]:
            if not part.rows:
                problems.append(Problem(file, None, part.column, part.message))
            for i, row in enumerate(part.rows):
                message = part.message
                if i < len(part.found):
                    message += f", found '{part.found[i]}'"
                problems.append(Problem(file, row + first_data_row, part.column, message))
        problems.sort(key=lambda p: p.row or 0)
        return InputError(problems[:limit], more=max(0, len(problems) - limit))


def as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataProblem(f"missing column(s): {', '.join(missing)}")


def compact(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Number the distinct values of non-negative integer keys below ``space`` 0, 1, 2, ... in
    increasing order; returns each key's number and the distinct keys.

    When the key space is not much bigger than the data this is a pass of array indexing (no
    hashing or sorting of the data); otherwise it falls back to ``pandas.factorize``.
    """
    key = np.asarray(key, dtype=np.int64)
    if space <= 4 * len(key) + (1 << 22):
        present = np.zeros(space, dtype=bool)
        present[key] = True
        number = np.cumsum(present, dtype=np.int64) - 1
        return number[key], np.flatnonzero(present)
    codes, uniq = pd.factorize(key, sort=True)
    return codes.astype(np.int64), np.asarray(uniq, dtype=np.int64)


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 where missing) and distinct values; a categorical's own codes and categories
    are used as they are (fast, and unused categories do no harm to the callers)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def group_codes(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code of each row's unit, and the distinct keys.

    Units are numbered in order of first appearance, or of the categories for a categorical
    column (with several key columns: by the first column's order, then the next column's).
    """
    if not by:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=range(1))
    combined = np.zeros(len(df), dtype=np.int64)
    uniques_list = []
    for col in by:
        codes, uniques = factorize(df[col])
        if (codes < 0).any():
            rows = np.nonzero(codes < 0)[0][:20]
            raise DataProblem("a unit is missing", column=col, rows=rows)
        if isinstance(df[col].dtype, pd.CategoricalDtype):  # drop unused categories
            codes, used = compact(codes, len(uniques))
            uniques = uniques.take(used)
        combined = combined * len(uniques) + codes
        uniques_list.append(uniques)
    if len(by) == 1:
        return combined, pd.DataFrame({by[0]: uniques_list[0]})
    sizes = [len(u) for u in uniques_list]
    codes, uniq = compact(combined, int(np.prod(sizes)))
    parts = np.unravel_index(uniq, sizes)
    keys = pd.DataFrame({col: u.take(p) for col, u, p in zip(by, uniques_list, parts, strict=True)})
    return codes.astype(np.int64), keys


def numeric(df: pd.DataFrame, column: str, *, minimum: float | None = 0.0) -> np.ndarray:
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values)
    if bad.any():
        rows = np.nonzero(bad)[0]
        raise DataProblem(
            "expected a number", column=column, rows=rows[:20], found=df[column].iloc[rows[:20]]
        )
    if minimum is not None and (values < minimum).any():
        rows = np.nonzero(values < minimum)[0]
        raise DataProblem(
            f"expected {minimum:g} or more",
            column=column,
            rows=rows[:20],
            found=df[column].iloc[rows[:20]],
        )
    return values


@dataclass
class Banded:
    """An age(-sex) table aggregated to one row per unit, band span and sex."""

    keys: pd.DataFrame  # one row per unit
    group: np.ndarray  # unit code of each cell
    first: np.ndarray  # first standard band of each cell
    last: np.ndarray  # last standard band of each cell
    sex: np.ndarray  # 0 male, 1 female, 2 persons (2 when there is no sex column)
    population: np.ndarray
    cases: np.ndarray | None
    row_cell: np.ndarray  # the cell of each input row (for locating problems)

    def rows_for(self, cell_mask: np.ndarray, limit: int = 20) -> np.ndarray:
        """Positions of the input rows behind the cells where ``cell_mask`` is true."""
        return np.nonzero(cell_mask[self.row_cell])[0][:limit]

    @property
    def n_groups(self) -> int:
        return len(self.keys)


def read_bands(
    df: pd.DataFrame, age_band: str, group: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Standard band positions of each row, refusing unreadable and overlapping bands (within a
    unit when ``group`` gives each row's unit; anywhere otherwise)."""
    first, last = parse_age_bands(df[age_band])
    bad = first < 0
    if bad.any():
        rows = np.nonzero(bad)[0]
        raise DataProblem(
            f"expected {AGE_BAND_HELP}",
            column=age_band,
            rows=rows[:20],
            found=df[age_band].iloc[rows[:20]],
        )
    clash = check_band_overlaps(first, last, group)
    if clash is not None:
        a, b = clash
        raise DataProblem(
            f"age bands '{df[age_band].iloc[a]}' and '{df[age_band].iloc[b]}' overlap "
            "(people would be counted twice); use one set of bands",
            column=age_band,
            rows=[b],
            found=[df[age_band].iloc[b]],
        )
    return first, last


def read_sex(df: pd.DataFrame, sex: str | None) -> np.ndarray:
    if sex is None:
        return np.full(len(df), SEX_CODES[PERSONS], dtype=np.int64)
    codes, uniques = factorize(df[sex])
    names = normalise_sex(pd.Series(uniques, dtype=object))
    by_unique = np.array([SEX_CODES.get(n, -1) if isinstance(n, str) else -1 for n in names] + [-1])
    sexes = by_unique[codes].astype(np.int64)
    bad = sexes < 0
    if bad.any():
        rows = np.nonzero(bad)[0]
        raise DataProblem(
            f"expected {SEX_HELP}", column=sex, rows=rows[:20], found=df[sex].iloc[rows[:20]]
        )
    return sexes


def prepare_banded(
    df: pd.DataFrame,
    *,
    by: Sequence[str],
    age_band: str,
    sex: str | None,
    population: str,
    cases: str | None,
    cases_within_population: bool = True,
    add_sexes: bool = False,
) -> Banded:
    """Check and aggregate an age-sex table: rows with the same unit, band and sex are added
    (and, with ``add_sexes``, males and females too, giving persons)."""
    require(df, [*by, age_band, population] + ([sex] if sex else []) + ([cases] if cases else []))
    group, keys = group_codes(df, by)
    problems: list[DataProblem] = []

    def attempt(check):
        try:
            return check()
        except DataProblem as exc:
            problems.append(exc)
            return None

    bands = attempt(lambda: read_bands(df, age_band, group))
    sexes = attempt(lambda: read_sex(df, sex))
    pop = attempt(lambda: numeric(df, population))
    cas = attempt(lambda: numeric(df, cases)) if cases else None
    if cas is not None and pop is not None and cases_within_population:
        over = cas > pop
        if over.any():
            rows = np.nonzero(over)[0]
            problems.append(
                DataProblem(
                    f"expected no more {cases} than {population}",
                    column=cases,
                    rows=rows[:20],
                    found=df[cases].iloc[rows[:20]],
                )
            )
    if sexes is not None:
        # persons rows cannot sit alongside male/female rows for the same unit
        n_groups = len(keys)
        is_persons = sexes == SEX_CODES[PERSONS]
        if is_persons.any() and not is_persons.all():
            p = np.bincount(group, weights=is_persons, minlength=n_groups)
            s = np.bincount(group, weights=~is_persons, minlength=n_groups)
            mixed = (p > 0) & (s > 0)
            if mixed.any():
                rows = np.nonzero(mixed[group] & is_persons)[0]
                problems.append(
                    DataProblem(
                        "this unit has rows for persons as well as for males or females "
                        "(people would be counted twice)",
                        column=sex,
                        rows=rows[:20],
                        found=df[sex].iloc[rows[:20]] if sex else [],
                    )
                )
    if problems:
        raise DataProblem.combine(problems)
    first, last = bands
    if add_sexes:
        sexes = np.full(len(sexes), SEX_CODES[PERSONS], dtype=np.int64)
    band, spans = compact(first * N_BANDS + last, N_BANDS * N_BANDS)
    m = len(spans)
    cell, uniq = compact((group * m + band) * 3 + sexes, len(keys) * m * 3)
    n_cells = len(uniq)
    rest, sex_c = np.divmod(uniq, 3)
    group_c, band_c = np.divmod(rest, m)
    first_c, last_c = np.divmod(spans[band_c], N_BANDS)
    pop_c = np.bincount(cell, weights=pop, minlength=n_cells)
    cas_c = np.bincount(cell, weights=cas, minlength=n_cells) if cas is not None else None
    return Banded(
        keys=keys,
        group=group_c.astype(np.int64),
        first=first_c.astype(np.int64),
        last=last_c.astype(np.int64),
        sex=sex_c.astype(np.int64),
        population=pop_c,
        cases=cas_c,
        row_cell=cell,
    )


@dataclass
class RateLookup:
    """Reference rates by sex and span of standard bands, for looking up any finer band."""

    band_id: np.ndarray  # (3, N_BANDS): index into ``rate`` of the band covering each position
    rate: np.ndarray
    has_sex: bool


def build_rate_lookup(
    reference: pd.DataFrame,
    *,
    age_band: str,
    sex: str | None,
    rate: str | None,
    cases: str | None = None,
    population: str | None = None,
    per: float = 1.0,
) -> RateLookup:
    """Read a reference table of age(-sex) rates: a ``rate`` column (per ``per``), or cases and
    population columns from which the rates are worked out."""
    cols = [age_band] + ([sex] if sex else [])
    if rate:
        cols.append(rate)
    else:
        if not (cases and population):
            raise DataProblem("the reference needs a rate column, or cases and population columns")
        cols += [cases, population]
    require(reference, cols)
    first, last = read_bands(reference, age_band)
    sexes = read_sex(reference, sex)
    if rate:
        r = numeric(reference, rate) / per
    else:
        c = numeric(reference, cases)
        p = numeric(reference, population)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(p > 0, c / p, np.nan)
        if np.isnan(r).any():
            rows = np.nonzero(np.isnan(r))[0]
            raise DataProblem("expected a population above 0", column=population, rows=rows[:20])
    band_id = np.full((3, N_BANDS), -1, dtype=np.int64)
    for i, (f, la, s) in enumerate(zip(first, last, sexes, strict=True)):
        targets = [0, 1] if s == SEX_CODES[PERSONS] else [s]
        if s == SEX_CODES[PERSONS]:
            targets.append(SEX_CODES[PERSONS])
        for t in targets:
            if (band_id[t, f : la + 1] >= 0).any():
                raise DataProblem(
                    "the reference has more than one rate for this age band and sex",
                    column=age_band,
                    rows=[i],
                    found=[reference[age_band].iloc[i]],
                )
            band_id[t, f : la + 1] = i
    return RateLookup(band_id=band_id, rate=r, has_sex=bool(sex) and (sexes != 2).any())


def lookup_rates(b: Banded, lookup: RateLookup, age_band: str, sex: str | None) -> np.ndarray:
    """The reference rate for each cell of an age-sex table."""
    ids_first = lookup.band_id[b.sex, b.first]
    ids_last = lookup.band_id[b.sex, b.last]
    missing = ids_first < 0
    if missing.any():
        rows = b.rows_for(missing)
        if lookup.has_sex and (b.sex[missing] == SEX_CODES[PERSONS]).any():
            msg = (
                "the reference rates are by sex, so the population must be given for males "
                "and females separately"
            )
            raise DataProblem(msg, column=sex, rows=rows[:20])
        raise DataProblem("the reference has no rate for this age band", column=age_band, rows=rows)
    straddle = ids_first != ids_last
    if straddle.any():
        raise DataProblem(
            "this age band is wider than the reference's bands, so no single rate applies",
            column=age_band,
            rows=b.rows_for(straddle),
        )
    return lookup.rate[ids_first]
