"""Indicators for the developments, contracts and patients' experience, and five years of
synthetic observations in each era.

**The study's communities** (April 2008 to March 2013) are measured with the definitions of their
time (the library's ``PCT_`` indicators): a dementia diagnosis rate of all ages against the
Dementia UK (2007) estimate, an annual National Diabetes Audit, GP Patient Survey items of
2011-12 and 2012-13, and contract quality measures of the period (stroke unit stays, 18 weeks,
the seven-day follow-up, NI 135). Monthly series are for the PCT or for one service. **The
present-day community** (April 2021 to March 2026) is measured with today's definitions: the
dementia diagnosis rate of people aged 65 and over for the ICB and each place, care processes,
SSNAP stroke measures, 18-week waits, the 72-hour follow-up, Better Care Fund metrics, GP
Patient Survey items by place, and QOF achievement by practice (DM012, DM020, DEM004, STIA007,
loaded from QOF achievement files).

Counts are drawn from Poisson or binomial distributions around a level that drifts, has winter
peaks where admissions do, and changes (level and ramp) some months after the development that
should move it went live, so impact evaluation has a real effect to find. Every contract has at
least one quality measure on one of its services (the study's community services contracts have
the podiatry wait), so every contract's monitoring page has charts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from commissioning.demo import published
from commissioning.demo.communities import PRESENT
from commissioning.demo.context import STUDY, TODAY, Build, Era
from commissioning.demo.practices import yearly
from commissioning.errors import UserError
from commissioning.store.models import Indicator, Observation

D = dt.date
N = 60
T = np.arange(N)

# The indicators the demo has observations for. Their definitions come from the indicator
# library (src/commissioning/indicators/library/*.toml), which the demo loads whole, so that
# the library pages have every shipped definition; the observations below are synthetic.
# Magnitudes are described in docs/guide/demo.md.
STUDY_CODES = (
    "PCT_DEM_DX",
    "PCT_MEM_WAIT",
    "MEM_REFERRALS",
    "PCT_DEM_ANTIPSY",
    "PCT_NDA_8CP",
    "DM_HBA1C59",
    "PCT_DM_FOOT_DAYS",
    "PCT_DM_AMPUT",
    "PCT_STROKE_ESD",
    "PCT_STROKE_LOS",
    "PCT_ACSC_EMERG",
    "PCT_GPPS_LTC_SUPPORT",
    "PCT_GPPS_OVERALL_LTC",
    "PCT_STROKE_UNIT_90",
    "PCT_RTT_18W",
    "PCT_MEM_CAREPLAN",
    "PCT_CPA_7DAY",
    "PCT_DM_INT_SEEN",
    "PCT_ESD_24H",
    "PCT_VCS_CONTACT",
    "PCT_NI135",
)
TODAY_CODES = (
    "DEM_DX",
    "MEM_WAIT",
    "MEM_REFERRALS",
    "DEM_ANTIPSY",
    "DEM_CAREPLAN",
    "DM_8CP",
    "DM_FOOT_DAYS",
    "STROKE_ESD",
    "STROKE_LOS",
    "STROKE_UNIT_4H",
    "ACSC_EMERG",
    "RTT_18W_INCOMPLETE",
    "MH_72H_FOLLOWUP",
    "DM_EDU_ATTEND",
    "DM_COMM_SEEN_4W",
    "ISCS_SEEN_1D",
    "VCS_CONTACT_10D",
    "REABLE_91D",
    "CARERS_ASSESSED_28D",
    "GPPS_LTC_SUPPORT",
    "GPPS_OVERALL",
    "QOF_DM012",
    "QOF_DM020",
    "QOF_DEM004",
    "QOF_STIA007",
)
CODES = tuple(dict.fromkeys(STUDY_CODES + TODAY_CODES))


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


def ramp(start: dt.date, size: float, months: int, era: Era = STUDY) -> np.ndarray:
    """0 before ``start``, rising evenly to ``size`` over ``months`` months, then flat."""
    return size * np.clip((T - era.month_index(start) + 1) / months, 0, 1)


def winter(amplitude: float, era: Era = STUDY) -> np.ndarray:
    """A seasonal multiplier peaking in January."""
    calendar = np.array([m.month for m in era.months])
    return 1 + amplitude * np.cos(2 * np.pi * (calendar - 1) / 12)


# Per study community: the level of each measure and any change after a development went live.
LEVELS = {
    "calderdale": {
        "wait": 14.0 + 0.01 * T + ramp(D(2011, 6, 1), -6.0, 6),
        "assessed": 40 + ramp(D(2011, 4, 1), 20, 6),
        "referrals": 45 + ramp(D(2011, 4, 1), 20, 6),
        "antipsy": 0.16 * np.exp(-0.012 * T) + ramp(D(2011, 6, 1), -0.03, 9),
        "nda": [0.55, 0.56, 0.57, 0.61, 0.63],
        "hba1c": 0.60 + 0.0003 * T + ramp(D(2011, 4, 1), 0.025, 9),
        "foot_days": 16 + 0 * T,
        "foot_assessed": 60,
        "amput": 2.6 + 0 * T,
        "esd": 0.18 + 0 * T,
        "strokes": 35,
        "los": 21 - 0.02 * T,
        "acsc": 80.0,
        "gpps_support": [0.55, 0.56],
        "gpps_overall": [0.90, 0.91],
    },
    "somerset": {
        "wait": 11.0 + 0.02 * T,
        "assessed": 90 + 0 * T,
        "referrals": 110 + 0.2 * T,
        "antipsy": 0.17 * np.exp(-0.012 * T),
        "nda": [0.56, 0.57, 0.58, 0.60, 0.65],
        "hba1c": 0.60 + 0.0003 * T + ramp(D(2012, 1, 1), 0.04, 9),
        "foot_days": 19 + 0 * T,
        "foot_assessed": 140,
        "amput": 2.4 + 0 * T,
        "esd": 0.04 + ramp(D(2011, 4, 1), 0.27, 6),
        "strokes": 85,
        "los": 24 - 0.01 * T + ramp(D(2011, 6, 1), -5.0, 6),
        "acsc": 74.0,
        "gpps_support": [0.53, 0.53],
        "gpps_overall": [0.91, 0.90],
    },
    "wirral": {
        "wait": 17.0 + ramp(D(2010, 12, 1), -10.5, 4),
        "assessed": 45 + ramp(D(2010, 10, 1), 40, 4),
        "referrals": 50 + ramp(D(2010, 10, 1), 45, 4),
        "antipsy": 0.16 * np.exp(-0.012 * T),
        "nda": [0.57, 0.58, 0.59, 0.59, 0.60],
        "hba1c": 0.61 + 0.0002 * T,
        "foot_days": 30 + ramp(D(2011, 10, 1), -21, 3),
        "foot_assessed": 90,
        "amput": 2.9 + ramp(D(2012, 3, 1), -0.7, 6),
        "esd": 0.22 + 0 * T,
        "strokes": 55,
        "los": 20 - 0.02 * T,
        "acsc": 90.0,
        "gpps_support": [0.52, 0.54],
        "gpps_overall": [0.89, 0.89],
    },
}

# Targets shown on the charts: from the developments' objectives, or a regional ambition.
TARGETS = {
    ("calderdale", "PCT_DEM_DX"): 50.0,
    ("wirral", "PCT_DEM_DX"): 50.0,
    ("somerset", "PCT_DEM_DX"): 60.0,  # South West regional target for 2012/13
    ("calderdale", "PCT_MEM_WAIT"): 8.0,
    ("wirral", "PCT_MEM_WAIT"): 6.0,
    ("calderdale", "PCT_DEM_ANTIPSY"): 8.0,
    ("calderdale", "PCT_NDA_8CP"): 65.0,
    ("somerset", "PCT_NDA_8CP"): 66.0,
    ("somerset", "DM_HBA1C59"): 64.0,
    ("calderdale", "PCT_DM_AMPUT"): 2.2,
    ("somerset", "PCT_STROKE_ESD"): 30.0,
    ("somerset", "PCT_STROKE_LOS"): 19.0,
    ("mereshire", "DEM_DX"): 66.7,
    ("mereshire", "DM_8CP"): 55.0,
    ("mereshire", "STROKE_ESD"): 40.0,
    ("mereshire", "STROKE_LOS"): 11.0,
}

# Contract quality on services: service key -> [(indicator, kind, level, volume, target)].
# kind "p" is a proportion (level a share, volume patients a period), "m" a mean (level, volume
# patients a month); levels may be (before, after, from) for a change at a date.
QUALITY = {
    "calderdale": {
        "stroke_unit": [("PCT_STROKE_UNIT_90", "p", (0.66, 0.8, D(2010, 4, 1)), 30, 80.0)],
        "dm_clinic": [("PCT_RTT_18W", "p", 0.965, 70, 95.0)],
        "memory": [("PCT_MEM_CAREPLAN", "p", (0.62, 0.86, D(2009, 10, 1)), 22, 90.0)],
        "dementia_beds": [("PCT_CPA_7DAY", "p", 0.955, 14, 95.0)],
        "dementia_advisers": [("PCT_VCS_CONTACT", "p", 0.88, 45, 90.0)],
        "carers": [("PCT_NI135", "p", (0.22, 0.27, D(2010, 4, 1)), 420, 25.0)],
    },
    "somerset": {
        "stroke_unit": [("PCT_STROKE_UNIT_90", "p", (0.7, 0.82, D(2010, 4, 1)), 48, 80.0)],
        "stroke_unit2": [("PCT_STROKE_UNIT_90", "p", (0.61, 0.74, D(2010, 10, 1)), 32, 80.0)],
        "dm_clinic": [("PCT_RTT_18W", "p", 0.97, 90, 95.0)],
        "dm_clinic2": [("PCT_RTT_18W", "p", 0.945, 60, 95.0)],
        "dm_intermediate": [("PCT_DM_INT_SEEN", "p", (0.7, 0.9, D(2011, 12, 1)), 55, 90.0)],
        "esd": [("PCT_ESD_24H", "p", 0.84, 24, 90.0)],
        "memory": [("PCT_MEM_CAREPLAN", "p", (0.7, 0.88, D(2009, 10, 1)), 38, 90.0)],
        "dementia_beds": [("PCT_CPA_7DAY", "p", 0.965, 18, 95.0)],
        "stroke_clubs": [("PCT_VCS_CONTACT", "p", 0.8, 40, 90.0)],
        "dementia_home": [("PCT_NI135", "p", 0.24, 700, 25.0)],
    },
    "wirral": {
        "stroke_unit": [("PCT_STROKE_UNIT_90", "p", (0.58, 0.77, D(2010, 4, 1)), 42, 80.0)],
        "dm_clinic": [("PCT_RTT_18W", "p", 0.955, 75, 95.0)],
        "memory_clinic": [("PCT_MEM_CAREPLAN", "p", 0.45, 14, 90.0)],
        "memory": [("PCT_MEM_CAREPLAN", "p", (0.78, 0.9, D(2011, 4, 1)), 30, 90.0)],
        "dementia_beds": [("PCT_CPA_7DAY", "p", 0.95, 16, 95.0)],
        "dementia_support": [("PCT_VCS_CONTACT", "p", 0.9, 36, 90.0)],
        "carers": [("PCT_NI135", "p", 0.21, 520, 25.0)],
    },
    "mereshire": {
        "stroke_unit": [("STROKE_UNIT_4H", "p", (0.42, 0.55, D(2023, 10, 1)), 330, 75.0)],
        "stroke_out": [("STROKE_UNIT_4H", "p", 0.5, 120, 75.0)],
        "dm_clinic": [("RTT_18W_INCOMPLETE", "p", (0.62, 0.7, D(2023, 4, 1)), 900, 92.0)],
        "dm_community": [("DM_COMM_SEEN_4W", "p", (0.64, 0.82, D(2023, 4, 1)), 120, 85.0)],
        "podiatry": [("DM_FOOT_DAYS", "m", 12.0, 160, None)],
        "dm_education": [("DM_EDU_ATTEND", "p", (0.18, 0.27, D(2023, 7, 1)), 520, 30.0)],
        "enhanced_dm": [("DM_8CP", "p", (0.45, 0.58, D(2023, 10, 1)), 12_000, 55.0)],
        "memory": [("DEM_CAREPLAN", "p", (0.7, 0.83, D(2023, 10, 1)), 140, 85.0)],
        "dementia_beds": [("MH_72H_FOLLOWUP", "p", (0.74, 0.84, D(2022, 4, 1)), 22, 80.0)],
        "dementia_advisers": [("VCS_CONTACT_10D", "p", 0.86, 210, 90.0)],
        "iscs": [("ISCS_SEEN_1D", "p", (0.72, 0.86, D(2024, 4, 1)), 70, 85.0)],
        "carers": [("CARERS_ASSESSED_28D", "p", 0.64, 260, 75.0)],
        "reablement": [("REABLE_91D", "p", 0.81, 310, 82.0)],
    },
}
QUARTERLY = {"PCT_VCS_CONTACT", "PCT_NI135", "STROKE_UNIT_4H", "DM_EDU_ATTEND",
             "VCS_CONTACT_10D", "REABLE_91D", "CARERS_ASSESSED_28D"}  # fmt: skip


def build_observations(b: Build) -> None:
    """The study communities' series, and every contract's quality measures."""
    rows: list[Observation] = []
    for code, levels in LEVELS.items():
        rows += _study_series(b, code, levels)
    for code in QUALITY:
        rows += _quality(b, code)
    rows += _today_series(b)
    Observation.objects.bulk_create(rows, batch_size=2000)
    _qof_achievement(b)


def _study_series(b: Build, code: str, levels: dict) -> list[Observation]:
    rng = b.rng(f"observations:{code}")
    era = STUDY
    months = era.months
    pct = b.orgs[f"{code}:pct"]
    people = np.array([yearly(b.diabetes[code], m) for m in months])
    registered = np.array([yearly(b.registered[code], m) for m in months])
    expected = np.array([yearly(b.dementia_expected[code], m) for m in months])
    dx = b.dementia_rate[code]
    series: dict[str, tuple] = {}

    num = np.round(expected * dx)
    series["PCT_DEM_DX"] = (num, np.round(expected), None)

    assessed = rng.poisson(levels["assessed"])
    wait = np.maximum(1.0, levels["wait"] + rng.normal(0, 0.9, N))
    series["PCT_MEM_WAIT"] = (np.round(wait * assessed), assessed, None)
    series["MEM_REFERRALS"] = (rng.poisson(levels["referrals"]), None, None)

    register = num
    series["PCT_DEM_ANTIPSY"] = (
        rng.binomial(register.astype(int), np.clip(levels["antipsy"], 0.01, 1)),
        register,
        None,
    )
    dm = np.round(people).astype(int)
    series["DM_HBA1C59"] = (
        rng.binomial(dm, levels["hba1c"] + rng.normal(0, 0.004, N)),
        dm,
        None,
    )
    series["PCT_DM_AMPUT"] = (
        rng.poisson(dm * levels["amput"] / 12 / 1000),
        dm,
        lambda n, d: n * 12 / d * 1000,
    )
    strokes = rng.poisson(levels["strokes"] * winter(0.08))
    series["PCT_STROKE_ESD"] = (rng.binomial(strokes, levels["esd"]), strokes, None)
    los = levels["los"] + rng.normal(0, 15, N) / np.sqrt(np.maximum(strokes, 1))
    series["PCT_STROKE_LOS"] = (np.round(np.maximum(los, 3) * strokes), strokes, None)
    pop = np.round(registered)
    acsc_rate = levels["acsc"] * winter(0.15) * (1 + 0.001 * T) / 100_000
    series["PCT_ACSC_EMERG"] = (rng.poisson(pop * acsc_rate), pop, lambda n, d: n / d * 100_000)

    rows = []
    for ind_code, (numerator, denominator, value_of) in series.items():
        rows.extend(
            _observations(
                b.indicators[ind_code],
                months,
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
            b.indicators["PCT_DM_FOOT_DAYS"],
            months,
            np.round(days * foot_n),
            foot_n,
            None,
            None,
            service=b.services[f"{code}:podiatry"],
        )
    )
    # The National Diabetes Audit, once a year (the audit year's first day).
    audit = [D(y, 4, 1) for y in era.financial_years]
    in_audit = np.array([int(yearly(b.diabetes[code], D(y + 1, 3, 1)) * 0.9) for y in
                         era.financial_years])  # fmt: skip
    rows.extend(
        _observations(
            b.indicators["PCT_NDA_8CP"],
            audit,
            rng.binomial(in_audit, levels["nda"]),
            in_audit,
            None,
            TARGETS.get((code, "PCT_NDA_8CP")),
            organisation=pct,
        )
    )
    # The GP Patient Survey's long-term condition items, 2011-12 and 2012-13.
    years = [D(2011, 4, 1), D(2012, 4, 1)]
    answered = rng.poisson(registered[-1] * 0.011, 2)  # about 1 in 90 patients, with a LTC
    for ind_code, key in (("PCT_GPPS_LTC_SUPPORT", "gpps_support"),
                          ("PCT_GPPS_OVERALL_LTC", "gpps_overall")):  # fmt: skip
        rows.extend(
            _observations(
                b.indicators[ind_code],
                years,
                rng.binomial(answered, levels[key]),
                answered,
                None,
                None,
                organisation=pct,
            )
        )
    return rows


def _level(level, era: Era) -> np.ndarray:
    if isinstance(level, tuple):
        before, after, when = level
        return before + ramp(when, after - before, 6, era)
    return level + 0 * T


def _quality(b: Build, code: str) -> list[Observation]:
    """Every contract's quality measures, on its services, while each service runs."""
    era = TODAY if code == PRESENT.code else STUDY
    rng = b.rng(f"quality:{code}")
    rows = []
    for key, measures in QUALITY[code].items():
        service = b.services[f"{code}:{key}"]
        first = service.start_date or era.first_month
        last = service.end_date or era.last_day
        for ind_code, kind, level, volume, target in measures:
            level = _level(level, era)
            step = 3 if ind_code in QUARTERLY else 1
            keep = [
                i
                for i, m in enumerate(era.months)
                if i % step == 0
                and D(m.year, m.month, 1) >= D(first.year, first.month, 1)
                and m <= last
            ]
            months = [era.months[i] for i in keep]
            if kind == "p":
                n = rng.poisson(volume * step, len(keep))
                p = np.clip(level[keep] + rng.normal(0, 0.01, len(keep)), 0.01, 0.999)
                numerator, denominator = rng.binomial(n, p), n
            else:
                n = rng.poisson(volume, len(keep))
                days = np.maximum(2.0, level[keep] + rng.normal(0, 1.6, len(keep)))
                numerator, denominator = np.round(days * n), n
            rows.extend(
                _observations(
                    b.indicators[ind_code],
                    months,
                    numerator,
                    denominator,
                    None,
                    target,
                    service=service,
                )
            )
    return rows


