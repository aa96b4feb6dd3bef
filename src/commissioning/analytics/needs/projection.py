"""Projecting register size and prevalence from population projections.

The base year's age-sex prevalence rates of each unit (``cases / population`` in each band and
sex), or reference rates, are applied to the projected population of each later year:
``cases_y = Σ n_{y,i}·R_i·(1 + trend)^(y − base year)``. With no trend this isolates the effect
of the population's changing size and age structure ("demographic pressure"); a trend (e.g.
+0.02 for 2% a year) stands for changes in incidence, survival or case finding. Rates are
capped at 1.

Projections are only as good as the population projections (ONS subnational projections are
trend-based, not forecasts) and the assumption that age-sex rates hold; say so when using them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import (
    DataProblem,
    RateLookup,
    as_list,
    build_rate_lookup,
    lookup_rates,
    numeric,
    prepare_banded,
    require,
)
from commissioning.analytics.needs.standard_population import N_BANDS


def _unit_rate_table(base, keys) -> tuple[pd.DataFrame, np.ndarray]:
    """Per unit, an array (3 sexes × 19 bands) of the index of the base cell covering each band."""
    n = base.n_groups
    ids = np.full((n, 3, N_BANDS), -1, dtype=np.int64)
    span = base.last - base.first + 1
    cells = np.repeat(np.arange(len(base.first)), span)
    offsets = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    positions = base.first[cells] + offsets
    ids[base.group[cells], base.sex[cells], positions] = cells
    # persons rates apply to males and females too
    persons = base.sex[cells] == 2
    for s in (0, 1):
        ids[base.group[cells[persons]], s, positions[persons]] = cells[persons]
    return base.keys, ids


def project_prevalence(
    base: pd.DataFrame,
    projections: pd.DataFrame,
    *,
    by: str | Sequence[str] = "unit",
    year: str = "year",
    age_band: str = "age_band",
    sex: str | None = "sex",
    population: str = "population",
    cases: str = "cases",
    base_year: int | None = None,
    annual_trend: float = 0.0,
    reference: pd.DataFrame | None = None,
    ref_rate: str = "rate",
    ref_per: float = 1.0,
    per: float = 100.0,
) -> pd.DataFrame:
    """Projected cases and prevalence for each unit and projection year.

    ``base`` has the unit keys, age band, sex, population and cases of the base year (its rates
    are used unless ``reference`` is given; with ``reference``, ``base`` may be None).
    ``projections`` has the unit keys, ``year``, age band, sex and projected population. Each
    projected band must lie within one band of the rates. ``base_year`` (needed for a trend)
    defaults to the first projection year.

    Returns the keys, ``year``, ``population``, ``cases`` (projected) and ``prevalence`` (per
    ``per``, % by default).
    """
    keys = as_list(by)
    require(projections, [*keys, year, age_band, population] + ([sex] if sex else []))
    years = numeric(projections, year, minimum=None)
    if (years % 1 != 0).any():
        rows = np.nonzero(years % 1 != 0)[0]
        raise DataProblem("expected a whole year such as 2030", column=year, rows=rows[:20])
    proj = projections.copy()
    proj["_year"] = years.astype(np.int64)
    p = prepare_banded(
        proj,
        by=[*keys, "_year"],
        age_band=age_band,
        sex=sex,
        population=population,
        cases=None,
    )
    if reference is not None:
        lookup: RateLookup = build_rate_lookup(
            reference,
            age_band=age_band if age_band in reference.columns else "age_band",
            sex=sex if (sex and sex in reference.columns) else None,
            rate=ref_rate,
            per=ref_per,
        )
        rates = lookup_rates(p, lookup, age_band, sex)
    else:
        if base is None:
            raise DataProblem("give a base-year table or reference rates")
        b = prepare_banded(
            base, by=keys, age_band=age_band, sex=sex, population=population, cases=cases
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            base_rate = np.where(b.population > 0, b.cases / b.population, 0.0)
        unit_keys, ids = _unit_rate_table(b, keys)
        # match each projection unit to a base unit
        proj_units = p.keys[keys] if keys else pd.DataFrame(index=range(len(p.keys)))
        if keys:
            lookup_index = pd.MultiIndex.from_frame(unit_keys[keys])
            unit_of = lookup_index.get_indexer(pd.MultiIndex.from_frame(proj_units))
        else:
            unit_of = np.zeros(len(p.keys), dtype=np.int64)
        cell_unit = unit_of[p.group]
        no_unit = cell_unit < 0
        if no_unit.any():
            raise DataProblem(
                "this unit is not in the base-year table", column=keys[0], rows=p.rows_for(no_unit)
            )
        id_first = ids[cell_unit, p.sex, p.first]
        id_last = ids[cell_unit, p.sex, p.last]
        missing = id_first < 0
        if missing.any():
            raise DataProblem(
                "the base year has no rate for this unit, age band and sex",
                column=age_band,
                rows=p.rows_for(missing),
            )
        if (id_first != id_last).any():
            raise DataProblem(
                "this age band is wider than the base year's bands, so no single rate applies",
                column=age_band,
                rows=p.rows_for(id_first != id_last),
            )
        rates = base_rate[id_first]
    cell_year = p.keys["_year"].to_numpy()[p.group]
    first_year = int(cell_year.min()) if len(cell_year) else 0
    start = first_year if base_year is None else int(base_year)
    growth = (1 + annual_trend) ** (cell_year - start)
    rates = np.minimum(rates * growth, 1.0)
    n = p.n_groups
    out = p.keys.rename(columns={"_year": year}).copy()
    out["population"] = np.bincount(p.group, p.population, n)
    out["cases"] = np.bincount(p.group, p.population * rates, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["prevalence"] = np.where(
            out["population"] > 0, out["cases"] / out["population"] * per, np.nan
        )
    return out
