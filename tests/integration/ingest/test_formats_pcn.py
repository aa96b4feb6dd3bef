"""ODS ePCN (PCN Details, PCN Core Partner Details) from the real samples: PCNs and membership."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
pytestmark = [
    pytest.mark.django_db,
]
DETAILS = SAMPLES / "ods_epcn_pcn_details_2019.csv"
MEMBERS = SAMPLES / "ods_epcn_core_partner_details_2019.csv"


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


@pytest.fixture
def practices(tmp_path):
    """The 30 member practices, from an organisations file in our own layout."""
    lines = MEMBERS.read_text().splitlines()[1:]
    p = tmp_path / "organisations.csv"
    p.write_text(
        "ods_code,name,kind\n"
        + "".join(f"{r.split(',')[0]},Practice {r.split(',')[0]},gp_practice\n" for r in lines)
    )
    import_files([p])


@pytest.mark.parametrize(("sample", "name"), [(DETAILS, "ods-pcns"), (MEMBERS, "ods-pcn-members")])
def test_each_epcn_sample_is_recognised(sample, name):
    assert detect_format(sample) is FORMATS[name]


def test_headerless_membership_is_recognised_too(tmp_path):
    p = tmp_path / "epcncorepartnerdetails.csv"
    p.write_text("\n".join(MEMBERS.read_text().splitlines()[1:]) + "\n")
    assert detect_format(p) is FORMATS["ods-pcn-members"]


def test_pcns_and_memberships_are_imported(practices):
    from commissioning.store.models import Organisation

    result = import_files([DETAILS, MEMBERS])
    # 20 PCNs in the details sample, plus the 8 PCNs named only in the membership sample
    assert counts_of(result) == {"organisations": (28, 0, 0), "links": (30, 0, 0)}
    central = Organisation.objects.get(ods_code="U35980")
    assert (central.name, central.kind, central.valid_from, central.postcode) == (
        "CENTRAL LIVERPOOL PCN",
        "pcn",
        dt.date(2019, 10, 1),
        "L69 3GD",
    )
    practice = Organisation.objects.get(ods_code="A83005")
    assert practice.parent_on(dt.date(2019, 9, 30), "pcn") is None  # PCNs began 1 Oct 2019
    assert practice.parent_on(dt.date(2020, 1, 1), "pcn").name == "DARLINGTON PCN"
    again = import_files([MEMBERS])  # the stub PCNs are not written again
    assert counts_of(again) == {"links": (0, 0, 30)}


def test_unknown_practices_are_listed(tmp_path):
    with pytest.raises(InputError) as e:
        import_files([MEMBERS])
    assert "row 2: practice code 'A83005' is neither in the database" in str(e.value)


def test_a_bad_pcn_code_is_located(practices, tmp_path):
    lines = MEMBERS.read_text().splitlines()
    lines[1] = lines[1].replace("U45102", "45102", 1)
    broken = tmp_path / "members.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"row 2, column 'PCN Code': expected a PCN code"):
        import_files([broken], format="ods-pcn-members")
