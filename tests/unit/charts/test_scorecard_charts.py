"""The scorecard's two charts hold the figures of the tables beside them (the presenter's
output, here written by hand in its shape): values as percentages, the value at which each
measure is met marked, and status (or community) shown by shape as well as colour."""

import pytest

from commissioning.charts.scorecard import (
    across_chart,
    describe_across,
    describe_years,
    years_chart,
)

YEARS = {
    "years": [2010, 2011, 2012],
    "labels": ["2010/11", "2011/12", "2012/13"],
    "rows": [
        {
            "id": "convening",
            "name": "Convening stakeholders",
            "values": [0.5, None, 0.75],
            "statuses": ["partly met", "no data", "met"],
            "met_at": [0.7],
        },
        {
            "id": "relational_balance",
            "name": "Balance of relational and contractual work",
            "values": [0.25, 1 / 3, 0.9],
            "statuses": ["partly met", "met", "not met"],
            "met_at": [0.3, 0.7],
        },
    ],
}

ACROSS = {
    "communities": ["calderdale", "somerset", "wirral"],
    "rows": [
        {
            "id": "convening",
            "name": "Convening stakeholders",
            "values": [0.716, 0.5658, None],
            "statuses": ["met", "partly met", "no data"],
            "lowest": 0.5658,
            "highest": 0.716,
            "met_at": [0.7],
        },
        {
            "id": "shared_risk",
            "name": "Shared risk and long horizons",
            "values": [0.2, 0.25, 1 / 6],
            "statuses": ["not met", "partly met", "not met"],
            "lowest": 1 / 6,
            "highest": 0.25,
            "met_at": [0.5],
        },
    ],
}


def datasets(spec: dict) -> list[dict]:
    """Every row of the chart's inline data, wherever it is held."""
    rows = [row for rows in spec.get("datasets", {}).values() for row in rows]
    return rows + spec.get("data", {}).get("values", [])


def layers(spec: dict) -> list[dict]:
    return spec["spec"]["layer"] if "spec" in spec else spec["layer"]


def test_the_years_chart_holds_each_value_of_the_table_as_a_percentage():
    spec = years_chart(YEARS)
    rows = datasets(spec)
    points = {(r["measure"], r["year"]): r["percent"] for r in rows if r.get("year")}
    expected = {
        (row["name"], label): None if value is None else value * 100
        for row in YEARS["rows"]
        for label, value in zip(YEARS["labels"], row["values"], strict=True)
    }
    assert points.keys() == expected.keys()
    for key, value in expected.items():
        assert points[key] == (None if value is None else pytest.approx(value, abs=1e-9)), key
    lines = sorted((r["measure"], r["threshold"]) for r in rows if r.get("threshold") is not None)
    assert lines == [
        ("Balance of relational and contractual work", pytest.approx(30)),
        ("Balance of relational and contractual work", pytest.approx(70)),
        ("Convening stakeholders", pytest.approx(70)),
    ]
    # one small chart per measure, in the table's order, on one 0-100 scale
    assert spec["facet"]["field"] == "panel" and spec["columns"] == 3
    assert [p.replace("|", " ") for p in spec["facet"]["sort"]] == [
        r["name"] for r in YEARS["rows"]
    ]
    encodings = [layer.get("encoding", {}) for layer in layers(spec)]
    assert any(e.get("y", {}).get("scale", {}).get("domain") == [0, 100] for e in encodings)


def test_status_is_a_shape_as_well_as_a_colour_and_each_point_says_its_figure():
    spec = years_chart(YEARS)
    (points,) = [layer for layer in layers(spec) if layer["mark"]["type"] == "point"]
    enc = points["encoding"]
    assert enc["color"]["field"] == enc["shape"]["field"] == "status"
    assert len(set(enc["shape"]["scale"]["range"])) == 3
    labels = {r["label"] for r in datasets(spec) if r.get("label")}
    assert "Convening stakeholders, 2012/13: 75% (met)" in labels
    assert "Convening stakeholders, 2011/12: no data" in labels
    assert enc["description"]["field"] == "label"


def test_the_years_text_alternative_summarises_the_chart():
    text = describe_years(YEARS, "Wirral")
    assert "2 scorecard measures in Wirral by financial year, 2010/11 to 2012/13" in text
    assert "In 2012/13: met 1; not met 1." in text
    assert "Circles are met, triangles partly met and diamonds not met" in text
    assert "no activities" in describe_years({"years": [], "labels": [], "rows": []})


def test_the_dot_plot_holds_each_communitys_value_and_marks_the_thresholds():
    spec = across_chart(ACROSS)
    rows = datasets(spec)
    dots = {(r["measure"], r["community"]): r["percent"] for r in rows if "community" in r}
    expected = {
        (row["name"], code): value * 100
        for row in ACROSS["rows"]
        for code, value in zip(ACROSS["communities"], row["values"], strict=True)
        if value is not None
    }
    assert dots == pytest.approx(expected, abs=1e-9)
    assert ("Convening stakeholders", "wirral") not in dots  # no data: no dot
    ticks = sorted((r["measure"], r["threshold"]) for r in rows if "threshold" in r)
    assert ticks == [
        ("Convening stakeholders", pytest.approx(70)),
        ("Shared risk and long horizons", pytest.approx(50)),
    ]
    (points,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "point"]
    enc = points["encoding"]
    # a community is a colour, a shape and its own place in the row
    assert enc["color"]["field"] == enc["shape"]["field"] == enc["yOffset"]["field"]
    assert enc["y"]["sort"] == [r["name"] for r in ACROSS["rows"]]


def test_the_dot_plots_text_alternative_names_the_widest_spread():
    text = describe_across(ACROSS)
    assert "3 communities (calderdale, somerset, wirral)" in text
    widest = "widest spread is in convening stakeholders: from 57% (somerset) to 72% (calderdale)"
    assert widest in text
