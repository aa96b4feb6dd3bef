"""Rejected files: every problem located (file, spreadsheet row, column, what was expected),
reported all at once, and nothing written."""

from __future__ import annotations

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files

pytestmark = pytest.mark.django_db


def problems(paths, **kw) -> list[str]:
    with pytest.raises(InputError) as err:
        import_files(paths, **kw)
    return str(err.value).splitlines()


def test_each_kind_of_cell_problem_is_located(tmp_path):
    p = tmp_path / "orgs.csv"
    p.write_text(
        "ods_code,name,kind,valid_from,valid_to\n"
        "A81001,Good Practice,gp_practice,2010-04-01,\n"  # row 2: fine
        "\n"  # row 3: blank, still counted as a spreadsheet row
        "A8!,Bad code,gp_practice,,\n"  # row 4
        "A81002,,gp_practice,,\n"  # row 5
        "A81003,Bad kind,hospital,,\n"  # row 6
        "A81004,Bad date,gp_practice,31/02/2012,\n"  # row 7
        "A81005,Backwards,gp_practice,2012-04-01,2011-04-01\n"  # row 8
        "A81001,Repeated,gp_practice,,\n"  # row 9
    )
    found = problems([p])
    name = str(p)
    assert found == [
        f"{name}, row 4, column 'ods_code': expected an ODS code (3 to 10 letters and digits), "
        "found 'A8!'",
        f"{name}, row 5, column 'name': expected text, found nothing",
        f"{name}, row 6, column 'kind': expected one of country, pct, ccg, sub_icb, icb, region, "
        "pcn, acute_trust, community_trust, mental_health_trust, gp_practice, local_authority, "
        "voluntary, independent, found 'hospital'",
        f"{name}, row 7, column 'valid_from': expected a date as yyyy-mm-dd or dd/mm/yyyy, "
        "found '31/02/2012'",
        f"{name}, row 8, column 'valid_to': expected a date on or after valid_from",
        f"{name}, row 9, column 'ods_code': repeats the organisations record in row 2 "
        "(same ods_code)",
    ]


def test_missing_and_unknown_columns_are_reported_on_the_header_row(tmp_path):
    p = tmp_path / "registers.csv"
    p.write_text("ods_code,condition,period_end,register count\nA81001,diabetes,2012-03-31,5\n")
    found = problems([p], kind="registers")
    assert f"{p}, row 1, column 'register count': is not a column of registers" in found[0]
    assert (
        found[1] == f"{p}, row 1, column 'register_size': required column for registers is missing"
    )


def test_numbers_whole_numbers_and_minimums(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text(
        "ods_code,date,age_band,sex,count\n"
        'A81001,2012-04-01,65-69,female,"1,2,3"\n'
        "A81001,2012-04-01,70-74,female,12.5\n"
        "A81001,2012-04-01,75-79,female,-3\n"
        "A81001,2012-04-01,80 to 84,female,3\n"
        "A81001,2012-04-01,85-89,unknown,3\n"
    )
    found = problems([p])
    assert found[:5] == [
        f"{p}, row 2, column 'count': expected a whole number, found '1,2,3'",
        f"{p}, row 3, column 'count': expected a whole number, found '12.5'",
        f"{p}, row 4, column 'count': expected 0 or more, found '-3'",
        f"{p}, row 5, column 'age_band': expected an age band such as 0-4 or 90+, found '80 to 84'",
        f"{p}, row 6, column 'sex': expected one of male, female, found 'unknown'",
    ]


def test_references_must_exist_in_the_database_or_the_upload(tmp_path):
    p = tmp_path / "registers.csv"
    p.write_text("ods_code,condition,period_end,register_size\nZZZ99,asthma,2012-03-31,5\n")
    found = problems([p])
    assert found == [
        f"{p}, row 2, column 'ods_code': refers to organisations 'ZZZ99', which is neither in "
        "the database nor in this upload",
        f"{p}, row 2, column 'condition': refers to conditions 'asthma', which is neither in the "
        "database nor in this upload",
    ]


def test_list_items_and_community_are_checked(tmp_path, samples):
    paths = samples.write(tmp_path, ["organisations", "communities"])
    act = tmp_path / "activities.csv"
    act.write_text(
        "date,title,kind,nature,stages\n2011-01-01,Workshop,meeting,relational,planning; dreaming\n"
    )
    svc = tmp_path / "services.csv"
    svc.write_text("name,provider_ods,setting,conditions\nClinic,RBL,community,gout\n")
    found = problems([*paths, act, svc])  # no --community and no community column
    assert any(
        line.startswith(f"{act}, row 2, column 'stages': 'dreaming' not allowed") for line in found
    )
    assert (
        f"{act}, row 1, column 'community': required column for activities is missing: add a "
        "community column or give --community CODE" in found
    )
    found = problems([*paths, svc], community="wirral")
    assert found == [
        f"{svc}, row 2, column 'conditions': refers to conditions 'gout', which is neither in the "
        "database nor in this upload"
    ]


def test_all_problems_at_once_up_to_a_limit(tmp_path):
    p = tmp_path / "orgs.csv"
    p.write_text(
        "ods_code,name,kind\n" + "".join(f"A{i:05d},Practice {i},surgery\n" for i in range(150))
    )
    found = problems([p])
    assert len(found) == 101
    assert found[0].startswith(f"{p}, row 2, column 'kind'")
    assert found[99].startswith(f"{p}, row 101, column 'kind'")
    assert found[100] == "... and 50 more problems"


def test_a_rejected_upload_writes_nothing_even_from_its_good_files(tmp_path, samples):
    from commissioning.store.models import CommissioningCommunity, Organisation

    paths = samples.write(tmp_path, ["organisations", "communities"])
    bad = tmp_path / "services.csv"
    bad.write_text("name,provider_ods,setting\nClinic,RBL,on the moon\n")
    problems([*paths, bad], community="wirral")
    assert Organisation.objects.count() == 0
    assert CommissioningCommunity.objects.count() == 0


def test_observation_needs_exactly_one_subject(tmp_path, samples):
    paths = samples.write(tmp_path, ["organisations", "indicators", "conditions"])
    obs = tmp_path / "obs.csv"
    obs.write_text(
        "indicator_code,organisation_ods,service,service_provider_ods,period,value\n"
        "DM-ADM,N85001,Clinic,RY7,2012-04-01,1\n"
        "DM-ADM,,,,2012-04-01,1\n"
    )
    found = problems([*paths, obs], community="wirral")
    assert (
        f"{obs}, row 2, column 'organisation_ods': expected an organisation or a service, "
        "not both" in found
    )
    assert (
        f"{obs}, row 3, column 'organisation_ods': expected an organisation's ODS code, or "
        "a service" in found
    )


def test_nhs_numbers_are_refused_without_repeating_them(tmp_path):
    p = tmp_path / "people.csv"
    p.write_text("name,role_type,NHS Number\nAnn,gp,943 476 5919\n")
    found = problems([p])
    assert "seems to hold NHS numbers" in found[0]
    assert found[0].startswith(f"{p}, row 1, column 'NHS Number'")
    # hidden in an ordinary text column: 9434765919 has a valid modulus 11 check digit
    q = tmp_path / "people2.csv"
    q.write_text("name,role_type\n9434765919,gp\nBob,gp\n")
    found = problems([q])
    assert len(found) == 1 and "seems to hold NHS numbers" in found[0]
    assert "9434765919" not in found[0]
    assert f"{q}, row 2, column 'name'" in found[0]
