"""Limits the importer now holds, which the app's forms share (one set of rules).

Both tests failed before the change: the importer accepted hours beyond what the database holds
(PostgreSQL then refused the whole import with a database error; SQLite stored them), and
objectives with no indicator, baseline, target or date.
"""

from __future__ import annotations

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files

pytestmark = pytest.mark.django_db


def problems(paths, **kw) -> list[str]:
    with pytest.raises(InputError) as err:
        import_files(paths, **kw)
    return str(err.value).splitlines()


def test_hours_above_what_the_database_holds_are_refused_with_a_located_problem(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_text(
        "community,activity_date,activity_title,person,hours\n"
        "minitown,2011-09-14,Workshop,Ann Example,10000\n"
    )
    assert problems([p]) == [f"{p}, row 2, column 'hours': expected at most 9999.99, found '10000'"]


def test_an_objective_is_imported_only_with_indicator_baseline_target_and_date(tmp_path):
    p = tmp_path / "objectives.csv"
    p.write_text(
        "community,development_slug,description,indicator_code,baseline_value,target_value,"
        "target_date\nminitown,falls,Fewer falls,,,,\n"
    )
    assert problems([p]) == [
        f"{p}, row 2, column 'indicator_code': expected an indicator code, found nothing",
        f"{p}, row 2, column 'baseline_value': expected a number, found nothing",
        f"{p}, row 2, column 'target_value': expected a number, found nothing",
        f"{p}, row 2, column 'target_date': expected a date as yyyy-mm-dd or dd/mm/yyyy, "
        "found nothing",
    ]
