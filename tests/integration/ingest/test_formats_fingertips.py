"""OHID Fingertips data export from the real sample (County & UA, campylobacter, 2015)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.formats.fingertips import first_day
from commissioning.ingest.formats.formats import FORMATS, detect_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
pytestmark = [
    pytest.mark.django_db,
]
EXPORT = SAMPLES / "fingertips_export_countyua.csv"
AREAS = "ods_code,name,kind\nE06000001,Hartlepool,local_authority\nE92000001,England,region\n"


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


@pytest.fixture
def areas(tmp_path):
    p = tmp_path / "areas.csv"
    p.write_text(AREAS)
    return p


def test_the_export_is_recognised():
    assert detect_format(EXPORT) is FORMATS["fingertips"]


@pytest.mark.parametrize(
    ("period", "sortable", "first"),
    [
        ("2015", "20150000", "2015-01-01"),
        ("2011/12", "20110000", "2011-04-01"),
        ("2022 - 24", "20220000", "2022-01-01"),
        ("Q3 2019/20", "20191000", "2019-10-01"),
    ],
)
def test_periods_start_on_their_first_day(period, sortable, first):
    assert first_day(period, sortable) == first


def test_headline_values_are_imported_with_counts(areas):
    from commissioning.store.models import Indicator, Observation

    notes: list[str] = []
    result = import_files([areas, EXPORT], allow_unmatched=True, notes=notes)
    assert counts_of(result) == {
        "organisations": (2, 0, 0),
        "indicators": (1, 0, 0),
        "observations": (2, 0, 0),
    }
    indicator = Indicator.objects.get(code="FINGERTIPS-93356")
    assert indicator.name == "Campylobacter incidence rate/100,000"  # embedded newline removed
    # row 33: Hartlepool, Persons, All ages, 2015, 142.713502643443, count 132, denominator 92493
    hartlepool = Observation.objects.get(organisation__ods_code="E06000001")
    assert hartlepool.period == dt.date(2015, 1, 1)
    assert hartlepool.value == pytest.approx(142.713502643443)
    assert (hartlepool.numerator, hartlepool.denominator) == (132, 92493)
    # its 95% confidence limits from the same row
    assert hartlepool.lower == pytest.approx(119.407207217347)
    assert hartlepool.upper == pytest.approx(169.240005685604)
    # England's headline (All ages), not its 0-9 years or deprivation decile rows
    england = Observation.objects.get(organisation__ods_code="E92000001")
    assert england.value == pytest.approx(94.7261896202678)
    assert any("17 area codes not in the database" in n for n in notes)
    again = import_files([areas, EXPORT], allow_unmatched=True)
    assert counts_of(again) == {"organisations": (0, 0, 2), "observations": (0, 0, 2)}


def test_unknown_areas_reject_the_file_by_default():
    with pytest.raises(InputError, match="area code 'E92000001' is neither in the database"):
        import_files([EXPORT])


def test_a_bad_value_is_located(areas, tmp_path):
    text = EXPORT.read_text().replace(",142.713502643443,", ",n/a,")
    broken = tmp_path / "indicators-CountyUA.data.csv"
    broken.write_text(text)
    with pytest.raises(InputError, match=r"row 33, column 'Value': expected a number, found 'n/a'"):
        import_files([areas, broken], allow_unmatched=True)
