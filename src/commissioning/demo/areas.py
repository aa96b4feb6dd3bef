"""Registers by age band and sex, synthetic comparator areas, and stored peer groups.

Three things the needs pages need that the three communities alone cannot give:

- **registers by age band and sex** for every practice and year, consistent with the all-age
  registers :mod:`commissioning.demo.practices` made: each practice's register is shared out
  over its age bands and sexes in proportion to its registered patients times the demo's
  reference age-sex rates (:mod:`commissioning.demo.rates`), so the bands add up to the
  practice's register exactly (a multinomial draw from the build's seed, capped at the band's
  patients);
- **comparator areas**: twelve made-up sub-ICB areas ("Synthetic comparator area 01" ...), each
  with registered patients by age band and sex, all-age and age-sex registers for the three
  conditions, and a deprivation score and a rurality share, so that peer groups have real
  variables and enough areas to choose from;
- **deprivation and rurality** as observations of two shared indicators, ``AREA_IMD`` (Index of
  Multiple Deprivation average score) and ``AREA_RURAL`` (% of residents in rural areas), for the
  comparator areas and the three communities' commissioners (values loosely modelled on the real
  areas, but synthetic);

and then each community's peer group, chosen and stored as the needs page would choose it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from commissioning.demo import rates
from commissioning.demo.communities import PRESENT
from commissioning.demo.context import DEMO_TODAY, STUDY, TODAY, Build, Era
from commissioning.errors import UserError
from commissioning.needs.peers import choose_and_store_peers
from commissioning.store.models import (
    AgeSexRegister,
    ConditionRegister,
    Domain,
    Frequency,
    Indicator,
    Observation,
    Organisation,
    OrganisationKind,
    Polarity,
    PracticePopulation,
)

D = dt.date
SYNTHETIC_SOURCE = "Synthetic demo data"
N_COMPARATORS = 12
IMD_PERIOD = D(2010, 1, 1)  # the Index of Multiple Deprivation 2010
RURAL_PERIOD = D(2011, 1, 1)  # the 2011 Census rural-urban classification

# Share of the 15-19 band aged 17 or over: the diabetes register counts patients aged 17+.
_ADULT_SHARE = rates._SHARE_17PLUS  # noqa: SLF001 - the demo's own definition, read only

AREA_INDICATORS = {
    "AREA_IMD": dict(
        name="Deprivation: Index of Multiple Deprivation average score",
        description="Population-weighted average IMD score of the area's neighbourhoods (higher "
        "is more deprived). Used to choose peer areas. Demo values are synthetic.",
        unit="score",
        numerator="IMD scores of the area's neighbourhoods (LSOAs), weighted by their residents",
        denominator="Residents of the area",
    ),
    "AREA_RURAL": dict(
        name="Rurality: residents living in rural areas",
        description="Share of residents in output areas classed rural (ONS rural-urban "
        "classification). Used to choose peer areas. Demo values are synthetic.",
        unit="%",
        numerator="Residents in rural output areas (demo: registered patients stand in for "
        "residents)",
        denominator="All residents (demo: registered patients in 2011)",
    ),
}
# (IMD score, % rural) for the three communities' commissioners: roughly the real areas around
# 2010 (Calderdale 23, Somerset 17, Wirral 27 on IMD 2010), made up to the nearest whole number.
COMMUNITY_CONTEXT = {"calderdale": (23.0, 13.0), "somerset": (17.0, 48.0), "wirral": (27.0, 4.0)}
# The made-up present-day community: IMD 2019 average score and % rural (synthetic).
PRESENT_CONTEXT = (24.5, 27.0)
IMD_2019_PERIOD = D(2019, 1, 1)  # the English Indices of Deprivation 2019


def comparator_code(i: int) -> str:
    return f"Y9C{i:02d}"


def condition_weights(slug: str, year_end: int) -> np.ndarray:
    """Relative chance of being on the register by sex and band (2 x 19) in the demo's rates."""
    if slug == "diabetes":
        return rates.diabetes_rates(year_end) * _ADULT_SHARE
    if slug == "dementia":
        return rates.dementia_expected_rates()
    if slug == "stroke-tia":
        return rates.stroke_rates(year_end)
    raise ValueError(f"no demo rates for {slug}")


