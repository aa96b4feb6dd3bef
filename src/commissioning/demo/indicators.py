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
from commissioning.store.models import Domain, Frequency, Indicator, Observation, Polarity

D = dt.date
N = len(MONTHS)
T = np.arange(N)
CALENDAR_MONTH = np.array([m.month for m in MONTHS])
SYNTHETIC = "Synthetic demo data"

# code -> definition. Magnitudes are described in docs/guide/demo.md.
DEFINITIONS = {
    "DEM_DX": dict(
        name="Dementia diagnosis rate",
        description="People on practice dementia registers as a share of the number expected "
        "from the age and sex of registered patients.",
        domain=Domain.OUTCOME,
        unit="%",
        numerator="Patients on the dementia register (QOF DEM1)",
        denominator="Expected number of people with dementia (Dementia UK 2007 age-sex rates "
        "times registered patients)",
        polarity=Polarity.HIGHER_BETTER,
        conditions=["dementia"],
    ),
    "MEM_WAIT": dict(
        name="Wait from referral to memory assessment",
        description="Mean weeks from referral to a memory assessment with a diagnosis.",
        domain=Domain.QUALITY,
        unit="weeks",
        numerator="Total weeks waited by patients assessed in the month",
        denominator="Patients assessed in the month",
        polarity=Polarity.LOWER_BETTER,
        conditions=["dementia"],
    ),
    "MEM_REFERRALS": dict(
        name="Referrals to memory assessment",
        description="New referrals to memory assessment services in the month.",
        domain=Domain.ACTIVITY,
        unit="referrals",
        numerator="New referrals received",
        denominator="",
        polarity=Polarity.NEUTRAL,
        conditions=["dementia"],
    ),
    "DEM_ANTIPSY": dict(
        name="People with dementia prescribed an antipsychotic",
        description="Share of people on the dementia register prescribed an antipsychotic in "
        "the preceding six weeks.",
        domain=Domain.QUALITY,
        unit="%",
        numerator="Patients on the dementia register prescribed an antipsychotic",
        denominator="Patients on the dementia register",
        polarity=Polarity.LOWER_BETTER,
        conditions=["dementia"],
    ),
    "DM_8CP": dict(
        name="People with diabetes receiving all eight care processes",
        description="HbA1c, blood pressure, cholesterol, serum creatinine, urine albumin, foot "
        "surveillance, BMI and smoking status all recorded in the last 12 months (National "
        "Diabetes Audit).",
        domain=Domain.QUALITY,
        unit="%",
        numerator="People with all eight care processes in the last 12 months",
        denominator="People on the diabetes register",
        polarity=Polarity.HIGHER_BETTER,
        conditions=["diabetes"],
    ),
    "DM_HBA1C59": dict(
        name="People with diabetes whose HbA1c is 59 mmol/mol or less",
        description="Last HbA1c in the previous 15 months 59 mmol/mol (7.5%) or less (QOF "
        "DM26, 2011/12).",
        domain=Domain.OUTCOME,
        unit="%",
        numerator="People whose last HbA1c was 59 mmol/mol or less",
        denominator="People on the diabetes register",
        polarity=Polarity.HIGHER_BETTER,
        conditions=["diabetes"],
    ),
    "DM_FOOT_DAYS": dict(
        name="Diabetic podiatry: days from referral to assessment",
        description="Mean days from referral to first podiatry assessment for people with "
        "diabetes.",
        domain=Domain.QUALITY,
        unit="days",
        numerator="Total days waited by patients assessed in the month",
        denominator="Patients assessed in the month",
        polarity=Polarity.LOWER_BETTER,
        conditions=["diabetes"],
    ),
    "DM_AMPUT": dict(
        name="Amputations in people with diabetes",
        description="Lower-limb amputations (major and minor) in people with diabetes, "
        "annualised, per 1,000 people with diabetes.",
        domain=Domain.OUTCOME,
        unit="per 1,000 a year",
        numerator="Amputations in people with diabetes in the month",
        denominator="People on the diabetes register",
        polarity=Polarity.LOWER_BETTER,
        conditions=["diabetes"],
    ),
    "STROKE_ESD": dict(
        name="Stroke patients supported home by early supported discharge",
        description="Share of stroke patients discharged from hospital who were supported home "
        "by an early supported discharge team.",
        domain=Domain.QUALITY,
        unit="%",
        numerator="Stroke patients discharged with early supported discharge",
        denominator="Stroke patients discharged alive from hospital",
        polarity=Polarity.HIGHER_BETTER,
        conditions=["stroke-tia"],
    ),
    "STROKE_LOS": dict(
        name="Stroke length of stay",
        description="Mean days in hospital for stroke patients discharged in the month.",
        domain=Domain.ACTIVITY,
        unit="days",
        numerator="Bed days of stroke patients discharged in the month",
        denominator="Stroke patients discharged in the month",
        polarity=Polarity.LOWER_BETTER,
        conditions=["stroke-tia"],
    ),
    "ACSC_EMERG": dict(
        name="Emergency admissions for chronic ambulatory care sensitive conditions",
        description="Emergency admissions for conditions that should not usually need a "
        "hospital stay (e.g. diabetes, dementia, COPD, heart failure), per 100,000 registered "
        "patients in the month (crude).",
        domain=Domain.OUTCOME,
        unit="per 100,000",
        numerator="Emergency admissions with a chronic ACSC as primary diagnosis",
        denominator="Registered patients",
        polarity=Polarity.LOWER_BETTER,
        conditions=["diabetes", "dementia"],
    ),
}


def build_indicators(b: Build) -> None:
    for code, spec in DEFINITIONS.items():
        spec = dict(spec)
        conditions = spec.pop("conditions")
        indicator, _ = Indicator.objects.update_or_create(
            code=code,
            defaults={**spec, "source": SYNTHETIC, "frequency": Frequency.MONTHLY},
        )
        indicator.conditions.set([b.conditions[c] for c in conditions])
        b.indicators[code] = indicator


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
