"""Age bands, an English age structure and age-sex rates used to make synthetic populations.

Every figure here is an approximation chosen so that the synthetic registers land near the
published England magnitudes in docs/guide/demo.md (QOF diabetes about 5.5% of patients aged 17
and over in 2010/11, dementia register about 0.5% of all patients, stroke/TIA about 1.7%).
"""

from __future__ import annotations

import numpy as np

from commissioning.analytics.needs.standard_population import ESP2013_BANDS

AGE_BANDS = list(ESP2013_BANDS)  # 0-4 ... 85-89, 90+
BAND_MID = np.array([2.5 + 5 * i for i in range(18)] + [93.0])
SEXES = ("male", "female")

# Share of the population in each band, in %: roughly England at the 2011 Census. GP lists carry
# a few more young adults than the census counts (people who have moved away stay registered).
ENGLAND_SHARE = np.array(
    [6.3, 5.6, 5.8, 6.3, 7.0, 7.2, 6.7, 6.7, 7.3, 7.3, 6.4, 5.7, 6.0, 4.8, 3.9, 3.3, 2.5, 1.5, 0.8]
)
# Share of each band that is male: about half in working ages, falling to a quarter at 90+.
MALE_SHARE = np.array(
    [
        0.512,
        0.512,
        0.512,
        0.513,
        0.505,
        0.500,
        0.498,
        0.497,
        0.495,
        0.494,
        0.494,
        0.492,
        0.489,
        0.483,
        0.470,
        0.450,
        0.420,
        0.360,
        0.270,
    ]
)

# Recorded diabetes (all types) by band, before scaling: rising steeply with age to 75-79, then
# falling a little; men about 1.45 times women (HSE 2019: doctor-diagnosed 9% men, 6% women).
_DIABETES_SHAPE = np.array(
    [0.1, 0.2, 0.25, 0.35, 0.6, 0.8, 1.1, 1.7, 2.6, 3.8, 5.3, 7.2, 9.0, 11.0, 12.5, 13.5, 13.0,
     11.5, 9.0]
)  # fmt: skip
DIABETES_SEX = {"male": 1.2, "female": 0.83}

# Expected dementia, % of each band (about Dementia UK 2007: 1.3% at 65 roughly doubling every
# five years; women higher from 75 up).
DEMENTIA_EXPECTED = {
    "male": np.array(
        [
            0,
            0,
            0,
            0,
            0,
            0,
            0.005,
            0.01,
            0.02,
            0.04,
            0.08,
            0.16,
            0.3,
            1.5,
            3.1,
            5.1,
            10.2,
            16.7,
            28.0,
        ]
    ),
    "female": np.array(
        [
            0,
            0,
            0,
            0,
            0,
            0,
            0.005,
            0.01,
            0.02,
            0.04,
            0.08,
            0.16,
            0.3,
            1.0,
            2.4,
            6.5,
            13.3,
            22.2,
            31.0,
        ]
    ),
}

# Stroke or TIA on the register, % of each band; men about 1.3 times women.
_STROKE_SHAPE = np.array(
    [0, 0.01, 0.01, 0.02, 0.03, 0.05, 0.08, 0.15, 0.25, 0.45, 0.8, 1.3, 2.0, 3.2, 4.7, 6.3, 7.8,
     9.0, 9.5]
)  # fmt: skip
STROKE_SEX = {"male": 1.15, "female": 0.87}

# England QOF diabetes prevalence (17+) for the year ending 31 March: 5.1% (2009) and 5.5%
# (2010/11) are published; the others are interpolated towards 6.4% in 2014/15. The present-day
# years (2022-2026) carry the published rise on at about 0.2 points a year: an extrapolation for
# synthetic data, not a published figure.
DIABETES_PREVALENCE_17PLUS = {
    2009: 5.1, 2010: 5.3, 2011: 5.5, 2012: 5.75, 2013: 6.0,
    2022: 7.1, 2023: 7.3, 2024: 7.5, 2025: 7.65, 2026: 7.8,
}  # fmt: skip
# Stroke and TIA: no England figure for 2010-12 was found; QOF STIA is about 1.9% now.
STROKE_PREVALENCE = {
    2009: 1.62, 2010: 1.65, 2011: 1.68, 2012: 1.71, 2013: 1.74,
    2022: 1.85, 2023: 1.87, 2024: 1.89, 2025: 1.9, 2026: 1.91,
}  # fmt: skip

# Share of the 15-19 band aged 17 or over (QOF diabetes counts patients aged 17+).
_SHARE_17PLUS = np.array([0, 0, 0, 0.6] + [1.0] * 15)


def age_structure(tilt: float) -> np.ndarray:
    """Shares by sex and band (shape 2 x 19, summing to 1) for a population ``tilt`` older.

    ``tilt`` 0 gives the England structure; +0.3 a markedly older (rural, coastal) list, -0.3 a
    young (town-centre, student) list.
    """
    weight = np.exp(tilt * (BAND_MID - 40.0) / 40.0)
    total = ENGLAND_SHARE * weight
    male = total * MALE_SHARE
    female = total * (1 - MALE_SHARE)
    shares = np.vstack([male, female])
    return shares / shares.sum()


def aged_17_plus(counts: np.ndarray) -> float:
    """Patients aged 17 and over in a 2 x 19 array of counts (part of 15-19 is 17+)."""
    return float((counts * _SHARE_17PLUS).sum())


def _scaled(shape: np.ndarray, sex: dict[str, float], target: float, adults: bool) -> np.ndarray:
    """Rates (fractions, 2 x 19) scaled so the England structure gives ``target`` %."""
    raw = np.vstack([shape * sex["male"], shape * sex["female"]]) / 100.0
    england = age_structure(0.0)
    base = england * (_SHARE_17PLUS if adults else 1.0)
    achieved = (england * raw).sum() / base.sum()
    return raw * (target / 100.0) / achieved


def diabetes_rates(year_end: int) -> np.ndarray:
    """Chance of being on the diabetes register, by sex and band, for the year ending in March."""
    return _scaled(_DIABETES_SHAPE, DIABETES_SEX, DIABETES_PREVALENCE_17PLUS[year_end], True)


def stroke_rates(year_end: int) -> np.ndarray:
    return _scaled(_STROKE_SHAPE, STROKE_SEX, STROKE_PREVALENCE[year_end], False)


def dementia_expected_rates() -> np.ndarray:
    return np.vstack([DEMENTIA_EXPECTED["male"], DEMENTIA_EXPECTED["female"]]) / 100.0
