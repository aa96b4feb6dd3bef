"""The 2013 European Standard Population, and reading age bands and sexes as people write them.

ESP2013 weights are from Eurostat, *Revision of the European Standard Population: report of
Eurostat's task force*, 2013 edition (Methodologies and Working papers, Publications Office of the
European Union, Luxembourg). Eurostat gives 5-year bands to 95+; as in PHE/OHID practice
(Fingertips, PHEindicatormethods, PHStatsMethods) the two top bands, 90-94 (800) and 95+ (200),
are used together as 90+ (1,000), giving 19 bands that sum to 100,000.

Internally an age band is a pair of positions ``(first, last)`` in the 19 standard bands, both
inclusive: ``0-4`` is ``(0, 0)``, ``85-89`` is ``(17, 17)``, ``90+`` is ``(18, 18)`` and a coarser
band such as ``85+`` is ``(17, 18)``. Everything at 90 or over folds into 90+.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Labels of the 19 ESP2013 bands, youngest first.
ESP2013_BANDS: tuple[str, ...] = tuple(f"{a}-{a + 4}" for a in range(0, 90, 5)) + ("90+",)

#: ESP2013 weights for the 19 bands (Eurostat 2013; 90-94 and 95+ combined). Sums to 100,000.
ESP2013_WEIGHTS: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip

#: Eurostat's own top bands, for reference: 90-94 is 800 and 95+ is 200.
ESP2013_TOP_BANDS = {"90-94": 800, "95+": 200}

STANDARDS = {"esp2013": np.asarray(ESP2013_WEIGHTS, dtype=float)}

N_BANDS = len(ESP2013_BANDS)
TOP_AGE = 90  # first age of the open top band

MALE, FEMALE, PERSONS = "male", "female", "persons"

_SEX_WORDS = {
    "m": MALE,
    "male": MALE,
    "males": MALE,
    "man": MALE,
    "men": MALE,
    "1": MALE,
    "f": FEMALE,
    "female": FEMALE,
    "females": FEMALE,
    "woman": FEMALE,
    "women": FEMALE,
    "2": FEMALE,
    "p": PERSONS,
    "persons": PERSONS,
    "person": PERSONS,
    "people": PERSONS,
    "all": PERSONS,
    "all persons": PERSONS,
    "both": PERSONS,
    "both sexes": PERSONS,
    "total": PERSONS,
}

AGE_BAND_HELP = (
    "an age band such as 0-4, 00-04, 5-9, ..., 85-89 or 90+ (90-94 and 95+ fold into 90+)"
)
SEX_HELP = "a sex: male or female (M/F, 1/2), or persons for both together"

_WORDS = re.compile(r"\b(aged|ages|age|years|year|yrs|yr|y)\b")
_RANGE = re.compile(r"^(\d{1,3})-(\d{1,3})$")
_OPEN = re.compile(r"^(\d{1,3})(?:\+|plus|andover|andolder|andabove|orover|orolder)$")
_UNDER = re.compile(r"^(?:under|<|lessthan|upto)(\d{1,3})$")
_SINGLE = re.compile(r"^(\d{1,3})$")


def standard_weights(standard: str = "esp2013") -> np.ndarray:
    """The weights of a named standard population over the 19 bands."""
    try:
        return STANDARDS[standard.lower()].copy()
    except KeyError:
        known = ", ".join(STANDARDS)
        raise ValueError(f"unknown standard population '{standard}' (known: {known})") from None


def esp2013() -> pd.DataFrame:
    """ESP2013 as a table: ``age_band``, ``first_age``, ``weight``."""
    return pd.DataFrame(
        {
            "age_band": list(ESP2013_BANDS),
            "first_age": list(range(0, 95, 5)),
            "weight": list(ESP2013_WEIGHTS),
        }
    )


def _position(age: int) -> int:
    return min(age, TOP_AGE) // 5


def parse_age_band(label: object) -> tuple[int, int] | None:
    """Read one age band as ``(first, last)`` positions in the 19 bands, or None if unreadable.

    Accepts ``0-4``, ``00-04``, ``0 to 4``, ``0–4``, ``Age 0-4``, ``90+``, ``90 and over``,
    ``under 5``, ``85+`` (spans 85-89 and 90+), single years of age (``67``), and any band at
    90 or over (``90-94``, ``95+``, ``95-99``, ``100+``), which folds into 90+. A band must start
    and end on the 5-year boundaries of the standard, so ``0-3`` or ``85-94`` are refused.
    """
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return None
    whole = isinstance(label, (int, np.integer)) or (
        isinstance(label, (float, np.floating)) and float(label).is_integer()
    )
    text = str(int(label)) if whole else str(label)
    text = text.strip().lower()
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("_", "-")
    text = _WORDS.sub(" ", text)
    text = re.sub(r"\s+to\s+", "-", text)
    text = re.sub(r"\s+", "", text)
    if m := _RANGE.match(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        if hi < lo:
            return None
        if lo >= TOP_AGE:
            return (N_BANDS - 1, N_BANDS - 1)
        if lo % 5 or (hi + 1) % 5 or hi >= TOP_AGE:
            return None
        return (_position(lo), _position(hi))
    if m := _OPEN.match(text):
        lo = int(m.group(1))
        if lo % 5 and lo < TOP_AGE:
            return None
        return (_position(lo), N_BANDS - 1)
    if m := _UNDER.match(text):
        hi = int(m.group(1)) - 1
        if hi < 0 or (hi + 1) % 5 or hi >= TOP_AGE:
            return None
        return (0, _position(hi))
    if m := _SINGLE.match(text):
        age = int(m.group(1))
        return (_position(age), _position(age))
    return None


def band_label(first: int, last: int) -> str:
    """The label of a span of standard bands, e.g. ``(17, 18)`` is ``85+``."""
    lo = first * 5
    if last == N_BANDS - 1:
        return "90+" if first == last else f"{lo}+"
    return f"{lo}-{last * 5 + 4}"


def parse_age_bands(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read a column of age bands; returns ``first`` and ``last`` positions (-1 where unreadable).

    Each distinct label is read once, so a column of millions of rows with a few dozen labels
    costs little.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = [parse_age_band(u) for u in uniques]
    first_u = np.array([p[0] if p else -1 for p in parsed] + [-1], dtype=np.int64)
    last_u = np.array([p[1] if p else -1 for p in parsed] + [-1], dtype=np.int64)
    # code -1 (missing) picks the extra -1 at the end
    return first_u[codes], last_u[codes]


def normalise_sex(values: pd.Series) -> pd.Series:
    """Read a column of sexes as ``male``, ``female`` or ``persons`` (NA where unreadable)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [_SEX_WORDS.get(_sex_key(u)) for u in uniques]
    out = np.array(mapped + [None], dtype=object)[codes]
    return pd.Series(out, index=values.index, dtype=object)