def _today_series(b: Build) -> list[Observation]:
    """The present-day community's commissioner-level series (the ICB, and each place for the
    dementia diagnosis rate and the GP Patient Survey)."""
    era = TODAY
    code = PRESENT.code
    rng = b.rng("observations:today")
    months = era.months
    icb = b.orgs[f"{code}:icb"]
    rows: list[Observation] = []
    # Dementia diagnosis (aged 65 and over): each place, and the ICB as their sum. Before July
    # 2022 the figures are the CCGs', which the places carry on.
    num_total = np.zeros(N)
    exp_total = np.zeros(N)
    for place in PRESENT.places:
        expected = np.array([yearly(b.places[place.key]["dementia_expected"], m) for m in months])
        num = np.round(expected * b.dementia_rate[place.key])
        num_total += num
        exp_total += np.round(expected)
        rows.extend(
            _observations(
                b.indicators["DEM_DX"],
                months,
                num,
                np.round(expected),
                None,
                66.7,
                organisation=b.orgs[f"{code}:place:{place.key}"],
            )
        )
    rows.extend(
        _observations(
            b.indicators["DEM_DX"], months, num_total, exp_total, None, 66.7, organisation=icb
        )
    )
    people = np.array([yearly(b.diabetes[code], m) for m in months])
    registered = np.array([yearly(b.registered[code], m) for m in months])
    dm = np.round(people).astype(int)
    care8 = 0.38 + 0.0025 * T + ramp(D(2023, 7, 1), 0.07, 12, era)
    antipsy = 0.098 - 0.0001 * T
    strokes = rng.poisson(120 * winter(0.08, era))
    esd = 0.18 + ramp(D(2023, 11, 1), 0.21, 9, era)
    los = 14 - 0.005 * T + ramp(D(2023, 11, 1), -2.8, 9, era)
    memory = b.services[f"{code}:memory"]
    assessed = rng.poisson(140 + ramp(D(2023, 10, 1), 30, 6, era))
    wait = np.maximum(1.0, 16.0 + 0.02 * T + ramp(D(2023, 12, 1), -8.5, 9, era)
                      + rng.normal(0, 0.8, N))  # fmt: skip
    series = {
        "DM_8CP": (rng.binomial(dm, np.clip(care8 + rng.normal(0, 0.005, N), 0, 1)), dm, None),
        "DEM_ANTIPSY": (
            rng.binomial(num_total.astype(int), antipsy),
            num_total,
            None,
        ),
        "STROKE_ESD": (rng.binomial(strokes, esd), strokes, None),
        "STROKE_LOS": (
            np.round(np.maximum(los + rng.normal(0, 12, N) / np.sqrt(strokes), 3) * strokes),
            strokes,
            None,
        ),
        "ACSC_EMERG": (
            rng.poisson(np.round(registered) * 95 * winter(0.15, era) / 100_000),
            np.round(registered),
            lambda n, d: n / d * 100_000,
        ),
    }
    for ind_code, (numerator, denominator, value_of) in series.items():
        rows.extend(
            _observations(
                b.indicators[ind_code],
                months,
                numerator,
                denominator,
                value_of,
                TARGETS.get((code, ind_code)),
                organisation=icb,
            )
        )
    rows.extend(
        _observations(
            b.indicators["MEM_WAIT"],
            months,
            np.round(wait * assessed),
            assessed,
            None,
            8.0,
            service=memory,
        )
    )
    rows.extend(
        _observations(
            b.indicators["MEM_REFERRALS"],
            months,
            rng.poisson(175 + ramp(D(2023, 10, 1), 45, 6, era)),
            None,
            None,
            None,
            service=memory,
        )
    )
    # The GP Patient Survey by place: published each July (2021 to 2025).
    surveys = [D(y, 1, 1) for y in range(2021, 2026)]
    support = {"mereton": 0.37, "north": 0.35, "south": 0.38}
    overall = {"mereton": 0.70, "north": 0.77, "south": 0.74}
    for place in PRESENT.places:
        org = b.orgs[f"{code}:place:{place.key}"]
        answered = rng.poisson(place.registered * 0.012, len(surveys))
        trend = np.array([0.0, -0.01, -0.015, -0.01, 0.0])
        for ind_code, base in (("GPPS_LTC_SUPPORT", support), ("GPPS_OVERALL", overall)):
            rows.extend(
                _observations(
                    b.indicators[ind_code],
                    surveys,
                    rng.binomial(answered, np.clip(base[place.key] + trend, 0, 1)),
                    answered,
                    None,
                    None,
                    organisation=org,
                )
            )
    return rows


