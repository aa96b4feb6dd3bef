"""Scale and pace of developments, and the external drivers behind them."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

_spec = importlib.util.spec_from_file_location(
    "work_community", Path(__file__).with_name("test_work_community.py")
)
community = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(community)
AS_OF = community.AS_OF
northfield, empty_community = community.northfield, community.empty_community

from commissioning.analytics.work import drivers, pace  # noqa: E402


@pytest.fixture
def f():
    return northfield()


def test_timelines_durations_and_small_tasks(f):
    t = pace.timelines(f.developments, f.activities, as_of=AS_OF).set_index("development_id")
    # Memory: 1 April 2011 to 31 March 2013 (still open): 366 days to 1 April 2012 (29 February
    # 2012 included) and 364 more.
    assert t.loc[1, "duration_days"] == 730 and bool(t.loc[1, "open"])
    assert t.loc[1, "days_to_go_live"] == 366
    assert t.loc[2, "duration_days"] == 365 and not bool(t.loc[2, "open"])
    assert t.loc[2, "activities"] == 3
    assert t.loc[3, "small_tasks"] == 1  # the podiatry review sits inside the strategy
    assert t.loc[3, "activities"] == 0 and pd.isna(t.loc[3, "first_activity"])


def test_a_development_without_a_start_date_starts_at_its_first_activity(f):
    devs = f.developments.copy()
    devs.loc[devs["development_id"] == 1, "start_date"] = pd.NaT
    t = pace.timelines(devs, f.activities, as_of=AS_OF).set_index("development_id")
    assert t.loc[1, "duration_days"] == (AS_OF - pd.Timestamp("2011-05-10")).days


def test_milestones_in_date_order(f):
    m = pace.milestones(f.developments, f.activities)
    d2 = m[m["development_id"] == 2]
    assert d2["milestone"].tolist() == ["start", "decision", "go_live", "end"]
    assert d2["title"].tolist()[1] == "Decision to re-commission"


def test_size_of_change_and_wider_plans(f):
    sizes = pace.size_of_change(f.developments).set_index("size_of_change")["developments"]
    assert sizes.to_dict() == {"incremental": 1, "not_recorded": 1, "radical": 1}
    plans = pace.wider_plans(f.developments)
    assert plans.to_dict("records") == [
        {"development_id": 3, "title": "Diabetes strategy", "small_tasks": 1}
    ]


def test_which_drivers_drive_which_developments_and_indicators(f):
    dd = drivers.driver_developments(f.drivers, f.development_drivers, f.developments)
    assert list(zip(dd["title"], dd["development"], strict=True)) == [
        ("NICE quality standard for diabetes", "Diabetes strategy"),
        ("National Dementia Strategy", "Memory assessment service"),
    ]
    ind = drivers.driver_indicators(f.drivers, f.development_drivers, f.objectives)
    assert ind[["title", "indicator_code", "developments"]].to_dict("records") == [
        {"title": "National Dementia Strategy", "indicator_code": "DEM-DX", "developments": 1}
    ]
    summary = drivers.driver_summary(f.drivers, f.development_drivers)
    assert summary["developments"].tolist() == [1, 1]


def test_developments_without_any_stated_driver(f):
    none = drivers.without_driver(f.developments, f.development_drivers)
    assert none["title"].tolist() == ["Diabetic podiatry review"]


def test_an_empty_community_has_no_timelines_or_drivers():
    e = empty_community()
    assert pace.timelines(e.developments, e.activities, as_of=AS_OF).empty
    assert pace.milestones(e.developments, e.activities).empty
    assert drivers.without_driver(e.developments, e.development_drivers).empty
    assert drivers.driver_indicators(e.drivers, e.development_drivers, e.objectives).empty
