"""Synthetic GP practices: dated links to commissioners, registered lists and condition registers.

Practices get made-up names and codes in the ``Y9`` range (the ODS uses codes starting with Y
for non-standard organisations, so they cannot be mistaken for real practices). Lists follow an
English age structure tilted older or younger per practice; registers come from age-sex rates
times a persistent practice "recording" factor, so practices vary more than chance alone would
make them (over-dispersion), and a few stand well out (see OUTLIERS).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from commissioning.demo import published, rates
from commissioning.demo.communities import AREAS, CCG_CLOSED, CCG_OPENED, ICB_OPENED, PCT_CLOSED
from commissioning.demo.context import MONTHS, REGISTER_YEARS, Build, month_index
from commissioning.store.models import Organisation

D = dt.date

_NAMES = [
    "Alder", "Birch", "Cedar", "Damson", "Elder", "Fern", "Gorse", "Hazel", "Ivy", "Juniper",
    "Larch", "Maple", "Nettle", "Oak", "Poplar", "Quince", "Rowan", "Sorrel", "Thistle", "Vetch",
    "Willow", "Yarrow", "Aspen", "Bramble", "Clover", "Heather", "Laurel", "Myrtle", "Sycamore",
]  # fmt: skip
_SUFFIXES = ["Surgery", "Medical Centre", "Health Centre", "Family Practice"]

# (community, practice number, what stands out): recording factors that make an outlier.
OUTLIERS = {
    ("calderdale", 4): {"diabetes": 1.9, "tilt": -0.35},  # young list, high diabetes risk
    ("wirral", 6): {"dementia": 2.8, "tilt": 0.6},  # serves many care homes
    ("somerset", 11): {"dementia": 0.35},  # dementia rarely recorded
    ("somerset", 40): {"stroke": 1.6, "tilt": 0.4},
}

# Monthly dementia diagnosis rate (recorded / expected) per community: base, monthly drift, and
# a step (start month, size, months to ramp up) after a development went live.
DEMENTIA_DX = {
    "calderdale": (0.40, 0.0008, (D(2011, 7, 1), 0.07, 9)),
    "somerset": (0.38, 0.0012, None),
    "wirral": (0.37, 0.0006, (D(2011, 1, 1), 0.12, 9)),
}

# One Wirral practice closes and its patients move to another (history is kept).
CLOSING = ("wirral", 56, 55, D(2011, 9, 30))


def practice_code(area_number: int, i: int) -> str:
    return f"Y9{area_number}{i:03d}"


def dementia_path(code: str, rng: np.random.Generator) -> np.ndarray:
    base, drift, step = DEMENTIA_DX[code]
    t = np.arange(len(MONTHS))
    path = base + drift * t
    if step:
        start, size, ramp = step
        k = month_index(start)
        path = path + size * np.clip((t - k + 1) / ramp, 0, 1)
    return path + rng.normal(0, 0.004, len(t))


def build_practices(b: Build) -> None:
    """Generate the practices, their lists and registers, then load them as published files.

    Everything is generated first (the random draws are the same, in the same order, as when
    the demo wrote records directly), then written as an ODS practice file per commissioner
    era, quinary-age GP registration files and QOF prevalence files, and loaded through the
    published-format importers (:mod:`commissioning.demo.published`).
    """
    out = published.Published(snapshots={"pct": [], "ccg": [], "icb": []})
    dm_rates = {y: rates.diabetes_rates(y) for y in REGISTER_YEARS}
    stroke = {y: rates.stroke_rates(y) for y in REGISTER_YEARS}
    dem_rates = rates.dementia_expected_rates()
    codes: dict[str, list[str]] = {}
    successors: dict[str, str] = {}
    row = published.PracticeRow
    for area in AREAS:
        rng = b.rng(f"practices:{area.code}")
        b.dementia_rate[area.code] = dementia_path(area.code, b.rng(f"dementia:{area.code}"))
        sizes = rng.lognormal(0, 0.45, area.practices)
        sizes = np.maximum(1200, np.round(sizes / sizes.sum() * area.registered)).astype(int)
        pct, ccg, icb = (b.orgs[f"{area.code}:{k}"].ods_code for k in ("pct", "ccg", "icb"))
        closing = CLOSING if CLOSING[0] == area.code else None
        codes[area.code] = [practice_code(area.number, i) for i in range(1, area.practices + 1)]
        if closing:
            successors[codes[area.code][closing[1] - 1]] = codes[area.code][closing[2] - 1]
        totals = {y: {"registered": 0, "diabetes": 0, "dementia": 0.0} for y in REGISTER_YEARS}
        for i, code in enumerate(codes[area.code], start=1):
            name = f"{_NAMES[(i * 7 + area.number) % len(_NAMES)]} {_SUFFIXES[i % 4]}"
            if i > len(_NAMES):
                name = f"{name} {i // len(_NAMES) + 1}"
            ends = closing[3] if closing and i == closing[1] else None
            out.snapshots["pct"].append(row(code, name, pct, None, ends or PCT_CLOSED, ends))
            if ends:  # a closed practice stays in later files, with its last commissioner
                out.snapshots["ccg"].append(row(code, name, pct, None, ends, ends))
                out.snapshots["icb"].append(row(code, name, pct, None, ends, ends))
            else:
                out.snapshots["ccg"].append(row(code, name, ccg, CCG_OPENED, CCG_CLOSED))
                out.snapshots["icb"].append(row(code, name, icb, ICB_OPENED, None))
            special = OUTLIERS.get((area.code, i), {})
            tilt = special.get("tilt", area.age_tilt + rng.normal(0, 0.18))
            shares = rates.age_structure(tilt).ravel()
            growth = rng.normal(0.006, 0.008)
            factor = {
                "diabetes": special.get("diabetes", rng.lognormal(0, 0.15)),
                "dementia": special.get("dementia", rng.lognormal(0, 0.22)),
                "stroke": special.get("stroke", rng.lognormal(0, 0.15)),
            }
            for y in REGISTER_YEARS:
                size = sizes[i - 1] * (1 + growth) ** (y - 2011)
                if closing and i == closing[2] and y > closing[3].year:
                    size += sizes[closing[1] - 1]
                if ends and D(y, 1, 1) > ends:
                    continue
                counts = rng.multinomial(int(round(size)), shares).reshape(2, 19)
                extract = D(y, 1, 1)
                listed = out.populations.setdefault(extract, [])
                for s, sex in enumerate(rates.SEXES):
                    for band, n in zip(rates.AGE_BANDS, counts[s], strict=True):
                        listed.append((code, sex, band, int(n)))
                everyone = int(counts.sum())
                adults = int(round(rates.aged_17_plus(counts)))
                noise = rng.lognormal(0, 0.03, 3)
                expected_dm = (counts * dm_rates[y]).sum() * factor["diabetes"] * noise[0]
                expected_dem = float((counts * dem_rates).sum())
                dx = b.dementia_rate[area.code][month_index(D(y, 3, 1))]
                dem = expected_dem * dx * factor["dementia"] * noise[1]
                strk = (counts * stroke[y]).sum() * factor["stroke"] * noise[2]
                registers = out.registers.setdefault(y, [])
                for slug, mean, on_list in (
                    ("diabetes", expected_dm, adults),
                    ("dementia", dem, everyone),
                    ("stroke-tia", strk, everyone),
                ):
                    registers.append((code, slug, int(min(rng.poisson(mean), on_list)), on_list))
                t = totals[y]
                t["registered"] += everyone
                t["diabetes"] += registers[-3][2]
                t["dementia"] += expected_dem
        b.registered[area.code] = {y: t["registered"] for y, t in totals.items()}
        b.diabetes[area.code] = {y: t["diabetes"] for y, t in totals.items()}
        b.dementia_expected[area.code] = {y: t["dementia"] for y, t in totals.items()}
    published.load(out)
    _mark_synthetic(b, codes, successors)


def _mark_synthetic(b: Build, codes: dict[str, list[str]], successors: dict[str, str]) -> None:
    """What the importers loaded is the demo's: flagged synthetic, successors, community members.

    The ODS practice file does not say who took over a closed practice, so the demo records it.
    """
    every = [c for area in codes.values() for c in area]
    Organisation.objects.filter(ods_code__in=every).update(synthetic=True)
    by_code = Organisation.objects.in_bulk(every, field_name="ods_code")
    for gone, heir in successors.items():
        by_code[gone].successor = by_code[heir]
        by_code[gone].save(update_fields=["successor"])
    for area in AREAS:
        made = [by_code[c] for c in codes[area.code]]
        b.practices[area.code] = made
        b.communities[area.code].members.add(*made, b.orgs[f"{area.code}:ccg"])


def yearly(values: dict[int, float], month: dt.date) -> float:
    """A by-year-ending-March figure interpolated to a month (held flat at the ends)."""
    years = sorted(values)
    x = month.year + (month.month - 3) / 12.0
    return float(np.interp(x, years, [values[y] for y in years]))
