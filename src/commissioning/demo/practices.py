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

from commissioning.demo import rates
from commissioning.demo.communities import AREAS, CCG_CLOSED, CCG_OPENED, ICB_OPENED, PCT_CLOSED
from commissioning.demo.context import MONTHS, REGISTER_YEARS, Build, month_index
from commissioning.store.models import (
    ConditionRegister,
    Organisation,
    OrganisationKind,
    OrganisationLink,
    PracticePopulation,
    Relationship,
)

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
    links: list[OrganisationLink] = []
    populations: list[PracticePopulation] = []
    registers: list[ConditionRegister] = []
    dm_rates = {y: rates.diabetes_rates(y) for y in REGISTER_YEARS}
    stroke = {y: rates.stroke_rates(y) for y in REGISTER_YEARS}
    dem_rates = rates.dementia_expected_rates()
    conditions = b.conditions
    for area in AREAS:
        rng = b.rng(f"practices:{area.code}")
        b.dementia_rate[area.code] = dementia_path(area.code, b.rng(f"dementia:{area.code}"))
        sizes = rng.lognormal(0, 0.45, area.practices)
        sizes = np.maximum(1200, np.round(sizes / sizes.sum() * area.registered)).astype(int)
        pct = b.orgs[f"{area.code}:pct"]
        ccg = b.orgs[f"{area.code}:ccg"]
        icb = b.orgs[f"{area.code}:icb"]
        made = []
        for i in range(1, area.practices + 1):
            name = f"{_NAMES[(i * 7 + area.number) % len(_NAMES)]} {_SUFFIXES[i % 4]}"
            if i > len(_NAMES):
                name = f"{name} {i // len(_NAMES) + 1}"
            made.append(
                Organisation(
                    ods_code=practice_code(area.number, i),
                    name=name,
                    kind=OrganisationKind.GP_PRACTICE,
                    synthetic=True,
                )
            )
        closing = CLOSING if CLOSING[0] == area.code else None
        if closing:
            made[closing[1] - 1].valid_to = closing[3]
        made = Organisation.objects.bulk_create(made)
        if closing:
            gone, heir = made[closing[1] - 1], made[closing[2] - 1]
            gone.successor = heir
            gone.save(update_fields=["successor"])
        b.practices[area.code] = made
        b.communities[area.code].members.add(*made, b.orgs[f"{area.code}:ccg"])
        totals = {y: {"registered": 0, "diabetes": 0, "dementia": 0.0} for y in REGISTER_YEARS}
        for i, practice in enumerate(made, start=1):
            ends = practice.valid_to
            links.append(_link(practice, pct, None, ends or PCT_CLOSED))
            if not ends:
                links.append(_link(practice, ccg, CCG_OPENED, CCG_CLOSED))
                links.append(_link(practice, icb, ICB_OPENED, None))
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
                for s, sex in enumerate(rates.SEXES):
                    for band, n in zip(rates.AGE_BANDS, counts[s], strict=True):
                        populations.append(
                            PracticePopulation(
                                organisation=practice,
                                date=extract,
                                age_band=band,
                                sex=sex,
                                count=int(n),
                            )
                        )
                everyone = int(counts.sum())
                adults = int(round(rates.aged_17_plus(counts)))
                noise = rng.lognormal(0, 0.03, 3)
                expected_dm = (counts * dm_rates[y]).sum() * factor["diabetes"] * noise[0]
                expected_dem = float((counts * dem_rates).sum())
                dx = b.dementia_rate[area.code][month_index(D(y, 3, 1))]
                dem = expected_dem * dx * factor["dementia"] * noise[1]
                strk = (counts * stroke[y]).sum() * factor["stroke"] * noise[2]
                period_end = D(y, 3, 31)
                for slug, mean, listed in (
                    ("diabetes", expected_dm, adults),
                    ("dementia", dem, everyone),
                    ("stroke-tia", strk, everyone),
                ):
                    registers.append(
                        ConditionRegister(
                            organisation=practice,
                            condition=conditions[slug],
                            period_end=period_end,
                            register_size=int(min(rng.poisson(mean), listed)),
                            list_size=listed,
                        )
                    )
                t = totals[y]
                t["registered"] += everyone
                t["diabetes"] += registers[-3].register_size
                t["dementia"] += expected_dem
        b.registered[area.code] = {y: t["registered"] for y, t in totals.items()}
        b.diabetes[area.code] = {y: t["diabetes"] for y, t in totals.items()}
        b.dementia_expected[area.code] = {y: t["dementia"] for y, t in totals.items()}
    OrganisationLink.objects.bulk_create(links)
    PracticePopulation.objects.bulk_create(populations, batch_size=5000)
    ConditionRegister.objects.bulk_create(registers, batch_size=5000)


def _link(child, parent, start, end) -> OrganisationLink:
    return OrganisationLink(
        child=child,
        parent=parent,
        relationship=Relationship.COMMISSIONED_BY,
        valid_from=start,
        valid_to=end,
    )


def yearly(values: dict[int, float], month: dt.date) -> float:
    """A by-year-ending-March figure interpolated to a month (held flat at the ends)."""
    years = sorted(values)
    x = month.year + (month.month - 3) / 12.0
    return float(np.interp(x, years, [values[y] for y in years]))
