"""Indicators in the JSON API: why they matter, their national driver, library and owner."""

from __future__ import annotations

import json

from commissioning.store.models import Indicator


def body(response):
    return json.loads(response.content)


def own_indicator(world) -> Indicator:
    """An indicator North added for itself, with the library fields filled."""
    return Indicator.objects.create(
        code="N-FOOT",
        name="Annual foot checks",
        domain="quality",
        unit="%",
        polarity="higher_better",
        frequency="annual",
        why_it_matters="Foot checks prevent amputations",
        national_driver="NICE NG19",
        library="diabetes",
        community=world.north,
    )


def test_indicators_show_why_they_matter_their_driver_library_and_owner(client_for, world):
    ind = own_indicator(world)
    world.dm1.why_it_matters = "HbA1c in range lowers complications"
    world.dm1.save()
    north = body(client_for("north_viewer").get("/api/indicators", {"page_size": 500}))["items"]
    by_code = {i["code"]: i for i in north}
    assert set(by_code) == {"DM1", "FIN1", "N-FOOT"}
    assert {k: by_code["N-FOOT"][k] for k in ("why_it_matters", "national_driver", "library")} == {
        "why_it_matters": "Foot checks prevent amputations",
        "national_driver": "NICE NG19",
        "library": "diabetes",
    }
    assert by_code["N-FOOT"]["community"] == "north"
    assert by_code["DM1"]["community"] is None  # shared
    assert by_code["DM1"]["why_it_matters"] == "HbA1c in range lowers complications"
    assert by_code["FIN1"]["national_driver"] == "" and by_code["FIN1"]["library"] == ""

    one = body(client_for("north_commissioner").get(f"/api/indicators/{ind.pk}"))
    assert one["community"] == "north" and one["national_driver"] == "NICE NG19"
    # another community's own indicator stays out of sight
    south = client_for("south_commissioner")
    assert "N-FOOT" not in {i["code"] for i in body(south.get("/api/indicators"))["items"]}
    assert south.get(f"/api/indicators/{ind.pk}").status_code == 404


def test_the_schema_describes_the_new_fields(client_for):
    schema = body(client_for("north_viewer").get("/api/openapi.json"))
    props = schema["components"]["schemas"]["IndicatorOut"]["properties"]
    for name in ("why_it_matters", "national_driver", "library", "community"):
        assert name in props and props[name]["description"]
    assert {"type": "null"} in props["community"]["anyOf"]