def _qof_achievement(b: Build) -> None:
    """QOF achievement by practice for 2021-22 to 2025-26, written as the published files and
    loaded through the QOF achievement importer (so they are stored as QOF_<code>)."""
    rng = b.rng("qof-achievement")
    # indicator -> (2021-22 level, yearly gain, register it is a share of)
    plan = {
        "DM012": (0.72, 0.025, "diabetes"),
        "DM020": (0.58, 0.01, "diabetes"),
        "DEM004": (0.45, 0.06, "dementia"),
        "STIA007": (0.86, 0.004, "stroke-tia"),
    }
    practices = b.practices[PRESENT.code]
    skill = {p.ods_code: rng.normal(0, 0.05) for p in practices}
    from commissioning.store.models import ConditionRegister

    registers = {
        (ods, slug, end.year): size
        for ods, slug, end, size in ConditionRegister.objects.filter(
            organisation__in=practices
        ).values_list("organisation__ods_code", "condition__slug", "period_end", "register_size")
    }
    by_year: dict[int, list] = {}
    for k, year in enumerate(TODAY.financial_years):
        rows = by_year.setdefault(year, [])
        for p in practices:
            for qof, (level, gain, slug) in plan.items():
                register = registers.get((p.ods_code, slug, year + 1))
                if not register:
                    continue
                share = float(np.clip(level + gain * min(k, 3) + skill[p.ods_code], 0.05, 0.99))
                denominator = int(register * rng.uniform(0.9, 0.98))
                numerator = int(rng.binomial(denominator, share))
                rows.append((p.ods_code, qof, "NUMERATOR", numerator))
                rows.append((p.ods_code, qof, "DENOMINATOR", denominator))
    published.load_achievement(by_year)


def _observations(indicator, months, numerator, denominator, value_of, target, **subject):
    unit = indicator.unit
    for i, month in enumerate(months):
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