def _sex_key(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value).strip().lower())


def check_band_overlaps(
    first: np.ndarray, last: np.ndarray, group: np.ndarray | None = None
) -> tuple[int, int] | None:
    """Find two different bands of the same unit that overlap (e.g. ``85+`` and ``85-89``).

    Returns the positions of two such rows, or None. A unit's bands must not overlap or people
    would be counted twice; different units may use different bands.
    """
    first = np.asarray(first, dtype=np.int64)
    last = np.asarray(last, dtype=np.int64)
    pairs = pd.unique(first * N_BANDS + last)
    f, la = np.divmod(np.sort(pairs), N_BANDS)
    if len(f) < 2 or not (f[1:] <= np.maximum.accumulate(la)[:-1]).any():
        return None  # no two bands overlap anywhere: nothing more to check
    if group is None:
        group = np.zeros(len(first), dtype=np.int64)
    table = pd.DataFrame({"g": group, "f": first, "l": last, "row": np.arange(len(first))})
    table = table.drop_duplicates(["g", "f", "l"]).sort_values(["g", "f", "l"])
    g = table["g"].to_numpy()
    f = table["f"].to_numpy()
    la = table["l"].to_numpy()
    rows = table["row"].to_numpy()
    reach = table.groupby("g")["l"].cummax().to_numpy()
    same = np.r_[False, g[1:] == g[:-1]]
    clash = np.nonzero(same & (f <= np.r_[-1, reach[:-1]]))[0]
    if clash.size == 0:
        return None
    i = clash[0]
    j = np.nonzero((g[:i] == g[i]) & (la[:i] >= f[i]))[0][0]
    return (int(min(rows[i], rows[j])), int(max(rows[i], rows[j])))


def span_weights(first: np.ndarray, last: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The standard population of each span of bands (sum of the weights from first to last)."""
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    return cum[np.asarray(last) + 1] - cum[np.asarray(first)]
