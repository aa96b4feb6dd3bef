"""Observation downloads are disclosures: small patient counts suppressed, values with them.

The world (tests/integration/api/world.py) holds DM1 observations that count patients:
5 / 40 (12.5%), 23 / 98 (23.47%), 12 / 50 (24%) and, in the south, 30 / 60 (50%); and FIN1, 3 / 4
(75%), which does not count patients. Hand-worked: 5 is hidden and so is 12.5% (with 40 it
gives 5 back);
23 / 98 becomes 25 / 100 and 25%; 12 / 50 becomes 10 / 50 and 20%; FIN1 stays 3 / 4, 75%.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from django.test import Client
from openpyxl import load_workbook

from commissioning.analytics.disclosure import (
    DEFAULT_POLICY,
    SUPPRESSED,
    disclose_observations,
    shown_total,
    suppress_with_total,
)

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)


@pytest.fixture
def world(db):
    return world_module.build_world()


def rows_of(text: str) -> dict[tuple[str, str, str], dict]:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return {
        (r["indicator_code"], r["organisation_ods"] or r["service"], r["period"]): r for r in rows
    }


EXPECTED = {  # (indicator, subject, period): (value, numerator, denominator, suppressed)
    ("DM1", "RTA", "2024-04-01"): ("*", "*", "40", "yes"),
    ("DM1", "RTA", "2024-05-01"): ("25", "25", "100", "no"),
    ("DM1", "Memory service", "2024-04-01"): ("20", "10", "50", "no"),
    ("FIN1", "RTA", "2024-04-01"): ("75", "3", "4", "no"),
}


@pytest.mark.parametrize("role", ["admin", "north_commissioner", "north_viewer", "provider_a"])
def test_web_download_of_observations_is_suppressed_for_every_role(world, role):
    client = Client()
    client.force_login(world.users[role])
    response = client.get("/communities/north/export/observations.csv")
    assert response.status_code == 200
    rows = rows_of(response.content.decode("utf-8"))
    expected = {
        k: v for k, v in EXPECTED.items() if role != "provider_a" or k[1] != "Memory service"
    }
    assert set(rows) == set(expected)
    for k, (value, num, den, hidden) in expected.items():
        got = rows[k]
        assert (got["value"], got["numerator"], got["denominator"], got["suppressed"]) == (
            value,
            num,
            den,
            hidden,
        ), (role, k)
    assert "12.5" not in response.content.decode() and ",23," not in response.content.decode()


def test_xlsx_download_holds_stars_and_rounded_numbers(world):
    client = Client()
    client.force_login(world.users["north_commissioner"])
    response = client.get("/communities/north/export/observations.xlsx")
    ws = load_workbook(io.BytesIO(response.content))["observations"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "suppressed"
    cells = [dict(zip(header, [c.value for c in row], strict=True)) for row in ws.iter_rows(2)]
    small = next(
        r
        for r in cells
        if r["period"] == "2024-04-01"
        and r["organisation_ods"] == "RTA"
        and r["indicator_code"] == "DM1"
    )
    assert (small["value"], small["numerator"], small["denominator"]) == ("*", "*", 40)
    assert {r["numerator"] for r in cells} == {"*", 25, 10, 3}


def test_export_kind_full_is_lossless_and_disclosure_refuses_reimport(world, tmp_path):
    from commissioning.errors import InputError
    from commissioning.export import export_kind
    from commissioning.ingest import import_files
    from commissioning.ingest.kinds import KINDS

    full = tmp_path / "full.csv"
    export_kind(KINDS["observations"], full, community="north")
    rows = rows_of(full.read_text())
    assert rows[("DM1", "RTA", "2024-04-01")]["numerator"] == "5"
    assert "suppressed" not in next(iter(rows.values()))
    shared = tmp_path / "shared.csv"
    export_kind(KINDS["observations"], shared, community="north", disclosure=DEFAULT_POLICY)
    rows = rows_of(shared.read_text())
    assert rows[("DM1", "RTA", "2024-05-01")]["numerator"] == "25"
    assert rows[("DM1", "RTA", "2024-04-01")]["value"] == SUPPRESSED
    # a disclosure cannot overwrite true counts with rounded ones: the importer refuses it
    with pytest.raises(InputError) as refused:
        import_files([shared])
    assert any(p.column == "suppressed" for p in refused.value.problems)
    from commissioning.store.models import Observation

    assert Observation.objects.get(pk=world.obs_a_round.pk).numerator == 23


def test_cli_export_is_a_disclosure_unless_full():
    result = subprocess.run(
        [sys.executable, "-m", "commissioning", "export", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "--full" in result.stdout and "suppressed" in result.stdout


def test_disclose_observations_hides_values_and_limits_that_would_give_counts_back():
    frame = pd.DataFrame(
        {
            "value": [12.5, 100 * 23 / 98, 50.0, 2.0, None],
            "numerator": [5, 23, 30, 3, None],
            "denominator": [40, 98, 60, None, None],
            "lower": [1.0, 16.0, 37.0, 1.0, None],
            "upper": [25.0, 32.0, 63.0, 4.0, None],
        }
    )
    out = disclose_observations(frame, pd.Series([True, True, True, True, False]))
    assert out.loc[0, ["value", "numerator", "denominator", "lower", "upper"]].tolist() == [
        SUPPRESSED,
        SUPPRESSED,
        40.0,
        SUPPRESSED,
        SUPPRESSED,
    ]
    # 23 / 98 -> 25 / 100: the value follows the rounded counts; exact limits are dropped
    assert out.loc[1, "value"] == pytest.approx(25.0)
    assert pd.isna(out.loc[1, "lower"]) and pd.isna(out.loc[1, "upper"])
    # 30 / 60 is unchanged by rounding, so its limits stay
    assert out.loc[2, ["value", "lower", "upper"]].tolist() == [50.0, 37.0, 63.0]
    # a small numerator with no denominator still hides the value
    assert out.loc[3, "value"] == SUPPRESSED
    assert out["suppressed"].tolist() == [True, False, False, True, False]


def test_one_suppressed_cell_cannot_be_worked_out_from_the_total():
    # Practices' registers with the community total beside them: 3 alone would be total - rest.
    table = pd.DataFrame({"practice": list("ABCD"), "register": [3, 22, 41, 52]})
    shown = suppress_with_total(table, ["register"])
    assert shown["register"].tolist() == [SUPPRESSED, SUPPRESSED, 40, 50]
    assert shown_total(table["register"], shown["register"]) == 120  # 118 rounded
    # a total of a single non-zero cell would give it away, so it is hidden too
    one = pd.DataFrame({"register": [0, 6]})
    assert shown_total(one["register"], suppress_with_total(one, ["register"])["register"]) == (
        SUPPRESSED
    )
    # nothing hidden: the cells and the total are only rounded
    big = pd.DataFrame({"register": [12, 13]})
    shown = suppress_with_total(big, ["register"])
    assert shown["register"].tolist() == [10, 15]
    assert shown_total(big["register"], shown["register"]) == 25


def test_a_hidden_part_cannot_be_worked_out_from_its_total_and_the_other_part():
    from commissioning.analytics.disclosure import shown_gap, suppress_parts

    # recorded 5 + undiagnosed 35 = expected 40: with 40 and 35 shown, 5 would be derivable
    assert shown_gap(5, 40) == {"recorded": SUPPRESSED, "expected": 40, "gap": SUPPRESSED}
    assert shown_gap(118, 151.2) == {"recorded": 120, "expected": 150, "gap": 35}
    # no other part to hide: the total goes
    one = pd.DataFrame({"a": [4], "b": [0], "total": [4]})
    assert suppress_parts(one, ["a", "b"], "total").iloc[0].tolist() == [SUPPRESSED, 0, SUPPRESSED]


def test_monitoring_table_shows_the_counts_and_values_a_download_shows(world):
    from commissioning.monitoring.presenter import build
    from commissioning.monitoring.records import community_observations

    user = world.users["north_commissioner"]
    monitoring = build(community_observations(user, world.north))
    dm1_a = next(
        s for s in monitoring.series if s.indicator.code == "DM1" and s.subject == "Acute Trust A"
    )
    april, may = dm1_a.points
    # one rule everywhere (issue 20): 23 of 98 is shown as 25 of 100 and 25%, never 23.47%,
    # and 5 of 40 hides the count and the value (12.5% beside 40 is 5)
    assert (may["value"], may["numerator"], may["denominator"]) == (25.0, "25", "100")
    assert (april["value"], april["hidden"]) == (None, True)
    assert (april["numerator"], april["denominator"]) == (SUPPRESSED, "40")
    fin1 = next(s for s in monitoring.series if s.indicator.code == "FIN1")
    assert (fin1.points[0]["numerator"], fin1.points[0]["denominator"]) == ("3", "4")
