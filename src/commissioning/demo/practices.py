"""Synthetic GP practices: dated links to commissioners, registered lists and condition registers.

Practices get made-up names and codes in the ``Y9`` range (the ODS uses codes starting with Y
for non-standard organisations, so they cannot be mistaken for real practices). Lists follow an
English age structure tilted older or younger per practice; registers come from age-sex rates
times a persistent practice "recording" factor, so practices vary more than chance alone would
make them (over-dispersion), and a few stand well out (see OUTLIERS).

The study's communities have practices for 2009-2013, linked to the PCT, then the CCG, then the
ICB; the present-day community's practices have lists and registers for 2022-2026, linked to
their CCG to June 2022 and to their place (sub-ICB location) from July 2022, and belong to
primary care networks (loaded from an ODS ePCN file).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from commissioning.demo import published, rates
from commissioning.demo.communities import (
    AREAS,
    CCG_CLOSED,
    CCG_OPENED,
    ICB_OPENED,
    PCT_CLOSED,
    PRESENT,
    pcn_code,
)
from commissioning.demo.context import STUDY, TODAY, Build, Era
from commissioning.store.models import Organisation, OrganisationLink, Relationship

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
    ("mereshire", 7): {"diabetes": 1.8, "tilt": -0.4},  # city-centre list, South Asian families
    ("mereshire", 38): {"dementia": 2.5, "tilt": 0.7},  # a coastal list with many care homes
}

# Monthly dementia diagnosis rate (recorded / expected) per community (or place of the
# present-day community): base, monthly drift, and a step (start month, size, months to ramp up)
# after a development went live. The study's rates are all ages against Dementia UK (2007)
# estimates; today's are people aged 65 and over against CFAS II-like estimates.
DEMENTIA_DX = {
    "calderdale": (0.40, 0.0008, (D(2011, 7, 1), 0.07, 9)),
    "somerset": (0.38, 0.0012, None),
    "wirral": (0.37, 0.0006, (D(2011, 1, 1), 0.12, 9)),
    "mereton": (0.625, 0.0006, None),
    "north": (0.565, 0.0003, (D(2023, 10, 1), 0.06, 12)),
    "south": (0.60, 0.0005, None),
}
# Today's expected dementia (CFAS II, aged 65 and over) is lower than the Dementia UK (2007)
# estimate the demo's age-sex rates follow; the demo scales its rates by this to stand in for it.
CFAS_SCALE = 0.78

# Practices that close and whose patients move to another (history is kept):
# (community, closing practice, receiving practice, last day).
CLOSINGS = [("wirral", 56, 55, D(2011, 9, 30)), ("mereshire", 12, 11, D(2023, 9, 29))]
CLOSING = CLOSINGS[0]


def practice_code(area_number: int, i: int) -> str:
    return f"Y9{area_number}{i:03d}"


def dementia_path(key: str, rng: np.random.Generator, era: Era = STUDY) -> np.ndarray:
    base, drift, step = DEMENTIA_DX[key]
    t = np.arange(60)
    path = base + drift * t
    if step:
        start, size, ramp = step
        k = era.month_index(start)
        path = path + size * np.clip((t - k + 1) / ramp, 0, 1)
    return path + rng.normal(0, 0.004, len(t))


@dataclass
class Unit:
    """Practices generated together: a study community, or one place of the ICB."""

    community: str
    key: str  # the community's code, or the place's key
    number: int  # the community's number (in practice codes)
    first: int  # the first practice number in this unit
    count: int
    registered: int
    age_tilt: float
    era: Era
    # snapshot label -> (parent code, joined, left)
    parents: dict


def units() -> list[Unit]:
    out = []
    for area in AREAS:
        out.append(
            Unit(
                area.code,
                area.code,
                area.number,
                1,
                area.practices,
                area.registered,
                area.age_tilt,
                STUDY,
                {
                    "pct": (area.pct[0], None, PCT_CLOSED),
                    "ccg": (area.ccg[0], CCG_OPENED, CCG_CLOSED),
                    "icb": (area.icb[0], ICB_OPENED, None),
                },
            )
        )
    first = 1
    for place in PRESENT.places:
        out.append(
            Unit(
                PRESENT.code,
                place.key,
                PRESENT.number,
                first,
                place.practices,
                place.registered,
                place.age_tilt,
                TODAY,
                {
                    "ccg": (place.ccg[0], CCG_OPENED, CCG_CLOSED),
                    "icb": (place.code, ICB_OPENED, None),
                },
            )
        )
        first += place.practices
    return out


def build_practices(b: Build) -> None:
    """Generate the practices, their lists and registers, then load them as published files.

    Everything is generated first, then written as an ODS practice file per commissioner era,
    quinary-age GP registration files, QOF prevalence files and an ODS ePCN file, and loaded
    through the published-format importers (:mod:`commissioning.demo.published`).
    """
    out = published.Published(snapshots={"pct": [], "ccg": [], "icb": []})
    codes: dict[str, list[str]] = {}
    successors: dict[str, str] = {}
    for unit in units():
        made, heirs = _unit(b, unit, out)
        codes.setdefault(unit.community, []).extend(made)
        successors.update(heirs)
    out.pcn_members = _pcn_members(codes[PRESENT.code])
    published.load(out)
    _mark_synthetic(b, codes, successors)


def _unit(b: Build, unit: Unit, out: published.Published) -> tuple[list[str], dict[str, str]]:
    era = unit.era
    years = era.register_years
    dm_rates = {y: rates.diabetes_rates(y) for y in years}
    stroke = {y: rates.stroke_rates(y) for y in years}
    dem_rates = rates.dementia_expected_rates()
    if era is TODAY:
        dem_rates = dem_rates * CFAS_SCALE
    row = published.PracticeRow
    rng = b.rng(f"practices:{unit.key}")
    b.dementia_rate[unit.key] = dementia_path(unit.key, b.rng(f"dementia:{unit.key}"), era)
    sizes = rng.lognormal(0, 0.45, unit.count)
    sizes = np.maximum(1200, np.round(sizes / sizes.sum() * unit.registered)).astype(int)
    numbers = list(range(unit.first, unit.first + unit.count))
    codes = [practice_code(unit.number, i) for i in numbers]
    closing = next(
        (c for c in CLOSINGS if c[0] == unit.community and c[1] in numbers and c[2] in numbers),
        None,
    )
    heirs = {}
    if closing:
        heirs[practice_code(unit.number, closing[1])] = practice_code(unit.number, closing[2])
    totals = {y: {"registered": 0, "diabetes": 0, "dementia": 0.0} for y in years}
    for j, (i, code) in enumerate(zip(numbers, codes, strict=True)):
        name = f"{_NAMES[(i * 7 + unit.number) % len(_NAMES)]} {_SUFFIXES[i % 4]}"
        if i > len(_NAMES):
            name = f"{name} {i // len(_NAMES) + 1}"
        ends = closing[3] if closing and i == closing[1] else None
        for label, (parent, joined, left) in unit.parents.items():
            if ends and joined and ends < joined:  # closed before this era of commissioners
                last = next(iter(unit.parents.values()))[0]
                out.snapshots[label].append(row(code, name, last, None, ends, ends))
            elif ends and (left is None or ends <= left):
                out.snapshots[label].append(row(code, name, parent, joined, ends, ends))
            else:
                out.snapshots[label].append(row(code, name, parent, joined, left))
        special = OUTLIERS.get((unit.community, i), {})
        tilt = special.get("tilt", unit.age_tilt + rng.normal(0, 0.18))
        shares = rates.age_structure(tilt).ravel()
        growth = rng.normal(0.006, 0.008)
        factor = {
            "diabetes": special.get("diabetes", rng.lognormal(0, 0.15)),
            "dementia": special.get("dementia", rng.lognormal(0, 0.22)),
            "stroke": special.get("stroke", rng.lognormal(0, 0.15)),
        }
        middle = years[len(years) // 2]
        for y in years:
            size = sizes[j] * (1 + growth) ** (y - middle)
            if closing and i == closing[2] and D(y, 1, 1) > closing[3]:
                size += sizes[numbers.index(closing[1])]
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
            dx = b.dementia_rate[unit.key][era.month_index(D(y, 3, 1))]
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
    mine = {
        "registered": {y: t["registered"] for y, t in totals.items()},
        "diabetes": {y: t["diabetes"] for y, t in totals.items()},
        "dementia_expected": {y: t["dementia"] for y, t in totals.items()},
    }
    if unit.key == unit.community:
        b.registered[unit.key] = mine["registered"]
        b.diabetes[unit.key] = mine["diabetes"]
        b.dementia_expected[unit.key] = mine["dementia_expected"]
    else:
        b.places[unit.key] = mine
        for name, store in (
            ("registered", b.registered),
            ("diabetes", b.diabetes),
            ("dementia_expected", b.dementia_expected),
        ):
            whole = store.setdefault(unit.community, {})
            for y, v in mine[name].items():
                whole[y] = whole.get(y, 0) + v
    return codes, heirs


def _pcn_members(codes: list[str]) -> list[published.PcnMember]:
    """Each place's practices shared, in code order, over its three primary care networks."""
    out = []
    start = 0
    n = 0
    for place in PRESENT.places:
        mine = codes[start : start + place.practices]
        start += place.practices
        cuts = [round(len(mine) * k / len(place.pcns)) for k in range(len(place.pcns) + 1)]
        for k, pcn in enumerate(place.pcns):
            n += 1
            for code in mine[cuts[k] : cuts[k + 1]]:
                out.append(published.PcnMember(code, pcn_code(n), pcn, place.code, D(2019, 7, 1)))
    return out


