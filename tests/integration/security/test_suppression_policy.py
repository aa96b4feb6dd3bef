"""The small-numbers rule is configurable: COMMISSIONING_SUPPRESS_UP_TO, COMMISSIONING_ROUND_TO.

The world (tests/integration/api/world.py) holds DM1 observations that count patients: 5 / 40,
23 / 98 and, for the memory service, 12 / 50 (changed to 9 / 50 below). Hand-worked:

- the default policy (1 to 7 hidden, nearest 5): 23 / 98 -> 25 / 100, 25%; 9 / 50 -> 10 / 50, 20%;
- hiding 1 to 10 and rounding to the nearest 10: 23 / 98 -> 20 / 100, 20%; 9 is hidden, and the
  value with it; 40 stays 40 and 5 stays hidden.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from commissioning.analytics.disclosure import (
    DEFAULT_POLICY,
    ROUND_TO,
    SUPPRESS_UP_TO,
    PolicyError,
    SuppressionPolicy,
    configured_policy,
    policy_from,
)

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)


@pytest.fixture
def world(db):
    from commissioning.store.models import Observation

    w = world_module.build_world()
    Observation.objects.filter(pk=w.obs_b_service.pk).update(numerator=9, value=18.0)
    return w


def download(world) -> dict[tuple[str, str, str], tuple[str, str, str, str]]:
    client = Client()
    client.force_login(world.users["north_commissioner"])
    response = client.get("/communities/north/export/observations.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")))
    return {
        (r["indicator_code"], r["organisation_ods"] or r["service"], r["period"]): (
            r["value"],
            r["numerator"],
            r["denominator"],
            r["suppressed"],
        )
        for r in rows
    }


def api_rows(world) -> dict[int, dict]:
    client = Client()
    client.force_login(world.users["admin"])
    response = client.get("/api/observations", {"page_size": 500})
    assert response.status_code == 200
    return {o["id"]: o for o in json.loads(response.content)["items"]}


def test_unset_variables_give_the_default_policy(monkeypatch):
    monkeypatch.delenv(SUPPRESS_UP_TO, raising=False)
    monkeypatch.delenv(ROUND_TO, raising=False)
    assert configured_policy() == DEFAULT_POLICY == SuppressionPolicy(threshold=7, rounding=5)
    assert policy_from({SUPPRESS_UP_TO: " 10 ", ROUND_TO: "10"}) == SuppressionPolicy(10, 10)
    assert policy_from({SUPPRESS_UP_TO: "", ROUND_TO: "1"}) == SuppressionPolicy(7, 1)


def test_default_policy_download_and_api(world, monkeypatch):
    monkeypatch.delenv(SUPPRESS_UP_TO, raising=False)
    monkeypatch.delenv(ROUND_TO, raising=False)
    rows = download(world)
    assert rows[("DM1", "RTA", "2024-05-01")] == ("25", "25", "100", "no")
    assert rows[("DM1", "Memory service", "2024-04-01")] == ("20", "10", "50", "no")
    assert rows[("DM1", "RTA", "2024-04-01")] == ("*", "*", "40", "yes")
    api = api_rows(world)
    assert (api[world.obs_b_service.pk]["numerator"], api[world.obs_b_service.pk]["value"]) == (
        10,
        20.0,
    )


def test_a_stricter_policy_changes_the_download_the_api_and_the_page(world, monkeypatch):
    monkeypatch.setenv(SUPPRESS_UP_TO, "10")
    monkeypatch.setenv(ROUND_TO, "10")
    rows = download(world)
    assert rows[("DM1", "RTA", "2024-05-01")] == ("20", "20", "100", "no")  # not 25 / 100
    assert rows[("DM1", "Memory service", "2024-04-01")] == ("*", "*", "50", "yes")  # 9 hidden
    assert rows[("DM1", "RTA", "2024-04-01")] == ("*", "*", "40", "yes")
    assert rows[("FIN1", "RTA", "2024-04-01")] == ("75", "3", "4", "no")  # not patients
    api = api_rows(world)
    service = api[world.obs_b_service.pk]
    assert (service["numerator"], service["value"], service["suppressed"]) == (None, None, True)
    rounded = api[world.obs_a_round.pk]
    assert (rounded["numerator"], rounded["denominator"]) == (20, 100)
    assert rounded["value"] == pytest.approx(20.0)
    # the monitoring page's table says which rule it applied and applies it
    client = Client()
    client.force_login(world.users["north_commissioner"])
    html = client.get("/communities/north/monitoring/").content.decode()
    assert "Counts from 1 to 10 are shown as *; other counts are rounded to the nearest 10." in html
    assert "1 to 7" not in html


@pytest.mark.parametrize(
    ("name", "value"),
    [(SUPPRESS_UP_TO, "seven"), (SUPPRESS_UP_TO, "-1"), (ROUND_TO, "0"), (ROUND_TO, "2.5")],
)
def test_a_bad_setting_is_a_plain_error(name, value):
    with pytest.raises(PolicyError) as refused:
        policy_from({name: value})
    message = str(refused.value)
    assert name in message and f"'{value}'" in message and "whole number" in message


def test_the_command_line_stops_with_one_plain_line_on_a_bad_setting(tmp_path):
    env = {
        **os.environ,
        "COMMISSIONING_DATA": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SUPPRESS_UP_TO: "lots",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "commissioning", "export", "observations", "-o", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"commissioning export: {SUPPRESS_UP_TO} must be a whole number of at least 0 "
        "(the default is 7), but it is set to 'lots'"
    )
    assert result.stdout == ""
