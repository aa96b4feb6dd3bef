"""Indicators for the developments and five years of monthly synthetic observations.

Series run April 2008 to March 2013 (60 months) for each community's commissioner (the PCT) or
for one service. Counts are drawn from Poisson or binomial distributions around a level that
drifts, has winter peaks where admissions do, and changes (level and ramp) some months after the
development that should move it went live, so impact evaluation has a real effect to find.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from commissioning.demo.context import MONTHS, Build, month_index
from commissioning.demo.practices import yearly
from commissioning.errors import UserError
from commissioning.store.models import Indicator, Observation

D = dt.date
N = len(MONTHS)
T = np.arange(N)
CALENDAR_MONTH = np.array([m.month for m in MONTHS])
# The indicators the demo has observations for. Their definitions come from the indicator
# library (src/commissioning/indicators/library/*.toml), which the demo loads whole, so that
# the library pages have every shipped definition; the observations below are synthetic.
# Magnitudes are described in docs/guide/demo.md.
CODES = (
    "DEM_DX",
    "MEM_WAIT",
    "MEM_REFERRALS",
    "DEM_ANTIPSY",
    "DM_8CP",
    "DM_HBA1C59",
    "DM_FOOT_DAYS",
    "DM_AMPUT",
    "STROKE_ESD",
    "STROKE_LOS",
    "ACSC_EMERG",
)


def build_indicators(b: Build) -> None:
    from commissioning.indicators import read_files
    from commissioning.indicators.load import load_library

    library = read_files()
    missing = sorted(set(CODES) - set(library.by_code()))
    if missing:  # a library edit must not leave the demo's series without a definition
        raise UserError(f"the indicator library no longer defines {', '.join(missing)}")
    load_library(library)
    for indicator in Indicator.objects.filter(code__in=CODES):
        b.indicators[indicator.code] = indicator


def ramp(start: dt.date, size: float, months: int) -> np.ndarray:
    """0 before ``start``, rising evenly to ``size`` over ``months`` months, then flat."""
    return size * np.clip((T - month_index(start) + 1) / months, 0, 1)


def winter(amplitude: float) -> np.ndarray:
    """A seasonal multiplier peaking in January."""
    return 1 + amplitude * np.cos(2 * np.pi * (CALENDAR_MONTH - 1) / 12)


# Per community: the level of each measure and any change after a development went live.
LEVELS = {
    "calderdale": {
        "wait": 14.0 + 0.01 * T + ramp(D(2011, 6, 1), -6.0, 6),
        "assessed": 40 + ramp(D(2011, 4, 1), 20, 6),
        "referrals": 45 + ramp(D(2011, 4, 1), 20, 6),
        "antipsy": 0.16 * np.exp(-0.012 * T) + ramp(D(2011, 6, 1), -0.03, 9),
        "care8": 0.55 + 0.0006 * T + ramp(D(2011, 4, 1), 0.06, 12),
        "hba1c": 0.60 + 0.0003 * T + ramp(D(2011, 4, 1), 0.025, 9),
        "foot_days": 16 + 0 * T,
        "foot_assessed": 60,
        "amput": 2.6 + 0 * T,
        "esd": 0.18 + 0 * T,
        "strokes": 35,
        "los": 21 - 0.02 * T,
        "acsc": 80.0,
    },
    "somerset": {
        "wait": 11.0 + 0.02 * T,
        "assessed": 90 + 0 * T,
        "referrals": 110 + 0.2 * T,
        "antipsy": 0.17 * np.exp(-0.012 * T),
        "care8": 0.56 + 0.0005 * T + ramp(D(2011, 10, 1), 0.08, 9),
        "hba1c": 0.60 + 0.0003 * T + ramp(D(2012, 1, 1), 0.04, 9),
        "foot_days": 19 + 0 * T,
        "foot_assessed": 140,
        "amput": 2.4 + 0 * T,
        "esd": 0.04 + ramp(D(2011, 1, 1), 0.27, 6),
        "strokes": 85,
        "los": 24 - 0.01 * T + ramp(D(2011, 3, 1), -5.0, 6),
        "acsc": 74.0,
    },
    "wirral": {
        "wait": 17.0 + ramp(D(2010, 12, 1), -10.5, 4),
        "assessed": 45 + ramp(D(2010, 10, 1), 40, 4),
        "referrals": 50 + ramp(D(2010, 10, 1), 45, 4),
        "antipsy": 0.16 * np.exp(-0.012 * T),
        "care8": 0.57 + 0.0004 * T,
        "hba1c": 0.61 + 0.0002 * T,
        "foot_days": 30 + ramp(D(2011, 10, 1), -21, 3),
        "foot_assessed": 90,
        "amput": 2.9 + ramp(D(2012, 3, 1), -0.7, 6),
        "esd": 0.22 + 0 * T,
        "strokes": 55,
        "los": 20 - 0.02 * T,
        "acsc": 90.0,
    },
}

# Targets shown on the charts: from the developments' objectives, or a regional ambition.
TARGETS = {
    ("calderdale", "DEM_DX"): 50.0,
    ("wirral", "DEM_DX"): 50.0,
    ("somerset", "DEM_DX"): 60.0,  # South West regional target for 2012/13
    ("calderdale", "MEM_WAIT"): 8.0,
    ("wirral", "MEM_WAIT"): 6.0,
    ("calderdale", "DEM_ANTIPSY"): 8.0,
    ("calderdale", "DM_8CP"): 65.0,
    ("somerset", "DM_8CP"): 66.0,
    ("somerset", "DM_HBA1C59"): 64.0,
    ("calderdale", "DM_AMPUT"): 2.2,
    ("somerset", "STROKE_ESD"): 30.0,
    ("somerset", "STROKE_LOS"): 19.0,
}


def build_observations(b: Build) -> None:
    rows: list[Observation] = []
    for code, levels in LEVELS.items():
        rng = b.rng(f"observations:{code}")
        pct = b.orgs[f"{code}:pct"]
        people = np.array([yearly(b.diabetes[code], m) for m in MONTHS])
        registered = np.array([yearly(b.registered[code], m) for m in MONTHS])
        expected = np.array([yearly(b.dementia_expected[code], m) for m in MONTHS])
        dx = b.dementia_rate[code]
        series: dict[str, tuple] = {}

        num = np.round(expected * dx)
        series["DEM_DX"] = (num, np.round(expected), None)

        assessed = rng.poisson(levels["assessed"])
        wait = np.maximum(1.0, levels["wait"] + rng.normal(0, 0.9, N))
        series["MEM_WAIT"] = (np.round(wait * assessed), assessed, None)
        series["MEM_REFERRALS"] = (rng.poisson(levels["referrals"]), None, None)

        register = num
        series["DEM_ANTIPSY"] = (
            rng.binomial(register.astype(int), np.clip(levels["antipsy"], 0.01, 1)),
            register,
            None,
        )
        dm = np.round(people).astype(int)
        common = rng.normal(0, 0.006, N)
        series["DM_8CP"] = (rng.binomial(dm, levels["care8"] + common), dm, None)
        series["DM_HBA1C59"] = (
            rng.binomial(dm, levels["hba1c"] + rng.normal(0, 0.004, N)),
            dm,
            None,
        )
        series["DM_AMPUT"] = (
            rng.poisson(dm * levels["amput"] / 12 / 1000),
            dm,
            lambda n, d: n * 12 / d * 1000,
        )
        strokes = rng.poisson(levels["strokes"] * winter(0.08))
        series["STROKE_ESD"] = (rng.binomial(strokes, levels["esd"]), strokes, None)
        los = levels["los"] + rng.normal(0, 15, N) / np.sqrt(np.maximum(strokes, 1))
        series["STROKE_LOS"] = (np.round(np.maximum(los, 3) * strokes), strokes, None)
        pop = np.round(registered)
        acsc_rate = levels["acsc"] * winter(0.15) * (1 + 0.001 * T) / 100_000
        series["ACSC_EMERG"] = (
            rng.poisson(pop * acsc_rate),
            pop,
            lambda n, d: n / d * 100_000,
        )

        for ind_code, (numerator, denominator, value_of) in series.items():
            rows.extend(
                _observations(
                    b.indicators[ind_code],
                    numerator,
                    denominator,
                    value_of,
                    TARGETS.get((code, ind_code)),
                    organisation=pct,
                )
            )
        # Podiatry waits belong to each community's diabetic podiatry service.
        foot_n = rng.poisson(levels["foot_assessed"], N)
        days = np.maximum(2.0, levels["foot_days"] + rng.normal(0, 1.6, N))
        rows.extend(
            _observations(
                b.indicators["DM_FOOT_DAYS"],
                np.round(days * foot_n),
                foot_n,
                None,
                None,
                service=b.services[f"{code}:podiatry"],
            )
        )
    Observation.objects.bulk_create(rows, batch_size=2000)


def _observations(indicator, numerator, denominator, value_of, target, **subject):
    unit = indicator.unit
    for i, month in enumerate(MONTHS):
        n = float(numerator[i])
        d = float(denominator[i]) if denominator is not None else None
        if value_of is not None:
            value = value_of(n, d)
        elif d is None:
            value = n
        elif unit == "%":
            value = n / d * 100 if d else None
        else:
            value = n / d if d else None
        yield Observation(
            indicator=indicator,
            period=month,
            value=None if value is None else round(value, 2),
            numerator=n,
            denominator=d,
            target=target,
            **subject,
        )