def _mark_synthetic(b: Build, codes: dict[str, list[str]], successors: dict[str, str]) -> None:
    """What the importers loaded is the demo's: flagged synthetic, successors, community members.

    The ODS practice file does not say who took over a closed practice, so the demo records it;
    nor does the ePCN file say which place a network belongs to (its commissioner does, by code).
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
    made = [by_code[c] for c in codes[PRESENT.code]]
    b.practices[PRESENT.code] = made
    pcns = list(Organisation.objects.filter(kind="pcn", ods_code__startswith="U94"))
    Organisation.objects.filter(pk__in=[p.pk for p in pcns]).update(synthetic=True)
    links = []
    n = 0
    by_pcn = {p.ods_code: p for p in pcns}
    for place in PRESENT.places:
        for _ in place.pcns:
            n += 1
            pcn = by_pcn[pcn_code(n)]
            b.orgs[f"{PRESENT.code}:pcn:{n}"] = pcn
            links.append(
                OrganisationLink(
                    child=pcn,
                    parent=b.orgs[f"{PRESENT.code}:place:{place.key}"],
                    relationship=Relationship.PART_OF,
                    valid_from=ICB_OPENED,
                )
            )
    OrganisationLink.objects.bulk_create(links)
    b.communities[PRESENT.code].members.add(*made, *pcns)


def yearly(values: dict[int, float], month: dt.date) -> float:
    """A by-year-ending-March figure interpolated to a month (held flat at the ends)."""
    years = sorted(values)
    x = month.year + (month.month - 3) / 12.0
    return float(np.interp(x, years, [values[y] for y in years]))
