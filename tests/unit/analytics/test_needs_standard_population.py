"""ESP2013 and reading age bands and sexes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.needs.standard_population import (
    ESP2013_BANDS,
    ESP2013_TOP_BANDS,
    ESP2013_WEIGHTS,
    band_label,
    check_band_overlaps,
    esp2013,
    normalise_sex,
    parse_age_band,
    parse_age_bands,
    span_weights,
    standard_weights,
)


def test_esp2013_has_19_bands_summing_to_100000():
    assert len(ESP2013_BANDS) == 19
    assert sum(ESP2013_WEIGHTS) == 100_000
    assert ESP2013_BANDS[0] == "0-4" and ESP2013_BANDS[-1] == "90+"
    # Eurostat's 90-94 and 95+ make up the 90+ band
    assert sum(ESP2013_TOP_BANDS.values()) == ESP2013_WEIGHTS[-1]
    table = esp2013()
    assert list(table["first_age"]) == list(range(0, 95, 5))


def test_esp2013_matches_phstatsmethods(phstats):
    theirs = phstats.euro_standard_pop()
    assert list(theirs["esp_age_bands"]) == list(ESP2013_BANDS)
    assert list(theirs["euro_standard_pops"]) == list(ESP2013_WEIGHTS)


@pytest.mark.parametrize(
    "label, expected",
    [
        ("0-4", (0, 0)),
        ("00-04", (0, 0)),
        ("0 to 4", (0, 0)),
        ("0\u20134", (0, 0)),
        ("Age 0-4", (0, 0)),
        ("aged 5-9 years", (1, 1)),
        ("5_9", (1, 1)),
        ("85-89", (17, 17)),
        ("90+", (18, 18)),
        ("90-94", (18, 18)),
        ("95+", (18, 18)),
        ("95-99", (18, 18)),
        ("100+", (18, 18)),
        ("90 and over", (18, 18)),
        ("85+", (17, 18)),
        ("65+", (13, 18)),
        ("0-14", (0, 2)),
        ("under 5", (0, 0)),
        ("<15", (0, 2)),
        ("67", (13, 13)),
        (67, (13, 13)),
        (93.0, (18, 18)),
    ],
)
def test_parse_age_band_accepts_common_spellings(label, expected):
    assert parse_age_band(label) == expected


@pytest.mark.parametrize(
    "label", ["0-3", "3-7", "85-94", "87+", "9-5", "old", "", None, float("nan"), "unknown"]
)
def test_parse_age_band_refuses_bands_off_the_standard(label):
    assert parse_age_band(label) is None


def test_band_label_round_trips():
    for i, label in enumerate(ESP2013_BANDS):
        assert band_label(i, i) == label
        assert parse_age_band(label) == (i, i)
    assert band_label(17, 18) == "85+"
    assert band_label(0, 2) == "0-14"


def test_parse_age_bands_reads_a_column_including_categoricals():
    values = pd.Series(["0-4", "90-94", "xx", None, "95+"])
    first, last = parse_age_bands(values)
    assert list(first) == [0, 18, -1, -1, 18]
    cat_first, _ = parse_age_bands(values.astype("category"))
    assert list(cat_first) == list(first)


def test_normalise_sex():
    values = pd.Series(["M", "male", " Female ", "f", "1", "2", "Persons", "all", "X", "9", None])
    out = normalise_sex(values)
    assert list(out[:8]) == ["male"] * 2 + ["female"] * 2 + ["male", "female", "persons", "persons"]
    assert out[8:].isna().all()


def test_overlapping_bands_of_one_unit_are_found_but_different_units_may_differ():
    first = np.array([17, 17, 18])
    last = np.array([18, 17, 18])
    assert check_band_overlaps(first, last) == (0, 1)
    # unit 0 uses 85+, unit 1 uses 85-89 and 90+: fine
    assert check_band_overlaps(first, last, np.array([0, 1, 1])) is None
    assert check_band_overlaps(np.array([0, 1, 0]), np.array([0, 1, 0])) is None


def test_span_weights_add_up_the_standard():
    w = standard_weights("esp2013")
    assert span_weights(np.array([17]), np.array([18]), w)[0] == 2500
    assert span_weights(np.array([0]), np.array([18]), w)[0] == 100_000
    with pytest.raises(ValueError, match="unknown standard"):
        standard_weights("who2000")