def split_register(
    total: int, population: np.ndarray, weights: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Share ``total`` people out over cells (e.g. 2 x 19 sex-band cells) in proportion to
    ``population × weights``, never giving a cell more people than it has patients.

    The cells add up to ``total`` exactly (``total`` may not exceed the population)."""
    population = np.asarray(population, dtype=np.int64)
    shape = population.shape
    pop = population.ravel()
    total = int(total)
    if total > pop.sum():
        raise ValueError(f"a register of {total} is more than the {pop.sum()} patients")
    p = pop * np.asarray(weights, dtype=float).ravel()
    if p.sum() <= 0:
        p = pop.astype(float)
    counts = rng.multinomial(total, p / p.sum()) if total else np.zeros(len(pop), dtype=np.int64)
    while (counts > pop).any():
        excess = int(np.maximum(counts - pop, 0).sum())
        counts = np.minimum(counts, pop)
        room = (pop - counts).astype(float)
        likely = room * (p > 0)
        room = likely if likely.sum() > 0 else room
        counts = counts + rng.multinomial(excess, room / room.sum())
    return counts.reshape(shape)


def build_areas(b: Build) -> None:
    """Age-sex registers for the practices, the comparator areas, their context, and peers, for
    the study's communities (the present-day community's come with :func:`build_areas_today`)."""
    _practice_age_sex_registers(b)
    comparators = _comparators(b)
    _comparator_data(b, comparators, STUDY)
    _context(b, comparators, STUDY)
    _peer_groups(b, [code for code in COMMUNITY_CONTEXT if code in b.communities], D(2013, 4, 1))
    b.orgs["comparators"] = comparators


def build_areas_today(b: Build) -> None:
    """The comparator areas' lists and registers for 2022-2026, deprivation (IMD 2019) and
    rurality for them and the present-day community, and its peers."""
    comparators = b.orgs["comparators"]
    _comparator_data(b, comparators, TODAY)
    _context(b, comparators, TODAY)
    _peer_groups(b, [PRESENT.code], DEMO_TODAY)


# ------------------------------------------------------------------ practices' age-sex registers


def _practice_age_sex_registers(b: Build) -> None:
    practices = [p for made in b.practices.values() for p in made]
    ids = [p.pk for p in practices]
    band_of = {band: i for i, band in enumerate(rates.AGE_BANDS)}
    sex_of = {s: i for i, s in enumerate(rates.SEXES)}
    pops: dict[tuple[int, dt.date], np.ndarray] = {}
    for org, date, band, sex, count in PracticePopulation.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "date", "age_band", "sex", "count"):
        cells = pops.setdefault((org, date), np.zeros((2, 19), dtype=np.int64))
        cells[sex_of[sex], band_of[band]] = count
    slugs = {c.pk: slug for slug, c in b.conditions.items()}
    rows = ConditionRegister.objects.filter(organisation_id__in=ids).order_by(
        "organisation_id", "condition_id", "period_end"
    )
    made = []
    rng = b.rng("areas:age-sex registers")
    for reg in rows.values("organisation_id", "condition_id", "period_end", "register_size"):
        year = reg["period_end"].year
        population = pops.get((reg["organisation_id"], D(year, 1, 1)))
        if population is None:
            continue
        weights = condition_weights(slugs[reg["condition_id"]], year)
        counts = split_register(reg["register_size"], population, weights, rng)
        made += _age_sex_rows(
            reg["organisation_id"], reg["condition_id"], reg["period_end"], counts
        )
    AgeSexRegister.objects.bulk_create(made, batch_size=5000)


def _age_sex_rows(org_id, condition_id, period_end, counts) -> list[AgeSexRegister]:
    """One row per band and sex with anyone on the register (empty cells are left out)."""
    return [
        AgeSexRegister(
            organisation_id=org_id,
            condition_id=condition_id,
            period_end=period_end,
            age_band=band,
            sex=sex,
            register_size=int(counts[s, i]),
        )
        for s, sex in enumerate(rates.SEXES)
        for i, band in enumerate(rates.AGE_BANDS)
        if counts[s, i] > 0
    ]


# ------------------------------------------------------------------------ comparator areas


@dataclass
class Comparator:
    org: Organisation
    tilt: float
    rural: float
    imd: float
    size: float
    growth: float
    recording: dict
    residents: int = 0


def _comparators(b: Build) -> list[Comparator]:
    """Twelve synthetic sub-ICB areas, each with its own age structure, deprivation, rurality,
    size and recording habits (lists and registers come from :func:`_comparator_data`)."""
    codes = [comparator_code(i) for i in range(1, N_COMPARATORS + 1)]
    real = Organisation.objects.filter(ods_code__in=codes, synthetic=False)
    if real.exists():
        raise UserError(
            "this database holds real organisations with codes the demo uses "
            f"({', '.join(real.values_list('ods_code', flat=True)[:5])}); choose another "
            "database with --db"
        )
    rng = b.rng("areas:comparators")
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                ods_code=code,
                name=f"Synthetic comparator area {i:02d}",
                kind=OrganisationKind.SUB_ICB,
                synthetic=True,
            )
            for i, code in enumerate(codes, start=1)
        ]
    )
    out = []
    for org in orgs:
        # An older area tends to be more rural and less deprived, with plenty of exceptions.
        tilt = float(rng.uniform(-0.3, 0.45))
        rural = float(np.clip(20 + 70 * tilt + rng.normal(0, 14), 0, 85))
        imd = float(np.clip(24 - 14 * tilt + rng.normal(0, 6), 8, 45))
        size = float(rng.uniform(150_000, 550_000))
        growth = float(rng.normal(0.005, 0.004))
        recording = {
            "diabetes": rng.lognormal(0.04 * (imd - 22) / 10, 0.06),  # more with deprivation
            "dementia": float(rng.uniform(0.38, 0.55)),  # diagnosis rate in the study's years
            "stroke-tia": rng.lognormal(0, 0.06),
        }
        out.append(Comparator(org, tilt, round(rural, 1), round(imd, 1), size, growth, recording))
    return out


def _comparator_data(b: Build, comparators: list[Comparator], era: Era) -> None:
    """Lists by age band and sex, all-age and age-sex registers for the era's five years."""
    rng = b.rng(f"areas:comparators:{era.code}")
    years = era.register_years
    dm = {y: rates.diabetes_rates(y) for y in years}
    stroke = {y: rates.stroke_rates(y) for y in years}
    dementia = rates.dementia_expected_rates()
    middle = years[len(years) // 2]
    # Dementia diagnosis rose from about 40-50% to about 60-67% between the two eras.
    dx_gain = 1.0 if era is STUDY else 1.4
    populations, registers, age_sex = [], [], []
    for c in comparators:
        org = c.org
        shares = rates.age_structure(c.tilt).ravel()
        for y in years:
            total = int(c.size * (1 + c.growth) ** (y - 2011))  # size is the 2011 list
            counts = rng.multinomial(total, shares).reshape(2, 19)
            populations += [
                PracticePopulation(
                    organisation=org, date=D(y, 1, 1), age_band=band, sex=sex, count=int(n)
                )
                for s, sex in enumerate(rates.SEXES)
                for band, n in zip(rates.AGE_BANDS, counts[s], strict=True)
            ]
            everyone = int(counts.sum())
            if y == middle:
                c.residents = everyone
            adults = int(round(rates.aged_17_plus(counts)))
            for slug, mean, listed in (
                ("diabetes", (counts * dm[y]).sum() * c.recording["diabetes"], adults),
                (
                    "dementia",
                    (counts * dementia).sum() * c.recording["dementia"] * dx_gain,
                    everyone,
                ),
                ("stroke-tia", (counts * stroke[y]).sum() * c.recording["stroke-tia"], everyone),
            ):
                condition = b.conditions[slug]
                register = int(min(rng.poisson(mean), listed))
                registers.append(
                    ConditionRegister(
                        organisation=org,
                        condition=condition,
                        period_end=D(y, 3, 31),
                        register_size=register,
                        list_size=listed,
                    )
                )
                split = split_register(register, counts, condition_weights(slug, y), rng)
                age_sex += _age_sex_rows(org.pk, condition.pk, D(y, 3, 31), split)
    PracticePopulation.objects.bulk_create(populations, batch_size=5000)
    ConditionRegister.objects.bulk_create(registers, batch_size=5000)
    AgeSexRegister.objects.bulk_create(age_sex, batch_size=5000)


def _context(b: Build, comparators: list[Comparator], era: Era) -> None:
    """Deprivation and rurality observations for every area of the era.

    The study's areas get IMD 2010 and the 2011 Census rurality; today's get IMD 2019 (the
    comparator areas moved a little since) and the same rurality, which the 2021 Census barely
    changed for them.
    """
    indicators = {}
    for code, spec in AREA_INDICATORS.items():
        indicators[code], _ = Indicator.objects.update_or_create(
            code=code,
            defaults={
                **spec,
                "domain": Domain.OUTCOME,
                "polarity": Polarity.NEUTRAL,
                "frequency": Frequency.ANNUAL,
                "source": SYNTHETIC_SOURCE,
                "patient_counts": False,
            },
        )
    rng = b.rng(f"areas:context:{era.code}")
    if era is STUDY:
        areas = [(c.org, c.imd, c.rural, c.residents) for c in comparators]
        areas += [
            (b.communities[code].commissioner, imd, rural, b.registered[code][2011])
            for code, (imd, rural) in COMMUNITY_CONTEXT.items()
            if code in b.communities
        ]
        imd_period, rural_period = IMD_PERIOD, RURAL_PERIOD
    else:
        areas = [
            (c.org, round(float(np.clip(c.imd + rng.normal(0, 1.5), 8, 45)), 1), None, 0)
            for c in comparators
        ]
        imd, rural = PRESENT_CONTEXT
        registered = b.registered[PRESENT.code][2024]
        areas.append((b.communities[PRESENT.code].commissioner, imd, rural, registered))
        imd_period, rural_period = IMD_2019_PERIOD, RURAL_PERIOD
    observations = []
    conditions = list(b.conditions.values())
    for indicator in indicators.values():
        indicator.conditions.set(conditions)  # context for the needs of every condition
    for org, imd, rural, residents in areas:
        observations.append(
            Observation(
                indicator=indicators["AREA_IMD"], organisation=org, period=imd_period, value=imd
            )
        )
        if rural is None:
            continue
        rural_residents = round(residents * rural / 100)
        observations.append(
            Observation(
                indicator=indicators["AREA_RURAL"],
                organisation=org,
                period=rural_period,
                value=round(100 * rural_residents / residents, 2),
                numerator=rural_residents,
                denominator=residents,
            )
        )
    Observation.objects.bulk_create(observations)


def _peer_groups(b: Build, codes: list[str], today: dt.date) -> None:
    """Each community's peer group, chosen and stored the way the needs page does."""
    for code in codes:
        choose_and_store_peers(b.communities[code], today=today)
